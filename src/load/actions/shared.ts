/**
 * Helpers the Load actions share: option parsing, profile identifiers and attributes, batching by
 * rows and bytes, and bisection of requests that Klaviyo refuses as a whole.
 */
import type { z } from "zod";
import {
  AuthenticationError,
  ClientRequestError,
  ConfigError,
  KlaviyoError,
  PermissionError,
  ValidationError,
} from "../../client/errors.js";
import type { BatchLimits, FieldSpec, MappedFields, RowOutcome } from "../types.js";
import {
  assignKey,
  type Check,
  checkExternalId,
  checkNumber,
  checkSize,
  checkString,
  isBlank,
  isPhoneCountry,
  normalizePhone,
  preview,
  validateEmail,
} from "../validate.js";

// ---------------------------------------------------------------------------------------------
// Options

export interface OptionsParser<T> {
  /** Validates raw options from the config; throws ConfigError naming every problem. */
  parse(raw: unknown, mode: string): T;
  /** The parsed form of options already given to `parse` (or raw ones), cached per object. */
  get(options: Record<string, unknown>): T;
}

/** Option parsing for one action: zod schema → ConfigError with readable messages. */
export function optionsParser<S extends z.ZodType>(
  action: string,
  modes: readonly string[],
  schema: S,
): OptionsParser<z.output<S>> {
  const cache = new WeakMap<object, z.output<S>>();
  const parse = (raw: unknown, mode: string): z.output<S> => {
    if (!modes.includes(mode))
      throw new ConfigError(
        `Action ${action} has no mode "${mode}"; use ${modes.map((m) => `"${m}"`).join(" or ")}.`,
      );
    const res = schema.safeParse(raw ?? {});
    if (!res.success) {
      const problems = res.error.issues.map((i) => {
        const at = i.path.length > 0 ? i.path.join(".") : "options";
        return `${at}: ${i.message}`;
      });
      throw new ConfigError(`Invalid options for action ${action}: ${problems.join("; ")}.`);
    }
    return res.data;
  };
  return {
    parse,
    get(options) {
      const hit = cache.get(options);
      if (hit !== undefined) return hit;
      const res = schema.safeParse(options);
      if (!res.success) return parse(options, modes[0] ?? "");
      cache.set(options, res.data);
      return res.data;
    },
  };
}

/** Whether `code` is a country libphonenumber knows; for `default_country` options. */
export const isCountryOption = (code: string): boolean => isPhoneCountry(code.toUpperCase());

// ---------------------------------------------------------------------------------------------
// Fields

/** Mapped fields the action does not declare (a `prefix` spec accepts `name.<anything>`). */
export function unknownFields(fields: MappedFields, specs: readonly FieldSpec[]): string[] {
  const out: string[] = [];
  for (const f of Object.keys(fields)) {
    const known = specs.some((s) =>
      s.prefix ? f.startsWith(`${s.name}.`) && f.length > s.name.length + 1 : s.name === f,
    );
    if (!known) out.push(f);
  }
  return out;
}

export const IDENTIFIERS = ["id", "email", "phone_number", "external_id"] as const;
export type Identifier = (typeof IDENTIFIERS)[number];

export const PROFILE_TEXT_FIELDS = [
  "first_name",
  "last_name",
  "organization",
  "title",
  "image",
  "locale",
] as const;
export const LOCATION_FIELDS = [
  "address1",
  "address2",
  "city",
  "country",
  "region",
  "zip",
  "timezone",
  "latitude",
  "longitude",
  "ip",
] as const;

/** The identifiers a row carries (non-blank), in precedence order id, email, phone, external id. */
export function presentIdentifiers(fields: MappedFields): Identifier[] {
  return IDENTIFIERS.filter((k) => !isBlank(fields[k]));
}

/**
 * Checks and normalises the profile identifiers in place: email trimmed, phone to E.164,
 * external id and profile id to text. Blank identifiers count as absent. Returns the reason when
 * one is malformed or none is given.
 */
export function normalizeIdentifiers(fields: MappedFields, defaultCountry?: string): string | undefined {
  if (!isBlank(fields.email)) {
    const r = validateEmail(fields.email, "email");
    if ("error" in r) return r.error;
    fields.email = r.ok;
  }
  if (!isBlank(fields.phone_number)) {
    const r = normalizePhone(fields.phone_number, defaultCountry, "phone_number");
    if ("error" in r) return r.error;
    fields.phone_number = r.ok;
  }
  if (!isBlank(fields.external_id)) {
    const r = checkExternalId(fields.external_id, "external_id");
    if ("error" in r) return r.error;
    fields.external_id = r.ok;
  }
  if (!isBlank(fields.id)) {
    const r = checkString(fields.id, "id");
    if ("error" in r) return r.error;
    if (r.ok.length > 64) return `id ${preview(r.ok)} is not a Klaviyo profile id`;
    fields.id = r.ok.trim();
  }
  if (presentIdentifiers(fields).length === 0)
    return "no profile identifier: map at least one of email, phone_number, external_id or id, and give it a value";
  return undefined;
}

/** `{ email, phone_number, external_id }` of a row (non-blank ones), for payloads. */
export function identifierAttributes(fields: MappedFields): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ["email", "phone_number", "external_id"] as const) {
    const v = fields[k];
    if (!isBlank(v)) out[k] = String(v);
  }
  return out;
}

/**
 * Profile attributes other than identifiers from flat fields: `<prefix>first_name`...,
 * `<prefix>location.<member>` and `<prefix>properties.<key>` (the key is taken verbatim: dots in it
 * do not nest). With a non-empty prefix, any other `<prefix>...` field is an error. `nulls: "clear"` sends null for null values (Klaviyo clears the field); `"skip"`
 * leaves them out (Klaviyo keeps the stored value).
 */
export function profileAttributes(
  fields: MappedFields,
  prefix: string,
  nulls: "skip" | "clear",
): Check<Record<string, unknown>> {
  const attrs: Record<string, unknown> = {};
  let location: Record<string, unknown> | undefined;
  let properties: Record<string, unknown> | undefined;
  const locPrefix = `${prefix}location.`;
  const propPrefix = `${prefix}properties.`;
  for (const [name, raw] of Object.entries(fields)) {
    if (!name.startsWith(prefix)) continue;
    const blank = raw === null || raw === undefined;
    if (blank && nulls === "skip") continue;
    const rest = name.slice(prefix.length);
    if ((PROFILE_TEXT_FIELDS as readonly string[]).includes(rest)) {
      if (blank) attrs[rest] = null;
      else {
        const r = checkString(raw, name);
        if ("error" in r) return r;
        attrs[rest] = r.ok;
      }
    } else if (name.startsWith(locPrefix)) {
      const member = name.slice(locPrefix.length);
      if (!(LOCATION_FIELDS as readonly string[]).includes(member))
        return { error: `${name} is not a location field (use ${LOCATION_FIELDS.join(", ")})` };
      location ??= {};
      if (blank) location[member] = null;
      else if (member === "latitude" || member === "longitude") {
        const r = checkNumber(raw, name);
        if ("error" in r) return r;
        location[member] = r.ok;
      } else {
        const r = checkString(raw, name);
        if ("error" in r) return r;
        location[member] = r.ok;
      }
    } else if (name.startsWith(propPrefix)) {
      const key = name.slice(propPrefix.length);
      properties ??= {};
      if (blank) assignKey(properties, key, null);
      else {
        const r = checkSize(raw, name);
        if ("error" in r) return r;
        assignKey(properties, key, r.ok);
      }
    } else if (prefix !== "") {
      return {
        error: `${name} is not a profile attribute: use ${prefix}${PROFILE_TEXT_FIELDS.join(`, ${prefix}`)}, ${prefix}location.<member> or ${prefix}properties.<key> (identifiers are mapped as email, phone_number, external_id, id)`,
      };
    }
  }
  if (location) attrs.location = location;
  if (properties) attrs.properties = properties;
  return { ok: attrs };
}

// ---------------------------------------------------------------------------------------------
// Sizes and batching

/** Bytes of a value as JSON (UTF-8). */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? "null", "utf8");
}

/** Bytes kept free in every request for the envelope around the rows. */
export const ENVELOPE_BYTES = 4096;

export interface Sized<T, P> {
  row: T;
  payload: P;
  /** JSON bytes of the payload plus its separator. */
  bytes: number;
  /** How much of `maxRows` the row uses (events it becomes, for orders). */
  weight: number;
}

export interface BatchOptions<T> {
  /** Units of `maxRows` a row uses; default 1. */
  weight?: (row: T) => number;
  /** Keys that must not occur twice in one batch (e.g. metric + unique_id); such rows go to another batch. */
  keys?: (row: T) => readonly string[];
  /** Bytes reserved per batch for the envelope; default ENVELOPE_BYTES. */
  overheadBytes?: number;
}

export interface Batching<T, P> {
  batches: Sized<T, P>[][];
  /** Rows that can never be sent (over maxRowBytes, or larger than a whole batch). */
  invalid: RowOutcome[];
}

/** Batches are searched for room among the last few only, so packing stays linear. */
const OPEN_BATCHES = 16;

/**
 * Packs rows into batches of at most `maxRows` (weighted) and `maxBytes` (JSON size of each
 * row's payload plus the envelope). Rows over `maxRowBytes` become `invalid` outcomes. Rows keep
 * their relative order within a batch; a row whose `keys` collide with a batch goes to a later one.
 */
export function batchRows<T extends { key: string }, P>(
  rows: readonly T[],
  limits: BatchLimits,
  serialize: (row: T) => P,
  options: BatchOptions<T> = {},
): Batching<T, P> {
  const overhead = options.overheadBytes ?? ENVELOPE_BYTES;
  const byteBudget = limits.maxBytes === undefined ? Number.POSITIVE_INFINITY : limits.maxBytes - overhead;
  const batches: Array<{ items: Sized<T, P>[]; bytes: number; weight: number; keys: Set<string> }> = [];
  const invalid: RowOutcome[] = [];
  for (const row of rows) {
    const payload = serialize(row);
    const bytes = jsonBytes(payload) + 1;
    const weight = options.weight?.(row) ?? 1;
    if (limits.maxRowBytes !== undefined && bytes - 1 > limits.maxRowBytes) {
      invalid.push({
        key: row.key,
        status: "invalid",
        reason: `the payload is ${(bytes - 1).toLocaleString("en-US")} bytes; Klaviyo accepts at most ${limits.maxRowBytes.toLocaleString("en-US")} bytes per row`,
        payload,
      });
      continue;
    }
    if (weight > limits.maxRows || bytes > byteBudget) {
      invalid.push({
        key: row.key,
        status: "invalid",
        reason:
          weight > limits.maxRows
            ? `the row becomes ${weight} items; at most ${limits.maxRows} fit in one request`
            : `the payload is ${(bytes - 1).toLocaleString("en-US")} bytes, more than fits in one request`,
        payload,
      });
      continue;
    }
    const keys = options.keys?.(row) ?? [];
    let target: (typeof batches)[number] | undefined;
    for (let i = Math.max(0, batches.length - OPEN_BATCHES); i < batches.length; i++) {
      const b = batches[i] as (typeof batches)[number];
      if (b.weight + weight > limits.maxRows || b.bytes + bytes > byteBudget) continue;
      if (keys.some((k) => b.keys.has(k))) continue;
      target = b;
      break;
    }
    if (!target) {
      target = { items: [], bytes: 0, weight: 0, keys: new Set() };
      batches.push(target);
    }
    target.items.push({ row, payload, bytes, weight });
    target.bytes += bytes;
    target.weight += weight;
    for (const k of keys) target.keys.add(k);
  }
  return { batches: batches.map((b) => b.items), invalid };
}

// ---------------------------------------------------------------------------------------------
// Errors

const MAX_REASON = 600;

function clip(s: string, max = MAX_REASON): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** A short account of an error for a row's reason: Klaviyo's details with their pointers. */
export function errorText(err: unknown): string {
  if (err instanceof KlaviyoError) {
    const details = err.errors
      .map((e) => {
        const text = (e.detail ?? e.title ?? e.code ?? "").replace(/[.\s]+$/, "");
        const at = e.source?.pointer ?? e.source?.parameter;
        return at ? `${text} (at ${at})` : text;
      })
      .filter((s) => s !== "");
    if (details.length > 0)
      return clip(`Klaviyo refused it${err.status ? ` (HTTP ${err.status})` : ""}: ${details.join("; ")}`);
    return clip(err.message);
  }
  return clip(err instanceof Error ? err.message : String(err));
}

/** Errors that will fail every request alike (credentials, scopes, client setup): stop sending. */
export function isFatal(err: unknown): boolean {
  return err instanceof AuthenticationError || err instanceof PermissionError || err instanceof ConfigError;
}

/** Errors caused by the content of the request, which splitting it can narrow down: 400/422/413. */
export function isSplittable(err: unknown): boolean {
  if (err instanceof ValidationError) return true;
  return err instanceof ClientRequestError && err.status === 413;
}

export function isAbort(err: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  return (
    err instanceof Error && (err.name === "AbortError" || err.name === "TimeoutError") && signal !== undefined
  );
}

/** Every JSON pointer in a Klaviyo error. */
export function errorPointers(err: unknown): string[] {
  if (!(err instanceof KlaviyoError)) return [];
  return err.errors.map((e) => e.source?.pointer).filter((p): p is string => typeof p === "string");
}

/**
 * The array index a JSON pointer names right after `prefix`:
 * `pointerIndex("/data/attributes/profiles/data/17/attributes/email", "/data/attributes/profiles/data")` → 17.
 * Deeper levels are read by calling it again with a longer prefix.
 */
export function pointerIndex(pointer: string, prefix: string): number | undefined {
  if (!pointer.startsWith(`${prefix}/`)) return undefined;
  const m = /^(\d+)(?:\/|$)/.exec(pointer.slice(prefix.length + 1));
  return m ? Number(m[1]) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Bisection

export interface BisectOptions<T> {
  /**
   * The items an error names (by JSON pointer), as indexes into `items`. Those are failed at once
   * and the others sent again; undefined or empty means the error names no row.
   */
  locate?(err: unknown, items: readonly T[]): readonly number[] | undefined;
  /** Errors that fail every request alike, so sending stops; default `isFatal`. */
  fatal?(err: unknown): boolean;
  /** Whether splitting can help with this error; default `isSplittable`. */
  splittable?(err: unknown): boolean;
  /** Requests allowed for one call, the first included; default 200. */
  maxRequests?: number;
  /** Give up when this many single items failed and nothing succeeded yet; default 8. */
  maxFailuresWithoutSuccess?: number;
  signal?: AbortSignal;
}

export interface BisectFailure<T> {
  item: T;
  reason: string;
  error: unknown;
  /** Whether the item itself was shown to be at fault (false: not sent or failed with others). */
  isolated: boolean;
}

export interface BisectResult<T, R> {
  /** Requests that succeeded, with their items and what `send` returned. */
  sent: Array<{ items: T[]; result: R }>;
  failed: BisectFailure<T>[];
  /** Set when a fatal error (credentials...) stopped the sending; the caller should stop too. */
  fatal?: unknown;
  requests: number;
}

/**
 * Sends `items` with `send`; when Klaviyo refuses the request as a whole, narrows the failure
 * down: an error that names rows (by pointer) fails those rows and resends the rest; one that
 * names none splits the request in halves, recursively, until each failing row stands alone. The
 * halves that succeed are kept. Requests that cannot be narrowed (5xx, 429 after the client's
 * retries, network) fail their items with the error; fatal errors stop everything. Aborts rethrow.
 *
 * Correct only for all-or-nothing requests (a refused request stored nothing), which is how
 * Klaviyo treats request-level 4xx.
 */
export async function bisect<T, R>(
  items: readonly T[],
  send: (items: T[]) => Promise<R>,
  options: BisectOptions<T> = {},
): Promise<BisectResult<T, R>> {
  const splittable = options.splittable ?? isSplittable;
  const fatal = options.fatal ?? isFatal;
  const maxRequests = options.maxRequests ?? 200;
  const patience = options.maxFailuresWithoutSuccess ?? 8;
  const result: BisectResult<T, R> = { sent: [], failed: [], requests: 0 };
  const stack: T[][] = items.length > 0 ? [[...items]] : [];
  let leafFailures = 0;
  let lastError: unknown;
  const failAll = (part: readonly T[], reason: string, error: unknown, isolated: boolean) => {
    for (const item of part) result.failed.push({ item, reason, error, isolated });
  };
  while (stack.length > 0) {
    const part = stack.pop() as T[];
    if (part.length === 0) continue;
    const exhausted = result.requests >= maxRequests;
    const hopeless = result.sent.length === 0 && leafFailures >= patience;
    if (exhausted || hopeless) {
      const why = exhausted
        ? `not sent: isolating the rows Klaviyo refused took more than ${maxRequests} requests`
        : `not sent: every part of the request tried was refused (${leafFailures} single rows), so the problem is likely not in the rows`;
      failAll(part, `${why}; last error: ${errorText(lastError)}`, lastError, false);
      for (const rest of stack.splice(0))
        failAll(rest, `${why}; last error: ${errorText(lastError)}`, lastError, false);
      break;
    }
    options.signal?.throwIfAborted();
    result.requests++;
    try {
      const r = await send(part);
      result.sent.push({ items: part, result: r });
    } catch (err) {
      if (isAbort(err, options.signal)) throw err;
      lastError = err;
      if (fatal(err)) {
        result.fatal = err;
        const reason = `not sent: ${errorText(err)}`;
        failAll(part, reason, err, false);
        for (const rest of stack.splice(0)) failAll(rest, reason, err, false);
        break;
      }
      const located = options.locate?.(err, part);
      const culprits = new Set(
        (located ?? []).filter((i) => Number.isInteger(i) && i >= 0 && i < part.length),
      );
      if (culprits.size > 0) {
        const reason = errorText(err);
        const rest: T[] = [];
        part.forEach((item, i) => {
          if (culprits.has(i)) result.failed.push({ item, reason, error: err, isolated: true });
          else rest.push(item);
        });
        if (rest.length > 0) stack.push(rest);
        continue;
      }
      if (!splittable(err)) {
        failAll(part, errorText(err), err, part.length === 1);
        continue;
      }
      if (part.length === 1) {
        leafFailures++;
        failAll(part, errorText(err), err, true);
        continue;
      }
      const mid = Math.ceil(part.length / 2);
      stack.push(part.slice(mid));
      stack.push(part.slice(0, mid));
    }
  }
  return result;
}
