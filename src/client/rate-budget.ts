/**
 * The client's rate budget: Klaviyo's per-operation limits (burst 1 s, steady 60 s, daily caps, and
 * the lower tiers some parameters trigger), shared by every concurrent caller of one client.
 *
 * Each window keeps a log of admission times and admits a request only while fewer than `limit`
 * requests fall within the last `ms` milliseconds. A sliding log never exceeds the server's fixed
 * windows, wherever their boundaries lie, while still running at the full average rate. A small
 * pad absorbs network jitter between our send time and the server's receive time.
 *
 * Admission per operation is first-come first-served. The budget also follows the server: a
 * `RateLimit-Remaining` below our own count means someone else uses the same key, and 0 or a 429's
 * `Retry-After` pauses the whole operation until the server's window resets.
 */
import { RateLimitError } from "./errors.js";
import type { OperationInfo } from "./operation-info.js";
import type { Clock } from "./types.js";

export interface RateBudgetOptions {
  clock: Clock;
  /** Set false to admit everything at once (benchmarks of the pipeline, or a server without limits). */
  enabled?: boolean;
  /** Multiplies every limit (for an emulator started with `--rate-limits 10x`). Default 1. */
  scale?: number;
  /** Added to each window's length to absorb network jitter. Default 50 ms. */
  padMs?: number;
  /** Longest a caller may be asked to wait for a window (e.g. a daily cap) before failing. Default 15 min. */
  maxWaitMs?: number;
}

interface Window {
  readonly name: "burst" | "steady" | "daily";
  readonly limit: number;
  readonly ms: number;
  /** Admission times, ascending, from `head` on. */
  log: number[];
  head: number;
}

interface Lane {
  readonly key: string;
  readonly windows: Window[];
  blockedUntil: number;
}

interface OperationState {
  base: Lane;
  tiers: Map<string, Lane>;
  /** Tail of the FIFO admission chain for this operation. */
  chain: Promise<void>;
  waiting: number;
}

export interface BudgetSnapshot {
  operationId: string;
  lane: string;
  windows: Array<{ name: string; limit: number; used: number }>;
  blockedUntil: number;
  waiting: number;
}

const DAY_MS = 86_400_000;

function countInWindow(w: Window, now: number, pad: number): number {
  const cutoff = now - w.ms - pad;
  while (w.head < w.log.length && (w.log[w.head] as number) <= cutoff) w.head++;
  if (w.head > 1024 && w.head * 2 > w.log.length) {
    w.log = w.log.slice(w.head);
    w.head = 0;
  }
  return w.log.length - w.head;
}

/** Earliest time at which the window admits one more request. */
function windowFreeAt(w: Window, now: number, pad: number): number {
  const used = countInWindow(w, now, pad);
  if (used < w.limit) return now;
  // The (used - limit + 1)-th oldest entry must leave the window.
  const idx = w.head + (used - w.limit);
  return (w.log[idx] as number) + w.ms + pad + 1;
}

function insertSorted(w: Window, t: number): void {
  const log = w.log;
  if (log.length === w.head || (log[log.length - 1] as number) <= t) {
    log.push(t);
    return;
  }
  let i = log.length;
  while (i > w.head && (log[i - 1] as number) > t) i--;
  log.splice(i, 0, t);
}

export class RateBudget {
  private readonly clock: Clock;
  private readonly enabled: boolean;
  private readonly scale: number;
  private readonly padMs: number;
  private readonly maxWaitMs: number;
  private readonly ops = new Map<string, OperationState>();
  /** Total time callers spent waiting for the budget, ms. */
  waitedMs = 0;

  constructor(options: RateBudgetOptions) {
    this.clock = options.clock;
    this.enabled = options.enabled ?? true;
    this.scale = options.scale ?? 1;
    this.padMs = options.padMs ?? 50;
    this.maxWaitMs = options.maxWaitMs ?? 15 * 60_000;
    if (!(this.scale > 0)) throw new RangeError("rate budget scale must be > 0");
  }

  get isEnabled(): boolean {
    return this.enabled;
  }

  private makeLane(key: string, burst: number | null, steady: number | null, daily: number | null): Lane {
    const windows: Window[] = [];
    const s = this.scale;
    if (burst)
      windows.push({ name: "burst", limit: Math.max(1, Math.floor(burst * s)), ms: 1000, log: [], head: 0 });
    if (steady)
      windows.push({
        name: "steady",
        limit: Math.max(1, Math.floor(steady * s)),
        ms: 60_000,
        log: [],
        head: 0,
      });
    if (daily)
      windows.push({
        name: "daily",
        limit: Math.max(1, Math.floor(daily * s)),
        ms: DAY_MS,
        log: [],
        head: 0,
      });
    return { key, windows, blockedUntil: 0 };
  }

  private state(op: OperationInfo): OperationState {
    let st = this.ops.get(op.id);
    if (!st) {
      st = {
        base: this.makeLane(op.id, op.burst, op.steady, op.daily),
        tiers: new Map(),
        chain: Promise.resolve(),
        waiting: 0,
      };
      for (const t of op.tiers) {
        const key = `${t.param}=${t.value}`;
        st.tiers.set(key, this.makeLane(`${op.id}[${key}]`, t.burst, t.steady, null));
      }
      this.ops.set(op.id, st);
    }
    return st;
  }

  /** The tier lanes a request's query triggers (e.g. `additional-fields[profile]=predictive_analytics`). */
  tiersFor(op: OperationInfo, query: URLSearchParams): string[] {
    const keys: string[] = [];
    for (const t of op.tiers) {
      const raw = query.get(t.param);
      if (raw?.split(",").some((v) => v.trim() === t.value)) keys.push(`${t.param}=${t.value}`);
    }
    return keys;
  }

  private lanes(st: OperationState, tierKeys: readonly string[]): Lane[] {
    const lanes = [st.base];
    for (const k of tierKeys) {
      const lane = st.tiers.get(k);
      if (lane) lanes.push(lane);
    }
    return lanes;
  }

  /**
   * Waits until the operation (and the tiers its parameters trigger) may send one more request,
   * then counts it. Callers of one operation are admitted in arrival order.
   */
  async acquire(
    op: OperationInfo,
    tierKeys: readonly string[] = [],
    signal?: AbortSignal,
  ): Promise<number | undefined> {
    if (!this.enabled) return undefined;
    const st = this.state(op);
    const lanes = this.lanes(st, tierKeys);
    const previous = st.chain;
    let release!: () => void;
    st.chain = new Promise<void>((resolve) => {
      release = resolve;
    });
    st.waiting++;
    try {
      await previous;
      for (;;) {
        signal?.throwIfAborted();
        const now = this.clock.now();
        let freeAt = now;
        let limiting: { lane: Lane; window?: Window } | undefined;
        for (const lane of lanes) {
          if (lane.blockedUntil > freeAt) {
            freeAt = lane.blockedUntil;
            limiting = { lane };
          }
          for (const w of lane.windows) {
            const t = windowFreeAt(w, now, this.padMs);
            if (t > freeAt) {
              freeAt = t;
              limiting = { lane, window: w };
            }
          }
        }
        if (freeAt <= now) {
          for (const lane of lanes) for (const w of lane.windows) insertSorted(w, now);
          return now;
        }
        const wait = freeAt - now;
        if (wait > this.maxWaitMs) {
          const which = limiting?.window
            ? `its ${limiting.window.name} limit of ${limiting.window.limit} requests`
            : "a server-requested pause";
          throw new RateLimitError(
            `${op.id} has used ${which}; the next request would have to wait ${Math.ceil(wait / 1000)}s, longer than the allowed ${Math.round(this.maxWaitMs / 1000)}s. Try again after the window resets${limiting?.window?.name === "daily" ? " (daily caps reset 24 hours after the first request)" : ""}.`,
            { operationId: op.id, method: op.method, path: op.path, retryAfter: Math.ceil(wait / 1000) },
          );
        }
        const started = this.clock.now();
        await this.clock.sleep(wait, signal);
        this.waitedMs += this.clock.now() - started;
      }
    } finally {
      st.waiting--;
      release();
    }
  }

  /**
   * Gives back the slot of a request the server throttled (429): the server did not count it, so
   * neither does the budget, and its retry does not use a second slot. Without this, a run that
   * spends a whole steady window's quota and meets one 429 would wait for the next window for
   * the retry. `admittedAt` is what `acquire` returned for that request.
   */
  refund(op: OperationInfo, tierKeys: readonly string[], admittedAt: number | undefined): void {
    if (!this.enabled || admittedAt === undefined) return;
    for (const lane of this.lanes(this.state(op), tierKeys)) {
      for (const w of lane.windows) {
        const i = w.log.lastIndexOf(admittedAt);
        if (i >= w.head) w.log.splice(i, 1);
      }
    }
  }

  /** Pauses the operation (all its callers) for `seconds`, as a 429's `Retry-After` asks. */
  pause(op: OperationInfo, tierKeys: readonly string[], seconds: number): void {
    if (!this.enabled) return;
    const until = this.clock.now() + Math.max(0, seconds) * 1000;
    for (const lane of this.lanes(this.state(op), tierKeys))
      lane.blockedUntil = Math.max(lane.blockedUntil, until);
  }

  /**
   * Follows the server's `RateLimit-*` headers (steady window). When the server has seen more
   * requests than we sent (another process shares the key), the difference is booked so that it
   * expires when the server's window resets; `Remaining: 0` pauses until the reset.
   */
  observe(op: OperationInfo, tierKeys: readonly string[], headers: Record<string, string>): void {
    if (!this.enabled) return;
    const remaining = leadingNumber(headers["ratelimit-remaining"]);
    const reset = leadingNumber(headers["ratelimit-reset"]);
    const limit = leadingNumber(headers["ratelimit-limit"]);
    if (remaining === undefined || reset === undefined) return;
    const st = this.state(op);
    const lanes = this.lanes(st, tierKeys);
    // The header describes the steady window of the most restrictive lane the request counted in.
    let lane = lanes[lanes.length - 1] as Lane;
    if (limit !== undefined) {
      const match = lanes.find((l) => l.windows.some((w) => w.name === "steady" && w.limit === limit));
      if (match) lane = match;
    }
    const steady = lane.windows.find((w) => w.name === "steady");
    const now = this.clock.now();
    const resetAt = now + reset * 1000;
    if (remaining <= 0) {
      lane.blockedUntil = Math.max(lane.blockedUntil, resetAt);
      return;
    }
    if (!steady) return;
    const ours = steady.limit - countInWindow(steady, now, this.padMs);
    const missing = Math.min(ours - remaining, steady.limit);
    if (missing <= 0) return;
    const at = Math.min(now, resetAt - steady.ms);
    for (let i = 0; i < missing; i++) insertSorted(steady, at);
  }

  /** What the budget holds for each operation it has seen (for diagnostics and tests). */
  snapshot(): BudgetSnapshot[] {
    const now = this.clock.now();
    const out: BudgetSnapshot[] = [];
    for (const [id, st] of this.ops) {
      for (const lane of [st.base, ...st.tiers.values()]) {
        out.push({
          operationId: id,
          lane: lane.key,
          windows: lane.windows.map((w) => ({
            name: w.name,
            limit: w.limit,
            used: countInWindow(w, now, this.padMs),
          })),
          blockedUntil: lane.blockedUntil,
          waiting: st.waiting,
        });
      }
    }
    return out;
  }
}

function leadingNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)/.exec(value);
  return m ? Number(m[1]) : undefined;
}

/** Parses `Retry-After`: delta seconds, or an HTTP date. Returns seconds, or undefined. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  const date = Date.parse(v);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, (date - now) / 1000);
}
