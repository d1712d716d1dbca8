/**
 * Shared by the PostgreSQL and file targets: checks and normalises row values against their column
 * types, encodes CSV (RFC 4180 quoting) and serialises async work.
 */
import { ConfigError } from "../../client/errors.js";
import type { Column, ColumnType, Row } from "../types.js";

/** A value that does not fit its column; nothing of the batch is written. */
export class ValueTypeError extends Error {
  constructor(
    readonly table: string,
    readonly column: string,
    readonly type: ColumnType,
    value: unknown,
    why: string,
  ) {
    super(`Cannot write ${preview(value)} to column ${column} (${type}) of table ${table}: ${why}.`);
    this.name = "ValueTypeError";
  }
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = typeof value === "string" ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const INTEGER = /^-?\d+$/;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const DATE_PREFIX = /^(\d{4}-\d{2}-\d{2})([T ].*)?$/;

/**
 * A JSON-safe form of `value` for a column of `type` (null for null/undefined):
 * VARCHAR → string; BIGINT → number (a digit string when beyond 2^53); DOUBLE → number (or
 * "NaN"/"Infinity"/"-Infinity"); BOOLEAN → boolean; TIMESTAMPTZ → ISO 8601 string (a Date becomes
 * UTC with milliseconds, a valid string is kept as is); DATE → "YYYY-MM-DD"; JSON → the value.
 */
export function normalizeValue(table: string, column: Column, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const fail = (why: string): never => typeError(table, column, value, why);
  switch (column.type) {
    case "VARCHAR":
      if (typeof value === "string") return value;
      if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
        return String(value);
      if (value instanceof Date) return isoOf(value) ?? fail("invalid date");
      return JSON.stringify(value);
    case "BIGINT": {
      if (typeof value === "bigint") return bigintOut(value);
      if (typeof value === "number") return Number.isInteger(value) ? value : fail("not an integer");
      if (typeof value === "string" && INTEGER.test(value.trim())) return bigintOut(BigInt(value.trim()));
      return fail("not an integer");
    }
    case "DOUBLE": {
      if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
      if (typeof value === "bigint") return Number(value);
      if (typeof value === "string") {
        const t = value.trim();
        if (NUMBER.test(t)) return Number(t);
        if (t === "NaN" || t === "Infinity" || t === "-Infinity") return t;
      }
      return fail("not a number");
    }
    case "BOOLEAN":
      if (typeof value === "boolean") return value;
      if (value === "true" || value === "false") return value === "true";
      return fail("not a boolean");
    case "TIMESTAMPTZ":
      if (value instanceof Date) return isoOf(value) ?? fail("invalid date");
      if (typeof value === "string" && !Number.isNaN(Date.parse(value))) return value;
      return fail("not a timestamp (use a Date or an ISO 8601 string)");
    case "DATE": {
      if (value instanceof Date) return isoOf(value)?.slice(0, 10) ?? fail("invalid date");
      const m = typeof value === "string" ? DATE_PREFIX.exec(value) : null;
      if (m?.[1] && !Number.isNaN(Date.parse(m[1]))) return m[1];
      return fail("not a date (use YYYY-MM-DD)");
    }
    case "JSON":
      try {
        JSON.stringify(value);
      } catch (err) {
        return fail(`not serialisable as JSON (${(err as Error).message})`);
      }
      return value;
  }
}

function isoOf(d: Date): string | undefined {
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function bigintOut(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(v)
    : v.toString();
}

/** Rows reduced to `columns` and normalised; with a primary key and `dedupe`, the last row of each key wins. */
export function normalizeRows(
  table: string,
  columns: readonly Column[],
  rows: readonly Row[],
  primaryKey: readonly string[],
  dedupe: boolean,
): Row[] {
  const out: Row[] = rows.map((row) => {
    const o: Row = {};
    for (const col of columns) o[col.name] = normalizeValue(table, col, row[col.name]);
    return o;
  });
  return dedupe ? lastPerKey(out, primaryKey) : out;
}

/** Text of a normalised value in a CSV field (before quoting); undefined for NULL. */
function csvText(value: unknown, type: ColumnType): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (type === "JSON") return JSON.stringify(value);
  return typeof value === "string" ? value : String(value);
}

const NEEDS_QUOTES = /^$|^\s|\s$|[",\r\n]/;

/** RFC 4180 field: quoted when it holds a comma, quote, CR/LF, edge spaces or is empty. */
export function csvField(text: string | undefined): string {
  if (text === undefined) return "";
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV lines (`\n`-terminated) for normalised rows; NULL is an empty field, "" a quoted empty one. */
export function csvLines(columns: readonly Column[], rows: readonly Row[], header: boolean): string {
  const parts: string[] = [];
  if (header) parts.push(`${columns.map((c) => csvField(c.name)).join(",")}\n`);
  for (const row of rows) {
    parts.push(`${columns.map((c) => csvField(csvText(row[c.name], c.type))).join(",")}\n`);
  }
  return parts.join("");
}

/** Rows with the last row of each primary key kept (in the order of those last rows). */
export function lastPerKey(rows: readonly Row[], primaryKey: readonly string[]): Row[] {
  if (primaryKey.length === 0) return [...rows];
  const byKey = new Map<unknown, Row>();
  const single = primaryKey.length === 1 ? primaryKey[0] : undefined;
  for (const row of rows) {
    const key =
      single !== undefined ? String(row[single]) : primaryKey.map((k) => String(row[k])).join("\u0000");
    byKey.delete(key);
    byKey.set(key, row);
  }
  return byKey.size === rows.length ? [...rows] : [...byKey.values()];
}

/**
 * CSV text (no header) of raw rows for a database that checks values itself (PostgreSQL's COPY):
 * values of the wrong JavaScript type fail here with a ValueTypeError, strings go through as text
 * for the database to parse, Dates become ISO 8601, JSON values JSON text.
 */
export function rawCsv(table: string, columns: readonly Column[], rows: readonly Row[]): string {
  const out: string[] = [];
  const fields: string[] = new Array<string>(columns.length);
  for (const row of rows) {
    for (let i = 0; i < columns.length; i++)
      fields[i] = rawCsvField(table, columns[i]!, row[columns[i]!.name]);
    out.push(fields.join(","));
  }
  return out.length > 0 ? `${out.join("\n")}\n` : "";
}

function rawCsvField(table: string, col: Column, v: unknown): string {
  if (v === null || v === undefined) return "";
  switch (col.type) {
    case "VARCHAR":
      return csvField(typeof v === "string" ? v : (normalizeValue(table, col, v) as string));
    case "BIGINT":
      if (typeof v === "number" && Number.isInteger(v)) return String(v);
      if (typeof v === "bigint") return v.toString();
      if (typeof v === "string") return csvField(v);
      return typeError(table, col, v, "not an integer");
    case "DOUBLE":
      if (typeof v === "number") return String(v);
      if (typeof v === "string") return csvField(v);
      return String(normalizeValue(table, col, v));
    case "BOOLEAN":
      if (typeof v === "boolean") return v ? "t" : "f";
      if (typeof v === "string") return csvField(v);
      return typeError(table, col, v, "not a boolean");
    case "TIMESTAMPTZ":
    case "DATE":
      if (typeof v === "string") return csvField(v);
      return String(normalizeValue(table, col, v));
    case "JSON": {
      let text: string;
      try {
        text = JSON.stringify(v);
      } catch (err) {
        return typeError(table, col, v, `not serialisable as JSON (${(err as Error).message})`);
      }
      return csvField(text);
    }
  }
}

function typeError(table: string, column: Column, value: unknown, why: string): never {
  throw new ValueTypeError(table, column.name, column.type, value, why);
}

/** Refuses names that would not work as a table (or a folder) name. */
export function checkTableName(table: string): void {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(table) || table.includes("..") || table.length > 120) {
    throw new ConfigError(
      `"${table}" is not a usable table name: use letters, digits, "_", "-" or "." (not "..") and at most 120 characters.`,
    );
  }
}

/** Runs async work one at a time, in call order. */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const prev = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => {
      release = r;
    });
    await prev;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
