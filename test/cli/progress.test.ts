import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Output } from "../../src/cli/output.js";
import { createProgressReporter, formatDuration } from "../../src/cli/progress.js";
import type { StreamResult } from "../../src/extract/runner-api.js";
import { registerSecret } from "../../src/util/redact.js";

const SECRET = "sk-progress-secret-4242";
registerSecret(SECRET);

function capture(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

const ESC = "\u001b[";

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2025-01-01T00:00:00Z"));
});

afterEach(() => {
  vi.useRealTimers();
});

const results: StreamResult[] = [
  { stream: "profiles", status: "ok", mode: "incremental", rows: 1200, pages: 12, ms: 12_300 },
  {
    stream: "campaigns",
    status: "failed",
    mode: "full-refresh",
    rows: 200,
    pages: 2,
    ms: 3100,
    error: new Error(`Klaviyo refused the key ${SECRET} for GET /api/campaigns (HTTP 403)`),
  },
];

describe("progress reporter: json", () => {
  it("writes one JSON object per event, then a summary, on stderr", () => {
    const out = capture();
    const p = createProgressReporter(out, { tty: true, format: "json" });
    p.waitStats(() => ({ budgetWaitMs: 1500, backoffWaitMs: 500 }));
    p.onProgress({
      type: "stream-start",
      stream: "profiles",
      mode: "incremental",
      resumed: false,
      from: null,
    });
    p.onProgress({ type: "page", stream: "profiles", rows: 100, totalRows: 100, pages: 1 });
    p.onProgress({ type: "page", stream: "profiles", rows: 100, totalRows: 200, pages: 2 });
    p.onProgress({
      type: "stream-failed",
      stream: "profiles",
      error: new Error(`boom with ${SECRET}`),
      rows: 200,
      pages: 2,
      ms: 10,
    });
    p.finish(results);
    expect(out.stdout).toEqual([]);
    const lines = out.stderr.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(5);
    expect(lines[0]).toEqual({
      type: "stream-start",
      stream: "profiles",
      mode: "incremental",
      resumed: false,
      from: null,
      at: "2025-01-01T00:00:00.000Z",
    });
    expect(lines[2]).toMatchObject({ type: "page", totalRows: 200, pages: 2 });
    expect(lines[3]).toMatchObject({
      type: "stream-failed",
      error: { name: "Error", message: "boom with [REDACTED]" },
    });
    expect(lines[4]).toMatchObject({
      type: "summary",
      rateLimitWaitMs: 2000,
      ok: 1,
      failed: 1,
      rows: 1400,
      results: [
        { stream: "profiles", status: "ok", rows: 1200 },
        { stream: "campaigns", status: "failed", error: { name: "Error" } },
      ],
    });
    expect(out.stderr.join("\n")).not.toContain(SECRET);
  });
});

describe("progress reporter: plain text", () => {
  it("logs start, done and failed, and progress at most every 5 s per stream", () => {
    const out = capture();
    const p = createProgressReporter(out, { tty: false, format: "text" });
    p.onProgress({
      type: "stream-start",
      stream: "profiles",
      mode: "incremental",
      resumed: false,
      from: "2024-01-01",
    });
    p.onProgress({ type: "stream-start", stream: "events", mode: "incremental", resumed: true });
    vi.advanceTimersByTime(1000);
    p.onProgress({ type: "page", stream: "profiles", rows: 100, totalRows: 100, pages: 1 });
    vi.advanceTimersByTime(4000);
    p.onProgress({ type: "page", stream: "profiles", rows: 1100, totalRows: 1200, pages: 12 });
    p.onProgress({ type: "page", stream: "events", rows: 50, totalRows: 50, pages: 1 });
    vi.advanceTimersByTime(1000);
    p.onProgress({ type: "page", stream: "profiles", rows: 100, totalRows: 1300, pages: 13 });
    p.onProgress({ type: "stream-done", stream: "profiles", rows: 1300, pages: 13, ms: 6000 });
    p.onProgress({
      type: "stream-failed",
      stream: "events",
      error: new Error(`rejected ${SECRET}`),
      rows: 50,
      pages: 1,
      ms: 6100,
    });
    expect(out.stdout).toEqual([]);
    expect(out.stderr).toEqual([
      "[extract] profiles: started (incremental from 2024-01-01)",
      "[extract] events: started (incremental, resuming an interrupted run)",
      "[extract] profiles: 1,200 rows (12 pages)",
      "[extract] events: 50 rows (1 page)",
      "[extract] profiles: done, 1,300 rows (13 pages) in 6.0s",
      "[extract] events: failed after 50 rows (1 page) in 6.1s: rejected [REDACTED]",
    ]);
  });

  it("prints a summary table with every column, totals and full errors", () => {
    const out = capture();
    const p = createProgressReporter(out, { tty: false, format: "text" });
    p.waitStats(() => 2500);
    vi.advanceTimersByTime(65_000);
    p.finish(results);
    expect(out.stderr).toHaveLength(1);
    const lines = (out.stderr[0] ?? "").split("\n");
    expect(lines[0]).toBe("stream     mode          status   rows  pages   time  error");
    expect(lines[1]).toBe("profiles   incremental   ok      1,200     12  12.3s");
    expect(lines[2]).toMatch(
      /^campaigns {2}full-refresh {2}failed {4}200 {6}2 {3}3\.1s {2}Klaviyo refused the key \[REDACTED\] for GET .*…$/,
    );
    expect(lines[4]).toBe(
      "2 streams: 1 ok, 1 failed; 1,400 rows, 14 pages in 1:05; 2.5s waiting on rate limits",
    );
    expect(lines[5]).toBe("errors:");
    expect(lines[6]).toBe(
      "  campaigns: Klaviyo refused the key [REDACTED] for GET /api/campaigns (HTTP 403)",
    );
    expect(out.stderr.join("\n")).not.toContain(SECRET);
  });

  it("says when no streams ran", () => {
    const out = capture();
    createProgressReporter(out, { tty: false, format: "text" }).finish([]);
    expect(out.stderr).toEqual(["[extract] no streams ran (0ms)."]);
  });
});

describe("progress reporter: TTY live view", () => {
  it("redraws at most every 200 ms with cursor-up and clear-line, then replaces the view with the summary", () => {
    const out = capture();
    let waited = 0;
    const p = createProgressReporter(out, {
      tty: true,
      format: "text",
      streams: ["profiles", "events"],
      columns: 200,
    });
    p.waitStats(() => ({ budgetWaitMs: waited, backoffWaitMs: 0 }));

    p.onProgress({ type: "stream-start", stream: "profiles", mode: "incremental", resumed: false });
    expect(out.stderr).toHaveLength(1);
    const first = out.stderr[0] ?? "";
    expect(first.startsWith("\r")).toBe(true); // nothing to move up over yet
    const firstLines = first.split("\n");
    expect(firstLines).toHaveLength(3);
    expect(firstLines[0]).toContain("1 running, 0 done, 1 queued");
    expect(firstLines[1]).toMatch(/profiles\s+running\s+0 rows/);
    expect(firstLines[2]).toMatch(/events\s+queued$/);
    for (const line of firstLines) expect(line.startsWith(`\r${ESC}2K`)).toBe(true);

    // Events within 200 ms of the last draw are coalesced into one trailing redraw.
    vi.advanceTimersByTime(50);
    p.onProgress({ type: "page", stream: "profiles", rows: 500, totalRows: 500, pages: 5 });
    vi.advanceTimersByTime(50);
    p.onProgress({ type: "page", stream: "profiles", rows: 500, totalRows: 1000, pages: 10 });
    expect(out.stderr).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(out.stderr).toHaveLength(2);
    const second = out.stderr[1] ?? "";
    expect(second.startsWith(`${ESC}3A`)).toBe(true);
    expect(second).toMatch(/profiles\s+running\s+1,000 rows\s+10 pages\s+200ms/);

    // Rate and elapsed once a second has passed; rate-limit waits in the header.
    waited = 3200;
    vi.advanceTimersByTime(1800);
    p.onProgress({ type: "page", stream: "profiles", rows: 1000, totalRows: 2000, pages: 20 });
    vi.advanceTimersByTime(200);
    const third = out.stderr.at(-1) ?? "";
    expect(third).toMatch(/profiles\s+running\s+2,000 rows\s+909\/s\s+20 pages\s+2\.2s/);
    expect(third).toContain("3.2s waiting on rate limits");

    // The idle ticker keeps elapsed times moving without events.
    const before = out.stderr.length;
    vi.advanceTimersByTime(1000);
    expect(out.stderr.length).toBe(before + 1);

    p.onProgress({ type: "stream-done", stream: "profiles", rows: 2000, pages: 20, ms: 3000 });
    p.finish(results);
    const summary = out.stderr.at(-1) ?? "";
    expect(summary.startsWith(`${ESC}3A\r${ESC}0J`)).toBe(true);
    expect(summary).toContain("stream     mode          status   rows  pages   time  error");
    expect(summary).not.toContain(SECRET);

    // Nothing is drawn after finish.
    const count = out.stderr.length;
    p.onProgress({ type: "page", stream: "events", rows: 1, totalRows: 1, pages: 1 });
    vi.advanceTimersByTime(5000);
    expect(out.stderr.length).toBe(count);
    expect(out.stdout).toEqual([]);
  });

  it("cuts lines to the terminal width and redacts them", () => {
    const out = capture();
    const p = createProgressReporter(out, { tty: true, format: "text", columns: 60 });
    p.onProgress({
      type: "stream-failed",
      stream: "profiles",
      error: new Error(`${SECRET} ${"x".repeat(200)}`),
      rows: 0,
      pages: 0,
      ms: 5,
    });
    for (const line of (out.stderr[0] ?? "").split("\n")) {
      expect(line.replace(`\r${ESC}2K`, "").length).toBeLessThanOrEqual(59);
    }
    expect(out.stderr.join("")).not.toContain(SECRET);
  });

  it("log() writes above the live view and redraws it", () => {
    const out = capture();
    const p = createProgressReporter(out, { tty: true, format: "text" });
    p.onProgress({ type: "stream-start", stream: "profiles", mode: "full-refresh", resumed: false });
    p.log(`warning: slow down ${SECRET}`);
    expect(out.stderr[1]).toBe(`${ESC}2A\r${ESC}0Jwarning: slow down [REDACTED]`);
    expect(out.stderr[2]?.startsWith("\r")).toBe(true);
    expect(out.stderr[2]).toContain("profiles");
    p.finish([]);
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0ms"],
    [850, "850ms"],
    [12_345, "12.3s"],
    [125_000, "2:05"],
    [3_725_000, "1:02:05"],
  ])("%d → %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
