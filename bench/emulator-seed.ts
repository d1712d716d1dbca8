/**
 * Emulator seeding at scale: seeds the demo shape with 1,000,000 profiles and 5,000,000 events
 * into a running in-process emulator, then serves a few reads, and reports the seed time and the
 * process memory (RSS peak while serving, heap after seeding). Target: seeding within 2 minutes
 * and the process within 4 GiB RSS.
 *
 *   npx tsx bench/emulator-seed.ts [--profiles 1000000] [--events 5000000]
 */
import { ServerError } from "../src/client/errors.js";
import { createClient } from "../src/client/index.js";
import { seedStore } from "../src/emulator/seed.js";
import { startEmulator } from "../src/emulator/server.js";

export interface EmulatorSeedResult {
  benchmark: "emulator-seed";
  profiles: number;
  events: number;
  seedMs: number;
  /** Peak RSS of the process while seeding and serving reads. */
  rssMb: number;
  heapUsedMb: number;
  /** Reads served after seeding (operations without a handler yet are skipped). */
  reads: Record<string, number>;
  target: { seedMs: 120_000; rssMb: 4096 };
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

export async function runEmulatorSeed(profiles = 1_000_000, events = 5_000_000): Promise<EmulatorSeedResult> {
  const key = "pk_bench_emulator_seed";
  const emu = await startEmulator({ apiKeys: [key], seed: "none", rateLimits: { enabled: false, scale: 1 } });
  let peak = process.memoryUsage().rss;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  try {
    const summary = seedStore(emu.store, { profiles, events });
    sample();
    const heapUsed = process.memoryUsage().heapUsed;
    const timer = setInterval(sample, 50);
    const client = createClient({ apiKey: key, baseUrl: emu.url, env: {}, rateLimit: { enabled: false } });
    const reads: Record<string, number> = {};
    const read = async (name: string, fn: () => Promise<{ data: unknown }>) => {
      const started = performance.now();
      try {
        const res = await fn();
        if (Array.isArray(res.data) && res.data.length === 0) throw new Error(`${name} returned no rows`);
        reads[name] = Math.round(performance.now() - started);
      } catch (err) {
        if (!(err instanceof ServerError && err.status === 501)) throw err;
      }
    };
    try {
      await read("get_metrics", () => client.call("get_metrics"));
      await read("get_lists", () => client.call("get_lists"));
      await read("get_profiles", () => client.call("get_profiles", { query: { "page[size]": 100 } }));
      await read("get_profiles(filter)", () =>
        client.call("get_profiles", { query: { filter: "greater-than(updated,2025-01-01T00:00:00Z)" } }),
      );
      await read("get_events", () => client.call("get_events", { query: { "page[size]": 200 } }));
      await read("get_events(last day)", () =>
        client.call("get_events", {
          query: { filter: `greater-than(datetime,${new Date(Date.now() - 2 * 86_400_000).toISOString()})` },
        }),
      );
    } finally {
      clearInterval(timer);
      sample();
      await client.close();
    }
    return {
      benchmark: "emulator-seed",
      profiles: summary.profiles,
      events: summary.events,
      seedMs: summary.ms,
      rssMb: mb(peak),
      heapUsedMb: mb(heapUsed),
      reads,
      target: { seedMs: 120_000, rssMb: 4096 },
    };
  } finally {
    await emu.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runEmulatorSeed(arg("profiles", 1_000_000), arg("events", 5_000_000));
  console.log(JSON.stringify(result));
}
