/** The runner's public surface (implemented in runner.ts), shared with the CLI and the protocol adapters. */
import type { KlaviyoClient } from "../client/index.js";
import type { HeapGuardOptions } from "./heap-guard.js";
import type { SyncMode, Target } from "./types.js";

export interface StreamSelection {
  name: string;
  /** Defaults to the stream's default mode. */
  mode?: SyncMode;
  /** First run of an incremental stream reads from here (ISO 8601 date or date-time). */
  startDate?: string;
  /** Re-read this far behind the cursor (events), ms. */
  lookbackMs?: number;
  /** Opt-in stream options, e.g. `predictive_analytics` for profiles. */
  options?: string[];
  /** Table name; defaults to the stream name. */
  table?: string;
}

export interface ExtractOptions {
  client: KlaviyoClient;
  target: Target;
  streams: StreamSelection[];
  /** Streams read at once (default 4); they share the client's one rate budget. */
  concurrency?: number;
  /** Rows per committed batch (default: one page). */
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  /** Injectable "now" (the moment the read begins bounds every cursor). */
  now?: () => Date;
  /**
   * Windowed streams (events, profiles): window length in days (default: the stream's, 7 for
   * events and 30 for profiles) and windows read at once. Without
   * `windowConcurrency`, 4 at first and more when Klaviyo answers slowly (enough to keep the
   * operation's steady rate busy at the response times seen, up to `maxWindowConcurrency`,
   * default 32); with it, exactly that many.
   */
  windowDays?: number;
  windowConcurrency?: number;
  maxWindowConcurrency?: number;
  /** Memberships: hours between full passes that record removals (default 24; 0 = every run). */
  fullPassHours?: number;
  /** Plan only: what would be read, no requests for data, nothing written. */
  dryRun?: boolean;
  /**
   * Where pages of streams with a row spec (events) are parsed: on a worker thread (the default,
   * leaving the main thread to the target) or on the main thread. The rows are the same.
   */
  decodePages?: "worker" | "main";
  /**
   * After commits, a full garbage collection when the JavaScript heap has grown well past what it
   * holds (see heap-guard.ts), so a long extract's memory stays near its live size. `false` leaves
   * collection to V8 alone. Default: on, with a 48 MB floor.
   */
  heapGuard?: HeapGuardOptions | false;
}

export type ProgressEvent =
  | { type: "stream-start"; stream: string; mode: SyncMode; resumed: boolean; from?: string | null }
  | { type: "page"; stream: string; rows: number; totalRows: number; pages: number }
  | { type: "stream-done"; stream: string; rows: number; pages: number; ms: number }
  | { type: "stream-failed"; stream: string; error: Error; rows: number; pages: number; ms: number };

export interface StreamResult {
  stream: string;
  status: "ok" | "failed";
  mode: SyncMode;
  rows: number;
  pages: number;
  ms: number;
  error?: Error;
}

export interface ExtractResult {
  runId: string;
  startedAt: Date;
  results: StreamResult[];
  /** Plan, for dry runs: per stream the requests it would start with. */
  plan?: Array<{ stream: string; mode: SyncMode; from: string | null; requests: string[] }>;
  /** Collections the heap guard asked for and the milliseconds they took. */
  heapGuard?: { collections: number; ms: number };
}
