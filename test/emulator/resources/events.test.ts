import { afterEach, describe, expect, it } from "vitest";
import { NotFoundError, type ValidationError } from "../../../src/client/errors.js";
import type { BodyOf } from "../../../src/client/typed.js";
import { startTestEmulator, type TestEmulator } from "../../helpers/emulator.js";
import { failure, iso, ManualClock } from "./helpers.js";

let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

type EventBody = BodyOf<"create_event">;
type EventAttrs = EventBody["data"]["attributes"];
type BulkBody = BodyOf<"bulk_create_events">;

function event(
  metric: string,
  profile: Record<string, string>,
  extra: Partial<Omit<EventAttrs, "metric" | "profile">> = {},
): EventBody {
  return {
    data: {
      type: "event",
      attributes: {
        properties: {},
        ...extra,
        metric: { data: { type: "metric", attributes: { name: metric } } },
        profile: { data: { type: "profile", attributes: profile } },
      },
    },
  };
}

function bulk(
  groups: Array<{
    profile: Record<string, string>;
    events: Array<{ metric: string } & Partial<Omit<EventAttrs, "metric" | "profile">>>;
  }>,
): BulkBody {
  return {
    data: {
      type: "event-bulk-create-job",
      attributes: {
        "events-bulk-create": {
          data: groups.map((g) => ({
            type: "event-bulk-create" as const,
            attributes: {
              profile: { data: { type: "profile" as const, attributes: g.profile } },
              events: {
                data: g.events.map(({ metric, ...rest }) => ({
                  type: "event" as const,
                  attributes: {
                    properties: {},
                    ...rest,
                    metric: { data: { type: "metric" as const, attributes: { name: metric } } },
                  },
                })),
              },
            },
          })),
        },
      },
    },
  };
}

const T0 = Date.UTC(2026, 0, 10, 0, 0, 0);

describe("emulated events: create", () => {
  it("creates the metric and the profile, and reads the event back with its metric and profile", async () => {
    const clock = new ManualClock();
    emu = await startTestEmulator({ clock });
    const c = emu.client();
    const res = await c.events.create(
      event(
        "Placed Order",
        { email: "Ada@Example.com", first_name: "Ada" },
        {
          time: "2026-01-10T08:30:15.789Z",
          value: 42.5,
          value_currency: "USD",
          properties: { items: ["a", "b"] },
        },
      ),
    );
    expect(res).toBeUndefined();
    const metric = emu.store.metrics.find((m) => m.attributes.name === "Placed Order");
    const profile = emu.store.profiles.byEmailAddress("ada@example.com");
    expect(metric).toBeDefined();
    expect(profile?.first_name).toBe("Ada");

    const page = await c.events.list({ include: ["metric", "profile"] }).first();
    expect(page.data).toHaveLength(1);
    const e = page.data[0];
    expect(e?.attributes.datetime).toBe("2026-01-10T08:30:15+00:00");
    expect(e?.attributes.timestamp).toBe(Math.floor(Date.UTC(2026, 0, 10, 8, 30, 15) / 1000));
    expect(e?.attributes.event_properties).toMatchObject({ items: ["a", "b"], $value: 42.5 });
    expect(e?.attributes.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(e?.relationships?.metric?.data?.id).toBe(metric?.id);
    expect(e?.relationships?.profile?.data?.id).toBe(profile?.id);
    expect(page.included.map((r) => r.type).sort()).toEqual(["metric", "profile"]);
    expect(profile?.last_event_date).toBe(Date.UTC(2026, 0, 10, 8, 30, 15));

    const id = e?.id ?? "";
    const one = await c.events.get(id, { include: ["metric"] });
    expect(one.data.id).toBe(id);
    expect(one.included?.[0]?.id).toBe(metric?.id);
    const m = await c.call("get_metric_for_event", { path: { id } });
    expect(m.data?.attributes.name).toBe("Placed Order");
    const mid = await c.call("get_metric_id_for_event", { path: { id } });
    expect(mid.data).toEqual({ type: "metric", id: metric?.id });
    const p = await c.call("get_profile_for_event", {
      path: { id },
      query: { "additional-fields[profile]": ["subscriptions"] },
    });
    expect(p.data?.attributes.email).toBe("Ada@Example.com");
    expect(p.data?.attributes.subscriptions?.email?.marketing?.consent).toBe("NEVER_SUBSCRIBED");
    const pid = await c.call("get_profile_id_for_event", { path: { id } });
    expect(pid.data).toEqual({ type: "profile", id: profile?.id });

    await expect(c.events.get("NOPE")).rejects.toBeInstanceOf(NotFoundError);
    await expect(c.call("get_metric_for_event", { path: { id: "NOPE" } })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("finds existing profiles by any identifier and defaults the time to now", async () => {
    const clock = new ManualClock(T0);
    emu = await startTestEmulator({ clock });
    const c = emu.client();
    await c.events.create(event("Viewed", { external_id: "ext-1", phone_number: "+15555550100" }));
    clock.advance(1000);
    await c.events.create(event("Viewed", { phone_number: "+15555550100", email: "x@example.com" }));
    clock.advance(1000);
    await c.events.create(event("Viewed", { anonymous_id: "anon-1" }));
    clock.advance(1000);
    await c.events.create(event("Viewed", { anonymous_id: "anon-1" }));
    expect(emu.store.profiles.size).toBe(2);
    const p = emu.store.profiles.byExternalId("ext-1");
    expect(p?.email).toBe("x@example.com");
    const events = await c.events.list().toArray();
    expect(events.map((e) => e.attributes.datetime)).toEqual([0, 1, 2, 3].map((s) => iso(T0 + s * 1000)));
  });

  it("keeps only the first event of a repeated unique_id, and de-duplicates by the second without one", async () => {
    const clock = new ManualClock(T0);
    emu = await startTestEmulator({ clock });
    const c = emu.client();
    const who = { email: "dup@example.com" };
    await c.events.create(event("Placed Order", who, { unique_id: "order-1", properties: { n: 1 } }));
    await c.events.create(event("Placed Order", who, { unique_id: "order-1", properties: { n: 2 } }));
    // Same unique id, another metric or another profile: distinct events.
    await c.events.create(event("Refunded Order", who, { unique_id: "order-1" }));
    await c.events.create(event("Placed Order", { email: "other@example.com" }, { unique_id: "order-1" }));
    // No unique id: the time to the second identifies the event.
    await c.events.create(event("Clicked", who, { time: "2026-01-09T10:00:00.100Z" }));
    await c.events.create(event("Clicked", who, { time: "2026-01-09T10:00:00.900Z" }));
    await c.events.create(event("Clicked", who, { time: "2026-01-09T10:00:01Z" }));
    const all = await c.events.list().toArray();
    expect(all).toHaveLength(5);
    const placed = emu.store.metrics.find((m) => m.attributes.name === "Placed Order");
    const mine = emu.store.profiles.byEmailAddress("dup@example.com");
    const orders = await c.events
      .list({ filter: `equals(metric_id,'${placed?.id}'),equals(profile_id,'${mine?.id}')` })
      .toArray();
    expect(orders.map((e) => e.attributes.event_properties)).toEqual([{ n: 1 }]);
    expect(emu.store.counters.eventsDeduplicated).toBe(2);
  });

  it("rejects bad times, oversized properties and missing identifiers with a pointer", async () => {
    const clock = new ManualClock(T0);
    emu = await startTestEmulator({ clock });
    const c = emu.client();
    const who = { email: "v@example.com" };
    const cases: Array<[EventBody, string]> = [
      [event("M", who, { time: "1999-12-31T23:59:59Z" }), "/data/attributes/time"],
      [event("M", who, { time: iso(T0 + 366 * 24 * 3600 * 1000) }), "/data/attributes/time"],
      [
        event("M", who, {
          properties: Object.fromEntries(Array.from({ length: 401 }, (_, i) => [`p${i}`, i])),
        }),
        "/data/attributes/properties",
      ],
      [
        event("M", who, { properties: { big: "x".repeat(100 * 1024 + 1) } }),
        "/data/attributes/properties/big",
      ],
      [
        event("M", who, { properties: { list: Array.from({ length: 4001 }, () => 1) } }),
        "/data/attributes/properties/list",
      ],
      [event("M", {}), "/data/attributes/profile/data/attributes"],
      [event("M", { email: "not-an-email" }), "/data/attributes/profile/data/attributes/email"],
      [event("M", { phone_number: "555-0100" }), "/data/attributes/profile/data/attributes/phone_number"],
      [event("x".repeat(128), who), "/data/attributes/metric/data/attributes/name"],
    ];
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 11; i++) deep = { d: deep };
    cases.push([event("M", who, { properties: deep }), "/data/attributes/properties/d/d/d/d/d/d/d/d/d/d"]);
    for (const [body, pointer] of cases) {
      const err = await failure<ValidationError>(c.events.create(body));
      expect(err.status).toBe(400);
      expect(err.pointer?.startsWith(pointer), `${err.pointer} starts with ${pointer}`).toBe(true);
    }
    // A time within a year and a string of exactly 100 KB are fine.
    await c.events.create(
      event("M", who, { time: iso(T0 + 300 * 24 * 3600 * 1000), properties: { s: "y".repeat(100 * 1024) } }),
    );
    expect(emu.store.events.size).toBe(1);
    expect(emu.store.profiles.size).toBe(1);
  });
});

describe("emulated events: bulk create", () => {
  it("creates events grouped per profile, creating metrics and profiles", async () => {
    const clock = new ManualClock(T0);
    emu = await startTestEmulator({ clock });
    const c = emu.client();
    await c.events.bulkCreate(
      bulk([
        {
          profile: { email: "a@example.com", first_name: "A" },
          events: [
            { metric: "Viewed Product", time: "2026-01-01T00:00:00Z", unique_id: "v1" },
            { metric: "Placed Order", time: "2026-01-01T00:01:00Z", value: 10, unique_id: "o1" },
          ],
        },
        {
          profile: { external_id: "b-1" },
          events: [{ metric: "Viewed Product", time: "2026-01-01T00:02:00Z", unique_id: "v1" }],
        },
        // The same person again (by email): events join the existing profile.
        {
          profile: { email: "A@example.com" },
          events: [{ metric: "Viewed Product", time: "2026-01-01T00:03:00Z" }],
        },
      ]),
    );
    expect(emu.store.profiles.size).toBe(2);
    expect([...emu.store.metrics.values()].map((m) => m.attributes.name).sort()).toEqual([
      "Placed Order",
      "Viewed Product",
    ]);
    const a = emu.store.profiles.byEmailAddress("a@example.com");
    expect(a?.first_name).toBe("A");
    const events = await c.events.list({ filter: `equals(profile_id,'${a?.id}')` }).toArray();
    expect(events).toHaveLength(3);
    // Sending the same event again stores nothing new (its unique id repeats).
    const before = emu.store.events.size;
    await c.events.bulkCreate(
      bulk([
        {
          profile: { email: "a@example.com" },
          events: [{ metric: "Viewed Product", time: "2026-01-01T00:00:00Z", unique_id: "v1" }],
        },
      ]),
    );
    expect(emu.store.events.size).toBe(before);
  });

  it("fails the whole request for a repeated unique_id or more than 1,000 events, storing nothing", async () => {
    emu = await startTestEmulator({ clock: new ManualClock(T0) });
    const c = emu.client();
    const repeated = bulk([
      {
        profile: { email: "r@example.com" },
        events: [{ metric: "Placed Order", unique_id: "same", time: "2026-01-01T00:00:00Z" }],
      },
      { profile: { email: "other@example.com" }, events: [{ metric: "Placed Order", unique_id: "same" }] },
      {
        profile: { email: "r@example.com" },
        events: [{ metric: "Placed Order", unique_id: "same", time: "2026-01-02T00:00:00Z" }],
      },
    ]);
    const err = await failure<ValidationError>(c.events.bulkCreate(repeated));
    expect(err.status).toBe(400);
    expect(err.pointer).toBe(
      "/data/attributes/events-bulk-create/data/2/attributes/events/data/0/attributes/unique_id",
    );
    const tooMany = bulk([
      { profile: { email: "m1@example.com" }, events: Array.from({ length: 600 }, () => ({ metric: "M" })) },
      { profile: { email: "m2@example.com" }, events: Array.from({ length: 401 }, () => ({ metric: "M" })) },
    ]);
    const err2 = await failure<ValidationError>(c.events.bulkCreate(tooMany));
    expect(err2.status).toBe(400);
    expect(err2.pointer).toBe("/data/attributes/events-bulk-create/data");
    const badTime = bulk([
      { profile: { email: "t@example.com" }, events: [{ metric: "M", time: "1990-01-01T00:00:00Z" }] },
    ]);
    const err3 = await failure<ValidationError>(c.events.bulkCreate(badTime));
    expect(err3.pointer).toBe(
      "/data/attributes/events-bulk-create/data/0/attributes/events/data/0/attributes/time",
    );
    expect(emu.store.events.size).toBe(0);
    expect(emu.store.profiles.size).toBe(0);
    expect(emu.store.metrics.size).toBe(0);
    // Exactly 1,000 is accepted.
    await c.events.bulkCreate(
      bulk([
        {
          profile: { email: "k@example.com" },
          events: Array.from({ length: 1000 }, (_, i) => ({
            metric: "M",
            unique_id: `u${i}`,
            time: "2026-01-01T00:00:00Z",
          })),
        },
      ]),
    );
    expect(emu.store.events.size).toBe(1000);
  });
});

describe("emulated events: reading", () => {
  /** 60 events over 30 seconds (two per second), for 3 profiles and 2 metrics. */
  async function seedTimeline(e: TestEmulator): Promise<void> {
    const c = e.client();
    const groups = ["p0", "p1", "p2"].map((p, pi) => ({
      profile: { email: `${p}@example.com` },
      events: Array.from({ length: 20 }, (_, i) => {
        const k = i * 3 + pi;
        return {
          metric: k % 2 === 0 ? "Viewed Product" : "Placed Order",
          time: iso(T0 + Math.floor(k / 2) * 1000),
          unique_id: `e${k}`,
          properties: { k },
        };
      }),
    }));
    await c.events.bulkCreate(bulk(groups));
  }

  const ks = (rows: Array<{ attributes: { event_properties?: Record<string, unknown> | null } }>) =>
    rows.map((r) => r.attributes.event_properties?.k as number);

  it("sorts by datetime both ways and pages without duplicates or gaps", async () => {
    emu = await startTestEmulator({ clock: new ManualClock(T0 + 3600_000) });
    await seedTimeline(emu);
    const c = emu.client();
    const asc = await c.events.list({ "page[size]": 7 }).toArray();
    expect(asc).toHaveLength(60);
    expect(new Set(asc.map((e) => e.id)).size).toBe(60);
    const times = asc.map((e) => e.attributes.timestamp ?? 0);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const desc = await c.events.list({ sort: "-datetime", "page[size]": 7 }).toArray();
    expect(desc.map((e) => e.id)).toEqual(asc.map((e) => e.id).reverse());
    const byTimestamp = await c.events.list({ sort: "-timestamp", "page[size]": 11 }).toArray();
    expect(byTimestamp.map((e) => e.id)).toEqual(desc.map((e) => e.id));
    const first = await c.events.list({ "page[size]": 7 }).first();
    expect(first.links.next).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/events\?.*page%5Bcursor%5D=/);
  });

  it("filters by datetime and timestamp ranges, metric and profile", async () => {
    emu = await startTestEmulator({ clock: new ManualClock(T0 + 3600_000) });
    await seedTimeline(emu);
    const c = emu.client();
    const from = iso(T0 + 5000);
    const to = iso(T0 + 10_000);
    const window = await c.events
      .list({ filter: `greater-or-equal(datetime,${from}),less-than(datetime,${to})`, "page[size]": 3 })
      .toArray();
    expect(ks(window).sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => 10 + i));
    const exclusive = await c.events
      .list({ filter: `greater-than(datetime,${from}),less-or-equal(datetime,${to})` })
      .toArray();
    expect(ks(exclusive).sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => 12 + i));
    const s = Math.floor(T0 / 1000);
    const byTs = await c.events
      .list({ filter: `greater-than(timestamp,${s + 27}),less-or-equal(timestamp,${s + 29})` })
      .toArray();
    expect(ks(byTs).sort((a, b) => a - b)).toEqual([56, 57, 58, 59]);
    const viewed = emu.store.metrics.find((m) => m.attributes.name === "Viewed Product");
    const p1 = emu.store.profiles.byEmailAddress("p1@example.com");
    const mine = await c.events
      .list({
        filter: `equals(metric_id,'${viewed?.id}'),equals(profile_id,'${p1?.id}'),has(profile)`,
        sort: "-datetime",
      })
      .toArray();
    expect(ks(mine)).toEqual([58, 52, 46, 40, 34, 28, 22, 16, 10, 4]);
    const none = await c.events
      .list({ filter: `greater-than(datetime,${to}),less-than(datetime,${from})` })
      .toArray();
    expect(none).toEqual([]);
  });

  it("keeps a walk exact while events are added between pages", async () => {
    const clock = new ManualClock(T0 + 3600_000);
    emu = await startTestEmulator({ clock });
    await seedTimeline(emu);
    const c = emu.client();
    const seen: number[] = [];
    let n = 0;
    for await (const page of c.events.list({ "page[size]": 9 }).pages()) {
      seen.push(...ks(page.data));
      // A late event in the past (already walked) and one in the future (still ahead).
      await c.events.create(
        event("Late", { email: "late@example.com" }, { time: iso(T0), properties: { k: 1000 + n } }),
      );
      await c.events.create(
        event(
          "Late",
          { email: "late@example.com" },
          { time: iso(T0 + 3_000_000 + n * 1000), properties: { k: 2000 + n } },
        ),
      );
      n++;
    }
    const original = seen.filter((k) => k < 1000).sort((a, b) => a - b);
    expect(original).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(seen.filter((k) => k >= 1000 && k < 2000)).toEqual([]);
    expect(seen.filter((k) => k >= 2000).length).toBeGreaterThan(0);
  });

  it("rejects a cursor of another sort order", async () => {
    emu = await startTestEmulator({ clock: new ManualClock(T0 + 3600_000) });
    await seedTimeline(emu);
    const c = emu.client();
    const first = await c.events.list({ "page[size]": 5 }).first();
    const cursor = new URL(first.links.next ?? "").searchParams.get("page[cursor]") ?? "";
    const err = await failure<ValidationError>(
      c.call("get_events", { query: { sort: "-datetime", "page[cursor]": cursor } }),
    );
    expect(err.parameter).toBe("page[cursor]");
  });

  it("stays fast over 5,000,000 seeded events, merging them with API events", async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    emu = await startTestEmulator({ clock });
    const N = 5_000_000;
    const start = Date.UTC(2025, 0, 1);
    const viewed = emu.store.metricByName("Viewed Product");
    const placed = emu.store.metricByName("Placed Order");
    const datetime = new Float64Array(N);
    const profile = new Int32Array(N);
    const metric = new Uint16Array(N);
    const value = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      datetime[i] = start + i * 5000;
      profile[i] = i % 1000;
      metric[i] = i % 100 === 0 ? 1 : 0;
      value[i] = i % 100 === 0 ? i % 997 : Number.NaN;
    }
    const profileIds = Array.from({ length: 1000 }, (_, i) => `SEEDPROFILE${String(i).padStart(4, "0")}`);
    emu.store.events.setSeeded({
      count: N,
      datetime,
      profile,
      metric,
      value,
      profileIds,
      metricIds: [viewed.id, placed.id],
      properties: (i) => ({ seeded: i }),
    });
    const c = emu.client();
    // One API event inside the seeded window, between two seeded ones.
    await c.events.create(
      event(
        "Placed Order",
        { email: "api@example.com" },
        { time: iso(start + 2_000_000 * 5000 + 2000), properties: { api: true } },
      ),
    );
    const t = Date.now();
    const windowFrom = iso(start + 2_000_000 * 5000);
    const windowTo = iso(start + 2_000_400 * 5000);
    const orders = await c.events
      .list({
        filter: `equals(metric_id,'${placed.id}'),greater-or-equal(datetime,${windowFrom}),less-than(datetime,${windowTo})`,
        "page[size]": 2,
      })
      .toArray();
    expect(orders.map((e) => e.attributes.event_properties)).toEqual(
      [2_000_000, "api", 2_000_100, 2_000_200, 2_000_300].map((k) =>
        k === "api" ? { api: true } : { seeded: k, $value: Number(k) % 997 },
      ),
    );
    const newest = await c.events.list({ sort: "-datetime", "page[size]": 3 }).first();
    expect(newest.data.map((e) => e.attributes.event_properties?.seeded)).toEqual([N - 1, N - 2, N - 3]);
    const oneProfile = await c.events
      .list({ filter: `equals(profile_id,'${profileIds[7]}')`, "page[size]": 5 })
      .first();
    expect(oneProfile.data.map((e) => e.attributes.event_properties?.seeded)).toEqual([
      7, 1007, 2007, 3007, 4007,
    ]);
    const seededOne = await c.events.get(newest.data[0]?.id ?? "");
    expect(seededOne.data.attributes.datetime).toBe(iso(start + (N - 1) * 5000));
    expect(Date.now() - t).toBeLessThan(3000);
  });
});

describe("GET /api/events written as text", () => {
  it("gives what the object renderer gives (the same page with every field asked for by name)", async () => {
    emu = await startTestEmulator({ seed: "demo" });
    const c = emu.client();
    const q = "page[size]=50&sort=datetime";
    const fast = (await c.request("GET", `/api/events?${q}`)) as { data: unknown[]; links: unknown };
    const full = (await c.request(
      "GET",
      `/api/events?${q}&fields[event]=timestamp,event_properties,datetime,uuid`,
    )) as { data: unknown[]; links: { self: string; next?: string } };
    expect(fast.data.length).toBe(50);
    expect(fast.data).toEqual(full.data);
    expect(Object.keys(fast.links as object)).toEqual(Object.keys(full.links));
    // Following links.next from the text page reaches the same second page.
    const next = (fast.links as { next: string }).next;
    const second = (await c.request("GET", next)) as { data: Array<{ id: string }> };
    const secondFull = (await c.request("GET", full.links.next as string)) as {
      data: Array<{ id: string }>;
    };
    expect(second.data.map((e) => e.id)).toEqual(secondFull.data.map((e) => e.id));
  });

  it("serves seeded events from a bounded cache of their text, the same as rendered anew", async () => {
    emu = await startTestEmulator({ seed: "demo" });
    const c = emu.client();
    const q = "page[size]=200&sort=datetime";
    const events = emu.store.events;
    expect(events.renderCacheBytes).toBe(0);
    const cold = (await c.request("GET", `/api/events?${q}`)) as { data: unknown[] };
    const cached = events.renderCacheBytes;
    expect(cached).toBeGreaterThan(0);
    const warm = (await c.request("GET", `/api/events?${q}`)) as { data: unknown[] };
    expect(events.renderCacheBytes).toBe(cached); // read from the cache, nothing added
    expect(warm).toEqual(cold);
    const full = (await c.request(
      "GET",
      `/api/events?${q}&fields[event]=timestamp,event_properties,datetime,uuid`,
    )) as { data: unknown[] };
    expect(warm.data).toEqual(full.data);
    // A limit keeps the cache bounded; pages past it are rendered anew, still the same.
    await emu.close();
    emu = await startTestEmulator({ seed: "demo", renderCacheMb: 0 });
    const small = emu.client();
    const again = (await small.request("GET", `/api/events?${q}`)) as { data: unknown[] };
    expect(emu.store.events.renderCacheBytes).toBe(0);
    const portless = (v: unknown) => JSON.stringify(v).replace(/127\.0\.0\.1:\d+/g, "host");
    expect(portless(again.data)).toBe(portless(cold.data));
  });
});
