/**
 * The warehouse of the load kill -9 test (test/load/crash.test.ts): customers, their orders and a
 * VIP list, with some rows invalid on purpose and some that Klaviyo rejects, and the load config
 * that syncs them. Rows are generated here, written to a DuckDB file, and the expected outcome of
 * every row is derived from the same data.
 */
import { writeFileSync } from "node:fs";
import { withDuckDB } from "./harness.js";

export const METRIC = "Placed Warehouse Order";
export const LIST_NAME = "VIP (crash test)";
/** The syncs in the order the CLI runs them. */
export const SYNCS = ["customers", "orders", "vip"] as const;
export type SyncName = (typeof SYNCS)[number];
export type Status = "succeeded" | "invalid" | "rejected";

export interface Customer {
  customer_id: number;
  email: string | null;
  external_id: string;
  first_name: string;
  ltv: number;
  tier: "gold" | "silver";
  city: string;
}

export interface Order {
  order_id: number;
  email: string | null;
  ordered_at: string;
  total: number;
  currency: string;
  sku: string;
}

/** A profile that exists in Klaviyo before the sync (not from the model). */
export type SeedProfile = { email: string } | { external_id: string };

export interface Warehouse {
  customers: Customer[];
  orders: Order[];
  /** Created in Klaviyo before each trial: each conflict row names two of them, so Klaviyo rejects it. */
  seeded: SeedProfile[];
  /** Expected final status of every row, by sync and key. */
  expected: Record<SyncName, Map<string, Status>>;
  /**
   * The VIP list's rows before (synced once before the trial) and in the trial: most gold
   * customers and some silver ones before; every gold customer and some prospects (people who are
   * not customers, so the list sync creates their profiles) in the trial. So the trial's mirror
   * adds, creates and removes.
   */
  vipBefore: VipRow[];
  vipAfter: VipRow[];
  /** The prospects' rows (part of vipAfter). */
  prospects: VipRow[];
}

export interface VipRow {
  customer_id: number;
  email: string | null;
}

const CITIES = ["Boston", "Lyon", "Osaka", "Lima", "Porto"];

/** Whether an email passes the load's validation (the invalid ones here are blatant). */
const validEmail = (email: string | null) => email !== null && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email);

/**
 * `customers` rows (1 in 89 with a malformed email, 1 in 127 with none: invalid), plus `conflicts`
 * rows whose email and external id belong to two different existing profiles (rejected by the
 * import job); `orders` orders of those customers (invalid when the customer's email is, or the
 * time is before 2000, or the currency is not ISO 4217).
 */
export function buildWarehouse(
  customers: number,
  orders: number,
  conflicts: number,
  prospects: number,
): Warehouse {
  const cs: Customer[] = [];
  const expectedCustomers = new Map<string, Status>();
  for (let i = 1; i <= customers; i++) {
    const email = i % 89 === 0 ? `not-an-email-${i}` : i % 127 === 0 ? null : `c${i}@example.com`;
    cs.push({
      customer_id: i,
      email,
      external_id: `ext-${i}`,
      first_name: `First${i}`,
      ltv: Math.round(i * 12.5) / 100,
      tier: i % 3 === 0 ? "gold" : "silver",
      city: CITIES[i % CITIES.length] as string,
    });
    expectedCustomers.set(String(i), validEmail(email) ? "succeeded" : "invalid");
  }
  const seeded: SeedProfile[] = [];
  for (let k = 1; k <= conflicts; k++) {
    const id = customers + k;
    const email = `taken${k}@example.com`;
    const externalId = `ext-taken-${k}`;
    seeded.push({ email }, { external_id: externalId });
    cs.push({
      customer_id: id,
      email,
      external_id: externalId,
      first_name: `Conflict${k}`,
      ltv: 1,
      tier: "silver",
      city: "Nowhere",
    });
    expectedCustomers.set(String(id), "rejected");
  }

  const os: Order[] = [];
  const expectedOrders = new Map<string, Status>();
  const start = Date.UTC(2026, 0, 1);
  for (let j = 1; j <= orders; j++) {
    const c = cs[(j * 7) % customers] as Customer;
    const old = j % 211 === 0;
    const badCurrency = j % 307 === 0;
    os.push({
      order_id: j,
      email: c.email,
      ordered_at: new Date(old ? Date.UTC(1999, 5, 1) : start + j * 60_000).toISOString(),
      total: Math.round(j * 137) / 100,
      currency: badCurrency ? "ZZZ" : "USD",
      sku: `SKU-${j % 40}`,
    });
    expectedOrders.set(String(j), validEmail(c.email) && !old && !badCurrency ? "succeeded" : "invalid");
  }

  const plain = cs.slice(0, customers);
  const vip = (c: Customer): VipRow => ({ customer_id: c.customer_id, email: c.email });
  const vipBefore = plain
    .filter((c) => (c.tier === "gold" && c.customer_id % 4 !== 0) || c.customer_id % 10 === 1)
    .map(vip);
  const ps: VipRow[] = [];
  for (let k = 1; k <= prospects; k++)
    ps.push({ customer_id: 1_000_000 + k, email: `prospect${k}@example.com` });
  const vipAfter = [...plain.filter((c) => c.tier === "gold").map(vip), ...ps];
  const expectedVip = new Map<string, Status>(
    vipAfter.map((c) => [String(c.customer_id), validEmail(c.email) ? "succeeded" : "invalid"]),
  );
  return {
    customers: cs,
    orders: os,
    seeded,
    expected: { customers: expectedCustomers, orders: expectedOrders, vip: expectedVip },
    vipBefore,
    vipAfter,
    prospects: ps,
  };
}

/** Writes the warehouse tables (customers, orders, vip_before, vip_after) to a DuckDB file. */
export async function writeWarehouse(path: string, w: Warehouse, scratch: string): Promise<void> {
  const file = (name: string, rows: object[]) => {
    const p = `${scratch}/${name}.jsonl`;
    writeFileSync(p, `${rows.map((r) => JSON.stringify(r)).join("\n")}\n`);
    return p.replace(/'/g, "''");
  };
  const customerColumns =
    "{customer_id: 'INTEGER', email: 'VARCHAR', external_id: 'VARCHAR', first_name: 'VARCHAR', ltv: 'DOUBLE', tier: 'VARCHAR', city: 'VARCHAR'}";
  await withDuckDB(path, async (q) => {
    await q(
      `CREATE TABLE customers AS SELECT * FROM read_json('${file("customers", w.customers)}', format = 'newline_delimited', columns = ${customerColumns})`,
    );
    await q(
      `CREATE TABLE orders AS SELECT * FROM read_json('${file("orders", w.orders)}', format = 'newline_delimited', columns = {order_id: 'INTEGER', email: 'VARCHAR', ordered_at: 'TIMESTAMP', total: 'DOUBLE', currency: 'VARCHAR', sku: 'VARCHAR'})`,
    );
    const columns = "columns = {customer_id: 'INTEGER', email: 'VARCHAR'}";
    for (const [table, rows] of [
      ["vip_before", w.vipBefore],
      ["vip_after", w.vipAfter],
    ] as const)
      await q(
        `CREATE TABLE ${table} AS SELECT * FROM read_json('${file(table, rows)}', format = 'newline_delimited', ${columns})`,
      );
  });
}

/**
 * The load config: profiles (upsert by email, with custom properties and a location), events
 * (one per order, unique_id derived from the sync and the key) and the VIP list (mirror, by name).
 * `vip` chooses the list's model: `before` for the run that prepares the trial, `after` for it.
 */
export function loadConfig(o: { warehouse: string; state: string; vip: "before" | "after" }): string {
  return `${[
    `source: duckdb:${o.warehouse}`,
    "klaviyo:",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's ${VAR} syntax
    "  api_key: ${KLAVIYO_API_KEY}",
    `state: ${o.state}`,
    "syncs:",
    "  customers:",
    "    action: profiles",
    "    mode: upsert",
    "    model: { table: customers }",
    "    primary_key: customer_id",
    "    identify_by: email",
    "    mapping:",
    "      email: email",
    "      external_id: external_id",
    "      first_name: first_name",
    "      ltv: properties.lifetime_value",
    "      tier: properties.tier",
    "      city: location.city",
    "    constants: { properties.source: warehouse }",
    "  orders:",
    "    action: events",
    "    mode: track",
    "    model: { table: orders }",
    "    primary_key: order_id",
    "    mapping:",
    "      email: email",
    "      ordered_at: time",
    "      total: value",
    "      currency: value_currency",
    "      order_id: properties.order_id",
    "      sku: properties.sku",
    `    options: { metric: ${METRIC} }`,
    "  vip:",
    "    action: list_membership",
    "    mode: mirror",
    `    model: { table: vip_${o.vip} }`,
    "    primary_key: customer_id",
    "    mapping: { email: email }",
    `    options: { list_name: "${LIST_NAME}", identify_by: email }`,
  ].join("\n")}\n`;
}
