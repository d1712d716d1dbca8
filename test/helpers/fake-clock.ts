import type { Clock } from "../../src/client/types.js";

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
  reject: (reason: unknown) => void;
}

/**
 * A manual clock: `sleep` resolves only when the test moves time forward. `run()` drives a whole
 * scenario: it lets pending promises settle, then jumps to the next timer, until `done()` holds.
 */
export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];
  /** Every sleep requested, in ms (for asserting backoff and Retry-After). */
  readonly sleeps: number[] = [];

  constructor(start = 1_700_000_000_000) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const timer: Timer = { at: this.t + Math.max(0, ms), seq: this.seq++, resolve, reject };
      this.timers.push(timer);
      signal?.addEventListener(
        "abort",
        () => {
          this.timers = this.timers.filter((x) => x !== timer);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Lets queued promise callbacks run (several macrotask turns, so chained awaits settle). */
  async settle(turns = 5): Promise<void> {
    for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
  }

  /** Moves time to the next timer and fires every timer due by then. Returns false when none. */
  async next(): Promise<boolean> {
    if (this.timers.length === 0) return false;
    this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const first = this.timers[0] as Timer;
    this.t = Math.max(this.t, first.at);
    const due = this.timers.filter((x) => x.at <= this.t);
    this.timers = this.timers.filter((x) => x.at > this.t);
    for (const x of due) x.resolve();
    await this.settle();
    return true;
  }

  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const first = this.timers[0];
      if (!first || first.at > target) break;
      await this.next();
    }
    this.t = target;
    await this.settle();
  }

  /** Runs timers until `done()` is true (checked after every settle), or throws after `maxSteps`. */
  async run(done: () => boolean, maxSteps = 1_000_000): Promise<void> {
    await this.settle();
    for (let i = 0; i < maxSteps; i++) {
      if (done()) return;
      if (!(await this.next())) {
        await this.settle(20);
        if (done()) return;
        if (this.timers.length === 0)
          throw new Error("FakeClock.run: nothing scheduled and not done (deadlock?)");
      }
    }
    throw new Error("FakeClock.run: too many steps");
  }
}

/**
 * Real time plus an offset: `sleep` returns at once and moves the offset forward, so retry and
 * Retry-After waits cost nothing in tests against real loopback servers, yet are recorded.
 */
export class JumpClock implements Clock {
  private offset = 0;
  readonly sleeps: number[] = [];

  now(): number {
    return Date.now() + this.offset;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.sleeps.push(ms);
    this.offset += Math.max(0, ms);
    await new Promise<void>((r) => setImmediate(r));
  }
}
