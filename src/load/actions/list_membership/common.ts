/**
 * Pieces the list_membership, subscriptions, suppressions and delete_profiles actions share on
 * top of ../shared.ts and ../../validate.ts: strict option schemas, identifier normalisation,
 * locating the rows a refused request names, and resolving profile ids from identifiers with
 * paginated lookups.
 */
import { z } from "zod";
import { NotFoundError } from "../../../client/errors.js";
import type { KlaviyoClient } from "../../../client/index.js";
import { chunk } from "../../../client/resources/shared.js";
import { filter } from "../../../filter/index.js";
import type { MappedFields } from "../../types.js";
import { checkExternalId, checkString, isBlank, normalizePhone, validateEmail } from "../../validate.js";
import { type BisectResult, errorPointers, isCountryOption, pointerIndex } from "../shared.js";

// -------------------------------------------------------------------------------------------------
// Options

/** A strict options object: an unknown key is reported with the list of valid options. */
export function strictOptions<S extends z.ZodRawShape>(shape: S) {
  const valid = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown option${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}; valid options are ${valid}`
        : undefined,
  });
}

/** An enum option whose error names the choices. */
export const choice = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, {
    error: (issue) => `must be one of ${values.join(", ")}; got ${JSON.stringify(issue.input)}`,
  });

/** `default_country`: an ISO 3166 alpha-2 code, upper-cased. */
export const countrySchema = z
  .string({ error: "must be a two-letter ISO 3166 country code such as US, GB or DE" })
  .trim()
  .transform((s) => s.toUpperCase())
  .refine(isCountryOption, { error: "must be a two-letter ISO 3166 country code such as US, GB or DE" });

/** A non-empty string option (trimmed). */
export const textOption = (what: string) =>
  z
    .string({ error: `must be ${what}` })
    .trim()
    .min(1, { error: `must be ${what}` });

// -------------------------------------------------------------------------------------------------
// Identifiers

export type ProfileIdentifier = "email" | "phone_number" | "external_id" | "id";
export const PROFILE_IDENTIFIERS = ["email", "phone_number", "external_id", "id"] as const;

/**
 * Checks and normalises one identifier of `fields` in place (email trimmed, phone to E.164,
 * external id and profile id to text). Returns the reason when the value is not usable.
 */
export function normaliseIdentifier(
  fields: MappedFields,
  field: ProfileIdentifier,
  defaultCountry: string | undefined,
): string | undefined {
  const raw = fields[field];
  if (isBlank(raw)) return `${field} is missing`;
  const r =
    field === "email"
      ? validateEmail(raw, field)
      : field === "phone_number"
        ? normalizePhone(raw, defaultCountry, field)
        : field === "external_id"
          ? checkExternalId(raw, field)
          : checkString(raw, field);
  if ("error" in r) return r.error;
  const value = field === "id" ? r.ok.trim() : r.ok;
  if (field === "id" && (value === "" || value.length > 64))
    return `id ${JSON.stringify(value)} is not a Klaviyo profile id`;
  fields[field] = value;
  return undefined;
}

/** The (already normalised) identifier in `fields`, when there is one. */
export function identifierOf(fields: MappedFields | undefined, field: ProfileIdentifier): string | undefined {
  const v = fields?.[field];
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** The key identifier values are grouped and matched by: emails case-insensitively, the rest as given. */
export const matchKey = (field: ProfileIdentifier, v: string): string =>
  field === "email" ? v.toLowerCase() : v;

// -------------------------------------------------------------------------------------------------
// Refused requests

/**
 * For `bisect`: the items a refused request names by JSON pointer under `prefix`
 * (`/data` for relationship bodies, `/data/attributes/profiles/data` for bulk jobs).
 */
export const locateUnder =
  (prefix: string) =>
  <T>(err: unknown, items: readonly T[]): number[] =>
    errorPointers(err)
      .map((p) => pointerIndex(p, prefix))
      .filter((i): i is number => i !== undefined && i < items.length);

/** A 404 about the request's target (a list, a job), not about one of the items sent. */
export function targetMissing(err: unknown, prefix: string): boolean {
  return (
    err instanceof NotFoundError && errorPointers(err).every((p) => pointerIndex(p, prefix) === undefined)
  );
}

/** Throws a fatal error `bisect` stopped on (bad credentials, missing scope): no later request can work. */
export function throwIfFatal<T, R>(result: BisectResult<T, R>): void {
  if (result.fatal !== undefined) throw result.fatal;
}

// -------------------------------------------------------------------------------------------------
// Profile lookup

/** Values per `any(field,[...])` filter. */
export const LOOKUP_VALUES_PER_FILTER = 100;
/** The largest page GET /api/profiles serves. */
export const LOOKUP_PAGE_SIZE = 100;

export interface LookupOptions {
  signal?: AbortSignal;
  /** Values per filter (default 100). */
  valuesPerFilter?: number;
  /** page[size] (default 100, Klaviyo's maximum). */
  pageSize?: number;
}

/**
 * Profile ids for identifier values: `any(field,[...])` with at most 100 values per filter, and
 * EVERY page of every lookup followed (a single unpaginated lookup silently stops at the first
 * page, 20 profiles by default). Returns value → profile id for the values that matched a
 * profile; emails match case-insensitively.
 */
export async function lookupProfileIds(
  client: KlaviyoClient,
  field: ProfileIdentifier,
  values: Iterable<string>,
  options: LookupOptions = {},
): Promise<Map<string, string>> {
  const wanted = [...new Set(values)];
  const found = new Map<string, string>();
  const per = options.valuesPerFilter ?? LOOKUP_VALUES_PER_FILTER;
  const size = options.pageSize ?? LOOKUP_PAGE_SIZE;
  const sparse: ("email" | "phone_number" | "external_id")[] = field === "id" ? ["email"] : [field];
  for (const part of chunk(wanted, per)) {
    const pages = client.profiles.list(
      { filter: filter.any(field, part), "page[size]": size, "fields[profile]": sparse },
      options.signal ? { signal: options.signal } : {},
    );
    for await (const p of pages) {
      const attrs = p.attributes as Record<string, unknown> | undefined;
      const raw = field === "id" ? p.id : attrs?.[field];
      if (typeof raw === "string" && raw !== "" && p.id) found.set(matchKey(field, raw), p.id);
    }
  }
  const out = new Map<string, string>();
  for (const v of wanted) {
    const id = found.get(matchKey(field, v));
    if (id !== undefined) out.set(v, id);
  }
  return out;
}
