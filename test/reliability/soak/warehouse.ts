/**
 * The fault soak's warehouse (test/reliability/fault-soak.test.ts): one model per load action,
 * with rows that are invalid on purpose and rows Klaviyo rejects, and the syncs that load them.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import type { KlaviyoClient } from "../../../src/client/index.js";
import { getAction } from "../../../src/load/actions/index.js";
import type { SyncSpec } from "../../../src/load/engine.js";

export const METRIC = "Soak Order";
export const LIST_NAME = "VIP (fault soak)";

/** Rows per model, scaled by `scale` (1 in `npm test`). */
export function sizes(scale: number) {
  return {
    customers: Math.round(1200 * scale),
    orders: Math.round(1000 * scale),
    shopOrders: Math.round(200 * scale),
    consents: Math.round(200 * scale),
    suppress: Math.round(150 * scale),
    forget: 40,
    conflicts: 3,
    prospects: 25,
  };
}

/**
 * Profiles that exist before the load: the pairs each conflict row collides with (its email and
 * its external id belong to two different profiles, so the import job reports an import error for
 * it), and the people `forget` deletes.
 */
export async function seedKlaviyo(client: KlaviyoClient, scale: number): Promise<void> {
  const n = sizes(scale);
  const create = (attributes: Record<string, string>) =>
    client.profiles.create({ data: { type: "profile", attributes: attributes as { email: string } } });
  for (let k = 1; k <= n.conflicts; k++) {
    await create({ email: `taken${k}@example.com` });
    await create({ external_id: `ext-taken-${k}` });
  }
  for (let k = 1; k <= n.forget; k++) await create({ email: `forget${k}@example.com`, first_name: "Gone" });
}

/** Writes every model table to a DuckDB file. */
export async function writeWarehouse(path: string, scale: number): Promise<void> {
  const n = sizes(scale);
  const instance = await DuckDBInstance.create(path);
  const c = await instance.connect();
  try {
    for (const sql of [
      // 1 in 97 malformed emails, 1 in 131 missing; the conflict rows come last.
      `CREATE TABLE customers AS
         SELECT i AS customer_id,
                CASE WHEN i % 97 = 0 THEN 'not-an-email-' || i WHEN i % 131 = 0 THEN NULL ELSE 'c' || i || '@example.com' END AS email,
                'ext-' || i AS external_id, 'First' || i AS first_name, round(i * 12.5) / 100 AS ltv,
                CASE WHEN i % 3 = 0 THEN 'gold' ELSE 'silver' END AS tier,
                ['Boston', 'Lyon', 'Osaka', 'Lima', 'Porto'][1 + i % 5] AS city
         FROM range(1, ${n.customers + 1}) t(i)
         UNION ALL
         SELECT ${n.customers} + k, 'taken' || k || '@example.com', 'ext-taken-' || k, 'Conflict' || k, 1, 'silver', 'Nowhere'
         FROM range(1, ${n.conflicts + 1}) t(k)`,
      // Invalid: time before 2000 (1 in 211), currency not ISO 4217 (1 in 307), or the customer's email.
      `CREATE TABLE orders AS
         SELECT j AS order_id, c.email,
                CASE WHEN j % 211 = 0 THEN TIMESTAMP '1970-01-01 00:00:00' ELSE TIMESTAMP '2026-01-01 00:00:00' + to_minutes(j) END AS ordered_at,
                round(j * 137) / 100 AS total, CASE WHEN j % 307 = 0 THEN 'ZZZ' ELSE 'USD' END AS currency,
                'SKU-' || (j % 40) AS sku
         FROM range(1, ${n.orders + 1}) t(j) JOIN customers c ON c.customer_id = 1 + (j * 7) % ${n.customers}`,
      `CREATE TABLE shop_orders AS
         SELECT 'S-' || j AS order_id, 'c' || (1 + j % 50) || '@example.com' AS email,
                TIMESTAMP '2026-02-01 00:00:00' + to_minutes(j) AS placed_at, 'USD' AS currency,
                CASE WHEN j % 53 = 0 THEN 'not json'
                     ELSE '[{"product_id":"P' || (j % 9) || '","name":"Mug","quantity":' || (1 + j % 3) || ',"price":9.5},{"sku":"T-' || j || '","name":"Tea","quantity":1,"price":4.25}]' END AS items
         FROM range(1, ${n.shopOrders + 1}) t(j)`,
      // The VIP list, mirrored twice: most gold customers and some silver ones first, then every
      // gold customer and prospects (not customers: the sync creates their profiles).
      `CREATE TABLE vip_before AS SELECT customer_id, email FROM customers
         WHERE customer_id <= ${n.customers} AND ((tier = 'gold' AND customer_id % 4 <> 0) OR customer_id % 10 = 1)`,
      `CREATE TABLE vip_after AS SELECT customer_id, email FROM customers WHERE customer_id <= ${n.customers} AND tier = 'gold'
         UNION ALL SELECT 1000000 + k, 'prospect' || k || '@example.com' FROM range(1, ${n.prospects + 1}) t(k)`,
      // Subscriptions by email and SMS with the historical consent time; 1 in 37 phones malformed.
      `CREATE TABLE consents AS
         SELECT i AS id, 'sub' || i || '@example.com' AS email,
                CASE WHEN i % 37 = 0 THEN '12' ELSE '+1415555' || lpad(CAST(i % 10000 AS VARCHAR), 4, '0') END AS phone,
                TIMESTAMP '2025-06-01 00:00:00' + to_hours(i) AS consented_at
         FROM range(1, ${n.consents + 1}) t(i)`,
      `CREATE TABLE suppress_list AS
         SELECT i AS id, CASE WHEN i % 41 = 0 THEN 'bad@' ELSE 'sup' || i || '@example.com' END AS email
         FROM range(1, ${n.suppress + 1}) t(i)`,
      `CREATE TABLE forget AS SELECT k AS id, 'forget' || k || '@example.com' AS email FROM range(1, ${n.forget + 1}) t(k)`,
    ])
      await c.run(sql);
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

function spec(s: {
  name: string;
  action: string;
  mode: string;
  primaryKey: string;
  mapping: Record<string, string>;
  options?: Record<string, unknown>;
}): SyncSpec {
  const action = getAction(s.action);
  if (!action) throw new Error(`no action ${s.action}`);
  return {
    name: s.name,
    action,
    mode: s.mode,
    primaryKey: [s.primaryKey],
    mapping: Object.entries(s.mapping).map(([column, field]) => ({ column, field })),
    options: action.parseOptions(s.options ?? {}, s.mode),
  };
}

/** Every action, in the order a run loads them; `model` is the table each reads. */
export const SYNCS: Array<{ sync: SyncSpec; model: string }> = [
  {
    model: "customers",
    sync: spec({
      name: "customers",
      action: "profiles",
      mode: "upsert",
      primaryKey: "customer_id",
      mapping: {
        email: "email",
        external_id: "external_id",
        first_name: "first_name",
        ltv: "properties.lifetime_value",
        tier: "properties.tier",
        city: "location.city",
      },
      options: { identify_by: "email" },
    }),
  },
  {
    model: "orders",
    sync: spec({
      name: "orders",
      action: "events",
      mode: "track",
      primaryKey: "order_id",
      mapping: {
        email: "email",
        ordered_at: "time",
        total: "value",
        currency: "value_currency",
        order_id: "properties.order_id",
        sku: "properties.sku",
      },
      options: { metric: METRIC },
    }),
  },
  {
    model: "shop_orders",
    sync: spec({
      name: "shop_orders",
      action: "order_completed",
      mode: "track",
      primaryKey: "order_id",
      mapping: { order_id: "order_id", email: "email", placed_at: "time", currency: "value_currency" },
    }),
  },
  {
    model: "vip_before",
    sync: spec({
      name: "vip",
      action: "list_membership",
      mode: "mirror",
      primaryKey: "customer_id",
      mapping: { email: "email" },
      options: { list_name: LIST_NAME, identify_by: "email" },
    }),
  },
  {
    model: "vip_after",
    sync: spec({
      name: "vip",
      action: "list_membership",
      mode: "mirror",
      primaryKey: "customer_id",
      mapping: { email: "email" },
      options: { list_name: LIST_NAME, identify_by: "email" },
    }),
  },
  {
    model: "consents",
    sync: spec({
      name: "consents",
      action: "subscriptions",
      mode: "subscribe",
      primaryKey: "id",
      mapping: { email: "email", phone: "phone_number", consented_at: "consented_at" },
      options: { channels: ["email", "sms"], historical_import: true, default_country: "US" },
    }),
  },
  {
    model: "suppress_list",
    sync: spec({
      name: "suppress",
      action: "suppressions",
      mode: "suppress",
      primaryKey: "id",
      mapping: { email: "email" },
    }),
  },
  {
    model: "forget",
    sync: spec({
      name: "forget",
      action: "delete_profiles",
      mode: "delete",
      primaryKey: "id",
      mapping: { email: "email" },
    }),
  },
];
