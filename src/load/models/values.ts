/**
 * How model values reach JavaScript, the same for every source:
 *
 * - integers: numbers when they are safe integers, otherwise decimal strings (never bigint);
 * - DECIMAL / NUMERIC: numbers when at most 15 significant digits, otherwise decimal strings;
 * - timestamps: ISO 8601 strings in UTC (`2024-01-01T10:00:00.000Z`); a timestamp without a zone is
 *   taken as UTC; infinite timestamps stay strings (`infinity`);
 * - dates and times: their ISO text (`2024-01-01`, `10:00:00`);
 * - JSON / JSONB: parsed;
 * - lists, structs and maps: arrays and objects (a map with non-string keys: `[{ key, value }]`);
 * - binary: base64 strings; anything else (UUID, enum, interval): its text.
 */
import {
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBMapType,
  DuckDBMapValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTypeId,
  type DuckDBValueConverter,
  type JS,
  JSDuckDBValueConverter,
} from "@duckdb/node-api";

/** A bigint as a number when it is a safe integer, else its decimal text. */
export function fromBigInt(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

/** Integer text (`-42`, `9007199254740993`) as a number when safe, else the text. */
export function fromIntegerText(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

/** Decimal text as a number when it has at most 15 significant digits (exact in a double), else the text. */
export function fromDecimalText(text: string): number | string {
  const t = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return t;
  const mantissa = t.replace(/e.*$/i, "").replace(/[+\-.]/g, "");
  const significant = mantissa.replace(/^0+/, "").replace(/0+$/, "");
  if (significant.length > 15) return t;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

/** ISO string of epoch microseconds, or undefined outside the range of Date. */
function isoFromMicros(micros: bigint): string | undefined {
  const ms = Number(micros / 1000n) + (micros % 1000n < 0n ? -1 : 0);
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

type Timestampish =
  | DuckDBTimestampValue
  | DuckDBTimestampTZValue
  | DuckDBTimestampSecondsValue
  | DuckDBTimestampMillisecondsValue
  | DuckDBTimestampNanosecondsValue;

function timestampToIso(value: Timestampish): string {
  if (!value.isFinite) return value.toString();
  let micros: bigint;
  if (value instanceof DuckDBTimestampSecondsValue) micros = value.seconds * 1_000_000n;
  else if (value instanceof DuckDBTimestampMillisecondsValue) micros = value.millis * 1000n;
  else if (value instanceof DuckDBTimestampNanosecondsValue) micros = value.nanos / 1000n;
  else micros = value.micros;
  return isoFromMicros(micros) ?? value.toString();
}

function textOf(value: unknown): string {
  return String(value);
}

/** Converts DuckDB values (top level and nested) to the model's JavaScript values. */
export const duckdbConverter: DuckDBValueConverter<unknown> = (value, type, converter) => {
  if (value === null || value === undefined) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      return typeof value === "bigint" ? fromBigInt(value) : textOf(value);
    case DuckDBTypeId.DECIMAL:
      return value instanceof DuckDBDecimalValue ? fromDecimalText(value.toString()) : textOf(value);
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return value instanceof DuckDBTimestampValue ||
        value instanceof DuckDBTimestampTZValue ||
        value instanceof DuckDBTimestampSecondsValue ||
        value instanceof DuckDBTimestampMillisecondsValue ||
        value instanceof DuckDBTimestampNanosecondsValue
        ? timestampToIso(value)
        : textOf(value);
    case DuckDBTypeId.DATE:
      return value instanceof DuckDBDateValue ? value.toString() : textOf(value);
    case DuckDBTypeId.TIME:
    case DuckDBTypeId.TIME_TZ:
    case DuckDBTypeId.TIME_NS:
    case DuckDBTypeId.INTERVAL:
    case DuckDBTypeId.UUID:
    case DuckDBTypeId.BIT:
      return textOf(value);
    case DuckDBTypeId.BLOB:
      return value instanceof DuckDBBlobValue ? Buffer.from(value.bytes).toString("base64") : textOf(value);
    case DuckDBTypeId.VARCHAR:
      if (type.alias === "JSON" && typeof value === "string") return parseJson(value);
      return typeof value === "string" ? value : textOf(value);
    case DuckDBTypeId.MAP: {
      if (!(value instanceof DuckDBMapValue) || !(type instanceof DuckDBMapType)) return textOf(value);
      const entries = value.entries.map((e) => ({
        key: converter(e.key, type.keyType, converter),
        value: converter(e.value, type.valueType, converter),
      }));
      if (entries.every((e) => typeof e.key === "string")) {
        return Object.fromEntries(entries.map((e) => [e.key as string, e.value]));
      }
      return entries;
    }
    default:
      // Lists, structs, arrays and unions recurse through this converter.
      return JSDuckDBValueConverter(value, type, converter as unknown as DuckDBValueConverter<JS>);
  }
};

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL (text protocol)

const PG_TIMESTAMP_RE =
  /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d+)?([+-]\d{2}(?::?\d{2}){0,2})?$/;

/** PostgreSQL timestamp text (`2024-01-01 10:00:00.123456+00`) as ISO UTC; no zone means UTC. */
export function pgTimestampToIso(text: string): string {
  const m = PG_TIMESTAMP_RE.exec(text);
  if (!m) return text;
  const frac = (m[7] ?? ".000").slice(1).padEnd(3, "0").slice(0, 3);
  let offset = "Z";
  if (m[8]) {
    const sign = m[8][0];
    const parts = m[8].slice(1).replace(/:/g, "");
    const hh = parts.slice(0, 2);
    const mm = parts.slice(2, 4) || "00";
    offset = `${sign}${hh}:${mm}`;
  }
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${frac}${offset}`);
  return Number.isNaN(d.getTime()) ? text : d.toISOString();
}

function byteaToBase64(text: string): string {
  return text.startsWith("\\x") ? Buffer.from(text.slice(2), "hex").toString("base64") : text;
}

/** Text parsers by type OID for `pg` and PGlite; other types keep the driver's default. */
export const PG_PARSERS: Record<number, (text: string) => unknown> = {
  20: fromIntegerText, // int8
  1700: fromDecimalText, // numeric
  1082: (t) => t, // date
  1083: (t) => t, // time
  1266: (t) => t, // timetz
  1114: pgTimestampToIso, // timestamp
  1184: pgTimestampToIso, // timestamptz
  114: parseJson, // json
  3802: parseJson, // jsonb
  17: byteaToBase64, // bytea
  1186: (t) => t, // interval
};

/** Last-resort normalisation for values a driver produced itself (bigint, Date, bytes). */
export function normalizeValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return fromBigInt(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map(normalizeValue);
  return value;
}
