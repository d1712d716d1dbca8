// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} config interpolation syntax is written literally in this file
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/client/errors.js";
import { type LoadActionSpec, loadLoadConfig, parseLoadConfig } from "../../src/config/load.js";
import { redact } from "../../src/util/redact.js";

const KEY = "pk_load_config_test_0001";
const ENV = { KLAVIYO_API_KEY: KEY };

const ACTIONS: Record<string, LoadActionSpec> = {
  profiles: {
    modes: ["upsert", "update", "create"],
    fields: [
      { name: "email", type: "email", description: "Email" },
      { name: "phone_number", type: "phone", description: "Phone" },
      { name: "external_id", type: "string", description: "External id" },
      { name: "first_name", type: "string", description: "First name" },
      { name: "last_name", type: "string", description: "Last name" },
      { name: "properties", type: "json", description: "Custom properties", prefix: true },
      { name: "location.*", type: "string", description: "Location", prefix: true },
    ],
    parseOptions(raw) {
      const opts = (raw ?? {}) as Record<string, unknown>;
      for (const key of Object.keys(opts)) {
        if (!["list", "nulls"].includes(key))
          throw new ConfigError(`unknown option ${key}; valid options are list, nulls.`);
      }
      if (opts.nulls !== undefined && opts.nulls !== "skip" && opts.nulls !== "clear") {
        throw new ConfigError(`option nulls must be one of skip, clear; got ${JSON.stringify(opts.nulls)}.`);
      }
      return { nulls: "skip", ...opts };
    },
  },
  events: {
    modes: ["append"],
    fields: [
      { name: "email", type: "email", description: "Email" },
      { name: "metric", type: "string", description: "Metric name", required: true },
      { name: "time", type: "datetime", description: "When" },
      { name: "properties", type: "json", description: "Event properties", prefix: true },
    ],
  },
  list_membership: {
    modes: ["add", "mirror"],
    fields: [
      { name: "email", type: "email", description: "Email" },
      { name: "phone_number", type: "phone", description: "Phone" },
    ],
  },
};

const yaml = (...lines: string[]): string => `${lines.join("\n")}\n`;

const EXAMPLE = yaml(
  "source: duckdb:./warehouse.duckdb",
  "klaviyo: { api_key: ${KLAVIYO_API_KEY}, base_url: http://127.0.0.1:8080, rate_limits: 10X }",
  "syncs:",
  "  vip_profiles:",
  "    action: profiles",
  "    mode: upsert",
  '    model: { sql: "select * from customers where ltv > 500" }',
  "    primary_key: customer_id",
  "    identify_by: email",
  "    mapping:",
  "      email: email",
  "      first_name: first_name",
  "      ltv: properties.lifetime_value",
  "      city: location.city",
  "    constants: { properties.source: warehouse }",
  "    options: { list: Xy12Ab, nulls: skip }",
  "  vip_list:",
  "    action: list_membership",
  "    model: { table: analytics.vip }",
  "    primary_key: [store_id, customer_id]",
  "    mapping: { email: email }",
);

/** One file per bad-input case; positions in the expected messages depend on every character. */
const FIXTURES: Record<string, string> = {
  "example.yaml": EXAMPLE,
  "unknown-action.yaml": yaml(
    "source: duckdb:./w.duckdb",
    "syncs:",
    "  vip:",
    "    action: profile",
    "    model: { table: customers }",
    "    primary_key: id",
    "    mapping: { email: email }",
  ),
  "unknown-field.yaml": yaml(
    "source: duckdb:./w.duckdb",
    "syncs:",
    "  vip:",
    "    action: profiles",
    "    model: { table: customers }",
    "    primary_key: id",
    "    mapping:",
    "      email: email",
    "      ltv: propertes.lifetime_value",
  ),
  "unknown-plain-field.yaml": yaml(
    "source: duckdb:./w.duckdb",
    "syncs:",
    "  vip:",
    "    action: profiles",
    "    model: { table: customers }",
    "    primary_key: id",
    "    mapping: { email: email, first: frist_name }",
  ),
  "bad-mode.yaml": yaml(
    "source: duckdb:./w.duckdb",
    "syncs:",
    "  vip:",
    "    action: list_membership",
    "    mode: mirorr",
    "    model: { table: customers }",
    "    primary_key: id",
    "    mapping: { email: email }",
  ),
  "missing-var.yaml": yaml(
    "source: duckdb:./w.duckdb",
    "klaviyo:",
    "  api_key: ${KLAVIYO_PRIVATE_KEY}",
    "syncs:",
    "  vip:",
    "    action: profiles",
    "    model: { table: customers }",
    "    primary_key: id",
    "    mapping: { email: email }",
  ),
  "missing-source-var.yaml": yaml("source: postgres://loader:${PG_PASSWORD}@db/warehouse", "syncs: {}"),
  "unknown-sync-key.yaml": yaml(
    "source: duckdb:./w.duckdb",
    "syncs:",
    "  vip:",
    "    action: profiles",
    "    model: { table: customers }",
    "    primary_kee: id",
    "    mapping: { email: email }",
  ),
  "two-models.yaml": yaml(
    "source: duckdb:./w.duckdb",
    "syncs:",
    "  vip:",
    "    action: profiles",
    "    model: { table: customers, sql: select 1 }",
    "    primary_key: id",
    "    mapping: { email: email }",
  ),
  "file-source-sql.yaml": yaml(
    "source: file:./vip.csv",
    "syncs:",
    "  vip:",
    "    action: profiles",
    "    model: { sql: select 1 }",
    "    primary_key: id",
    "    mapping: { email: email }",
  ),
  "no-model.yaml": yaml(
    "source: duckdb:./w.duckdb",
    "syncs:",
    "  vip:",
    "    action: profiles",
    "    primary_key: id",
    "    mapping: { email: email }",
  ),
  "bad-source.yaml": yaml(
    "source: duckdv:./w.duckdb",
    "syncs:",
    "  vip: { action: profiles, model: { table: t }, primary_key: id, mapping: { email: email } }",
  ),
  "bad-model-file.yaml": yaml(
    "source: duckdb:./w.duckdb",
    "syncs:",
    "  vip: { action: profiles, model: { file: ./vip.xlsx }, primary_key: id, mapping: { email: email } }",
  ),
  "bad-option.yaml": yaml(
    "source: duckdb:./w.duckdb",
    "syncs:",
    "  vip:",
    "    action: profiles",
    "    model: { table: customers }",
    "    primary_key: id",
    "    mapping: { email: email }",
    "    options: { nulls: drop }",
  ),
  "identify-unmapped.yaml": yaml(
    "source: duckdb:./w.duckdb",
    "syncs:",
    "  vip:",
    "    action: profiles",
    "    model: { table: customers }",
    "    primary_key: id",
    "    identify_by: customer_email",
    "    mapping: { customer_email: email }",
  ),
  "duplicate-target.yaml": yaml(
    "source: duckdb:./w.duckdb",
    "syncs:",
    "  vip:",
    "    action: profiles",
    "    model: { table: customers }",
    "    primary_key: id",
    "    mapping:",
    "      email: email",
    "      work_email: email",
  ),
  "constant-conflict.yaml": yaml(
    "source: duckdb:./w.duckdb",
    "syncs:",
    "  vip:",
    "    action: profiles",
    "    model: { table: customers }",
    "    primary_key: id",
    "    mapping: { email: email, src: properties.source }",
    "    constants:",
    "      properties.source: warehouse",
  ),
  "required-field.yaml": yaml(
    "source: duckdb:./w.duckdb",
    "syncs:",
    "  orders:",
    "    action: events",
    "    model: { table: orders }",
    "    primary_key: order_id",
    "    mapping: { email: email, placed_at: time }",
  ),
  "no-api-key.yaml": yaml(
    "source: duckdb:./w.duckdb",
    "syncs:",
    "  vip: { action: profiles, model: { table: t }, primary_key: id, mapping: { email: email } }",
  ),
  "bad-primary-key.yaml": yaml(
    "source: duckdb:./w.duckdb",
    "syncs:",
    "  vip: { action: profiles, model: { table: t }, primary_key: [], mapping: { email: email } }",
  ),
  "no-syncs.yaml": yaml("source: duckdb:./w.duckdb", "syncs: {}"),
  "malformed.yaml": yaml("source: duckdb:./w.duckdb", "syncs:", "  vip: { action: profiles", "  other: 1"),
  "empty.yaml": yaml("# nothing yet"),
};

const dir = mkdtempSync(join(tmpdir(), "klaviyo-sync-load-config-"));
for (const [name, text] of Object.entries(FIXTURES)) writeFileSync(join(dir, name), text);
const fixture = (name: string) => join(dir, name);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function loadError(name: string, env: Record<string, string | undefined> = ENV): Promise<ConfigError> {
  try {
    await loadLoadConfig(fixture(name), { env, actions: ACTIONS });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`${name} loaded without an error`);
}

describe("loadLoadConfig: the example config", () => {
  it("resolves syncs, mapping, constants, options and defaults", async () => {
    const config = await loadLoadConfig(fixture("example.yaml"), { env: ENV, actions: ACTIONS });
    expect(config.source).toBe("duckdb:./warehouse.duckdb");
    expect(config.sourceSpec).toEqual({
      kind: "duckdb",
      path: "./warehouse.duckdb",
      display: "duckdb:./warehouse.duckdb",
    });
    expect(config.klaviyo).toEqual({ apiKey: KEY, baseUrl: "http://127.0.0.1:8080", rateLimits: "10x" });
    expect(config.state).toBe(".klaviyo-sync/state.duckdb");
    expect(config.syncs).toEqual([
      {
        name: "vip_profiles",
        action: "profiles",
        mode: "upsert",
        model: { sql: "select * from customers where ltv > 500" },
        primaryKey: ["customer_id"],
        identifyBy: "email",
        mapping: [
          { column: "email", field: "email" },
          { column: "first_name", field: "first_name" },
          { column: "ltv", field: "properties.lifetime_value" },
          { column: "city", field: "location.city" },
        ],
        constants: { "properties.source": "warehouse" },
        options: { list: "Xy12Ab", nulls: "skip" },
      },
      {
        name: "vip_list",
        action: "list_membership",
        // The action's first mode.
        mode: "add",
        model: { table: "analytics.vip" },
        primaryKey: ["store_id", "customer_id"],
        mapping: [{ column: "email", field: "email" }],
        constants: {},
        options: {},
      },
    ]);
    // The API key is registered as a secret.
    expect(redact(`key ${KEY}`)).not.toContain(KEY);
  });

  it("takes a file source with no model, a state path and the API key from the environment", () => {
    const config = parseLoadConfig(
      yaml(
        "source: file:./exports/vip.csv",
        "state: ./state/load.duckdb",
        "syncs:",
        "  vip: { action: profiles, primary_key: id, mapping: { email: email } }",
        "  other: { action: profiles, model: { file: ./more.jsonl }, primary_key: id, mapping: { email: email } }",
      ),
      { file: "load.yaml", env: ENV, actions: ACTIONS },
    );
    expect(config.sourceSpec).toMatchObject({ kind: "file", path: "./exports/vip.csv", format: "csv" });
    expect(config.state).toBe("./state/load.duckdb");
    expect(config.klaviyo.apiKey).toBe(KEY);
    expect(config.syncs.map((s) => s.model)).toEqual([{}, { file: "./more.jsonl" }]);
  });

  it("masks the password of a postgres source in its display form", () => {
    const config = parseLoadConfig(
      yaml(
        "source: postgres://loader:${PG_PASSWORD}@db.internal:5432/warehouse",
        "syncs:",
        "  vip: { action: profiles, model: { table: customers }, primary_key: id, mapping: { email: email } }",
      ),
      { file: "load.yaml", env: { ...ENV, PG_PASSWORD: "s3cr3t-pw" }, actions: ACTIONS },
    );
    expect(config.source).toContain("s3cr3t-pw");
    expect(config.sourceSpec.display).not.toContain("s3cr3t-pw");
    expect(redact(config.source)).not.toContain("s3cr3t-pw");
  });
});

describe("parseLoadConfig: ${VAR} inside { } (as the docs write it)", () => {
  const parse = (text: string, env: Record<string, string | undefined> = ENV) =>
    parseLoadConfig(text, { file: "load.yaml", env, actions: ACTIONS });
  const error = (text: string, env: Record<string, string | undefined> = ENV): string => {
    try {
      parse(text, env);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error("parsed without an error");
  };
  const SYNC = "  vip: { action: profiles, model: { table: t }, primary_key: id, mapping: { email: email } }";

  it("reads unquoted ${VAR} values in flow maps and lists", () => {
    const config = parse(
      yaml(
        "source: duckdb:./w.duckdb",
        "klaviyo: { api_key: ${KEY}, base_url: ${BASE:-https://a.klaviyo.com} } # comment with ${NOPE}",
        "syncs:",
        "  vip: { action: profiles, model: { sql: select 1 }, primary_key: [${PK}], mapping: { email: email } }",
      ),
      { KEY: "pk_from_env_1234", PK: "customer_id" },
    );
    expect(config.klaviyo).toEqual({ apiKey: "pk_from_env_1234", baseUrl: "https://a.klaviyo.com" });
    expect(config.syncs[0]?.primaryKey).toEqual(["customer_id"]);
  });

  it("reports positions in the text as written", () => {
    expect(
      error(yaml("source: duckdb:./w.duckdb", "klaviyo: { api_key: ${MISSING_KEY} }", "syncs:", SYNC), {}),
    ).toMatch(/^load\.yaml:2:21: environment variable MISSING_KEY is not set \(used by klaviyo\.api_key\)/);
    // After the added quotes on the same line.
    expect(
      error(
        yaml("source: duckdb:./w.duckdb", "klaviyo: { api_key: ${KEY}, rate_limits: fast }", "syncs:", SYNC),
        {
          KEY: "pk_x_123456",
        },
      ),
    ).toMatch(/^load\.yaml:2:42: klaviyo\.rate_limits: expected "real", "off"/);
  });

  it("keeps quoted values and apostrophes as they are", () => {
    const config = parse(
      yaml(
        "source: duckdb:./w.duckdb",
        'klaviyo: { api_key: "${KEY}" }',
        "syncs:",
        "  vip: { action: profiles, model: { sql: \"select 'it''s' as x, '${KEY}' as y\" }, primary_key: id, mapping: { email: email } }",
      ),
      { KEY: "pk_quoted_123" },
    );
    expect(config.klaviyo.apiKey).toBe("pk_quoted_123");
    expect(config.syncs[0]?.model.sql).toBe("select 'it''s' as x, 'pk_quoted_123' as y");
  });

  it("explains the quoting when the YAML still does not parse", () => {
    expect(error("source: duckdb:./w.duckdb\nklaviyo: { api_key: ${KEY}\nsyncs: {}\n")).toContain(
      'quote values that use ${VAR}, e.g. { api_key: "${KLAVIYO_API_KEY}" }',
    );
  });
});

describe("loadLoadConfig: bad input is reported at file:line:column", () => {
  const cases: Array<[fixture: string, position: string, ...parts: string[]]> = [
    [
      "unknown-action.yaml",
      "4:13",
      'syncs.vip.action: unknown action "profile". Did you mean "profiles"?',
      "Actions: profiles, events, list_membership.",
    ],
    [
      "unknown-field.yaml",
      "9:12",
      'syncs.vip.mapping.ltv: action profiles has no field "propertes.lifetime_value". Did you mean "properties.lifetime_value"?',
      "Fields: email, phone_number, external_id, first_name, last_name, properties.* and location.*.",
    ],
    [
      "unknown-plain-field.yaml",
      "7:37",
      'syncs.vip.mapping.first: action profiles has no field "frist_name". Did you mean "first_name"?',
    ],
    [
      "bad-mode.yaml",
      "5:11",
      'syncs.vip.mode: action list_membership has no mode "mirorr". Did you mean "mirror"? Modes: add, mirror.',
    ],
    [
      "missing-var.yaml",
      "3:12",
      "environment variable KLAVIYO_PRIVATE_KEY is not set (used by klaviyo.api_key)",
      "${KLAVIYO_PRIVATE_KEY:-default}",
    ],
    ["missing-source-var.yaml", "1:27", "environment variable PG_PASSWORD is not set (used by source)"],
    ["unknown-sync-key.yaml", "6:5", 'unknown key "primary_kee" in syncs.vip. Did you mean "primary_key"?'],
    ["two-models.yaml", "5:32", 'syncs.vip.model: give one of sql, table or file, not "table" and "sql".'],
    ["file-source-sql.yaml", "5:14", "syncs.vip.model.sql: the source is a file, which is the model itself"],
    ["no-model.yaml", "3:3", "syncs.vip.model is required"],
    ["bad-source.yaml", "1:9", 'unknown source scheme "duckdv:". Did you mean "duckdb:"?'],
    ["bad-model-file.yaml", "3:43", 'syncs.vip.model.file: cannot tell the format of "./vip.xlsx"'],
    ["bad-option.yaml", "8:14", 'syncs.vip.options: option nulls must be one of skip, clear; got "drop".'],
    [
      "identify-unmapped.yaml",
      "7:18",
      'syncs.vip.identify_by: "customer_email" is not a field this sync sets.',
      'identify_by names the Klaviyo field it maps to ("email")',
    ],
    [
      "duplicate-target.yaml",
      "9:19",
      'syncs.vip.mapping.work_email: columns "email" and "work_email" both map to email',
    ],
    ["constant-conflict.yaml", "9:7", 'properties.source is already mapped from column "src"'],
    ["required-field.yaml", "7:5", "syncs.orders.mapping: action events needs field metric"],
    ["no-api-key.yaml", "1:1", "no API key: set klaviyo.api_key"],
    [
      "bad-primary-key.yaml",
      "3:62",
      "syncs.vip.primary_key: expected a list of at least one column name; got a list.",
    ],
    ["no-syncs.yaml", "2:1", "syncs: no syncs"],
    ["malformed.yaml", "4:3", "Flow map"],
    ["empty.yaml", "1:1", "the config file is empty"],
  ];
  it.each(cases)("%s → %s", async (name, position, ...parts) => {
    const env = name === "no-api-key.yaml" ? {} : ENV;
    const err = await loadError(name, env);
    expect(err.message, err.message).toMatch(
      new RegExp(`^${fixture(name).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:${position}: `),
    );
    for (const part of parts) expect(err.message).toContain(part);
  });

  it("says which file is missing", async () => {
    const err = await loadError("does-not-exist.yaml");
    expect(err.message).toContain(`${fixture("does-not-exist.yaml")} does not exist`);
  });

  it("reports the earliest problem and counts the rest", () => {
    let message = "";
    try {
      parseLoadConfig(
        yaml(
          "source: duckdb:./w.duckdb",
          "syncs:",
          "  a: { action: profile, model: { table: t }, primary_key: id, mapping: { email: email } }",
          "  b: { action: profiles, mode: fast, model: { table: t }, primary_key: id, mapping: { email: emial } }",
        ),
        { file: "load.yaml", env: ENV, actions: ACTIONS },
      );
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^load\.yaml:3:16: syncs\.a\.action: unknown action "profile"/);
    expect(message).toContain("(2 more problems in this file after this one.)");
  });

  it("never echoes a secret value that failed validation", () => {
    let message = "";
    try {
      parseLoadConfig(
        yaml(
          "source: duckdb:./w.duckdb",
          "klaviyo: { api_key: [pk_not_a_string_secret] }",
          "syncs:",
          "  a: { action: profiles, model: { table: t }, primary_key: id, mapping: { email: email } }",
        ),
        { file: "load.yaml", env: ENV, actions: ACTIONS },
      );
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^load\.yaml:2:21: klaviyo\.api_key: expected a private API key/);
    expect(message).not.toContain("pk_not_a_string_secret");
  });
});
