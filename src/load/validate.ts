/**
 * Pure, row-level checks and normalisers for Load actions. Each returns `{ ok: value }` with the
 * normalised value, or `{ error: reason }` with a message that names the field and says what is
 * wrong with the value (values are previewed, never dumped: a 200 KB string shows as its first
 * characters and its length).
 *
 * The limits are Klaviyo's ingestion limits (see behaviour-notes.md): strings at most 100 KB,
 * arrays at most 4,000 items, objects nested at most 10 levels, at most 400 event properties,
 * event times between 2000 and one year ahead (truncated to the second), E.164 phone numbers,
 * external ids at most 255 characters.
 */
import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from "libphonenumber-js/max";

export type Check<T> = { ok: T } | { error: string };

export const MAX_STRING_BYTES = 100 * 1024;
export const MAX_ARRAY_ITEMS = 4000;
export const MAX_DEPTH = 10;
export const MAX_EVENT_PROPERTIES = 400;
export const MAX_EXTERNAL_ID_LENGTH = 255;
export const MAX_EMAIL_LENGTH = 254;
/** Earliest event time Klaviyo accepts. */
export const MIN_EVENT_TIME = Date.UTC(2000, 0, 1);
/** How far ahead an event time may lie. */
export const MAX_EVENT_FUTURE_MS = 365 * 24 * 3600 * 1000;

const PREVIEW_CHARS = 60;

/** A short, printable rendering of a value for messages: long strings are cut and their length given. */
export function preview(value: unknown, max = PREVIEW_CHARS): string {
  if (typeof value === "string") {
    if (value.length <= max) return JSON.stringify(value);
    return `${JSON.stringify(value.slice(0, max))}… (${value.length.toLocaleString("en-US")} characters)`;
  }
  if (value === undefined) return "undefined";
  if (typeof value === "bigint") return `${value}n`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length} item(s)`;
  if (typeof value === "object") return "an object";
  return typeof value;
}

/** Whether a mapped value counts as absent: null, undefined or a blank string. */
export function isBlank(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === "string" && value.trim() === "");
}

function utf8Bytes(s: string): number {
  // Fast path: every UTF-16 unit is at most 3 UTF-8 bytes.
  return s.length * 3 <= MAX_STRING_BYTES ? s.length : Buffer.byteLength(s, "utf8");
}

// ---------------------------------------------------------------------------------------------
// Email

const ATEXT = "[\\p{L}\\p{M}\\p{N}!#$%&'*+/=?^_`{|}~-]";
const LABEL = "[\\p{L}\\p{N}](?:[\\p{L}\\p{M}\\p{N}-]{0,61}[\\p{L}\\p{M}\\p{N}])?";
const TLD = "(?:\\p{L}[\\p{L}\\p{M}]{1,62}|xn--[a-z0-9-]{1,59})";
/** local@domain.tld: dot-atom local part (letters of any script allowed), host labels, a TLD of 2+ letters. */
const EMAIL_RE = new RegExp(`^${ATEXT}+(?:\\.${ATEXT}+)*@(?:${LABEL}\\.)+${TLD}$`, "iu");

/**
 * A practical RFC 5322 subset: `local@domain.tld`, no spaces, quotes, comments or IP literals,
 * local part ≤ 64, whole address ≤ 254 characters. Returns the address trimmed.
 */
export function validateEmail(value: unknown, field = "email"): Check<string> {
  if (typeof value !== "string") return { error: `${field} must be text, got ${preview(value)}` };
  const s = value.trim();
  if (s === "") return { error: `${field} is empty` };
  if (s.length > MAX_EMAIL_LENGTH)
    return {
      error: `${field} ${preview(s)} is not a valid email address: longer than ${MAX_EMAIL_LENGTH} characters`,
    };
  const at = s.lastIndexOf("@");
  if (at > 64)
    return {
      error: `${field} ${preview(s)} is not a valid email address: the part before @ is longer than 64 characters`,
    };
  if (!EMAIL_RE.test(s))
    return { error: `${field} ${preview(s)} is not a valid email address (expected name@domain.tld)` };
  return { ok: s };
}

// ---------------------------------------------------------------------------------------------
// Phone

/** Whether `code` is an ISO 3166-1 alpha-2 country libphonenumber knows (`US`, `GB`...). */
export function isPhoneCountry(code: string): code is CountryCode {
  return /^[A-Z]{2}$/.test(code) && isSupportedCountry(code);
}

/**
 * A phone number in E.164 (`+14155552671`). Numbers without a `+` are read in `defaultCountry`
 * (ISO 3166-1 alpha-2); a leading `00` counts as `+` when no default country is given. The
 * digits are checked against the country's numbering plan (libphonenumber `max` metadata).
 * Extensions are dropped (Klaviyo stores none).
 */
export function normalizePhone(raw: unknown, defaultCountry?: string, field = "phone_number"): Check<string> {
  let s: string;
  if (typeof raw === "string") s = raw.trim();
  else if (typeof raw === "number" && Number.isSafeInteger(raw) && raw > 0) s = String(raw);
  else if (typeof raw === "bigint" && raw > 0n) s = raw.toString();
  else return { error: `${field} must be text, got ${preview(raw)}` };
  if (s === "") return { error: `${field} is empty` };
  if (s.length > 64) return { error: `${field} ${preview(s)} is too long to be a phone number` };
  let country: CountryCode | undefined;
  if (defaultCountry !== undefined) {
    const c = defaultCountry.toUpperCase();
    if (!isPhoneCountry(c))
      return { error: `default_country ${preview(defaultCountry)} is not a known ISO 3166 country code` };
    country = c;
  }
  if (country === undefined && s.startsWith("00")) s = `+${s.slice(2)}`;
  const international = s.startsWith("+");
  let parsed: ReturnType<typeof parsePhoneNumberFromString>;
  try {
    parsed = country
      ? parsePhoneNumberFromString(s, { defaultCountry: country })
      : parsePhoneNumberFromString(s);
  } catch {
    parsed = undefined;
  }
  if (!parsed) {
    if (!international && country === undefined)
      return {
        error: `${field} ${preview(s)} has no country code: write it in international form (+44...) or set the default_country option`,
      };
    return { error: `${field} ${preview(s)} is not a phone number` };
  }
  // E.164 allows 15 digits at most; the metadata's validity check can pass a longer number.
  if (!parsed.isValid() || !/^\+[1-9]\d{1,14}$/.test(parsed.number)) {
    const where = parsed.country ?? `+${parsed.countryCallingCode}`;
    return { error: `${field} ${preview(s)} is not a valid phone number for ${where}` };
  }
  return { ok: parsed.number };
}

// ---------------------------------------------------------------------------------------------
// Identifiers and scalars

/** An external id: text (numbers are accepted and written as text), not blank, at most 255 characters. */
export function checkExternalId(value: unknown, field = "external_id"): Check<string> {
  let s: string;
  if (typeof value === "string") s = value;
  else if ((typeof value === "number" && Number.isFinite(value)) || typeof value === "bigint")
    s = String(value);
  else return { error: `${field} must be text, got ${preview(value)}` };
  if (s.trim() === "") return { error: `${field} is empty` };
  if (s.length > MAX_EXTERNAL_ID_LENGTH)
    return {
      error: `${field} ${preview(s)} is longer than ${MAX_EXTERNAL_ID_LENGTH} characters (${s.length})`,
    };
  return { ok: s };
}

/** Text: strings as they are, numbers and booleans written as text; at most 100 KB. */
export function checkString(value: unknown, field: string): Check<string> {
  let s: string;
  if (typeof value === "string") s = value;
  else if (
    (typeof value === "number" && Number.isFinite(value)) ||
    typeof value === "boolean" ||
    typeof value === "bigint"
  )
    s = String(value);
  else if (value instanceof Date && !Number.isNaN(value.getTime())) s = value.toISOString();
  else return { error: `${field} must be text, got ${preview(value)}` };
  if (utf8Bytes(s) > MAX_STRING_BYTES)
    return { error: `${field} ${preview(s)} is larger than 100 KB (${Buffer.byteLength(s)} bytes)` };
  return { ok: s };
}

/** A finite number; numeric text (`"12.50"`) is accepted. */
export function checkNumber(value: unknown, field: string): Check<number> {
  if (typeof value === "number") {
    return Number.isFinite(value)
      ? { ok: value }
      : { error: `${field} must be a finite number, got ${value}` };
  }
  if (typeof value === "bigint") {
    const n = Number(value);
    return Number.isSafeInteger(n) ? { ok: n } : { error: `${field} ${value} is too large for a number` };
  }
  if (typeof value === "string" && /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/.test(value)) {
    const n = Number(value);
    if (Number.isFinite(n)) return { ok: n };
  }
  return { error: `${field} must be a number, got ${preview(value)}` };
}

// ---------------------------------------------------------------------------------------------
// Sizes

/**
 * Checks a JSON value against Klaviyo's limits and returns it in sendable form: strings at most
 * 100 KB, arrays at most 4,000 items, objects/arrays nested at most 10 levels (the value itself
 * is level 1, as an event property value is). Dates become ISO text, safe bigints numbers;
 * non-finite numbers, functions and binary data are refused (JSON would lose them silently).
 */
export function checkSize(value: unknown, field = "value"): Check<unknown> {
  const problem: { error?: string } = {};
  const walk = (v: unknown, path: string, depth: number): unknown => {
    if (problem.error !== undefined) return undefined;
    if (v === null || typeof v === "boolean") return v;
    if (typeof v === "string") {
      if (utf8Bytes(v) > MAX_STRING_BYTES)
        problem.error = `${path} ${preview(v)} is larger than 100 KB (${Buffer.byteLength(v)} bytes)`;
      return v;
    }
    if (typeof v === "number") {
      if (!Number.isFinite(v)) problem.error = `${path} must be a finite number, got ${v}`;
      return v;
    }
    if (typeof v === "bigint") {
      const n = Number(v);
      return Number.isSafeInteger(n) ? n : v.toString();
    }
    if (v instanceof Date) {
      if (Number.isNaN(v.getTime())) problem.error = `${path} is an invalid date`;
      else return v.toISOString();
      return undefined;
    }
    if (typeof v !== "object") {
      problem.error = `${path} is a ${typeof v}, which cannot be sent as JSON`;
      return undefined;
    }
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) {
      problem.error = `${path} is binary data, which cannot be sent as JSON`;
      return undefined;
    }
    if (depth > MAX_DEPTH) {
      problem.error = `${path} is nested more than ${MAX_DEPTH} levels deep`;
      return undefined;
    }
    if (Array.isArray(v)) {
      if (v.length > MAX_ARRAY_ITEMS) {
        problem.error = `${path} has ${v.length.toLocaleString("en-US")} items; at most ${MAX_ARRAY_ITEMS.toLocaleString("en-US")} are allowed`;
        return undefined;
      }
      const out: unknown[] = new Array(v.length);
      for (let i = 0; i < v.length; i++) {
        const item = walk(v[i] === undefined ? null : v[i], `${path}[${i}]`, depth + 1);
        if (problem.error !== undefined) return undefined;
        out[i] = item;
      }
      return out;
    }
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
      if (item === undefined) continue;
      if (utf8Bytes(k) > MAX_STRING_BYTES) {
        problem.error = `${path} has a key larger than 100 KB`;
        return undefined;
      }
      const w = walk(item, `${path}.${k}`, depth + 1);
      if (problem.error !== undefined) return undefined;
      assignKey(out, k, w);
    }
    return out;
  };
  const result = walk(value, field, 1);
  return problem.error !== undefined ? { error: problem.error } : { ok: result };
}

/** Event properties: at most 400 keys, each value within `checkSize`'s limits. */
export function checkEventProperties(
  props: Record<string, unknown>,
  field = "properties",
): Check<Record<string, unknown>> {
  const keys = Object.keys(props);
  if (keys.length > MAX_EVENT_PROPERTIES)
    return {
      error: `${field} has ${keys.length} properties; an event may have at most ${MAX_EVENT_PROPERTIES}`,
    };
  const res = checkSize(props, field);
  if ("error" in res) return res;
  return { ok: res.ok as Record<string, unknown> };
}

// ---------------------------------------------------------------------------------------------
// Time

const ISO_LIKE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Epoch milliseconds of an event time given as ISO 8601 text, epoch seconds/ms, or a Date; NaN when unreadable. */
export function parseTime(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "bigint") return parseTime(Number(value));
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return Number.NaN;
    // Below 1e11 it is seconds (1e11 s is the year 5138; 1e11 ms is 1973, before anything valid).
    return Math.abs(value) < 1e11 ? value * 1000 : value;
  }
  if (typeof value !== "string") return Number.NaN;
  const s = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(s)) return parseTime(Number(s));
  const m = ISO_LIKE.exec(s);
  if (!m) return Number.NaN;
  const [, y, mo, d, h = "00", mi = "00", sec = "00", frac = "", zone] = m;
  const ms = frac === "" ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), ms);
  // Date.UTC rolls invalid parts over (Feb 30 → Mar 2): refuse those.
  const check = new Date(base);
  if (
    check.getUTCFullYear() !== Number(y) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(sec) > 59
  )
    return Number.NaN;
  if (zone === undefined || zone.toUpperCase() === "Z") return base;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || "0");
  if (offset > 18 * 60) return Number.NaN;
  return base - sign * offset * 60_000;
}

/**
 * An event time: ISO 8601 (no offset = UTC), epoch seconds or milliseconds, or a Date; between
 * 2000-01-01 and one year after `now`. Returns ISO 8601 UTC truncated to the second.
 */
export function checkEventTime(value: unknown, now: number, field = "time"): Check<string> {
  const t = parseTime(value);
  if (Number.isNaN(t))
    return {
      error: `${field} ${preview(value)} is not a date-time (use ISO 8601 like 2024-05-01T12:00:00Z, or epoch seconds)`,
    };
  const sec = Math.floor(t / 1000) * 1000;
  if (sec < MIN_EVENT_TIME)
    return { error: `${field} ${preview(value)} is before the year 2000, which Klaviyo does not accept` };
  if (sec > now + MAX_EVENT_FUTURE_MS)
    return { error: `${field} ${preview(value)} is more than one year in the future` };
  return { ok: new Date(sec).toISOString().replace(".000Z", "Z") };
}

// ---------------------------------------------------------------------------------------------
// Currency

/**
 * ISO 4217 alphabetic codes: the current list (including fund and precious-metal codes), plus
 * codes withdrawn recently enough to appear in historical orders (HRK, SLL, ANG, CUC, ZWL, VEF,
 * MRO, STD, BYR, LTL, LVL, EEK). XTS (testing) and XXX (no currency) are left out.
 */
export const CURRENCY_CODES: ReadonlySet<string> = new Set(
  (
    "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN " +
    "BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD " +
    "FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS " +
    "KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK " +
    "MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR " +
    "SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH " +
    "UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD " +
    "XPF XPT XSU XUA YER ZAR ZMW ZWG " +
    "HRK SLL ANG CUC ZWL VEF MRO STD BYR LTL LVL EEK"
  ).split(" "),
);

/** An ISO 4217 currency code; case-insensitive, returned upper case. */
export function checkCurrency(value: unknown, field = "value_currency"): Check<string> {
  if (typeof value !== "string")
    return { error: `${field} must be a currency code like USD, got ${preview(value)}` };
  const code = value.trim().toUpperCase();
  if (!CURRENCY_CODES.has(code))
    return { error: `${field} ${preview(value)} is not an ISO 4217 currency code (like USD, EUR, GBP)` };
  return { ok: code };
}

// ---------------------------------------------------------------------------------------------
// Objects

/** Sets `obj[key]`, defining `__proto__` as an own property instead of changing the prototype. */
export function assignKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__")
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/**
 * Sets a dotted path (`location.city`) in `obj`, creating (or replacing non-object) intermediate
 * objects. Returns `obj`.
 */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const parts = path.split(".");
  let cur = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i] as string;
    const next = Object.hasOwn(cur, p) ? cur[p] : undefined;
    if (next === null || typeof next !== "object" || Array.isArray(next)) {
      const created: Record<string, unknown> = {};
      assignKey(cur, p, created);
      cur = created;
    } else {
      cur = next as Record<string, unknown>;
    }
  }
  assignKey(cur, parts[parts.length - 1] as string, value);
  return obj;
}
