import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import type { Output } from "../../src/cli/output.js";
import { DuckDBTarget } from "../../src/extract/targets/duckdb.js";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../helpers/emulator.js";

let emu: TestEmulator;
const dir = mkdtempSync(join(tmpdir(), "ks-cli-extract-"));

beforeAll(async () => {
  emu = await startTestEmulator({ seed: { preset: "demo", profiles: 300, events: 2000 } });
});
afterAll(async () => {
  await emu.close();
});

async function run(args: string[], env: Record<string, string | undefined> = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out: Output = { out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
  const code = await main(["node", "klaviyo-sync", ...args], out, {
    KLAVIYO_API_KEY: TEST_KEY,
    KLAVIYO_BASE_URL: emu.url,
    KLAVIYO_RATE_LIMITS: "off",
    ...env,
  });
  return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n") };
}

describe("klaviyo-sync extract / discover (CLI)", () => {
  it("extracts the named streams into DuckDB and prints a summary", async () => {
    const db = join(dir, "quick.duckdb");
    const r = await run(["extract", "--streams", "profiles,lists", "--target", `duckdb:${db}`]);
    expect(r.stderr).toMatch(/profiles\s+incremental\s+ok\s+300/);
    expect(r.code).toBe(0);
    const t = new DuckDBTarget(db);
    await t.open();
    expect(await t.count("profiles")).toBe(300);
    await t.close();
  });

  it("reads a YAML config with env interpolation and table templates", async () => {
    const db = join(dir, "config.duckdb");
    const file = join(dir, "extract.yaml");
    writeFileSync(
      file,
      [
        "source:",
        "  api_key: ${SECRET_KEY}",
        `  base_url: ${emu.url}`,
        '  rate_limits: "off"',
        `target: duckdb:${db}`,
        "defaults:",
        "  object: klaviyo_{stream_name}",
        "streams:",
        "  metrics: {}",
        "  tags: { mode: full-refresh }",
        "",
      ].join("\n"),
    );
    const r = await run(["extract", "--config", file], { SECRET_KEY: TEST_KEY, KLAVIYO_API_KEY: undefined });
    expect(r.code).toBe(0);
    const t = new DuckDBTarget(db);
    await t.open();
    expect(await t.count("klaviyo_metrics")).toBe(emu.store.metrics.size);
    expect(await t.count("klaviyo_tags")).toBe(emu.store.tags.size);
    await t.close();
    expect(r.stdout + r.stderr).not.toContain(TEST_KEY);
  });

  it("explains bad input in one paragraph with exit code 2", async () => {
    const unknown = await run([
      "extract",
      "--streams",
      "profils",
      "--target",
      `duckdb:${join(dir, "x.duckdb")}`,
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Did you mean "profiles"/);
    const badTarget = await run(["extract", "--streams", "profiles", "--target", "mysql://x"]);
    expect(badTarget.code).toBe(2);
    expect(badTarget.stderr).toMatch(/duckdb:|postgres/);
    const file = join(dir, "bad.yaml");
    writeFileSync(file, "target: duckdb:./k.duckdb\nstreams:\n  profiles: { mod: incremental }\n");
    const badKey = await run(["extract", "--config", file]);
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toContain(`${file}:3:`);
    expect(badKey.stderr).toMatch(/mode/);
    expect(badKey.stderr).not.toMatch(/\n\s+at /); // no stack trace without --debug
    const missingEnv = join(dir, "env.yaml");
    writeFileSync(
      missingEnv,
      "source:\n  api_key: ${NOT_SET_ANYWHERE}\ntarget: duckdb:./k.duckdb\nstreams:\n  profiles: {}\n",
    );
    const env = await run(["extract", "--config", missingEnv], { KLAVIYO_API_KEY: undefined });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/NOT_SET_ANYWHERE/);
  });

  it("reports a failing stream with exit code 4 while the others finish", async () => {
    emu.faults.configure(
      {
        plan: [
          { path: "/api/coupons", startMs: 0, durationMs: 60_000, fault: { kind: "status", status: 404 } },
        ],
      },
      Date.now(),
    );
    try {
      const r = await run([
        "extract",
        "--streams",
        "coupons,tags",
        "--target",
        `duckdb:${join(dir, "fail.duckdb")}`,
      ]);
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/coupons\s+full-refresh\s+failed/);
      expect(r.stderr).toMatch(/tags\s+full-refresh\s+ok/);
    } finally {
      emu.faults.configure({}, Date.now());
    }
  });

  it("--dry-run prints the plan and writes nothing", async () => {
    const db = join(dir, "dry.duckdb");
    const eventsBefore = emu.counters().get_events?.requests ?? 0;
    const r = await run([
      "extract",
      "--streams",
      "events,list_memberships",
      "--target",
      `duckdb:${db}`,
      "--dry-run",
    ]);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as { plan: Array<{ stream: string; requests: string[] }> };
    expect(plan.plan.map((p) => p.stream)).toEqual(["events", "list_memberships"]);
    expect(plan.plan[0]?.requests[0]).toMatch(/windows/);
    // No data request was made for the windowed stream.
    expect(emu.counters().get_events?.requests ?? 0).toBe(eventsBefore);
  });

  it("discover lists every stream with keys and columns", async () => {
    const table = await run(["discover"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      /list_memberships\s+incremental\s+list_id\+profile_id\s+joined_group_at\s+lists/,
    );
    const json = JSON.parse((await run(["discover", "--json"])).stdout) as Array<{
      name: string;
      columns: Array<{ name: string; type: string }>;
    }>;
    expect(json).toHaveLength(22);
    const events = json.find((s) => s.name === "events");
    expect(events?.columns).toContainEqual({ name: "datetime", type: "TIMESTAMPTZ" });
    expect(events?.columns).toContainEqual({ name: "_run_id", type: "VARCHAR" });
  });
});
