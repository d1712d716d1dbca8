/**
 * Every stream read from the emulator (demo store, every response validated against the spec) the
 * way the runner reads it: its query, page size, partition filter, cursor bounds and sort, per
 * parent where it has one. The rows must have every column, with the column's type, and a unique
 * non-null primary key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallOptions } from "../../../src/client/client.js";
import type { KlaviyoClient } from "../../../src/client/index.js";
import type { OperationKey } from "../../../src/client/typed.js";
import { getStream, requireStream, STREAMS } from "../../../src/extract/streams/index.js";
import type { ApiResource, Column, Row, StreamDefinition } from "../../../src/extract/types.js";
import { startTestEmulator, type TestEmulator } from "../../helpers/emulator.js";

let emu: TestEmulator;
let client: KlaviyoClient;

beforeAll(async () => {
  emu = await startTestEmulator({ seed: "demo" });
  client = emu.client();
}, 60_000);

afterAll(async () => {
  await emu.close();
});

const START = new Date("2020-01-01T00:00:00Z");

interface ReadOptions {
  partition?: { key: string; filter: string };
  parentId?: string;
  /** Lower bound of the cursor filter; the stream's floor (if any) when absent. */
  from?: Date | undefined;
  /** Upper bound (where the cursor has one); defaults to now. */
  to?: Date;
  options?: string[];
  maxPages?: number;
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "+00:00");

/** The query the runner sends for a read of `def`. */
function queryFor(def: StreamDefinition, o: ReadOptions): Record<string, string> {
  const query: Record<string, string> = { ...def.query };
  for (const name of o.options ?? []) Object.assign(query, def.options?.[name]?.query);
  if (def.pageSize !== undefined) query["page[size]"] = String(def.pageSize);
  const filters: string[] = [];
  if (o.partition) filters.push(o.partition.filter);
  const cursor = def.cursor;
  if (cursor) {
    const lower = o.from ? iso(o.from) : cursor.floor;
    if (lower !== undefined) {
      filters.push(`${cursor.lower}(${cursor.field},${lower})`);
      if (cursor.upper) filters.push(`${cursor.upper}(${cursor.field},${iso(o.to ?? new Date())})`);
    }
    if (cursor.sort) query.sort = cursor.sort;
  }
  if (filters.length > 0) query.filter = filters.join(",");
  return query;
}

/** Reads up to `maxPages` pages of one partition / parent and turns them into rows. */
async function readRows(def: StreamDefinition, o: ReadOptions = {}): Promise<Row[]> {
  const call: CallOptions<OperationKey> & { maxPages: number } = {
    query: queryFor(def, o) as CallOptions<OperationKey>["query"],
    maxPages: o.maxPages ?? 2,
  };
  if (def.parent) {
    if (!o.parentId) throw new Error(`${def.name} needs a parent id`);
    call.path = { [def.parent.param]: o.parentId };
  }
  const rows: Row[] = [];
  for await (const page of client.paginate(def.operation, call).pages()) {
    const included = page.included as ApiResource[];
    for (const item of page.data) {
      rows.push(
        def.toRow(item as unknown as ApiResource, {
          included,
          ...(o.parentId === undefined ? {} : { parentId: o.parentId }),
          ...(o.partition === undefined ? {} : { partition: o.partition.key }),
        }),
      );
    }
  }
  return rows;
}

/** Ids of the first rows of a stream (through its partitions and its own parents). */
async function parentIds(def: StreamDefinition, limit = 12): Promise<string[]> {
  const rows = await readAll(def, { maxPages: 1 }, limit);
  const pkColumn = def.primaryKey[0] ?? "id";
  return rows.map((r) => String(r[pkColumn])).slice(0, limit);
}

/** Rows from every partition, and from up to `parentLimit` parents. */
async function readAll(def: StreamDefinition, o: ReadOptions = {}, parentLimit = 6): Promise<Row[]> {
  const partitions = def.partitions ?? [undefined];
  const parents = def.parent
    ? await parentIds(requireStream(def.parent.stream), parentLimit * 4)
    : [undefined];
  const rows: Row[] = [];
  let parentsWithRows = 0;
  for (const parentId of parents) {
    let found = false;
    for (const partition of partitions) {
      const read = await readRows(def, {
        ...o,
        ...(partition ? { partition } : {}),
        ...(parentId ? { parentId } : {}),
      });
      if (read.length > 0) found = true;
      rows.push(...read);
    }
    if (found) parentsWithRows++;
    if (def.parent && parentsWithRows >= parentLimit) break;
  }
  return rows;
}

function typeProblem(column: Column, value: unknown): string | undefined {
  if (value === undefined) return "missing";
  if (value === null) return undefined;
  switch (column.type) {
    case "VARCHAR":
      return typeof value === "string" ? undefined : `expected a string, got ${typeof value}`;
    case "BIGINT":
      return Number.isInteger(value) ? undefined : `expected an integer, got ${String(value)}`;
    case "DOUBLE":
      return typeof value === "number" && Number.isFinite(value) ? undefined : `expected a number`;
    case "BOOLEAN":
      return typeof value === "boolean" ? undefined : `expected a boolean, got ${typeof value}`;
    case "TIMESTAMPTZ":
      return value instanceof Date && !Number.isNaN(value.getTime()) ? undefined : "expected a valid Date";
    case "DATE":
      return typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value) ? undefined : "expected a date";
    case "JSON":
      return typeof value === "object" ? undefined : `expected an object or array, got ${typeof value}`;
  }
}

/** Checks rows against the stream's columns and primary key. */
function expectWellFormed(def: StreamDefinition, rows: Row[]): void {
  const names = def.columns.map((c) => c.name).sort();
  const keys = new Set<string>();
  for (const row of rows) {
    expect(Object.keys(row).sort()).toEqual(names);
    for (const column of def.columns) {
      const problem = typeProblem(column, row[column.name]);
      expect(problem, `${def.name}.${column.name} = ${JSON.stringify(row[column.name])}`).toBeUndefined();
    }
    const key = def.primaryKey.map((k) => row[k]);
    for (const part of key) expect(part, `${def.name} primary key`).toEqual(expect.any(String));
    const text = JSON.stringify(key);
    expect(keys.has(text), `${def.name}: duplicate primary key ${text}`).toBe(false);
    keys.add(text);
  }
}

/** Columns that must hold a value in every row of the demo store (keys, cursors, relationship ids). */
const FILLED: Record<string, string[]> = {
  // Email is not filled everywhere: SMS-only profiles have none.
  profiles: ["created", "subscriptions", "location"],
  suppressions: ["email", "suppression_reason", "list_suppressions"],
  events: ["metric_id", "profile_id", "timestamp", "event_properties", "uuid"],
  metrics: ["name", "created", "integration"],
  lists: ["name", "created"],
  segments: ["name", "definition", "is_active"],
  list_memberships: ["joined_group_at"],
  segment_memberships: ["joined_group_at"],
  campaigns: ["channel", "name", "status", "audiences", "created_at"],
  campaign_messages: ["campaign_id", "channel", "definition", "created_at"],
  flows: ["name", "status", "trigger_type"],
  flow_actions: ["flow_id", "action_type", "definition"],
  flow_messages: ["flow_action_id", "channel", "definition"],
  templates: ["name", "editor_type", "html"],
  tags: ["name", "tag_group_id"],
  tag_groups: ["name", "exclusive", "default"],
  catalog_items: ["title", "price", "published", "created"],
  catalog_variants: ["item_id", "sku", "price", "inventory_quantity"],
  catalog_categories: ["name", "external_id"],
  coupons: ["external_id"],
  images: ["name", "image_url", "size", "hidden"],
  accounts: ["contact_information", "timezone", "preferred_currency"],
};

describe.each(STREAMS.map((s) => [s.name, s] as const))("%s read from the emulator", (name, def) => {
  it("gives typed rows with every column and a unique primary key", async () => {
    const rows = await readAll(def, { from: def.cursor ? START : undefined });
    expect(rows.length, `${name} read no rows from the demo store`).toBeGreaterThan(0);
    expectWellFormed(def, rows);
    const filled = [...(FILLED[name] ?? []), ...def.primaryKey];
    if (def.cursor) filled.push(def.cursor.column);
    if (def.parent) filled.push(def.parent.column);
    for (const column of filled) {
      const empty = rows.filter((r) => r[column] === null || r[column] === undefined);
      expect(empty.length, `${name}.${column} is empty in ${empty.length} of ${rows.length} rows`).toBe(0);
    }
  });
});

function groupByParentAndPartition(def: StreamDefinition, rows: Row[]): Row[][] {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = [def.parent ? row[def.parent.column] : "", def.partitions ? row.channel : ""].join("|");
    const list = groups.get(key) ?? [];
    list.push(row);
    groups.set(key, list);
  }
  return [...groups.values()];
}

const CURSOR_STREAMS = STREAMS.filter((s) => s.cursor !== undefined);

describe.each(CURSOR_STREAMS.map((s) => [s.name, s] as const))("%s cursor", (_name, def) => {
  it("honours its bounds and reads in cursor order", async () => {
    const cursor = def.cursor;
    if (!cursor) throw new Error("filtered to streams with a cursor");
    const to = new Date();
    const rows = await readAll(def, { from: START, to });
    expect(rows.length).toBeGreaterThan(0);
    for (const partitionRows of groupByParentAndPartition(def, rows)) {
      const values = partitionRows.map((r) => (r[cursor.column] as Date).getTime());
      for (const v of values) {
        if (cursor.lower === "greater-than") expect(v).toBeGreaterThan(START.getTime());
        else expect(v).toBeGreaterThanOrEqual(START.getTime());
        if (cursor.upper === "less-than") expect(v).toBeLessThan(to.getTime());
      }
      if (cursor.sort) expect(values).toEqual([...values].sort((a, b) => a - b));
    }
  });
});

describe("stream behaviour against the emulator", () => {
  it("suppressions reads exactly the profiles suppressed from email, without scanning the others", async () => {
    const def = requireStream("suppressions");
    const requests: string[] = [];
    const watched = await startTestEmulator({
      seed: "demo",
      onResponse: (info) => {
        requests.push(info.request.url);
      },
    });
    try {
      const c = watched.client();
      // A full read as the runner does it without state: from the floor, with the filter.
      const rows: Row[] = [];
      for await (const page of c
        .paginate("get_profiles", {
          query: queryFor(def, {}) as CallOptions<"get_profiles">["query"],
        })
        .pages()) {
        for (const item of page.data) rows.push(def.toRow(item as unknown as ApiResource, { included: [] }));
      }
      expectWellFormed(def, rows);
      expect(rows.length).toBeGreaterThan(0);
      for (const url of requests) expect(decodeURIComponent(url)).toContain("suppression.timestamp");
      const suppressedPages = requests.length;

      // What a scan of every profile finds (the thing the stream must not do).
      const expected = new Set<string>();
      for await (const p of c.paginate("get_profiles", {
        query: { "additional-fields[profile]": ["subscriptions"], "page[size]": 100 },
      })) {
        const row = def.toRow(p as unknown as ApiResource, { included: [] });
        if (row.suppression_timestamp !== null) expect(row.suppression_reason).toEqual(expect.any(String));
        if (row.suppression_timestamp !== null) expected.add(String(row.id));
      }
      expect(new Set(rows.map((r) => String(r.id)))).toEqual(expected);
      expect(suppressedPages).toBeLessThan(requests.length - suppressedPages);
    } finally {
      await watched.close();
    }
  });

  it("campaigns carry the channel of the sweep that read them", async () => {
    const def = requireStream("campaigns");
    const byChannel = new Map<string, number>();
    for (const partition of def.partitions ?? []) {
      const rows = await readRows(def, { partition, from: START, maxPages: 10 });
      for (const row of rows) expect(row.channel).toBe(partition.key);
      byChannel.set(partition.key, rows.length);
    }
    expect([...byChannel.values()].every((n) => n > 0)).toBe(true);
  });

  it("events: a window returns only its own events, in datetime order", async () => {
    const def = requireStream("events");
    const to = new Date(Date.now() - 30 * 86_400_000);
    const from = new Date(to.getTime() - 7 * 86_400_000);
    const rows = await readRows(def, { from, to, maxPages: 10 });
    expect(rows.length).toBeGreaterThan(0);
    expectWellFormed(def, rows);
    const times = rows.map((r) => (r.datetime as Date).getTime());
    for (const t of times) {
      expect(t).toBeGreaterThanOrEqual(from.getTime());
      expect(t).toBeLessThan(to.getTime());
    }
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("profiles: the predictive_analytics option is accepted and fills its column", async () => {
    const def = requireStream("profiles");
    const rows = await readRows(def, { from: START, options: ["predictive_analytics"], maxPages: 3 });
    expectWellFormed(def, rows);
    expect(rows.some((r) => r.predictive_analytics !== null)).toBe(true);
    const plain = await readRows(def, { from: START, maxPages: 1 });
    expect(plain.every((r) => r.predictive_analytics === null)).toBe(true);
  });

  it("templates: the definition option is accepted", async () => {
    const def = requireStream("templates");
    const rows = await readRows(def, { from: START, options: ["definition"], maxPages: 2 });
    expect(rows.length).toBeGreaterThan(0);
    expectWellFormed(def, rows);
  });

  it("memberships: a full pass (no cursor) reads every member of a list", async () => {
    const def = requireStream("list_memberships");
    const lists = await parentIds(requireStream("lists"));
    const listId = lists[0];
    if (!listId) throw new Error("no lists in the demo store");
    const full = await readRows(def, { parentId: listId, maxPages: 100 });
    const incremental = await readRows(def, { parentId: listId, from: START, maxPages: 100 });
    expectWellFormed(def, full);
    expect(full.length).toBeGreaterThan(0);
    expect(incremental.length).toBeLessThanOrEqual(full.length);
    for (const row of full) expect(row.list_id).toBe(listId);
  });

  it("every stream name resolves", () => {
    for (const def of STREAMS) expect(getStream(def.name)).toBe(def);
  });
});
