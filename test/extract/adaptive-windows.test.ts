/**
 * A windowed stream (events) reads more windows at once when Klaviyo answers slowly, so the
 * steady rate of get_events stays busy; a fast server keeps the default four, and a
 * `windowConcurrency` the caller set is kept. Every event arrives either way. Profiles are read in
 * windows of `updated` too, and a profile stamped exactly when a run began is read by the next.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpTransport } from "../../src/client/transport.js";
import type { Transport } from "../../src/client/types.js";
import { runExtract } from "../../src/extract/runner.js";
import { DuckDBTarget } from "../../src/extract/targets/duckdb.js";
import { startTestEmulator, type TestEmulator } from "../helpers/emulator.js";

let slow: TestEmulator;
let fast: TestEmulator;
beforeAll(async () => {
  [slow, fast] = await Promise.all([
    startTestEmulator({ seed: "demo", latencyMs: 250 }),
    startTestEmulator({ seed: "demo" }),
  ]);
});
afterAll(async () => {
  await Promise.all([slow.close(), fast.close()]);
});

/** Extracts a stream through a transport that counts its requests in flight at once. */
async function extract(emu: TestEmulator, windowConcurrency?: number, stream = "events") {
  const http = createHttpTransport();
  let inFlight = 0;
  let most = 0;
  const transport: Transport = async (req) => {
    const events = new URL(req.url).pathname.endsWith(`/api/${stream}`);
    if (events) most = Math.max(most, ++inFlight);
    try {
      return await http(req);
    } finally {
      if (events) inFlight--;
    }
  };
  const target = new DuckDBTarget(":memory:");
  await target.open();
  try {
    const result = await runExtract({
      client: emu.client({ transport }),
      target,
      streams: [{ name: stream }],
      // Windows of 7 days over the demo store's year of events: about 50 to widen into.
      ...(windowConcurrency ? { windowConcurrency } : {}),
    });
    expect(result.results[0]?.status).toBe("ok");
    return { most, rows: await target.count(stream) };
  } finally {
    await target.close();
    await http.close();
  }
}

describe("adaptive window concurrency", () => {
  it("reads more windows at once when each answer takes 250 ms", async () => {
    const r = await extract(slow);
    // 3,500 a minute is 58 a second: 250 ms answers need about 15 requests in flight.
    expect(r.most).toBeGreaterThanOrEqual(8);
    expect(r.most).toBeLessThanOrEqual(32);
    expect(r.rows).toBe(slow.store.events.size);
  });

  it("keeps four windows for a fast server, and exactly the windowConcurrency asked for", {
    timeout: 60_000,
  }, async () => {
    const quick = await extract(fast);
    expect(quick.most).toBeLessThanOrEqual(4);
    expect(quick.rows).toBe(fast.store.events.size);
    const fixed = await extract(fast, 2);
    expect(fixed.most).toBeLessThanOrEqual(2);
    expect(fixed.rows).toBe(fast.store.events.size);
  });
});

describe("profiles in windows of updated", () => {
  it("reads several windows at once when each answer takes 250 ms, every profile once", async () => {
    const r = await extract(slow, undefined, "profiles");
    // One cursor would have one request in flight.
    expect(r.most).toBeGreaterThanOrEqual(3);
    expect(r.rows).toBe(slow.store.profiles.size);
  });

  it("a profile updated exactly when a run began is read by the next run", async () => {
    const stamps = [...fast.store.profiles.values()].map((p) => p.updated).sort((a, b) => a - b);
    const moment = stamps[Math.floor(stamps.length / 2)] as number;
    const atMoment = stamps.filter((t) => t === moment).length;
    const before = stamps.filter((t) => t < moment).length;
    const target = new DuckDBTarget(":memory:");
    await target.open();
    try {
      const client = fast.client();
      // The first run "begins" at that profile's time: it reads what was updated before.
      const first = await runExtract({
        client,
        target,
        streams: [{ name: "profiles" }],
        now: () => new Date(moment),
      });
      expect(first.results[0]?.rows).toBe(before);
      const second = await runExtract({ client, target, streams: [{ name: "profiles" }] });
      expect(second.results[0]?.status).toBe("ok");
      expect(atMoment).toBeGreaterThanOrEqual(1);
      expect(await target.count("profiles")).toBe(fast.store.profiles.size);
    } finally {
      await target.close();
    }
  });
});
