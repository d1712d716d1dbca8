/**
 * Deterministic seeding of the emulated account: the same seed number (the store's) and the same
 * `now` give identical data. Seeding replaces whatever the store held.
 *
 * - `{ preset: "demo" }`: a small realistic store (3,000 profiles, 50,000 events over two years, a
 *   catalog, lists and segments with members, email/SMS/push campaigns, flows, templates, tags,
 *   coupons and images).
 * - `{ profiles, events }` (optionally with `preset: "demo"`): the same shape at another scale;
 *   1,000,000 profiles and 5,000,000 events seed in seconds. Events live in the store's typed-array
 *   layout and their properties are built on read.
 * - `{ preset: "empty", profiles, events }`: only metrics, profiles and events.
 */
import { ensureAccount } from "./account.js";
import { catalogModel, seedCatalog } from "./seed/catalog.js";
import { generateEvents, seededEvents } from "./seed/events.js";
import {
  emailSendsOf,
  flowEmailsOf,
  type Marketing,
  planCampaigns,
  seedMarketing,
  seedMetrics,
} from "./seed/marketing.js";
import { Membership, seedCouponCodes } from "./seed/membership.js";
import { ProfileBuilder, planPopulation } from "./seed/people.js";
import { DAY, hash2, Rng } from "./seed/random.js";
import { Timeline } from "./seed/timeline.js";
import type { EmulatorStore } from "./store/store.js";

export interface SeedOptions {
  /** `demo`: a small realistic store. Counts below override its sizes. `empty`: counts only. */
  preset?: "demo" | "empty";
  profiles?: number;
  events?: number;
  /**
   * The moment the seeded history ends (ms since epoch): everything happens in the two years
   * before it. Default: the start of the current UTC day on the store's clock.
   */
  now?: number;
}

export interface SeedSummary {
  profiles: number;
  events: number;
  ms: number;
  /** Rows per table (lists, segments, campaigns...), for the full shape. */
  objects?: Record<string, number>;
}

/** Sizes of the demo preset. */
export const DEMO_PROFILES = 3_000;
export const DEMO_EVENTS = 50_000;
/** How far back the seeded history goes. */
export const SEED_HISTORY_DAYS = 730;

/** Seed options for the CLI's `--profiles N --events N`: the demo shape at that scale. */
export function scaledDemo(profiles?: number, events?: number): SeedOptions {
  return {
    preset: "demo",
    ...(profiles === undefined ? {} : { profiles }),
    ...(events === undefined ? {} : { events }),
  };
}

function wholeCount(name: string, n: number | undefined, fallback: number): number {
  if (n === undefined) return fallback;
  if (!Number.isInteger(n) || n < 0 || n > 100_000_000)
    throw new RangeError(`seed ${name} must be a whole number between 0 and 100,000,000; got ${n}.`);
  return n;
}

export function seedStore(store: EmulatorStore, options: SeedOptions): SeedSummary {
  const started = performance.now();
  store.reset();
  const full = options.preset !== "empty";
  const profileCount = wholeCount("profiles", options.profiles, full ? DEMO_PROFILES : 0);
  const eventCount = wholeCount("events", options.events, full ? DEMO_EVENTS : 0);
  const now = options.now ?? Math.floor(store.now() / DAY) * DAY;
  const start = now - SEED_HISTORY_DAYS * DAY;
  const seed = store.seed >>> 0;
  const rng = new Rng(hash2(seed, 0x5eed));

  if (full || profileCount > 0 || eventCount > 0) {
    const catalog = catalogModel();
    const metricIds = seedMetrics(store, start, now);
    const plans = planCampaigns(rng, catalog, start, now);
    let marketing: Marketing | undefined;
    if (full) {
      seedCatalog(store, catalog, rng, start, now);
      marketing = seedMarketing(store, rng, metricIds, plans, start, now);
    }
    const emailSends = marketing?.emailSends ?? emailSendsOf(plans);
    const flowEmails = marketing?.flowEmails ?? flowEmailsOf();

    const pop = planPopulation(seed, profileCount, start, now);
    const timeline = new Timeline(start, now, { growth: 1.2 });
    const bursts = new Int32Array(timeline.hours);
    emailSends.forEach((s, i) => {
      timeline.addBurst(s.time, 40);
      const h = timeline.hourOf(s.time);
      if (h >= 0) bursts[h] = i + 1;
    });
    const inputs = { seed, count: eventCount, pop, timeline, bursts, emailSends, flowEmails, catalog };
    const generated = generateEvents(inputs);

    const builder = new ProfileBuilder(store, seed, pop, now, marketing?.lists.newsletter);
    const membership = marketing ? new Membership(store, marketing, pop, now, seed) : undefined;
    const profileIds: string[] = [];
    for (let k = 0; k < profileCount; k++) {
      const record = builder.build(k);
      profileIds.push(record.id);
      membership?.profile(k, record);
    }
    membership?.finish();
    if (marketing) {
      const perCoupon = Math.min(500, Math.max(25, Math.round(profileCount / 40)));
      seedCouponCodes(store, marketing.coupons, profileIds, perCoupon, now, seed);
    }
    store.events.setSeeded(seededEvents(inputs, generated, profileIds, metricIds, store));
  }
  ensureAccount(store);

  const summary: SeedSummary = {
    profiles: store.profiles.size,
    events: store.events.size,
    ms: Math.round(performance.now() - started),
  };
  if (full) {
    summary.objects = Object.fromEntries(store.tables().map((t) => [t.type, t.size]));
  }
  return summary;
}
