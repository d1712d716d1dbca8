/**
 * Pieces of the kill-and-resume test (test/extract/resume.test.ts): running an extract as a child
 * process that may be killed with SIGKILL, reading what a database holds after the kill without
 * disturbing its own crash recovery, and a canonical dump of every extracted table.
 */
import { spawn } from "node:child_process";
import { copyFileSync, cpSync, existsSync, rmSync } from "node:fs";
import { STREAMS } from "../../../src/extract/streams/index.js";
import { DuckDBTarget } from "../../../src/extract/targets/duckdb.js";
import type { PostgresTarget } from "../../../src/extract/targets/postgres.js";
import type { StreamState } from "../../../src/extract/types.js";

export const STATE_TABLE = "_klaviyo_sync_state";

/** Columns that differ between two runs by design: when and by which run a row was written. */
const RUN_COLUMNS = new Set(["_extracted_at", "_run_id"]);

/** Every extracted table → its rows in primary-key order, without the per-run columns. */
export type Dump = Record<string, Record<string, unknown>[]>;

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

/** When to kill a run: so long after the spawn, or so long after its first stream started. */
export type KillPlan = { fromSpawnMs: number } | { afterStartMs: number };

/**
 * The kill of trial `i` (1-based) of `n`: the first trial at a point of the child's start-up
 * (`lo` to `startupMs` after the spawn: before anything was written), the others stratified over
 * the run, counted from its first stream's start and spread over `runMs` (the reference run's
 * duration; the last slice reaches its end), each at a random point of its slice drawn from a PRNG
 * seeded by `seed`. So every suite run covers the whole range.
 */
export function killPlan(
  i: number,
  n: number,
  range: { lo: number; startupMs: number; runMs: number },
  seed: number,
): KillPlan {
  const u = prng(seed)();
  if (n > 1 && i === 1) {
    const { lo, startupMs } = range;
    return { fromSpawnMs: Math.round(lo + u * Math.max(0, startupMs - lo)) };
  }
  const slices = n > 1 ? n - 1 : 1;
  const slice = n > 1 ? i - 2 : 0;
  return { afterStartMs: Math.round(((slice + u) / slices) * range.runMs) };
}

/** A progress line the child printed (`--log-format json`). */
export interface ProgressLine {
  type: string;
  stream?: string;
  resumed?: boolean;
}

export interface ChildRun {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Ended by the planned SIGKILL (not by finishing first). */
  killed: boolean;
  /** When the SIGKILL was sent, ms after the spawn. */
  killedAtMs: number | undefined;
  /** Killed because it ran past the time limit. */
  timedOut: boolean;
  ms: number;
  events: ProgressLine[];
  stderr: string;
  stdout: string;
}

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
  let started = false;
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
    if (!started && plan && "afterStartMs" in plan && stderr.includes('"type":"stream-start"')) {
      started = true;
      killAfter(plan.afterStartMs);
    }
  });
  // A run that hangs must not hang the suite: kill it and let the caller's assertions fail.
  timers.push(
    setTimeout(() => {
      timedOut = child.kill("SIGKILL");
    }, options.timeoutMs ?? 90_000),
  );
  return new Promise((resolve, reject) => {
    child.once("error", (err) => {
      for (const t of timers) clearTimeout(t);
      reject(err);
    });
    child.once("close", (code, signal) => {
      const ms = Date.now() - t0;
      for (const t of timers) clearTimeout(t);
      const events: ProgressLine[] = [];
      for (const line of stderr.split("\n")) {
        if (!line.startsWith("{")) continue;
        try {
          events.push(JSON.parse(line) as ProgressLine);
        } catch {
          // A line cut short by the kill.
        }
      }
      resolve({
        code,
        signal,
        killed: killed && signal === "SIGKILL",
        killedAtMs,
        timedOut,
        ms,
        events,
        stderr,
        stdout,
      });
    });
  });
}

/** Streams whose start event said they resumed a run in progress. */
export function resumedStreams(run: ChildRun): string[] {
  return run.events
    .filter((e) => e.type === "stream-start" && e.resumed === true && typeof e.stream === "string")
    .map((e) => e.stream as string)
    .sort();
}

/** Where a killed run left the database. */
export type KillPoint =
  /** The run finished before the kill. */
  | "finished-first"
  /** Killed before the first commit: no state at all. */
  | "before-first-commit"
  /** Killed with some streams committed partially or not at all. */
  | "mid-run"
  /** Killed after every stream had committed its final state (e.g. while closing). */
  | "after-last-commit";

export function killPoint(run: ChildRun, states: Map<string, StreamState>): KillPoint {
  if (!run.killed) return "finished-first";
  if (states.size === 0) return "before-first-commit";
  const complete = STREAMS.every((s) => {
    const st = states.get(s.name);
    return st !== undefined && !st.inProgress && !!st.lastCompletedAt;
  });
  return complete ? "after-last-commit" : "mid-run";
}

export function inProgressStreams(states: Map<string, StreamState>): string[] {
  return [...states.values()]
    .filter((s) => !!s.inProgress)
    .map((s) => s.stream)
    .sort();
}

/** Problems with the final states: every stream completed, none in progress. */
export function stateProblems(states: Map<string, StreamState>): string[] {
  const out: string[] = [];
  for (const s of STREAMS) {
    const st = states.get(s.name);
    if (!st) out.push(`${s.name}: no state`);
    else if (st.inProgress) out.push(`${s.name}: still in progress (${JSON.stringify(st.inProgress)})`);
    else if (!st.lastCompletedAt) out.push(`${s.name}: never completed`);
  }
  return out;
}

const primaryKeys = new Map(STREAMS.map((s) => [s.name, s.primaryKey]));

function keyOf(table: string, row: Record<string, unknown>): string {
  const pk = primaryKeys.get(table);
  return JSON.stringify(pk ? pk.map((k) => row[k]) : row);
}

/** Differences between two dumps, for a readable failure (empty when they are equal). */
export function diffDumps(expected: Dump, actual: Dump, limit = 5): string[] {
  const out: string[] = [];
  const tables = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  for (const table of tables) {
    const want = expected[table];
    const got = actual[table];
    if (!want) {
      out.push(`${table}: unexpected table (${got?.length ?? 0} rows)`);
      continue;
    }
    if (!got) {
      out.push(`${table}: missing table (expected ${want.length} rows)`);
      continue;
    }
    if (JSON.stringify(want) === JSON.stringify(got)) continue;
    const wantByKey = new Map(want.map((r) => [keyOf(table, r), JSON.stringify(r)]));
    const gotKeys = got.map((r) => keyOf(table, r));
    const gotByKey = new Map(got.map((r) => [keyOf(table, r), JSON.stringify(r)]));
    const missing = [...wantByKey.keys()].filter((k) => !gotByKey.has(k));
    const extra = [...gotByKey.keys()].filter((k) => !wantByKey.has(k));
    const duplicates = gotKeys.length - gotByKey.size;
    const changed = [...wantByKey].filter(([k, v]) => gotByKey.has(k) && gotByKey.get(k) !== v);
    const parts = [`${table}: ${got.length} rows, expected ${want.length}`];
    if (missing.length > 0) parts.push(`${missing.length} missing (${missing.slice(0, limit).join(", ")})`);
    if (extra.length > 0) parts.push(`${extra.length} extra (${extra.slice(0, limit).join(", ")})`);
    if (duplicates > 0) parts.push(`${duplicates} duplicate keys`);
    for (const [k, v] of changed.slice(0, limit)) parts.push(`changed ${k}: ${v} -> ${gotByKey.get(k)}`);
    if (missing.length + extra.length + duplicates + changed.length === 0)
      parts.push("same rows, other order");
    out.push(parts.join("; "));
  }
  return out;
}

/** The select list for one table: data columns as they are, `_deleted_at` reduced to a flag. */
function dumpColumns(columns: string[], quote: (name: string) => string): string[] {
  return columns
    .filter((c) => !RUN_COLUMNS.has(c))
    .map((c) => (c === "_deleted_at" ? `(${quote(c)} IS NOT NULL) AS "_deleted"` : quote(c)));
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

// ---------------------------------------------------------------------------------------------
// DuckDB

/** Canonical dump of every table of a DuckDB target (the state table aside). */
export async function dumpDuckDB(target: DuckDBTarget): Promise<Dump> {
  const tables = await target.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_name <> '${STATE_TABLE}' ORDER BY table_name`,
  );
  const out: Dump = {};
  for (const t of tables) {
    const table = String(t.table_name);
    const cols = await target.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = '${table}' ORDER BY ordinal_position`,
    );
    const names = cols.map((c) => String(c.column_name));
    const select = dumpColumns(names, quoteIdent);
    const order = (primaryKeys.get(table) ?? names.filter((c) => !RUN_COLUMNS.has(c))).map(quoteIdent);
    out[table] = await target.query(
      `SELECT ${select.join(", ")} FROM ${quoteIdent(table)} ORDER BY ${order.join(", ")}`,
    );
  }
  return out;
}

/** Stream states a DuckDB target holds. */
export async function duckDBStates(target: DuckDBTarget): Promise<Map<string, StreamState>> {
  const rows = await target.query(`SELECT state::VARCHAR AS s FROM ${STATE_TABLE}`);
  const states = rows.map((r) => JSON.parse(String(r.s)) as StreamState);
  return new Map(states.map((s) => [s.stream, s]));
}

/** Opens a DuckDB file, runs `fn`, closes it. */
export async function withDuckDB<T>(path: string, fn: (t: DuckDBTarget) => Promise<T>): Promise<T> {
  const target = new DuckDBTarget(path);
  await target.open();
  try {
    return await fn(target);
  } finally {
    await target.close();
  }
}

/**
 * The states in a DuckDB file a killed process left behind, read from a copy (database file and
 * write-ahead log), so that replaying the log is left to the run that resumes.
 */
export async function duckDBStatesAfterKill(path: string): Promise<Map<string, StreamState>> {
  if (!existsSync(path)) return new Map();
  const copy = `${path}.inspect.duckdb`;
  copyFileSync(path, copy);
  if (existsSync(`${path}.wal`)) copyFileSync(`${path}.wal`, `${copy}.wal`);
  try {
    return await withDuckDB(copy, duckDBStates);
  } finally {
    rmSync(copy, { force: true });
    rmSync(`${copy}.wal`, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

/** Canonical dump of every table of a PostgreSQL target's schema (the state table aside). */
export async function dumpPostgres(target: PostgresTarget): Promise<Dump> {
  const tables = await target.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' AND table_name <> $2 ORDER BY table_name`,
    [target.schema, STATE_TABLE],
  );
  const out: Dump = {};
  for (const t of tables) {
    const table = String(t.table_name);
    const rows = await target.readRows(table);
    out[table] = rows.map((row) => {
      const r: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(row)) {
        if (RUN_COLUMNS.has(k)) continue;
        if (k === "_deleted_at") r._deleted = v !== null;
        else r[k] = v;
      }
      return r;
    });
  }
  return out;
}

/** Stream states a PostgreSQL target holds (none when it has no state table yet). */
export async function postgresStates(target: PostgresTarget): Promise<Map<string, StreamState>> {
  const exists = await target.query("SELECT to_regclass($1) IS NOT NULL AS e", [
    `${quoteIdent(target.schema)}.${STATE_TABLE}`,
  ]);
  if (exists[0]?.e !== true) return new Map();
  const rows = await target.query(`SELECT state FROM ${quoteIdent(target.schema)}.${STATE_TABLE}`);
  const states = rows.map(
    (r) => (typeof r.state === "string" ? JSON.parse(r.state) : r.state) as StreamState,
  );
  return new Map(states.map((s) => [s.stream, s]));
}

/** Copies a directory (a PGlite data directory left by a killed process) for inspection. */
export function copyDir(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
}
