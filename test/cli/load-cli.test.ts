import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import type { Output } from "../../src/cli/output.js";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../helpers/emulator.js";

let emu: TestEmulator;
const dir = mkdtempSync(join(tmpdir(), "ks-cli-load-"));
const config = join(dir, "load.yaml");

async function run(args: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out: Output = { out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
  const code = await main(["node", "klaviyo-sync", ...args], out, {
    KLAVIYO_API_KEY: TEST_KEY,
    KLAVIYO_RATE_LIMITS: "off",
  });
  return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n") };
}

beforeAll(async () => {
  emu = await startTestEmulator();
  const inst = await DuckDBInstance.create(join(dir, "wh.duckdb"));
  const c = await inst.connect();
  await c.run(
    "CREATE TABLE vip AS SELECT i AS id, 'vip' || i || '@example.com' AS email, i * 100.0 AS ltv FROM range(1, 51) t(i) UNION ALL SELECT 51, 'broken', 1.0",
  );
  c.closeSync();
  inst.closeSync();
  writeFileSync(
    config,
    [
      `source: duckdb:${join(dir, "wh.duckdb")}`,
      "klaviyo:",
      "  api_key: ${KLAVIYO_API_KEY}",
      `  base_url: ${emu.url}`,
      `state: ${join(dir, "state.duckdb")}`,
      "syncs:",
      "  vip_profiles:",
      "    action: profiles",
      "    mode: upsert",
      "    model: { table: vip }",
      "    primary_key: id",
      "    identify_by: email",
      "    mapping:",
      "      email: email",
      "      ltv: properties.lifetime_value",
      "",
    ].join("\n"),
  );
});
afterAll(async () => {
  await emu.close();
});

describe("klaviyo-sync load / runs (CLI)", () => {
  it("--dry-run shows counts and sample payloads and sends nothing", async () => {
    const r = await run(["load", "--config", config, "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/vip_profiles: dry-run; queried 51, added 51/);
    expect(r.stdout).toMatch(/sample payloads/);
    expect(emu.counters().bulk_import_profiles?.requests ?? 0).toBe(0);
  });

  it("syncs, writes the reject report, and records the run", async () => {
    const rejects = join(dir, "rejects.jsonl");
    const r = await run(["load", "--config", config, "--rejects", rejects]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/succeeded 50, invalid 1, rejected 0/);
    const lines = readFileSync(rejects, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { key: string; status: string; reason: string });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ key: "51", status: "invalid" });
    expect(lines[0]?.reason).toMatch(/email/);
    expect(emu.store.profiles.byEmailAddress("vip7@example.com")?.properties).toMatchObject({
      lifetime_value: 700,
    });
    const list = await run(["runs", "list", "--state", join(dir, "state.duckdb")]);
    expect(list.stdout).toMatch(/vip_profiles\s+succeeded/);
    const id = list.stdout.split(/\s+/)[0] as string;
    const show = await run(["runs", "show", id, "--state", join(dir, "state.duckdb")]);
    expect(JSON.parse(show.stdout)).toMatchObject({
      sync: "vip_profiles",
      summary: { succeeded: 50, invalid: 1 },
    });
  });

  it("--max-reject-rate fails the run above the threshold", async () => {
    const r = await run(["load", "--config", config, "--max-reject-rate", "0.5"]);
    // Second run: only the invalid row is tried again, so the reject rate is 100%.
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/max-reject-rate/);
  });

  it("explains a bad config with file and line", async () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, readFileSync(config, "utf8").replace("action: profiles", "action: profile"));
    const r = await run(["load", "--config", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:8:`);
    expect(r.stderr).toMatch(/profiles/);
  });
});
