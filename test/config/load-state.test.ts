// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} config interpolation syntax is written literally in this file
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/client/errors.js";
import { type LoadActionSpec, parseLoadConfig } from "../../src/config/load.js";

const ENV = { KLAVIYO_API_KEY: "pk_load_state_config_0001", PG_PASSWORD: "s3cret-pg-pass" };

const ACTIONS: Record<string, LoadActionSpec> = {
  profiles: {
    modes: ["upsert"],
    fields: [{ name: "email", type: "email", description: "Email" }],
  },
};

const syncs = (source: string) => [
  "syncs:",
  `  vip: { action: profiles, ${source.startsWith("file:") ? "" : "model: { table: customers }, "}primary_key: id, mapping: { email: email } }`,
];

function parse(source: string, ...state: string[]) {
  return parseLoadConfig(`${[`source: ${source}`, ...state, ...syncs(source)].join("\n")}\n`, {
    file: "load.yaml",
    env: ENV,
    actions: ACTIONS,
  });
}

function problem(source: string, ...state: string[]): string {
  try {
    parse(source, ...state);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("load config: state", () => {
  it("defaults to the local state file", () => {
    const config = parse("duckdb:./w.duckdb");
    expect(config.stateLocation).toEqual({ in: "file", path: ".klaviyo-sync/state.duckdb" });
    expect(config.state).toBe(".klaviyo-sync/state.duckdb");
  });

  it("takes a file path, as a string or a map", () => {
    expect(parse("duckdb:./w.duckdb", "state: ./state/load.duckdb").stateLocation).toEqual({
      in: "file",
      path: "./state/load.duckdb",
    });
    expect(parse("duckdb:./w.duckdb", "state: { in: file, path: ./s.duckdb }").stateLocation).toEqual({
      in: "file",
      path: "./s.duckdb",
    });
    expect(parse("file:./vip.csv", "state: { in: file }").stateLocation).toEqual({
      in: "file",
      path: ".klaviyo-sync/state.duckdb",
    });
  });

  it("puts the state in a schema of a database source", () => {
    const pg = parse("postgres://loader:${PG_PASSWORD}@db.internal:5432/warehouse", "state: source");
    expect(pg.stateLocation).toEqual({ in: "source", schema: "klaviyo_sync" });
    expect(pg.state).toContain("(schema klaviyo_sync)");
    expect(pg.state).not.toContain(ENV.PG_PASSWORD);
    const duck = parse("duckdb:./w.duckdb", "state:", "  in: source", "  schema: loader_state");
    expect(duck.stateLocation).toEqual({ in: "source", schema: "loader_state" });
    expect(duck.state).toBe("duckdb:./w.duckdb (schema loader_state)");
  });

  it("refuses the state in a file source, at the state line", () => {
    expect(problem("file:./vip.csv", "state: source")).toMatch(
      /^load\.yaml:2:8: state: the state can live in the source only when the source is a database \(postgres:\/\/\.\.\. or duckdb:PATH\); the source file:\.\/vip\.csv is a file\./,
    );
    expect(problem("file:./vip.csv", "state: { in: source }")).toMatch(
      /^load\.yaml:2:8: state: .* is a file/,
    );
  });

  it("reports mistakes with their line and a suggestion", () => {
    expect(problem("duckdb:./w.duckdb", "state: sorce")).toMatch(
      /^load\.yaml:2:8: state: "sorce" would be a state file named sorce in the current folder\. Did you mean "source"/,
    );
    expect(problem("duckdb:./w.duckdb", "state:", "  in: source", "  shema: x")).toMatch(
      /^load\.yaml:4:3: unknown key "shema" in state\. Did you mean "schema"\? Valid keys: "in", "schema" and "path"\./,
    );
    expect(problem("duckdb:./w.duckdb", "state:", "  in: sourse")).toMatch(
      /^load\.yaml:3:7: state\.in: expected source \(a schema of the source database\) or file \(a local DuckDB file\); got "sourse"\. Did you mean "source"\?/,
    );
    expect(problem("duckdb:./w.duckdb", "state: { schema: x }")).toMatch(
      /^load\.yaml:2:1: state\.in is required/,
    );
    expect(problem("duckdb:./w.duckdb", "state:", "  in: source", "  schema: 1bad-name")).toMatch(
      /^load\.yaml:4:11: state\.schema: expected a schema name of letters, digits and _ .*; got "1bad-name"\./,
    );
    expect(problem("duckdb:./w.duckdb", "state: { in: source, path: ./x.duckdb }")).toMatch(
      /^load\.yaml:2:22: state\.path: only with in: file/,
    );
    expect(problem("duckdb:./w.duckdb", "state: { in: file, schema: x }")).toMatch(
      /^load\.yaml:2:20: state\.schema: only with in: source/,
    );
    expect(problem("duckdb:./w.duckdb", "state: [a, b]")).toMatch(
      /^load\.yaml:2:1: state: expected a file path such as \.klaviyo-sync\/state\.duckdb, "source" .*; got a list\./,
    );
  });
});
