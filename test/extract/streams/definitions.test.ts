/**
 * Stream definitions checked against the vendored spec: every filter, sort, query parameter,
 * page size and path parameter a stream will send is one the operation documents.
 */
import { describe, expect, it } from "vitest";
import {
  getStream,
  requireStream,
  STREAM_NAMES,
  STREAMS,
  suggestStream,
} from "../../../src/extract/streams/index.js";
import { META_COLUMNS, type StreamDefinition } from "../../../src/extract/types.js";
import {
  checkFilterForOperation,
  parseFilter,
  parseIsoDateTime,
  type XKlaviyoFilters,
} from "../../../src/filter/index.js";
import type { OpenApiParameter } from "../../../src/spec/index.js";
import { specOperation } from "../../../src/spec/index.js";

function operationOf(def: StreamDefinition) {
  const op = specOperation(def.operation);
  if (!op) throw new Error(`${def.name}: no operation ${def.operation} in the spec`);
  return op;
}

function param(def: StreamDefinition, name: string, where: OpenApiParameter["in"] = "query") {
  return (operationOf(def).op.parameters ?? []).find((p) => p.name === name && p.in === where);
}

function xFilters(def: StreamDefinition): XKlaviyoFilters | undefined {
  return operationOf(def).op["x-klaviyo-filters"] as XKlaviyoFilters | undefined;
}

/** The operators a field allows with a single value (the kind a date bound is). */
function singleOperators(def: StreamDefinition, field: string): readonly string[] {
  const spec = xFilters(def)?.[field];
  return spec?.operators.single ?? [];
}

/** A query parameter's value is allowed: declared, and (for enum arrays) every item in the enum. */
function expectQueryAllowed(def: StreamDefinition, query: Record<string, string>): void {
  for (const [name, value] of Object.entries(query)) {
    const p = param(def, name);
    expect(p, `${def.name}: ${def.operation} has no query parameter ${name}`).toBeDefined();
    const schema = p?.schema;
    const allowed = schema?.type === "array" ? schema.items?.enum : schema?.enum;
    if (!allowed) continue;
    const values = schema?.type === "array" ? value.split(",") : [value];
    for (const v of values) expect(allowed, `${def.name}: ${name}=${v}`).toContain(v);
  }
}

const SAMPLE = "2024-01-01T00:00:00+00:00";
const LATER = "2024-02-01T00:00:00+00:00";

describe("stream registry", () => {
  it("has unique snake_case names, listed in STREAM_NAMES in order", () => {
    expect(new Set(STREAM_NAMES).size).toBe(STREAMS.length);
    expect(STREAM_NAMES).toEqual(STREAMS.map((s) => s.name));
    for (const name of STREAM_NAMES) expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
    expect([...STREAM_NAMES].sort()).toEqual(
      [
        "accounts",
        "campaign_messages",
        "campaigns",
        "catalog_categories",
        "catalog_items",
        "catalog_variants",
        "coupons",
        "events",
        "flow_actions",
        "flow_messages",
        "flows",
        "images",
        "list_memberships",
        "lists",
        "metrics",
        "profiles",
        "segment_memberships",
        "segments",
        "suppressions",
        "tag_groups",
        "tags",
        "templates",
      ].sort(),
    );
  });

  it("finds streams by name and suggests the closest name for a typo", () => {
    expect(getStream("profiles")?.operation).toBe("get_profiles");
    expect(getStream("profils")).toBeUndefined();
    expect(suggestStream("profils")).toBe("profiles");
    expect(suggestStream("Events")).toBe("events");
    expect(suggestStream("list-memberships")).toBe("list_memberships");
    expect(suggestStream("segment_membership")).toBe("segment_memberships");
    expect(suggestStream("campaign_mesages")).toBe("campaign_messages");
    expect(suggestStream("tag")).toBe("tags");
    expect(suggestStream("warehouse")).toBeUndefined();
    expect(suggestStream("")).toBeUndefined();
    expect(() => requireStream("profils")).toThrow(/Did you mean "profiles"\?/);
    expect(() => requireStream("zzzzzzzz")).toThrow(/Streams: profiles, /);
    expect(requireStream("events")).toBe(getStream("events"));
  });

  it("lists every parent before its children", () => {
    STREAMS.forEach((def, i) => {
      if (!def.parent) return;
      const parentIndex = STREAM_NAMES.indexOf(def.parent.stream);
      expect(parentIndex, `${def.name}'s parent ${def.parent.stream}`).toBeGreaterThanOrEqual(0);
      expect(parentIndex).toBeLessThan(i);
    });
  });
});

describe.each(STREAMS.map((s) => [s.name, s] as const))("stream %s", (_name, def) => {
  it("reads a GET collection of the spec", () => {
    const op = operationOf(def);
    expect(op.method).toBe("GET");
    expect(op.path.startsWith("/api/")).toBe(true);
  });

  it("has well-formed columns, primary key and modes", () => {
    const names = def.columns.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const meta of META_COLUMNS) expect(names).not.toContain(meta.name);
    expect(names).not.toContain("_deleted_at");
    expect(def.primaryKey.length).toBeGreaterThan(0);
    for (const k of def.primaryKey) expect(names).toContain(k);
    expect(def.description.length).toBeGreaterThan(10);
    if (def.defaultMode === "incremental") expect(def.cursor, "incremental needs a cursor").toBeDefined();
    if (def.windowed) expect(def.cursor?.upper, "windows need an upper bound").toBeDefined();
    if (def.tracksDeletions) expect(def.parent, "removals are found per parent").toBeDefined();
  });

  it("uses a cursor whose operators and sort the operation allows", () => {
    const cursor = def.cursor;
    if (!cursor) return;
    const column = def.columns.find((c) => c.name === cursor.column);
    expect(column?.type).toBe("TIMESTAMPTZ");
    const allowed = singleOperators(def, cursor.field);
    expect(allowed, `${def.operation} filter on ${cursor.field}`).toContain(cursor.lower);
    if (cursor.upper) expect(allowed).toContain(cursor.upper);
    if (cursor.sort) expect(param(def, "sort")?.schema?.enum).toContain(cursor.sort);
    if (cursor.floor !== undefined) expect(parseIsoDateTime(cursor.floor)).toBeTypeOf("number");
    // The whole filter a read sends, with every partition, passes the checker the emulator uses.
    const bounds = [`${cursor.lower}(${cursor.field},${SAMPLE})`];
    if (cursor.upper) bounds.push(`${cursor.upper}(${cursor.field},${LATER})`);
    for (const part of def.partitions?.map((p) => p.filter) ?? [undefined]) {
      const text = [part, ...bounds].filter((x) => x !== undefined).join(",");
      expect(checkFilterForOperation(parseFilter(text), xFilters(def)), text).toEqual([]);
    }
  });

  it("sends only partitions the operation allows, and a channel where the API requires a filter", () => {
    const partitions = def.partitions ?? [];
    expect(new Set(partitions.map((p) => p.key)).size).toBe(partitions.length);
    for (const p of partitions)
      expect(checkFilterForOperation(parseFilter(p.filter), xFilters(def)), p.filter).toEqual([]);
    if (param(def, "filter")?.required) expect(partitions.length).toBeGreaterThan(0);
  });

  it("sends only documented query parameters, also with its options", () => {
    expectQueryAllowed(def, def.query ?? {});
    for (const option of Object.values(def.options ?? {})) {
      expect(option.description.length).toBeGreaterThan(10);
      expectQueryAllowed(def, { ...def.query, ...option.query });
    }
    const sizeParam = param(def, "page[size]");
    if (sizeParam) {
      expect(def.pageSize, "a paged operation should ask for its largest page").toBe(
        sizeParam.schema?.maximum,
      );
    } else {
      expect(def.pageSize).toBeUndefined();
    }
  });

  it("fills its parent's id into a path parameter and a column", () => {
    const parent = def.parent;
    if (!parent) {
      expect(operationOf(def).path).not.toMatch(/\{/);
      return;
    }
    expect(param(def, parent.param, "path")?.required).toBe(true);
    expect(operationOf(def).path).toContain(`{${parent.param}}`);
    expect(def.columns.map((c) => c.name)).toContain(parent.column);
    expect(getStream(parent.stream)).toBeDefined();
  });
});

describe("specific streams", () => {
  it("profiles: subscriptions always, predictive analytics only as an option", () => {
    const def = requireStream("profiles");
    expect(def.query?.["additional-fields[profile]"]).toBe("subscriptions");
    expect(def.options?.predictive_analytics?.query["additional-fields[profile]"]).toBe(
      "subscriptions,predictive_analytics",
    );
    expect(def.cursor).toMatchObject({ field: "updated", lower: "greater-than", upper: "less-than" });
  });

  it("suppressions: selected by the suppression timestamp, never without it", () => {
    const def = requireStream("suppressions");
    expect(def.operation).toBe("get_profiles");
    expect(def.cursor?.field).toBe("subscriptions.email.marketing.suppression.timestamp");
    expect(def.cursor?.sort).toBe("subscriptions.email.marketing.suppression.timestamp");
    expect(def.cursor?.floor).toBeDefined();
  });

  it("events: windowed by datetime, metric and profile ids as columns", () => {
    const def = requireStream("events");
    expect(def.windowed).toBe(true);
    expect(def.cursor).toMatchObject({
      field: "datetime",
      lower: "greater-or-equal",
      upper: "less-than",
      sort: "datetime",
    });
    expect(def.columns.map((c) => c.name)).toEqual(expect.arrayContaining(["metric_id", "profile_id"]));
  });

  it("lists and segments: greater-than only, no upper bound, ten per page", () => {
    for (const name of ["lists", "segments"]) {
      const def = requireStream(name);
      expect(def.cursor).toEqual({
        field: "updated",
        column: "updated",
        lower: "greater-than",
        sort: "updated",
      });
      expect(def.pageSize).toBe(10);
    }
  });

  it("memberships: keyed by parent and profile, removals tracked", () => {
    for (const [name, parent, column] of [
      ["list_memberships", "lists", "list_id"],
      ["segment_memberships", "segments", "segment_id"],
    ] as const) {
      const def = requireStream(name);
      expect(def.parent).toEqual({ stream: parent, param: "id", column });
      expect(def.primaryKey).toEqual([column, "profile_id"]);
      expect(def.columns.map((c) => c.name)).toEqual([column, "profile_id", "joined_group_at", "email"]);
      expect(def.tracksDeletions).toBe(true);
      expect(def.cursor?.field).toBe("joined_group_at");
    }
  });

  it("campaigns: one partition per channel", () => {
    const def = requireStream("campaigns");
    expect(def.partitions).toEqual([
      { key: "email", filter: "equals(messages.channel,'email')" },
      { key: "sms", filter: "equals(messages.channel,'sms')" },
      { key: "mobile_push", filter: "equals(messages.channel,'mobile_push')" },
    ]);
    expect(def.cursor?.field).toBe("updated_at");
  });

  it("child rows without a parent id are refused rather than written with a null key", () => {
    const def = requireStream("list_memberships");
    expect(() => def.toRow({ type: "profile", id: "P1", attributes: {} }, { included: [] })).toThrow(
      /parent id/,
    );
  });
});
