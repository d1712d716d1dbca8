/**
 * Extract progress on stderr, three ways:
 * - a TTY gets a live view (one line per stream, redrawn at most every 200 ms with ANSI cursor-up
 *   and clear-line), replaced by the summary table at the end;
 * - plain text (logs, CI) gets `[extract] ...` lines: start, done and failed, plus a progress line
 *   at most every 5 s per stream;
 * - `json` gets one JSON object per event per line, then a summary object.
 * Everything written passes through `redact`.
 *
 * The pieces (formatting, the live block redrawn in place, tables) are shared with the load
 * progress view (./load-progress.ts).
 */
import type { ProgressEvent, StreamResult } from "../extract/runner-api.js";
import type { SyncMode } from "../extract/types.js";
import { redact } from "../util/redact.js";
import type { Output } from "./output.js";

/** Rate-limit waiting so far: ms, or the client's stats (`budgetWaitMs + backoffWaitMs`). */
export type WaitStats = number | { budgetWaitMs?: number; backoffWaitMs?: number };

export interface ProgressReporterOptions {
  tty: boolean;
  format: "text" | "json";
  /** Clock, ms (default Date.now). */
  now?: () => number;
  /** Streams to list as queued in the live view before they start. */
  streams?: readonly string[];
  /** Terminal width; live lines are cut to fit so that redraws stay aligned (default 120). */
  columns?: number;
  /** Minimum time between live redraws (default 200 ms). */
  redrawMs?: number;
  /** Live view refresh while no events arrive, for elapsed times (default 1000 ms). */
  tickMs?: number;
  /** Plain text: minimum time between progress lines of one stream (default 5000 ms). */
  logEveryMs?: number;
}

export interface ProgressReporter {
  onProgress(event: ProgressEvent): void;
  /** Where the total rate-limit wait comes from, e.g. `() => client.stats`. */
  waitStats(getter: () => WaitStats): void;
  /** A message that should not garble the live view (written above it). */
  log(text: string): void;
  /** Stops redrawing and prints the summary table (or JSON summary). */
  finish(results: StreamResult[]): void;
}

type Status = "queued" | "running" | "done" | "failed";

interface StreamView {
  name: string;
  status: Status;
  mode?: SyncMode;
  rows: number;
  pages: number;
  startedAt?: number;
  /** Final duration, once done or failed. */
  ms?: number;
  error?: string;
  lastLogAt: number;
}

const ESC = "\u001b[";

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** `850ms`, `12.3s`, `2:05`, `1:02:05`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** `1 page`, `12 pages`, `1,200 rows`. */
export function plural(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${Math.round(n) === 1 ? "" : "s"}`;
}

/** `850/s` once at least a second has passed; empty before. */
export function rate(rows: number, ms: number): string {
  if (ms < 1000 || rows === 0) return "";
  return `${formatCount(rows / (ms / 1000))}/s`;
}

export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

export function cut(text: string, width: number): string {
  if (text.length <= width) return text;
  return width <= 1 ? text.slice(0, width) : `${text.slice(0, width - 1)}…`;
}

export function waitMsOf(value: WaitStats): number {
  if (typeof value === "number") return value;
  return (value.budgetWaitMs ?? 0) + (value.backoffWaitMs ?? 0);
}

/** Columns padded to their widest cell (right-aligned where asked), two spaces apart. */
export function formatTable(
  header: readonly string[],
  rows: readonly string[][],
  right: ReadonlySet<number>,
): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const fmt = (cells: readonly string[]) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [fmt(header), ...rows.map(fmt)];
}

export interface LiveBlockOptions {
  /** The lines to show, computed at each redraw. */
  lines: () => string[];
  now: () => number;
  /** Terminal width; lines are cut to fit so that redraws stay aligned. */
  columns: number;
  /** Minimum time between redraws. */
  redrawMs: number;
  /** Refresh while nothing happens, for elapsed times. */
  tickMs: number;
}

/** A block of lines on a terminal, redrawn in place with ANSI cursor-up and clear-line. */
export interface LiveBlock {
  /** Something changed: redraw now or within `redrawMs`; keeps a ticker going. */
  update(): void;
  /** Writes `text` above the block, then redraws it. */
  log(text: string): void;
  /** Stops redrawing and replaces the block with `text`. */
  finish(text: string): void;
}

/** `write` receives each frame (already redacted by the caller, or not). */
export function createLiveBlock(write: (text: string) => void, options: LiveBlockOptions): LiveBlock {
  const { now, columns, redrawMs, tickMs } = options;
  let drawnLines = 0;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let pending: ReturnType<typeof setTimeout> | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let finished = false;

  const draw = () => {
    if (pending !== undefined) {
      clearTimeout(pending);
      pending = undefined;
    }
    if (finished) return;
    lastDraw = now();
    const lines = options.lines().map((l) => cut(l, columns - 1));
    while (lines.length < drawnLines) lines.push("");
    const up = drawnLines > 0 ? `${ESC}${drawnLines}A` : "";
    write(up + lines.map((l) => `\r${ESC}2K${l}`).join("\n"));
    drawnLines = lines.length;
  };

  const requestDraw = () => {
    if (finished) return;
    const since = now() - lastDraw;
    if (since >= redrawMs) draw();
    else if (pending === undefined) {
      pending = setTimeout(draw, redrawMs - since);
      pending.unref?.();
    }
  };

  const startTicker = () => {
    if (ticker !== undefined || finished) return;
    ticker = setInterval(requestDraw, tickMs);
    ticker.unref?.();
  };

  const stopTimers = () => {
    if (pending !== undefined) clearTimeout(pending);
    if (ticker !== undefined) clearInterval(ticker);
    pending = undefined;
    ticker = undefined;
  };

  /** Clears the block so that a message can be written in its place. */
  const clear = (): string => {
    if (drawnLines === 0) return "";
    const s = `${ESC}${drawnLines}A\r${ESC}0J`;
    drawnLines = 0;
    return s;
  };

  return {
    update() {
      if (finished) return;
      startTicker();
      requestDraw();
    },
    log(text) {
      if (!finished && drawnLines > 0) {
        write(clear() + text);
        draw();
      } else {
        write(text);
      }
    },
    finish(text) {
      if (finished) return;
      stopTimers();
      const prefix = clear();
      finished = true;
      write(prefix + text);
    },
  };
}

export function createProgressReporter(output: Output, options: ProgressReporterOptions): ProgressReporter {
  const now = options.now ?? (() => Date.now());
  const mode: "live" | "text" | "json" = options.format === "json" ? "json" : options.tty ? "live" : "text";
  const redrawMs = options.redrawMs ?? 200;
  const tickMs = options.tickMs ?? 1000;
  const logEveryMs = options.logEveryMs ?? 5000;
  const columns = Math.max(40, options.columns ?? 120);
  const startedAt = now();
  const views = new Map<string, StreamView>();
  let waitGetter: (() => WaitStats) | undefined;
  let finished = false;

  for (const name of options.streams ?? []) {
    views.set(name, { name, status: "queued", rows: 0, pages: 0, lastLogAt: startedAt });
  }

  const err = (text: string) => output.err(redact(text));

  const waited = (): number => {
    if (!waitGetter) return 0;
    try {
      return waitMsOf(waitGetter());
    } catch {
      return 0;
    }
  };

  const view = (name: string): StreamView => {
    let v = views.get(name);
    if (!v) {
      v = { name, status: "queued", rows: 0, pages: 0, lastLogAt: now() };
      views.set(name, v);
    }
    return v;
  };

  // ---- live view ------------------------------------------------------------------------------
  const liveLines = (): string[] => {
    const t = now();
    const all = [...views.values()];
    const count = (s: Status) => all.filter((v) => v.status === s).length;
    const parts = [`${count("running")} running`, `${count("done")} done`];
    if (count("failed") > 0) parts.push(`${count("failed")} failed`);
    if (count("queued") > 0) parts.push(`${count("queued")} queued`);
    const w = waited();
    const header = `[extract] ${formatDuration(t - startedAt)} elapsed; ${parts.join(", ")}${
      w > 0 ? `; ${formatDuration(w)} waiting on rate limits` : ""
    }`;
    const nameWidth = Math.min(28, Math.max(6, ...all.map((v) => v.name.length)));
    const lines = [header];
    for (const v of all) {
      const elapsed = v.ms ?? (v.startedAt === undefined ? 0 : t - v.startedAt);
      let line = `  ${v.name.padEnd(nameWidth)}  ${v.status.padEnd(7)}`;
      if (v.status !== "queued") {
        line += `  ${plural(v.rows, "row").padStart(16)}  ${rate(v.rows, elapsed).padStart(9)}  ${plural(v.pages, "page").padStart(12)}  ${formatDuration(elapsed).padStart(7)}`;
      }
      if (v.error) line += `  ${oneLine(v.error)}`;
      lines.push(line.trimEnd());
    }
    return lines;
  };

  const live = createLiveBlock(err, { lines: liveLines, now, columns, redrawMs, tickMs });

  // ---- plain text -----------------------------------------------------------------------------
  const textLine = (e: ProgressEvent, v: StreamView): string | undefined => {
    switch (e.type) {
      case "stream-start": {
        const from = e.from ? ` from ${e.from}` : "";
        const resumed = e.resumed ? ", resuming an interrupted run" : "";
        return `[extract] ${e.stream}: started (${e.mode}${from}${resumed})`;
      }
      case "page": {
        const t = now();
        if (t - v.lastLogAt < logEveryMs) return undefined;
        v.lastLogAt = t;
        return `[extract] ${e.stream}: ${plural(e.totalRows, "row")} (${plural(e.pages, "page")})`;
      }
      case "stream-done":
        return `[extract] ${e.stream}: done, ${plural(e.rows, "row")} (${plural(e.pages, "page")}) in ${formatDuration(e.ms)}`;
      case "stream-failed":
        return `[extract] ${e.stream}: failed after ${plural(e.rows, "row")} (${plural(e.pages, "page")}) in ${formatDuration(e.ms)}: ${oneLine(e.error.message)}`;
    }
  };

  const jsonLine = (e: ProgressEvent): string => {
    const at = new Date(now()).toISOString();
    if (e.type === "stream-failed") {
      const { error, ...rest } = e;
      return JSON.stringify({ ...rest, error: { name: error.name, message: error.message }, at });
    }
    return JSON.stringify({ ...e, at });
  };

  const update = (e: ProgressEvent): StreamView => {
    const v = view(e.stream);
    switch (e.type) {
      case "stream-start":
        v.status = "running";
        v.mode = e.mode;
        v.startedAt = now();
        v.lastLogAt = v.startedAt;
        v.rows = 0;
        v.pages = 0;
        v.ms = undefined;
        v.error = undefined;
        break;
      case "page":
        if (v.status === "queued") {
          v.status = "running";
          v.startedAt = now();
        }
        v.rows = e.totalRows;
        v.pages = e.pages;
        break;
      case "stream-done":
        v.status = "done";
        v.rows = e.rows;
        v.pages = e.pages;
        v.ms = e.ms;
        break;
      case "stream-failed":
        v.status = "failed";
        v.rows = e.rows;
        v.pages = e.pages;
        v.ms = e.ms;
        v.error = e.error.message;
        break;
    }
    return v;
  };

  // ---- summary --------------------------------------------------------------------------------
  const summaryText = (results: StreamResult[]): string => {
    const total = now() - startedAt;
    const w = waited();
    if (results.length === 0) return `[extract] no streams ran (${formatDuration(total)}).`;
    const errorWidth = 60;
    const full: string[] = [];
    const rows = results.map((r) => {
      let error = "";
      if (r.error) {
        const message = oneLine(r.error.message);
        error = cut(message, errorWidth);
        if (error !== message) full.push(`  ${r.stream}: ${message}`);
      }
      return [
        r.stream,
        r.mode,
        r.status,
        formatCount(r.rows),
        formatCount(r.pages),
        formatDuration(r.ms),
        error,
      ];
    });
    const header = ["stream", "mode", "status", "rows", "pages", "time", "error"];
    const ok = results.filter((r) => r.status === "ok").length;
    const failed = results.length - ok;
    const sumRows = results.reduce((s, r) => s + r.rows, 0);
    const sumPages = results.reduce((s, r) => s + r.pages, 0);
    const totals = `${results.length} stream${results.length === 1 ? "" : "s"}: ${ok} ok${
      failed > 0 ? `, ${failed} failed` : ""
    }; ${plural(sumRows, "row")}, ${plural(sumPages, "page")} in ${formatDuration(total)}; ${formatDuration(w)} waiting on rate limits`;
    const lines = [...formatTable(header, rows, new Set([3, 4, 5])), "", totals];
    if (full.length > 0) lines.push("errors:", ...full);
    return lines.join("\n");
  };

  const summaryJson = (results: StreamResult[]): string => {
    const total = now() - startedAt;
    return JSON.stringify({
      type: "summary",
      at: new Date(now()).toISOString(),
      ms: total,
      rateLimitWaitMs: waited(),
      ok: results.filter((r) => r.status === "ok").length,
      failed: results.filter((r) => r.status !== "ok").length,
      rows: results.reduce((s, r) => s + r.rows, 0),
      results: results.map((r) => {
        const { error, ...rest } = r;
        return error ? { ...rest, error: { name: error.name, message: error.message } } : rest;
      }),
    });
  };

  return {
    onProgress(event) {
      const v = update(event);
      if (mode === "json") {
        err(jsonLine(event));
      } else if (mode === "text") {
        const line = textLine(event, v);
        if (line !== undefined) err(line);
      } else if (!finished) {
        live.update();
      }
    },
    waitStats(getter) {
      waitGetter = getter;
    },
    log(text) {
      if (mode === "live") live.log(text);
      else err(text);
    },
    finish(results) {
      if (finished) return;
      finished = true;
      if (mode === "json") err(summaryJson(results));
      else if (mode === "live") live.finish(summaryText(results));
      else err(summaryText(results));
    },
  };
}
