/**
 * Load progress on stderr, as for extract (./progress.ts, whose pieces this reuses), three ways:
 * - a TTY gets a live view, one line per sync (phase: reading model, diffing, sending, polling,
 *   removing; rows done of the rows to send, rows/s, succeeded / invalid / rejected so far, time
 *   waiting on rate limits), redrawn in place, replaced by a summary table at the end;
 * - plain text (logs, CI) gets `[load] ...` lines: the diff of each sync, then one line per batch;
 * - `json` gets one JSON object per event per line, then a summary object.
 * Everything written passes through `redact`.
 */
import type { LoadProgress, RunSummary } from "../load/engine.js";
import { redact } from "../util/redact.js";
import type { Output } from "./output.js";
import {
  createLiveBlock,
  cut,
  formatCount,
  formatDuration,
  formatTable,
  oneLine,
  plural,
  rate,
  type WaitStats,
  waitMsOf,
} from "./progress.js";

export type LoadPhase =
  | "queued"
  | "reading model"
  | "diffing"
  | "sending"
  | "validating"
  | "polling"
  | "removing"
  | "done"
  | "failed";

export interface LoadProgressReporterOptions {
  tty: boolean;
  format: "text" | "json";
  /** Clock, ms (default Date.now). */
  now?: () => number;
  /** Syncs to list as queued in the live view before they start. */
  syncs?: readonly string[];
  /** Terminal width; live lines are cut to fit (default 120). */
  columns?: number;
  /** Minimum time between live redraws (default 200 ms). */
  redrawMs?: number;
  /** Live view refresh while no events arrive (default 1000 ms). */
  tickMs?: number;
}

export interface LoadProgressReporter {
  /** A sync starts: its model is read. */
  start(sync: string, info: { action: string; mode: string; dryRun?: boolean }): void;
  /** Rows of the model read so far by the first pass (keys and hashes for the diff). */
  rowsRead(sync: string, rows: number): void;
  /** The sync moved on: `diffing` once the model is read, `polling` while it waits on Klaviyo jobs, `removing`. */
  phase(sync: string, phase: LoadPhase): void;
  /** A row was reported invalid or rejected (before the diff: lines of the model that could not be read). */
  rejected(sync: string): void;
  /** The engine's events. */
  onProgress(event: LoadProgress): void;
  /** The sync ended: its summary, or the error that stopped it. */
  end(sync: string, outcome: { summary: RunSummary; runId?: string } | { error: Error }): void;
  /** Where the total rate-limit wait comes from, e.g. `() => client.stats`. */
  waitStats(getter: () => WaitStats): void;
  /** A message that should not garble the live view (written above it). */
  log(text: string): void;
  /** Stops redrawing and prints the summary table (TTY) or the JSON summary. */
  finish(): void;
}

interface SyncView {
  name: string;
  action?: string;
  mode?: string;
  dryRun: boolean;
  phase: LoadPhase;
  startedAt?: number;
  /** When it ended, and its duration. */
  endedAt?: number;
  ms?: number;
  read: number;
  /** Rows to send (added + changed), once diffed. */
  total?: number;
  removed: number;
  sendingSince?: number;
  succeeded: number;
  invalid: number;
  rejected: number;
  /** Rows reported before the diff (unreadable lines): counted in `invalid`, not in `total`. */
  unreadable: number;
  /** Rate-limit wait of the client when the sync started. */
  waitAtStart: number;
  summary?: RunSummary;
  runId?: string;
  error?: string;
}

const PHASE_WIDTH = 13;

export function createLoadProgressReporter(
  output: Output,
  options: LoadProgressReporterOptions,
): LoadProgressReporter {
  const now = options.now ?? (() => Date.now());
  const mode: "live" | "text" | "json" = options.format === "json" ? "json" : options.tty ? "live" : "text";
  const columns = Math.max(40, options.columns ?? 120);
  const startedAt = now();
  const views = new Map<string, SyncView>();
  let waitGetter: (() => WaitStats) | undefined;
  let finished = false;

  const err = (text: string) => output.err(redact(text));

  const waited = (): number => {
    if (!waitGetter) return 0;
    try {
      return waitMsOf(waitGetter());
    } catch {
      return 0;
    }
  };

  const fresh = (name: string): SyncView => ({
    name,
    dryRun: false,
    phase: "queued",
    read: 0,
    removed: 0,
    succeeded: 0,
    invalid: 0,
    rejected: 0,
    unreadable: 0,
    waitAtStart: 0,
  });

  for (const name of options.syncs ?? []) views.set(name, fresh(name));

  const view = (name: string): SyncView => {
    let v = views.get(name);
    if (!v) {
      v = fresh(name);
      views.set(name, v);
    }
    return v;
  };

  /** Rows of the ones to send that have an outcome. */
  const done = (v: SyncView): number =>
    Math.max(0, Math.min(v.total ?? 0, v.succeeded + v.invalid + v.rejected - v.unreadable));

  const syncWait = (v: SyncView): number =>
    v.summary
      ? v.summary.rateLimitWaitMs
      : v.startedAt === undefined
        ? 0
        : Math.max(0, waited() - v.waitAtStart);

  // ---- live view ------------------------------------------------------------------------------
  const liveLines = (): string[] => {
    const t = now();
    const all = [...views.values()];
    const count = (p: (v: SyncView) => boolean) => all.filter(p).length;
    const running = count((v) => v.phase !== "queued" && v.phase !== "done" && v.phase !== "failed");
    const parts = [`${running} running`, `${count((v) => v.phase === "done")} done`];
    const failed = count((v) => v.phase === "failed");
    if (failed > 0) parts.push(`${failed} failed`);
    const queued = count((v) => v.phase === "queued");
    if (queued > 0) parts.push(`${queued} queued`);
    const w = waited();
    const header = `[load] ${formatDuration(t - startedAt)} elapsed; ${parts.join(", ")}${
      w > 0 ? `; ${formatDuration(w)} waiting on rate limits` : ""
    }`;
    const nameWidth = Math.min(28, Math.max(6, ...all.map((v) => v.name.length)));
    const lines = [header];
    for (const v of all) {
      let line = `  ${v.name.padEnd(nameWidth)}  ${v.phase.padEnd(PHASE_WIDTH)}`;
      if (v.phase !== "queued") {
        const elapsed = v.ms ?? (v.startedAt === undefined ? 0 : t - v.startedAt);
        let progress: string;
        let speed: string;
        if (v.total === undefined) {
          progress = `${plural(v.read, "row")} read`;
          speed = rate(v.read, elapsed);
        } else {
          const d = done(v);
          progress = `${formatCount(d)} / ${plural(v.total, "row")}`;
          speed = v.sendingSince === undefined ? "" : rate(d, (v.endedAt ?? t) - v.sendingSince);
        }
        const outcomes =
          v.total === undefined
            ? ""
            : `${formatCount(v.succeeded)} ok, ${formatCount(v.invalid)} invalid, ${formatCount(v.rejected)} rejected`;
        const w = syncWait(v);
        line += `  ${progress.padStart(22)}  ${speed.padStart(9)}  ${outcomes}${
          w > 0 ? `  ${formatDuration(w)} rate-limited` : ""
        }  ${formatDuration(elapsed).padStart(7)}`;
        if (v.phase === "removing" && v.removed > 0) line += `  removing ${plural(v.removed, "row")}`;
      }
      if (v.error) line += `  ${oneLine(v.error)}`;
      lines.push(line.trimEnd());
    }
    return lines;
  };

  const live = createLiveBlock(err, {
    lines: liveLines,
    now,
    columns,
    redrawMs: options.redrawMs ?? 200,
    tickMs: options.tickMs ?? 1000,
  });

  const emit = (event: Record<string, unknown>) => {
    if (mode === "json") err(JSON.stringify({ ...event, at: new Date(now()).toISOString() }));
    else if (mode === "live" && !finished) live.update();
  };

  // ---- summary --------------------------------------------------------------------------------
  const ended = () => [...views.values()].filter((v) => v.phase === "done" || v.phase === "failed");

  const summaryText = (): string => {
    const total = now() - startedAt;
    const results = ended();
    if (results.length === 0) return `[load] no syncs ran (${formatDuration(total)}).`;
    const errorWidth = 60;
    const full: string[] = [];
    const rows = results.map((v) => {
      const s = v.summary;
      let error = "";
      const message = v.error ?? s?.error;
      if (message) {
        const line = oneLine(message);
        error = cut(line, errorWidth);
        if (error !== line) full.push(`  ${v.name}: ${line}`);
      }
      const n = (x: number | undefined) => (x === undefined ? "-" : formatCount(x));
      return [
        v.name,
        `${v.action ?? "?"} ${v.mode ?? ""}`.trim(),
        s?.status ?? "failed",
        n(s?.queried),
        n(s?.added),
        n(s?.changed),
        n(s?.removed),
        n(s?.unchanged),
        n(s?.succeeded),
        n(s?.invalid),
        n(s?.rejected),
        formatDuration(s?.durationMs ?? v.ms ?? 0),
        formatDuration(syncWait(v)),
        error,
      ];
    });
    const header = [
      "sync",
      "action",
      "status",
      "queried",
      "added",
      "changed",
      "removed",
      "unchanged",
      "succeeded",
      "invalid",
      "rejected",
      "time",
      "waited",
      "error",
    ];
    const table = formatTable(header, rows, new Set([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
    const ok = results.filter((v) => v.summary && v.summary.status !== "failed").length;
    const failed = results.length - ok;
    const sum = (f: (s: RunSummary) => number) =>
      results.reduce((acc, v) => acc + (v.summary ? f(v.summary) : 0), 0);
    const totals = `${plural(results.length, "sync")}: ${ok} ok${failed > 0 ? `, ${failed} failed` : ""}; ${formatCount(
      sum((s) => s.succeeded),
    )} succeeded, ${formatCount(sum((s) => s.invalid))} invalid, ${formatCount(sum((s) => s.rejected))} rejected in ${formatDuration(
      total,
    )}; ${formatDuration(waited())} waiting on rate limits`;
    const lines = [...table, "", totals];
    if (full.length > 0) lines.push("errors:", ...full);
    return lines.join("\n");
  };

  const summaryJson = (): string => {
    const results = ended();
    return JSON.stringify({
      type: "summary",
      at: new Date(now()).toISOString(),
      ms: now() - startedAt,
      rateLimitWaitMs: waited(),
      ok: results.filter((v) => v.summary && v.summary.status !== "failed").length,
      failed: results.filter((v) => !v.summary || v.summary.status === "failed").length,
      results: results.map((v) => ({
        sync: v.name,
        action: v.action,
        mode: v.mode,
        ...(v.runId === undefined ? {} : { runId: v.runId }),
        ...(v.summary ? { summary: v.summary } : {}),
        ...(v.error === undefined ? {} : { error: v.error }),
      })),
    });
  };

  return {
    start(sync, info) {
      const v = view(sync);
      Object.assign(v, fresh(sync), {
        action: info.action,
        mode: info.mode,
        dryRun: info.dryRun === true,
        phase: "reading model",
        startedAt: now(),
        waitAtStart: waited(),
      });
      emit({
        type: "sync-start",
        sync,
        action: info.action,
        mode: info.mode,
        ...(info.dryRun ? { dryRun: true } : {}),
      });
    },
    rowsRead(sync, rows) {
      const v = view(sync);
      v.read = rows;
      if (mode === "live" && !finished) live.update();
    },
    phase(sync, phase) {
      const v = view(sync);
      if (v.phase === phase || v.phase === "done" || v.phase === "failed") return;
      v.phase = phase;
      emit({ type: "phase", sync, phase });
    },
    rejected(sync) {
      const v = view(sync);
      if (v.total === undefined) v.unreadable++;
    },
    onProgress(e) {
      const v = view(e.sync);
      if (e.type === "diff") {
        v.read = e.queried;
        v.total = e.added + e.changed;
        v.removed = e.removed;
        v.sendingSince = now();
        v.invalid = v.unreadable;
        v.phase = v.total > 0 ? (v.dryRun ? "validating" : "sending") : e.removed > 0 ? "removing" : v.phase;
        if (mode === "text") {
          err(
            `[load] ${e.sync}: ${e.queried} rows in the model; ${e.added} added, ${e.changed} changed, ${e.removed} removed, ${e.unchanged} unchanged`,
          );
        }
      } else {
        v.succeeded = e.succeeded;
        v.invalid = e.invalid;
        v.rejected = e.rejected;
        if (v.phase === "polling") v.phase = v.dryRun ? "validating" : "sending";
        if (mode === "text") {
          err(
            `[load] ${e.sync}: ${e.sent}/${e.total} sent; ${e.succeeded} succeeded, ${e.invalid} invalid, ${e.rejected} rejected`,
          );
        }
      }
      emit({ ...e });
    },
    end(sync, outcome) {
      const v = view(sync);
      v.endedAt = now();
      v.ms = v.startedAt === undefined ? 0 : v.endedAt - v.startedAt;
      if ("error" in outcome) {
        v.phase = "failed";
        v.error = outcome.error.message;
        emit({
          type: "sync-failed",
          sync,
          error: { name: outcome.error.name, message: outcome.error.message },
        });
        return;
      }
      const s = outcome.summary;
      v.summary = s;
      if (outcome.runId !== undefined) v.runId = outcome.runId;
      v.succeeded = s.succeeded;
      v.invalid = s.invalid;
      v.rejected = s.rejected;
      v.phase = s.status === "failed" ? "failed" : "done";
      if (s.error) v.error = s.error;
      emit({
        type: "sync-done",
        sync,
        ...(outcome.runId === undefined ? {} : { runId: outcome.runId }),
        summary: s,
      });
    },
    waitStats(getter) {
      waitGetter = getter;
    },
    log(text) {
      if (mode === "live") live.log(text);
      else err(text);
    },
    finish() {
      if (finished) return;
      finished = true;
      if (mode === "json") err(summaryJson());
      else if (mode === "live") live.finish(summaryText());
    },
  };
}
