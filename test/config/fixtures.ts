// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} config interpolation syntax is written literally in this file
/**
 * Extract config fixtures, one per bad-input case (and the example from the docs). Kept as lines
 * and written to a temporary directory by the tests: positions in the expected messages depend on
 * every character, and broken YAML must not be touched by formatters.
 */
const yaml = (...lines: string[]): string => `${lines.join("\n")}\n`;

export const FIXTURES: Record<string, string> = {
  "bad-concurrency.yaml": yaml(
    "target: duckdb:./klaviyo.duckdb",
    "concurrency: many",
    "streams:",
    "  profiles: {}",
  ),
  "bad-file-format.yaml": yaml('target: "file:./out?format=xlsx"', "streams:", "  profiles: {}"),
  "bad-lookback.yaml": yaml(
    "target: duckdb:./klaviyo.duckdb",
    "streams:",
    "  events: { start_date: 2025-06-01, lookback: soon }",
  ),
  "bad-mode.yaml": yaml("target: duckdb:./klaviyo.duckdb", "streams:", "  profiles:", "    mode: fast"),
  "bad-object.yaml": yaml(
    "target: duckdb:./klaviyo.duckdb",
    "defaults:",
    '  object: "raw_{stream}"',
    "streams:",
    "  profiles: {}",
  ),
  "bad-rate-limits.yaml": yaml(
    "source:",
    "  rate_limits: fast",
    "target: duckdb:./klaviyo.duckdb",
    "streams:",
    "  profiles: {}",
  ),
  "bad-start-date.yaml": yaml(
    "target: duckdb:./klaviyo.duckdb",
    "defaults:",
    "  start_date: yesterday",
    "streams:",
    "  profiles: {}",
  ),
  "bad-target-scheme.yaml": yaml(
    "# warehouse",
    "target: mysql://loader:hunter2secret@db.internal/klaviyo",
    "streams:",
    "  profiles: {}",
  ),
  "duplicate-key.yaml": yaml(
    "target: duckdb:./klaviyo.duckdb",
    "streams:",
    "  profiles: {}",
    "  profiles: { mode: full-refresh }",
  ),
  "empty.yaml": yaml("# nothing here yet"),
  "example.yaml": yaml(
    "source:",
    "  api_key: ${KLAVIYO_API_KEY}",
    "target: duckdb:./klaviyo.duckdb",
    "defaults:",
    "  mode: incremental",
    "  start_date: 2024-01-01",
    "  lookback: 1h",
    "  object: klaviyo_{stream_name}",
    "streams:",
    "  profiles: {}",
    "  events: { start_date: 2025-06-01, lookback: 2h }",
    "  list_memberships: { mode: full-refresh }",
    "  campaigns:",
    '  "*": {}',
  ),
  "malformed.yaml": yaml(
    "target: duckdb:./klaviyo.duckdb",
    "streams:",
    "  profiles: { mode: incremental",
    "  events: {}",
  ),
  "missing-target.yaml": yaml("source:", "  rate_limits: off", "streams:", "  profiles: {}"),
  "missing-var.yaml": yaml(
    "source:",
    "  api_key: ${KLAVIYO_API_KEY}",
    "target: postgres://loader:${PG_PASSWORD}@db.internal:5432/klaviyo",
    "streams:",
    "  profiles: {}",
  ),
  "no-streams.yaml": yaml("target: duckdb:./klaviyo.duckdb", "streams:", '  "*": { disabled: true }'),
  "streams-list.yaml": yaml("target: duckdb:./klaviyo.duckdb", "streams:", "  - profiles", "  - events"),
  "table-collision.yaml": yaml(
    "target: duckdb:./klaviyo.duckdb",
    "defaults:",
    "  object: klaviyo",
    "streams:",
    "  profiles: {}",
    "  events: {}",
  ),
  "unknown-defaults-key.yaml": yaml(
    "target: duckdb:./klaviyo.duckdb",
    "defaults:",
    "  mode: incremental",
    "  strat_date: 2024-01-01",
    "streams:",
    "  profiles: {}",
  ),
  "unknown-source-key.yaml": yaml(
    "source:",
    "  apikey: ${KLAVIYO_API_KEY}",
    "target: duckdb:./klaviyo.duckdb",
    "streams:",
    "  profiles: {}",
  ),
  "unknown-stream-key.yaml": yaml(
    "target: duckdb:./klaviyo.duckdb",
    "streams:",
    "  profiles: {}",
    "  events: { lookbak: 2h }",
  ),
  "unknown-stream.yaml": yaml("target: duckdb:./klaviyo.duckdb", "streams:", "  events: {}", "  profile: {}"),
  "unknown-top-key.yaml": yaml("target: duckdb:./klaviyo.duckdb", "stream:", "  profiles: {}"),
};
