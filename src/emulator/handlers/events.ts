/**
 * Events: create (one, or in bulk grouped per profile), read with filters, sorts and keyset
 * pagination, and the event's metric and profile.
 *
 * Behaviour reproduced from Klaviyo:
 *  - the metric is created on first use of its name; the profile is found by id, email, phone
 *    number, external id or anonymous id, or created;
 *  - `time` is truncated to the second and must lie after 2000-01-01 and at most a year ahead;
 *  - `unique_id` repeated for the same profile and metric keeps only the first event (still 202);
 *    without one, an event at the same second for the same profile and metric is a duplicate;
 *  - in a bulk job a `unique_id` repeated for the same profile and metric within the request fails
 *    the whole request (400) and nothing is stored;
 *  - limits: 400 properties, 100 KB per string, 4,000 items per array, 10 levels of nesting,
 *    5 MB per payload, 1,000 events per bulk request.
 *
 * `GET /api/events` sorts by `datetime` ascending when no `sort` is given (`timestamp` orders the
 * same way); ties are broken by id, and the cursor is the last (datetime, id) returned, so a walk
 * sees every event that existed when it started exactly once. Datetime and timestamp filters
 * become scan bounds; metric and profile filters are checked on the cheap event views, so reads
 * stay fast with millions of seeded events.
 */
import { hash } from "node:crypto";
import type { FilterCondition, FilterScalar } from "../../filter/types.js";
import {
  additionalField,
  cursorLinks,
  decodeCursor,
  includes,
  pageSize,
  requestFilter,
  requestSort,
  scanSort,
  sparseAttributes,
} from "../jsonapi.js";
import { accepted, collection, isoOrNull, type Resource, renderRow, single } from "../render.js";
import type { EventRecord } from "../store/events.js";
import { iso } from "../store/ids.js";
import { defaultSubscriptions, type ProfileRecord } from "../store/profiles.js";
import type { EmulatorStore, ResourceRow } from "../store/store.js";
import { ApiError, type EmuRequest, type Handler, invalid, notFound } from "../types.js";

const COMMA = Buffer.from(",");
const DATA_OPEN = Buffer.from('{"data":[');

const MAX_PROPERTIES = 400;
const MAX_STRING_BYTES = 100 * 1024;
const MAX_ARRAY_ITEMS = 4000;
const MAX_DEPTH = 10;
const MAX_PAYLOAD_BYTES = 5 * 1024 * 1024;
const MAX_BULK_EVENTS = 1000;
const MIN_TIME = Date.UTC(2000, 0, 1);
const YEAR_MS = 365 * 24 * 3600 * 1000;

type Json = Record<string, unknown>;

interface ProfileInput {
  id?: string | null;
  attributes?: Json;
}

interface EventInput {
  properties: Json;
  time?: string | null;
  value?: number | null;
  value_currency?: string | null;
  unique_id?: string | null;
  metric: { data: { attributes: { name: string } } };
}

/** A validated event ready to be stored (profile not yet resolved). */
interface PreparedEvent {
  metricName: string;
  datetime: number;
  value: number | null;
  valueCurrency: string | null;
  uniqueId: string | null;
  properties: Json;
}

const IDENTIFIERS = ["email", "phone_number", "external_id", "anonymous_id"] as const;
const PROFILE_STRINGS = [
  "first_name",
  "last_name",
  "organization",
  "locale",
  "title",
  "image",
] as const satisfies ReadonlyArray<keyof ProfileRecord>;

/** ISO 8601 as Klaviyo reads it: without an offset the time is UTC. */
export function parseEventTime(raw: string): number {
  const s = raw.trim();
  const hasZone = /(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/.test(s) && /T/.test(s);
  return Date.parse(hasZone || !/T/.test(s) ? s : `${s}Z`);
}

function byteLength(s: string): number {
  return s.length * 3 <= MAX_STRING_BYTES ? s.length : Buffer.byteLength(s, "utf8");
}

/** Checks Klaviyo's property limits; throws a 400 naming the offending member. */
function checkProperties(props: Json, pointer: string): void {
  const keys = Object.keys(props);
  if (keys.length > MAX_PROPERTIES) {
    throw invalid(`An event can have at most ${MAX_PROPERTIES} properties; this one has ${keys.length}.`, {
      pointer,
    });
  }
  const walk = (v: unknown, at: string, depth: number): void => {
    if (typeof v === "string") {
      if (byteLength(v) > MAX_STRING_BYTES)
        throw invalid("A string in the event payload is larger than 100 KB.", { pointer: at });
      return;
    }
    if (v === null || typeof v !== "object") return;
    if (depth > MAX_DEPTH)
      throw invalid(`Event properties can be nested at most ${MAX_DEPTH} levels deep.`, { pointer: at });
    if (Array.isArray(v)) {
      if (v.length > MAX_ARRAY_ITEMS)
        throw invalid(`An array in the event properties has more than ${MAX_ARRAY_ITEMS} items.`, {
          pointer: at,
        });
      v.forEach((item, i) => {
        walk(item, `${at}/${i}`, depth + 1);
      });
      return;
    }
    for (const [k, item] of Object.entries(v as Json))
      walk(item, `${at}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`, depth + 1);
  };
  for (const [k, v] of Object.entries(props))
    walk(v, `${pointer}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`, 1);
}

/** Validates one event of a request (`at` = JSON pointer of its `attributes`). */
function prepareEvent(attrs: EventInput, at: string, now: number): PreparedEvent {
  const name = attrs.metric?.data?.attributes?.name;
  if (typeof name !== "string" || name.trim() === "")
    throw invalid("The metric name is required.", { pointer: `${at}/metric/data/attributes/name` });
  if (name.length >= 128)
    throw invalid("The metric name must be less than 128 characters.", {
      pointer: `${at}/metric/data/attributes/name`,
    });
  let datetime = now;
  if (attrs.time !== undefined && attrs.time !== null) {
    const t = parseEventTime(attrs.time);
    if (Number.isNaN(t))
      throw invalid(`"${attrs.time}" is not an ISO 8601 date-time.`, { pointer: `${at}/time` });
    datetime = t;
  }
  datetime = Math.floor(datetime / 1000) * 1000;
  if (datetime < MIN_TIME)
    throw invalid("The event time must be after the year 2000.", { pointer: `${at}/time` });
  if (datetime > now + YEAR_MS)
    throw invalid("The event time can be at most one year in the future.", { pointer: `${at}/time` });
  const properties = attrs.properties ?? {};
  checkProperties(properties, `${at}/properties`);
  const uniqueId = attrs.unique_id ?? null;
  if (uniqueId !== null && byteLength(uniqueId) > MAX_STRING_BYTES)
    throw invalid("unique_id is larger than 100 KB.", { pointer: `${at}/unique_id` });
  return {
    metricName: name,
    datetime,
    value: typeof attrs.value === "number" ? attrs.value : null,
    valueCurrency: attrs.value_currency ?? null,
    uniqueId: uniqueId === "" ? null : uniqueId,
    properties,
  };
}

/** Request body size: its Content-Length when sent (re-serialising a 1,000-event body costs ms). */
function payloadBytes(req: EmuRequest): number {
  const header = Number(req.headers["content-length"]);
  if (Number.isFinite(header) && header > 0) return header;
  return Buffer.byteLength(JSON.stringify(req.body ?? null), "utf8");
}

/** A stable UUID-shaped string derived from a seed string. */
export function uuidFrom(seed: string): string {
  const h = hash("sha1", seed, "hex");
  const variant = ((Number.parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function str(v: unknown): string | null {
  return typeof v === "string" && v !== "" ? v : null;
}

/** Renders a profile record as a JSON:API `profile` resource (for `include=profile` and related reads). */
export function renderProfile(req: EmuRequest, p: ProfileRecord): Resource {
  const loc = p.location ?? {};
  const attributes: Json = {
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
    location: {
      address1: loc.address1 ?? null,
      address2: loc.address2 ?? null,
      city: loc.city ?? null,
      country: loc.country ?? null,
      latitude: loc.latitude ?? null,
      longitude: loc.longitude ?? null,
      region: loc.region ?? null,
      zip: loc.zip ?? null,
      timezone: loc.timezone ?? null,
      ip: loc.ip ?? null,
    },
    properties: p.properties,
  };
  if (additionalField(req, "profile", "subscriptions")) {
    const s = p.subscriptions;
    attributes.subscriptions = {
      email: {
        marketing: {
          can_receive_email_marketing: s.email.consent === "SUBSCRIBED" && s.email.suppression === null,
          consent: s.email.consent,
          consent_timestamp: isoOrNull(s.email.consentAt),
          last_updated: isoOrNull(s.email.consentAt),
          method: s.email.method,
          method_detail: s.email.methodDetail,
          custom_method_detail: null,
          double_optin: null,
          suppression: s.email.suppression
            ? [{ reason: s.email.suppression.reason, timestamp: iso(s.email.suppression.timestamp) }]
            : [],
          list_suppressions: s.email.listSuppressions.map((l) => ({
            list_id: l.listId,
            reason: l.reason,
            timestamp: iso(l.timestamp),
          })),
        },
      },
      sms: {
        marketing: {
          can_receive_sms_marketing: s.sms.consent === "SUBSCRIBED",
          consent: s.sms.consent,
          consent_timestamp: isoOrNull(s.sms.consentAt),
          method: s.sms.method,
          method_detail: null,
          last_updated: isoOrNull(s.sms.consentAt),
        },
        transactional: {
          can_receive_sms_transactional: s.sms.transactional === "SUBSCRIBED",
          consent: s.sms.transactional,
          consent_timestamp: null,
          method: null,
          method_detail: null,
          last_updated: null,
        },
      },
    };
  }
  if (additionalField(req, "profile", "predictive_analytics")) {
    attributes.predictive_analytics = p.predictive ?? {
      historic_clv: null,
      predicted_clv: null,
      total_clv: null,
      historic_number_of_orders: null,
      predicted_number_of_orders: null,
      average_days_between_orders: null,
      average_order_value: null,
      churn_probability: null,
      expected_date_of_next_order: null,
      ranked_channel_affinity: null,
    };
  }
  return {
    type: "profile",
    id: p.id,
    attributes: sparseAttributes(req, "profile", attributes),
    links: { self: `${req.origin}/api/profiles/${encodeURIComponent(p.id)}` },
  };
}

const METRIC = { path: "/api/metrics" };

/** Bounds and predicates a `get_events` filter turns into. */
interface EventQuery {
  from: number;
  to: number;
  metricIds?: Set<string>;
  profileId?: string;
}

function literalMs(v: FilterScalar): number {
  if (v.kind === "datetime") return v.epochMs;
  if (v.kind === "string") return parseEventTime(v.value);
  if (v.kind === "number") return v.value;
  return Number.NaN;
}

function eventQuery(conds: readonly FilterCondition[]): EventQuery {
  const q: EventQuery = { from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY };
  const lower = (ms: number) => {
    q.from = Math.max(q.from, ms);
  };
  const upper = (ms: number) => {
    q.to = Math.min(q.to, ms);
  };
  for (const c of conds) {
    const v = c.value;
    if (c.field === "metric_id" && c.operator === "equals") {
      const ids = v.kind === "list" ? v.items : v.kind === "none" ? [] : [v];
      const set = new Set(ids.map((i) => (i.kind === "string" ? i.value : String(scalarText(i)))));
      q.metricIds = q.metricIds ? new Set([...q.metricIds].filter((id) => set.has(id))) : set;
    } else if (
      c.field === "profile_id" &&
      c.operator === "equals" &&
      v.kind !== "list" &&
      v.kind !== "none"
    ) {
      const id = String(scalarText(v));
      if (q.profileId !== undefined && q.profileId !== id) q.to = Number.NEGATIVE_INFINITY;
      q.profileId = id;
    } else if (c.field === "datetime" && v.kind !== "list" && v.kind !== "none") {
      const ms = literalMs(v);
      if (Number.isNaN(ms)) throw invalid("The datetime filter needs a date-time.", { parameter: "filter" });
      // Stored datetimes are whole milliseconds.
      if (c.operator === "greater-than") lower(Math.floor(ms) + 1);
      else if (c.operator === "greater-or-equal") lower(Math.ceil(ms));
      else if (c.operator === "less-than") upper(Math.ceil(ms));
      else if (c.operator === "less-or-equal") upper(Math.floor(ms) + 1);
    } else if (c.field === "timestamp" && v.kind === "number") {
      // timestamp = floor(datetime / 1000), in seconds.
      const t = v.value;
      if (c.operator === "greater-than") lower((Math.floor(t) + 1) * 1000);
      else if (c.operator === "greater-or-equal") lower(Math.ceil(t) * 1000);
      else if (c.operator === "less-than") upper(Math.ceil(t) * 1000);
      else if (c.operator === "less-or-equal") upper((Math.floor(t) + 1) * 1000);
    }
    // has(profile) / has(metric): every event has both.
  }
  return q;
}

function scalarText(s: FilterScalar): string | number | boolean | null {
  switch (s.kind) {
    case "string":
    case "number":
    case "boolean":
      return s.value;
    case "null":
      return null;
    case "datetime":
      return s.raw;
  }
}

export function eventHandlers(store: EmulatorStore): Record<string, Handler> {
  /** anonymous_id → profile id (profiles are not indexed by anonymous id). */
  const anonymous = new Map<string, string>();

  const eventResource = (req: EmuRequest, e: EventRecord): Resource => {
    const self = `${req.origin}/api/events/${encodeURIComponent(e.id)}`;
    const props: Json =
      e.value !== null && !("$value" in e.properties) ? { ...e.properties, $value: e.value } : e.properties;
    return {
      type: "event",
      id: e.id,
      attributes: sparseAttributes(req, "event", {
        timestamp: Math.floor(e.datetime / 1000),
        event_properties: props,
        datetime: iso(e.datetime),
        uuid: uuidFrom(`event:${e.id}`),
      }),
      relationships: {
        profile: {
          data: { type: "profile", id: e.profileId },
          links: { self: `${self}/relationships/profile`, related: `${self}/profile` },
        },
        metric: {
          data: { type: "metric", id: e.metricId },
          links: { self: `${self}/relationships/metric`, related: `${self}/metric` },
        },
        attributions: {
          links: { self: `${self}/relationships/attributions`, related: `${self}/attributions` },
        },
      },
      links: { self },
    };
  };

  /** What `eventResource` renders, as JSON text (`origin` already escaped for a JSON string). */
  const eventJson = (origin: string, e: EventRecord): string => {
    const self = `${origin}/api/events/${encodeURIComponent(e.id)}`;
    const props: Json =
      e.value !== null && !("$value" in e.properties) ? { ...e.properties, $value: e.value } : e.properties;
    return `{"type":"event","id":${JSON.stringify(e.id)},"attributes":{"timestamp":${Math.floor(e.datetime / 1000)},"event_properties":${JSON.stringify(props)},"datetime":"${iso(e.datetime)}","uuid":"${uuidFrom(`event:${e.id}`)}"},"relationships":{"profile":{"data":{"type":"profile","id":${JSON.stringify(e.profileId)}},"links":{"self":"${self}/relationships/profile","related":"${self}/profile"}},"metric":{"data":{"type":"metric","id":${JSON.stringify(e.metricId)}},"links":{"self":"${self}/relationships/metric","related":"${self}/metric"}},"attributions":{"links":{"self":"${self}/relationships/attributions","related":"${self}/attributions"}}},"links":{"self":"${self}"}}`;
  };

  const includedFor = (req: EmuRequest, events: readonly EventRecord[]): unknown[] => {
    const out: unknown[] = [];
    if (includes(req, "metric")) {
      const seen = new Set<string>();
      for (const e of events) {
        if (seen.has(e.metricId)) continue;
        seen.add(e.metricId);
        const m = store.metrics.get(e.metricId);
        if (m) out.push(renderRow(req, "metric", m, METRIC));
      }
    }
    if (includes(req, "profile")) {
      const seen = new Set<string>();
      for (const e of events) {
        if (seen.has(e.profileId)) continue;
        seen.add(e.profileId);
        const p = store.profiles.get(e.profileId);
        if (p) out.push(renderProfile(req, p));
      }
    }
    return out;
  };

  const getEvent = (req: EmuRequest): EventRecord => {
    const id = req.params.id ?? "";
    const e = store.events.get(id);
    if (!e) throw notFound("event", id);
    return e;
  };

  /** Finds the profile the identifiers point to; undefined when it has to be created. */
  const findProfile = (p: ProfileInput): ProfileRecord | undefined => {
    const a = p.attributes ?? {};
    if (p.id) {
      const byId = store.profiles.get(p.id);
      if (byId) return byId;
    }
    const found = store.profiles.findByIdentifiers({
      email: str(a.email),
      phone_number: str(a.phone_number),
      external_id: str(a.external_id),
    });
    if (found) return found;
    const anon = str(a.anonymous_id);
    if (anon) {
      const id = anonymous.get(anon);
      const byAnon = id ? store.profiles.get(id) : undefined;
      if (byAnon) return byAnon;
    }
    return undefined;
  };

  const checkProfileInput = (p: ProfileInput, at: string): void => {
    const a = p.attributes ?? {};
    if (!p.id && !IDENTIFIERS.some((k) => str(a[k]) !== null)) {
      throw invalid(
        "The profile needs at least one identifier: id, email, phone_number, external_id or anonymous_id.",
        { pointer: `${at}/attributes` },
      );
    }
    const email = str(a.email);
    if (email !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
      throw invalid(`"${email}" is not a valid email address.`, { pointer: `${at}/attributes/email` });
    const phone = str(a.phone_number);
    if (phone !== null && !/^\+[1-9]\d{6,14}$/.test(phone))
      throw invalid(`"${phone}" is not a phone number in E.164 format (e.g. +12345678901).`, {
        pointer: `${at}/attributes/phone_number`,
      });
    if (p.id && !store.profiles.get(p.id) && !IDENTIFIERS.some((k) => str(a[k]) !== null))
      throw invalid(`A profile with id ${p.id} does not exist.`, { pointer: `${at}/id` });
  };

  /** Finds or creates the profile and applies the attributes sent with the event. */
  const upsertProfile = (p: ProfileInput, now: number): ProfileRecord => {
    const a = p.attributes ?? {};
    const existing = findProfile(p);
    if (existing) {
      store.profiles.mutate(existing, (rec) => {
        for (const k of ["email", "phone_number", "external_id"] as const) {
          const v = str(a[k]);
          if (v === null || rec[k] !== null) continue;
          const owner = store.profiles.findByIdentifiers({ [k]: v });
          if (!owner) rec[k] = v;
        }
        for (const k of PROFILE_STRINGS) {
          const v = str(a[k]);
          if (v !== null) rec[k] = v;
        }
        if (a.properties && typeof a.properties === "object")
          rec.properties = { ...rec.properties, ...(a.properties as Json) };
        if (a.location && typeof a.location === "object")
          rec.location = { ...(rec.location ?? {}), ...(a.location as Json) };
        rec.updated = now;
      });
      const anon = str(a.anonymous_id);
      if (anon) anonymous.set(anon, existing.id);
      return existing;
    }
    const rec: ProfileRecord = {
      id: store.ids.ulid(now),
      email: str(a.email),
      phone_number: str(a.phone_number),
      external_id: str(a.external_id),
      anonymous_id: str(a.anonymous_id),
      first_name: str(a.first_name),
      last_name: str(a.last_name),
      organization: str(a.organization),
      locale: str(a.locale),
      title: str(a.title),
      image: str(a.image),
      created: now,
      updated: now,
      last_event_date: null,
      location: a.location && typeof a.location === "object" ? (a.location as Json) : null,
      properties: a.properties && typeof a.properties === "object" ? { ...(a.properties as Json) } : {},
      subscriptions: defaultSubscriptions(),
    };
    store.profiles.insert(rec);
    store.counters.profilesCreated++;
    if (rec.anonymous_id) anonymous.set(rec.anonymous_id, rec.id);
    return rec;
  };

  /** Whether an equivalent event is already stored (same unique id, or same second without one). */
  const isDuplicate = (profileId: string, metricId: string, e: PreparedEvent): boolean => {
    if (e.uniqueId !== null) return store.events.duplicateOf(profileId, metricId, e.uniqueId) !== undefined;
    for (const other of store.events.scan(
      { from: e.datetime, to: e.datetime + 1000 },
      (v) => v.profileId === profileId && v.metricId === metricId,
    )) {
      if (other.uniqueId === null) return true;
    }
    return false;
  };

  /** Stores one event unless it duplicates one already stored. */
  const record = (profile: ProfileRecord, e: PreparedEvent, now: number): void => {
    const metric = store.metricByName(e.metricName);
    if (isDuplicate(profile.id, metric.id, e)) {
      store.counters.eventsDeduplicated++;
      return;
    }
    store.events.add({
      id: store.ids.ulid(now),
      metricId: metric.id,
      profileId: profile.id,
      datetime: e.datetime,
      value: e.value,
      valueCurrency: e.valueCurrency,
      properties: e.properties,
      uniqueId: e.uniqueId,
      received: now,
    });
    store.counters.eventsCreated++;
    if (profile.last_event_date === null || profile.last_event_date < e.datetime)
      profile.last_event_date = e.datetime;
  };

  const oneRelated = (
    req: EmuRequest,
    type: "metric" | "profile",
  ): ResourceRow | ProfileRecord | undefined => {
    const e = getEvent(req);
    return type === "metric" ? store.metrics.get(e.metricId) : store.profiles.get(e.profileId);
  };

  return {
    create_event: (req) => {
      if (payloadBytes(req) > MAX_PAYLOAD_BYTES)
        throw invalid("The event payload is larger than 5 MB.", { pointer: "/data" });
      const attrs = (req.body as { data: { attributes: EventInput & { profile: { data: ProfileInput } } } })
        .data.attributes;
      const prepared = prepareEvent(attrs, "/data/attributes", req.now);
      const profileInput = attrs.profile.data;
      checkProfileInput(profileInput, "/data/attributes/profile/data");
      const profile = upsertProfile(profileInput, req.now);
      record(profile, prepared, req.now);
      return accepted;
    },

    bulk_create_events: (req) => {
      const base = "/data/attributes/events-bulk-create/data";
      if (payloadBytes(req) > MAX_PAYLOAD_BYTES)
        throw invalid("The payload is larger than 5 MB.", { pointer: "/data" });
      const groups = (
        req.body as {
          data: {
            attributes: {
              "events-bulk-create": {
                data: Array<{
                  attributes: {
                    profile: { data: ProfileInput };
                    events: { data: Array<{ attributes: EventInput }> };
                  };
                }>;
              };
            };
          };
        }
      ).data.attributes["events-bulk-create"].data;
      const total = groups.reduce((n, g) => n + g.attributes.events.data.length, 0);
      if (total > MAX_BULK_EVENTS)
        throw invalid(`A bulk create job accepts at most ${MAX_BULK_EVENTS} events; this one has ${total}.`, {
          pointer: base,
        });
      // Validate everything first: a failing request stores nothing.
      const seen = new Set<string>();
      const plan = groups.map((g, gi) => {
        const at = `${base}/${gi}/attributes`;
        const profileInput = g.attributes.profile.data;
        checkProfileInput(profileInput, `${at}/profile/data`);
        const existing = findProfile(profileInput);
        const a = profileInput.attributes ?? {};
        const profileKey =
          existing?.id ??
          IDENTIFIERS.map((k) => (str(a[k]) ? `${k}:${String(a[k]).toLowerCase()}` : "")).find(
            (s) => s !== "",
          ) ??
          `id:${profileInput.id}`;
        const events = g.attributes.events.data.map((ev, ei) => {
          const eat = `${at}/events/data/${ei}/attributes`;
          const prepared = prepareEvent(ev.attributes, eat, req.now);
          if (prepared.uniqueId !== null) {
            const key = `${profileKey}\u0000${prepared.metricName}\u0000${prepared.uniqueId}`;
            if (seen.has(key)) {
              throw invalid(
                `unique_id "${prepared.uniqueId}" is repeated for the same profile and metric; the request was not processed.`,
                { pointer: `${eat}/unique_id` },
              );
            }
            seen.add(key);
          }
          return prepared;
        });
        return { profileInput, events };
      });
      for (const g of plan) {
        const profile = upsertProfile(g.profileInput, req.now);
        for (const e of g.events) record(profile, e, req.now);
      }
      return accepted;
    },

    get_events: (req) => {
      const q = eventQuery(requestFilter(req));
      const sort = requestSort(req, { field: "datetime", desc: false });
      const size = pageSize(req, 200);
      const cursor = decodeCursor(req.query.get("page[cursor]"), sort);
      // A `prev` cursor scans backwards from its boundary; the page is put back in order below.
      const direction = scanSort(sort, cursor);
      let after: { datetime: number; id: string } | undefined;
      if (cursor) {
        if (typeof cursor.k !== "number")
          throw new ApiError(
            400,
            "invalid",
            "Invalid cursor.",
            "page[cursor] is not a cursor this API issued.",
            {
              parameter: "page[cursor]",
            },
          );
        after = { datetime: cursor.k, id: cursor.i };
      }
      const rows: EventRecord[] = [];
      if (q.from < q.to && (q.metricIds === undefined || q.metricIds.size > 0)) {
        const { metricIds, profileId } = q;
        const accept =
          metricIds === undefined && profileId === undefined
            ? () => true
            : (v: { metricId: string; profileId: string }) =>
                (metricIds === undefined || metricIds.has(v.metricId)) &&
                (profileId === undefined || v.profileId === profileId);
        const scan = store.events.scan(
          {
            ...(Number.isFinite(q.from) ? { from: q.from } : {}),
            ...(Number.isFinite(q.to) ? { to: q.to } : {}),
            desc: direction.desc,
            ...(after ? { after } : {}),
          },
          accept,
        );
        for (const e of scan) {
          rows.push(e);
          if (rows.length > size) break;
        }
      }
      const page = rows.slice(0, size);
      if (cursor?.d === "prev") page.reverse();
      const links = cursorLinks(
        req,
        sort,
        page,
        (e) => ({ k: e.datetime, i: e.id }),
        rows.length > size,
        cursor,
      );
      // The common read (no sparse fieldset, no include) is written straight to JSON text: an
      // extract reads a million events, and building then serialising objects cost twice as much.
      // Seeded events never change: their text is cached (bounded) and written as it is.
      if (!req.query.has("fields[event]") && !req.query.has("include")) {
        const origin = JSON.stringify(req.origin).slice(1, -1);
        const render = (e: EventRecord) => eventJson(origin, e);
        const body = collection(req, [], links).body as Record<string, unknown>;
        delete body.data;
        const chunks: Buffer[] = [DATA_OPEN];
        page.forEach((e, i) => {
          if (i > 0) chunks.push(COMMA);
          chunks.push(store.events.renderedJson(e, req.origin, render));
        });
        chunks.push(Buffer.from(`],${JSON.stringify(body).slice(1)}`));
        return { status: 200, raw: chunks };
      }
      return collection(
        req,
        page.map((e) => eventResource(req, e)),
        links,
        includedFor(req, page),
      );
    },

    get_event: (req) => {
      const e = getEvent(req);
      return single(req, eventResource(req, e), 200, includedFor(req, [e]));
    },

    get_metric_for_event: (req) => {
      const m = oneRelated(req, "metric") as ResourceRow | undefined;
      return single(req, m ? renderRow(req, "metric", m, METRIC) : null);
    },

    get_metric_id_for_event: (req) => {
      const e = getEvent(req);
      return single(req, { type: "metric", id: e.metricId });
    },

    get_profile_for_event: (req) => {
      const p = oneRelated(req, "profile") as ProfileRecord | undefined;
      return single(req, p ? renderProfile(req, p) : null);
    },

    get_profile_id_for_event: (req) => {
      const e = getEvent(req);
      return single(req, { type: "profile", id: e.profileId });
    },
  };
}
