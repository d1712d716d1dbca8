/** Shared helpers for the seeding tests. */
import { type SeedOptions, seedStore } from "../../../src/emulator/seed.js";
import type { EventRecord } from "../../../src/emulator/store/events.js";
import { seededEventId } from "../../../src/emulator/store/events.js";
import { EmulatorStore } from "../../../src/emulator/store/store.js";
import { FakeClock } from "../../helpers/fake-clock.js";

/** The end of the seeded history in these tests (a fixed day, so runs are comparable). */
export const NOW = Date.UTC(2025, 5, 1);

export function seeded(options: SeedOptions, seedNumber = 1): EmulatorStore {
  const store = new EmulatorStore(seedNumber, new FakeClock(NOW + 9 * 3_600_000));
  seedStore(store, options);
  return store;
}

/** Every seeded event, materialised, in store order. */
export function allEvents(store: EmulatorStore): EventRecord[] {
  const out: EventRecord[] = [];
  for (let i = 0; i < store.events.size; i++) {
    const e = store.events.get(seededEventId(i));
    if (e) out.push(e);
  }
  return out;
}

export function metricName(store: EmulatorStore, metricId: string): string {
  return String(store.metrics.get(metricId)?.attributes.name);
}
