import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  type LoadState,
  openLoadState,
  pidAlive,
  type RunSummary,
  StateFileBusyError,
  SyncLockedError,
} from "../../../src/load/state/index.js";

const root = mkdtempSync(join(tmpdir(), "klaviyo-sync-state-"));
let n = 0;
const freshPath = () => join(root, `case-${++n}`, "nested", "state.duckdb");

const open: LoadState[] = [];
async function openState(
  path = freshPath(),
  options: Parameters<typeof openLoadState>[1] = {},
): Promise<LoadState> {
  const state = await openLoadState(path, options);
  open.push(state);
  return state;
}

const children: ChildProcess[] = [];

afterEach(async () => {
  for (const s of open.splice(0)) await s.close().catch(() => {});
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.pid !== undefined) child.kill("SIGKILL");
  }
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Model rows in batches: key `c<i>`, hash from `hash(i)`. */
async function* model(keys: Iterable<number>, hash: (i: number) => string = (i) => `h${i}`, batch = 5000) {
  let out: Array<{ key: string; hash: string }> = [];
  for (const i of keys) {
    out.push({ key: `c${i}`, hash: hash(i) });
    if (out.length === batch) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

const SUMMARY: RunSummary = {
  status: "succeeded",
  queried: 10,
  added: 4,
  changed: 1,
  removed: 0,
  unchanged: 5,
  invalid: 1,
  rejected: 0,
  succeeded: 4,
  durationMs: 1234,
  rateLimitWaitMs: 0,
};

describe("load state: snapshot diff", () => {
  it("diffs 100,000 keys: added, changed, unchanged, removed, duplicates; failed rows count as changed", async () => {
    const state = await openState();
    const N = 100_000;

    let t = performance.now();
    const first = await state.diff("vip", model(range(0, N)));
    const firstMs = performance.now() - t;
    expect(first.added).toHaveLength(N);
    expect(first.added.slice(0, 3)).toEqual(["c0", "c1", "c2"]); // model order
    expect(first).toMatchObject({ changed: [], unchanged: 0, removed: [], duplicates: [] });

    // Every 100th row is rejected, every 250th invalid; the rest succeed.
    const statusOf = (i: number) => (i % 250 === 0 ? "invalid" : i % 100 === 0 ? "rejected" : "succeeded");
    for (let start = 0; start < N; start += 20_000) {
      await state.record(
        "vip",
        range(start, Math.min(N, start + 20_000)).map((i) => ({
          key: `c${i}`,
          status: statusOf(i),
          hash: `h${i}`,
          ...(statusOf(i) === "succeeded" ? { klaviyoId: `P${i}` } : { reason: "no email" }),
          fields: { email: `c${i}@example.com`, first_name: "Ann", properties: { ltv: i } },
        })),
      );
    }
    const failed = range(0, N).filter((i) => statusOf(i) !== "succeeded").length;
    expect(await state.counts("vip")).toEqual({
      succeeded: N - failed,
      rejected: range(0, N).filter((i) => statusOf(i) === "rejected").length,
      invalid: range(0, N).filter((i) => statusOf(i) === "invalid").length,
    });

    // Next model: rows 0..999 left, 1,000 new rows, every 7th row changed, two keys repeated.
    const keys = [...range(1000, N + 1000), 5000, 5001];
    const changedHash = (i: number) => (i % 7 === 0 ? `x${i}` : `h${i}`);
    t = performance.now();
    const second = await state.diff("vip", model(keys, changedHash));
    const secondMs = performance.now() - t;

    const stillThere = range(1000, N);
    const expectChanged = stillThere.filter((i) => i % 7 === 0 || statusOf(i) !== "succeeded");
    expect(second.added).toEqual(range(N, N + 1000).map((i) => `c${i}`));
    expect(second.changed).toEqual(expectChanged.map((i) => `c${i}`));
    expect(second.unchanged).toBe(stillThere.length - expectChanged.length);
    expect(second.duplicates).toEqual(["c5000", "c5001"]);
    // Removed: only rows that were synced; they carry the Klaviyo id and identifiers only.
    const removedSynced = range(0, 1000).filter((i) => statusOf(i) === "succeeded");
    expect(second.removed.map((r) => r.key)).toEqual(removedSynced.map((i) => `c${i}`).sort());
    expect(second.removed.find((r) => r.key === "c1")).toEqual({
      key: "c1",
      klaviyoId: "P1",
      fields: { email: "c1@example.com" },
    });
    // Rows that never reached Klaviyo and left the model are dropped from the snapshot.
    expect(await state.row("vip", "c0")).toBeUndefined(); // invalid, never synced, gone
    expect(await state.row("vip", "c100")).toBeUndefined(); // rejected, never synced, gone
    expect(await state.row("vip", "c1")).toMatchObject({ status: "succeeded", hash: "h1" });

    console.log(
      `diff of ${N} keys: ${Math.round(firstMs)} ms (empty snapshot), ${Math.round(secondMs)} ms (against ${N})`,
    );
    expect(firstMs).toBeLessThan(15_000);
    expect(secondMs).toBeLessThan(15_000);
  }, 120_000);

  it("keeps the last good hash when a row fails, and sends it again until it succeeds", async () => {
    const state = await openState();
    await state.record("s", [
      {
        key: "a",
        status: "succeeded",
        hash: "v1",
        klaviyoId: "PA",
        fields: { email: "a@x.com", phone_number: "" },
      },
    ]);
    expect(await state.row("s", "a")).toMatchObject({
      status: "succeeded",
      hash: "v1",
      klaviyoId: "PA",
      fields: { email: "a@x.com" },
    });

    // v2 is rejected: status changes, the confirmed hash, id and identifiers stay.
    await state.record("s", [{ key: "a", status: "rejected", hash: "v2", reason: "Klaviyo said no" }]);
    expect(await state.row("s", "a")).toMatchObject({
      status: "rejected",
      reason: "Klaviyo said no",
      hash: "v1",
      klaviyoId: "PA",
      fields: { email: "a@x.com" },
    });
    // Even unchanged values (v1) are sent again, and so is v2.
    expect((await state.diff("s", model([]))).removed).toEqual([
      { key: "a", klaviyoId: "PA", fields: { email: "a@x.com" } },
    ]);
    const again = await state.diff(
      "s",
      (async function* () {
        yield [{ key: "a", hash: "v1" }];
      })(),
    );
    expect(again).toMatchObject({ added: [], changed: ["a"], unchanged: 0 });

    // The last outcome of a key in one call wins.
    await state.record("s", [
      { key: "a", status: "invalid", reason: "bad email" },
      { key: "a", status: "succeeded", hash: "v2" },
    ]);
    expect(await state.row("s", "a")).toMatchObject({ status: "succeeded", hash: "v2", klaviyoId: "PA" });
    const after = await state.diff(
      "s",
      (async function* () {
        yield [{ key: "a", hash: "v2" }];
      })(),
    );
    expect(after).toMatchObject({ added: [], changed: [], unchanged: 1 });
  });

  it("forgets removed rows and resets a sync; syncs are separate", async () => {
    const state = await openState();
    await state.record("one", [
      { key: "a", status: "succeeded", hash: "1" },
      { key: "b", status: "succeeded", hash: "2" },
    ]);
    await state.record("two", [{ key: "a", status: "succeeded", hash: "1" }]);
    const diff = await state.diff("one", model([]));
    expect(diff.removed.map((r) => r.key)).toEqual(["a", "b"]);
    await state.forget("one", ["a"]);
    expect((await state.diff("one", model([]))).removed.map((r) => r.key)).toEqual(["b"]);
    await state.reset("one");
    expect(await state.counts("one")).toEqual({});
    expect(await state.counts("two")).toEqual({ succeeded: 1 });
  });

  it("keeps all mapped fields when asked to", async () => {
    const state = await openState(freshPath(), { identifierFields: "all" });
    await state.record("s", [
      { key: "a", status: "succeeded", hash: "1", fields: { email: "a@x.com", "properties.ltv": 5 } },
    ]);
    expect((await state.row("s", "a"))?.fields).toEqual({ email: "a@x.com", "properties.ltv": 5 });
  });

  it("creates the folder 0700 and the file 0600", async () => {
    const path = freshPath();
    await openState(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);
    expect(statSync(dirname(dirname(path))).mode & 0o777).toBe(0o700);
  });
});

describe("load state: runs and memory", () => {
  it("records runs and lists them newest first", async () => {
    const state = await openState();
    const first = await state.startRun("vip", { action: "profiles", mode: "upsert" });
    const second = await state.startRun("list", { action: "list_membership" });
    expect([first, second]).toEqual(["1", "2"]);
    await state.finishRun(first, SUMMARY);
    await state.finishRun(second, { ...SUMMARY, status: "failed", error: "boom" });

    const runs = await state.listRuns(10);
    expect(runs.map((r) => [r.id, r.sync, r.status])).toEqual([
      ["2", "list", "failed"],
      ["1", "vip", "succeeded"],
    ]);
    const run = await state.getRun(first);
    expect(run).toMatchObject({
      id: "1",
      sync: "vip",
      status: "succeeded",
      pid: process.pid,
      meta: { action: "profiles", mode: "upsert" },
      summary: SUMMARY,
    });
    expect(Date.parse(run?.startedAt ?? "")).toBeLessThanOrEqual(Date.parse(run?.finishedAt ?? ""));
    expect((await state.listRuns(1)).map((r) => r.id)).toEqual(["2"]);
    expect((await state.listRuns(10, "vip")).map((r) => r.id)).toEqual(["1"]);
    expect(await state.getRun("99")).toBeUndefined();
    expect(await state.getRun("nope")).toBeUndefined();
    await expect(state.finishRun("99", SUMMARY)).rejects.toThrow(/no run 99/);
  });

  it("keeps a memory per sync across handles", async () => {
    const path = freshPath();
    const state = await openState(path);
    await state.memory("vip").set("list_id", "Xy12Ab");
    await state.memory("vip").set("list_id", "Zz99");
    expect(await state.memory("vip").get("list_id")).toBe("Zz99");
    expect(await state.memory("other").get("list_id")).toBeUndefined();
    await state.close();
    const reopened = await openState(path);
    expect(await reopened.memory("vip").get("list_id")).toBe("Zz99");
  });
});

const CHILD = resolve(dirname(fileURLToPath(import.meta.url)), "lock-child.ts");

/** Starts lock-child.ts and waits for its first line (`locked <pid>` or `holding <pid>`). */
async function startChild(...args: string[]): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, ...args], {
    cwd: resolve(dirname(CHILD), "../../.."),
    stdio: ["pipe", "pipe", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const line = await new Promise<string>((resolveLine, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf("\n");
      if (nl !== -1) resolveLine(out.slice(0, nl));
    });
    child.on("exit", (code) => {
      if (!out.includes("\n")) reject(new Error(`lock-child exited with ${code}: ${stderr}`));
    });
  });
  return { child, line };
}

async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((r) => child.once("exit", () => r()));
}

describe("load state: locks", () => {
  it("refuses a second lock on the same sync, from another handle", async () => {
    const path = freshPath();
    const a = await openState(path);
    const b = await openState(path);
    await a.lock("vip");
    // Taking it again from the same handle is fine.
    await a.lock("vip");
    const err = await b.lock("vip").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SyncLockedError);
    expect((err as Error).message).toMatch(
      new RegExp(
        `^Sync "vip" is locked by another klaviyo-sync run \\(pid ${process.pid} on .+, this process, since \\d{4}-`,
      ),
    );
    expect((err as SyncLockedError).holder.pid).toBe(process.pid);
    // Other syncs are free.
    await b.lock("other");
    // Unlocking from a handle that does not hold it changes nothing.
    await b.unlock("vip");
    await expect(b.lock("vip")).rejects.toBeInstanceOf(SyncLockedError);
    await a.unlock("vip");
    await b.lock("vip");
    expect((await a.lockHolder("vip"))?.pid).toBe(process.pid);
    // close() releases what the handle holds.
    await b.close();
    expect(await a.lockHolder("vip")).toBeUndefined();
    expect(await a.lockHolder("other")).toBeUndefined();
  });

  it("takes over the lock of a process that died, marking its run interrupted", async () => {
    const path = freshPath();
    await (await openState(path)).close();
    const { child, line } = await startChild(path, "vip", "exit");
    await exited(child);
    const pid = Number(line.split(" ")[1]);
    expect(pidAlive(pid)).toBe(false);

    const state = await openState(path);
    expect((await state.lockHolder("vip"))?.pid).toBe(pid);
    const result = await state.lock("vip");
    expect(result.tookOverFrom?.pid).toBe(pid);
    expect((await state.lockHolder("vip"))?.pid).toBe(process.pid);
    const [run] = await state.listRuns(1);
    expect(run).toMatchObject({ sync: "vip", status: "interrupted", pid, meta: { from: "child" } });
  }, 30_000);

  it("refuses the lock while another process holds it, and takes it once that process is killed", async () => {
    const path = freshPath();
    await (await openState(path)).close();
    const { child, line } = await startChild(path, "vip", "hold");
    expect(line).toBe(`locked ${child.pid}`);
    const state = await openState(path);
    const err = await state.lock("vip").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SyncLockedError);
    expect((err as Error).message).toContain(`pid ${child.pid}`);
    expect((err as Error).message).toContain("The process is still running.");
    child.kill("SIGKILL");
    await exited(child);
    expect((await state.lock("vip")).tookOverFrom?.pid).toBe(child.pid);
  }, 30_000);

  it("waits while another process has the state file open, and says so when it takes too long", async () => {
    const path = freshPath();
    const state = await openState(path, { busyTimeoutMs: 600 });
    await state.close();
    const { child } = await startChild(path, "-", "hold-file");
    const busy = await openState(path, { busyTimeoutMs: 600 }).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(StateFileBusyError);
    expect((busy as Error).message).toContain(`in use by another process (pid ${child.pid})`);
    // Released within the wait: the step goes through.
    const pending = openState(path, { busyTimeoutMs: 20_000 });
    setTimeout(() => child.stdin?.end(), 300);
    const opened = await pending;
    expect(await opened.counts("x")).toEqual({});
    expect(existsSync(path)).toBe(true);
  }, 30_000);
});
