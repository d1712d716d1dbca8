import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLoadProgressReporter } from "../../src/cli/load-progress.js";
import type { Output } from "../../src/cli/output.js";
import type { RunSummary } from "../../src/load/engine.js";
import { registerSecret } from "../../src/util/redact.js";

const SECRET = "sk-load-progress-secret-77";
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

const summary = (partial: Partial<RunSummary>): RunSummary => ({
  status: "succeeded",
  queried: 0,
  added: 0,
  changed: 0,
  removed: 0,
  unchanged: 0,
  invalid: 0,
  rejected: 0,
  succeeded: 0,
  durationMs: 0,
  rateLimitWaitMs: 0,
  ...partial,
});

/** Strips the redraw codes from a frame: its lines as shown. */
const UP = new RegExp(`${"\u001b"}\\[\\d+A`, "g");
const CLEAR = `\r${ESC}2K`;
const shown = (frame: string) =>
  frame
    .replace(UP, "")
    .split("\n")
    .map((l) => (l.startsWith(CLEAR) ? l.slice(CLEAR.length) : l));

describe("load progress: TTY live view", () => {
  it("shows each sync's phase, rows done of the rows to send, rate, outcomes and rate-limit waits, then a summary table", () => {
    const out = capture();
    let waited = 0;
    const p = createLoadProgressReporter(out, {
      tty: true,
      format: "text",
      syncs: ["vip_profiles", "vip_list"],
      columns: 200,
    });
    p.waitStats(() => ({ budgetWaitMs: waited, backoffWaitMs: 0 }));

    p.start("vip_profiles", { action: "profiles", mode: "upsert" });
    let frame = shown(out.stderr.at(-1) ?? "");
    expect(frame[0]).toBe("[load] 0ms elapsed; 1 running, 0 done, 1 queued");
    expect(frame[1]).toMatch(/^ {2}vip_profiles {2}reading model\s+0 rows read\s+0ms$/);
    expect(frame[2]).toMatch(/^ {2}vip_list\s+queued$/);
    for (const line of (out.stderr.at(-1) ?? "").split("\n"))
      expect(line.replace(UP, "").startsWith(CLEAR)).toBe(true);

    // The first pass: rows read, coalesced into one redraw per 200 ms.
    vi.advanceTimersByTime(1000);
    p.rowsRead("vip_profiles", 5000);
    p.rowsRead("vip_profiles", 10_000);
    vi.advanceTimersByTime(200);
    frame = shown(out.stderr.at(-1) ?? "");
    expect(out.stderr.at(-1)?.startsWith(`${ESC}3A`)).toBe(true);
    expect(frame[1]).toMatch(/vip_profiles {2}reading model\s+10,000 rows read\s+8,333\/s\s+1\.2s$/);

    p.phase("vip_profiles", "diffing");
    vi.advanceTimersByTime(200);
    expect(shown(out.stderr.at(-1) ?? "")[1]).toMatch(/vip_profiles {2}diffing/);

    // One unreadable line was reported before the diff: invalid, but not one of the rows to send.
    p.rejected("vip_profiles");
    p.onProgress({
      type: "diff",
      sync: "vip_profiles",
      queried: 10_000,
      added: 3000,
      changed: 1000,
      removed: 0,
      unchanged: 6000,
    });
    vi.advanceTimersByTime(1000);
    p.phase("vip_profiles", "polling");
    waited = 1500;
    vi.advanceTimersByTime(1000);
    frame = shown(out.stderr.at(-1) ?? "");
    expect(frame[0]).toMatch(
      /^\[load\] \d\.\ds elapsed; 1 running, 0 done, 1 queued; 1\.5s waiting on rate limits$/,
    );
    expect(frame[1]).toMatch(
      /vip_profiles {2}polling\s+0 \/ 4,000 rows\s+0 ok, 1 invalid, 0 rejected {2}1\.5s rate-limited\s+\d\.\ds$/,
    );
    p.onProgress({
      type: "batch",
      sync: "vip_profiles",
      sent: 2000,
      succeeded: 1990,
      invalid: 1 + 8,
      rejected: 2,
      total: 4000,
    });
    vi.advanceTimersByTime(200);
    frame = shown(out.stderr.at(-1) ?? "");
    // 2,000 of the rows to send have an outcome (the unreadable line is not one of them), 2 s
    // after the diff.
    expect(frame[1]).toMatch(
      /vip_profiles {2}sending\s+2,000 \/ 4,000 rows\s+1,000\/s {2}1,990 ok, 9 invalid, 2 rejected {2}1\.5s rate-limited\s+3\.4s$/,
    );

    p.end("vip_profiles", {
      runId: "7",
      summary: summary({
        queried: 10_000,
        added: 3000,
        changed: 1000,
        unchanged: 6000,
        succeeded: 3980,
        invalid: 17,
        rejected: 4,
        durationMs: 5000,
        rateLimitWaitMs: 1500,
      }),
    });
    p.start("vip_list", { action: "list_membership", mode: "mirror" });
    p.onProgress({
      type: "diff",
      sync: "vip_list",
      queried: 50,
      added: 0,
      changed: 0,
      removed: 3,
      unchanged: 47,
    });
    vi.advanceTimersByTime(200);
    frame = shown(out.stderr.at(-1) ?? "");
    expect(frame[0]).toContain("1 running, 1 done");
    expect(frame[1]).toMatch(/vip_profiles {2}done\s+4,000 \/ 4,000 rows/);
    expect(frame[2]).toMatch(/vip_list\s+removing\s+0 \/ 0 rows .* removing 3 rows$/);
    p.end("vip_list", {
      error: new Error(`Klaviyo refused the key ${SECRET} for POST /api/lists (HTTP 403) ${"x".repeat(80)}`),
    });

    p.finish();
    const last = out.stderr.at(-1) ?? "";
    expect(last.startsWith(`${ESC}3A\r${ESC}0J`)).toBe(true);
    const lines = last.replace(`${ESC}3A\r${ESC}0J`, "").split("\n");
    expect(lines[0]).toMatch(
      /^sync\s+action\s+status\s+queried\s+added\s+changed\s+removed\s+unchanged\s+succeeded\s+invalid\s+rejected\s+time\s+waited\s+error$/,
    );
    expect(lines[1]).toMatch(
      /^vip_profiles\s+profiles upsert\s+succeeded\s+10,000\s+3,000\s+1,000\s+0\s+6,000\s+3,980\s+17\s+4\s+5\.0s\s+1\.5s$/,
    );
    expect(lines[2]).toMatch(
      /^vip_list\s+list_membership mirror\s+failed(\s+-){8}\s+\d+ms\s+0ms\s+Klaviyo refused the key \[REDACTED\].*…$/,
    );
    expect(lines[4]).toBe(
      "2 syncs: 1 ok, 1 failed; 3,980 succeeded, 17 invalid, 4 rejected in 3.8s; 1.5s waiting on rate limits",
    );
    expect(lines[5]).toBe("errors:");
    expect(lines[6]).toMatch(/^ {2}vip_list: Klaviyo refused the key \[REDACTED\] for POST \/api\/lists/);
    expect(out.stderr.join("\n")).not.toContain(SECRET);

    // Nothing is drawn after finish.
    const count = out.stderr.length;
    p.rowsRead("vip_list", 5);
    vi.advanceTimersByTime(5000);
    expect(out.stderr.length).toBe(count);
    expect(out.stdout).toEqual([]);
  });

  it("log() writes above the live view and redraws it; lines fit the terminal", () => {
    const out = capture();
    const p = createLoadProgressReporter(out, { tty: true, format: "text", columns: 50 });
    p.start(`a_sync_with_a_long_name_${"y".repeat(40)}`, { action: "profiles", mode: "upsert" });
    for (const line of (out.stderr[0] ?? "").split("\n")) {
      expect(line.replace(`\r${ESC}2K`, "").length).toBeLessThanOrEqual(49);
    }
    p.log(`warning: ${SECRET}`);
    expect(out.stderr[1]).toBe(`${ESC}2A\r${ESC}0Jwarning: [REDACTED]`);
    expect(out.stderr[2]?.startsWith("\r")).toBe(true);
    p.finish();
    expect(out.stderr.at(-1)).toBe(`${ESC}2A\r${ESC}0J[load] no syncs ran (0ms).`);
  });

  it("says when no sync ran", () => {
    const out = capture();
    const p = createLoadProgressReporter(out, { tty: true, format: "text" });
    p.finish();
    expect(out.stderr).toEqual(["[load] no syncs ran (0ms)."]);
  });
});

describe("load progress: plain text", () => {
  it("keeps the [load] lines: the diff, then each batch; no live codes and no table", () => {
    const out = capture();
    const p = createLoadProgressReporter(out, { tty: false, format: "text", syncs: ["vip"] });
    p.start("vip", { action: "profiles", mode: "upsert" });
    p.rowsRead("vip", 10);
    p.phase("vip", "diffing");
    p.onProgress({ type: "diff", sync: "vip", queried: 51, added: 51, changed: 0, removed: 0, unchanged: 0 });
    p.phase("vip", "polling");
    p.onProgress({ type: "batch", sync: "vip", sent: 50, succeeded: 50, invalid: 1, rejected: 0, total: 51 });
    p.end("vip", { summary: summary({ queried: 51, added: 51, succeeded: 50, invalid: 1 }) });
    p.log(`error: ${SECRET}`);
    p.finish();
    expect(out.stderr).toEqual([
      "[load] vip: 51 rows in the model; 51 added, 0 changed, 0 removed, 0 unchanged",
      "[load] vip: 50/51 sent; 50 succeeded, 1 invalid, 0 rejected",
      "error: [REDACTED]",
    ]);
    expect(out.stdout).toEqual([]);
  });
});

describe("load progress: json", () => {
  it("writes one JSON object per event, then a summary", () => {
    const out = capture();
    const p = createLoadProgressReporter(out, { tty: true, format: "json" });
    p.waitStats(() => 250);
    p.start("vip", { action: "profiles", mode: "upsert", dryRun: true });
    p.phase("vip", "diffing");
    p.onProgress({ type: "diff", sync: "vip", queried: 2, added: 2, changed: 0, removed: 0, unchanged: 0 });
    p.onProgress({ type: "batch", sync: "vip", sent: 2, succeeded: 2, invalid: 0, rejected: 0, total: 2 });
    p.end("vip", { summary: summary({ status: "dry-run", queried: 2, added: 2, succeeded: 2 }) });
    p.start("other", { action: "events", mode: "track" });
    p.end("other", { error: new Error(`boom ${SECRET}`) });
    p.finish();
    const lines = out.stderr.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.type)).toEqual([
      "sync-start",
      "phase",
      "diff",
      "batch",
      "sync-done",
      "sync-start",
      "sync-failed",
      "summary",
    ]);
    expect(lines[0]).toEqual({
      type: "sync-start",
      sync: "vip",
      action: "profiles",
      mode: "upsert",
      dryRun: true,
      at: "2025-01-01T00:00:00.000Z",
    });
    expect(lines[4]).toMatchObject({
      type: "sync-done",
      sync: "vip",
      summary: { status: "dry-run", added: 2 },
    });
    expect(lines[6]).toMatchObject({
      type: "sync-failed",
      error: { name: "Error", message: "boom [REDACTED]" },
    });
    expect(lines[7]).toMatchObject({
      type: "summary",
      rateLimitWaitMs: 250,
      ok: 1,
      failed: 1,
      results: [
        { sync: "vip", action: "profiles", summary: { status: "dry-run" } },
        { sync: "other", error: "boom [REDACTED]" },
      ],
    });
    expect(out.stderr.join("\n")).not.toContain(SECRET);
  });
});
