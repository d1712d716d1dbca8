import { describe, expect, it } from "vitest";
import { RateLimitError } from "../../src/client/errors.js";
import { getOperation } from "../../src/client/operations.js";
import { RateBudget } from "../../src/client/rate-budget.js";
import { FakeClock } from "../helpers/fake-clock.js";

const getProfiles = getOperation("get_profiles")!;
const createList = getOperation("create_list")!;

/** Largest number of admissions in any window of `ms` (half-open: (t - ms, t]). */
function maxInWindow(times: number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while ((sorted[lo] as number) <= (sorted[hi] as number) - ms) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

describe("RateBudget", () => {
  it("reads the spec's limits for an operation", () => {
    expect(getProfiles.burst).toBe(75);
    expect(getProfiles.steady).toBe(750);
    expect(createList.daily).toBe(150);
    expect(getProfiles.tiers).toContainEqual({
      param: "additional-fields[profile]",
      value: "predictive_analytics",
      burst: 10,
      steady: 150,
    });
  });

  it("keeps 50 concurrent callers within the burst and steady windows, at the full rate", async () => {
    const clock = new FakeClock();
    const budget = new RateBudget({ clock });
    const start = clock.now();
    const admitted: number[] = [];
    const perCaller = 20; // 1,000 requests: more than one steady window (750/min) holds
    let finished = 0;
    for (let c = 0; c < 50; c++) {
      void (async () => {
        for (let i = 0; i < perCaller; i++) {
          await budget.acquire(getProfiles);
          admitted.push(clock.now() - start);
        }
        finished++;
      })();
    }
    await clock.run(() => finished === 50);
    expect(admitted).toHaveLength(1000);
    expect(maxInWindow(admitted, 1000)).toBeLessThanOrEqual(75);
    expect(maxInWindow(admitted, 60_000)).toBeLessThanOrEqual(750);
    // Runs at the ceiling: the first 750 go within ~10 s (75/s), the 751st just after the minute.
    const sorted = [...admitted].sort((a, b) => a - b);
    expect(sorted[749]).toBeLessThan(10_500);
    expect(sorted[750]).toBeGreaterThanOrEqual(60_000);
    expect(sorted[750]).toBeLessThan(60_200);
  });

  it("gives back the slot of a throttled request: its retry does not wait for the next minute", async () => {
    const accounts = getOperation("get_accounts");
    if (!accounts?.steady) throw new Error("get_accounts has no limits");
    for (const refund of [true, false]) {
      const clock = new FakeClock();
      const budget = new RateBudget({ clock });
      const start = clock.now();
      let last: number | undefined;
      // The whole steady quota (15 a minute), the last request throttled by the server.
      for (let i = 0; i < accounts.steady; i++) {
        let done = false;
        void budget.acquire(accounts).then((t) => {
          last = t;
          done = true;
        });
        await clock.run(() => done);
      }
      if (refund) budget.refund(accounts, [], last);
      let retriedAt = 0;
      let done = false;
      void budget.acquire(accounts).then(() => {
        retriedAt = clock.now() - start;
        done = true;
      });
      await clock.run(() => done);
      // With the slot given back, the retry goes within the first minute; without, after it.
      if (refund) expect(retriedAt).toBeLessThan(60_000);
      else expect(retriedAt).toBeGreaterThanOrEqual(60_000);
    }
  });

  it("admits callers of one operation in arrival order", async () => {
    const clock = new FakeClock();
    const budget = new RateBudget({ clock });
    const order: number[] = [];
    let finished = 0;
    for (let i = 0; i < 200; i++) {
      void budget.acquire(getProfiles).then(() => {
        order.push(i);
        finished++;
      });
    }
    await clock.run(() => finished === 200);
    expect(order).toEqual([...Array(200).keys()]);
  });

  it("applies the lower tier that predictive_analytics triggers, on top of the base limits", async () => {
    const clock = new FakeClock();
    const budget = new RateBudget({ clock });
    const tiers = budget.tiersFor(
      getProfiles,
      new URLSearchParams("additional-fields[profile]=subscriptions,predictive_analytics"),
    );
    expect(tiers).toEqual(["additional-fields[profile]=predictive_analytics"]);
    expect(
      budget.tiersFor(getProfiles, new URLSearchParams("additional-fields[profile]=subscriptions")),
    ).toEqual([]);
    const start = clock.now();
    const admitted: number[] = [];
    let finished = 0;
    for (let i = 0; i < 30; i++) {
      void budget.acquire(getProfiles, tiers).then(() => {
        admitted.push(clock.now() - start);
        finished++;
      });
    }
    await clock.run(() => finished === 30);
    expect(maxInWindow(admitted, 1000)).toBeLessThanOrEqual(10);
    // 30 requests at 10/s need three burst windows.
    expect(Math.max(...admitted)).toBeGreaterThanOrEqual(2000);
  });

  it("pauses every caller of an operation for Retry-After", async () => {
    const clock = new FakeClock();
    const budget = new RateBudget({ clock });
    const start = clock.now();
    await budget.acquire(getProfiles);
    budget.pause(getProfiles, [], 7);
    const admitted: number[] = [];
    for (let i = 0; i < 5; i++)
      void budget.acquire(getProfiles).then(() => admitted.push(clock.now() - start));
    await clock.run(() => admitted.length === 5);
    expect(Math.min(...admitted)).toBeGreaterThanOrEqual(7000);
  });

  it("pauses until the reset when the server says RateLimit-Remaining: 0", async () => {
    const clock = new FakeClock();
    const budget = new RateBudget({ clock });
    const start = clock.now();
    await budget.acquire(getProfiles);
    budget.observe(getProfiles, [], {
      "ratelimit-limit": "750",
      "ratelimit-remaining": "0",
      "ratelimit-reset": "42",
    });
    let at = -1;
    void budget.acquire(getProfiles).then(() => {
      at = clock.now() - start;
    });
    await clock.run(() => at >= 0);
    expect(at).toBeGreaterThanOrEqual(42_000);
  });

  it("books requests the server saw but we did not send (another process on the same key)", async () => {
    const clock = new FakeClock();
    const budget = new RateBudget({ clock });
    await budget.acquire(getProfiles);
    budget.observe(getProfiles, [], {
      "ratelimit-limit": "750",
      "ratelimit-remaining": "10",
      "ratelimit-reset": "30",
    });
    const snap = budget.snapshot().find((s) => s.lane === "get_profiles");
    expect(snap?.windows.find((w) => w.name === "steady")?.used).toBe(740);
    // Those bookings expire when the server's window resets (30 s), not a full minute later.
    await clock.advance(30_100);
    const later = budget.snapshot().find((s) => s.lane === "get_profiles");
    expect(later?.windows.find((w) => w.name === "steady")?.used).toBe(1);
  });

  it("fails fast with a clear error when a daily cap is used up", async () => {
    const clock = new FakeClock();
    const budget = new RateBudget({ clock });
    let done = 0;
    const run = async () => {
      for (let i = 0; i < 150; i++) await budget.acquire(createList);
      done = 1;
    };
    void run();
    await clock.run(() => done === 1);
    await expect(budget.acquire(createList)).rejects.toThrow(RateLimitError);
    await expect(budget.acquire(createList)).rejects.toThrow(/daily limit of 150/);
  });

  it("scales limits for an emulator run at a factor, and admits everything when disabled", async () => {
    const clock = new FakeClock();
    const scaled = new RateBudget({ clock, scale: 10 });
    const snapAfter = async () => {
      for (let i = 0; i < 750; i++) await scaled.acquire(getProfiles);
      return clock.now();
    };
    const t0 = clock.now();
    expect(await snapAfter()).toBe(t0); // 750 fit in one 750/s burst window
    const off = new RateBudget({ clock, enabled: false });
    for (let i = 0; i < 10_000; i++) await off.acquire(getProfiles);
    expect(clock.now()).toBe(t0);
  });

  it("stops waiting when the caller aborts", async () => {
    const clock = new FakeClock();
    const budget = new RateBudget({ clock });
    budget.pause(getProfiles, [], 60);
    const ac = new AbortController();
    const p = budget.acquire(getProfiles, [], ac.signal);
    await clock.settle();
    ac.abort(new Error("stop"));
    await expect(p).rejects.toThrow("stop");
    // The chain is released: a later caller is not stuck behind the aborted one.
    let ok = false;
    void budget.acquire(getProfiles).then(() => {
      ok = true;
    });
    await clock.run(() => ok);
    expect(ok).toBe(true);
  });
});
