import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { KlaviyoClient } from "../../../src/client/index.js";
import { silentLogger } from "../../../src/client/types.js";
import type { EventRecord } from "../../../src/emulator/store/events.js";
import { deriveUniqueId } from "../../../src/load/actions/events/track.js";
import { orderCompletedAction, orderLines } from "../../../src/load/actions/order_completed/index.js";
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

function ctxFor(options: Record<string, unknown> = {}): ActionContext {
  const m = new Map<string, string>();
  return {
    client,
    sync: "orders",
    options: orderCompletedAction.parseOptions(options, "track"),
    mode: "track",
    memory: { get: async (k) => m.get(k), set: async (k, v) => void m.set(k, v) },
    logger: silentLogger,
    now: Date.now,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
}

/** A mapped order row: fields from the mapping, the items in the model column. */
const order = (key: string, fields: Record<string, unknown>, items: unknown, column = "items"): LoadRow => ({
  key,
  source: { ...fields, [column]: items },
  fields: { ...fields },
  hash: `h-${key}`,
});

const stored = (metric: string): EventRecord[] =>
  [...emu.store.events.scan({}, () => true)].filter(
    (e) => emu.store.metrics.get(e.metricId)?.attributes.name === metric,
  );
const byKey = (outcomes: RowOutcome[]) => new Map(outcomes.map((o) => [o.key, o]));

const CATALOG = [
  {
    product_id: "P1",
    sku: "SKU-1",
    name: "Blue Mug",
    price: 12.5,
    brand: "Acme",
    categories: ["Kitchen", "Mugs"],
    url: "https://shop.example/p1",
    image_url: "https://img.example/p1.jpg",
  },
  {
    product_id: "P2",
    sku: "SKU-2",
    name: "Tea Towel",
    price: 6.99,
    brand: "Linen Co",
    categories: ["Kitchen"],
  },
  { ProductID: "P3", SKU: "SKU-3", ProductName: "Teapot", ItemPrice: 39, Brand: "Acme", Categories: "Tea" },
];

describe("order_completed", () => {
  it("20 orders with 1–3 items → 20 Placed Order and one Ordered Product per line, with Klaviyo's property names", async () => {
    const rows: LoadRow[] = [];
    let lines = 0;
    for (let i = 0; i < 20; i++) {
      const n = (i % 3) + 1;
      lines += n;
      const items = CATALOG.slice(0, n).map((p, j) => ({ ...p, quantity: j + 1, gift_wrap: j === 0 }));
      const fields: Record<string, unknown> = {
        email: `buyer${i % 7}@example.com`,
        time: new Date(Date.UTC(2025, 2, 1 + i, 9)).toISOString(),
        value_currency: "EUR",
        "profile.first_name": `Buyer${i % 7}`,
        "properties.Channel": "web",
      };
      if (i % 5 === 0) fields.discount_code = "SPRING10";
      // Half the rows carry the items as JSON text, as many warehouses return them.
      rows.push(order(`ORD-${1000 + i}`, fields, i % 2 === 0 ? JSON.stringify(items) : items));
    }
    const ctx = ctxFor();
    for (const r of rows) expect(orderCompletedAction.validate(r, ctx)).toBeUndefined();
    const outcomes = await orderCompletedAction.perform(rows, ctx);
    expect(outcomes).toHaveLength(20);
    expect(outcomes.every((o) => o.status === "succeeded")).toBe(true);

    const placed = stored("Placed Order");
    const products = stored("Ordered Product");
    expect(placed).toHaveLength(20);
    expect(products).toHaveLength(lines);

    // Order 1002: three lines (quantities 1, 2, 3).
    const uid = deriveUniqueId("orders", "ORD-1002");
    const p = placed.find((e) => e.properties.OrderId === "ORD-1002") as EventRecord;
    const total = 12.5 * 1 + 6.99 * 2 + 39 * 3;
    expect(p).toMatchObject({
      uniqueId: uid,
      value: total,
      valueCurrency: "EUR",
      datetime: Date.UTC(2025, 2, 3, 9),
    });
    expect(p.properties).toEqual({
      OrderId: "ORD-1002",
      Categories: ["Kitchen", "Mugs", "Tea"],
      ItemNames: ["Blue Mug", "Tea Towel", "Teapot"],
      Brands: ["Acme", "Linen Co"],
      Channel: "web",
      Items: [
        {
          ProductID: "P1",
          SKU: "SKU-1",
          ProductName: "Blue Mug",
          Quantity: 1,
          ItemPrice: 12.5,
          RowTotal: 12.5,
          ProductURL: "https://shop.example/p1",
          ImageURL: "https://img.example/p1.jpg",
          Categories: ["Kitchen", "Mugs"],
          Brand: "Acme",
          gift_wrap: true,
        },
        {
          ProductID: "P2",
          SKU: "SKU-2",
          ProductName: "Tea Towel",
          Quantity: 2,
          ItemPrice: 6.99,
          RowTotal: 13.98,
          Categories: ["Kitchen"],
          Brand: "Linen Co",
          gift_wrap: false,
        },
        {
          ProductID: "P3",
          SKU: "SKU-3",
          ProductName: "Teapot",
          Quantity: 3,
          ItemPrice: 39,
          RowTotal: 117,
          Categories: ["Tea"],
          Brand: "Acme",
          gift_wrap: false,
        },
      ],
    });
    const lines1002 = products
      .filter((e) => e.properties.OrderId === "ORD-1002")
      .sort((a, b) => String(a.uniqueId).localeCompare(String(b.uniqueId)));
    expect(lines1002.map((e) => e.uniqueId)).toEqual([`${uid}:0`, `${uid}:1`, `${uid}:2`]);
    expect(lines1002.map((e) => e.value)).toEqual([12.5, 13.98, 117]);
    expect(lines1002[1]?.properties).toEqual({
      OrderId: "ORD-1002",
      ProductID: "P2",
      SKU: "SKU-2",
      ProductName: "Tea Towel",
      Quantity: 2,
      ItemPrice: 6.99,
      RowTotal: 13.98,
      Categories: ["Kitchen"],
      ProductBrand: "Linen Co",
      gift_wrap: false,
    });
    expect(lines1002[0]?.profileId).toBe(p.profileId);
    expect(emu.store.profiles.get(p.profileId)).toMatchObject({
      email: "buyer2@example.com",
      first_name: "Buyer2",
    });
    expect(placed.find((e) => e.properties.OrderId === "ORD-1000")?.properties.DiscountCode).toBe("SPRING10");
    expect(placed.find((e) => e.properties.OrderId === "ORD-1001")?.properties.DiscountCode).toBeUndefined();

    // A replay sends the same unique ids: nothing doubles.
    const again = await orderCompletedAction.perform(rows, ctx);
    expect(again.every((o) => o.status === "succeeded")).toBe(true);
    expect(stored("Placed Order")).toHaveLength(20);
    expect(stored("Ordered Product")).toHaveLength(lines);
  });

  it("uses a mapped total, order_id, discount value and a custom items column", async () => {
    const items = [{ id: "P9", title: "Kettle", qty: "2", unit_price: "20.00", line_total: 36 }];
    const row = order(
      "k1",
      { external_id: "cust-9", value: 40, order_id: "#9001", discount_value: 4, time: 1735722000 },
      items,
      "lines",
    );
    const out = await orderCompletedAction.perform([row], ctxFor({ items_column: "lines", backfill: true }));
    expect(out).toEqual([{ key: "k1", status: "succeeded" }]);
    const [placed] = stored("Placed Order");
    expect(placed).toMatchObject({
      value: 40,
      properties: { OrderId: "#9001", DiscountValue: 4, ItemNames: ["Kettle"] },
    });
    expect(stored("Ordered Product")[0]).toMatchObject({
      value: 36,
      properties: { ProductID: "P9", ProductName: "Kettle", Quantity: 2, ItemPrice: 20, RowTotal: 36 },
    });
  });

  it("orders with unusable items are invalid and not sent", async () => {
    const ok = order("ok", { email: "a@example.com" }, [{ sku: "S", price: 1 }]);
    const rows = [
      ok,
      order("none", { email: "a@example.com" }, []),
      order("missing", { email: "a@example.com" }, null),
      order("json", { email: "a@example.com" }, "[{oops"),
      order("noprice", { email: "a@example.com" }, [{ sku: "S" }]),
      order("noproduct", { email: "a@example.com" }, [{ price: 3 }]),
      order("badqty", { email: "a@example.com" }, [{ sku: "S", price: 1, quantity: "two" }]),
      order("obj", { email: "a@example.com" }, { sku: "S" }),
      order("noid", { first_name: "x" }, [{ sku: "S", price: 1 }]),
    ];
    const out = byKey(await orderCompletedAction.perform(rows, ctxFor()));
    expect(out.get("ok")?.status).toBe("succeeded");
    const reasons = Object.fromEntries(
      [...out].filter(([k]) => k !== "ok").map(([k, o]) => [k, `${o.status}: ${o.reason}`]),
    );
    expect(reasons).toEqual({
      none: 'invalid: items column "items" is an empty array: an order needs at least one line item',
      missing: 'invalid: items column "items" is empty: an order needs at least one line item',
      json: 'invalid: items column "items" "[{oops" is not valid JSON',
      noprice: "invalid: items[0] has no price or row_total",
      noproduct: "invalid: items[0] names no product: give it a product_id, sku or name",
      badqty: 'invalid: items[0].quantity must be a number, got "two"',
      obj: 'invalid: items column "items" must be a JSON array of line items, got an object',
      noid: expect.stringContaining('invalid: action order_completed has no field "first_name"'),
    });
    expect(stored("Placed Order")).toHaveLength(1);
  });

  it("refuses more lines than fit in one request with the order", () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ sku: `S${i}`, price: 1 }));
    const r = orderLines(order("big", {}, many), { items_column: "items" });
    expect(r).toEqual({ error: expect.stringContaining("1000 line items; at most 999") });
  });

  it("packs orders' events into requests of at most 1,000 events, keeping each order whole", async () => {
    const items = Array.from({ length: 99 }, (_, i) => ({ sku: `S${i}`, price: 1 }));
    const rows = Array.from({ length: 25 }, (_, i) => order(`o${i}`, { email: `b${i}@example.com` }, items));
    const out = await orderCompletedAction.perform(rows, ctxFor());
    expect(out.every((o) => o.status === "succeeded")).toBe(true);
    // 25 orders × 100 events = 2,500 events, 10 orders per request.
    expect(calls.get("bulk_create_events")).toBe(3);
    expect(stored("Ordered Product")).toHaveLength(25 * 99);
  });
});
