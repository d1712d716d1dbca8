// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} config interpolation syntax is written literally in this file
/**
 * `klaviyo-sync load` on a terminal (stderr a fake TTY): the live view and the summary table, with
 * the state kept in the DuckDB source (`state: source`); then `runs list --config` reads the runs
 * from there, and --log-format json.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import type { Output } from "../../src/cli/output.js";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../helpers/emulator.js";

let emu: TestEmulator;
const dir = mkdtempSync(join(tmpdir(), "ks-cli-load-live-"));
const warehouse = join(dir, "wh.duckdb");
const config = join(dir, "load.yaml");

async function run(args: string[], tty = false) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out: Output = { out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
  const saved = Object.getOwnPropertyDescriptor(process.stderr, "isTTY");
  const savedColumns = Object.getOwnPropertyDescriptor(process.stderr, "columns");
  Object.defineProperty(process.stderr, "isTTY", { value: tty, configurable: true, writable: true });
  Object.defineProperty(process.stderr, "columns", { value: 160, configurable: true, writable: true });
  try {
    const code = await main(["node", "klaviyo-sync", ...args], out, {
      KLAVIYO_API_KEY: TEST_KEY,
      KLAVIYO_RATE_LIMITS: "off",
    });
    return { code, stdout, stderr };
  } finally {
    if (saved) Object.defineProperty(process.stderr, "isTTY", saved);
    else delete (process.stderr as { isTTY?: boolean }).isTTY;
    if (savedColumns) Object.defineProperty(process.stderr, "columns", savedColumns);
    else delete (process.stderr as { columns?: number }).columns;
  }
}

beforeAll(async () => {
  emu = await startTestEmulator();
  const inst = await DuckDBInstance.create(warehouse);
  const c = await inst.connect();
  await c.run(
    "CREATE TABLE vip AS SELECT i AS id, 'live' || i || '@example.com' AS email, i * 10.0 AS ltv FROM range(1, 41) t(i) UNION ALL SELECT 41, 'broken', 1.0",
  );
  c.closeSync();
  inst.closeSync();
  writeFileSync(
    config,
    [
      `source: duckdb:${warehouse}`,
      "klaviyo:",
      "  api_key: ${KLAVIYO_API_KEY}",
      `  base_url: ${emu.url}`,
      "state: source",
      "syncs:",
      "  vip_profiles:",
      "    action: profiles",
      "    model: { table: vip }",
      "    primary_key: id",
      "    identify_by: email",
      "    mapping: { email: email, ltv: properties.lifetime_value }",
      "  vip_list:",
      "    action: list_membership",
      "    mode: mirror",
      '    model: { sql: "select * from vip where id % 2 = 0" }',
      "    primary_key: id",
      "    mapping: { email: email }",
      "    options: { list_name: Live VIPs }",
      "",
    ].join("\n"),
  );
});

afterAll(async () => {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

const ESC = "\u001b[";

describe("klaviyo-sync load on a terminal, state in the source", () => {
  it("draws a live view per sync, then replaces it with the summary table; results follow on stdout", async () => {
    const r = await run(["load", "--config", config], true);
    expect(r.code).toBe(0);
    const frames = r.stderr.filter((t) => t.includes(`${ESC}2K`));
    expect(frames.length).toBeGreaterThan(0);
    // Every frame starts by moving up over the previous one (but the first) and clears each line.
    expect(frames[0]?.startsWith(`\r${ESC}2K[load] `)).toBe(true);
    for (const f of frames.slice(1)) expect(f.startsWith(`${ESC}3A\r${ESC}2K[load] `)).toBe(true);
    const text = frames.join("\n");
    expect(text).toMatch(/vip_profiles {2}reading model/);
    expect(text).toMatch(/vip_list\s+queued/);
    // (Later frames depend on timing: redraws are at most every 200 ms.)
    const table = r.stderr.at(-1) ?? "";
    expect(table.startsWith(`${ESC}3A\r${ESC}0J`)).toBe(true);
    const lines = table.slice(`${ESC}3A\r${ESC}0J`.length).split("\n");
    expect(lines[0]).toMatch(/^sync\s+action\s+status\s+queried\s+added/);
    expect(lines[1]).toMatch(
      /^vip_profiles\s+profiles upsert\s+succeeded\s+41\s+41\s+0\s+0\s+0\s+40\s+1\s+0\s/,
    );
    expect(lines[2]).toMatch(
      /^vip_list\s+list_membership mirror\s+succeeded\s+20\s+20\s+0\s+0\s+0\s+20\s+0\s+0\s/,
    );
    expect(lines[4]).toMatch(/^2 syncs: 2 ok; 60 succeeded, 1 invalid, 0 rejected in /);
    // No plain [load] lines on a terminal; the results come on stdout after the view.
    expect(r.stderr.some((t) => t.startsWith("[load] vip"))).toBe(false);
    expect(r.stdout.join("\n")).toMatch(/vip_profiles: succeeded; queried 41, added 41/);
    // The state lives in the warehouse.
    const inst = await DuckDBInstance.create(warehouse);
    const c = await inst.connect();
    const n = (
      await c.runAndReadAll("SELECT count(*)::INTEGER AS n FROM klaviyo_sync.load_snapshot")
    ).getRowObjectsJS();
    c.closeSync();
    inst.closeSync();
    expect(n[0]?.n).toBe(41 + 20);
  });

  it("a second run sends nothing; runs list --config reads the runs from the source", async () => {
    const before = emu.counters().bulk_import_profiles?.requests ?? 0;
    const r = await run(["load", "--config", config]);
    expect(r.code).toBe(0);
    expect(r.stderr).toEqual([
      "[load] vip_profiles: 41 rows in the model; 0 added, 1 changed, 0 removed, 40 unchanged",
      "[load] vip_list: 20 rows in the model; 0 added, 0 changed, 0 removed, 20 unchanged",
    ]);
    expect(emu.counters().bulk_import_profiles?.requests ?? 0).toBe(before);
    const list = await run(["runs", "list", "--config", config]);
    expect(list.code).toBe(0);
    expect(list.stdout.map((l) => l.split(/\s+/).slice(0, 3).join(" "))).toEqual([
      "4 vip_list succeeded",
      "3 vip_profiles succeeded",
      "2 vip_list succeeded",
      "1 vip_profiles succeeded",
    ]);
    const show = await run(["runs", "show", "1", "--config", config]);
    expect(JSON.parse(show.stdout.join("\n"))).toMatchObject({
      sync: "vip_profiles",
      summary: { succeeded: 40 },
    });
    const both = await run(["runs", "list", "--config", config, "--state", join(dir, "x.duckdb")]);
    expect(both.code).toBe(2);
    expect(both.stderr.join("\n")).toMatch(/either --state FILE or --config FILE/);
  });

  it("--log-format json writes JSON lines on stderr", async () => {
    const r = await run(["load", "--config", config, "--sync", "vip_list", "--log-format", "json"], true);
    expect(r.code).toBe(0);
    const events = r.stderr.map((l) => JSON.parse(l) as { type: string });
    expect(events.map((e) => e.type)).toEqual(["sync-start", "phase", "diff", "sync-done", "summary"]);
    const bad = await run(["load", "--config", config, "--log-format", "xml"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.join("\n")).toMatch(/--log-format must be text or json/);
  });
});
