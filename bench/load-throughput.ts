/**
 * Load (reverse ETL) throughput against the emulator at Klaviyo's real rate limits: how close a
 * sync gets to the most the limits allow, with its time, phases and peak memory.
 *
 *   npx tsx bench/load-throughput.ts [--quick] [--only profiles,profiles:rerun,events,...]
 *
 * Every sync runs the way `klaviyo-sync load` runs it: a load.yaml (written to a temporary folder)
 * read by `loadLoadConfig`, a DuckDB model (`duckdb:<tmp>/warehouse.duckdb`, generated before the
 * run in the parent process), the state where the config puts it (`openStateAt`: a DuckDB file in
 * the temporary folder), and `runSync` with the client options the CLI builds. The bench only adds
 * instruments around those pieces: a transport that records every request (category, start, end,
 * status), a clock that counts sleeps, and
 * timers around the model reads, the state's diff/record and the action's `perform`.
 *
 * Workloads (each sync in a fresh child process so its peak RSS is its own; the emulator in a
 * process of its own, `--seed none --rate-limits real`, spawned by the parent):
 *
 *   profiles            `profiles` upsert of R rows (identify_by email; names, city, country and
 *                       three custom properties and a constant, 276 bytes a profile as JSON) with
 *                       `resolve_ids: false` (see below). Phases: model read + diff (pass 1),
 *                       sending (pass 2: model re-read, validation, job bodies, POSTs), polling
 *                       (poll requests, poll sleeps, import-error reads), state records.
 *   profiles:rerun      the same sync again in another fresh process, nothing changed: its time,
 *                       the requests it sent (must be 0, counted by the client and by the
 *                       emulator's /admin/counters) and its peak RSS.
 *   profiles:resolve_ids the default `resolve_ids: true` on fewer rows: after each job the action
 *                       reads the job's imported profiles (GET .../profile-bulk-import-jobs/{id}/
 *                       profiles, 100 a page, 10/s and 150/min) to record every row's profile id.
 *                       That is 100 requests per 10,000-profile job, so it, not the import, bounds
 *                       the sync: at most 150 × 100 = 15,000 profiles a minute.
 *   events              `events` track of R rows (one event each, metric fixed, derived unique_id)
 *                       through bulk create (≤ 1,000 events a request).
 *   list_membership     `list_membership` add of R rows by email into a list found or created by
 *                       `list_name`; the profiles exist (created before the run with another API
 *                       key, so the sync's key starts with empty windows). The action first looks
 *                       up profile ids (GET /api/profiles?filter=any(email,[100 values]), every page),
 *                       then adds them (≤ 1,000 ids a call).
 *   list_membership:add_calls the add calls alone: the profile ids recorded by the sync above,
 *                       added to a second list with `client.lists.addProfiles` (calls of 1,000),
 *                       on a third API key.
 *
 * Limits (../shared/klaviyo-api/endpoint-facts.md, read from the vendored spec through
 * `getOperation`): bulk_import_profiles 10/s and 150/min, ≤ 10,000 profiles and ≤ 5 MB a job;
 * get_bulk_import_profiles_job, get_errors_for_bulk_import_profiles_job and
 * get_profiles_for_bulk_import_profiles_job 10/s and 150/min each (own budgets);
 * bulk_create_events 10/s and 150/min, ≤ 1,000 events; add_profiles_to_list 10/s and 150/min,
 * ≤ 1,000 ids; get_profiles 75/s and 750/min, 100 a page.
 *
 * The ceiling. As in ./extract-throughput.ts (`pagesCeiling` and `minSeconds` from ./ceiling.ts):
 * a client that keeps every 1 s and every 60 s interval within the burst and steady limits has
 * sent at most pagesCeiling(T) = Σ over the minutes m begun by T of min(steady, burst × s_m)
 * requests T seconds after it started with empty windows (s_m: the seconds of minute m begun by T).
 * A workload's ceiling in rows is
 *
 *   rowsCeiling(T) = pagesCeiling(T, burst, steady) × rowsPerRequest
 *
 * with T the whole `runSync` call (lock, model read and diff, sending, polling, records, run
 * record) and rowsPerRequest what one request may carry: 1,000 events; 1,000 list members;
 * for profiles min(10,000, ⌊(5 MiB − 4 KiB envelope) ÷ average profile bytes⌋), the 5 MB cap
 * being what limits a job when profiles are larger than ~524 bytes (here they are not, so 10,000;
 * the average is measured on the model's first 2,000 rows, built as the action builds them).
 * `fractionOfCeiling` = rows sent ÷ rowsCeiling(T). For list_membership the lookups have a
 * ceiling too, 100 ids per get_profiles request; its end-to-end ceiling is the smaller of the
 * two, min(adds ceiling × 1,000, lookups ceiling × 100), reported with the add-only fraction.
 * A dataset smaller than the ceiling cannot fill it (1,000,000 profiles are 100 jobs, 9 s of
 * burst), so the time is also given: `minSeconds`, the shortest time in which the limits let this
 * many requests be sent (for list_membership the larger of the adds' and the lookups'), and
 * `timeEfficiency` = minSeconds ÷ seconds taken. `sendPhase` repeats both for the time from the
 * first data request to the end of the run (T without the model read and diff).
 *
 * `limitsBound` does the same for every operation the run used (each has its own budget): the
 * one whose limits need the longest for the requests sent, e.g. get_bulk_import_profiles_job
 * when the action polls each job twice, or get_profiles for list_membership's lookups.
 *
 * What else a line holds: `requests`, per category (import, poll, import_errors, job_profiles,
 * events, lookup, list_add, lists...) the count, the seconds spent in them (requests are sent one
 * after another, so these add up) and 429s; `budgetWaitSeconds`, time the client's rate budget
 * held requests back; `phases`, where the run's time went; `loadAverage`, the machine's 1-minute
 * load at the start and end of the measured run (other work on this 2-core machine slows both
 * the sync and the emulator). Memory: `process.memoryUsage().rss` sampled every 100 ms and the
 * kernel's VmHWM, the larger of the two; `baselineRssMb` is the RSS after the config is read and
 * the state opened, before the run; the child runs under tsx, whose loader adds about 33 MB that
 * the compiled CLI does not have. `emulatorPeakRssMb` is the emulator process's VmHWM.
 *
 * Sizes and time (measured with the machine's load average at 3 to 8):
 *   full (14 to 17 minutes on 2 cores): profiles 1,000,000 rows (+ rerun; about 3 to 4 minutes and
 *     half a minute), profiles:resolve_ids 50,000 (500 job-profile pages, ≥ 184 s by the limits),
 *     events 600,000 (600 requests, ≥ 194 s), list_membership 200,000 (2,000 lookups, ≥ 126 s)
 *     and its 200 add calls (≥ 64 s).
 *   --quick (about 5 minutes): profiles 100,000 (+ rerun), profiles:resolve_ids 20,000 (≥ 64 s),
 *     events 300,000 (≥ 74 s), list_membership 100,000 (≥ 63 s) and its add calls (≥ 9 s).
 *   `--rows N` gives every selected workload N rows (for trying things out).
 *
 * Diagnosis: KS_BENCH_DIAG=skip-record skips the state's record() calls (Klaviyo still gets every
 * request; the snapshot stays empty), to measure what the records cost; KS_BENCH_CPU_PROF=<dir>
 * writes V8 CPU profiles of the children and the emulator there.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import { parseRateLimits } from "../src/cli/client.js";
import { createClient, type KlaviyoClient } from "../src/client/index.js";
import { getOperation } from "../src/client/operations.js";
import { createHttpTransport } from "../src/client/transport.js";
import type { Clock, Logger, Transport } from "../src/client/types.js";
import { loadLoadConfig } from "../src/config/load.js";
import { ACTIONS, getAction } from "../src/load/actions/index.js";
import { ENVELOPE_BYTES } from "../src/load/actions/shared.js";
import { type LoadStateStore, type ModelReader, runSync } from "../src/load/engine.js";
import { openModel } from "../src/load/models/index.js";
import { openStateAt, sharedSourceDatabase } from "../src/load/state/index.js";
import type { ActionDefinition, ModelRow } from "../src/load/types.js";
import { minSeconds, pagesCeiling } from "./ceiling.js";
import { argValue, runJsonChild } from "./child.js";
import { type EmulatorProcess, rssOf, spawnEmulator } from "./emulator-process.js";

export type LoadWorkloadName =
  | "profiles"
  | "profiles:rerun"
  | "profiles:resolve_ids"
  | "events"
  | "list_membership"
  | "list_membership:add_calls";

export interface LoadWorkload {
  /** profiles (with its rerun), profiles:resolve_ids, events, list_membership (with its add calls). */
  name: "profiles" | "profiles:resolve_ids" | "events" | "list_membership";
  rows: number;
  limits: "real" | "10x" | "off";
  /** profiles: also run the no-change rerun. list_membership: also run the add calls alone. */
  followUp: boolean;
}

/** What one child process is asked to do. */
interface ChildTask {
  workload: LoadWorkload;
  run: "sync" | "rerun" | "add_calls";
  url: string;
  key: string;
  dir: string;
}

interface Ceiling {
  /** The operation whose limits bound the workload, with its limits (scaled). */
  operation: string;
  burst: number;
  steady: number;
  rowsPerRequest: number;
  /** Data requests sent (2xx) of that operation. */
  requests: number;
  requestsCeiling: number;
  rowsCeiling: number;
  /** The steady limit as rows per second (what a long run can average at most). */
  steadyRowsPerSecond: number;
}

export interface LoadThroughputResult {
  benchmark: "load-throughput";
  workload: LoadWorkloadName;
  action: string;
  limits: string;
  status: string;
  rows: number;
  summary: Record<string, number> | null;
  seconds: number;
  rowsPerSecond: number;
  phases: Record<string, number>;
  requests: Record<string, { count: number; seconds: number; rateLimited: number }>;
  /** Requests the client sent, by its own count (every retry included). */
  clientRequests: number;
  /** Requests the emulator counted during the run (every key, throttled ones included): the rerun only. */
  emulatorRequests?: number;
  rateLimited: number;
  retries: number;
  budgetWaitSeconds: number;
  /** Time spent in backoff and Retry-After waits after errors and 429s. */
  backoffWaitSeconds: number;
  ceiling: Ceiling | null;
  /** list_membership: the lookups' ceiling, and the end-to-end one (the smaller). */
  lookupCeiling?: Ceiling;
  endToEndRowsCeiling?: number;
  fractionOfEndToEndCeiling?: number;
  fractionOfCeiling: number | null;
  minSeconds: number | null;
  timeEfficiency: number | null;
  /**
   * The operation whose limits need the longest for the requests this run sent (each operation
   * has its own budget): minSeconds(requests) for it, and that ÷ the time taken.
   */
  limitsBound?: {
    operation: string;
    requests: number;
    minSeconds: number;
    timeEfficiency: number | null;
  } | null;
  sendPhase: { seconds: number; fractionOfCeiling: number; timeEfficiency: number | null } | null;
  /** KS_BENCH_DIAG=skip-record: state records skipped (diagnosis only; the rerun is then meaningless). */
  diagnostic?: string;
  baselineRssMb: number;
  peakRssMb: number;
  peakHeapMb: number;
  emulatorPeakRssMb?: number;
  loadAverage: [number, number];
  notes?: string[];
}

export interface LoadThroughputOptions {
  quick?: boolean;
  workloads?: LoadWorkload[];
  onResult?: (result: LoadThroughputResult) => void;
}

export function defaultWorkloads(quick: boolean): LoadWorkload[] {
  const w = (name: LoadWorkload["name"], rows: number, followUp = false): LoadWorkload => ({
    name,
    rows,
    limits: "real",
    followUp,
  });
  if (quick) {
    return [
      w("profiles", 100_000, true),
      w("profiles:resolve_ids", 20_000),
      w("events", 300_000),
      w("list_membership", 100_000, true),
    ];
  }
  return [
    w("profiles", 1_000_000, true),
    w("profiles:resolve_ids", 50_000),
    w("events", 600_000),
    w("list_membership", 200_000, true),
  ];
}

const SYNC_KEY = "pk_bench_load_sync";
const SETUP_KEY = "pk_bench_load_setup";
const ADD_KEY = "pk_bench_load_addcalls";
const LIST_NAME = "Bench members";

const mb = (bytes: number) => Math.round(bytes / 1048576);
const round = (n: number, digits = 3) => Number(n.toFixed(digits));

function kernelPeakRssMb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

function limitsOf(operationId: string, scale: number): { burst: number; steady: number } {
  const op = getOperation(operationId as Parameters<typeof getOperation>[0]);
  if (!op?.burst || !op.steady) throw new Error(`${operationId} has no burst and steady limits`);
  return { burst: Math.floor(op.burst * scale), steady: Math.floor(op.steady * scale) };
}

// ---------------------------------------------------------------------------------------------
// Models (generated in the parent, so their memory is not the sync's)

const MODEL_SQL: Record<LoadWorkload["name"], (rows: number) => string> = {
  profiles: (n) => `CREATE TABLE customers AS SELECT
      i AS customer_id,
      'customer' || i || '@example.com' AS email,
      'First' || (i % 997) AS first_name,
      'Last' || (i % 4999) AS last_name,
      ['Boston', 'Paris', 'Berlin', 'Madrid', 'Tokyo', 'Lima'][1 + i % 6] AS city,
      ['US', 'FR', 'DE', 'ES', 'JP', 'PE'][1 + i % 6] AS country,
      round((i % 10007) * 1.37, 2) AS ltv,
      CASE WHEN i % 3 = 0 THEN 'gold' ELSE 'silver' END AS tier,
      TIMESTAMP '2024-01-01' + to_seconds(i * 31) AS signed_up_at
    FROM range(1, ${n + 1}) t(i)`,
  "profiles:resolve_ids": (n) => MODEL_SQL.profiles(n),
  events: (n) => `CREATE TABLE orders AS SELECT
      i AS order_id,
      'buyer' || (i % ${Math.max(1, Math.floor(n / 5))}) || '@example.com' AS email,
      TIMESTAMP '2025-01-01' + to_seconds(i * 7) AS ordered_at,
      round(5 + (i % 997) * 0.13, 2) AS amount,
      'SKU-' || (i % 500) AS sku,
      1 + i % 5 AS quantity
    FROM range(1, ${n + 1}) t(i)`,
  list_membership: (n) => `CREATE TABLE members AS SELECT
      i AS member_id, 'member' || i || '@example.com' AS email
    FROM range(1, ${n + 1}) t(i)`,
};

export async function generateModel(path: string, w: LoadWorkload): Promise<void> {
  const inst = await DuckDBInstance.create(path);
  const c = await inst.connect();
  try {
    await c.run(MODEL_SQL[w.name](w.rows));
  } finally {
    c.closeSync();
    inst.closeSync();
  }
}

/** The load.yaml of a workload (JSON, which YAML reads as is). */
export function loadConfig(w: LoadWorkload, url: string, key: string, dir: string): string {
  const profiles = {
    action: "profiles",
    mode: "upsert",
    model: { table: "customers" },
    primary_key: "customer_id",
    identify_by: "email",
    mapping: {
      email: "email",
      first_name: "first_name",
      last_name: "last_name",
      city: "location.city",
      country: "location.country",
      ltv: "properties.lifetime_value",
      tier: "properties.tier",
      signed_up_at: "properties.signed_up_at",
    },
    constants: { "properties.source": "warehouse" },
  };
  const syncs: Record<LoadWorkload["name"], Record<string, unknown>> = {
    profiles: { ...profiles, options: { resolve_ids: false } },
    "profiles:resolve_ids": { ...profiles, options: {} },
    events: {
      action: "events",
      mode: "track",
      model: { table: "orders" },
      primary_key: "order_id",
      mapping: {
        email: "email",
        ordered_at: "time",
        amount: "value",
        sku: "properties.sku",
        quantity: "properties.quantity",
      },
      options: { metric: "Bench Order" },
    },
    list_membership: {
      action: "list_membership",
      mode: "add",
      model: { table: "members" },
      primary_key: "member_id",
      identify_by: "email",
      mapping: { email: "email" },
      options: { list_name: LIST_NAME },
    },
  };
  return JSON.stringify(
    {
      source: `duckdb:${join(dir, "warehouse.duckdb")}`,
      klaviyo: { api_key: key, base_url: url, rate_limits: w.limits },
      state: join(dir, "state.duckdb"),
      syncs: { bench: syncs[w.name] },
    },
    null,
    2,
  );
}

// ---------------------------------------------------------------------------------------------
// Instruments

interface RequestRecord {
  category: string;
  start: number;
  end: number;
  status: number;
}

function categoryOf(method: string, url: string): string {
  const path = new URL(url).pathname;
  if (path === "/api/profile-bulk-import-jobs") return method === "POST" ? "import" : "import_jobs";
  if (path.startsWith("/api/profile-bulk-import-jobs/")) {
    if (path.endsWith("/import-errors")) return "import_errors";
    if (path.endsWith("/profiles")) return "job_profiles";
    return "poll";
  }
  if (path === "/api/event-bulk-create-jobs") return "events";
  if (path === "/api/profiles") return "lookup";
  if (/^\/api\/lists\/[^/]+\/relationships\/profiles$/.test(path))
    return method === "POST" ? "list_add" : "list_remove";
  if (path === "/api/lists") return method === "POST" ? "create_list" : "lists";
  return `${method} ${path}`;
}

/** The HTTP transport the client would build, recording each request. */
function recordingTransport(): Transport & { close(): Promise<void>; log: RequestRecord[] } {
  const inner = createHttpTransport();
  const log: RequestRecord[] = [];
  const send: Transport = async (req) => {
    const start = performance.now();
    const category = categoryOf(req.method, req.url);
    try {
      const res = await inner(req);
      log.push({ category, start, end: performance.now(), status: res.status });
      return res;
    } catch (err) {
      log.push({ category, start, end: performance.now(), status: 0 });
      throw err;
    }
  };
  return Object.assign(send, { close: () => inner.close(), log });
}

/** The system clock, counting the time spent in `sleep` (budget waits, backoff and job polling). */
function countingClock(): Clock & { sleptMs: number } {
  const clock = {
    sleptMs: 0,
    now: () => Date.now(),
    sleep: (ms: number, signal?: AbortSignal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const t0 = performance.now();
        const done = () => {
          clock.sleptMs += performance.now() - t0;
          signal?.removeEventListener("abort", onAbort);
        };
        const timer = setTimeout(
          () => {
            done();
            resolve();
          },
          Math.max(0, ms),
        );
        const onAbort = () => {
          clearTimeout(timer);
          done();
          reject(signal?.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
      }),
  };
  return clock;
}

const stderrLogger: Logger = {
  debug() {},
  info() {},
  warn(message, fields) {
    console.error(`[load-throughput] warn: ${message} ${fields ? JSON.stringify(fields) : ""}`);
  },
};

class Timer {
  ms = 0;
  async time<T>(f: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await f();
    } finally {
      this.ms += performance.now() - t0;
    }
  }
}

/** A model whose `rows` iteration is timed (the time spent waiting for the next batch). */
function timedModel<M extends ModelReader & { close(): Promise<void> }>(model: M, timer: Timer): M {
  const rows = (batchSize: number): AsyncIterable<ModelRow[]> => ({
    [Symbol.asyncIterator]() {
      const it = model.rows(batchSize)[Symbol.asyncIterator]();
      return {
        next: () => timer.time(() => it.next()),
        return: async (v?: unknown) => (it.return ? it.return(v) : { done: true as const, value: undefined }),
      };
    },
  });
  return new Proxy(model, {
    get(target, prop, receiver) {
      if (prop === "rows") return rows;
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

async function emulatorRequests(url: string): Promise<number | undefined> {
  try {
    const res = await fetch(`${url}/admin/counters`);
    const body = (await res.json()) as { operations?: Record<string, { requests: number }> };
    return Object.values(body.operations ?? {}).reduce((n, o) => n + o.requests, 0);
  } catch {
    return undefined;
  }
}

function ceilingOf(
  operation: string,
  scale: number,
  rowsPerRequest: number,
  requests: number,
  seconds: number,
): Ceiling {
  const { burst, steady } = limitsOf(operation, scale);
  const requestsCeiling = pagesCeiling(seconds, burst, steady);
  return {
    operation,
    burst,
    steady,
    rowsPerRequest,
    requests,
    requestsCeiling,
    rowsCeiling: requestsCeiling * rowsPerRequest,
    steadyRowsPerSecond: round((steady / 60) * rowsPerRequest, 1),
  };
}

/** The operation behind each request category (for the limits). */
const OPERATION_OF: Record<string, string> = {
  import: "bulk_import_profiles",
  poll: "get_bulk_import_profiles_job",
  import_errors: "get_errors_for_bulk_import_profiles_job",
  job_profiles: "get_profiles_for_bulk_import_profiles_job",
  events: "bulk_create_events",
  lookup: "get_profiles",
  list_add: "add_profiles_to_list",
  lists: "get_lists",
  create_list: "create_list",
};

/** Of the operations a run used, the one whose limits need the longest for its requests. */
function limitsBound(
  log: readonly RequestRecord[],
  scale: number,
): { operation: string; requests: number; minSeconds: number } | null {
  let best: { operation: string; requests: number; minSeconds: number } | null = null;
  for (const [category, operation] of Object.entries(OPERATION_OF)) {
    const requests = log.filter((r) => r.category === category).length;
    if (requests === 0) continue;
    const { burst, steady } = limitsOf(operation, scale);
    const fastest = minSeconds(requests, burst, steady);
    if (!best || fastest > best.minSeconds) best = { operation, requests, minSeconds: fastest };
  }
  return best;
}

function summarizeRequests(log: readonly RequestRecord[]) {
  const out: LoadThroughputResult["requests"] = {};
  for (const r of log) {
    const c = out[r.category] ?? { count: 0, seconds: 0, rateLimited: 0 };
    out[r.category] = c;
    c.count++;
    c.seconds += (r.end - r.start) / 1000;
    if (r.status === 429) c.rateLimited++;
  }
  for (const c of Object.values(out)) c.seconds = round(c.seconds, 1);
  return out;
}

// ---------------------------------------------------------------------------------------------
// One measured run (in a child process)

const ACTION_OF: Record<LoadWorkload["name"], string> = {
  profiles: "profiles",
  "profiles:resolve_ids": "profiles",
  events: "events",
  list_membership: "list_membership",
};

/** Operation bounding each workload, and rows one request carries (profiles: computed from bytes). */
const BOUND: Record<LoadWorkload["name"], { operation: string; category: string; rowsPerRequest: number }> = {
  profiles: { operation: "bulk_import_profiles", category: "import", rowsPerRequest: 10_000 },
  "profiles:resolve_ids": { operation: "bulk_import_profiles", category: "import", rowsPerRequest: 10_000 },
  events: { operation: "bulk_create_events", category: "events", rowsPerRequest: 1000 },
  list_membership: { operation: "add_profiles_to_list", category: "list_add", rowsPerRequest: 1000 },
};

export async function runLoadTask(task: ChildTask): Promise<LoadThroughputResult> {
  const { workload: w } = task;
  if (task.run === "add_calls") return runAddCalls(task);
  const load0 = loadavg()[0] ?? 0;
  const scale = w.limits === "10x" ? 10 : 1;
  const actions = Object.fromEntries(ACTIONS.map((a) => [a.name, a]));
  const configPath = join(task.dir, "load.json.yaml");
  const config = await loadLoadConfig(configPath, { env: {}, actions });
  const s = config.syncs[0];
  if (!s) throw new Error("no sync in the bench config");
  const transport = recordingTransport();
  const clock = countingClock();
  const rateLimit = parseRateLimits(config.klaviyo.rateLimits);
  const client: KlaviyoClient = createClient({
    apiKey: config.klaviyo.apiKey,
    ...(config.klaviyo.baseUrl ? { baseUrl: config.klaviyo.baseUrl } : {}),
    ...(rateLimit ? { rateLimit } : {}),
    env: {},
    logger: stderrLogger,
    transport,
    clock,
  });
  const state = await openStateAt(config.stateLocation, config.sourceSpec);
  const base = getAction(s.action);
  if (!base) throw new Error(`no action ${s.action}`);
  const performTimer = new Timer();
  const action: ActionDefinition = {
    ...base,
    perform: (rows, ctx) => performTimer.time(() => base.perform(rows, ctx)),
  };
  const diagnostic = process.env.KS_BENCH_DIAG;
  const diffTimer = new Timer();
  const recordTimer = new Timer();
  // The state itself, with diff and record timed (everything else passes through).
  const diff = (...args: Parameters<LoadStateStore["diff"]>) => diffTimer.time(() => state.diff(...args));
  const record = (...args: Parameters<LoadStateStore["record"]>) =>
    diagnostic === "skip-record" ? Promise.resolve() : recordTimer.time(() => state.record(...args));
  const timedState = new Proxy(state, {
    get(target, prop) {
      if (prop === "diff") return diff;
      if (prop === "record") return record;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  const readTimers = [new Timer(), new Timer()];
  let opened = 0;

  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const sampler = setInterval(sample, 100);
  const emu0 = task.run === "rerun" ? await emulatorRequests(task.url) : undefined;
  try {
    sample();
    const baselineRss = process.memoryUsage().rss;
    let diffAt: number | undefined;
    const t0 = performance.now();
    let status = "ok";
    let summary: Record<string, number> | null = null;
    try {
      const options = {
        ...s.options,
        ...(s.identifyBy && !("identify_by" in s.options) ? { identify_by: s.identifyBy } : {}),
      };
      const result = await runSync({
        client,
        sync: {
          name: s.name,
          action,
          mode: s.mode,
          primaryKey: s.primaryKey,
          mapping: s.mapping,
          constants: s.constants,
          options,
        },
        state: timedState,
        openModel: async () => {
          const timer = readTimers[Math.min(opened++, 1)] as Timer;
          const duckdb = sharedSourceDatabase(state);
          const model = await timer.time(() =>
            openModel(config.source, s.model, {
              primaryKey: s.primaryKey,
              requiredColumns: s.mapping.map((m) => m.column),
              label: `sync ${s.name}`,
              ...(duckdb ? { duckdb } : {}),
            }),
          );
          return timedModel(model, timer);
        },
        onProgress: (e) => {
          if (e.type === "diff") diffAt = performance.now();
        },
      });
      const r = result.summary;
      summary = {
        queried: r.queried,
        added: r.added,
        changed: r.changed,
        unchanged: r.unchanged,
        succeeded: r.succeeded,
        invalid: r.invalid,
        rejected: r.rejected,
      };
      if (r.status !== "succeeded") status = `failed: ${r.error ?? r.status}`;
      else if (r.invalid + r.rejected > 0) status = `ok with ${r.invalid} invalid, ${r.rejected} rejected`;
    } catch (err) {
      status = `failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    const end = performance.now();
    const seconds = (end - t0) / 1000;
    sample();
    const emu1 = task.run === "rerun" ? await emulatorRequests(task.url) : undefined;
    const log = transport.log;
    const stats = client.stats;
    const requests = summarizeRequests(log);
    const bound = BOUND[w.name];
    const sent = log.filter((r) => r.category === bound.category && r.status >= 200 && r.status < 300);
    const rows = summary ? (summary.succeeded ?? 0) + (summary.rejected ?? 0) : 0;
    const budgetWaitSeconds = stats.budgetWaitMs / 1000;
    const sleepSeconds = clock.sleptMs / 1000;
    const diffSeconds = diffAt === undefined ? seconds : (diffAt - t0) / 1000;
    const pollCategories = ["poll", "import_errors"];
    const inCategories = (cats: string[]) =>
      log.filter((r) => cats.includes(r.category)).reduce((n, r) => n + (r.end - r.start) / 1000, 0);
    const phases: Record<string, number> = {
      modelReadAndDiff: round(diffSeconds, 2),
      modelReadPass1: round((readTimers[0] as Timer).ms / 1000, 2),
      stateDiff: round(diffTimer.ms / 1000, 2),
      send: round(seconds - diffSeconds, 2),
      modelReadPass2: round((readTimers[1] as Timer).ms / 1000, 2),
      actionPerform: round(performTimer.ms / 1000, 2),
      stateRecord: round(recordTimer.ms / 1000, 2),
      sleeps: round(sleepSeconds, 2),
    };
    if (ACTION_OF[w.name] === "profiles") {
      phases.jobPosts = round(inCategories(["import"]), 2);
      // Polling: poll and import-error requests, plus the sleeps between polls (all sleeps but
      // the budget's and the backoff's).
      phases.polling = round(
        inCategories(pollCategories) +
          Math.max(0, sleepSeconds - budgetWaitSeconds - stats.backoffWaitMs / 1000),
        2,
      );
      phases.jobProfileReads = round(inCategories(["job_profiles"]), 2);
    } else if (w.name === "events") {
      phases.eventPosts = round(inCategories(["events"]), 2);
    } else {
      phases.lookups = round(inCategories(["lookup"]), 2);
      phases.addCalls = round(inCategories(["list_add"]), 2);
    }
    phases.budgetWait = round(budgetWaitSeconds, 2);

    let ceiling: Ceiling | null = null;
    let lookupCeiling: Ceiling | undefined;
    let e2e: number | undefined;
    let fraction: number | null = null;
    let fastest: number | null = null;
    let sendPhase: LoadThroughputResult["sendPhase"] = null;
    const notes: string[] = [];
    if (task.run === "sync" && w.limits !== "off" && sent.length > 0) {
      let perRequest = bound.rowsPerRequest;
      if (bound.category === "import") {
        // What fits in a job: 10,000 profiles, or fewer when 5 MB of them is less.
        const bytes = log.length > 0 ? profileBytes(task.dir) : 0;
        if (bytes > 0) perRequest = Math.min(10_000, Math.floor((5 * 1024 * 1024 - ENVELOPE_BYTES) / bytes));
        notes.push(`average profile payload ${bytes} bytes as JSON; a job holds ${perRequest} profiles`);
      }
      ceiling = ceilingOf(bound.operation, scale, perRequest, sent.length, seconds);
      fraction = round(rows / ceiling.rowsCeiling);
      fastest = minSeconds(sent.length, ceiling.burst, ceiling.steady);
      const first = Math.min(...log.filter((r) => r.category !== "lists").map((r) => r.start));
      const sendSeconds = (end - first) / 1000;
      const sendCeiling = pagesCeiling(sendSeconds, ceiling.burst, ceiling.steady) * perRequest;
      let sendFastest = fastest;
      if (w.name === "list_membership") {
        const lookups = log.filter((r) => r.category === "lookup" && r.status >= 200 && r.status < 300);
        lookupCeiling = ceilingOf("get_profiles", scale, 100, lookups.length, seconds);
        e2e = Math.min(ceiling.rowsCeiling, lookupCeiling.rowsCeiling);
        fastest = Math.max(fastest, minSeconds(lookups.length, lookupCeiling.burst, lookupCeiling.steady));
        sendFastest = fastest;
      }
      sendPhase = {
        seconds: round(sendSeconds, 2),
        fractionOfCeiling: round(rows / sendCeiling),
        timeEfficiency: sendFastest ? round(sendFastest / sendSeconds) : null,
      };
    }
    const bind = limitsBound(log, scale);
    const dataRequests = log.length;
    const result: LoadThroughputResult = {
      benchmark: "load-throughput",
      workload: task.run === "rerun" ? "profiles:rerun" : w.name,
      action: ACTION_OF[w.name],
      limits: w.limits,
      status,
      rows: w.rows,
      summary,
      seconds: round(seconds, 2),
      rowsPerSecond: Math.round(rows / seconds),
      phases,
      requests,
      clientRequests: stats.requests,
      ...(emu0 !== undefined && emu1 !== undefined ? { emulatorRequests: emu1 - emu0 } : {}),
      rateLimited: stats.rateLimited,
      retries: stats.retries,
      budgetWaitSeconds: round(budgetWaitSeconds, 1),
      backoffWaitSeconds: round(stats.backoffWaitMs / 1000, 1),
      ceiling,
      ...(lookupCeiling ? { lookupCeiling } : {}),
      ...(e2e !== undefined
        ? { endToEndRowsCeiling: e2e, fractionOfEndToEndCeiling: round(rows / e2e) }
        : {}),
      fractionOfCeiling: fraction,
      minSeconds: fastest,
      timeEfficiency: fastest ? round(fastest / seconds) : null,
      limitsBound: bind && {
        ...bind,
        timeEfficiency: bind.minSeconds ? round(bind.minSeconds / seconds) : null,
      },
      sendPhase,
      baselineRssMb: mb(baselineRss),
      peakRssMb: Math.max(mb(peakRss), kernelPeakRssMb()),
      peakHeapMb: mb(peakHeap),
      loadAverage: [round(load0, 2), round(loadavg()[0] ?? 0, 2)],
      ...(notes.length > 0 ? { notes } : {}),
      ...(diagnostic ? { diagnostic } : {}),
    };
    if (task.run === "rerun" && dataRequests > 0) result.status = `failed: ${dataRequests} requests sent`;
    return result;
  } finally {
    clearInterval(sampler);
    await state.close();
    await client.close();
    await transport.close();
  }
}

/** Average JSON bytes of a profile in the bench's import jobs (written by the parent). */
function profileBytes(dir: string): number {
  try {
    return Number(readFileSync(join(dir, "profile-bytes"), "utf8")) || 0;
  } catch {
    return 0;
  }
}

/** list_membership:add_calls: the ids the sync recorded, added to another list, 1,000 a call. */
async function runAddCalls(task: ChildTask): Promise<LoadThroughputResult> {
  const { workload: w } = task;
  const scale = w.limits === "10x" ? 10 : 1;
  const inst = await DuckDBInstance.create(join(task.dir, "state.duckdb"), { access_mode: "READ_ONLY" });
  const c = await inst.connect();
  const res = await c.runAndReadAll(
    "SELECT DISTINCT klaviyo_id FROM load_snapshot WHERE status = 'succeeded' AND klaviyo_id IS NOT NULL ORDER BY 1",
  );
  const ids = res.getColumnsJS()[0]?.map(String) ?? [];
  c.closeSync();
  inst.closeSync();
  const transport = recordingTransport();
  const clock = countingClock();
  const rateLimit = parseRateLimits(w.limits);
  const client = createClient({
    apiKey: task.key,
    baseUrl: task.url,
    ...(rateLimit ? { rateLimit } : {}),
    env: {},
    logger: stderrLogger,
    transport,
    clock,
  });
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const sampler = setInterval(sample, 100);
  try {
    const list = await client.lists.create({
      data: { type: "list", attributes: { name: "Bench add calls" } },
    });
    sample();
    const baselineRss = process.memoryUsage().rss;
    const load0 = loadavg()[0] ?? 0;
    transport.log.length = 0;
    const t0 = performance.now();
    let status = "ok";
    try {
      await client.lists.addProfiles(list.data.id, ids);
    } catch (err) {
      status = `failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    const seconds = (performance.now() - t0) / 1000;
    sample();
    const sent = transport.log.filter((r) => r.category === "list_add" && r.status >= 200 && r.status < 300);
    const ceiling = ceilingOf("add_profiles_to_list", scale, 1000, sent.length, seconds);
    const fastest = minSeconds(sent.length, ceiling.burst, ceiling.steady);
    const bind = limitsBound(transport.log, scale);
    const stats = client.stats;
    return {
      benchmark: "load-throughput",
      workload: "list_membership:add_calls",
      action: "client.lists.addProfiles",
      limits: w.limits,
      status,
      rows: ids.length,
      summary: null,
      seconds: round(seconds, 2),
      rowsPerSecond: Math.round(ids.length / seconds),
      phases: { budgetWait: round(stats.budgetWaitMs / 1000, 2) },
      requests: summarizeRequests(transport.log),
      clientRequests: stats.requests,
      rateLimited: stats.rateLimited,
      retries: stats.retries,
      budgetWaitSeconds: round(stats.budgetWaitMs / 1000, 1),
      backoffWaitSeconds: round(stats.backoffWaitMs / 1000, 1),
      ceiling,
      fractionOfCeiling: round(ids.length / ceiling.rowsCeiling),
      minSeconds: fastest,
      timeEfficiency: fastest ? round(fastest / seconds) : null,
      limitsBound: bind && {
        ...bind,
        timeEfficiency: bind.minSeconds ? round(bind.minSeconds / seconds) : null,
      },
      sendPhase: null,
      baselineRssMb: mb(baselineRss),
      peakRssMb: Math.max(mb(peakRss), kernelPeakRssMb()),
      peakHeapMb: mb(peakHeap),
      loadAverage: [round(load0, 2), round(loadavg()[0] ?? 0, 2)],
    };
  } finally {
    clearInterval(sampler);
    await client.close();
    await transport.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The parent: models, emulator, children

/** KS_BENCH_CPU_PROF=<dir>: each child (and the emulator) writes a V8 CPU profile there. */
export function cpuProfileFlags(): string[] {
  const dir = process.env.KS_BENCH_CPU_PROF;
  return dir ? ["--cpu-prof", "--cpu-prof-dir", dir] : [];
}

function runInChild(task: ChildTask): Promise<LoadThroughputResult> {
  return runJsonChild<LoadThroughputResult>(
    fileURLToPath(import.meta.url),
    ["--task", JSON.stringify(task)],
    {
      label: `load-throughput ${task.workload.name} (${task.run})`,
      nodeFlags: cpuProfileFlags(),
    },
  );
}

/** Creates the list_membership workload's profiles with the setup key (its own rate limits). */
async function createMembers(emu: EmulatorProcess, key: string, rows: number, limits: string): Promise<void> {
  const rateLimit = parseRateLimits(limits);
  const client = createClient({
    apiKey: key,
    baseUrl: emu.url,
    ...(rateLimit ? { rateLimit } : {}),
    env: {},
  });
  try {
    for (let start = 1; start <= rows; start += 10_000) {
      const data = [];
      for (let i = start; i < Math.min(rows + 1, start + 10_000); i++)
        data.push({ type: "profile" as const, attributes: { email: `member${i}@example.com` } });
      const job = await client.profiles.bulkImport({
        data: { type: "profile-bulk-import-job", attributes: { profiles: { data } } },
      });
      await client.profiles.waitForBulkImportJob(job.data.id, { pollIntervalMs: 100 });
    }
  } finally {
    await client.close();
  }
}

/** Average JSON bytes of the profiles workload's payloads (a sample of its model, built like the action). */
async function sampleProfileBytes(dir: string): Promise<number> {
  const { profilePayload } = await import("../src/load/actions/profiles/index.js");
  const { mapRow } = await import("../src/load/engine.js");
  const { jsonBytes } = await import("../src/load/actions/shared.js");
  const actions = Object.fromEntries(ACTIONS.map((a) => [a.name, a]));
  const config = await loadLoadConfig(join(dir, "load.json.yaml"), { env: {}, actions });
  const s = config.syncs[0];
  const action = getAction("profiles");
  if (!s || !action) return 0;
  const model = await openModel(config.source, { sql: "SELECT * FROM customers LIMIT 2000" });
  let bytes = 0;
  let n = 0;
  try {
    for await (const batch of model.rows(2000)) {
      for (const r of batch) {
        const row = mapRow({ ...s, action }, r);
        const p = profilePayload(row.fields, { nulls: "skip" });
        if ("ok" in p) {
          bytes += jsonBytes(p.ok) + 1;
          n++;
        }
      }
    }
  } finally {
    await model.close();
  }
  return n > 0 ? Math.round(bytes / n) : 0;
}

/** The API keys a workload uses (each has rate-limit windows of its own). */
export interface LoadKeys {
  sync: string;
  setup: string;
  add: string;
}

/**
 * Runs one workload (and its follow-up) and reports each result. With `shared`, on an emulator
 * the caller started (with the limits of `w` and the three keys among its own) and keeps running;
 * without, on one of its own.
 */
export async function runLoadWorkload(
  w: LoadWorkload,
  report: (r: LoadThroughputResult) => void,
  shared?: { emu: EmulatorProcess; keys: LoadKeys },
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "ks-bench-load-"));
  const keys = shared?.keys ?? { sync: SYNC_KEY, setup: SETUP_KEY, add: ADD_KEY };
  let emu: EmulatorProcess | undefined = shared?.emu;
  try {
    await generateModel(join(dir, "warehouse.duckdb"), w);
    emu ??= await spawnEmulator(
      ["--seed", "none", "--rate-limits", w.limits, "--api-key", keys.setup, "--api-key", keys.add],
      keys.sync,
    );
    writeFileSync(join(dir, "load.json.yaml"), loadConfig(w, emu.url, keys.sync, dir));
    if (ACTION_OF[w.name] === "profiles")
      writeFileSync(join(dir, "profile-bytes"), String(await sampleProfileBytes(dir)));
    if (w.name === "list_membership") await createMembers(emu, keys.setup, w.rows, w.limits);
    const base = { workload: w, url: emu.url, key: keys.sync, dir };
    const results = [await runInChild({ ...base, run: "sync" })];
    if (w.followUp && w.name === "profiles") results.push(await runInChild({ ...base, run: "rerun" }));
    if (w.followUp && w.name === "list_membership")
      results.push(await runInChild({ ...base, key: keys.add, run: "add_calls" }));
    const emuPeak = await rssOf(emu.child.pid);
    for (const r of results) report(emuPeak === undefined ? r : { ...r, emulatorPeakRssMb: emuPeak });
  } finally {
    if (!shared) await emu?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runLoadThroughput(
  options: LoadThroughputOptions = {},
): Promise<LoadThroughputResult[]> {
  const results: LoadThroughputResult[] = [];
  for (const w of options.workloads ?? defaultWorkloads(options.quick ?? false)) {
    await runLoadWorkload(w, (r) => {
      results.push(r);
      options.onResult?.(r);
    });
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const task = argValue("task");
  if (task) {
    console.log(JSON.stringify(await runLoadTask(JSON.parse(task) as ChildTask)));
  } else {
    const quick = process.argv.includes("--quick");
    let workloads = defaultWorkloads(quick);
    const rows = argValue("rows");
    if (rows) workloads = workloads.map((w) => ({ ...w, rows: Number(rows) }));
    const only = argValue("only");
    if (only) {
      const wanted = only.split(",");
      // profiles:rerun and list_membership:add_calls run after their sync (which is then run
      // too); asking only for the sync leaves them out.
      const follow = (w: LoadWorkload) =>
        wanted.includes(`${w.name}:rerun`) || wanted.includes(`${w.name}:add_calls`);
      workloads = workloads
        .filter((w) => wanted.includes(w.name) || follow(w))
        .map((w) => ({ ...w, followUp: follow(w) }));
    }
    await runLoadThroughput({ quick, workloads, onResult: (r) => console.log(JSON.stringify(r)) });
  }
}
