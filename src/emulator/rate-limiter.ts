/**
 * The emulator's rate limits, as Klaviyo applies them: fixed windows per credential and operation
 * (burst: 1 s, steady: 60 s, daily caps), plus the lower tiers some parameters trigger. A request
 * over any window gets 429 with `Retry-After`; every other response carries `RateLimit-*` headers
 * for the steady window.
 */
import type { OperationInfo } from "../client/operation-info.js";

export interface RateLimitConfig {
  /** false: no limits at all. */
  enabled: boolean;
  /** Multiplies every limit (e.g. 10 for `--rate-limits 10x`). */
  scale: number;
}

interface Counter {
  window: number;
  count: number;
}

interface LaneWindows {
  limit: number;
  ms: number;
  counter: Counter;
}

export type RateDecision =
  | { ok: true; headers: Record<string, string> }
  | { ok: false; retryAfter: number; window: string; limit: number };

export class RateLimiter {
  private readonly lanes = new Map<string, LaneWindows[]>();
  /** Requests admitted and 429s per operation, for the admin counters. */
  readonly counters = new Map<string, { requests: number; throttled: number }>();

  constructor(private config: RateLimitConfig) {}

  configure(config: RateLimitConfig): void {
    this.config = config;
    this.lanes.clear();
  }

  get settings(): RateLimitConfig {
    return this.config;
  }

  reset(): void {
    this.lanes.clear();
    this.counters.clear();
  }

  private windowsFor(
    key: string,
    burst: number | null,
    steady: number | null,
    daily: number | null,
  ): LaneWindows[] {
    let w = this.lanes.get(key);
    if (!w) {
      const s = this.config.scale;
      w = [];
      const add = (limit: number | null, ms: number) => {
        if (limit)
          w?.push({ limit: Math.max(1, Math.floor(limit * s)), ms, counter: { window: -1, count: 0 } });
      };
      add(steady, 60_000);
      add(burst, 1000);
      add(daily, 86_400_000);
      this.lanes.set(key, w);
    }
    return w;
  }

  /** Counts one request of `principalId` to `op` at `now`, or says how long to wait. */
  check(principalId: string, op: OperationInfo, query: URLSearchParams, now: number): RateDecision {
    const stats = this.counters.get(op.id) ?? { requests: 0, throttled: 0 };
    this.counters.set(op.id, stats);
    if (!this.config.enabled) {
      stats.requests++;
      return { ok: true, headers: {} };
    }
    const lanes: LaneWindows[][] = [
      this.windowsFor(`${principalId}\u0000${op.id}`, op.burst, op.steady, op.daily),
    ];
    for (const t of op.tiers) {
      const raw = query.get(t.param);
      if (raw?.split(",").some((v) => v.trim() === t.value)) {
        lanes.push(
          this.windowsFor(`${principalId}\u0000${op.id}\u0000${t.param}=${t.value}`, t.burst, t.steady, null),
        );
      }
    }
    // Roll windows forward, then check all before counting any.
    let worst: { retryAfter: number; window: string; limit: number } | undefined;
    for (const lane of lanes) {
      for (const w of lane) {
        const idx = Math.floor(now / w.ms);
        if (w.counter.window !== idx) w.counter = { window: idx, count: 0 };
        if (w.counter.count >= w.limit) {
          const retryAfter = Math.max(1, Math.ceil(((idx + 1) * w.ms - now) / 1000));
          if (!worst || retryAfter > worst.retryAfter) {
            worst = {
              retryAfter,
              window: w.ms === 1000 ? "burst" : w.ms === 60_000 ? "steady" : "daily",
              limit: w.limit,
            };
          }
        }
      }
    }
    if (worst) {
      stats.throttled++;
      return { ok: false, ...worst };
    }
    for (const lane of lanes) for (const w of lane) w.counter.count++;
    stats.requests++;
    // Headers describe the steady window of the most restrictive lane used.
    const lane = lanes[lanes.length - 1] as LaneWindows[];
    const steady = lane.find((w) => w.ms === 60_000) ?? lane[0];
    if (!steady) return { ok: true, headers: {} };
    const reset = Math.max(0, Math.ceil(((steady.counter.window + 1) * steady.ms - now) / 1000));
    return {
      ok: true,
      headers: {
        "ratelimit-limit": String(steady.limit),
        "ratelimit-remaining": String(Math.max(0, steady.limit - steady.counter.count)),
        "ratelimit-reset": String(reset),
      },
    };
  }
}
