/**
 * klaviyo-sync side by side with Klaviyo's official Node SDK (klaviyo-api, used the way its README
 * shows: ./sdk/) and with the rate-limit ceiling, for four workloads at Klaviyo's real limits:
 *
 *   upsert-profiles   klaviyo-sync `load` profiles (bulk import jobs, ./load-throughput.ts `profiles`)
 *                     SDK: one createOrUpdateProfile per row (./sdk/upsert-profiles.ts)
 *   track-events      klaviyo-sync `load` events (bulk create, ≤ 1,000 a request; `events`)
 *                     SDK: one createEvent per row (./sdk/track-events.ts)
 *   add-to-list       klaviyo-sync `load` list_membership (lookups by email, adds of 1,000)
 *                     SDK: getProfiles with any(email) 100 at a time, addProfilesToList of 1,000
 *   extract-profiles  klaviyo-sync `extract` profiles into DuckDB (./extract-throughput.ts)
 *   extract-events    klaviyo-sync `extract` events into a DuckDB file
 *                     SDK: getProfiles / getEvents following the cursor (./sdk/extract-*.ts)
 *
 *   npx tsx bench/side-by-side.ts [--quick] [--only upsert-profiles,extract-events,...]
 *
 * Same run, same emulator, same limits: each workload starts one emulator (`--rate-limits real`)
 * that serves both tools, one after the other (klaviyo-sync first), each with an API key of its
 * own so each starts with empty rate-limit windows. Every run is a child process of its own (its
 * peak RSS is its own), the emulator a process of its own.
 *
 * A klaviyo-sync run handles a fixed dataset. An SDK run handles the same dataset (add-to-list,
 * extracts) or, where one call per row takes too long at the limits (upserts, events), runs for a
 * fixed window starting on a wall-clock second (--quick) or minute (see ./sdk/harness.ts).
 *
 * Each result line (`benchmark: "side-by-side"`) has what the report shows: rows, seconds,
 * rows/s, requests (retries included), 429s, retries, seconds waiting (klaviyo-sync: its rate
 * budget's waits plus backoff; SDK: its backoff sleeps), peak RSS, and how that compares with the
 * rate-limit ceiling of the operations the tool used (./ceiling.ts; for add-to-list the lookups
 * and the adds, each with its own budget, whichever binds):
 *
 *   ceilingRowsPerSecond  the most rows per second the limits allow for this run. A fixed dataset:
 *                         rows ÷ minSeconds, the shortest time in which the limits let its
 *                         requests be sent (every request carrying the most rows it may). A fixed
 *                         window, or a dataset the first second's burst already covers:
 *                         rowsCeiling(T) ÷ T, the window-aware formula over the run's T seconds.
 *   fraction              rows/s ÷ ceilingRowsPerSecond (for a dataset, minSeconds ÷ seconds taken:
 *                         `timeEfficiency`). The figure the report quotes and the chart draws.
 *   fractionOverRun       rows ÷ rowsCeiling(T), as the older benchmarks give it; it cannot tell a
 *                         slow run from a quick one once a dataset smaller than a window's quota
 *                         is done (50,000 profiles in 10 s or in 50 s are both 0.67 of 75,000).
 *
 * SDK lines also carry `bulkCeiling`, the ceiling of the operation klaviyo-sync uses over the
 * SDK's own seconds, and the fraction of it the SDK reached (`fractionOfBulkCeiling`).
 * The raw lines of each run (extract-throughput, load-throughput, sdk-baseline) are reported too.
 *
 * Sizes (real limits both):
 *   --quick: upserts 120,000 rows (SDK: 10 s), events 100,000 (SDK: 10 s), list 40,000 (both),
 *            extract 40,000 profiles and 150,000 events (both). Each dataset needs a few seconds
 *            at the limits (12 import jobs, 100 bulk creates, 400 lookups, 400 profile pages;
 *            150 event pages fit in one second's burst), so fixed costs (reading the model, the
 *            diff, opening DuckDB) weigh more than in the full mode.
 *   full:    upserts 1,000,000 (+ no-change rerun; SDK: 75 s, a steady window turn included),
 *            events 600,000 (SDK: 75 s), list 200,000 (both; + klaviyo-sync's add calls alone),
 *            extract 100,000 profiles and 1,000,000 events (both).
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { getOperation } from "../src/client/operations.js";
import type { Limits } from "./ceiling.js";
import { argValue, runJsonChild } from "./child.js";
import {
  fromBaseline,
  fromExtract,
  fromLoad,
  type SideBySideResult,
  WORKLOADS,
  type Workload,
} from "./comparison.js";
import { spawnEmulator } from "./emulator-process.js";
import {
  type ExtractThroughputResult,
  type ExtractWorkload,
  emulatorArgs,
  runExtractInChild,
} from "./extract-throughput.js";
import { type LoadThroughputResult, type LoadWorkload, runLoadWorkload } from "./load-throughput.js";
import type { BaselineConfig, BaselineResult } from "./sdk/harness.js";

export type { SideBySideResult, Workload } from "./comparison.js";

const BENCH = dirname(fileURLToPath(import.meta.url));

export function limitsOf(operation: string): Limits {
  const op = getOperation(operation);
  if (!op?.burst || !op.steady) throw new Error(`${operation} has no burst and steady limits`);
  return { burst: op.burst, steady: op.steady };
}

/** Runs one SDK baseline script in a child process of its own. */
export function runBaseline(script: string, config: BaselineConfig): Promise<BaselineResult> {
  return runJsonChild<BaselineResult>(
    join(BENCH, "sdk", `${script}.ts`),
    ["--config", JSON.stringify(config)],
    {
      label: `SDK baseline ${script}`,
    },
  );
}

export interface SideBySidePlan {
  upsert: { rows: number; sdkSeconds: number; followUp: boolean };
  events: { rows: number; sdkSeconds: number };
  list: { rows: number; sdkSeconds: number; followUp: boolean };
  extract: { profiles: number; events: number; sdkSeconds: number };
  /** Where an SDK run starts (see ./sdk/harness.ts). */
  align: BaselineConfig["align"];
}

export function plan(quick: boolean): SideBySidePlan {
  return quick
    ? {
        upsert: { rows: 120_000, sdkSeconds: 10, followUp: false },
        events: { rows: 100_000, sdkSeconds: 10 },
        list: { rows: 40_000, sdkSeconds: 120, followUp: false },
        extract: { profiles: 40_000, events: 150_000, sdkSeconds: 180 },
        align: "second",
      }
    : {
        upsert: { rows: 1_000_000, sdkSeconds: 75, followUp: true },
        events: { rows: 600_000, sdkSeconds: 75 },
        list: { rows: 200_000, sdkSeconds: 600, followUp: true },
        extract: { profiles: 100_000, events: 1_000_000, sdkSeconds: 600 },
        align: "minute",
      };
}

type Report = (r: SideBySideResult | LoadThroughputResult | ExtractThroughputResult | BaselineResult) => void;

const keysFor = (w: string) => ({
  ours: `pk_bench_ks_${w.replace(/-/g, "_")}`,
  setup: `pk_bench_setup_${w.replace(/-/g, "_")}`,
  add: `pk_bench_add_${w.replace(/-/g, "_")}`,
  sdk: `pk_bench_sdk_${w.replace(/-/g, "_")}`,
});

/** A load workload: klaviyo-sync, then the SDK, on one emulator. */
async function loadPair(
  workload: "upsert-profiles" | "track-events" | "add-to-list",
  w: LoadWorkload,
  sdk: { script: string; rows: number; seconds: number },
  align: BaselineConfig["align"],
  report: Report,
): Promise<void> {
  const keys = keysFor(workload);
  const emu = await spawnEmulator(
    [
      "--seed",
      "none",
      "--rate-limits",
      "real",
      "--api-key",
      keys.setup,
      "--api-key",
      keys.add,
      "--api-key",
      keys.sdk,
    ],
    keys.ours,
  );
  try {
    await runLoadWorkload(
      w,
      (r) => {
        report(r);
        if (r.workload === w.name) report(fromLoad(workload, r, limitsOf));
      },
      { emu, keys: { sync: keys.ours, setup: keys.setup, add: keys.add } },
    );
    const b = await runBaseline(sdk.script, {
      url: emu.url,
      key: keys.sdk,
      rows: sdk.rows,
      seconds: sdk.seconds,
      align,
    });
    report(b);
    report(fromBaseline(workload, b, limitsOf));
  } finally {
    await emu.stop();
  }
}

/** Both extract workloads on one emulator seeded with both datasets. */
async function extractPairs(p: SideBySidePlan, wanted: ReadonlySet<Workload>, report: Report): Promise<void> {
  const keys = keysFor("extract");
  const sdkKeys = { profiles: `${keys.sdk}_profiles`, events: `${keys.sdk}_events` };
  const oursKeys = { profiles: `${keys.ours}_profiles`, events: `${keys.ours}_events` };
  const seed = { profiles: p.extract.profiles, events: p.extract.events, limits: "real" as const };
  const emu = await spawnEmulator(
    [
      ...emulatorArgs(seed),
      "--api-key",
      oursKeys.events,
      "--api-key",
      sdkKeys.profiles,
      "--api-key",
      sdkKeys.events,
    ],
    oursKeys.profiles,
  );
  try {
    for (const stream of ["profiles", "events"] as const) {
      const workload: Workload = stream === "profiles" ? "extract-profiles" : "extract-events";
      if (!wanted.has(workload)) continue;
      const w: ExtractWorkload = {
        stream,
        ...seed,
        target: stream === "events" ? "file" : "memory",
        probeSeconds: 0,
        // Events: one walk fills the emulator's cache first, for both tools (the SDK runs after).
        warm: stream === "events",
        emulator: { url: emu.url, key: oursKeys[stream], ...(emu.child.pid ? { pid: emu.child.pid } : {}) },
      };
      const r = await runExtractInChild(w);
      report(r);
      report(fromExtract(workload, r, limitsOf));
      const b = await runBaseline(`extract-${stream}`, {
        url: emu.url,
        key: sdkKeys[stream],
        rows: stream === "profiles" ? p.extract.profiles : p.extract.events,
        seconds: p.extract.sdkSeconds,
        align: p.align,
      });
      report(b);
      report(fromBaseline(workload, b, limitsOf));
    }
  } finally {
    await emu.stop();
  }
}

export async function runSideBySide(options: {
  quick?: boolean;
  only?: readonly Workload[];
  onResult?: Report;
}): Promise<SideBySideResult[]> {
  const p = plan(options.quick ?? false);
  const wanted = new Set<Workload>(options.only ?? WORKLOADS);
  const lines: SideBySideResult[] = [];
  const report: Report = (r) => {
    if (r.benchmark === "side-by-side") lines.push(r);
    options.onResult?.(r);
  };
  const load = (name: LoadWorkload["name"], rows: number, followUp: boolean): LoadWorkload => ({
    name,
    rows,
    limits: "real",
    followUp,
  });
  if (wanted.has("upsert-profiles"))
    await loadPair(
      "upsert-profiles",
      load("profiles", p.upsert.rows, p.upsert.followUp),
      { script: "upsert-profiles", rows: p.upsert.rows, seconds: p.upsert.sdkSeconds },
      p.align,
      report,
    );
  if (wanted.has("track-events"))
    await loadPair(
      "track-events",
      load("events", p.events.rows, false),
      { script: "track-events", rows: p.events.rows, seconds: p.events.sdkSeconds },
      p.align,
      report,
    );
  if (wanted.has("add-to-list"))
    await loadPair(
      "add-to-list",
      load("list_membership", p.list.rows, p.list.followUp),
      { script: "add-to-list", rows: p.list.rows, seconds: p.list.sdkSeconds },
      p.align,
      report,
    );
  if (wanted.has("extract-profiles") || wanted.has("extract-events")) await extractPairs(p, wanted, report);
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const only = argValue("only")?.split(",") as Workload[] | undefined;
  await runSideBySide({
    quick: process.argv.includes("--quick"),
    ...(only ? { only } : {}),
    onResult: (r) => console.log(JSON.stringify(r)),
  });
}
