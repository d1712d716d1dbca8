/**
 * Extract throughput against the emulator at Klaviyo's rate limits: how close `runExtract` gets to
 * the most the limits allow, for `profiles` (get_profiles: 75/s burst, 750/min steady, 100 rows a
 * page) and `events` (get_events: 350/s, 3,500/min, 1,000 rows a page), at real limits and at 10x,
 * with the extractor's peak memory.
 *
 *   npx tsx bench/extract-throughput.ts [--quick] [--only profiles:real,events:10x,...]
 *
 * The ceiling (the formula lives in ./ceiling.ts, shared by every benchmark). The client keeps
 * every 1 s and every 60 s interval within the burst and steady limits (a sliding log: the only
 * policy that is safe wherever the server's fixed windows begin).
 * The most requests any client can have sent T seconds after it starts with empty windows is then
 *
 *   pagesCeiling(T) = Σ over the minutes m = 0, 1, ... begun by T of  min(steady, burst × s_m),
 *                     s_m = ⌈min(60, T − 60·m)⌉ (the seconds of minute m begun by T)
 *
 * Cut [0, T) into 60 s blocks: each block is one 60 s interval, so it holds at most `steady`
 * requests, and it is covered by s_m one-second intervals, so at most `burst × s_m`; the greedy
 * schedule (full burst until the minute's quota is spent) reaches the bound. It is never above
 * the simpler min(burst × ⌈T/1 s⌉, steady × ⌈T/60 s⌉), reported as `pagesCeilingSimple`, which
 * lets a minute that has only just begun hold a whole steady quota (for a 63 s run it allows
 * 1,500 pages where only 750 + 4 × 75 = 1,050 are possible). rowsCeiling = pagesCeiling × page
 * size. `fractionOfCeiling` = data pages read ÷ pagesCeiling(T), T being the whole `runExtract`
 * call (setup, first request to last commit). The probe the windowed events stream sends first
 * (one row, to find the oldest event) is spent budget but not counted as a page.
 * A dataset smaller than pagesCeiling(T) cannot fill it, so a run that ends in a burst (the last
 * minute's quota partly spent) is also given as time: `minSeconds`, the shortest time in which the
 * limits let this many pages be read (1,000 profile pages: 750 by second 10, the 250 others in
 * seconds 60–63, so 63 s), and `timeEfficiency` = minSeconds ÷ seconds taken — the extract's
 * throughput as a fraction of the throughput the limits allow for this dataset.
 * `firstMinute` is the page fraction at T = 60 s (pages committed by then ÷ pagesCeiling(60)), for
 * runs that last that long: whether the extractor used a whole steady window's allowance.
 *
 * What else a line holds: `emulatorPagesPerSecond`, the rate at which the emulator alone serves
 * the stream's first query (on a second API key, so it has its own limits, for a few seconds
 * before the extract; one cursor for profiles, four for events as the runner reads four windows
 * at once; pages are not parsed), the ceiling the emulator itself sets on this machine;
 * `headroomOverRealSteady`, pages per second ÷ the real steady rate (750/60 or 3,500/60);
 * `commitSeconds`, time inside the target's commits; `loadAverage`, the machine's 1-minute load
 * at start and end (other work on the machine slows both processes).
 *
 * Memory. Each workload runs in a fresh child process, so its peak is its own:
 * `process.memoryUsage().rss` sampled every 100 ms and the kernel's VmHWM, the larger of the two.
 * `baselineRssMb` is the RSS after loading and opening the target, before reading; the child runs
 * under tsx, whose loader thread adds about 33 MB that the compiled CLI does not have. Targets:
 * profiles into an in-memory DuckDB (`:memory:`, so its RSS includes the table); events into a
 * DuckDB file in a temporary folder (what an extract of 1M events writes to), deleted afterwards.
 *
 * The emulator stands in for Klaviyo's servers, whose CPU is not this machine's: it is started with
 * a render cache large enough for every seeded record (`--render-cache-mb`), and before an events
 * extract one walk over every event (on the probe key; `warmSeconds`) fills it, so the extract is
 * served from memory (about 3 ms of emulator CPU a 1,000-event page instead of 13) and the two
 * cores go to the extractor. `emulatorCpuMsPerPage` shows what the emulator still took.
 *
 * Workloads (emulator: `--seed none --profiles P --events E --rate-limits real|10x`, in its own
 * process so it does not share the extractor's event loop):
 *   full (about 8 minutes): profiles 100,000 (1,000 pages: 750 in the first minute, the rest
 *     after the steady window turns), events 1,000,000, each at real limits and at 10x.
 *   --quick (under 3 minutes): real limits shortened to runs inside the first steady window
 *     (profiles 30,000 = 300 pages; events 200,000), 10x with profiles 50,000 and events 200,000.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Agent, request } from "undici";
import { createClient } from "../src/client/index.js";
import { getOperation } from "../src/client/operations.js";
import type { OperationKey } from "../src/client/typed.js";
import { runExtract } from "../src/extract/runner.js";
import { getStream } from "../src/extract/streams/index.js";
import { DuckDBTarget } from "../src/extract/targets/duckdb.js";
import { minSeconds, pagesCeiling, pagesCeilingSimple } from "./ceiling.js";
import { argValue, runJsonChild } from "./child.js";
import { spawnEmulator } from "./emulator-process.js";

export { minSeconds, pagesCeiling, pagesCeilingSimple };

export type ExtractStream = "profiles" | "events";
/** `off` is for diagnosis only (no ceiling). */
export type ExtractLimits = "real" | "10x" | "off";

export interface ExtractWorkload {
  stream: ExtractStream;
  limits: ExtractLimits;
  /** Profiles and events the emulator is seeded with (`--seed none`). */
  profiles: number;
  events: number;
  /** `memory` (`:memory:`) or `file` (a DuckDB file in a temporary folder). */
  target: "memory" | "file";
  /** Seconds the emulator-alone probe runs (0 skips it). */
  probeSeconds: number;
  /** Events: windows read at once (the runner's default, 4, when absent). */
  windowConcurrency?: number;
  /**
   * An emulator already running (started by the caller with this key, PROBE_KEY among its keys
   * and the seed above): the workload uses it instead of starting its own, and leaves it running.
   */
  emulator?: { url: string; key: string; pid?: number };
  /** Events: walk every event once before timing, to fill the emulator's cache (default: when probing). */
  warm?: boolean;
}

export interface ExtractThroughputResult {
  benchmark: "extract-throughput";
  stream: ExtractStream;
  limits: ExtractLimits;
  status: string;
  seededProfiles: number;
  seededEvents: number;
  target: string;
  pages: number;
  rows: number;
  requests: number;
  seconds: number;
  pagesPerSecond: number;
  rowsPerSecond: number;
  pageSize: number;
  limit: { burst: number; steady: number };
  pagesCeiling: number | null;
  pagesCeilingSimple: number | null;
  rowsCeiling: number | null;
  fractionOfCeiling: number | null;
  /** Shortest time the limits allow for this many pages, and that ÷ the time taken. */
  minSeconds: number | null;
  timeEfficiency: number | null;
  firstMinute: { pages: number; pagesCeiling: number; fraction: number } | null;
  headroomOverRealSteady: number;
  emulatorPagesPerSecond: number | null;
  /** Seconds the walk that fills the emulator's event cache took before the extract (events only). */
  warmSeconds: number;
  rateLimited: number;
  retries: number;
  budgetWaitSeconds: number;
  /** Time spent in backoff and Retry-After waits after errors and 429s. */
  backoffWaitSeconds: number;
  /** Time spent in the target's commits (rows and state of a page in one transaction). */
  commitSeconds: number;
  /**
   * CPU time (all threads: JavaScript, DuckDB, I/O) per page of the extractor and of the emulator
   * process, and the pages per second this machine's cores could give both at full use:
   * cores × 1000 ÷ (extractor + emulator ms per page). Unlike seconds, these barely move with
   * other work on the machine, and they say whether the machine or the limits set the pace.
   */
  extractorCpuMsPerPage: number | null;
  emulatorCpuMsPerPage: number | null;
  machineBoundPagesPerSecond: number | null;
  baselineRssMb: number;
  peakRssMb: number;
  peakHeapMb: number;
  loadAverage: [number, number];
}

export interface ExtractThroughputOptions {
  quick?: boolean;
  /** Workloads to run instead of the default set. */
  workloads?: ExtractWorkload[];
  /** Called with each result as it arrives (e.g. to print it). */
  onResult?: (result: ExtractThroughputResult | ExtractCliMemoryResult) => void;
}

const STREAM_OPERATION: Record<ExtractStream, OperationKey> = {
  profiles: "get_profiles",
  events: "get_events",
};

export const PROBE_KEY = "pk_bench_extract_probe";

/** The emulator arguments of a workload: its seed, limits and a render cache that holds it all. */
export function emulatorArgs(w: Pick<ExtractWorkload, "profiles" | "events" | "limits">): string[] {
  return [
    "--seed",
    "none",
    "--profiles",
    String(w.profiles),
    "--events",
    String(w.events),
    "--rate-limits",
    w.limits,
    "--api-key",
    PROBE_KEY,
    // Room to cache every seeded event's text (about 1.1 KB each) and profile's: see warmSeconds.
    "--render-cache-mb",
    String(Math.max(512, Math.ceil((w.events * 1.2 + w.profiles * 2.5) / 1024))),
  ];
}

export function defaultWorkloads(quick: boolean): ExtractWorkload[] {
  const probeSeconds = quick ? 3 : 5;
  const w = (
    stream: ExtractStream,
    limits: ExtractLimits,
    profiles: number,
    events: number,
  ): ExtractWorkload => ({
    stream,
    limits,
    profiles,
    events,
    target: stream === "events" ? "file" : "memory",
    probeSeconds,
  });
  if (quick) {
    return [
      w("profiles", "real", 30_000, 0),
      w("events", "real", 20_000, 200_000),
      w("profiles", "10x", 50_000, 0),
      w("events", "10x", 20_000, 200_000),
    ];
  }
  return [
    w("profiles", "real", 100_000, 0),
    w("events", "real", 20_000, 1_000_000),
    w("profiles", "10x", 100_000, 0),
    w("events", "10x", 20_000, 1_000_000),
  ];
}

const mb = (bytes: number) => Math.round(bytes / 1048576);

/** CPU time (user + system, ms) a process has used so far, from /proc (0 when unreadable). */
function processCpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

function kernelPeakRssMb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

/** The DuckDB target, timing its commits (the rest of a run is reading pages and waiting for the budget). */
class TimedDuckDBTarget extends DuckDBTarget {
  commitMs = 0;
  override async commit(batch: Parameters<DuckDBTarget["commit"]>[0]): Promise<void> {
    const t0 = performance.now();
    try {
      await super.commit(batch);
    } finally {
      this.commitMs += performance.now() - t0;
    }
  }
}

/**
 * Pages per second the emulator serves for the stream's first query, with `cursors` cursors
 * following `links.next` (bytes only, no parsing, so the load generator costs little CPU).
 */
async function probeEmulator(
  url: string,
  stream: ExtractStream,
  cursors: number,
  seconds: number,
  once = false,
): Promise<number> {
  const upper = `less-than(${stream === "events" ? "datetime" : "updated"},${new Date().toISOString()})`;
  const first =
    stream === "events"
      ? `${url}/api/events?page%5Bsize%5D=1000&sort=datetime&filter=${encodeURIComponent(upper)}`
      : `${url}/api/profiles?additional-fields%5Bprofile%5D=subscriptions&page%5Bsize%5D=100&sort=updated&filter=${encodeURIComponent(upper)}`;
  const agent = new Agent({ connections: cursors, keepAliveTimeout: 60_000 });
  const headers = {
    authorization: `Klaviyo-API-Key ${PROBE_KEY}`,
    revision: "2026-07-15",
    accept: "application/vnd.api+json",
  };
  let pages = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  try {
    await Promise.all(
      Array.from({ length: cursors }, async () => {
        let next: string | undefined;
        while (performance.now() < deadline) {
          const res = await request(next ?? first, { headers, dispatcher: agent });
          const buf = Buffer.from(await res.body.arrayBuffer());
          // At real limits a fast emulator could reach the probe key's own limit: then the limit
          // is what the probe measures, and it stops there.
          if (res.statusCode === 429) break;
          if (res.statusCode !== 200)
            throw new Error(`probe: ${res.statusCode} ${buf.toString("utf8", 0, 200)}`);
          pages++;
          // links is the last member: its `next` is a string or null.
          const at = buf.lastIndexOf('"next":"');
          next =
            at >= 0 && at > buf.lastIndexOf('"links"')
              ? buf.toString("utf8", at + 8, buf.indexOf('"', at + 8))
              : undefined;
          if (once && !next) break;
        }
      }),
    );
  } finally {
    await agent.close();
  }
  return pages / ((performance.now() - start) / 1000);
}

/** Runs one workload in this process (the emulator in its own). */
export async function runExtractWorkload(w: ExtractWorkload): Promise<ExtractThroughputResult> {
  const load0 = loadavg()[0] ?? 0;
  const opId = STREAM_OPERATION[w.stream];
  const op = getOperation(opId);
  const def = getStream(w.stream);
  if (!op?.burst || !op.steady || !def?.pageSize) throw new Error(`${opId} has no limits or page size`);
  const scale = w.limits === "10x" ? 10 : 1;
  const burst = Math.floor(op.burst * scale);
  const steady = Math.floor(op.steady * scale);
  const own = w.emulator ? undefined : await spawnEmulator(emulatorArgs(w));
  const emu = w.emulator ?? (own as NonNullable<typeof own>);
  const emulatorPid = own ? own.child.pid : w.emulator?.pid;
  const dir = w.target === "file" ? mkdtempSync(join(tmpdir(), "ks-bench-extract-")) : undefined;
  const target = new TimedDuckDBTarget(dir ? join(dir, "extract.duckdb") : ":memory:");
  const client = createClient({
    apiKey: emu.key,
    baseUrl: emu.url,
    rateLimit: w.limits === "off" ? { enabled: false } : { enabled: true, scale },
    env: {},
  });
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const timer = setInterval(sample, 100);
  // KS_BENCH_TRACE=1: a stderr line per second with memory (DuckDB's own by tag) and requests.
  const trace = process.env.KS_BENCH_TRACE
    ? setInterval(async () => {
        const m = process.memoryUsage();
        const duck = await target
          .query("SELECT tag, memory_usage_bytes AS b FROM duckdb_memory() WHERE memory_usage_bytes > 0")
          .catch(() => []);
        console.error(
          `rss=${mb(m.rss)} heap=${mb(m.heapUsed)}/${mb(m.heapTotal)} requests=${client.stats.requests} duckdb=${duck.map((d) => `${String(d.tag)}:${mb(Number(d.b))}`).join(",")}`,
        );
      }, 1000)
    : undefined;
  try {
    // One walk over every event first (on the probe key): the emulator then serves the extract
    // from its cache of rendered events, as Klaviyo's servers would serve it without using this
    // machine's cores. Profiles are cached as the extract reads them (its first minute is bound
    // by the rate limit, not by the emulator).
    const warm0 = performance.now();
    if (w.stream === "events" && (w.warm ?? w.probeSeconds > 0))
      await probeEmulator(emu.url, "events", 1, Number.POSITIVE_INFINITY, true);
    const warmSeconds = Number(((performance.now() - warm0) / 1000).toFixed(1));
    const emulatorPagesPerSecond =
      w.probeSeconds > 0
        ? await probeEmulator(emu.url, w.stream, def.windowed ? 4 : 1, w.probeSeconds)
        : null;
    await target.open();
    sample();
    const baselineRss = process.memoryUsage().rss;
    const pageTimes: number[] = [];
    const cpu0 = process.cpuUsage();
    const emuCpu0 = processCpuMs(emulatorPid);
    const t0 = performance.now();
    const result = await runExtract({
      client,
      target,
      streams: [{ name: w.stream }],
      ...(w.windowConcurrency ? { windowConcurrency: w.windowConcurrency } : {}),
      // KS_BENCH_HEAP_GUARD=off: V8 alone decides when to collect (to compare).
      ...(process.env.KS_BENCH_HEAP_GUARD === "off" ? { heapGuard: false as const } : {}),
      onProgress: (e) => {
        if (e.type === "page") pageTimes.push(performance.now() - t0);
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const extractorCpuMs = (cpu.user + cpu.system) / 1000;
    const emulatorCpuMs = processCpuMs(emulatorPid) - emuCpu0;
    sample();
    const r = result.results[0];
    const pages = r?.pages ?? 0;
    const rows = r?.rows ?? 0;
    const stats = client.stats;
    const limited = w.limits !== "off";
    const ceiling = limited ? pagesCeiling(seconds, burst, steady) : null;
    const fastest = limited ? minSeconds(pages, burst, steady) : null;
    const minuteCeiling = pagesCeiling(60, burst, steady);
    const byMinute = pageTimes.filter((t) => t <= 60_000).length;
    const realSteadyPerSecond = op.steady / 60;
    return {
      benchmark: "extract-throughput",
      stream: w.stream,
      limits: w.limits,
      status: r?.status === "ok" ? "ok" : `failed: ${r?.error?.message ?? "no result"}`,
      seededProfiles: w.profiles,
      seededEvents: w.events,
      target: w.target === "file" ? "duckdb file" : "duckdb :memory:",
      pages,
      rows,
      requests: stats.requests,
      seconds: Number(seconds.toFixed(2)),
      pagesPerSecond: Number((pages / seconds).toFixed(1)),
      rowsPerSecond: Math.round(rows / seconds),
      pageSize: def.pageSize,
      limit: { burst, steady },
      pagesCeiling: ceiling,
      pagesCeilingSimple: limited ? pagesCeilingSimple(seconds, burst, steady) : null,
      rowsCeiling: ceiling === null ? null : ceiling * def.pageSize,
      fractionOfCeiling: ceiling === null ? null : Number((pages / ceiling).toFixed(3)),
      minSeconds: fastest,
      // 0 s: every page fits in the first second's burst, and time is then set by latency alone.
      timeEfficiency: !fastest ? null : Number((fastest / seconds).toFixed(3)),
      firstMinute:
        limited && seconds >= 60
          ? {
              pages: byMinute,
              pagesCeiling: minuteCeiling,
              fraction: Number((byMinute / minuteCeiling).toFixed(3)),
            }
          : null,
      headroomOverRealSteady: Number((pages / seconds / realSteadyPerSecond).toFixed(2)),
      warmSeconds,
      emulatorPagesPerSecond:
        emulatorPagesPerSecond === null ? null : Number(emulatorPagesPerSecond.toFixed(1)),
      rateLimited: stats.rateLimited,
      retries: stats.retries,
      budgetWaitSeconds: Number((stats.budgetWaitMs / 1000).toFixed(1)),
      backoffWaitSeconds: Number((stats.backoffWaitMs / 1000).toFixed(1)),
      commitSeconds: Number((target.commitMs / 1000).toFixed(1)),
      extractorCpuMsPerPage: pages ? Number((extractorCpuMs / pages).toFixed(1)) : null,
      emulatorCpuMsPerPage: pages ? Number((emulatorCpuMs / pages).toFixed(1)) : null,
      machineBoundPagesPerSecond:
        pages && extractorCpuMs + emulatorCpuMs > 0
          ? Number(((cpus().length * 1000 * pages) / (extractorCpuMs + emulatorCpuMs)).toFixed(1))
          : null,
      baselineRssMb: mb(baselineRss),
      peakRssMb: Math.max(mb(peakRss), kernelPeakRssMb()),
      peakHeapMb: mb(peakHeap),
      loadAverage: [Number(load0.toFixed(2)), Number((loadavg()[0] ?? 0).toFixed(2))],
    };
  } finally {
    clearInterval(timer);
    if (trace) clearInterval(trace);
    await target.close();
    await own?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

export interface ExtractCliMemoryResult {
  benchmark: "extract-cli-memory";
  stream: "events";
  status: string;
  seededEvents: number;
  rows: number;
  seconds: number;
  /**
   * The CLI process's RSS (VmRSS) sampled every 100 ms: the first sample after it started, and the
   * peak (the larger of the samples and the kernel's high-water mark, VmHWM, last read).
   */
  rssAtStartMb: number;
  peakRssMb: number;
  /** Peak RSS over each tenth of the run (flat memory: the last tenths no higher than the first). */
  peakRssByTenthMb: number[];
  target: { peakRssMb: number };
  loadAverage: [number, number];
}

/**
 * The memory a user sees: the built CLI (`node bin/klaviyo-sync.js extract --streams events`, no
 * tsx loader) extracting `events` events from the emulator (rate limits off) into a DuckDB file,
 * its RSS read from /proc every 100 ms. Builds dist/ first so the CLI runs the current sources.
 */
export async function runExtractCliMemory(events: number): Promise<ExtractCliMemoryResult> {
  const load0 = loadavg()[0] ?? 0;
  const root = fileURLToPath(new URL("..", import.meta.url));
  await new Promise<void>((resolve, reject) => {
    const tsc = spawn(
      process.execPath,
      [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
      {
        cwd: root,
        stdio: "inherit",
        // NODE_OPTIONS (e.g. a heap cap to try) is for the CLI below, not for the compiler.
        env: { ...process.env, NODE_OPTIONS: "" },
      },
    );
    tsc.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`build failed (${code})`))));
  });
  const emu = await spawnEmulator([
    "--seed",
    "none",
    "--profiles",
    "20000",
    "--events",
    String(events),
    "--rate-limits",
    "off",
  ]);
  const dir = mkdtempSync(join(tmpdir(), "ks-bench-cli-mem-"));
  const samples: Array<[number, number]> = [];
  // The kernel's high-water mark, read with each sample: the true peak, which a 100 ms sample
  // can miss by a few MB.
  let highWater = 0;
  try {
    const t0 = performance.now();
    const child = spawn(
      process.execPath,
      [
        join(root, "bin/klaviyo-sync.js"),
        "extract",
        "--streams",
        "events",
        "--target",
        `duckdb:${join(dir, "e.duckdb")}`,
      ],
      {
        cwd: root,
        env: { ...process.env, KLAVIYO_API_KEY: emu.key, KLAVIYO_BASE_URL: emu.url },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const timer = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
        const m = /VmRSS:\s+(\d+) kB/.exec(status);
        if (m) samples.push([performance.now() - t0, Number(m[1]) / 1024]);
        const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
        if (hwm) highWater = Number(hwm[1]) / 1024;
      } catch {
        // exited
      }
    }, 100);
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    clearInterval(timer);
    const seconds = (performance.now() - t0) / 1000;
    const rows = Number(/events:\s+done,\s+([\d,]+) rows/.exec(out)?.[1]?.replace(/,/g, "") ?? 0);
    const end = samples.at(-1)?.[0] ?? 1;
    const tenths = Array.from({ length: 10 }, (_, i) =>
      Math.round(
        Math.max(
          0,
          ...samples.filter(([t]) => t >= (end * i) / 10 && t <= (end * (i + 1)) / 10).map(([, r]) => r),
        ),
      ),
    );
    return {
      benchmark: "extract-cli-memory",
      stream: "events",
      status: code === 0 ? "ok" : `failed (exit ${code}): ${out.slice(-300)}`,
      seededEvents: events,
      rows,
      seconds: Number(seconds.toFixed(1)),
      rssAtStartMb: Math.round(samples[0]?.[1] ?? 0),
      peakRssMb: Math.round(Math.max(highWater, ...samples.map(([, r]) => r))),
      peakRssByTenthMb: tenths,
      target: { peakRssMb: 300 },
      loadAverage: [Number(load0.toFixed(2)), Number((loadavg()[0] ?? 0).toFixed(2))],
    };
  } finally {
    await emu.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs one workload in a child process of its own and returns its result line. */
export function runExtractInChild(w: ExtractWorkload): Promise<ExtractThroughputResult> {
  return runJsonChild<ExtractThroughputResult>(
    fileURLToPath(import.meta.url),
    ["--workload", JSON.stringify(w)],
    { label: `extract-throughput workload ${JSON.stringify(w)}` },
  );
}

export async function runExtractThroughput(
  options: ExtractThroughputOptions = {},
): Promise<Array<ExtractThroughputResult | ExtractCliMemoryResult>> {
  const results: Array<ExtractThroughputResult | ExtractCliMemoryResult> = [];
  for (const w of options.workloads ?? defaultWorkloads(options.quick ?? false)) {
    const r = await runExtractInChild(w);
    results.push(r);
    options.onResult?.(r);
  }
  if (!options.workloads) {
    const m = await runExtractCliMemory(options.quick ? 200_000 : 1_000_000);
    results.push(m);
    options.onResult?.(m);
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const one = argValue("workload");
  if (one) {
    console.log(JSON.stringify(await runExtractWorkload(JSON.parse(one) as ExtractWorkload)));
  } else {
    const quick = process.argv.includes("--quick");
    let workloads = defaultWorkloads(quick);
    const only = argValue("only");
    if (only === "cli-memory") {
      console.log(JSON.stringify(await runExtractCliMemory(Number(argValue("events") ?? 1_000_000))));
      process.exit(0);
    }
    if (only) {
      const wanted = only.split(",");
      workloads = workloads.filter((w) => wanted.includes(`${w.stream}:${w.limits}`));
    }
    await runExtractThroughput({ quick, workloads, onResult: (r) => console.log(JSON.stringify(r)) });
  }
}
