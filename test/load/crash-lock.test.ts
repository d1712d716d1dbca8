/**
 * A lock left behind by a killed load run never needs a manual step: the next run takes it over
 * by itself and says so, whenever the run that took it is known to be gone. Deterministic
 * companions of the kill -9 trials (test/load/crash.test.ts), for the ways a dead run can still
 * look alive (src/load/state/liveness.ts):
 *
 *  - killed with SIGKILL while holding the lock: its pid is gone;
 *  - its pid is this process's own (a container restarted after the kill reuses pids, and its
 *    hostname is the same), though no handle of this process holds the lock;
 *  - its pid now belongs to another process, started after the lock was taken (Linux);
 *  - its process is a zombie, killed but not yet reaped by its parent (Linux).
 *
 * A lock held by a live run, or by another handle of this process, is still refused.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import type { Output } from "../../src/cli/output.js";
import { openLoadState, SyncLockedError } from "../../src/load/state/index.js";
import { processInfo } from "../../src/load/state/liveness.js";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../helpers/emulator.js";
import { withDuckDB } from "./crash/harness.js";

const ROOT = join(import.meta.dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "ks-load-crash-lock-"));
const LINUX = process.platform === "linux";
let emu: TestEmulator;
let n = 0;
const children: ChildProcess[] = [];

beforeAll(async () => {
  emu = await startTestEmulator();
  await withDuckDB(join(dir, "warehouse.duckdb"), async (q) => {
    await q(
      "CREATE TABLE vip AS SELECT i AS id, 'lock' || i || '@example.com' AS email FROM range(1, 21) t(i)",
    );
  });
});

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

afterAll(async () => {
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh state file, with its tables. */
async function freshState(): Promise<string> {
  const path = join(dir, `state-${++n}.duckdb`);
  await (await openLoadState(path)).close();
  return path;
}

/** Writes a lock row (and its run, `running`) as a run that took the lock would have. */
async function plantLock(path: string, holder: { pid: number; startedAt: Date; sync?: string }) {
  const sync = holder.sync ?? "vip";
  await withDuckDB(path, async (q) => {
    const at = `'${holder.startedAt.toISOString()}'::TIMESTAMPTZ`;
    await q(
      `INSERT INTO load_locks (sync, pid, hostname, started_at, token) VALUES ('${sync}', ${holder.pid}, '${hostname().replace(/'/g, "''")}', ${at}, 'planted-token')`,
    );
    await q(
      `INSERT INTO load_runs (id, sync, status, started_at, pid, hostname, meta) VALUES (1000, '${sync}', 'running', ${at}, ${holder.pid}, '${hostname().replace(/'/g, "''")}', '{}')`,
    );
  });
}

async function runStatus(path: string, id: string): Promise<string | undefined> {
  const state = await openLoadState(path);
  try {
    return (await state.getRun(id))?.status;
  } finally {
    await state.close();
  }
}

/** Takes the lock of sync `vip` from a fresh handle: what it took over, or the error. */
async function takeLock(path: string): Promise<{ tookOverFrom?: { pid: number } } | Error> {
  const state = await openLoadState(path);
  try {
    return await state.lock("vip");
  } catch (err) {
    return err as Error;
  } finally {
    await state.close();
  }
}

/** Starts a command and resolves with it once it printed its first line. */
async function start(command: string, args: string[]): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(command, args, { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
  children.push(child);
  const line = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf("\n");
      if (nl !== -1) resolve(out.slice(0, nl));
    });
    child.once("exit", (code) => reject(new Error(`${command} exited with ${code} before printing`)));
  });
  return { child, line };
}

const closed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("close", () => resolve());
  });

describe("load: a lock left by a killed run", () => {
  it("kill -9 while the lock is held: the next CLI run takes it over by itself and says so", async () => {
    const state = await freshState();
    const { child, line } = await start(process.execPath, [
      "--import",
      "tsx",
      "test/load/state/lock-child.ts",
      state,
      "vip",
      "hold",
    ]);
    expect(line).toBe(`locked ${child.pid}`);
    child.kill("SIGKILL");
    await closed(child);

    const config = join(dir, `load-${n}.yaml`);
    writeFileSync(
      config,
      [
        `source: duckdb:${join(dir, "warehouse.duckdb")}`,
        "klaviyo:",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's ${VAR} syntax
        "  api_key: ${KLAVIYO_API_KEY}",
        `state: ${state}`,
        "syncs:",
        "  vip:",
        "    action: profiles",
        "    model: { table: vip }",
        "    primary_key: id",
        "    mapping: { email: email }",
        "",
      ].join("\n"),
    );
    const stdout: string[] = [];
    const stderr: string[] = [];
    const out: Output = { out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
    const code = await main(["node", "klaviyo-sync", "load", "--config", config], out, {
      KLAVIYO_API_KEY: TEST_KEY,
      KLAVIYO_BASE_URL: emu.url,
      KLAVIYO_RATE_LIMITS: "off",
    });
    expect(code, stderr.join("\n")).toBe(0);
    expect(stderr.join("\n")).toContain(
      `[warn] sync vip: took over the lock left by a run that is no longer running (pid ${child.pid} on ${hostname()}, since `,
    );
    expect(stdout.join("\n")).toMatch(/^vip: succeeded; queried 20, added 20/);
    const s = await openLoadState(state);
    try {
      expect(await s.lockHolder("vip")).toBeUndefined();
    } finally {
      await s.close();
    }
  }, 30_000);

  it("a lock with this process's pid that no handle here holds (the pid was reused) is taken over", async () => {
    const state = await freshState();
    await plantLock(state, { pid: process.pid, startedAt: new Date(Date.now() - 3_600_000) });
    const result = await takeLock(state);
    expect(result).not.toBeInstanceOf(Error);
    expect((result as { tookOverFrom?: { pid: number } }).tookOverFrom?.pid).toBe(process.pid);
    expect(await runStatus(state, "1000")).toBe("interrupted");
  });

  it("a lock held by another handle of this process is still refused", async () => {
    const state = await freshState();
    const a = await openLoadState(state);
    try {
      await a.lock("vip");
      const err = await takeLock(state);
      expect(err).toBeInstanceOf(SyncLockedError);
      expect((err as Error).message).toContain(`pid ${process.pid} on ${hostname()}, this process`);
    } finally {
      await a.close();
    }
    // Released: free again.
    expect(await takeLock(state)).toEqual({});
  });

  it("a lock whose pid now belongs to a process started after the lock was taken is taken over (Linux)", async () => {
    const state = await freshState();
    const { child, line } = await start("sh", ["-c", "echo started; exec sleep 60"]);
    expect(line).toBe("started");
    const pid = child.pid as number;
    await plantLock(state, { pid, startedAt: new Date(Date.now() - 3_600_000) });
    const result = await takeLock(state);
    if (LINUX) {
      expect(result).not.toBeInstanceOf(Error);
      expect((result as { tookOverFrom?: { pid: number } }).tookOverFrom?.pid).toBe(pid);
      expect(await runStatus(state, "1000")).toBe("interrupted");
    } else {
      // Without /proc, a live pid cannot be told apart from the run that took the lock.
      expect(result).toBeInstanceOf(SyncLockedError);
    }
  });

  it("a lock whose process is alive and started before the lock was taken is refused", async () => {
    const state = await freshState();
    const { child } = await start("sh", ["-c", "echo started; exec sleep 60"]);
    const pid = child.pid as number;
    await plantLock(state, { pid, startedAt: new Date(Date.now() + 1000) });
    const err = await takeLock(state);
    expect(err).toBeInstanceOf(SyncLockedError);
    expect((err as Error).message).toContain(`pid ${pid} on ${hostname()}, since `);
    expect((err as Error).message).toContain("The process is still running.");
    expect(await runStatus(state, "1000")).toBe("running");
  });

  it("a lock whose process is a zombie (killed, not reaped by its parent) is taken over (Linux)", async () => {
    const state = await freshState();
    // `sleep 0` ends at once; its parent becomes `sleep 60`, which never reaps it.
    const { line } = await start("sh", ["-c", "sleep 0 & echo $!; exec sleep 60"]);
    const zombie = Number(line);
    expect(Number.isInteger(zombie) && zombie > 0).toBe(true);
    if (LINUX) {
      // Wait until it has ended (a bounded wait on the process's state, not a timed assertion).
      for (let i = 0; i < 500 && processInfo(zombie)?.state !== "Z"; i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(processInfo(zombie)?.state).toBe("Z");
    }
    await plantLock(state, { pid: zombie, startedAt: new Date(Date.now() + 1000) });
    const result = await takeLock(state);
    if (LINUX) {
      expect(result).not.toBeInstanceOf(Error);
      expect((result as { tookOverFrom?: { pid: number } }).tookOverFrom?.pid).toBe(zombie);
    } else {
      expect(result).toBeInstanceOf(SyncLockedError);
    }
  });
});
