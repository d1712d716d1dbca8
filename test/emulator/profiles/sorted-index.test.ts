/**
 * GET /api/profiles sorted by `updated` / `created` reads the store's ordered timestamp indexes.
 * These tests walk such sorts while profiles are created, updated, merged, subscribed and deleted
 * between pages, and check every page against a brute-force sort of the store as it is then
 * (which a stale index would fail), and against the bounded top-k scan the emulator used before.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  compileProfileFilter,
  createProfileRecord,
  deleteProfile,
  keysetPage,
  normalizeConditions,
  profileField,
  profilePage,
  updateProfileRecord,
} from "../../../src/emulator/handlers/profiles.js";
import { SUBSCRIPTION_JOB_COMPLETE_MS } from "../../../src/emulator/handlers/subscriptions.js";
import { requestFilter, type SortSpec } from "../../../src/emulator/jsonapi.js";
import { iso } from "../../../src/emulator/store/ids.js";
import type { ProfileRecord } from "../../../src/emulator/store/profiles.js";
import { EmulatorStore } from "../../../src/emulator/store/store.js";
import type { EmuRequest } from "../../../src/emulator/types.js";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../../helpers/emulator.js";
import { ManualClock, seedProfiles } from "./helpers.js";

type TimeSort = { field: "created" | "updated"; desc: boolean };

const idCmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Live profiles `accept` takes, sorted by (field, id) the slow way, strictly after `after` when given. */
function bruteForce(
  store: EmulatorStore,
  sort: TimeSort,
  accept: (p: ProfileRecord) => boolean,
  after?: { k: number; i: string },
): string[] {
  const f = sort.field;
  const sign = sort.desc ? -1 : 1;
  return [...store.profiles.values()]
    .filter(accept)
    .filter((p) => !after || sign * (p[f] - after.k || idCmp(p.id, after.i)) > 0)
    .sort((a, b) => sign * (a[f] - b[f] || idCmp(a.id, b.id)))
    .map((p) => p.id);
}

const cursorOf = (url: string) => {
  const raw = new URL(url).searchParams.get("page[cursor]");
  return raw
    ? (JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as { k: number; i: string })
    : undefined;
};

describe("GET /api/profiles in updated / created order while profiles change between pages", () => {
  const clock = new ManualClock(Date.UTC(2025, 0, 15, 12));
  let emu: TestEmulator;
  const headers = {
    authorization: `Klaviyo-API-Key ${TEST_KEY}`,
    revision: "2026-07-15",
    "content-type": "application/vnd.api+json",
  };
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${emu.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    expect(res.status, `${method} ${path}: ${text.slice(0, 300)}`).toBeLessThan(300);
    return (text ? JSON.parse(text) : {}) as { data?: unknown; links?: { next?: string; prev?: string } };
  };
  const ids = (doc: { data?: unknown }) => (doc.data as Array<{ id: string }>).map((r) => r.id);

  beforeAll(async () => {
    emu = await startTestEmulator({ clock });
    // 240 profiles created a second apart, with `updated` values shared by six profiles each and
    // unrelated to id order, so ties are broken by id all over the place.
    const seeded = seedProfiles(emu.store, 240);
    seeded.forEach((p, i) => {
      emu.store.profiles.mutate(p, (r) => {
        r.updated = Date.UTC(2024, 6, 1) + ((i * 7) % 40) * 1000;
      });
    });
  });
  afterAll(async () => {
    await emu.close();
  });

  /** One round of another writer's changes: every kind of write that moves `updated` or `created`. */
  async function changes(round: number, tag: string) {
    clock.advance(1000);
    const live = [...emu.store.profiles.values()];
    const pick = (n: number) => live[(round * n) % live.length] as ProfileRecord;
    const target = pick(37);
    await api("PATCH", `/api/profiles/${target.id}`, {
      data: { type: "profile", id: target.id, attributes: { first_name: `Round ${round}` } },
    });
    await api("POST", "/api/profiles", {
      data: { type: "profile", attributes: { email: `${tag}-${round}@example.com` } },
    });
    if (round % 2 === 0) {
      // The merge deletes the source and gives the destination the earlier `created`.
      const [a, b] = [pick(53), pick(71)];
      if (a !== b && a !== target && b !== target) {
        const [src, dest] = a.created < b.created ? [a, b] : [b, a];
        await api("POST", "/api/profile-merge", {
          data: {
            type: "profile-merge",
            id: dest.id,
            relationships: { profiles: { data: [{ type: "profile", id: src.id }] } },
          },
        });
      }
    }
    const other = pick(89);
    if (round % 3 === 0 && other.email) {
      await api("POST", "/api/events", {
        data: {
          type: "event",
          attributes: {
            properties: {},
            time: iso(clock.now()),
            metric: { data: { type: "metric", attributes: { name: "Viewed Product" } } },
            profile: { data: { type: "profile", attributes: { email: other.email } } },
          },
        },
      });
    }
    if (round % 4 === 1 && other.email) {
      await api("POST", "/api/profile-subscription-bulk-create-jobs", {
        data: {
          type: "profile-subscription-bulk-create-job",
          attributes: {
            profiles: {
              data: [
                {
                  type: "profile",
                  attributes: {
                    email: other.email,
                    subscriptions: { email: { marketing: { consent: "SUBSCRIBED" } } },
                  },
                },
              ],
            },
          },
        },
      });
      clock.advance(SUBSCRIPTION_JOB_COMPLETE_MS);
      emu.store.tick();
    }
  }

  it.each([
    { field: "updated", desc: false },
    { field: "updated", desc: true },
    { field: "created", desc: false },
    { field: "created", desc: true },
  ] as TimeSort[])("pages by $field (desc: $desc) exactly as a brute-force sort", async (sort) => {
    const scans = vi.spyOn(emu.store.profiles, "scanByTime");
    const repairs = emu.store.profiles.timeIndexRepairs;
    const upper = Date.UTC(2026, 0, 1);
    const lower = Date.UTC(2024, 0, 1, 0, 0, 20);
    const accept = (p: ProfileRecord) => p.updated < upper && p.created > lower;
    const size = 9;
    const q = new URLSearchParams({
      "page[size]": String(size),
      sort: `${sort.desc ? "-" : ""}${sort.field}`,
      filter: `less-than(updated,${iso(upper)}),greater-than(created,${iso(lower)})`,
    });
    let url: string | undefined = `${emu.url}/api/profiles?${q}`;
    let pages = 0;
    let moved = 0;
    while (url && pages < 80) {
      const doc = await api("GET", url.slice(emu.url.length));
      const rows = ids(doc);
      const expected = bruteForce(emu.store, sort, accept, cursorOf(url));
      expect(rows, `page ${pages}`).toEqual(expected.slice(0, size));
      expect(doc.links?.next !== undefined, `page ${pages} next`).toBe(expected.length > size);
      if (pages % 5 === 2 && doc.links?.prev) {
        // The way back: the `size` rows just before this page's first row.
        const back = await api("GET", doc.links.prev.slice(emu.url.length));
        const before = bruteForce(emu.store, { ...sort, desc: !sort.desc }, accept, cursorOf(doc.links.prev));
        expect(ids(back)).toEqual(before.slice(0, size).reverse());
      }
      url = doc.links?.next;
      pages++;
      const before = emu.store.profiles.size;
      await changes(pages, `${sort.field}-${sort.desc}`);
      moved += Math.abs(emu.store.profiles.size - before) + 1;
    }
    expect(url).toBeUndefined();
    expect(pages).toBeGreaterThan(20);
    expect(moved).toBeGreaterThan(20);
    expect(scans).toHaveBeenCalled();
    expect(emu.store.profiles.timeIndexRepairs).toBe(repairs);
    scans.mockRestore();
  });
});

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("profilePage over the timestamp indexes", () => {
  const request = (query: URLSearchParams) =>
    ({ query, origin: "http://emu.test", pathname: "/api/profiles" }) as EmuRequest;

  /** The emulator's previous way to page any non-id order: one bounded top-k pass over every profile. */
  const topKScan = (store: EmulatorStore, query: URLSearchParams, sort: SortSpec, size: number) => {
    const conds = normalizeConditions(requestFilter(request(query)));
    return keysetPage(request(query), store.profiles.ascending(), {
      sort,
      size,
      id: (p) => p.id,
      accept: compileProfileFilter(conds),
      key: (p) => profileField(p, sort.field),
    });
  };

  it.each([
    { seed: 1, chunk: 4 },
    { seed: 2, chunk: 16 },
    { seed: 3, chunk: 512 },
  ])(
    "gives the same rows and links as a full top-k scan through random writes (seed $seed, chunks of $chunk)",
    ({ seed, chunk }) => {
      const random = rng(seed);
      const int = (n: number) => Math.floor(random() * n);
      const store = new EmulatorStore(seed, new ManualClock());
      // Small chunks make the index split and drop chunks all the time.
      store.profiles.timeIndexChunk = chunk;
      let now = Date.UTC(2024, 0, 1);
      // `updated` in 300 buckets, so ties abound.
      const seeded = seedProfiles(store, 2600, { step: 1000 });
      for (const p of seeded) store.profiles.mutate(p, (r) => (r.updated = now + int(300) * 60_000));
      now += 400 * 60_000;
      const sorts = ["updated", "-updated", "created", "-created", "id", "-id"];
      const filters = [
        "",
        () => `less-than(updated,${iso(now + 1000)})`,
        () => `greater-than(updated,${iso(Date.UTC(2024, 0, 1) + int(400) * 60_000)})`,
        () => {
          const a = Date.UTC(2024, 0, 1) + int(400) * 60_000;
          return `greater-or-equal(updated,${iso(a)}),less-or-equal(updated,${iso(a + int(60) * 60_000)})`;
        },
        () => `greater-than(created,${iso(Date.UTC(2024, 0, 1) + int(2600) * 1000)})`,
        () =>
          `less-than(created,${iso(Date.UTC(2024, 0, 1) + int(2600) * 1000)}),less-than(updated,${iso(now)})`,
      ];
      let query: URLSearchParams | undefined;
      let sort: SortSpec = { field: "updated", desc: false };
      let size = 10;
      let compared = 0;
      for (let step = 0; step < 700; step++) {
        // Writes: updates (mutate, then `updated` set after it), touches, creates, `created` moved
        // earlier (as a merge does), deletes; several at the same instant, so `updated` ties too.
        if (random() < 0.7) now += int(3) * 1000;
        const live = [...store.profiles.values()];
        const p = live[int(live.length)] as ProfileRecord;
        const op = int(10);
        if (op < 3) updateProfileRecord(store, p, { first_name: `n${step}` }, undefined, now);
        else if (op < 5) store.profiles.touch(p, now);
        else if (op < 7)
          createProfileRecord(store, { email: `r${seed}-${step}@example.com` }, undefined, now);
        else if (op < 8) store.profiles.mutate(p, (r) => (r.created -= int(100) * 1000));
        else if (op < 9 && live.length > 100) deleteProfile(store, p);
        else if (op === 9) {
          // A run of the least recently updated profiles moves to the end (empties index chunks).
          const oldest = live.sort((a, b) => a.updated - b.updated || idCmp(a.id, b.id));
          for (const q of oldest.slice(0, 1 + int(12))) store.profiles.touch(q, now);
        }
        // Reads: keep walking the current query forward or back, or start another one.
        if (step % 3 !== 0) continue;
        if (!query || random() < 0.15) {
          const raw = sorts[int(sorts.length)] as string;
          sort = raw.startsWith("-") ? { field: raw.slice(1), desc: true } : { field: raw, desc: false };
          const filter = filters[int(filters.length)];
          size = 1 + int(40);
          query = new URLSearchParams({ "page[size]": String(size), sort: raw });
          if (typeof filter === "function") query.set("filter", filter());
        }
        const conds = normalizeConditions(requestFilter(request(query)));
        const got = profilePage(store, request(query), conds, sort, size);
        const want = topKScan(store, query, sort, size);
        expect(got.rows.map((r) => r.id)).toEqual(want.rows.map((r) => r.id));
        expect(got.next).toBe(want.next);
        expect(got.prev).toBe(want.prev);
        compared++;
        const link = random() < 0.25 ? got.prev : got.next;
        query = link ? new URL(link).searchParams : undefined;
      }
      expect(compared).toBeGreaterThan(200);
      expect(store.profiles.timeIndexRepairs).toBe(0);
    },
  );

  it("rebuilds an index that a write behind the store's back left stale, when it reads the entry", () => {
    const store = new EmulatorStore(1, new ManualClock());
    const seeded = seedProfiles(store, 50);
    const query = new URLSearchParams({ sort: "updated", "page[size]": "5" });
    const sort = { field: "updated", desc: false };
    const first = profilePage(store, request(query), [], sort, 5);
    expect(first.rows.map((r) => r.id)).toEqual(seeded.slice(0, 5).map((r) => r.id));
    // Not through mutate / touch: the index still has the old timestamp for this profile.
    (seeded[2] as ProfileRecord).updated = Date.UTC(2030, 0, 1);
    const again = profilePage(store, request(query), [], sort, 5);
    expect(again.rows.map((r) => r.id)).toEqual([0, 1, 3, 4, 5].map((i) => seeded[i]?.id));
    expect(store.profiles.timeIndexRepairs).toBe(1);
  });
});
