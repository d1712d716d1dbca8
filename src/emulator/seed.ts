/** Deterministic seeding of the emulated account (filled in by the seeding module). */
import type { EmulatorStore } from "./store/store.js";

export interface SeedOptions {
  /** `demo`: a small realistic store. Counts below override its sizes. */
  preset?: "demo" | "empty";
  profiles?: number;
  events?: number;
}

export interface SeedSummary {
  profiles: number;
  events: number;
  ms: number;
}

export function seedStore(store: EmulatorStore, options: SeedOptions): SeedSummary {
  const started = Date.now();
  void options;
  return { profiles: store.profiles.size, events: store.events.size, ms: Date.now() - started };
}
