/**
 * JSON:API mechanics shared by every emulated collection: filter evaluation (Klaviyo's filter
 * grammar, parsed by src/filter), sorting, keyset cursors that stay correct while data changes,
 * sparse fieldsets, and absolute links.
 */
import { parseFilter } from "../filter/parse.js";
import type { FilterCondition, FilterScalar, FilterValue } from "../filter/types.js";
import { ApiError, type EmuRequest } from "./types.js";

export interface ResourceIdentifier {
  type: string;
  id: string;
}

export interface Row {
  id: string;
  attributes: Record<string, unknown>;
}

/** Reads a dotted field (`location.city`) from a row's attributes; `id` is the row id. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export type FieldGetter<R> = (row: R, field: string) => unknown;

export const attributeGetter: FieldGetter<Row> = (row, field) =>
  field === "id" ? row.id : getPath(row.attributes, field);

function scalarValue(s: FilterScalar): unknown {
  switch (s.kind) {
    case "string":
    case "number":
    case "boolean":
      return s.value;
    case "null":
      return null;
    case "datetime":
      return s.epochMs;
  }
}

/** Comparable form of a stored value: date-time strings become epoch ms when compared with dates. */
function comparable(stored: unknown, literal: FilterScalar): unknown {
  if (literal.kind === "datetime") {
    if (typeof stored === "string") {
      const t = Date.parse(stored);
      return Number.isNaN(t) ? undefined : t;
    }
    if (typeof stored === "number") return stored;
    return undefined;
  }
  if (literal.kind === "number" && typeof stored === "string" && stored.trim() !== "") {
    const n = Number(stored);
    return Number.isNaN(n) ? stored : n;
  }
  return stored;
}

function equalsScalar(stored: unknown, literal: FilterScalar): boolean {
  if (Array.isArray(stored)) return stored.some((s) => equalsScalar(s, literal));
  const a = comparable(stored, literal);
  const b = scalarValue(literal);
  if (literal.kind === "null") return stored === null || stored === undefined;
  if (typeof a === "string" && typeof b === "string") return a === b;
  return a === b;
}

function compare(stored: unknown, literal: FilterScalar): number | undefined {
  const a = comparable(stored, literal);
  const b = scalarValue(literal);
  if (a === undefined || a === null) return undefined;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

function listItems(value: FilterValue): readonly FilterScalar[] {
  if (value.kind === "list") return value.items;
  if (value.kind === "none") return [];
  return [value];
}

/** Whether `row` satisfies one condition. */
export function matchCondition<R>(row: R, cond: FilterCondition, get: FieldGetter<R>): boolean {
  const stored = get(row, cond.field);
  const v = cond.value;
  switch (cond.operator) {
    case "equals":
    case "any":
    case "contains-any":
      return listItems(v).some((lit) => equalsScalar(stored, lit));
    case "contains-all":
      return listItems(v).every((lit) => equalsScalar(stored, lit));
    case "greater-than":
    case "greater-or-equal":
    case "less-than":
    case "less-or-equal": {
      if (v.kind === "list" || v.kind === "none") return false;
      const c = compare(stored, v);
      if (c === undefined) return false;
      if (cond.operator === "greater-than") return c > 0;
      if (cond.operator === "greater-or-equal") return c >= 0;
      if (cond.operator === "less-than") return c < 0;
      return c <= 0;
    }
    case "contains": {
      if (v.kind !== "string") return false;
      if (Array.isArray(stored)) return stored.includes(v.value);
      return typeof stored === "string" && stored.toLowerCase().includes(v.value.toLowerCase());
    }
    case "starts-with":
      return v.kind === "string" && typeof stored === "string" && stored.startsWith(v.value);
    case "ends-with":
      return v.kind === "string" && typeof stored === "string" && stored.endsWith(v.value);
    case "has":
      return stored !== undefined && stored !== null;
  }
}

/** Parses the request's `filter` (already validated against the operation by the server). */
export function requestFilter(req: EmuRequest): FilterCondition[] {
  const raw = req.query.get("filter");
  if (!raw) return [];
  try {
    return parseFilter(raw);
  } catch (err) {
    throw new ApiError(400, "invalid", "Invalid filter.", (err as Error).message, { parameter: "filter" });
  }
}

export function matchAll<R>(row: R, conds: readonly FilterCondition[], get: FieldGetter<R>): boolean {
  for (const c of conds) if (!matchCondition(row, c, get)) return false;
  return true;
}

export interface SortSpec {
  field: string;
  desc: boolean;
}

export function requestSort(req: EmuRequest, fallback: SortSpec): SortSpec {
  const raw = req.query.get("sort");
  if (!raw) return fallback;
  return raw.startsWith("-") ? { field: raw.slice(1), desc: true } : { field: raw, desc: false };
}

/** Orders values for sorting: undefined/null first, numbers and date strings by value. */
export function compareValues(a: unknown, b: unknown): number {
  const an = a === undefined || a === null;
  const bn = b === undefined || b === null;
  if (an || bn) return an && bn ? 0 : an ? -1 : 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

export interface CursorPayload {
  /** sort key of the boundary row */
  k: unknown;
  /** id of the boundary row */
  i: string;
  /** sort spec the cursor belongs to */
  s: string;
  /** `prev`: the page that ends just before the boundary row (else: the page that starts after it). */
  d?: "prev";
}

/**
 * `links.next` and `links.prev` of a keyset page. `rows` are in the requested order; `more` says
 * whether rows exist beyond the page in the direction it was read (after it for a forward read,
 * before it for a `prev` read).
 */
export function cursorLinks<R>(
  req: EmuRequest,
  sort: SortSpec,
  rows: readonly R[],
  keyOf: (r: R) => { k: unknown; i: string },
  more: boolean,
  cursor: CursorPayload | undefined,
): { next?: string; prev?: string } {
  const s = `${sort.desc ? "-" : ""}${sort.field}`;
  const first = rows[0];
  const last = rows[rows.length - 1];
  const backward = cursor?.d === "prev";
  const out: { next?: string; prev?: string } = {};
  const hasAfter = backward ? true : more;
  const hasBefore = backward ? more : cursor !== undefined;
  if (last && hasAfter) out.next = linkWithCursor(req, encodeCursor({ ...keyOf(last), s }));
  if (first && hasBefore) out.prev = linkWithCursor(req, encodeCursor({ ...keyOf(first), s, d: "prev" }));
  return out;
}

/** The sort to scan in: reversed for a `prev` cursor (the rows are then reversed back). */
export function scanSort(sort: SortSpec, cursor: CursorPayload | undefined): SortSpec {
  return cursor?.d === "prev" ? { field: sort.field, desc: !sort.desc } : sort;
}

export function encodeCursor(p: CursorPayload): string {
  return Buffer.from(JSON.stringify(p), "utf8").toString("base64url");
}

export function decodeCursor(raw: string | null, sort: SortSpec): CursorPayload | undefined {
  if (!raw) return undefined;
  try {
    const p = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as CursorPayload;
    if (typeof p !== "object" || p === null || typeof p.i !== "string" || typeof p.s !== "string")
      throw new Error("shape");
    if (p.s !== `${sort.desc ? "-" : ""}${sort.field}`) {
      throw new ApiError(
        400,
        "invalid",
        "Invalid cursor.",
        "The page cursor belongs to a different sort order; start again without page[cursor].",
        { parameter: "page[cursor]" },
      );
    }
    return p;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError(400, "invalid", "Invalid cursor.", "page[cursor] is not a cursor this API issued.", {
      parameter: "page[cursor]",
    });
  }
}

export function pageSize(req: EmuRequest, fallback?: number): number {
  const raw = req.query.get("page[size]");
  const def = req.op.pageSize?.default ?? fallback ?? 20;
  if (!raw) return def;
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : def;
}

/** The request URL with `page[cursor]` replaced (or removed with `cursor` undefined). */
export function linkWithCursor(req: EmuRequest, cursor: string | undefined): string {
  const q = new URLSearchParams(req.query);
  q.delete("page[cursor]");
  if (cursor !== undefined) q.set("page[cursor]", cursor);
  const qs = q.toString();
  return `${req.origin}${req.pathname}${qs ? `?${qs}` : ""}`;
}

export function selfLink(req: EmuRequest): string {
  const qs = req.query.toString();
  return `${req.origin}${req.pathname}${qs ? `?${qs}` : ""}`;
}

export interface PageResult<R> {
  rows: R[];
  next?: string;
  prev?: string;
}

/**
 * One page of a collection held in memory: filter, sort by (field, id), then keyset pagination.
 * Rows that existed when a walk began are each seen exactly once, whatever is inserted or
 * deleted meanwhile, because the cursor is the last (key, id) returned, not an offset.
 */
export function paginateRows<R extends { id: string }>(
  req: EmuRequest,
  rows: Iterable<R>,
  options: {
    get: FieldGetter<R>;
    defaultSort?: SortSpec;
    size?: number;
    conditions?: readonly FilterCondition[];
  },
): PageResult<R> {
  const conds = options.conditions ?? requestFilter(req);
  const sort = requestSort(req, options.defaultSort ?? { field: "id", desc: false });
  const size = options.size ?? pageSize(req);
  const cursor = decodeCursor(req.query.get("page[cursor]"), sort);
  // A `prev` cursor reads backwards from its boundary; the page is then put back in order.
  const scan = scanSort(sort, cursor);
  const sortKey = (r: R) => (sort.field === "id" ? r.id : options.get(r, sort.field));
  const cmp = (ka: unknown, ia: string, kb: unknown, ib: string) => {
    const c = compareValues(ka, kb) || (ia < ib ? -1 : ia > ib ? 1 : 0);
    return scan.desc ? -c : c;
  };
  const matched: Array<{ r: R; k: unknown }> = [];
  for (const r of rows) {
    if (!matchAll(r, conds, options.get)) continue;
    const k = sortKey(r);
    if (cursor && cmp(k, r.id, cursor.k, cursor.i) <= 0) continue;
    matched.push({ r, k });
  }
  matched.sort((a, b) => cmp(a.k, a.r.id, b.k, b.r.id));
  const page = matched.slice(0, size);
  if (cursor?.d === "prev") page.reverse();
  return {
    rows: page.map((m) => m.r),
    ...cursorLinks(req, sort, page, (m) => ({ k: m.k, i: m.r.id }), matched.length > size, cursor),
  };
}

/** Applies `fields[type]` to an attributes object (dotted names pick nested members). */
export function sparseAttributes(
  req: EmuRequest,
  type: string,
  attributes: Record<string, unknown>,
): Record<string, unknown> {
  const raw = req.query.get(`fields[${type}]`);
  if (!raw) return attributes;
  const out: Record<string, unknown> = {};
  for (const name of raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const parts = name.split(".");
    const value = getPath(attributes, name);
    if (value === undefined) continue;
    let target = out;
    for (let i = 0; i < parts.length - 1; i++) {
      const p = parts[i] as string;
      const next = target[p];
      if (next === undefined || next === null || typeof next !== "object") target[p] = {};
      target = target[p] as Record<string, unknown>;
    }
    target[parts[parts.length - 1] as string] = value;
  }
  return out;
}

/** Whether `include` asks for `name`. */
export function includes(req: EmuRequest, name: string): boolean {
  const raw = req.query.get("include");
  return !!raw && raw.split(",").some((s) => s.trim() === name);
}

/** Whether `additional-fields[type]` asks for `name`. */
export function additionalField(req: EmuRequest, type: string, name: string): boolean {
  const raw = req.query.get(`additional-fields[${type}]`);
  return !!raw && raw.split(",").some((s) => s.trim() === name);
}
