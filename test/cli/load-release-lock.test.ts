/**
 * `klaviyo-sync load --config F --sync NAME --release-lock`: a lock left by a run on another host
 * (which this host cannot check) is released by hand, after saying who held it; the message of a
 * load that finds such a lock names that exact command. A lock whose process still runs on this
 * host is not released.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import type { Output } from "../../src/cli/output.js";
import { openLoadState } from "../../src/load/state/index.js";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../helpers/emulator.js";

let emu: TestEmulator;
const dir = mkdtempSync(join(tmpdir(), "ks cli release-lock '"));
const config = join(dir, "load.yaml");
const statePath = join(dir, "state.duckdb");
const children: ChildProcess[] = [];

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

/** Writes a lock row (and a `running` run) as a run of `pid` on `host` would have. */
async function plantLock(pid: number, host: string): Promise<string> {
  const state = await openLoadState(statePath);
  try {
    const runId = await state.startRun("vip", { from: "elsewhere" });
    await state.store.transaction(async (s) => {
      await s.run(
        `UPDATE ${state.store.name("load_runs")} SET pid = $1, hostname = $2 WHERE id = $3::BIGINT`,
        [pid, host, runId],
      );
      await s.run(
        `INSERT INTO ${state.store.name("load_locks")} (sync, pid, hostname, started_at, token) VALUES ('vip', $1, $2, now(), 'theirs')`,
        [pid, host],
      );
    });
    return runId;
  } finally {
    await state.close();
  }
}

beforeAll(async () => {
  emu = await startTestEmulator();
  const inst = await DuckDBInstance.create(join(dir, "wh.duckdb"));
  const c = await inst.connect();
  await c.run(
    "CREATE TABLE vip AS SELECT i AS id, 'rl' || i || '@example.com' AS email FROM range(1, 4) t(i)",
  );
  c.closeSync();
  inst.closeSync();
  writeFileSync(
    config,
    [
      `source: duckdb:${join(dir, "wh.duckdb")}`,
      "klaviyo:",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own ${VAR} syntax
      "  api_key: ${KLAVIYO_API_KEY}",
      `  base_url: ${emu.url}`,
      `state: "${statePath}"`,
      "syncs:",
      "  vip:",
      "    action: profiles",
      "    mode: upsert",
      "    model: { table: vip }",
      "    primary_key: id",
      "    identify_by: email",
      "    mapping: { email: email }",
      "",
    ].join("\n"),
  );
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("klaviyo-sync load --release-lock", () => {
  it("a lock from another host: the load names the exact command, which releases it after saying who held it", async () => {
    const runId = await plantLock(4242, "other-host");
    const refused = await run(["load", "--config", config]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'Sync "vip" is locked by another klaviyo-sync run (pid 4242 on other-host',
    );
    // The path has spaces and a quote: the command is quoted for the shell.
    const quoted = `'${config.replace(/'/g, "'\\''")}'`;
    expect(refused.stderr).toContain(
      `if it is not, release the lock with: klaviyo-sync load --config ${quoted} --sync vip --release-lock`,
    );
    expect(emu.counters().bulk_import_profiles?.requests ?? 0).toBe(0);

    const released = await run(["load", "--config", config, "--sync", "vip", "--release-lock"]);
    expect(released.code).toBe(0);
    expect(released.stdout).toMatch(
      /^Released the lock of sync "vip" held by pid 4242 on other-host since \d{4}-\d\d-\d\dT[\d:.]+Z; its runs still marked running are now interrupted/,
    );
    const show = await run(["runs", "show", runId, "--config", config]);
    expect(JSON.parse(show.stdout)).toMatchObject({ sync: "vip", status: "interrupted", pid: 4242 });

    const again = await run(["load", "--config", config, "--sync", "vip", "--release-lock"]);
    expect(again).toMatchObject({ code: 0, stdout: 'Sync "vip" is not locked; nothing to release.' });

    const load = await run(["load", "--config", config]);
    expect(load.code).toBe(0);
    expect(load.stdout).toMatch(/vip: succeeded; queried 3, added 3/);
  });

  it("refuses while the holder still runs on this host", async () => {
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    children.push(child);
    await new Promise((r) => child.once("spawn", r));
    // The lock is taken after the process started (a process started later cannot hold it).
    await new Promise((r) => setTimeout(r, 100));
    await plantLock(child.pid as number, hostname());
    const r = await run(["load", "--config", config, "--sync", "vip", "--release-lock"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Did not release the lock of sync "vip"`);
    expect(r.stderr).toContain(`pid ${child.pid} on ${hostname()}`);
    expect(r.stderr).toContain("The process is still running.");
    child.kill("SIGKILL");
    await new Promise((res) => child.once("exit", res));
    // Gone now: the next load takes the lock over by itself, with a warning.
    const load = await run(["load", "--config", config]);
    expect(load.code).toBe(0);
    expect(load.stderr).toContain(
      `took over the lock left by a run that is no longer running (pid ${child.pid}`,
    );
  });

  it("needs --sync, and a sync of the config", async () => {
    const none = await run(["load", "--config", config, "--release-lock"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("--release-lock needs --sync NAME");
    const unknown = await run(["load", "--config", config, "--sync", "nope", "--release-lock"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No sync named "nope"');
  });
});
