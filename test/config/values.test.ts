// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} config interpolation syntax is written literally in this file
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/client/errors.js";
import { expandEnv } from "../../src/config/env.js";
import { closest, editDistance } from "../../src/config/suggest.js";
import { isStartDate, parseDuration, parseTarget } from "../../src/config/values.js";
import { redact } from "../../src/util/redact.js";

describe("parseDuration", () => {
  it.each([
    ["30m", 1_800_000],
    ["1h", 3_600_000],
    ["7d", 604_800_000],
    ["1w", 604_800_000],
    ["45s", 45_000],
    ["250ms", 250],
    ["1h30m", 5_400_000],
    ["1.5h", 5_400_000],
    ["0", 0],
  ])("%s → %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["soon", "", "1", "1y", "h", "1 h", "-1h", "1H"])("rejects %j", (text) => {
    expect(() => parseDuration(text)).toThrow(ConfigError);
    expect(() => parseDuration(text)).toThrow(/expected a duration such as 30m, 1h or 7d/i);
  });
});

describe("isStartDate", () => {
  it.each([
    "2024-01-01",
    "2024-02-29",
    "2024-01-01T00:00:00Z",
    "2024-01-01T10:30+02:00",
    "2024-01-01T10:30:00.123Z",
  ])("accepts %s", (text) => {
    expect(isStartDate(text)).toBe(true);
  });
  it.each([
    "yesterday",
    "2023-02-29",
    "2024-13-01",
    "2024-01-01T25:00:00Z",
    "2024-01-01T00:00:00",
    "2024/01/01",
  ])("rejects %s", (text) => {
    expect(isStartDate(text)).toBe(false);
  });
});

describe("parseTarget", () => {
  it("classifies the three forms", () => {
    expect(parseTarget("duckdb:./klaviyo.duckdb")).toEqual({
      kind: "duckdb",
      path: "./klaviyo.duckdb",
      display: "duckdb:./klaviyo.duckdb",
    });
    expect(parseTarget("duckdb:///var/data/k.duckdb")).toMatchObject({
      kind: "duckdb",
      path: "/var/data/k.duckdb",
    });
    expect(parseTarget("postgresql://u@localhost/klaviyo")).toEqual({
      kind: "postgres",
      url: "postgresql://u@localhost/klaviyo",
      display: "postgresql://u@localhost/klaviyo",
    });
    expect(parseTarget("file:./out?format=csv")).toEqual({
      kind: "file",
      dir: "./out",
      format: "csv",
      display: "file:./out?format=csv",
    });
    expect(parseTarget("file:///tmp/out")).toEqual({
      kind: "file",
      dir: "/tmp/out",
      format: "jsonl",
      display: "file:/tmp/out?format=jsonl",
    });
  });

  it("masks and registers a postgres password", () => {
    const spec = parseTarget("postgres://loader:p%40ss-word-99@db:5432/klaviyo?sslmode=require");
    expect(spec.display).toBe("postgres://loader:***@db:5432/klaviyo");
    expect(redact("p@ss-word-99 and p%40ss-word-99")).toBe("[REDACTED] and [REDACTED]");
  });

  it.each([
    [
      "mysql://h/db",
      /unknown target scheme "mysql:".*duckdb:PATH.*postgres:\/\/.*file:DIR\?format=jsonl\|csv\|parquet/,
    ],
    ["duckbd:./k.duckdb", /Did you mean "duckdb:"\?/],
    ["./klaviyo.duckdb", /has no scheme\. To write to a DuckDB file, prefix it with "duckdb:"/],
    ["duckdb:", /needs a file path/],
    ["file:?format=csv", /needs a directory/],
    ["file:./out?format=xlsx", /file format must be "jsonl", "csv" or "parquet"; got "xlsx"/],
    ["file:./out?fromat=csv", /unknown file target option "fromat".*Did you mean "format"\?/],
    ["postgres:db", /postgres:\/\/USER:PASSWORD@HOST:PORT\/DATABASE/],
  ])("rejects %s", (text, message) => {
    expect(() => parseTarget(text)).toThrow(ConfigError);
    expect(() => parseTarget(text)).toThrow(message);
  });

  it("does not quote a rejected target (it may hold a password)", () => {
    expect(() => parseTarget("mssql://sa:TopSecret123@h/db")).toThrow(/^(?!.*TopSecret123)/s);
  });
});

describe("did-you-mean", () => {
  it("measures edits with adjacent swaps as one", () => {
    expect(editDistance("lookback", "lookbakc")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
  });

  it("suggests only plausible names", () => {
    const keys = ["mode", "start_date", "lookback", "object"];
    expect(closest("strat_date", keys)).toBe("start_date");
    expect(closest("START-DATE", keys)).toBe("start_date");
    expect(closest("startDate", keys)).toBe("start_date");
    expect(closest("lookbak", keys)).toBe("lookback");
    expect(closest("table", keys)).toBeUndefined();
    expect(closest("list", ["lists", "list_memberships"])).toBe("lists");
    expect(closest("memberships", ["lists", "list_memberships"])).toBeUndefined();
  });
});

describe("expandEnv", () => {
  const env = { A: "alpha", EMPTY: "" };
  it.each([
    ["${A}", "alpha"],
    ["x-${A}-${A}", "x-alpha-alpha"],
    ["${B:-beta}", "beta"],
    ["${EMPTY:-fallback}", "fallback"],
    ["${EMPTY}", ""],
    ["${A:-unused}", "alpha"],
    ["$${A}", "${A}"],
    ["cost $5", "cost $5"],
  ])("%s → %s", (text, value) => {
    expect(expandEnv(text, env)).toMatchObject({ ok: true, value });
  });

  it("reports missing variables and bad syntax with their index", () => {
    expect(expandEnv("ab${MISSING}", env)).toMatchObject({
      ok: false,
      kind: "missing",
      name: "MISSING",
      index: 2,
    });
    expect(expandEnv("${A", env)).toMatchObject({ ok: false, kind: "syntax", index: 0 });
    expect(expandEnv("${A B}", env)).toMatchObject({ ok: false, kind: "syntax", index: 0 });
  });
});
