import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, type KlaviyoClient, ValidationError } from "../../../src/client/index.js";
import { silentLogger } from "../../../src/client/types.js";
import type { EventRecord } from "../../../src/emulator/store/events.js";
import { eventsAction } from "../../../src/load/actions/events/index.js";
import { deriveUniqueId } from "../../../src/load/actions/events/track.js";
import { markValidated } from "../../../src/load/engine.js";
import type { ActionContext, LoadRow, RowOutcome } from "../../../src/load/types.js";
import { startTestEmulator, type TestEmulator } from "../../helpers/emulator.js";

let emu: TestEmulator;
let client: KlaviyoClient;
const calls = new Map<string, number>();

beforeAll(async () => {
  emu = await startTestEmulator({
    onResponse: (info) => {
      if (info.op) calls.set(info.op.id, (calls.get(info.op.id) ?? 0) + 1);
    },
  });
  client = emu.client();
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.store.reset();
  calls.clear();
});

function ctxFor(options: Record<string, unknown>, over: Partial<ActionContext> = {}): ActionContext {
  const m = new Map<string, string>();
  return {
    client,
    sync: "test",
    options: eventsAction.parseOptions(options, "track"),
    mode: "track",
    memory: { get: async (k) => m.get(k), set: async (k, v) => void m.set(k, v) },
    logger: silentLogger,
    now: Date.now,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    ...over,
  };
}

const row = (
  key: string,
  fields: Record<string, unknown>,
  source: Record<string, unknown> = fields,
): LoadRow => ({
  key,
  source: { ...source },
  fields: { ...fields },
  hash: `h-${key}`,
});

const storedEvents = (): EventRecord[] => [...emu.store.events.scan({}, () => true)];
const metricName = (e: EventRecord) => emu.store.metrics.get(e.metricId)?.attributes.name;
const byKey = (outcomes: RowOutcome[]) => new Map(outcomes.map((o) => [o.key, o]));
const BASE = Date.UTC(2025, 0, 15, 10, 0, 0);

describe("events: options and validation", () => {
  it("needs exactly one of metric and metric_column", () => {
    expect(eventsAction.parseOptions({ metric: "Viewed" }, "track")).toEqual({
      metric: "Viewed",
      backfill: false,
      unique_id: "derive",
    });
    expect(() => eventsAction.parseOptions({}, "track")).toThrow(ConfigError);
    expect(() => eventsAction.parseOptions({ metric: "a", metric_column: "b" }, "track")).toThrow(
      /exactly one/,
    );
    expect(() => eventsAction.parseOptions({ metric: "a", unique_id: "hash" }, "track")).toThrow(/column:/);
    expect(() => eventsAction.parseOptions({ metric: "a" }, "upsert")).toThrow(/no mode/);
  });

  it("refuses bad times, currencies, identifiers and oversize properties; normalises in place", () => {
    const ctx = ctxFor({ metric: "M", default_country: "FR" });
    const good = row("g", {
      phone_number: "06 12 34 56 78",
      time: "2024-05-01 12:00:00.750",
      value: "12.5",
      value_currency: "eur",
    });
    expect(eventsAction.validate(good, ctx)).toBeUndefined();
    expect(good.fields).toMatchObject({
      phone_number: "+33612345678",
      time: "2024-05-01T12:00:00Z",
      value: 12.5,
      value_currency: "EUR",
    });
    const check = (fields: Record<string, unknown>) => eventsAction.validate(row("x", fields), ctx);
    expect(check({ email: "a@b.co", time: "1999-12-31T00:00:00Z" })).toContain("before the year 2000");
    expect(check({ email: "a@b.co", time: "not a time" })).toContain("not a date-time");
    expect(check({ email: "a@b.co", time: new Date(Date.now() + 400 * 86_400_000) })).toContain(
      "one year in the future",
    );
    expect(check({ email: "a@b.co", value_currency: "EURO" })).toContain("ISO 4217");
    expect(check({ email: "a@b.co", value: "ten" })).toContain("value must be a number");
    expect(check({ time: "2024-01-01" })).toContain("no profile identifier");
    let deep: unknown = 1;
    for (let i = 0; i < 11; i++) deep = { d: deep };
    expect(check({ email: "a@b.co", "properties.deep": deep })).toContain("nested more than 10 levels");
    const many = Object.fromEntries(Array.from({ length: 401 }, (_, i) => [`properties.p${i}`, i]));
    expect(check({ email: "a@b.co", ...many })).toContain("401 properties");
    expect(check({ email: "a@b.co", "profile.location.planet": "Mars" })).toContain("not a location field");
    expect(check({ email: "a@b.co", "profile.email": "b@c.co" })).toContain(
      "profile.email is not a profile attribute",
    );
  });

  it("metric_column and column unique ids must have values", () => {
    const ctx = ctxFor({ metric_column: "event_name", unique_id: "column:event_id" });
    expect(
      eventsAction.validate(row("a", { email: "a@b.co" }, { event_name: "X", event_id: "1" }), ctx),
    ).toBeUndefined();
    expect(
      eventsAction.validate(row("b", { email: "a@b.co" }, { event_name: "", event_id: "1" }), ctx),
    ).toContain("needs a metric name");
    expect(eventsAction.validate(row("c", { email: "a@b.co" }, { event_name: "X" }), ctx)).toContain(
      'unique_id column "event_id" is empty',
    );
  });
});

describe("events: track", () => {
  const rows3000 = () =>
    Array.from({ length: 3000 }, (_, i) =>
      row(`order-line-${i}`, {
        email: `p${i % 500}@example.com`,
        time: new Date(BASE + i * 1000).toISOString(),
        value: (i % 7) + 0.5,
        value_currency: "USD",
        "properties.sku": `SKU-${i % 20}`,
        "properties.n": i,
        "properties.nested": { colour: "red", sizes: [1, 2] },
        "profile.first_name": `P${i % 500}`,
        "profile.location.city": "Berlin",
      }),
    );

  it("sends 3,000 events for 500 profiles, and a replay creates no duplicates", async () => {
    const ctx = ctxFor({ metric: "Viewed Product" });
    const outcomes = await eventsAction.perform(rows3000(), ctx);
    expect(outcomes).toHaveLength(3000);
    expect(outcomes.every((o) => o.status === "succeeded")).toBe(true);
    expect(calls.get("bulk_create_events")).toBe(3);

    const events = storedEvents();
    expect(events).toHaveLength(3000);
    expect(new Set(events.map(metricName))).toEqual(new Set(["Viewed Product"]));
    expect(emu.store.profiles.size).toBe(500);
    const e42 = events.find((e) => e.properties.n === 42) as EventRecord;
    expect(e42).toMatchObject({
      datetime: BASE + 42_000,
      value: 0.5,
      valueCurrency: "USD",
      uniqueId: deriveUniqueId("test", "order-line-42"),
      properties: { sku: "SKU-2", n: 42, nested: { colour: "red", sizes: [1, 2] } },
    });
    const p42 = emu.store.profiles.get(e42.profileId);
    expect(p42).toMatchObject({ email: "p42@example.com", first_name: "P42", location: { city: "Berlin" } });

    // Replaying the same rows (a retried run) is deduplicated by the derived unique_id.
    const again = await eventsAction.perform(rows3000(), ctx);
    expect(again.every((o) => o.status === "succeeded")).toBe(true);
    expect(storedEvents()).toHaveLength(3000);
    expect(emu.store.counters.eventsDeduplicated).toBe(3000);
  });

  it("does not check again the rows the engine validated; two batches may be in flight", async () => {
    expect(eventsAction.limits.inFlight).toBe(2);
    const ctx = ctxFor({ metric: "Checked" });
    const fields = { email: "v@example.com", time: new Date(BASE).toISOString(), bogus: 1 };
    const unchecked = row("u", fields);
    const checked = row("c", fields);
    markValidated(checked);
    const outcomes = byKey(await eventsAction.perform([unchecked, checked], ctx));
    expect(outcomes.get("u")).toMatchObject({ status: "invalid", reason: expect.stringContaining("bogus") });
    expect(outcomes.get("c")?.status).toBe("succeeded");
  });

  it("a bad time is invalid and not sent", async () => {
    const rows = [
      row("ok", { email: "a@example.com", time: "2024-03-01T00:00:00Z" }),
      row("old", { email: "a@example.com", time: "1990-03-01T00:00:00Z" }),
      row("junk", { email: "a@example.com", time: "31/12/2024" }),
    ];
    const out = byKey(await eventsAction.perform(rows, ctxFor({ metric: "M" })));
    expect(out.get("ok")?.status).toBe("succeeded");
    expect(out.get("old")).toMatchObject({
      status: "invalid",
      reason: expect.stringContaining("before the year 2000"),
    });
    expect(out.get("junk")).toMatchObject({
      status: "invalid",
      reason: expect.stringContaining("not a date-time"),
    });
    expect(storedEvents()).toHaveLength(1);
  });

  it("a 400 naming an event by pointer rejects that row and resends the rest", async () => {
    const rows = Array.from({ length: 1000 }, (_, i) =>
      row(`r${i}`, { email: `u${i % 50}@example.com`, "properties.i": i }),
    );
    // Valid to us, but the profile id does not exist and no other identifier is given: Klaviyo refuses the request.
    rows[637] = row("r637", { id: "01HZZZZZZZZZZZZZZZZZZZZZZZ", "properties.i": 637 });
    const out = byKey(await eventsAction.perform(rows, ctxFor({ metric: "M" })));
    expect(out.get("r637")).toMatchObject({
      status: "rejected",
      reason: expect.stringContaining("does not exist"),
      payload: expect.any(Array),
    });
    expect([...out.values()].filter((o) => o.status === "succeeded")).toHaveLength(999);
    expect(storedEvents()).toHaveLength(999);
    expect(calls.get("bulk_create_events")).toBe(2);
  });

  it("a 400 without detail is bisected down to the one bad row", async () => {
    // Strip the pointers from Klaviyo's answer: only halving can find the row now.
    const stripped = emu.client();
    const bulkCreate = stripped.events.bulkCreate;
    let requests = 0;
    stripped.events.bulkCreate = async (body, options) => {
      requests++;
      try {
        return await bulkCreate(body, options);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        throw new ValidationError(err.message, {
          status: 400,
          errors: err.errors.map(({ source: _s, ...rest }) => rest),
        });
      }
    };
    const rows = Array.from({ length: 1000 }, (_, i) =>
      row(`r${i}`, { email: `u${i % 50}@example.com`, "properties.i": i }),
    );
    rows[421] = row("r421", { id: "01HZZZZZZZZZZZZZZZZZZZZZZZ", "properties.i": 421 });
    const out = byKey(await eventsAction.perform(rows, ctxFor({ metric: "M" }, { client: stripped })));
    expect(out.get("r421")).toMatchObject({
      status: "rejected",
      reason: expect.stringContaining("does not exist"),
    });
    expect([...out.values()].filter((o) => o.status === "rejected")).toHaveLength(1);
    expect(storedEvents()).toHaveLength(999);
    expect(requests).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(1000)) + 1);
  });

  it("metric_column: one metric per row from the model column", async () => {
    const rows = ["Signed Up", "Upgraded", "Signed Up"].map((name, i) =>
      row(`r${i}`, { external_id: `c${i}` }, { event_name: name, external_id: `c${i}` }),
    );
    const out = await eventsAction.perform(rows, ctxFor({ metric_column: "event_name", backfill: true }));
    expect(out.every((o) => o.status === "succeeded")).toBe(true);
    expect(storedEvents().map(metricName).sort()).toEqual(["Signed Up", "Signed Up", "Upgraded"]);
  });

  it("a unique_id repeated for the same profile and metric in one run: the later row is invalid", async () => {
    const ctx = ctxFor({ metric: "Paid", unique_id: "column:invoice" });
    const rows = [
      row("a", { email: "x@example.com" }, { invoice: "INV-1" }),
      row("b", { email: "X@example.com" }, { invoice: "INV-1" }),
      // Same unique_id for another profile is fine, but goes in a separate request.
      row("c", { email: "y@example.com" }, { invoice: "INV-1" }),
      row("d", { email: "x@example.com" }, { invoice: "INV-2" }),
    ];
    const out = byKey(await eventsAction.perform(rows, ctx));
    expect(out.get("a")?.status).toBe("succeeded");
    expect(out.get("b")).toMatchObject({
      status: "invalid",
      reason: expect.stringContaining('duplicate unique_id in this run: "INV-1" for metric "Paid"'),
    });
    expect(out.get("c")?.status).toBe("succeeded");
    expect(out.get("d")?.status).toBe("succeeded");
    expect(calls.get("bulk_create_events")).toBe(2);
    expect(
      storedEvents()
        .map((e) => e.uniqueId)
        .sort(),
    ).toEqual(["INV-1", "INV-1", "INV-2"]);
  });

  it("a mapped unique_id field is used as is", async () => {
    await eventsAction.perform(
      [row("k", { email: "u@example.com", unique_id: "evt-1" })],
      ctxFor({ metric: "M" }),
    );
    expect(storedEvents()[0]?.uniqueId).toBe("evt-1");
  });
});
