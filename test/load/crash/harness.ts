/**
 * Pieces of the load kill -9 test (test/load/crash.test.ts): the kill schedule, running the CLI as
 * a child process that may be killed with SIGKILL, and reading a state file a killed process left
 * behind without doing the next run's recovery for it.
 */
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, realpathSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { build } from "esbuild";

/**
 * How the child runs the CLI: `tsx` is `node --import tsx src/cli/main.ts`, as in development;
 * `bundle` (the default) first compiles src/cli/main.ts and everything it imports into one file
 * with esbuild (the compiler tsx uses; packages stay imports), which starts in a third of the
 * time: the trials spend their time syncing, not loading modules.
 */
export type ChildCli = "tsx" | "bundle";

/**
 * The `node` arguments that run the CLI from `root`. A bundle is written under
 * node_modules/.cache (inside the project, so its imports of packages resolve as from src/);
 * `cleanup` removes it.
 */
export async function cliCommand(
  root: string,
  how: ChildCli,
): Promise<{ args: string[]; cleanup: () => void }> {
  if (how === "tsx") return { args: ["--import", "tsx", "src/cli/main.ts"], cleanup: () => {} };
  const dir = join(root, "node_modules", ".cache", `klaviyo-sync-load-crash-${process.pid}`);
  const outfile = join(dir, "cli.mjs");
  await build({
    entryPoints: [join(root, "src", "cli", "main.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    outfile,
    logLevel: "error",
  });
  // src/cli/main.ts runs main() when it is the script node was given, by comparing its URL with
  // argv[1]; node gives the module its real path, so argv[1] must be that too.
  return { args: [realpathSync(outfile)], cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** mulberry32: a small deterministic PRNG, so a trial's kill point is reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * When to kill a run: so long after the spawn, or so long after its `marker`-th progress line
 * (0-based; see `runNode`).
 */
export type KillPlan = { fromSpawnMs: number } | { afterMarker: number; delayMs: number };

/** The progress of a reference run: when each progress line came, ms after the first, and when it ended. */
export interface Timeline {
  /** ms after the spawn of the first progress line: the end of start-up. */
  startupMs: number;
  /** Each progress line, ms after the first (so markers[0] is 0). */
  markers: number[];
  /** The end of the run, ms after the first progress line. */
  endMs: number;
}

/**
 * The kill of trial `i` (1-based) of `n`. Trials are stratified: every fifth trial (1, 6, 11...)
 * kills the child during its start-up (`lo` ms to the end of start-up after the spawn: config,
 * state file, lock, first read of the model; nothing sent yet); the others are spread over the
 * work of the reference run, slice by slice, the last slice reaching its end. Where in its slice
 * a kill lands is drawn from a PRNG seeded by `seed`. A point of the work becomes "so long after
 * the progress line before it", so a trial kills in the same phase of the sync as planned even
 * when the machine is faster or slower than during the reference run.
 */
export function killPlan(i: number, n: number, lo: number, reference: Timeline, seed: number): KillPlan {
  const u = prng(seed)();
  const startup = (k: number) => n > 1 && (k - 1) % 5 === 0;
  if (startup(i)) return { fromSpawnMs: Math.round(lo + u * Math.max(0, reference.startupMs - lo)) };
  let slices = 0;
  let slice = 0;
  for (let k = 1; k <= n; k++) {
    if (startup(k)) continue;
    if (k === i) slice = slices;
    slices++;
  }
  const at = ((slice + u) / Math.max(1, slices)) * reference.endMs;
  let marker = 0;
  while (marker + 1 < reference.markers.length && (reference.markers[marker + 1] as number) <= at) marker++;
  return { afterMarker: marker, delayMs: Math.round(at - (reference.markers[marker] ?? 0)) };
}

export function describePlan(plan: KillPlan): string {
  return "fromSpawnMs" in plan
    ? `${plan.fromSpawnMs} ms after the spawn`
    : `${plan.delayMs} ms after progress line ${plan.afterMarker + 1}`;
}

export interface ChildRun {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Ended by the planned SIGKILL (not by finishing first). */
  killed: boolean;
  /** When the SIGKILL was sent, ms after the spawn. */
  killedAtMs: number | undefined;
  /** When each progress line arrived, ms after the spawn. */
  markers: number[];
  /** Killed because it ran past the time limit. */
  timedOut: boolean;
  ms: number;
  stdout: string;
  stderr: string;
}

/** The timeline of a run that was not killed. */
export function timeline(run: ChildRun): Timeline {
  const first = run.markers[0] ?? run.ms;
  return { startupMs: first, markers: run.markers.map((m) => m - first), endMs: run.ms - first };
}

/**
 * Progress lines: the CLI's `[load] <sync>: ...` lines on stderr (each sync's diff and batches)
 * and its `<sync>: succeeded; ...` summaries on stdout.
 */
const PROGRESS = [/^\[load\] /, /^[\w-]+: (succeeded|failed); /];

/** Runs `node <args>` from `cwd`; with `kill`, sends SIGKILL at that point of the run. */
export function runNode(
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; kill?: KillPlan; timeoutMs?: number },
): Promise<ChildRun> {
  const t0 = Date.now();
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let killed = false;
  let killedAtMs: number | undefined;
  let timedOut = false;
  const markers: number[] = [];
  const timers: NodeJS.Timeout[] = [];
  const killAfter = (ms: number) =>
    timers.push(
      setTimeout(() => {
        killed = child.exitCode === null && child.signalCode === null && child.kill("SIGKILL");
        if (killed) killedAtMs = Date.now() - t0;
      }, ms),
    );
  const plan = options.kill;
  if (plan && "fromSpawnMs" in plan) killAfter(plan.fromSpawnMs);
  const output = { stdout: "", stderr: "" };
  for (const stream of ["stdout", "stderr"] as const) {
    let partial = "";
    child[stream].on("data", (d: Buffer) => {
      const text = d.toString();
      output[stream] += text;
      const lines = (partial + text).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        if (!PROGRESS.some((re) => re.test(line))) continue;
        markers.push(Date.now() - t0);
        if (plan && "afterMarker" in plan && markers.length === plan.afterMarker + 1) killAfter(plan.delayMs);
      }
    });
  }
  // A run that hangs must not hang the suite: kill it and let the caller's assertions fail.
  timers.push(
    setTimeout(() => {
      timedOut = child.kill("SIGKILL");
    }, options.timeoutMs ?? 60_000),
  );
  return new Promise((resolve, reject) => {
    child.once("error", (err) => {
      for (const t of timers) clearTimeout(t);
      reject(err);
    });
    // `close` comes after `exit`: the child has been reaped, so its pid no longer answers.
    child.once("close", (code, signal) => {
      for (const t of timers) clearTimeout(t);
      resolve({
        code,
        signal,
        killed: killed && signal === "SIGKILL",
        killedAtMs,
        markers,
        timedOut,
        ms: Date.now() - t0,
        stdout: output.stdout,
        stderr: output.stderr,
      });
    });
  });
}

/** Runs `fn` on a DuckDB connection to `path` (opened read-write, then closed). */
export async function withDuckDB<T>(
  path: string,
  fn: (query: (sql: string) => Promise<Array<Record<string, unknown>>>) => Promise<T>,
): Promise<T> {
  const instance = await DuckDBInstance.create(path);
  const c = await instance.connect();
  try {
    return await fn(async (sql) => (await c.runAndReadAll(sql)).getRowObjectsJS());
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

/** What a state file holds: snapshot statuses by sync and key, locks and runs. */
export interface StateDump {
  /** sync → key → last status. */
  snapshot: Map<string, Map<string, string>>;
  locks: Array<{ sync: string; pid: number }>;
  runs: Array<{
    id: number;
    sync: string;
    status: string;
    pid: number;
    summary: Record<string, number> | null;
  }>;
}

/** Reads every table of interest of a load state file (none when it does not exist yet). */
export async function dumpState(path: string): Promise<StateDump> {
  const empty: StateDump = { snapshot: new Map(), locks: [], runs: [] };
  if (!existsSync(path)) return empty;
  return withDuckDB(path, async (q) => {
    const tables = new Set(
      (await q("SELECT table_name FROM information_schema.tables")).map((r) => String(r.table_name)),
    );
    if (!tables.has("load_snapshot")) return empty;
    const snapshot = new Map<string, Map<string, string>>();
    for (const r of await q("SELECT sync, key, status FROM load_snapshot")) {
      const sync = String(r.sync);
      let m = snapshot.get(sync);
      if (!m) {
        m = new Map();
        snapshot.set(sync, m);
      }
      if (m.has(String(r.key))) throw new Error(`the snapshot holds key ${String(r.key)} of ${sync} twice`);
      m.set(String(r.key), String(r.status));
    }
    const locks = (await q("SELECT sync, pid FROM load_locks ORDER BY sync")).map((r) => ({
      sync: String(r.sync),
      pid: Number(r.pid),
    }));
    const runs = (
      await q("SELECT id, sync, status, pid, summary::VARCHAR AS summary FROM load_runs ORDER BY id")
    ).map((r) => ({
      id: Number(r.id),
      sync: String(r.sync),
      status: String(r.status),
      pid: Number(r.pid),
      summary: r.summary === null ? null : (JSON.parse(String(r.summary)) as Record<string, number>),
    }));
    return { snapshot, locks, runs };
  });
}

/**
 * The state a killed process left, read from a copy (database file and write-ahead log), so that
 * replaying the log is left to the run that resumes.
 */
export async function dumpStateAfterKill(path: string): Promise<StateDump> {
  if (!existsSync(path)) return dumpState(path);
  const copy = `${path}.inspect.duckdb`;
  copyFileSync(path, copy);
  if (existsSync(`${path}.wal`)) copyFileSync(`${path}.wal`, `${copy}.wal`);
  try {
    return await dumpState(copy);
  } finally {
    rmSync(copy, { force: true });
    rmSync(`${copy}.wal`, { force: true });
  }
}
