/**
 * Profiles: reads that stay fast at a million profiles (identifier filters go through the store's
 * hash indexes, the default id order walks the id-ordered array from the cursor, `created` and
 * `updated` orders and ranges read the store's time index, other orders use a bounded top-k
 * scan), create / update / upsert / merge with Klaviyo's merge rules, and bulk
 * import jobs that move queued → processing → complete on emulator time.
 *
 * Also the shared helpers the list/segment and subscription handlers build on: profile
 * validation, upsert, rendering (profile, list and segment resources) and keyset paging.
 */
import type { FilterCondition, FilterScalar } from "../../filter/types.js";
import {
  additionalField,
  compareValues,
  cursorLinks,
  decodeCursor,
  includes,
  matchCondition,
  pageSize,
  paginateRows,
  requestFilter,
  requestSort,
  type SortSpec,
  scanSort,
  selfLink,
  sparseAttributes,
} from "../jsonapi.js";
import { bodyData, collection, identifiers, isoOrNull, single } from "../render.js";
import { iso } from "../store/ids.js";
import {
  type Consent,
  defaultSubscriptions,
  type ProfileLocation,
  type ProfileRecord,
  type ProfileSubscriptions,
} from "../store/profiles.js";
import type { EmulatorStore, JobRecord, JobStatus, ResourceRow } from "../store/store.js";
import { ApiError, type EmuRequest, type EmuResponse, type Handler, invalid, notFound } from "../types.js";

// ---------------------------------------------------------------------------------------------
// Validation

/** Email syntax Klaviyo accepts: something@domain.tld, no spaces. */
const EMAIL_RE = /^[^\s@"(),:;<>[\]\\]+@[^\s@"(),:;<>[\]\\]+\.[^\s@"(),:;<>[\]\\.]{2,}$/;
/** E.164: `+`, a non-zero country digit, 7 to 15 digits in all. */
const E164_RE = /^\+[1-9]\d{6,14}$/;

export const isValidEmail = (s: string): boolean => EMAIL_RE.test(s.trim());
export const isE164 = (s: string): boolean => E164_RE.test(s);

/** Per-profile payload limit (create, update, upsert and each profile of a bulk import). */
export const PROFILE_MAX_BYTES = 100 * 1024;

const IDENTIFIERS = ["email", "phone_number", "external_id"] as const;
type IdentifierField = (typeof IDENTIFIERS)[number];

const STRING_FIELDS = [
  "email",
  "phone_number",
  "external_id",
  "first_name",
  "last_name",
  "organization",
  "locale",
  "title",
  "image",
] as const;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The problem with a profile's attributes (email / phone syntax), or undefined. */
export function profileAttributeProblem(
  attrs: Record<string, unknown>,
  pointer: string,
): { pointer: string; detail: string } | undefined {
  const email = attrs.email;
  if (typeof email === "string" && !isValidEmail(email))
    return { pointer: `${pointer}/email`, detail: `Invalid email address: ${JSON.stringify(email)}.` };
  const phone = attrs.phone_number;
  if (typeof phone === "string" && !isE164(phone))
    return {
      pointer: `${pointer}/phone_number`,
      detail: `Invalid phone number ${JSON.stringify(phone)}: use E.164 format, e.g. +15005550006.`,
    };
  return undefined;
}

function hasIdentifier(attrs: Record<string, unknown>): boolean {
  return (
    IDENTIFIERS.some((k) => typeof attrs[k] === "string" && attrs[k] !== "") ||
    (typeof attrs._kx === "string" && attrs._kx !== "")
  );
}

const normEmail = (s: string): string => s.trim().toLowerCase();

/** Body size in bytes: the Content-Length header when sent, else the re-serialised body. */
export function bodyBytes(req: EmuRequest): number {
  const header = Number(req.headers["content-length"]);
  if (Number.isFinite(header) && header > 0) return header;
  return req.body === undefined ? 0 : Buffer.byteLength(JSON.stringify(req.body));
}

export function payloadTooLarge(detail: string): ApiError {
  return new ApiError(413, "payload_too_large", "Payload too large.", detail);
}

export function duplicateProfile(existingId: string): ApiError {
  return new ApiError(
    409,
    "duplicate_profile",
    "A profile already exists with one of these identifiers.",
    `A profile already exists with one of these identifiers (profile ${existingId}).`,
    undefined,
    { duplicate_profile_id: existingId },
  );
}

// ---------------------------------------------------------------------------------------------
// Records: create, update, upsert

export function newProfileRecord(store: EmulatorStore, now: number): ProfileRecord {
  return {
    id: store.ids.ulid(now),
    email: null,
    phone_number: null,
    external_id: null,
    anonymous_id: null,
    first_name: null,
    last_name: null,
    organization: null,
    locale: null,
    title: null,
    image: null,
    created: now,
    updated: now,
    last_event_date: null,
    location: null,
    properties: {},
    subscriptions: defaultSubscriptions(),
    predictive: null,
  };
}

/** The profile that owns `field = value`, if any. */
function ownerOf(store: EmulatorStore, field: IdentifierField, value: string): ProfileRecord | undefined {
  if (field === "email") return store.profiles.byEmailAddress(value);
  if (field === "phone_number") return store.profiles.byPhoneNumber(value);
  return store.profiles.byExternalId(value);
}

/** Another profile already holding one of the identifiers `attrs` sets, if any. */
export function conflictingOwner(
  store: EmulatorStore,
  attrs: Record<string, unknown>,
  self: ProfileRecord | undefined,
): ProfileRecord | undefined {
  for (const field of IDENTIFIERS) {
    const v = attrs[field];
    if (typeof v !== "string" || v === "") continue;
    const owner = ownerOf(store, field, v);
    if (owner && owner !== self) return owner;
  }
  return undefined;
}

function applyPatchProperties(p: ProfileRecord, meta: unknown): void {
  const patch = isRecord(meta) ? meta.patch_properties : undefined;
  if (!isRecord(patch)) return;
  const props = p.properties;
  if (isRecord(patch.append)) {
    for (const [key, value] of Object.entries(patch.append)) {
      const cur = props[key];
      const base = Array.isArray(cur) ? [...cur] : cur === undefined || cur === null ? [] : [cur];
      props[key] = base.concat(Array.isArray(value) ? value : [value]);
    }
  }
  if (isRecord(patch.unappend)) {
    for (const [key, value] of Object.entries(patch.unappend)) {
      const cur = props[key];
      if (!Array.isArray(cur)) continue;
      const drop = Array.isArray(value) ? value : [value];
      props[key] = cur.filter((x) => !drop.some((d) => d === x));
    }
  }
  const unset = patch.unset;
  for (const key of typeof unset === "string" ? [unset] : Array.isArray(unset) ? unset : []) {
    if (typeof key === "string") delete props[key];
  }
}

/**
 * Merges attributes into a record: a given value sets, `null` clears, an omitted field is kept.
 * `location` merges member by member; `properties` merges key by key (a `null` key removes it).
 * Identifier changes must go through `store.profiles.mutate` (see `updateProfileRecord`).
 */
function applyAttributes(p: ProfileRecord, attrs: Record<string, unknown>, meta: unknown): void {
  for (const field of STRING_FIELDS) {
    if (!(field in attrs)) continue;
    const v = attrs[field];
    if (v === null || v === "") p[field] = null;
    else if (typeof v === "string") p[field] = field === "email" ? normEmail(v) : v;
  }
  if ("location" in attrs) {
    const loc = attrs.location;
    if (loc === null) p.location = null;
    else if (isRecord(loc)) p.location = { ...(p.location ?? {}), ...(loc as ProfileLocation) };
  }
  if ("properties" in attrs) {
    const props = attrs.properties;
    if (props === null) p.properties = {};
    else if (isRecord(props)) {
      for (const [k, v] of Object.entries(props)) {
        if (v === null) delete p.properties[k];
        else p.properties[k] = v;
      }
    }
  }
  applyPatchProperties(p, meta);
}

export function updateProfileRecord(
  store: EmulatorStore,
  p: ProfileRecord,
  attrs: Record<string, unknown>,
  meta: unknown,
  now: number,
): void {
  store.profiles.mutate(p, (r) => applyAttributes(r, attrs, meta));
  p.updated = Math.max(now, p.updated);
}

export function createProfileRecord(
  store: EmulatorStore,
  attrs: Record<string, unknown>,
  meta: unknown,
  now: number,
): ProfileRecord {
  const p = newProfileRecord(store, now);
  applyAttributes(p, attrs, meta);
  store.profiles.insert(p);
  store.counters.profilesCreated++;
  return p;
}

export type UpsertResult =
  | { ok: true; profile: ProfileRecord; created: boolean }
  | { ok: false; error: ApiError };

/**
 * Create-or-update with `POST /api/profile-import` semantics: the profile is found by `id`, else
 * by email, phone number or external id; attributes merge into it (null clears, omitted keeps).
 * Identifiers that point at two different profiles are a 409 `duplicate_profile`.
 * `pointer` is the JSON pointer of the profile resource object in the request (for errors).
 */
export function upsertProfile(
  store: EmulatorStore,
  input: { id?: unknown; attributes: Record<string, unknown>; meta?: unknown },
  now: number,
  pointer = "/data",
): UpsertResult {
  const attrs = input.attributes;
  const problem = profileAttributeProblem(attrs, `${pointer}/attributes`);
  if (problem) return { ok: false, error: invalid(problem.detail, { pointer: problem.pointer }) };
  let target: ProfileRecord | undefined;
  if (typeof input.id === "string" && input.id !== "") {
    target = store.profiles.get(input.id);
    if (!target) return { ok: false, error: notFound("profile", input.id) };
  } else {
    for (const field of IDENTIFIERS) {
      const v = attrs[field];
      if (typeof v !== "string" || v === "") continue;
      const owner = ownerOf(store, field, v);
      if (!owner) continue;
      if (!target) target = owner;
      else if (owner !== target) return { ok: false, error: duplicateProfile(owner.id) };
    }
  }
  if (target) {
    const other = conflictingOwner(store, attrs, target);
    if (other) return { ok: false, error: duplicateProfile(other.id) };
    updateProfileRecord(store, target, attrs, input.meta, now);
    return { ok: true, profile: target, created: false };
  }
  if (!hasIdentifier(attrs)) {
    return {
      ok: false,
      error: invalid("A profile needs at least one identifier: email, phone_number or external_id.", {
        pointer: `${pointer}/attributes`,
      }),
    };
  }
  return { ok: true, profile: createProfileRecord(store, attrs, input.meta, now), created: true };
}

// ---------------------------------------------------------------------------------------------
// Memberships

export function addListMember(store: EmulatorStore, listId: string, profileId: string, now: number): boolean {
  let members = store.listMembers.get(listId);
  if (!members) {
    members = new Map();
    store.listMembers.set(listId, members);
  }
  if (members.has(profileId)) return false;
  members.set(profileId, now);
  return true;
}

/** Deletes a profile and every list and segment membership it had. */
export function deleteProfile(store: EmulatorStore, p: ProfileRecord): void {
  store.profiles.remove(p);
  for (const m of store.listMembers.values()) m.delete(p.id);
  for (const m of store.segmentMembers.values()) m.delete(p.id);
}

function groupIdsOf(
  groups: Map<string, Map<string, number>>,
  profileId: string,
  table: { has(id: string): boolean },
) {
  const out: string[] = [];
  for (const [id, members] of groups) if (members.has(profileId) && table.has(id)) out.push(id);
  return out.sort();
}

export const listIdsOfProfile = (store: EmulatorStore, profileId: string): string[] =>
  groupIdsOf(store.listMembers, profileId, store.lists);
export const segmentIdsOfProfile = (store: EmulatorStore, profileId: string): string[] =>
  groupIdsOf(store.segmentMembers, profileId, store.segments);

// ---------------------------------------------------------------------------------------------
// Rendering

function renderSubscriptions(s: ProfileSubscriptions): Record<string, unknown> {
  const e = s.email;
  const lastEmail = Math.max(e.consentAt ?? -1, e.suppression?.timestamp ?? -1);
  const smsOk = (c: Consent) => c === "SUBSCRIBED";
  return {
    email: {
      marketing: {
        can_receive_email_marketing: e.suppression === null && e.consent !== "UNSUBSCRIBED",
        consent: e.consent,
        consent_timestamp: isoOrNull(e.consentAt),
        last_updated: lastEmail < 0 ? null : iso(lastEmail),
        method: e.method,
        method_detail: e.methodDetail,
        custom_method_detail: null,
        double_optin: null,
        suppression: e.suppression
          ? [{ reason: e.suppression.reason, timestamp: iso(e.suppression.timestamp) }]
          : [],
        list_suppressions: e.listSuppressions.map((l) => ({
          list_id: l.listId,
          reason: l.reason,
          timestamp: iso(l.timestamp),
        })),
      },
    },
    sms: {
      marketing: {
        can_receive_sms_marketing: smsOk(s.sms.consent),
        consent: s.sms.consent,
        consent_timestamp: isoOrNull(s.sms.consentAt),
        method: s.sms.method,
        method_detail: null,
        last_updated: isoOrNull(s.sms.consentAt),
      },
      transactional: {
        can_receive_sms_transactional: smsOk(s.sms.transactional),
        consent: s.sms.transactional,
        consent_timestamp: null,
        method: null,
        method_detail: null,
        last_updated: null,
      },
    },
    mobile_push: {
      marketing: { can_receive_push_marketing: false, consent: "NEVER_SUBSCRIBED", consent_timestamp: null },
    },
  };
}

function renderLocation(l: ProfileLocation | null): Record<string, unknown> {
  return {
    address1: l?.address1 ?? null,
    address2: l?.address2 ?? null,
    city: l?.city ?? null,
    country: l?.country ?? null,
    latitude: l?.latitude ?? null,
    longitude: l?.longitude ?? null,
    region: l?.region ?? null,
    zip: l?.zip ?? null,
    timezone: l?.timezone ?? null,
    ip: l?.ip ?? null,
  };
}

export interface ProfileRenderOptions {
  /** Extra attributes (`joined_group_at` for members). */
  extra?: Record<string, unknown>;
  /** Relationship names to link; default lists, segments, push-tokens. */
  relationships?: readonly string[];
  /** Relationship data to embed (`include=lists` on get_profile). */
  data?: Record<string, Array<{ type: string; id: string }>>;
}

const PROFILE_RELS = ["lists", "segments", "push-tokens"] as const;
const PROFILE_RELS_CONV = ["lists", "segments", "push-tokens", "conversations"] as const;

export function renderProfile(req: EmuRequest, p: ProfileRecord, options: ProfileRenderOptions = {}) {
  const attributes: Record<string, unknown> = {
    email: p.email,
    phone_number: p.phone_number,
    external_id: p.external_id,
    first_name: p.first_name,
    last_name: p.last_name,
    organization: p.organization,
    locale: p.locale,
    title: p.title,
    image: p.image,
    created: iso(p.created),
    updated: iso(p.updated),
    last_event_date: isoOrNull(p.last_event_date),
    location: renderLocation(p.location),
    properties: p.properties,
    ...options.extra,
  };
  if (additionalField(req, "profile", "subscriptions"))
    attributes.subscriptions = renderSubscriptions(p.subscriptions);
  if (additionalField(req, "profile", "predictive_analytics"))
    attributes.predictive_analytics = p.predictive ?? null;
  const self = `${req.origin}/api/profiles/${encodeURIComponent(p.id)}`;
  const relationships: Record<string, unknown> = {};
  for (const name of options.relationships ?? PROFILE_RELS) {
    const data = options.data?.[name];
    relationships[name] = {
      ...(data ? { data } : {}),
      links: { self: `${self}/relationships/${name}`, related: `${self}/${name}` },
    };
  }
  return {
    type: "profile",
    id: p.id,
    attributes: sparseAttributes(req, "profile", attributes),
    relationships,
    links: { self },
  };
}

/** The default rendering as UTF-8 JSON, cached on the record while its revision, `updated` and the origin match. */
function cachedProfileJson(store: EmulatorStore, req: EmuRequest, p: ProfileRecord): Buffer {
  const rev = p.rev ?? 0;
  const hit = p.rendered;
  if (
    hit &&
    hit.rev === rev &&
    hit.updated === p.updated &&
    hit.lastEvent === p.last_event_date &&
    hit.origin === req.origin
  )
    return hit.bytes;
  const bytes = Buffer.from(JSON.stringify(renderProfile(req, p, { relationships: PROFILE_RELS_CONV })));
  const profiles = store.profiles;
  if (hit) profiles.renderCacheBytes -= hit.bytes.length;
  if (profiles.renderCacheBytes + bytes.length <= profiles.renderCacheLimit) {
    p.rendered = { rev, updated: p.updated, lastEvent: p.last_event_date, origin: req.origin, bytes };
    profiles.renderCacheBytes += bytes.length;
  } else {
    p.rendered = undefined;
  }
  return bytes;
}

const COMMA = Buffer.from(",");
const DATA_OPEN = Buffer.from('{"data":[');

function relLinks(self: string, names: readonly string[], data?: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const n of names)
    out[n] = {
      ...(data?.[n] !== undefined ? { data: data[n] } : {}),
      links: { self: `${self}/relationships/${n}`, related: `${self}/${n}` },
    };
  return out;
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

export function renderList(
  req: EmuRequest,
  row: ResourceRow,
  extra?: Record<string, unknown>,
  data?: Record<string, unknown>,
) {
  const a = row.attributes;
  const self = `${req.origin}/api/lists/${encodeURIComponent(row.id)}`;
  const optIn =
    a.opt_in_process === "double_opt_in" || a.opt_in_process === "single_opt_in" ? a.opt_in_process : null;
  return {
    type: "list",
    id: row.id,
    attributes: sparseAttributes(req, "list", {
      name: str(a.name),
      created: str(a.created),
      updated: str(a.updated),
      opt_in_process: optIn,
      ...extra,
    }),
    relationships: relLinks(self, ["profiles", "tags", "flow-triggers"], data),
    links: { self },
  };
}

export function segmentAttributes(row: ResourceRow): Record<string, unknown> {
  const a = row.attributes;
  return {
    name: str(a.name),
    definition: isRecord(a.definition) ? a.definition : null,
    created: str(a.created),
    updated: str(a.updated),
    is_active: typeof a.is_active === "boolean" ? a.is_active : true,
    is_processing: typeof a.is_processing === "boolean" ? a.is_processing : false,
    is_starred: typeof a.is_starred === "boolean" ? a.is_starred : false,
  };
}

export function renderSegment(
  req: EmuRequest,
  row: ResourceRow,
  extra?: Record<string, unknown>,
  data?: Record<string, unknown>,
) {
  const self = `${req.origin}/api/segments/${encodeURIComponent(row.id)}`;
  return {
    type: "segment",
    id: row.id,
    attributes: sparseAttributes(req, "segment", { ...segmentAttributes(row), ...extra }),
    relationships: relLinks(self, ["profiles", "tags", "flow-triggers"], data),
    links: { self },
  };
}

// ---------------------------------------------------------------------------------------------
// Filtering and keyset paging

function literals(c: FilterCondition): readonly FilterScalar[] {
  if (c.value.kind === "list") return c.value.items;
  if (c.value.kind === "none") return [];
  return [c.value];
}

/** Email filter literals are compared case-insensitively (emails are stored lower-cased). */
export function normalizeConditions(conds: readonly FilterCondition[]): FilterCondition[] {
  return conds.map((c) => {
    if (c.field !== "email") return c;
    const low = (s: FilterScalar): FilterScalar =>
      s.kind === "string" ? { kind: "string", value: normEmail(s.value) } : s;
    if (c.value.kind === "list") return { ...c, value: { kind: "list", items: c.value.items.map(low) } };
    if (c.value.kind === "none") return c;
    return { ...c, value: low(c.value) };
  });
}

const SUPP = "subscriptions.email.marketing.suppression.";
const LIST_SUPP = "subscriptions.email.marketing.list_suppressions.";

/** A profile's value for a filter or sort field (timestamps as epoch ms). */
export function profileField(p: ProfileRecord, field: string): unknown {
  switch (field) {
    case "id":
    case "profile_id":
      return p.id;
    case "email":
      return p.email;
    case "phone_number":
      return p.phone_number;
    case "external_id":
      return p.external_id;
    case "created":
      return p.created;
    case "updated":
      return p.updated;
    case `${SUPP}reason`:
      return p.subscriptions.email.suppression?.reason;
    case `${SUPP}timestamp`:
      return p.subscriptions.email.suppression?.timestamp;
    case `${LIST_SUPP}reason`:
      return p.subscriptions.email.listSuppressions.map((s) => s.reason);
    case `${LIST_SUPP}list_id`:
      return p.subscriptions.email.listSuppressions.map((s) => s.listId);
    case `${LIST_SUPP}timestamp`: {
      const ts = p.subscriptions.email.listSuppressions.map((s) => s.timestamp);
      return ts;
    }
    default:
      // `_kx` and `push_token` identify nothing the emulator stores: they match no profile.
      return undefined;
  }
}

/** Sort key of a profile (a list-valued field sorts by its latest value). */
function profileSortKey(p: ProfileRecord, field: string): unknown {
  const v = profileField(p, field);
  if (Array.isArray(v)) return v.length === 0 ? null : Math.max(...(v as number[]));
  return v;
}

/** Whether a value satisfies a condition; list-valued fields match when any element does. */
export function matchValue(value: unknown, cond: FilterCondition): boolean {
  if (Array.isArray(value)) return value.some((x) => matchCondition(x, cond, (r) => r));
  return matchCondition(value, cond, (r) => r);
}

export function matchProfile(p: ProfileRecord, conds: readonly FilterCondition[]): boolean {
  for (const c of conds) if (!matchValue(profileField(p, c.field), c)) return false;
  return true;
}

/**
 * The conditions as one predicate, with `created`/`updated` comparisons compiled to plain
 * number comparisons (a scan of a million profiles then costs a few milliseconds).
 */
export function compileProfileFilter(conds: readonly FilterCondition[]): (p: ProfileRecord) => boolean {
  const preds = conds.map((c): ((p: ProfileRecord) => boolean) => {
    if ((c.field === "created" || c.field === "updated") && c.value.kind === "datetime") {
      const t = c.value.epochMs;
      const f = c.field;
      switch (c.operator) {
        case "greater-than":
          return (p) => p[f] > t;
        case "greater-or-equal":
          return (p) => p[f] >= t;
        case "less-than":
          return (p) => p[f] < t;
        case "less-or-equal":
          return (p) => p[f] <= t;
        default:
          break;
      }
    }
    return (p) => matchValue(profileField(p, c.field), c);
  });
  if (preds.length === 0) return () => true;
  return (p) => {
    for (const pred of preds) if (!pred(p)) return false;
    return true;
  };
}

/**
 * The profiles an identifier condition (`equals`/`any` on id, email, phone_number, external_id
 * or profile_id) points to, via the store's indexes; undefined when no condition can use one.
 */
export function indexedProfiles(
  store: EmulatorStore,
  conds: readonly FilterCondition[],
): ProfileRecord[] | undefined {
  for (const c of conds) {
    if (c.operator !== "equals" && c.operator !== "any") continue;
    let lookup: ((v: string) => ProfileRecord | undefined) | undefined;
    if (c.field === "id" || c.field === "profile_id") lookup = (v) => store.profiles.get(v);
    else if (c.field === "email") lookup = (v) => store.profiles.byEmailAddress(v);
    else if (c.field === "phone_number") lookup = (v) => store.profiles.byPhoneNumber(v);
    else if (c.field === "external_id") lookup = (v) => store.profiles.byExternalId(v);
    if (!lookup) continue;
    const out = new Map<string, ProfileRecord>();
    for (const lit of literals(c)) {
      if (lit.kind !== "string") continue;
      const p = lookup(lit.value);
      if (p) out.set(p.id, p);
    }
    return [...out.values()];
  }
  return undefined;
}

export interface Keyed<R> {
  row: R;
  key: unknown;
  id: string;
}

export interface KeysetPage<R> {
  rows: R[];
  next?: string;
  prev?: string;
}

const idCmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * One keyset page: the `size` smallest rows after the cursor in (key, id) order (reversed for a
 * descending sort), found in one pass with a bounded buffer, so nothing is materialised or
 * sorted beyond `size + 1` rows. `rows` may already be in order (`ordered`), which stops the
 * scan as soon as the page is full.
 */
export function keysetPage<R>(
  req: EmuRequest,
  rows: Iterable<R>,
  options: {
    sort: SortSpec;
    size: number;
    id: (r: R) => string;
    key: (r: R) => unknown;
    accept?: (r: R) => boolean;
    ordered?: boolean;
  },
): KeysetPage<R> {
  const { sort, size } = options;
  const cursor = decodeCursor(req.query.get("page[cursor]"), sort);
  // A `prev` cursor reads backwards from its boundary (ordered sources must be given in that
  // direction by the caller); the page is put back in the requested order at the end.
  const scan = scanSort(sort, cursor);
  const cmp = (ak: unknown, ai: string, bk: unknown, bi: string) => {
    const c = compareValues(ak, bk) || idCmp(ai, bi);
    return scan.desc ? -c : c;
  };
  const cap = size + 1;
  const buf: Array<Keyed<R>> = [];
  for (const row of rows) {
    if (options.accept && !options.accept(row)) continue;
    const id = options.id(row);
    const key = options.key(row);
    if (cursor && cmp(key, id, cursor.k, cursor.i) <= 0) continue;
    if (options.ordered) {
      buf.push({ row, key, id });
      if (buf.length >= cap) break;
      continue;
    }
    if (buf.length === cap) {
      const worst = buf[cap - 1] as Keyed<R>;
      if (cmp(key, id, worst.key, worst.id) >= 0) continue;
    }
    let lo = 0;
    let hi = buf.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = buf[mid] as Keyed<R>;
      if (cmp(m.key, m.id, key, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    buf.splice(lo, 0, { row, key, id });
    if (buf.length > cap) buf.pop();
  }
  const page = buf.slice(0, size);
  if (cursor?.d === "prev") page.reverse();
  return {
    rows: page.map((k) => k.row),
    ...cursorLinks(req, sort, page, (k) => ({ k: k.key, i: k.id }), buf.length > size, cursor),
  };
}

const isTimeField = (f: string): f is "created" | "updated" => f === "created" || f === "updated";

interface TimeBound {
  t: number;
  incl: boolean;
}

/**
 * The range the filter's `greater-than` / `greater-or-equal` / `less-than` / `less-or-equal`
 * conditions on a timestamp field allow (the same comparisons `compileProfileFilter` makes), or
 * undefined when it has none.
 */
function timeRange(
  conds: readonly FilterCondition[],
  field: "created" | "updated",
): { lo?: TimeBound; hi?: TimeBound } | undefined {
  let lo: TimeBound | undefined;
  let hi: TimeBound | undefined;
  for (const c of conds) {
    if (c.field !== field || c.value.kind !== "datetime" || !Number.isFinite(c.value.epochMs)) continue;
    const t = c.value.epochMs;
    if (c.operator === "greater-than" || c.operator === "greater-or-equal") {
      const incl = c.operator === "greater-or-equal";
      if (!lo || t > lo.t || (t === lo.t && !incl)) lo = { t, incl };
    } else if (c.operator === "less-than" || c.operator === "less-or-equal") {
      const incl = c.operator === "less-or-equal";
      if (!hi || t < hi.t || (t === hi.t && !incl)) hi = { t, incl };
    }
  }
  if (!lo && !hi) return undefined;
  return { ...(lo ? { lo } : {}), ...(hi ? { hi } : {}) };
}

/** Every profile inside the filter's `updated` or `created` range, when one holds at most `max`. */
function profilesInTimeRange(
  store: EmulatorStore,
  conds: readonly FilterCondition[],
  max: number,
): ProfileRecord[] | undefined {
  for (const field of ["updated", "created"] as const) {
    const range = timeRange(conds, field);
    if (!range) continue;
    const rows = store.profiles.scanByTime(field, { desc: false, range, limit: max + 1 });
    if (rows && rows.length <= max) return rows;
  }
  return undefined;
}

/**
 * A page of profiles for GET /api/profiles-like reads: identifier filters through the store's
 * hash indexes, `created` / `updated` order through its ordered indexes, id order by walking
 * the id-ordered array from the cursor, any other order by a bounded top-k scan.
 */
export function profilePage(
  store: EmulatorStore,
  req: EmuRequest,
  conds: readonly FilterCondition[],
  sort: SortSpec,
  size: number,
): KeysetPage<ProfileRecord> {
  const base = {
    sort,
    size,
    id: (p: ProfileRecord) => p.id,
    accept: compileProfileFilter(conds),
  };
  const indexed = indexedProfiles(store, conds);
  if (indexed) return keysetPage(req, indexed, { ...base, key: (p) => profileSortKey(p, sort.field) });
  const cursor = decodeCursor(req.query.get("page[cursor]"), sort);
  const scan = scanSort(sort, cursor);
  const field = sort.field;
  if (isTimeField(field) && (cursor === undefined || typeof cursor.k === "number")) {
    // The store's ordered index on the field: seek past the cursor and into the filter's range
    // with binary searches, then read rows in order until the page is full.
    const rows = store.profiles.scanByTime(field, {
      desc: scan.desc,
      after: cursor ? { k: cursor.k as number, id: cursor.i } : undefined,
      range: timeRange(conds, field),
      accept: base.accept,
      limit: size + 1,
    });
    if (rows) return keysetPage(req, rows, { ...base, key: (p) => profileSortKey(p, field), ordered: true });
  }
  // A narrow `created` / `updated` range in the filter: rank only the profiles inside it (for id
  // order, only when that likely beats walking the id order, which stops once the page is full).
  const n = store.profiles.size;
  const within = profilesInTimeRange(store, conds, field === "id" ? Math.ceil(Math.sqrt(size * n)) : n >> 2);
  if (within) return keysetPage(req, within, { ...base, key: (p) => profileSortKey(p, field) });
  if (sort.field === "id") {
    // Id order is the store's order: start right next to the cursor's id and stop when full.
    const at = cursor?.i;
    const source = scan.desc ? store.profiles.descending(at) : store.profiles.ascending(at);
    return keysetPage(req, source, { ...base, key: (p) => p.id, ordered: true });
  }
  // Any order: one bounded top-k pass. Scanning in the sort's direction of id (≈ creation) order
  // means most rows are rejected by a single comparison once the buffer is full.
  const source = scan.desc ? store.profiles.descending() : store.profiles.ascending();
  return keysetPage(req, source, { ...base, key: (p) => profileSortKey(p, sort.field) });
}

// ---------------------------------------------------------------------------------------------
// Bulk import jobs

export const BULK_IMPORT_MAX_PROFILES = 10_000;
export const BULK_IMPORT_MAX_BYTES = 5 * 1024 * 1024;
/** Emulator timing: processing starts this long after creation... */
export const BULK_IMPORT_QUEUE_MS = 50;
/** ...and each profile takes this long (10,000 profiles: 200 ms). */
export const BULK_IMPORT_MS_PER_PROFILE = 0.02;

const IMPORT_JOB = "profile-bulk-import-job";
const DAY_MS = 86_400_000;

interface ImportJobExtra {
  /** Import errors become visible when the job completes. */
  validCount: number;
}

function jobCounts(store: EmulatorStore, job: JobRecord, status: JobStatus) {
  const failed = job.errors.length;
  if (status === "complete" || status === "cancelled") return { completed: job.total - failed, failed };
  if (status === "queued") return { completed: 0, failed: 0 };
  const span = Math.max(1, job.completeAt - job.processingAt);
  const frac = Math.min(1, Math.max(0, (store.now() - job.processingAt) / span));
  return { completed: Math.floor(frac * (job.total - failed)), failed: Math.floor(frac * failed) };
}

function renderImportJob(store: EmulatorStore, req: EmuRequest, job: JobRecord) {
  const status = store.jobState(job);
  const { completed, failed } = jobCounts(store, job, status);
  const self = `${req.origin}/api/profile-bulk-import-jobs/${encodeURIComponent(job.id)}`;
  return {
    type: IMPORT_JOB,
    id: job.id,
    attributes: sparseAttributes(req, IMPORT_JOB, {
      status,
      created_at: iso(job.created),
      total_count: job.total,
      completed_count: completed,
      failed_count: failed,
      completed_at: status === "complete" ? iso(job.completeAt) : null,
      expires_at: iso(job.created + 30 * DAY_MS),
      started_at: status === "queued" ? null : iso(job.processingAt),
    }),
    relationships: {
      lists: {
        data: job.listIds.map((id) => ({ type: "list", id })),
        links: { self: `${self}/relationships/lists`, related: `${self}/lists` },
      },
      profiles: { links: { self: `${self}/relationships/profiles`, related: `${self}/profiles` } },
      "import-errors": { links: { related: `${self}/import-errors` } },
    },
    links: { self },
  };
}

function importJob(store: EmulatorStore, id: string): JobRecord {
  const job = store.jobs.get(id);
  if (!job || job.type !== IMPORT_JOB) throw notFound("profile bulk import job", id);
  return job;
}

function bulkImport(store: EmulatorStore, req: EmuRequest): EmuResponse {
  const data = bodyData(req);
  const profilesAttr = data.attributes?.profiles;
  const entries: unknown[] =
    isRecord(profilesAttr) && Array.isArray(profilesAttr.data) ? profilesAttr.data : [];
  if (entries.length > BULK_IMPORT_MAX_PROFILES) {
    throw invalid(
      `A bulk import job accepts at most ${BULK_IMPORT_MAX_PROFILES.toLocaleString("en-US")} profiles; got ${entries.length.toLocaleString("en-US")}.`,
      { pointer: "/data/attributes/profiles/data" },
    );
  }
  const bytes = bodyBytes(req);
  if (bytes > BULK_IMPORT_MAX_BYTES)
    throw payloadTooLarge(
      `The bulk import payload is ${bytes} bytes; the maximum is 5 MB (${BULK_IMPORT_MAX_BYTES} bytes).`,
    );
  const listIds: string[] = [];
  const listRel = data.relationships?.lists?.data;
  if (Array.isArray(listRel)) {
    listRel.forEach((l, i) => {
      const id = isRecord(l) && typeof l.id === "string" ? l.id : "";
      if (!store.lists.has(id)) {
        throw new ApiError(404, "not_found", "Not found.", `A list with id ${id} does not exist.`, {
          pointer: `/data/relationships/lists/data/${i}/id`,
        });
      }
      if (!listIds.includes(id)) listIds.push(id);
    });
  }
  const now = req.now;
  const errors: JobRecord["errors"] = [];
  const valid: Array<{ index: number; id: unknown; attributes: Record<string, unknown>; meta: unknown }> = [];
  entries.forEach((entry, index) => {
    const pointer = `/data/attributes/profiles/data/${index}`;
    const e = isRecord(entry) ? entry : {};
    const attributes = isRecord(e.attributes) ? e.attributes : {};
    const fail = (title: string, detail: string, at: string) =>
      errors.push({
        id: store.ids.ulid(now),
        code: "invalid",
        title,
        detail,
        source: { pointer: at },
        original: entry,
      });
    const size = Buffer.byteLength(JSON.stringify(entry));
    if (size > PROFILE_MAX_BYTES) {
      fail(
        "Profile too large.",
        `The profile is ${size} bytes; each profile may be at most 100 KB.`,
        pointer,
      );
      return;
    }
    const problem = profileAttributeProblem(attributes, `${pointer}/attributes`);
    if (problem) {
      fail("Invalid input.", problem.detail, problem.pointer);
      return;
    }
    if (!(typeof e.id === "string" && e.id !== "") && !hasIdentifier(attributes)) {
      fail(
        "Missing identifier.",
        "A profile needs at least one identifier: email, phone_number or external_id.",
        `${pointer}/attributes`,
      );
      return;
    }
    valid.push({ index, id: e.id, attributes, meta: e.meta });
  });
  const processingAt = now + BULK_IMPORT_QUEUE_MS;
  const job: JobRecord = {
    id: store.ids.ulid(now),
    type: IMPORT_JOB,
    created: now,
    processingAt,
    completeAt: processingAt + Math.ceil(entries.length * BULK_IMPORT_MS_PER_PROFILE),
    total: entries.length,
    errors,
    resultIds: [],
    listIds,
    extra: { validCount: valid.length } satisfies ImportJobExtra,
  };
  job.apply = () => {
    const at = store.now();
    const seen = new Set<string>();
    for (const v of valid) {
      const pointer = `/data/attributes/profiles/data/${v.index}`;
      const res = upsertProfile(store, { id: v.id, attributes: v.attributes, meta: v.meta }, at, pointer);
      if (!res.ok) {
        job.errors.push({
          id: store.ids.ulid(at),
          code: res.error.code,
          title: res.error.title,
          detail: res.error.detail,
          source: { pointer: res.error.source?.pointer ?? pointer },
          original: entries[v.index],
        });
        continue;
      }
      const pid = res.profile.id;
      if (!seen.has(pid)) {
        seen.add(pid);
        job.resultIds.push(pid);
      }
      for (const listId of job.listIds) if (store.lists.has(listId)) addListMember(store, listId, pid, at);
    }
    job.resultIds.sort();
  };
  store.addJob(job);
  return single(req, renderImportJob(store, req, job), 202);
}

// ---------------------------------------------------------------------------------------------
// Handlers

function profileOr404(store: EmulatorStore, id: string | undefined): ProfileRecord {
  const p = id ? store.profiles.get(id) : undefined;
  if (!p) throw notFound("profile", id ?? "");
  return p;
}

function checkProfileBody(req: EmuRequest): void {
  const bytes = bodyBytes(req);
  if (bytes > PROFILE_MAX_BYTES)
    throw payloadTooLarge(
      `The profile payload is ${bytes} bytes; the maximum is 100 KB (${PROFILE_MAX_BYTES} bytes).`,
    );
}

function bodyAttrs(req: EmuRequest): Record<string, unknown> {
  const a = bodyData(req).attributes;
  return isRecord(a) ? a : {};
}

function bodyMeta(req: EmuRequest): unknown {
  const data = (req.body as { data?: { meta?: unknown } } | undefined)?.data;
  return data?.meta;
}

export function profileHandlers(store: EmulatorStore): Record<string, Handler> {
  const profilesSort = (req: EmuRequest) => requestSort(req, { field: "id", desc: false });
  return {
    get_profiles: (req) => {
      const conds = normalizeConditions(requestFilter(req));
      const page = profilePage(store, req, conds, profilesSort(req), pageSize(req));
      if (!req.query.has("fields[profile]") && !req.query.has("additional-fields[profile]")) {
        // The default rendering is the hot path of every extract: serve cached JSON fragments.
        const links: Record<string, string> = { self: selfLink(req) };
        if (page.next) links.next = page.next;
        if (page.prev) links.prev = page.prev;
        const chunks: Buffer[] = [DATA_OPEN];
        page.rows.forEach((p, i) => {
          if (i > 0) chunks.push(COMMA);
          chunks.push(cachedProfileJson(store, req, p));
        });
        chunks.push(Buffer.from(`],"links":${JSON.stringify(links)}}`));
        return { status: 200, raw: chunks };
      }
      return collection(
        req,
        page.rows.map((p) => renderProfile(req, p, { relationships: PROFILE_RELS_CONV })),
        page,
      );
    },

    get_profile: (req) => {
      const p = profileOr404(store, req.params.id);
      const data: Record<string, Array<{ type: string; id: string }>> = {};
      const included: unknown[] = [];
      if (includes(req, "lists")) {
        const ids = listIdsOfProfile(store, p.id);
        data.lists = ids.map((id) => ({ type: "list", id }));
        for (const id of ids) {
          const row = store.lists.get(id);
          if (row) included.push(renderList(req, row));
        }
      }
      if (includes(req, "segments")) {
        const ids = segmentIdsOfProfile(store, p.id);
        data.segments = ids.map((id) => ({ type: "segment", id }));
        for (const id of ids) {
          const row = store.segments.get(id);
          if (row) included.push(renderSegment(req, row));
        }
      }
      if (includes(req, "push-tokens")) data["push-tokens"] = [];
      if (includes(req, "conversations")) data.conversations = [];
      return single(req, renderProfile(req, p, { relationships: PROFILE_RELS_CONV, data }), 200, included);
    },

    create_profile: (req) => {
      checkProfileBody(req);
      const attrs = bodyAttrs(req);
      const problem = profileAttributeProblem(attrs, "/data/attributes");
      if (problem) throw invalid(problem.detail, { pointer: problem.pointer });
      if (!hasIdentifier(attrs))
        throw invalid("A profile needs at least one identifier: email, phone_number or external_id.", {
          pointer: "/data/attributes",
        });
      const owner = conflictingOwner(store, attrs, undefined);
      if (owner) throw duplicateProfile(owner.id);
      const p = createProfileRecord(store, attrs, undefined, req.now);
      return single(req, renderProfile(req, p), 201);
    },

    update_profile: (req) => {
      checkProfileBody(req);
      const p = profileOr404(store, req.params.id);
      const data = bodyData(req);
      if (data.id !== p.id)
        throw invalid(
          `The body's data.id (${String(data.id)}) must match the profile id in the URL (${p.id}).`,
          {
            pointer: "/data/id",
          },
        );
      const attrs = bodyAttrs(req);
      const problem = profileAttributeProblem(attrs, "/data/attributes");
      if (problem) throw invalid(problem.detail, { pointer: problem.pointer });
      const owner = conflictingOwner(store, attrs, p);
      if (owner) throw duplicateProfile(owner.id);
      updateProfileRecord(store, p, attrs, bodyMeta(req), req.now);
      return single(req, renderProfile(req, p));
    },

    create_or_update_profile: (req) => {
      checkProfileBody(req);
      const data = bodyData(req);
      const res = upsertProfile(
        store,
        { id: data.id, attributes: bodyAttrs(req), meta: bodyMeta(req) },
        req.now,
      );
      if (!res.ok) throw res.error;
      return single(req, renderProfile(req, res.profile), res.created ? 201 : 200);
    },

    merge_profiles: (req) => {
      const data = bodyData(req);
      const dest = store.profiles.get(data.id ?? "");
      if (!dest)
        throw new ApiError(
          404,
          "not_found",
          "Not found.",
          `A profile with id ${data.id ?? ""} does not exist.`,
          {
            pointer: "/data/id",
          },
        );
      const rel = data.relationships?.profiles?.data;
      const sources = Array.isArray(rel) ? rel : [];
      if (sources.length !== 1)
        throw invalid(`Merge accepts exactly one source profile; got ${sources.length}.`, {
          pointer: "/data/relationships/profiles/data",
        });
      const srcRef = sources[0];
      const srcId = isRecord(srcRef) && typeof srcRef.id === "string" ? srcRef.id : "";
      const src = store.profiles.get(srcId);
      if (!src)
        throw new ApiError(404, "not_found", "Not found.", `A profile with id ${srcId} does not exist.`, {
          pointer: "/data/relationships/profiles/data/0/id",
        });
      if (src === dest)
        throw invalid("A profile cannot be merged into itself.", {
          pointer: "/data/relationships/profiles/data/0/id",
        });
      mergeInto(store, dest, src, req.now);
      const self = `${req.origin}/api/profiles/${encodeURIComponent(dest.id)}`;
      return single(req, { type: "profile", id: dest.id, links: { self } }, 201);
    },

    bulk_import_profiles: (req) => bulkImport(store, req),

    get_bulk_import_profiles_job: (req) => {
      const job = importJob(store, req.params.job_id ?? "");
      const included: unknown[] = [];
      if (includes(req, "lists"))
        for (const id of job.listIds) {
          const row = store.lists.get(id);
          if (row) included.push(renderList(req, row));
        }
      return single(req, renderImportJob(store, req, job), 200, included);
    },

    get_bulk_import_profiles_jobs: (req) => {
      const rows: Array<{ id: string; attributes: Record<string, unknown>; job: JobRecord }> = [];
      for (const job of store.jobs.values()) {
        if (job.type !== IMPORT_JOB) continue;
        rows.push({ id: job.id, attributes: { status: store.jobState(job), created_at: job.created }, job });
      }
      const page = paginateRows(req, rows, {
        get: (r, f) => (f === "id" ? r.id : r.attributes[f]),
      });
      return collection(
        req,
        page.rows.map((r) => renderImportJob(store, req, r.job)),
        page,
      );
    },

    get_errors_for_bulk_import_profiles_job: (req) => {
      const job = importJob(store, req.params.id ?? "");
      const visible = store.jobState(job) === "complete" ? job.errors : [];
      const page = keysetPage(req, visible, {
        sort: { field: "id", desc: false },
        size: pageSize(req),
        id: (e) => e.id,
        key: (e) => e.id,
      });
      return collection(
        req,
        page.rows.map((e) => ({
          type: "import-error",
          id: e.id,
          attributes: sparseAttributes(req, "import-error", {
            code: e.code,
            title: e.title,
            detail: e.detail,
            source: { pointer: e.source?.pointer ?? "/data" },
            original_payload: isRecord(e.original) ? e.original : null,
          }),
        })),
        page,
      );
    },

    get_profiles_for_bulk_import_profiles_job: (req) => {
      const job = importJob(store, req.params.id ?? "");
      store.jobState(job);
      const rows = job.resultIds.map((id) => store.profiles.get(id)).filter((p): p is ProfileRecord => !!p);
      const page = keysetPage(req, rows, {
        sort: { field: "id", desc: false },
        size: pageSize(req),
        id: (p) => p.id,
        key: (p) => p.id,
        ordered: true,
      });
      return collection(
        req,
        page.rows.map((p) => renderProfile(req, p)),
        page,
      );
    },

    get_profile_ids_for_bulk_import_profiles_job: (req) => {
      const job = importJob(store, req.params.id ?? "");
      store.jobState(job);
      const page = keysetPage(req, job.resultIds, {
        sort: { field: "id", desc: false },
        size: pageSize(req),
        id: (id) => id,
        key: (id) => id,
        accept: (id) => store.profiles.get(id) !== undefined,
        ordered: true,
      });
      return identifiers(req, "profile", page.rows, page);
    },

    get_list_for_bulk_import_profiles_job: (req) => {
      const job = importJob(store, req.params.id ?? "");
      const rows = job.listIds.map((id) => store.lists.get(id)).filter((r): r is ResourceRow => !!r);
      return collection(
        req,
        rows.map((r) => renderList(req, r)),
        {},
      );
    },

    get_list_ids_for_bulk_import_profiles_job: (req) => {
      const job = importJob(store, req.params.id ?? "");
      return identifiers(
        req,
        "list",
        job.listIds.filter((id) => store.lists.has(id)),
      );
    },
  };
}

/**
 * Merges `src` into `dest` and deletes `src`: the destination keeps its own values, empty fields
 * are filled from the source, properties are combined (destination wins), memberships move over,
 * and the source's consent is taken where the destination never gave any.
 */
function mergeInto(store: EmulatorStore, dest: ProfileRecord, src: ProfileRecord, now: number): void {
  const fill: Record<string, unknown> = {};
  for (const f of STRING_FIELDS) if (dest[f] === null && src[f] !== null) fill[f] = src[f];
  const properties = { ...src.properties, ...dest.properties };
  const location = dest.location ?? src.location;
  const srcSubs = src.subscriptions;
  for (const members of [...store.listMembers.values(), ...store.segmentMembers.values()]) {
    const joined = members.get(src.id);
    if (joined !== undefined && !members.has(dest.id)) members.set(dest.id, joined);
  }
  deleteProfile(store, src);
  store.profiles.mutate(dest, (p) => {
    applyAttributes(p, fill, undefined);
    p.properties = properties;
    p.location = location;
    if (p.subscriptions.email.consent === "NEVER_SUBSCRIBED") {
      p.subscriptions.email = { ...srcSubs.email, listSuppressions: [...srcSubs.email.listSuppressions] };
    }
    if (p.subscriptions.sms.consent === "NEVER_SUBSCRIBED") p.subscriptions.sms = { ...srcSubs.sms };
    if (src.created < p.created) p.created = src.created;
    if ((src.last_event_date ?? 0) > (p.last_event_date ?? 0)) p.last_event_date = src.last_event_date;
  });
  dest.updated = Math.max(now, dest.updated);
}
