// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} config interpolation syntax is written literally in this file
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/client/errors.js";
import { loadExtractConfig, parseExtractConfig } from "../../src/config/extract.js";
import { redact } from "../../src/util/redact.js";
import { FIXTURES } from "./fixtures.js";

const STREAMS = ["profiles", "events", "lists", "list_memberships", "campaigns", "metrics"];
const KEY = "pk_config_test_key_0001";
const ENV = { KLAVIYO_API_KEY: KEY };
const dir = mkdtempSync(join(tmpdir(), "klaviyo-sync-config-"));
for (const [name, text] of Object.entries(FIXTURES)) writeFileSync(join(dir, name), text);
const fixture = (name: string) => join(dir, name);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function loadError(name: string, env: Record<string, string | undefined> = ENV): Promise<ConfigError> {
  try {
    await loadExtractConfig(fixture(name), { env, streamNames: STREAMS });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`${name} loaded without an error`);
}

function parse(text: string, env: Record<string, string | undefined> = ENV) {
  return parseExtractConfig(text, { file: "extract.yaml", env, streamNames: STREAMS });
}

function parseError(text: string, env: Record<string, string | undefined> = ENV): string {
  try {
    parse(text, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("parsed without an error");
}

describe("loadExtractConfig: the example config", () => {
  it("resolves every stream with defaults, per-stream overrides and the table template", async () => {
    const config = await loadExtractConfig(fixture("example.yaml"), { env: ENV, streamNames: STREAMS });
    expect(config.source).toEqual({ apiKey: KEY });
    expect(config.target).toBe("duckdb:./klaviyo.duckdb");
    expect(config.targetSpec).toEqual({
      kind: "duckdb",
      path: "./klaviyo.duckdb",
      display: "duckdb:./klaviyo.duckdb",
    });
    const base = { mode: "incremental", startDate: "2024-01-01", lookbackMs: 3_600_000 };
    expect(config.streams).toEqual([
      { name: "profiles", ...base, table: "klaviyo_profiles" },
      { name: "events", ...base, startDate: "2025-06-01", lookbackMs: 7_200_000, table: "klaviyo_events" },
      { name: "list_memberships", ...base, mode: "full-refresh", table: "klaviyo_list_memberships" },
      { name: "campaigns", ...base, table: "klaviyo_campaigns" },
      // "*" adds the rest in registry order.
      { name: "lists", ...base, table: "klaviyo_lists" },
      { name: "metrics", ...base, table: "klaviyo_metrics" },
    ]);
    expect(config.concurrency).toBeUndefined();
  });
});

describe("loadExtractConfig: bad input is reported at file:line:column", () => {
  const cases: Array<[fixture: string, position: string, ...parts: string[]]> = [
    ["malformed.yaml", "4:3", "Flow map in block collection must be sufficiently indented and end with a }"],
    ["duplicate-key.yaml", "4:3", "Map keys must be unique"],
    [
      "unknown-top-key.yaml",
      "2:1",
      'unknown key "stream" at the top level. Did you mean "streams"?',
      '"source", "target", "concurrency", "defaults" and "streams"',
    ],
    ["unknown-defaults-key.yaml", "4:3", 'unknown key "strat_date" in defaults. Did you mean "start_date"?'],
    ["unknown-stream-key.yaml", "4:13", 'unknown key "lookbak" in streams.events. Did you mean "lookback"?'],
    ["unknown-source-key.yaml", "2:3", 'unknown key "apikey" in source. Did you mean "api_key"?'],
    ["unknown-stream.yaml", "4:3", 'unknown stream "profile". Did you mean "profiles"?', '(or "*" for all)'],
    ["bad-mode.yaml", "4:11", 'streams.profiles.mode: expected "full-refresh" or "incremental"; got "fast".'],
    [
      "bad-start-date.yaml",
      "3:15",
      "defaults.start_date: expected a date such as 2024-01-01",
      'got "yesterday"',
    ],
    [
      "bad-lookback.yaml",
      "3:47",
      "streams.events.lookback: expected a duration such as 30m, 1h or 7d",
      'got "soon"',
    ],
    [
      "bad-target-scheme.yaml",
      "2:9",
      'unknown target scheme "mysql:"',
      "duckdb:PATH",
      "postgres://",
      "file:DIR",
    ],
    ["bad-file-format.yaml", "1:9", 'file format must be "jsonl", "csv" or "parquet"; got "xlsx"'],
    ["missing-target.yaml", "1:1", "target is required: expected one of duckdb:PATH"],
    [
      "missing-var.yaml",
      "3:27",
      "environment variable PG_PASSWORD is not set (used by target)",
      "${PG_PASSWORD:-",
    ],
    ["bad-rate-limits.yaml", "2:16", 'source.rate_limits: expected "real", "off" or a factor such as "10x"'],
    ["bad-object.yaml", "3:11", "unknown placeholder {stream}", "Did you mean {stream_name}?"],
    ["streams-list.yaml", "3:3", "streams: expected a map of stream names to settings", "got a list"],
    ["bad-concurrency.yaml", "2:14", 'concurrency: expected a whole number from 1 to 32; got "many"'],
    ["table-collision.yaml", "3:11", 'streams profiles and events would both write table "klaviyo"'],
    ["no-streams.yaml", "2:1", "no streams selected"],
    ["empty.yaml", "1:1", "the config file is empty"],
  ];
  it.each(cases)("%s → %s", async (name, position, ...parts) => {
    const err = await loadError(name);
    expect(err.message.startsWith(`${fixture(name)}:${position}: `)).toBe(true);
    for (const part of parts) expect(err.message).toContain(part);
  });

  it("never prints the password of a rejected target", async () => {
    const err = await loadError("bad-target-scheme.yaml");
    expect(err.message).not.toContain("hunter2secret");
    expect(err.message).not.toContain("loader");
  });

  it("says which file is missing", async () => {
    const err = await loadError("does-not-exist.yaml");
    expect(err.message).toContain(`${fixture("does-not-exist.yaml")} does not exist`);
  });

  it("reports the earliest problem and counts the rest", () => {
    const message = parseError("target: duckdb:x\nstreams:\n  events: { mode: fast, lookback: soon }\n");
    expect(message).toMatch(/^extract\.yaml:3:19: streams\.events\.mode: /);
    expect(message).toContain("(1 more problem in this file after this one.)");
  });
});

describe("parseExtractConfig: types", () => {
  it.each([
    ["mode: 3", "3:21", 'expected "full-refresh" or "incremental"; got number 3'],
    ["start_date: 2024-02-30", "3:27", 'got "2024-02-30"'],
    ["start_date: 2024-01-01 00:00:00", "3:27", "ISO 8601 with a zone"],
    ["start_date: 2024-01-01T00:00:00", "3:27", "date-time with a zone"],
    ["lookback: 90", "3:25", "got number 90"],
    ["options: predictive_analytics", "3:24", "a list of stream option names"],
    ["disabled: maybe", "3:25", "true or false"],
  ])("%s", (setting, position, part) => {
    const message = parseError(`target: duckdb:x\nstreams:\n  profiles: { ${setting} }\n`);
    expect(message.startsWith(`extract.yaml:${position}: streams.profiles.`)).toBe(true);
    expect(message).toContain(part);
  });

  it("accepts date-times with a zone, compound durations and options", () => {
    const config = parse(
      'target: duckdb:x\nstreams:\n  profiles: { start_date: "2024-03-01T10:30:00+02:00", lookback: 1h30m, options: [predictive_analytics] }\n',
    );
    expect(config.streams).toEqual([
      {
        name: "profiles",
        startDate: "2024-03-01T10:30:00+02:00",
        lookbackMs: 5_400_000,
        options: ["predictive_analytics"],
      },
    ]);
  });

  it("rejects a stream given as a scalar", () => {
    expect(parseError("target: duckdb:x\nstreams:\n  profiles: yes\n")).toMatch(
      /^extract\.yaml:3:13: streams\.profiles: expected a map of stream settings .*, or nothing; got "yes"\./,
    );
  });

  it("points at a top-level stream setting and says where it belongs", () => {
    const message = parseError("target: duckdb:x\nmode: incremental\nstreams: { profiles: }\n");
    expect(message).toMatch(/^extract\.yaml:2:1: unknown key "mode" at the top level\./);
    expect(message).toContain("go under defaults:");
  });

  it("requires an API key from the file or KLAVIYO_API_KEY", () => {
    expect(parseError("source:\n  rate_limits: off\ntarget: duckdb:x\nstreams: { profiles: }\n", {})).toMatch(
      /^extract\.yaml:1:1: no API key: set source\.api_key/,
    );
    expect(parseError('source:\n  api_key: ""\ntarget: duckdb:x\nstreams: { profiles: }\n', {})).toMatch(
      /^extract\.yaml:2:12: source\.api_key: expected a private API key/,
    );
  });

  it("takes base_url, rate_limits and concurrency", () => {
    const config = parse(
      "source:\n  base_url: http://127.0.0.1:8080\n  rate_limits: 10X\ntarget: duckdb:x\nconcurrency: 8\nstreams: { profiles: }\n",
    );
    expect(config.source).toEqual({ apiKey: KEY, baseUrl: "http://127.0.0.1:8080", rateLimits: "10x" });
    expect(config.concurrency).toBe(8);
  });

  it("rejects a base_url that is not http(s)", () => {
    expect(parseError("source:\n  base_url: ftp://x\ntarget: duckdb:x\nstreams: { profiles: }\n")).toMatch(
      /^extract\.yaml:2:13: source\.base_url: expected an http\(s\) URL/,
    );
  });
});

describe("parseExtractConfig: environment interpolation", () => {
  it("expands ${VAR} and ${VAR:-default} anywhere in string values", () => {
    const config = parse(
      [
        "source:",
        "  api_key: ${KLAVIYO_API_KEY}",
        "target: ${TARGET_SCHEME:-duckdb}:${DATA_DIR}/klaviyo.duckdb",
        "concurrency: ${CONCURRENCY:-3}",
        "defaults:",
        "  mode: ${MODE}",
        "  object: ${PREFIX:-raw}_{stream_name}",
        "streams:",
        '  events: { options: ["${EVENT_OPTION}"] }',
      ].join("\n"),
      { ...ENV, DATA_DIR: "/data", MODE: "full-refresh", EVENT_OPTION: "x", PREFIX: "" },
    );
    expect(config.target).toBe("duckdb:/data/klaviyo.duckdb");
    expect(config.concurrency).toBe(3);
    expect(config.streams).toEqual([
      { name: "events", mode: "full-refresh", options: ["x"], table: "raw_events" },
    ]);
  });

  it("keeps a literal ${ written as $${", () => {
    const config = parse(
      'target: duckdb:x\ndefaults: { object: "k_{stream_name}" }\nstreams:\n  profiles: { options: ["$${HOME}"] }\n',
    );
    expect(config.streams[0]?.options).toEqual(["${HOME}"]);
  });

  it("names the missing variable and its line, and no other value", () => {
    const message = parseError(
      'source:\n  api_key: ${KLAVIYO_API_KEY}\ntarget: duckdb:x\nstreams:\n  profiles: { start_date: "${START}" }\n',
      { KLAVIYO_API_KEY: "pk_should_not_appear_123" },
    );
    expect(message).toBe(
      "extract.yaml:5:28: environment variable START is not set (used by streams.profiles.start_date). Set it, or write ${START:-default} to give a default.",
    );
    expect(message).not.toContain("pk_should_not_appear_123");
  });

  it("reports a malformed reference", () => {
    expect(parseError("target: duckdb:${1DIR}\nstreams: { profiles: }\n")).toMatch(
      /^extract\.yaml:1:16: invalid \$\{\.\.\.\} reference/,
    );
    expect(parseError("target: duckdb:${DIR\nstreams: { profiles: }\n")).toMatch(
      /^extract\.yaml:1:16: unclosed \$\{/,
    );
  });

  it("does not echo interpolated values in type errors", () => {
    const message = parseError("target: duckdb:x\ndefaults:\n  mode: ${MODE}\nstreams: { profiles: }\n", {
      ...ENV,
      MODE: "sekrit-mode-value",
    });
    expect(message).toMatch(
      /^extract\.yaml:3:9: defaults\.mode: expected .*; got the value of \$\{MODE\}\.$/,
    );
    expect(message).not.toContain("sekrit-mode-value");
  });

  it("registers interpolated secrets so redact masks them", () => {
    const key = "oauth-like-token-value-98765";
    const password = "pg-pass-from-env-4321";
    parse(
      "source:\n  api_key: ${MY_KEY}\ntarget: postgres://loader:${PGPASSWORD}@db:5432/klaviyo\nstreams: { profiles: }\n",
      {
        MY_KEY: key,
        PGPASSWORD: password,
      },
    );
    expect(redact(`key ${key} password ${password}`)).toBe("key [REDACTED] password [REDACTED]");
  });

  it("registers a postgres password written in the file and keeps it out of display", () => {
    const config = parse(
      "target: postgres://loader:literal-pass-777@db:5432/klaviyo\nstreams: { profiles: }\n",
    );
    expect(config.targetSpec).toEqual({
      kind: "postgres",
      url: "postgres://loader:literal-pass-777@db:5432/klaviyo",
      display: "postgres://loader:***@db:5432/klaviyo",
    });
    expect(redact("literal-pass-777")).toBe("[REDACTED]");
  });
});

describe("parseExtractConfig: stream selection", () => {
  it('"*" expands to every stream; entries override it and disabled leaves one out', () => {
    const config = parse(
      [
        "target: duckdb:x",
        "defaults: { mode: incremental }",
        "streams:",
        '  "*": { lookback: 30m }',
        "  events: { lookback: 2h }",
        "  metrics: { disabled: true }",
      ].join("\n"),
    );
    expect(config.streams.map((s) => s.name)).toEqual([
      "profiles",
      "events",
      "lists",
      "list_memberships",
      "campaigns",
    ]);
    expect(config.streams.find((s) => s.name === "events")?.lookbackMs).toBe(7_200_000);
    expect(config.streams.find((s) => s.name === "lists")).toEqual({
      name: "lists",
      mode: "incremental",
      lookbackMs: 1_800_000,
    });
  });

  it("patterns select matching streams", () => {
    const config = parse('target: duckdb:x\nstreams:\n  "list*": { mode: full-refresh }\n');
    expect(config.streams).toEqual([
      { name: "lists", mode: "full-refresh" },
      { name: "list_memberships", mode: "full-refresh" },
    ]);
  });

  it("a pattern that matches nothing is an error at its key", () => {
    expect(parseError('target: duckdb:x\nstreams:\n  profiles:\n  "flow*": {}\n')).toMatch(
      /^extract\.yaml:4:3: streams: the pattern "flow\*" matches no stream\./,
    );
  });

  it("a stream's own object overrides the template", () => {
    const config = parse(
      'target: duckdb:x\ndefaults: { object: "k_{stream_name}" }\nstreams:\n  profiles: { object: people }\n  events:\n',
    );
    expect(config.streams).toEqual([
      { name: "profiles", table: "people" },
      { name: "events", table: "k_events" },
    ]);
  });

  it("rejects a template that renders an invalid table name", () => {
    expect(parseError('target: duckdb:x\nstreams:\n  profiles: { object: "my-{stream_name}" }\n')).toMatch(
      /^extract\.yaml:3:23: table name "my-profiles" is not a plain identifier/,
    );
  });
});

describe("parseExtractConfig: stream options", () => {
  const streamOptions = (stream: string) => (stream === "profiles" ? ["predictive_analytics"] : []);
  const withOptions = (text: string) =>
    parseExtractConfig(text, { file: "extract.yaml", env: ENV, streamNames: STREAMS, streamOptions });

  it("accepts known options", () => {
    const config = withOptions(
      "target: duckdb:x\nstreams:\n  profiles: { options: [predictive_analytics] }\n",
    );
    expect(config.streams[0]?.options).toEqual(["predictive_analytics"]);
  });

  it("rejects an unknown option with a suggestion, at the option", () => {
    expect(() =>
      withOptions("target: duckdb:x\nstreams:\n  profiles:\n    options: [predictive_analytic]\n"),
    ).toThrow(
      'extract.yaml:4:15: streams.profiles.options[0]: unknown option "predictive_analytic" for profiles. Did you mean "predictive_analytics"? Options: predictive_analytics.',
    );
    expect(() => withOptions("target: duckdb:x\nstreams:\n  events: { options: [x] }\n")).toThrow(
      'extract.yaml:3:23: streams.events.options[0]: unknown option "x" for events. events takes no options.',
    );
  });
});
