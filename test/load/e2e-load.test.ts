/**
 * Load end to end: a DuckDB model → engine → actions → the emulator, reading Klaviyo's state back.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KlaviyoClient } from "../../src/client/index.js";
import { getAction } from "../../src/load/actions/index.js";
import { runSync, type SyncSpec } from "../../src/load/engine.js";
import { openModel } from "../../src/load/models/index.js";
import { type LoadState, openLoadState } from "../../src/load/state/index.js";
import { startTestEmulator, type TestEmulator } from "../helpers/emulator.js";

let emu: TestEmulator;
let client: KlaviyoClient;
let state: LoadState;
const dir = mkdtempSync(join(tmpdir(), "ks-load-e2e-"));
const db = join(dir, "warehouse.duckdb");
const source = `duckdb:${db}`;

async function sql(statements: string[]): Promise<void> {
  const inst = await DuckDBInstance.create(db);
  const c = await inst.connect();
  for (const s of statements) await c.run(s);
  c.closeSync();
  inst.closeSync();
}

function spec(partial: Partial<Omit<SyncSpec, "action">> & { action: string; mode: string }): SyncSpec {
  const action = getAction(partial.action);
  if (!action) throw new Error(`no action ${partial.action}`);
  return {
    name: partial.name ?? `${partial.action}-${partial.mode}`,
    action,
    mode: partial.mode,
    primaryKey: partial.primaryKey ?? ["customer_id"],
    mapping: partial.mapping ?? [],
    ...(partial.constants ? { constants: partial.constants } : {}),
    options: partial.options ?? {},
  };
}

async function sync(s: SyncSpec, model: { sql?: string; table?: string }) {
  return runSync({
    client,
    sync: s,
    state,
    openModel: () => openModel(source, model),
  });
}

beforeAll(async () => {
  emu = await startTestEmulator();
  client = emu.client();
  state = await openLoadState(join(dir, "state.duckdb"));
  await sql([
    `CREATE TABLE customers AS SELECT i AS customer_id, 'cust' || i || '@example.com' AS email, 'Name' || i AS first_name,
       round(i * 10.5, 2) AS ltv, CASE WHEN i % 3 = 0 THEN 'gold' ELSE 'silver' END AS tier, 'Boston' AS city
     FROM range(1, 301) t(i)`,
    "INSERT INTO customers VALUES (301, 'not-an-email', 'Bad', 1.0, 'silver', 'Boston')",
  ]);
});

afterAll(async () => {
  await state.close();
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

const profileSync = () =>
  spec({
    name: "vip_profiles",
    action: "profiles",
    mode: "upsert",
    mapping: [
      { column: "email", field: "email" },
      { column: "first_name", field: "first_name" },
      { column: "ltv", field: "properties.lifetime_value" },
      { column: "tier", field: "properties.tier" },
      { column: "city", field: "location.city" },
    ],
    constants: { "properties.source": "warehouse" },
    options: getAction("profiles")?.parseOptions({ identify_by: "email" }, "upsert") ?? {},
  });

describe("load: profiles", () => {
  it("upserts the model; invalid rows are reported and not sent; Klaviyo matches the model", async () => {
    const rejects: string[] = [];
    const r = await runSync({
      client,
      sync: profileSync(),
      state,
      openModel: () => openModel(source, { table: "customers" }),
      onReject: (x) => rejects.push(`${x.key}:${x.status}`),
    });
    expect(r.summary).toMatchObject({ queried: 301, added: 301, invalid: 1, succeeded: 300, rejected: 0 });
    expect(rejects).toEqual(["301:invalid"]);
    expect(emu.store.profiles.byEmailAddress("not-an-email")).toBeUndefined();
    const p = emu.store.profiles.byEmailAddress("cust42@example.com");
    expect(p?.first_name).toBe("Name42");
    expect(p?.properties).toMatchObject({ lifetime_value: 441, tier: "gold", source: "warehouse" });
    expect(p?.location?.city).toBe("Boston");
  });

  it("a second run with no model change sends no data requests; a changed row is the only one sent", async () => {
    const before = emu.counters().bulk_import_profiles?.requests ?? 0;
    const again = await sync(profileSync(), { table: "customers" });
    // The invalid row is tried again (it never succeeded); nothing valid is resent.
    expect(again.summary).toMatchObject({ unchanged: 300, changed: 1, invalid: 1, succeeded: 0 });
    expect(emu.counters().bulk_import_profiles?.requests ?? 0).toBe(before);
    await sql(["UPDATE customers SET first_name = 'Changed' WHERE customer_id = 7"]);
    const third = await sync(profileSync(), { table: "customers" });
    expect(third.summary).toMatchObject({ changed: 2, succeeded: 1, invalid: 1 });
    expect(emu.store.profiles.byEmailAddress("cust7@example.com")?.first_name).toBe("Changed");
    expect(emu.counters().bulk_import_profiles?.requests ?? 0).toBe(before + 1);
  });

  it("records every run", async () => {
    const runs = await state.listRuns(10, "vip_profiles");
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs[0]?.summary?.status).toBe("succeeded");
  });
});

describe("load: list membership mirror", () => {
  it("mirror removes exactly the rows that left the model", async () => {
    const list = await client.lists.create({ data: { type: "list", attributes: { name: "Gold tier" } } });
    const listId = list.data.id as string;
    const s = spec({
      name: "gold_list",
      action: "list_membership",
      mode: "mirror",
      mapping: [{ column: "email", field: "email" }],
      options:
        getAction("list_membership")?.parseOptions({ list: listId, identify_by: "email" }, "mirror") ?? {},
    });
    const model = {
      sql: "SELECT customer_id, email FROM customers WHERE tier = 'gold' AND email LIKE '%@%'",
    };
    const first = await sync(s, model);
    expect(first.summary).toMatchObject({ added: 100, succeeded: 100 });
    expect(emu.store.listMembers.get(listId)?.size).toBe(100);
    // Someone else adds a member by hand: mirror must never remove it.
    const outsider = emu.store.profiles.byEmailAddress("cust1@example.com");
    await client.lists.addProfiles(listId, [outsider?.id as string]);
    await sql(["UPDATE customers SET tier = 'silver' WHERE customer_id IN (3, 6, 9)"]);
    const second = await sync(s, model);
    expect(second.summary).toMatchObject({ removed: 3, unchanged: 97 });
    const members = emu.store.listMembers.get(listId);
    expect(members?.size).toBe(98);
    for (const id of [3, 6, 9])
      expect(members?.has(emu.store.profiles.byEmailAddress(`cust${id}@example.com`)?.id as string)).toBe(
        false,
      );
    expect(members?.has(outsider?.id as string)).toBe(true);
    // Removing from a list does not unsubscribe.
  });
});

describe("load: events", () => {
  it("tracks events once; a replay after a full resync creates no duplicates", async () => {
    await sql([
      `CREATE TABLE orders AS SELECT i AS order_id, 'cust' || (i % 50 + 1) || '@example.com' AS email,
         TIMESTAMP '2026-01-01 00:00:00' + INTERVAL (i) MINUTE AS ordered_at, i * 1.5 AS total FROM range(1, 1201) t(i)`,
    ]);
    const s = spec({
      name: "orders_events",
      action: "events",
      mode: "track",
      primaryKey: ["order_id"],
      mapping: [
        { column: "email", field: "email" },
        { column: "ordered_at", field: "time" },
        { column: "total", field: "value" },
      ],
      options: getAction("events")?.parseOptions({ metric: "Warehouse Order" }, "track") ?? {},
    });
    const first = await sync(s, { table: "orders" });
    expect(first.summary).toMatchObject({ added: 1200, succeeded: 1200 });
    const metric = emu.store.metrics.find((m) => m.attributes.name === "Warehouse Order");
    let count = 0;
    for (const _e of emu.store.events.scan({}, (v) => v.metricId === metric?.id)) count++;
    expect(count).toBe(1200);
    const replay = await runSync({
      client,
      sync: s,
      state,
      fullResync: true,
      openModel: () => openModel(source, { table: "orders" }),
    });
    expect(replay.summary.succeeded).toBe(1200);
    let after = 0;
    for (const _e of emu.store.events.scan({}, (v) => v.metricId === metric?.id)) after++;
    expect(after).toBe(1200);
  });

  it("stops before sending anything when the model has duplicate primary keys", async () => {
    await sql([
      "CREATE TABLE dupes AS SELECT * FROM (VALUES (1, 'a@example.com'), (1, 'b@example.com'), (2, 'c@example.com')) t(customer_id, email)",
    ]);
    const before = emu.counters().bulk_import_profiles?.requests ?? 0;
    await expect(
      sync(
        spec({
          name: "dupes",
          action: "profiles",
          mode: "upsert",
          mapping: [{ column: "email", field: "email" }],
          options: getAction("profiles")?.parseOptions({}, "upsert") ?? {},
        }),
        { table: "dupes" },
      ),
    ).rejects.toThrow(/duplicate primary key/);
    expect(emu.counters().bulk_import_profiles?.requests ?? 0).toBe(before);
  });
});
