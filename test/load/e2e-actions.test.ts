/**
 * Load end to end, for every action and mode: a DuckDB model → runSync → action → the emulator,
 * with Klaviyo's state read back through the client (get_profiles with filters and
 * additional-fields, list members, events by metric).
 *
 * For each action: after a sync Klaviyo matches the model; a second run with no model change
 * sends nothing; a changed row is the only one sent; invalid rows are reported and never sent.
 * Every request the client sends is recorded (method, path, JSON body) by a wrapping transport,
 * so "sent" is checked on the wire, not inferred from counters.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createHttpTransport,
  type KlaviyoClient,
  NotFoundError,
  type Transport,
} from "../../src/client/index.js";
import { SUBSCRIPTION_JOB_COMPLETE_MS } from "../../src/emulator/handlers/subscriptions.js";
import { filter } from "../../src/filter/index.js";
import { deriveUniqueId } from "../../src/load/actions/events/track.js";
import { getAction } from "../../src/load/actions/index.js";
import { type RunSummary, runSync, type SyncSpec } from "../../src/load/engine.js";
import { openModel } from "../../src/load/models/index.js";
import { type LoadState, openLoadState } from "../../src/load/state/index.js";
import { startTestEmulator, type TestEmulator } from "../helpers/emulator.js";

// ---------------------------------------------------------------------------------------------
// Harness

interface Sent {
  method: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
  // biome-ignore lint/suspicious/noExplicitAny: request bodies are inspected loosely
  body: any;
}

let emu: TestEmulator;
let client: KlaviyoClient;
let state: LoadState;
const inner = createHttpTransport();
const sent: Sent[] = [];
const recording: Transport = async (req) => {
  const url = new URL(req.url);
  sent.push({
    method: req.method,
    path: url.pathname,
    query: url.searchParams,
    body: typeof req.body === "string" && req.body !== "" ? JSON.parse(req.body) : undefined,
  });
  return inner(req);
};

const dir = mkdtempSync(join(tmpdir(), "ks-load-actions-"));
const db = join(dir, "warehouse.duckdb");
const source = `duckdb:${db}`;

async function sql(statements: string[]): Promise<void> {
  const inst = await DuckDBInstance.create(db);
  const c = await inst.connect();
  for (const s of statements) await c.run(s);
  c.closeSync();
  inst.closeSync();
}

function spec(s: {
  name: string;
  action: string;
  mode: string;
  primaryKey?: string[];
  mapping: Record<string, string>;
  options?: Record<string, unknown>;
}): SyncSpec {
  const action = getAction(s.action);
  if (!action) throw new Error(`no action ${s.action}`);
  return {
    name: s.name,
    action,
    mode: s.mode,
    primaryKey: s.primaryKey ?? ["id"],
    mapping: Object.entries(s.mapping).map(([column, field]) => ({ column, field })),
    options: action.parseOptions(s.options ?? {}, s.mode),
  };
}

interface Reject {
  key: string;
  status: string;
  reason: string;
}

interface Run {
  summary: RunSummary;
  rejects: Reject[];
  /** Every request the run sent. */
  requests: Sent[];
  /** The requests that change data in Klaviyo (everything but GET). */
  writes: Sent[];
}

async function run(s: SyncSpec, model: { sql?: string; table?: string }, fullResync = false): Promise<Run> {
  const start = sent.length;
  const rejects: Reject[] = [];
  const r = await runSync({
    client,
    sync: s,
    state,
    openModel: () => openModel(source, model),
    onReject: (x) => rejects.push({ key: x.key, status: x.status, reason: x.reason }),
    ...(fullResync ? { fullResync: true } : {}),
  });
  const requests = sent.slice(start);
  rejects.sort((a, b) => a.key.localeCompare(b.key));
  return { summary: r.summary, rejects, requests, writes: requests.filter((q) => q.method !== "GET") };
}

/** The recorded run's summary (what `klaviyo-sync runs show` prints). */
async function lastRun(sync: string) {
  return (await state.listRuns(1, sync))[0]?.summary;
}

/** Subscribe, unsubscribe and deletion jobs have no status endpoint: let the emulator apply them. */
const settle = () => new Promise((r) => setTimeout(r, SUBSCRIPTION_JOB_COMPLETE_MS + 30));

type Profile = Awaited<ReturnType<ReturnType<KlaviyoClient["profiles"]["list"]>["toArray"]>>[number];

/** Profiles by (lower-case) email, read with get_profiles; with Klaviyo's consent fields when asked. */
async function profilesByEmail(emails: string[], subscriptions = false): Promise<Map<string, Profile>> {
  const out = new Map<string, Profile>();
  const pages = client.profiles.list({
    filter: filter.any("email", emails),
    "page[size]": 100,
    ...(subscriptions ? { "additional-fields[profile]": ["subscriptions" as const] } : {}),
  });
  for await (const p of pages) out.set(String(p.attributes.email), p);
  return out;
}

async function createProfile(attributes: Record<string, unknown>): Promise<string> {
  const res = await client.profiles.create({
    data: { type: "profile", attributes: attributes as { email: string } },
  });
  return res.data.id as string;
}

async function listMemberIds(listId: string): Promise<string[]> {
  const ids = await client.lists.profileIds(listId).toArray();
  return ids.map((m) => m.id as string).sort();
}

/** The `profiles.data` entries of a bulk job request (import, subscribe, suppress...). */
const importedProfiles = (
  q: Sent,
): Array<{ type: string; id?: string; attributes: Record<string, unknown> }> =>
  q.body.data.attributes.profiles.data;

beforeAll(async () => {
  emu = await startTestEmulator();
  client = emu.client({ transport: recording });
  state = await openLoadState(join(dir, "state.duckdb"));
});

afterAll(async () => {
  await state?.close();
  await emu?.close();
  await inner.close();
  rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// profiles

describe("profiles update: only existing profiles change; nulls skip | clear; optional list", () => {
  const ids: Record<number, string> = {};
  let listId: string;
  const model = { table: "people" };
  const updateSync = () =>
    spec({
      name: "people_update",
      action: "profiles",
      mode: "update",
      mapping: { email: "email", first_name: "first_name", last_name: "last_name", tier: "properties.tier" },
      options: { nulls: "skip", list: listId },
    });

  beforeAll(async () => {
    for (const i of [1, 2, 3, 4, 5]) {
      ids[i] = await createProfile({
        email: `upd${i}@example.com`,
        first_name: "Old",
        last_name: "Keep",
        properties: { tier: "bronze", note: "keep me" },
      });
    }
    const list = await client.lists.create({
      data: { type: "list", attributes: { name: "Updated people" } },
    });
    listId = list.data.id as string;
    await sql([
      `CREATE TABLE people AS SELECT * FROM (VALUES
         (1, 'upd1@example.com', 'Ada', 'Lovelace', 'gold'),
         (2, 'upd2@example.com', 'Bea', NULL, 'silver'),
         (3, 'upd3@example.com', 'Cy', 'Young', NULL),
         (4, 'upd4@example.com', 'Di', 'Prince', 'gold'),
         (5, 'UPD5@Example.com', 'Ed', 'Wood', 'gold'),
         (6, 'nobody@example.com', 'Nia', 'None', 'gold'),
         (7, 'not-an-email', 'Bad', 'Row', 'gold')
       ) t(id, email, first_name, last_name, tier)`,
    ]);
  });

  it("updates the existing profiles by id, rejects the unknown one without creating it, reports the invalid one", async () => {
    const r = await run(updateSync(), model);
    expect(r.summary).toMatchObject({
      status: "succeeded",
      queried: 7,
      added: 7,
      succeeded: 5,
      rejected: 1,
      invalid: 1,
    });
    expect(r.rejects.map((x) => `${x.key}:${x.status}`)).toEqual(["6:rejected", "7:invalid"]);
    expect(r.rejects[0]?.reason).toMatch(/no such profile.*update only changes existing profiles/);
    expect(await lastRun("people_update")).toMatchObject({ succeeded: 5, rejected: 1, invalid: 1 });

    // On the wire: one import job, every profile sent with its Klaviyo id, onto the list.
    expect(r.writes.map((q) => `${q.method} ${q.path}`)).toEqual(["POST /api/profile-bulk-import-jobs"]);
    const job = r.writes[0] as Sent;
    expect(job.body.data.relationships.lists.data).toEqual([{ type: "list", id: listId }]);
    const payload = importedProfiles(job);
    expect(payload.map((p) => p.id).sort()).toEqual([1, 2, 3, 4, 5].map((i) => ids[i]).sort());
    expect(JSON.stringify(job.body)).not.toMatch(/nobody@|not-an-email/);
    // nulls: skip leaves a null out of the payload.
    const two = payload.find((p) => p.id === ids[2]);
    expect(two?.attributes).not.toHaveProperty("last_name");

    // Klaviyo's state.
    const got = await profilesByEmail(
      [1, 2, 3, 4, 5, 6].map((i) => `upd${i}@example.com`).concat("nobody@example.com"),
    );
    expect(got.has("nobody@example.com")).toBe(false);
    expect(got.size).toBe(5);
    expect(got.get("upd1@example.com")?.attributes).toMatchObject({
      first_name: "Ada",
      last_name: "Lovelace",
      properties: { tier: "gold", note: "keep me" },
    });
    // Null with nulls: skip keeps what Klaviyo has.
    expect(got.get("upd2@example.com")?.attributes).toMatchObject({
      first_name: "Bea",
      last_name: "Keep",
      properties: { tier: "silver", note: "keep me" },
    });
    expect(got.get("upd3@example.com")?.attributes).toMatchObject({
      first_name: "Cy",
      properties: { tier: "bronze" },
    });
    // Matched case-insensitively, and updated in place (same id).
    expect(got.get("upd5@example.com")?.id).toBe(ids[5]);
    expect(got.get("upd5@example.com")?.attributes.first_name).toBe("Ed");
    // The list holds exactly the imported profiles.
    expect(await listMemberIds(listId)).toEqual([1, 2, 3, 4, 5].map((i) => ids[i] as string).sort());
  });

  it("a second run with no model change sends no data; a changed row is the only one sent", async () => {
    const again = await run(updateSync(), model);
    // Rows that failed last time are tried again; neither leads to a write.
    expect(again.summary).toMatchObject({ unchanged: 5, changed: 2, succeeded: 0, rejected: 1, invalid: 1 });
    expect(again.writes).toEqual([]);

    await sql(["UPDATE people SET first_name = 'Cyrus' WHERE id = 3"]);
    const third = await run(updateSync(), model);
    expect(third.summary).toMatchObject({ unchanged: 4, changed: 3, succeeded: 1, rejected: 1, invalid: 1 });
    expect(third.writes).toHaveLength(1);
    const payload = importedProfiles(third.writes[0] as Sent);
    expect(payload).toHaveLength(1);
    expect(payload[0]).toMatchObject({ id: ids[3], attributes: { first_name: "Cyrus" } });
    const got = await profilesByEmail(["upd3@example.com", "upd4@example.com"]);
    expect(got.get("upd3@example.com")?.attributes.first_name).toBe("Cyrus");
    expect(got.get("upd4@example.com")?.attributes.first_name).toBe("Di");
  });

  it("nulls: clear sends null, and Klaviyo clears the field", async () => {
    const s = spec({
      name: "people_clear",
      action: "profiles",
      mode: "update",
      mapping: { email: "email", last_name: "last_name", tier: "properties.tier" },
      options: { nulls: "clear" },
    });
    const r = await run(s, { sql: "SELECT id, email, last_name, tier FROM people WHERE id IN (2, 3)" });
    expect(r.summary).toMatchObject({ added: 2, succeeded: 2 });
    const payload = importedProfiles(r.writes[0] as Sent);
    expect(payload.find((p) => p.id === ids[2])?.attributes.last_name).toBeNull();
    expect(payload.find((p) => p.id === ids[3])?.attributes.properties).toEqual({ tier: null });
    const got = await profilesByEmail(["upd2@example.com", "upd3@example.com"]);
    expect(got.get("upd2@example.com")?.attributes.last_name ?? null).toBeNull();
    expect(got.get("upd2@example.com")?.attributes.properties).toMatchObject({
      tier: "silver",
      note: "keep me",
    });
    const three = got.get("upd3@example.com")?.attributes.properties as Record<string, unknown>;
    expect(three.tier ?? null).toBeNull();
    expect(three.note).toBe("keep me");
  });
});

describe("profiles upsert: an import error on one profile", () => {
  let a: string;
  let b: string;
  const model = { table: "imports" };
  const upsert = () =>
    spec({
      name: "imports_upsert",
      action: "profiles",
      mode: "upsert",
      mapping: { email: "email", phone: "phone_number", first_name: "first_name" },
    });

  beforeAll(async () => {
    a = await createProfile({ email: "conflict-a@example.com", first_name: "A" });
    b = await createProfile({
      email: "conflict-b@example.com",
      phone_number: "+14155550100",
      first_name: "B",
    });
    await sql([
      `CREATE TABLE imports AS SELECT * FROM (VALUES
         (1, 'imp1@example.com', NULL, 'One'),
         (2, 'imp2@example.com', NULL, 'Two'),
         (3, 'conflict-a@example.com', '+14155550100', 'Three'),
         (4, 'imp4@example.com', '+14155552671', 'Four')
       ) t(id, email, phone, first_name)`,
    ]);
  });

  it("marks only that row rejected; the others succeed", async () => {
    const r = await run(upsert(), model);
    expect(r.summary).toMatchObject({ added: 4, succeeded: 3, rejected: 1, invalid: 0 });
    expect(r.rejects).toHaveLength(1);
    expect(r.rejects[0]).toMatchObject({ key: "3", status: "rejected" });
    expect(r.rejects[0]?.reason).toMatch(/import job .*already exists/);
    // The row was sent (Klaviyo refused it inside the job, not the request).
    expect(r.writes).toHaveLength(1);
    expect(importedProfiles(r.writes[0] as Sent)).toHaveLength(4);

    const got = await profilesByEmail([
      "imp1@example.com",
      "imp2@example.com",
      "imp4@example.com",
      "conflict-a@example.com",
      "conflict-b@example.com",
    ]);
    expect(got.get("imp1@example.com")?.attributes.first_name).toBe("One");
    expect(got.get("imp2@example.com")?.attributes.first_name).toBe("Two");
    expect(got.get("imp4@example.com")?.attributes).toMatchObject({
      first_name: "Four",
      phone_number: "+14155552671",
    });
    // Neither profile the rejected row names was changed.
    expect(got.get("conflict-a@example.com")?.id).toBe(a);
    expect(got.get("conflict-a@example.com")?.attributes).toMatchObject({
      first_name: "A",
      phone_number: null,
    });
    expect(got.get("conflict-b@example.com")?.id).toBe(b);
    expect(got.get("conflict-b@example.com")?.attributes.first_name).toBe("B");
  });

  it("the rejected row alone is sent again; once fixed it succeeds; then nothing is sent", async () => {
    const again = await run(upsert(), model);
    expect(again.summary).toMatchObject({ unchanged: 3, changed: 1, succeeded: 0, rejected: 1 });
    expect(again.writes).toHaveLength(1);
    expect(importedProfiles(again.writes[0] as Sent).map((p) => p.attributes.email)).toEqual([
      "conflict-a@example.com",
    ]);

    await sql(["UPDATE imports SET phone = NULL WHERE id = 3"]);
    const fixed = await run(upsert(), model);
    expect(fixed.summary).toMatchObject({ unchanged: 3, changed: 1, succeeded: 1, rejected: 0 });
    expect(fixed.writes).toHaveLength(1);
    expect(importedProfiles(fixed.writes[0] as Sent)).toHaveLength(1);
    const got = await profilesByEmail(["conflict-a@example.com"]);
    expect(got.get("conflict-a@example.com")?.attributes.first_name).toBe("Three");

    const quiet = await run(upsert(), model);
    expect(quiet.summary).toMatchObject({ unchanged: 4, changed: 0, added: 0 });
    expect(quiet.requests).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// order_completed

describe("order_completed: Placed Order + Ordered Product per line, never double counted", () => {
  const model = { table: "shop_orders" };
  const orders = () =>
    spec({
      name: "shop_orders",
      action: "order_completed",
      mode: "track",
      primaryKey: ["order_id"],
      mapping: {
        order_id: "order_id",
        email: "email",
        placed_at: "time",
        discount_code: "discount_code",
        currency: "value_currency",
      },
    });

  async function eventsOf(metricName: string) {
    const metrics = await client.metrics.list().toArray();
    const metric = metrics.find((m) => m.attributes.name === metricName);
    if (!metric) return [];
    return await client.events.list({ filter: filter.equals("metric_id", metric.id as string) }).toArray();
  }

  beforeAll(async () => {
    await sql([
      `CREATE TABLE shop_orders AS SELECT * FROM (VALUES
         ('A-1', 'buyer1@example.com', TIMESTAMP '2026-02-01 10:00:00', 'WELCOME', 'USD',
          '[{"product_id":"P1","name":"Mug","quantity":2,"price":9.5,"brand":"Acme","categories":["Kitchen"]},{"sku":"SKU-2","name":"Tea","quantity":1,"price":4.25,"categories":["Food","Drinks"]}]'),
         ('A-2', 'buyer2@example.com', TIMESTAMP '2026-02-02 11:30:00', NULL, 'USD',
          '[{"product_id":"P3","name":"Pot","quantity":1,"price":30,"url":"https://shop.example.com/p3"}]'),
         ('A-3', 'buyer1@example.com', TIMESTAMP '2026-02-03 09:15:00', NULL, 'USD',
          '[{"product_id":"P1","name":"Mug","qty":3,"price":9.5}]'),
         ('A-4', 'buyer3@example.com', TIMESTAMP '2026-02-04 12:00:00', NULL, 'USD', '[]'),
         ('A-5', 'buyer4@example.com', TIMESTAMP '2026-02-05 12:00:00', NULL, 'USD', 'not json')
       ) t(order_id, email, placed_at, discount_code, currency, items)`,
    ]);
  });

  it("tracks each valid order as Klaviyo's e-commerce events; invalid orders are reported and not sent", async () => {
    const r = await run(orders(), model);
    expect(r.summary).toMatchObject({ queried: 5, added: 5, succeeded: 3, invalid: 2, rejected: 0 });
    expect(r.rejects.map((x) => `${x.key}:${x.status}`)).toEqual(["A-4:invalid", "A-5:invalid"]);
    expect(r.rejects[0]?.reason).toMatch(/at least one line item/);
    expect(r.rejects[1]?.reason).toMatch(/not valid JSON/);
    expect(r.writes.map((q) => `${q.method} ${q.path}`)).toEqual(["POST /api/event-bulk-create-jobs"]);
    expect(JSON.stringify(r.writes[0]?.body)).not.toMatch(/buyer3|buyer4/);

    const placed = await eventsOf("Placed Order");
    const products = await eventsOf("Ordered Product");
    expect(placed).toHaveLength(3);
    expect(products).toHaveLength(4);
    const buyers = await profilesByEmail(["buyer1@example.com", "buyer2@example.com", "buyer3@example.com"]);
    expect(buyers.has("buyer3@example.com")).toBe(false);
    const buyer1 = buyers.get("buyer1@example.com")?.id;

    const a1 = placed.find((e) => e.attributes.event_properties?.OrderId === "A-1");
    expect(a1?.attributes.datetime).toMatch(/^2026-02-01T10:00:00/);
    expect(a1?.relationships?.profile?.data?.id).toBe(buyer1);
    expect(a1?.attributes.event_properties).toMatchObject({
      $value: 23.25,
      OrderId: "A-1",
      ItemNames: ["Mug", "Tea"],
      Categories: ["Kitchen", "Food", "Drinks"],
      Brands: ["Acme"],
      DiscountCode: "WELCOME",
      Items: [
        {
          ProductID: "P1",
          ProductName: "Mug",
          Quantity: 2,
          ItemPrice: 9.5,
          RowTotal: 19,
          Brand: "Acme",
          Categories: ["Kitchen"],
        },
        { SKU: "SKU-2", ProductName: "Tea", Quantity: 1, ItemPrice: 4.25, RowTotal: 4.25 },
      ],
    });
    const a3 = placed.find((e) => e.attributes.event_properties?.OrderId === "A-3");
    expect(a3?.attributes.event_properties).toMatchObject({ $value: 28.5, ItemNames: ["Mug"] });

    const lines = products
      .map((e) => e.attributes.event_properties as Record<string, unknown>)
      .sort((x, y) => `${x.OrderId}${x.ProductName}`.localeCompare(`${y.OrderId}${y.ProductName}`));
    expect(lines).toMatchObject([
      {
        OrderId: "A-1",
        ProductID: "P1",
        ProductName: "Mug",
        Quantity: 2,
        RowTotal: 19,
        ProductBrand: "Acme",
        $value: 19,
      },
      { OrderId: "A-1", SKU: "SKU-2", ProductName: "Tea", Quantity: 1, RowTotal: 4.25, $value: 4.25 },
      {
        OrderId: "A-2",
        ProductID: "P3",
        ProductName: "Pot",
        ProductURL: "https://shop.example.com/p3",
        $value: 30,
      },
      { OrderId: "A-3", ProductID: "P1", ProductName: "Mug", Quantity: 3, RowTotal: 28.5, $value: 28.5 },
    ]);
    // Each event carries a unique_id derived from the sync and the order, lines suffixed.
    const body = r.writes[0]?.body;
    const uids = body.data.attributes["events-bulk-create"].data.flatMap(
      (g: { attributes: { events: { data: Array<{ attributes: { unique_id: string } }> } } }) =>
        g.attributes.events.data.map((e) => e.attributes.unique_id),
    );
    const base = deriveUniqueId("shop_orders", "A-1");
    expect(uids).toEqual(expect.arrayContaining([base, `${base}:0`, `${base}:1`]));
    expect(uids).toHaveLength(7);
  });

  it("a second run sends nothing; a full resync replays without double counting; a changed order is the only one sent", async () => {
    const again = await run(orders(), model);
    expect(again.summary).toMatchObject({ unchanged: 3, changed: 2, succeeded: 0, invalid: 2 });
    expect(again.requests).toEqual([]);

    const replay = await run(orders(), model, true);
    expect(replay.summary).toMatchObject({ added: 5, succeeded: 3, invalid: 2 });
    expect(replay.writes).toHaveLength(1);
    expect(await eventsOf("Placed Order")).toHaveLength(3);
    expect(await eventsOf("Ordered Product")).toHaveLength(4);

    await sql(["UPDATE shop_orders SET discount_code = 'SPRING' WHERE order_id = 'A-2'"]);
    const changed = await run(orders(), model);
    expect(changed.summary).toMatchObject({ unchanged: 2, changed: 3, succeeded: 1, invalid: 2 });
    expect(changed.writes).toHaveLength(1);
    const groups = changed.writes[0]?.body.data.attributes["events-bulk-create"].data as Array<{
      attributes: { events: { data: Array<{ attributes: { properties: { OrderId: string } } }> } };
    }>;
    const events = groups.flatMap((g) => g.attributes.events.data);
    expect(events).toHaveLength(2);
    expect(events.every((e) => e.attributes.properties.OrderId === "A-2")).toBe(true);
    // Klaviyo keeps the first event of a unique_id: the order still counts once.
    expect(await eventsOf("Placed Order")).toHaveLength(3);
    expect(await eventsOf("Ordered Product")).toHaveLength(4);
  });
});

// ---------------------------------------------------------------------------------------------
// list_membership

describe("list_membership add: list created by name once, then reused", () => {
  const LIST = "Newsletter (warehouse)";
  const model = { table: "newsletter" };
  const add = (name = "newsletter_add") =>
    spec({
      name,
      action: "list_membership",
      mode: "add",
      mapping: { email: "email" },
      options: { list_name: LIST },
    });
  const existing: Record<string, string> = {};

  async function listsNamed(): Promise<string[]> {
    const lists = await client.lists.list({ filter: filter.equals("name", [LIST]) }).toArray();
    return lists.map((l) => l.id as string);
  }

  beforeAll(async () => {
    existing.nl1 = await createProfile({ email: "nl1@example.com" });
    existing.nl2 = await createProfile({ email: "nl2@example.com" });
    await sql([
      `CREATE TABLE newsletter AS SELECT * FROM (VALUES
         (1, 'nl1@example.com'), (2, 'nl2@example.com'), (3, 'nl3@example.com'),
         (4, 'NL4@example.com'), (5, 'broken@')
       ) t(id, email)`,
    ]);
  });

  it("creates the list, imports the missing profiles and adds every valid row", async () => {
    const r = await run(add(), model);
    expect(r.summary).toMatchObject({ added: 5, succeeded: 4, invalid: 1, rejected: 0 });
    expect(r.rejects.map((x) => `${x.key}:${x.status}`)).toEqual(["5:invalid"]);
    const writes = r.writes.map((q) => `${q.method} ${q.path}`);
    expect(writes.filter((w) => w === "POST /api/lists")).toHaveLength(1);
    const imported = r.writes.filter((q) => q.path === "/api/profile-bulk-import-jobs");
    expect(imported).toHaveLength(1);
    expect(
      importedProfiles(imported[0] as Sent)
        .map((p) => p.attributes.email)
        .sort(),
    ).toEqual(["NL4@example.com", "nl3@example.com"]);
    expect(JSON.stringify(r.writes.map((q) => q.body))).not.toContain("broken@");

    const lists = await listsNamed();
    expect(lists).toHaveLength(1);
    const got = await profilesByEmail([
      "nl1@example.com",
      "nl2@example.com",
      "nl3@example.com",
      "nl4@example.com",
    ]);
    expect(got.size).toBe(4);
    expect(await listMemberIds(lists[0] as string)).toEqual(
      [...got.values()].map((p) => p.id as string).sort(),
    );
  });

  it("no change: nothing sent; a changed row alone is sent, to the same list; add never removes", async () => {
    const again = await run(add(), model);
    expect(again.summary).toMatchObject({ unchanged: 4, changed: 1, invalid: 1, succeeded: 0 });
    expect(again.requests).toEqual([]);

    await sql([
      "UPDATE newsletter SET email = 'nl2b@example.com' WHERE id = 2",
      "DELETE FROM newsletter WHERE id = 1",
    ]);
    const changed = await run(add(), model);
    expect(changed.summary).toMatchObject({ changed: 2, removed: 0, succeeded: 1, invalid: 1 });
    // The list id comes from the sync's memory: no lookup by name, no second list.
    expect(changed.requests.some((q) => q.path === "/api/lists")).toBe(false);
    const [listId] = await listsNamed();
    const adds = changed.writes.filter((q) => q.path === `/api/lists/${listId}/relationships/profiles`);
    expect(adds).toHaveLength(1);
    expect(adds[0]?.body.data).toHaveLength(1);
    const got = await profilesByEmail(["nl2b@example.com"]);
    expect(adds[0]?.body.data[0].id).toBe(got.get("nl2b@example.com")?.id);
    const members = await listMemberIds(listId as string);
    expect(members).toHaveLength(5);
    // add mode: the row that left and the old address of the changed row stay on the list.
    expect(members).toEqual(expect.arrayContaining([existing.nl1, existing.nl2]));
  });

  it("another sync with the same list_name finds the list instead of creating a second one", async () => {
    const r = await run(add("newsletter_add_2"), { sql: "SELECT * FROM newsletter WHERE id = 3" });
    expect(r.summary).toMatchObject({ added: 1, succeeded: 1 });
    expect(r.requests.filter((q) => q.path === "/api/lists").map((q) => q.method)).toEqual(["GET"]);
    expect(await listsNamed()).toHaveLength(1);
  });
});

describe("list_membership mirror by list_name", () => {
  const model = { table: "club" };
  const mirror = () =>
    spec({
      name: "club_mirror",
      action: "list_membership",
      mode: "mirror",
      mapping: { email: "email" },
      options: { list_name: "Club (mirror)" },
    });

  beforeAll(async () => {
    await sql([
      `CREATE TABLE club AS SELECT i AS id, 'club' || i || '@example.com' AS email FROM range(1, 31) t(i)`,
    ]);
  });

  it("mirror removes exactly the rows that left; no change sends nothing", async () => {
    const first = await run(mirror(), model);
    expect(first.summary).toMatchObject({ added: 30, succeeded: 30 });
    const [list] = await client.lists.list({ filter: filter.equals("name", ["Club (mirror)"]) }).toArray();
    const listId = list?.id as string;
    const all = await profilesByEmail(Array.from({ length: 30 }, (_, i) => `club${i + 1}@example.com`));
    expect(await listMemberIds(listId)).toEqual([...all.values()].map((p) => p.id as string).sort());
    const outsider = await createProfile({ email: "outsider@example.com" });
    await client.lists.addProfiles(listId, [outsider]);

    const quiet = await run(mirror(), model);
    expect(quiet.summary).toMatchObject({ unchanged: 30, removed: 0 });
    expect(quiet.requests).toEqual([]);

    await sql(["DELETE FROM club WHERE id IN (4, 5, 6)"]);
    const second = await run(mirror(), model);
    expect(second.summary).toMatchObject({ removed: 3, unchanged: 27, added: 0, changed: 0 });
    const removes = second.writes.filter((q) => q.method === "DELETE");
    expect(removes).toHaveLength(1);
    const gone = [4, 5, 6].map((i) => all.get(`club${i}@example.com`)?.id as string).sort();
    expect(removes[0]?.body.data.map((d: { id: string }) => d.id).sort()).toEqual(gone);
    const members = await listMemberIds(listId);
    expect(members).toHaveLength(28);
    for (const id of gone) expect(members).not.toContain(id);
    expect(members).toContain(outsider);
    // Taken off the list, not deleted.
    expect((await profilesByEmail(["club4@example.com"])).size).toBe(1);

    const after = await run(mirror(), model);
    expect(after.requests).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// subscriptions

describe("subscriptions: subscribe and unsubscribe, email and SMS", () => {
  const model = { table: "consents" };
  let listId: string;
  const emails = [1, 2, 3, 4, 5, 6].map((i) => `sub${i}@example.com`);
  const subscribe = () =>
    spec({
      name: "consents_subscribe",
      action: "subscriptions",
      mode: "subscribe",
      mapping: { email: "email", phone: "phone_number", consented_at: "consented_at" },
      options: {
        channels: ["email", "sms"],
        list: listId,
        historical_import: true,
        custom_source: "Warehouse import",
        default_country: "US",
      },
    });

  beforeAll(async () => {
    const list = await client.lists.create({ data: { type: "list", attributes: { name: "Consented" } } });
    listId = list.data.id as string;
    await createProfile({ email: "sub1@example.com", first_name: "Existing" });
    await sql([
      `CREATE TABLE consents AS SELECT * FROM (VALUES
         (1, 'sub1@example.com', '+14155552601', TIMESTAMP '2024-05-01 12:00:00'),
         (2, 'sub2@example.com', '+14155552602', TIMESTAMP '2024-06-01 08:30:00'),
         (3, 'sub3@example.com', '(415) 555-2603', TIMESTAMP '2024-07-01 00:00:00'),
         (4, 'sub4@example.com', '+14155552604', TIMESTAMP '2099-01-01 00:00:00'),
         (5, 'sub5@example.com', NULL, TIMESTAMP '2024-01-01 00:00:00'),
         (6, 'sub6@example.com', '12345', TIMESTAMP '2024-01-01 00:00:00')
       ) t(id, email, phone, consented_at)`,
    ]);
  });

  it("subscribes email and SMS with the historical consent time and the list; invalid rows are not sent", async () => {
    const r = await run(subscribe(), model);
    expect(r.summary).toMatchObject({ added: 6, succeeded: 3, invalid: 3, rejected: 0 });
    expect(r.rejects.map((x) => `${x.key}:${x.status}`)).toEqual(["4:invalid", "5:invalid", "6:invalid"]);
    expect(r.rejects[0]?.reason).toMatch(/in the future/);
    expect(r.rejects[1]?.reason).toMatch(/phone_number is missing/);
    expect(r.rejects[2]?.reason).toMatch(/phone/);
    expect(await lastRun("consents_subscribe")).toMatchObject({ succeeded: 3, invalid: 3 });

    expect(r.writes).toHaveLength(1);
    const job = r.writes[0] as Sent;
    expect(job.path).toBe("/api/profile-subscription-bulk-create-jobs");
    expect(job.body.data.attributes).toMatchObject({
      historical_import: true,
      custom_source: "Warehouse import",
    });
    expect(job.body.data.relationships.list.data.id).toBe(listId);
    const entries = importedProfiles(job);
    expect(entries.map((e) => e.attributes.email)).toEqual(emails.slice(0, 3));
    expect(entries[2]?.attributes.phone_number).toBe("+14155552603");
    expect(entries[0]?.attributes.subscriptions).toEqual({
      email: { marketing: { consent: "SUBSCRIBED", consented_at: "2024-05-01T12:00:00.000Z" } },
      sms: { marketing: { consent: "SUBSCRIBED", consented_at: "2024-05-01T12:00:00.000Z" } },
    });

    await settle();
    const got = await profilesByEmail(emails, true);
    expect([...got.keys()].sort()).toEqual(emails.slice(0, 3));
    const consentedAt: Record<string, string> = {
      "sub1@example.com": "2024-05-01T12:00:00Z",
      "sub2@example.com": "2024-06-01T08:30:00Z",
      "sub3@example.com": "2024-07-01T00:00:00Z",
    };
    for (const [email, at] of Object.entries(consentedAt)) {
      const subs = got.get(email)?.attributes.subscriptions;
      expect(subs?.email?.marketing).toMatchObject({
        consent: "SUBSCRIBED",
        can_receive_email_marketing: true,
        method_detail: "Warehouse import",
      });
      expect(Date.parse(String(subs?.email?.marketing?.consent_timestamp))).toBe(Date.parse(at));
      expect(subs?.sms?.marketing).toMatchObject({ consent: "SUBSCRIBED", can_receive_sms_marketing: true });
      expect(Date.parse(String(subs?.sms?.marketing?.consent_timestamp))).toBe(Date.parse(at));
    }
    expect(got.get("sub1@example.com")?.attributes).toMatchObject({
      first_name: "Existing",
      phone_number: "+14155552601",
    });
    expect(await listMemberIds(listId)).toEqual(
      emails
        .slice(0, 3)
        .map((e) => got.get(e)?.id as string)
        .sort(),
    );
  });

  it("no change sends nothing; a changed consent time sends that row only", async () => {
    const again = await run(subscribe(), model);
    expect(again.summary).toMatchObject({ unchanged: 3, changed: 3, succeeded: 0, invalid: 3 });
    expect(again.requests).toEqual([]);

    await sql(["UPDATE consents SET consented_at = TIMESTAMP '2024-06-15 09:00:00' WHERE id = 2"]);
    const changed = await run(subscribe(), model);
    expect(changed.summary).toMatchObject({ succeeded: 1, invalid: 3 });
    expect(changed.writes).toHaveLength(1);
    const entries = importedProfiles(changed.writes[0] as Sent);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.attributes).toMatchObject({
      email: "sub2@example.com",
      subscriptions: { email: { marketing: { consented_at: "2024-06-15T09:00:00.000Z" } } },
    });
  });

  it("unsubscribe without a list revokes email and SMS consent globally", async () => {
    const s = spec({
      name: "consents_unsubscribe",
      action: "subscriptions",
      mode: "unsubscribe",
      mapping: { email: "email", phone: "phone_number" },
      options: { channels: "email,sms" },
    });
    const unsubModel = { sql: "SELECT id, email, phone FROM consents WHERE id IN (1, 6)" };
    const r = await run(s, unsubModel);
    expect(r.summary).toMatchObject({ added: 2, succeeded: 1, invalid: 1 });
    expect(r.rejects.map((x) => `${x.key}:${x.status}`)).toEqual(["6:invalid"]);
    expect(r.writes).toHaveLength(1);
    expect(r.writes[0]?.path).toBe("/api/profile-subscription-bulk-delete-jobs");
    expect(importedProfiles(r.writes[0] as Sent)).toEqual([
      {
        type: "profile",
        attributes: {
          email: "sub1@example.com",
          phone_number: "+14155552601",
          subscriptions: {
            email: { marketing: { consent: "UNSUBSCRIBED" } },
            sms: { marketing: { consent: "UNSUBSCRIBED" } },
          },
        },
      },
    ]);
    await settle();
    const got = await profilesByEmail(["sub1@example.com", "sub2@example.com"], true);
    const one = got.get("sub1@example.com")?.attributes.subscriptions;
    expect(one?.email?.marketing).toMatchObject({
      consent: "UNSUBSCRIBED",
      can_receive_email_marketing: false,
    });
    expect(one?.email?.marketing?.suppression?.map((x) => x.reason)).toEqual(["UNSUBSCRIBE"]);
    expect(one?.sms?.marketing).toMatchObject({ consent: "UNSUBSCRIBED", can_receive_sms_marketing: false });
    // Others keep their consent.
    expect(got.get("sub2@example.com")?.attributes.subscriptions?.email?.marketing?.consent).toBe(
      "SUBSCRIBED",
    );

    const again = await run(s, unsubModel);
    expect(again.writes).toEqual([]);
  });

  it("unsubscribe with a list unsubscribes that list's members from the list only", async () => {
    const s = spec({
      name: "consents_unsubscribe_list",
      action: "subscriptions",
      mode: "unsubscribe",
      mapping: { email: "email" },
      options: { list: listId },
    });
    const r = await run(s, { sql: "SELECT id, email FROM consents WHERE id = 2" });
    expect(r.summary).toMatchObject({ added: 1, succeeded: 1 });
    expect(r.writes[0]?.body.data.relationships.list.data.id).toBe(listId);
    await settle();
    const suppressed = await client.profiles
      .list({
        filter: filter.equals("subscriptions.email.marketing.list_suppressions.list_id", listId),
        "additional-fields[profile]": ["subscriptions"],
      })
      .toArray();
    expect(suppressed.map((p) => p.attributes.email)).toEqual(["sub2@example.com"]);
    const marketing = suppressed[0]?.attributes.subscriptions?.email?.marketing;
    expect(marketing?.consent).toBe("SUBSCRIBED");
    expect(marketing?.list_suppressions).toMatchObject([{ list_id: listId, reason: "UNSUBSCRIBE" }]);
  });
});

// ---------------------------------------------------------------------------------------------
// suppressions

describe("suppressions: suppress and unsuppress", () => {
  const model = { table: "suppress_list" };
  const suppress = () =>
    spec({ name: "suppress", action: "suppressions", mode: "suppress", mapping: { email: "email" } });

  async function userSuppressed(): Promise<string[]> {
    const found = await client.profiles
      .list({ filter: filter.equals("subscriptions.email.marketing.suppression.reason", "USER_SUPPRESSED") })
      .toArray();
    return found.map((p) => String(p.attributes.email)).sort();
  }

  beforeAll(async () => {
    await createProfile({ email: "sup1@example.com", first_name: "Known" });
    await sql([
      `CREATE TABLE suppress_list AS SELECT * FROM (VALUES
         (1, 'sup1@example.com'), (2, 'SUP2@example.com'), (3, 'sup3@example.com'), (4, 'nope')
       ) t(id, email)`,
    ]);
  });

  it("suppresses every valid address (creating unknown ones) and follows the job to completion", async () => {
    const r = await run(suppress(), model);
    expect(r.summary).toMatchObject({ added: 4, succeeded: 3, invalid: 1, rejected: 0 });
    expect(r.rejects.map((x) => `${x.key}:${x.status}`)).toEqual(["4:invalid"]);
    expect(r.writes).toHaveLength(1);
    expect(r.writes[0]?.path).toBe("/api/profile-suppression-bulk-create-jobs");
    expect(importedProfiles(r.writes[0] as Sent).map((p) => p.attributes.email)).toEqual([
      "sup1@example.com",
      "sup2@example.com",
      "sup3@example.com",
    ]);
    // The job was polled until complete before the rows counted.
    expect(
      r.requests.some(
        (q) => q.method === "GET" && q.path.startsWith("/api/profile-suppression-bulk-create-jobs/"),
      ),
    ).toBe(true);

    expect(await userSuppressed()).toEqual(["sup1@example.com", "sup2@example.com", "sup3@example.com"]);
    const got = await profilesByEmail(["sup1@example.com"], true);
    const marketing = got.get("sup1@example.com")?.attributes.subscriptions?.email?.marketing;
    expect(marketing?.can_receive_email_marketing).toBe(false);
    expect(marketing?.suppression?.map((s) => s.reason)).toEqual(["USER_SUPPRESSED"]);
  });

  it("no change sends nothing; a changed address is the only one sent", async () => {
    const again = await run(suppress(), model);
    expect(again.requests).toEqual([]);
    await sql(["UPDATE suppress_list SET email = 'sup3b@example.com' WHERE id = 3"]);
    const changed = await run(suppress(), model);
    expect(changed.summary).toMatchObject({ changed: 2, succeeded: 1, invalid: 1 });
    expect(changed.writes).toHaveLength(1);
    expect(importedProfiles(changed.writes[0] as Sent).map((p) => p.attributes.email)).toEqual([
      "sup3b@example.com",
    ]);
    expect(await userSuppressed()).toEqual([
      "sup1@example.com",
      "sup2@example.com",
      "sup3@example.com",
      "sup3b@example.com",
    ]);
  });

  it("unsuppress lifts USER_SUPPRESSED only; a hard bounce stays", async () => {
    await createProfile({ email: "bounced@example.com" });
    // No API creates a hard bounce: set it in the emulator's store.
    const bounced = emu.store.profiles.byEmailAddress("bounced@example.com");
    if (!bounced) throw new Error("no bounced profile");
    bounced.subscriptions.email.suppression = { reason: "HARD_BOUNCE", timestamp: Date.now() };

    const s = spec({
      name: "unsuppress",
      action: "suppressions",
      mode: "unsuppress",
      mapping: { email: "email" },
    });
    const unModel = {
      sql: "SELECT id, email FROM suppress_list WHERE id IN (1, 2) UNION ALL SELECT 9, 'bounced@example.com'",
    };
    const r = await run(s, unModel);
    // The bounced address still succeeds: the job ran; Klaviyo only counts it as skipped.
    expect(r.summary).toMatchObject({ added: 3, succeeded: 3 });
    expect(r.writes).toHaveLength(1);
    expect(r.writes[0]?.path).toBe("/api/profile-suppression-bulk-delete-jobs");
    expect(await userSuppressed()).toEqual(["sup3@example.com", "sup3b@example.com"]);
    const got = await profilesByEmail(["sup1@example.com", "bounced@example.com"], true);
    expect(got.get("sup1@example.com")?.attributes.subscriptions?.email?.marketing).toMatchObject({
      can_receive_email_marketing: true,
      suppression: [],
    });
    expect(
      got
        .get("bounced@example.com")
        ?.attributes.subscriptions?.email?.marketing?.suppression?.map((x) => x.reason),
    ).toEqual(["HARD_BOUNCE"]);

    const again = await run(s, unModel);
    expect(again.requests).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// delete_profiles

describe("delete_profiles: one data-privacy deletion request per row", () => {
  const model = { table: "forget_me" };
  let byId: string;
  const del = () =>
    spec({
      name: "forget_me",
      action: "delete_profiles",
      mode: "delete",
      mapping: { email: "email", phone: "phone_number", profile_id: "id" },
    });

  beforeAll(async () => {
    await createProfile({ email: "del1@example.com" });
    await createProfile({ email: "del2@example.com", phone_number: "+14155552611" });
    await createProfile({ phone_number: "+14155552612" });
    byId = await createProfile({ email: "del4@example.com" });
    await createProfile({ email: "keep@example.com" });
    await sql([
      `CREATE TABLE forget_me AS SELECT * FROM (VALUES
         (1, 'del1@example.com', NULL, NULL),
         (2, 'del2@example.com', '+14155552611', NULL),
         (3, NULL, '+14155552612', NULL),
         (4, NULL, NULL, '${byId}'),
         (5, NULL, NULL, NULL),
         (6, 'bad@@example', NULL, NULL)
       ) t(id, email, phone, profile_id)`,
    ]);
  });

  it("deletes every profile the model names, each by exactly one identifier", async () => {
    const r = await run(del(), model);
    expect(r.summary).toMatchObject({ added: 6, succeeded: 4, invalid: 2, rejected: 0 });
    expect(r.rejects.map((x) => `${x.key}:${x.status}`)).toEqual(["5:invalid", "6:invalid"]);
    expect(r.writes.every((q) => q.path === "/api/data-privacy-deletion-jobs")).toBe(true);
    expect(r.writes.map((q) => q.body.data.attributes.profile.data)).toEqual([
      { type: "profile", attributes: { email: "del1@example.com" } },
      { type: "profile", attributes: { email: "del2@example.com" } },
      { type: "profile", attributes: { phone_number: "+14155552612" } },
      { type: "profile", id: byId, attributes: {} },
    ]);

    await settle();
    const left = await profilesByEmail([
      "del1@example.com",
      "del2@example.com",
      "del4@example.com",
      "keep@example.com",
    ]);
    expect([...left.keys()]).toEqual(["keep@example.com"]);
    const phones = await client.profiles
      .list({ filter: filter.any("phone_number", ["+14155552611", "+14155552612"]) })
      .toArray();
    expect(phones).toEqual([]);
    await expect(client.profiles.get(byId)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("no change sends nothing; a changed row is the only one sent", async () => {
    const again = await run(del(), model);
    expect(again.requests).toEqual([]);
    await sql(["UPDATE forget_me SET email = 'keep@example.com' WHERE id = 1"]);
    const changed = await run(del(), model);
    expect(changed.summary).toMatchObject({ changed: 3, succeeded: 1, invalid: 2 });
    expect(changed.writes.map((q) => q.body.data.attributes.profile.data.attributes)).toEqual([
      { email: "keep@example.com" },
    ]);
    await settle();
    expect((await profilesByEmail(["keep@example.com"])).size).toBe(0);
  });
});
