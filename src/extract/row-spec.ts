/**
 * Rows described as data: `id`, the attributes coerced to their columns' types, and relationship
 * ids. A stream whose rows fit this (events) can have its pages decoded off the main thread
 * (page-decoder.ts): the same functions run there, their source handed to the worker, so the
 * rows are the same wherever they are made.
 *
 * The functions below are self-contained on purpose (no imports, no outer variables but each
 * other): `pageDecoderSource` puts their text into the worker.
 */
import type { ApiResource, Column, ColumnType, Row } from "./types.js";

/** Converts an attribute value to what a column of `type` stores. */
export function coerce(value: unknown, type: ColumnType): unknown {
  if (value === undefined || value === null) return null;
  switch (type) {
    case "TIMESTAMPTZ": {
      if (value instanceof Date) return value;
      const d = new Date(typeof value === "number" ? value : String(value));
      return Number.isNaN(d.getTime()) ? null : d;
    }
    case "DATE":
      return String(value).slice(0, 10);
    case "BIGINT": {
      const n = typeof value === "number" ? value : Number(value);
      return Number.isFinite(n) ? Math.trunc(n) : null;
    }
    case "DOUBLE": {
      const n = typeof value === "number" ? value : Number(value);
      return Number.isFinite(n) ? n : null;
    }
    case "BOOLEAN":
      return typeof value === "boolean" ? value : value === "true" ? true : value === "false" ? false : null;
    case "JSON":
      return value;
    default:
      return typeof value === "string"
        ? value
        : typeof value === "object"
          ? JSON.stringify(value)
          : String(value);
  }
}

export interface RowSpec {
  /** The stream's columns (`id`, attributes, relationship-id columns). */
  columns: readonly Column[];
  /** Relationship-id columns: column name → to-one relationship whose `data.id` it holds. */
  relationships: Readonly<Record<string, string>>;
}

/** The row of one resource under `spec`. */
export function rowFromResource(resource: ApiResource, spec: RowSpec): Row {
  const row: Row = {};
  const attrs = resource.attributes ?? {};
  for (const c of spec.columns) {
    const rel = spec.relationships[c.name];
    if (rel !== undefined) {
      const data = resource.relationships?.[rel]?.data;
      row[c.name] = data && !Array.isArray(data) ? coerce(data.id, c.type) : null;
    } else {
      row[c.name] = c.name === "id" ? resource.id : coerce(attrs[c.name], c.type);
    }
  }
  return row;
}

/** A decoded page: its rows and `links.next`; `error` when the text is not a JSON:API page. */
export interface DecodedPage {
  rows: Row[];
  next: string | null;
  error?: string;
}

/** Parses a page's text and makes its rows (a page cut short gives `error`, to be read again). */
export function decodePage(text: string, spec: RowSpec): DecodedPage {
  let page: { data?: unknown; links?: { next?: unknown } };
  try {
    page = JSON.parse(text);
  } catch (err) {
    return { rows: [], next: null, error: (err as Error).message };
  }
  if (!page || typeof page !== "object" || !Array.isArray(page.data))
    return { rows: [], next: null, error: "the response has no data array" };
  const rows: Row[] = new Array(page.data.length);
  for (let i = 0; i < page.data.length; i++) rows[i] = rowFromResource(page.data[i] as ApiResource, spec);
  const next = page.links?.next;
  return { rows, next: typeof next === "string" ? next : null };
}
