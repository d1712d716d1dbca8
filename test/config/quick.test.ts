import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/client/errors.js";
import { type QuickFlags, quickExtractConfig } from "../../src/config/quick.js";

const STREAMS = ["profiles", "events", "lists", "list_memberships", "campaigns", "metrics"];
const ENV = { KLAVIYO_API_KEY: "pk_quick_test_key_0001" };

function quick(flags: QuickFlags, env: Record<string, string | undefined> = ENV) {
  return quickExtractConfig(flags, { env, streamNames: STREAMS });
}

function quickError(flags: QuickFlags, env: Record<string, string | undefined> = ENV): string {
  try {
    quick(flags, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("no error");
}

describe("quickExtractConfig", () => {
  it("builds the same config from flags", () => {
    const config = quick({
      streams: "profiles, events",
      target: "file:./out?format=parquet",
      mode: "incremental",
      startDate: "2024-01-01",
      lookback: "2h",
      object: "klaviyo_{stream_name}",
      concurrency: "2",
      rateLimits: "off",
    });
    expect(config).toEqual({
      source: { apiKey: ENV.KLAVIYO_API_KEY, rateLimits: "off" },
      target: "file:./out?format=parquet",
      targetSpec: { kind: "file", dir: "./out", format: "parquet", display: "file:./out?format=parquet" },
      streams: [
        {
          name: "profiles",
          mode: "incremental",
          startDate: "2024-01-01",
          lookbackMs: 7_200_000,
          table: "klaviyo_profiles",
        },
        {
          name: "events",
          mode: "incremental",
          startDate: "2024-01-01",
          lookbackMs: 7_200_000,
          table: "klaviyo_events",
        },
      ],
      concurrency: 2,
    });
  });

  it("all selects every stream in registry order; duplicates are dropped", () => {
    expect(quick({ streams: "all", target: "duckdb:x" }).streams.map((s) => s.name)).toEqual(STREAMS);
    expect(quick({ streams: "events,events,lists", target: "duckdb:x" }).streams.map((s) => s.name)).toEqual([
      "events",
      "lists",
    ]);
  });

  it.each<[QuickFlags, string]>([
    [
      { streams: "profile", target: "duckdb:x" },
      '--streams: unknown stream "profile". Did you mean "profiles"?',
    ],
    [{ target: "duckdb:x" }, "--streams: is required"],
    [{ streams: "profiles" }, "--target: is required"],
    [{ streams: "profiles", target: "sqlite:x.db" }, '--target: unknown target scheme "sqlite:"'],
    [{ streams: "profiles", target: "file:./out?format=json" }, 'got "json". Did you mean "jsonl"?'],
    [
      { streams: "profiles", target: "duckdb:x", mode: "fast" },
      '--mode: expected "full-refresh" or "incremental"; got "fast".',
    ],
    [
      { streams: "profiles", target: "duckdb:x", startDate: "yesterday" },
      "--start-date: expected a date such as 2024-01-01",
    ],
    [
      { streams: "profiles", target: "duckdb:x", lookback: "soon" },
      "--lookback: expected a duration such as 30m, 1h or 7d",
    ],
    [{ streams: "profiles", target: "duckdb:x", object: "k_{name}" }, "--object: unknown placeholder {name}"],
    [
      { streams: "profiles,events", target: "duckdb:x", object: "k" },
      '--object: streams profiles and events would both write table "k"',
    ],
    [
      { streams: "profiles", target: "duckdb:x", concurrency: "0" },
      "--concurrency: expected a whole number from 1 to 32",
    ],
    [
      { streams: "profiles", target: "duckdb:x", rateLimits: "fast" },
      '--rate-limits: expected "real", "off"',
    ],
    [
      { streams: "profiles", target: "duckdb:x", baseUrl: "localhost:8080" },
      "--base-url: expected an http(s) URL",
    ],
  ])("%j", (flags, part) => {
    expect(quickError(flags)).toContain(part);
  });

  it("requires KLAVIYO_API_KEY", () => {
    expect(quickError({ streams: "profiles", target: "duckdb:x" }, {})).toMatch(
      /^No API key: set the KLAVIYO_API_KEY/,
    );
  });
});
