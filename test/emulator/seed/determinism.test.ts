import { describe, expect, it } from "vitest";
import { seedStore } from "../../../src/emulator/seed.js";
import { allEvents, NOW, seeded } from "./helpers.js";

const SMALL = { preset: "demo", profiles: 1_500, events: 12_000 } as const;

function snapshot(store: ReturnType<typeof seeded>) {
  return {
    profiles: [...store.profiles.values()],
    events: allEvents(store),
    tables: store.tables().map((t) => [t.type, [...t.values()]]),
    lists: [...store.listMembers].map(([id, m]) => [id, [...m]]),
    segments: [...store.segmentMembers].map(([id, m]) => [id, [...m]]),
  };
}

describe("seeding is deterministic", () => {
  it("gives identical profiles, events and objects for the same seed number", () => {
    const a = snapshot(seeded(SMALL, 7));
    const b = snapshot(seeded(SMALL, 7));
    expect(a.profiles.length).toBe(1_500);
    expect(a.events.length).toBe(12_000);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it("gives different data for different seed numbers", () => {
    const a = seeded(SMALL, 1);
    const b = seeded(SMALL, 2);
    const emailsA = [...a.profiles.values()].map((p) => p.email);
    const emailsB = [...b.profiles.values()].map((p) => p.email);
    expect(emailsA).not.toEqual(emailsB);
    const eventsA = allEvents(a).map((e) => [e.datetime, e.properties]);
    const eventsB = allEvents(b).map((e) => [e.datetime, e.properties]);
    expect(JSON.stringify(eventsA)).not.toBe(JSON.stringify(eventsB));
  });

  it("reseeding a used store gives the same data as seeding a fresh one", () => {
    const fresh = seeded(SMALL, 3);
    const used = seeded({ preset: "demo", profiles: 200, events: 1_000 }, 3);
    seedStore(used, { ...SMALL, now: NOW });
    const a = [...fresh.profiles.values()].map((p) => [p.email, p.created, p.properties]);
    const b = [...used.profiles.values()].map((p) => [p.email, p.created, p.properties]);
    expect(b).toEqual(a);
    expect(used.profiles.size).toBe(1_500);
    expect(used.events.size).toBe(12_000);
  });

  it("anchors the history at `now` (two years ending at the start of the clock's day)", () => {
    const store = seeded(SMALL, 1);
    const created = [...store.profiles.values()].map((p) => p.created);
    expect(Math.min(...created)).toBeGreaterThanOrEqual(NOW - 730 * 86_400_000);
    expect(Math.max(...created)).toBeLessThanOrEqual(NOW);
    const events = allEvents(store);
    expect(events[events.length - 1]?.datetime).toBeLessThanOrEqual(NOW);
    expect(events[0]?.datetime).toBeGreaterThanOrEqual(NOW - 730 * 86_400_000);
  });
});
