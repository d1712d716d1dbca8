/**
 * The side-by-side comparison's lines, from what each run measured: pure functions (no I/O, the
 * operations' limits passed in), shared by ./side-by-side.ts (which runs the workloads) and
 * ./report.ts. How the ceiling and the fractions are defined: ./side-by-side.ts and ./ceiling.ts.
 */
import { fractionOf, type Limits, minSeconds, type RowsCeiling, rowsCeiling } from "./ceiling.js";
import type { ExtractThroughputResult } from "./extract-throughput.js";
import type { LoadThroughputResult } from "./load-throughput.js";
import type { BaselineResult } from "./sdk/harness.js";

export const WORKLOADS = [
  "upsert-profiles",
  "track-events",
  "add-to-list",
  "extract-profiles",
  "extract-events",
] as const;
export type Workload = (typeof WORKLOADS)[number];
export type Tool = "klaviyo-sync" | "sdk";

/** An operation a tool's run is bound by, and the rows one of its requests carries. */
export interface BoundOperation {
  operation: string;
  rowsPerRequest: number;
}

export interface SideBySideResult {
  benchmark: "side-by-side";
  workload: Workload;
  tool: Tool;
  /** How the tool does it (operations, batching). */
  method: string;
  limits: "real";
  status: string;
  /** dataset: every row of a fixed dataset; window: as many rows as a fixed time allowed. */
  basis: "dataset" | "window";
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  requests: number;
  rateLimited: number;
  retries: number;
  waitSeconds: number;
  peakRssMb: number;
  /** The window-aware ceiling of the operation that binds this tool's run, over its seconds. */
  ceiling: RowsCeiling;
  /** Every bounding operation's ceiling (add-to-list: lookups and adds). */
  ceilings: RowsCeiling[];
  /** The most rows per second the limits allow for this run (see the header), and on what basis. */
  ceilingRowsPerSecond: number;
  ceilingBasis: "shortest time for the dataset" | "window-aware formula over the run";
  /** rowsPerSecond ÷ ceilingRowsPerSecond. */
  fraction: number | null;
  /** rows ÷ ceiling.rowsCeiling. */
  fractionOverRun: number | null;
  /** Shortest time the limits allow for these rows (dataset basis), and that ÷ seconds. */
  minSeconds: number | null;
  timeEfficiency: number | null;
  /** SDK: klaviyo-sync's bulk operation's ceiling over the SDK's seconds, and the SDK's fraction of it. */
  bulkCeiling?: RowsCeiling;
  fractionOfBulkCeiling?: number | null;
  loadAverage?: [number, number];
}

/** The operations each tool's run is bound by. */
export const BOUND: Record<Workload, Record<Tool, BoundOperation[]>> = {
  "upsert-profiles": {
    // rowsPerRequest for the import is what fits in a job (load-throughput measures the payload).
    "klaviyo-sync": [{ operation: "bulk_import_profiles", rowsPerRequest: 10_000 }],
    sdk: [{ operation: "create_or_update_profile", rowsPerRequest: 1 }],
  },
  "track-events": {
    "klaviyo-sync": [{ operation: "bulk_create_events", rowsPerRequest: 1000 }],
    sdk: [{ operation: "create_event", rowsPerRequest: 1 }],
  },
  "add-to-list": {
    "klaviyo-sync": [
      { operation: "get_profiles", rowsPerRequest: 100 },
      { operation: "add_profiles_to_list", rowsPerRequest: 1000 },
    ],
    sdk: [
      { operation: "get_profiles", rowsPerRequest: 100 },
      { operation: "add_profiles_to_list", rowsPerRequest: 1000 },
    ],
  },
  "extract-profiles": {
    "klaviyo-sync": [{ operation: "get_profiles", rowsPerRequest: 100 }],
    sdk: [{ operation: "get_profiles", rowsPerRequest: 100 }],
  },
  "extract-events": {
    "klaviyo-sync": [{ operation: "get_events", rowsPerRequest: 1000 }],
    sdk: [{ operation: "get_events", rowsPerRequest: 1000 }],
  },
};

const METHOD: Record<Workload, Record<Tool, string>> = {
  "upsert-profiles": {
    "klaviyo-sync": "load profiles: bulk import jobs of up to 10,000",
    sdk: "createOrUpdateProfile, one call per row",
  },
  "track-events": {
    "klaviyo-sync": "load events: bulk create of up to 1,000",
    sdk: "createEvent, one call per row",
  },
  "add-to-list": {
    "klaviyo-sync": "load list_membership: lookups of 100 emails, adds of 1,000",
    sdk: "getProfiles any(email) of 100, addProfilesToList of 1,000, sequential",
  },
  "extract-profiles": {
    "klaviyo-sync": "extract profiles into DuckDB, 100 a page",
    sdk: "getProfiles cursor loop, 100 a page",
  },
  "extract-events": {
    "klaviyo-sync": "extract events into a DuckDB file, 4 windows at once, 1,000 a page",
    sdk: "getEvents cursor loop, 1,000 a page",
  },
};

/**
 * The ceiling of a run bound by `ops` (each with its own budget): the smallest of their row
 * ceilings over `seconds`, and the longest of the shortest times their requests for `rows` need.
 */
export function ceilingOfRun(
  ops: readonly BoundOperation[],
  limits: (operation: string) => Limits,
  rows: number,
  seconds: number,
): { ceiling: RowsCeiling; ceilings: RowsCeiling[]; minSeconds: number } {
  const ceilings = ops.map((o) => rowsCeiling(o.operation, limits(o.operation), o.rowsPerRequest, seconds));
  const ceiling = ceilings.reduce((a, b) => (b.rowsCeiling < a.rowsCeiling ? b : a));
  const fastest = Math.max(
    ...ops.map((o) => {
      const l = limits(o.operation);
      return minSeconds(Math.ceil(rows / o.rowsPerRequest), l.burst, l.steady);
    }),
  );
  return { ceiling, ceilings, minSeconds: fastest };
}

const round = (n: number, digits = 3) => Number(n.toFixed(digits));

/** One side-by-side line from what a run measured. */
export function sideBySideLine(
  m: {
    workload: Workload;
    tool: Tool;
    status: string;
    basis: "dataset" | "window";
    rows: number;
    seconds: number;
    requests: number;
    rateLimited: number;
    retries: number;
    waitSeconds: number;
    peakRssMb: number;
    loadAverage?: [number, number];
  },
  ops: readonly BoundOperation[],
  limits: (operation: string) => Limits,
  bulkOps?: readonly BoundOperation[],
): SideBySideResult {
  const run = ceilingOfRun(ops, limits, m.rows, m.seconds);
  const dataset = m.basis === "dataset";
  // Under one second's burst the limits do not set a shortest time (latency does).
  const byTime = dataset && run.minSeconds > 0 && m.seconds > 0;
  const rowsPerSecond = m.seconds > 0 ? m.rows / m.seconds : 0;
  const ceilingRowsPerSecond = byTime ? m.rows / run.minSeconds : run.ceiling.rowsPerSecond;
  const line: SideBySideResult = {
    benchmark: "side-by-side",
    workload: m.workload,
    tool: m.tool,
    method: METHOD[m.workload][m.tool],
    limits: "real",
    status: m.status,
    basis: m.basis,
    rows: m.rows,
    seconds: round(m.seconds, 2),
    rowsPerSecond: round(rowsPerSecond, 1),
    requests: m.requests,
    rateLimited: m.rateLimited,
    retries: m.retries,
    waitSeconds: round(m.waitSeconds, 1),
    peakRssMb: m.peakRssMb,
    ceiling: run.ceiling,
    ceilings: run.ceilings,
    ceilingRowsPerSecond: round(ceilingRowsPerSecond, 1),
    ceilingBasis: byTime ? "shortest time for the dataset" : "window-aware formula over the run",
    fraction: ceilingRowsPerSecond > 0 ? round(rowsPerSecond / ceilingRowsPerSecond) : null,
    fractionOverRun: fractionOf(m.rows, run.ceiling),
    minSeconds: dataset ? run.minSeconds : null,
    timeEfficiency: byTime ? round(run.minSeconds / m.seconds) : null,
    ...(m.loadAverage ? { loadAverage: m.loadAverage } : {}),
  };
  if (bulkOps) {
    const bulk = ceilingOfRun(bulkOps, limits, m.rows, m.seconds);
    line.bulkCeiling = bulk.ceiling;
    line.fractionOfBulkCeiling = fractionOf(m.rows, bulk.ceiling);
  }
  return line;
}

/** A klaviyo-sync load result as a side-by-side line. */
export function fromLoad(
  workload: Workload,
  r: LoadThroughputResult,
  limits: (operation: string) => Limits,
): SideBySideResult {
  const ops = BOUND[workload]["klaviyo-sync"].map((o) =>
    // The profiles a job holds, as load-throughput measured them (10,000 unless 5 MB is less).
    r.ceiling && o.operation === r.ceiling.operation ? { ...o, rowsPerRequest: r.ceiling.rowsPerRequest } : o,
  );
  const rows = r.summary ? (r.summary.succeeded ?? 0) + (r.summary.rejected ?? 0) : 0;
  return sideBySideLine(
    {
      workload,
      tool: "klaviyo-sync",
      status: r.status,
      basis: "dataset",
      rows,
      seconds: r.seconds,
      requests: r.clientRequests,
      rateLimited: r.rateLimited,
      retries: r.retries,
      waitSeconds: r.budgetWaitSeconds + (r.backoffWaitSeconds ?? 0),
      peakRssMb: r.peakRssMb,
      loadAverage: r.loadAverage,
    },
    ops,
    limits,
  );
}

/** A klaviyo-sync extract result as a side-by-side line. */
export function fromExtract(
  workload: Workload,
  r: ExtractThroughputResult,
  limits: (operation: string) => Limits,
): SideBySideResult {
  return sideBySideLine(
    {
      workload,
      tool: "klaviyo-sync",
      status: r.status,
      basis: "dataset",
      rows: r.rows,
      seconds: r.seconds,
      requests: r.requests,
      rateLimited: r.rateLimited,
      retries: r.retries,
      waitSeconds: r.budgetWaitSeconds + (r.backoffWaitSeconds ?? 0),
      peakRssMb: r.peakRssMb,
      loadAverage: r.loadAverage,
    },
    BOUND[workload]["klaviyo-sync"],
    limits,
  );
}

/** An SDK baseline result as a side-by-side line. */
export function fromBaseline(
  workload: Workload,
  r: BaselineResult,
  limits: (operation: string) => Limits,
): SideBySideResult {
  const perRow = workload === "upsert-profiles" || workload === "track-events";
  return sideBySideLine(
    {
      workload,
      tool: "sdk",
      status: r.status,
      basis: r.status === "deadline" ? "window" : "dataset",
      rows: r.rows,
      seconds: r.seconds,
      requests: r.requests,
      rateLimited: r.rateLimited,
      retries: r.retries,
      waitSeconds: r.waitSeconds,
      peakRssMb: r.peakRssMb,
      loadAverage: r.loadAverage,
    },
    BOUND[workload].sdk,
    limits,
    perRow ? BOUND[workload]["klaviyo-sync"] : undefined,
  );
}
