import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  fractionOf,
  minSeconds,
  msToBoundary,
  pagesCeiling,
  pagesCeilingSimple,
  rowsCeiling,
} from "../../bench/ceiling.js";
import { getOperation } from "../../src/client/operations.js";
import { RateBudget } from "../../src/client/rate-budget.js";
import { FakeClock } from "../helpers/fake-clock.js";

describe("pagesCeiling", () => {
  it("counts the burst per second begun, capped by the steady quota per minute begun", () => {
    expect(pagesCeiling(0.5, 10, 150)).toBe(10);
    expect(pagesCeiling(10, 75, 750)).toBe(750);
    expect(pagesCeiling(59, 75, 750)).toBe(750);
    // A new minute starts with one second's burst, not a whole steady quota.
    expect(pagesCeiling(60.5, 75, 750)).toBe(825);
    expect(pagesCeiling(63, 75, 750)).toBe(975);
    expect(pagesCeiling(125.5, 75, 750)).toBe(1950);
    expect(pagesCeiling(14, 10, 150)).toBe(140);
  });

  it("is what Klaviyo's limits let the client's own rate budget send, greedily, by T", async () => {
    const op = getOperation("get_profiles")!;
    const clock = new FakeClock(0);
    const budget = new RateBudget({ clock, padMs: 0 });
    const admitted: number[] = [];
    let stop = false;
    void (async () => {
      while (!stop) {
        await budget.acquire(op);
        admitted.push(clock.now());
      }
    })();
    await clock.run(() => clock.now() >= 126_000);
    stop = true;
    for (const t of [0.5, 9.5, 10.5, 59.5, 60.5, 63.5, 125.5]) {
      expect(admitted.filter((a) => a < t * 1000).length, `by ${t} s`).toBe(pagesCeiling(t, 75, 750));
    }
  });

  it("never exceeds the simpler bound and never decreases with time", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0.01, max: 400, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (burst, perMinute, t, dt) => {
          const steady = burst * perMinute;
          const c = pagesCeiling(t, burst, steady);
          expect(c).toBeLessThanOrEqual(pagesCeilingSimple(t, burst, steady));
          expect(pagesCeiling(t + dt, burst, steady)).toBeGreaterThanOrEqual(c);
        },
      ),
    );
  });
});

describe("minSeconds", () => {
  it("is the shortest time the limits allow", () => {
    expect(minSeconds(1000, 75, 750)).toBe(63);
    expect(minSeconds(150, 10, 150)).toBe(14);
    // The 151st request waits for the next minute.
    expect(minSeconds(151, 10, 150)).toBe(60);
    expect(minSeconds(10, 10, 150)).toBe(0);
  });

  it("is consistent with pagesCeiling", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 100 }), (pages, burst) => {
        const steady = burst * 10;
        const s = minSeconds(pages, burst, steady);
        expect(pagesCeiling(s + 1, burst, steady)).toBeGreaterThanOrEqual(pages);
        if (s > 0) expect(pagesCeiling(s, burst, steady)).toBeLessThan(pages);
      }),
    );
  });
});

describe("rowsCeiling and fractionOf", () => {
  it("multiplies requests by the rows a request carries", () => {
    const c = rowsCeiling("bulk_create_events", { burst: 10, steady: 150 }, 1000, 28);
    expect(c.requestsCeiling).toBe(150);
    expect(c.rowsCeiling).toBe(150_000);
    expect(c.rowsPerSecond).toBeCloseTo(5357.1, 1);
    expect(c.steadyRowsPerSecond).toBe(2500);
    expect(fractionOf(75_000, c)).toBe(0.5);
    expect(fractionOf(1, null)).toBeNull();
  });
});

describe("msToBoundary", () => {
  it("waits for the next second or minute", () => {
    expect(msToBoundary(60_000, 60_000)).toBe(0);
    expect(msToBoundary(61_250, 60_000)).toBe(58_750);
    expect(msToBoundary(1_700_000_000_300, 1000)).toBe(700);
  });
});
