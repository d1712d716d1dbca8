/**
 * Event tracking shared by the `events` and `order_completed` actions: a row becomes one or more
 * events ("units"), units are packed into `POST /api/event-bulk-create-jobs` bodies grouped per
 * profile (≤ 1,000 events, ≤ 5 MB), and a refused request is narrowed down to its bad rows.
 *
 * unique_id: `derive` (default) hashes the sync name and the row's primary key, so a replay of
 * the same rows is deduplicated by Klaviyo instead of counted twice; `column:<name>` reads a model
 * column; a mapped `unique_id` field overrides `derive`.
 *
 * A unique_id repeated for the same profile and metric fails a whole bulk request. Two rows of one
 * run with the same profile, metric and unique_id describe the same event: the later row is
 * marked invalid ("duplicate unique_id in this run"), because sending it separately would be
 * silently dropped by Klaviyo while we reported it succeeded. Events that share metric and
 * unique_id but not the profile go to separate requests (Klaviyo may resolve two identifier
 * sets to one profile, which would fail the request).
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { BodyOf } from "../../../client/typed.js";
import type { ActionContext, LoadRow, MappedFields, RowOutcome } from "../../types.js";
import {
  type Check,
  checkCurrency,
  checkEventTime,
  checkNumber,
  checkString,
  isBlank,
  preview,
} from "../../validate.js";
import {
  batchRows,
  bisect,
  errorPointers,
  identifierAttributes,
  isCountryOption,
  pointerIndex,
  profileAttributes,
  type Sized,
} from "../shared.js";

type BulkBody = BodyOf<"bulk_create_events">;
type BulkGroup = BulkBody["data"]["attributes"]["events-bulk-create"]["data"][number];
export type EventProfile = BulkGroup["attributes"]["profile"]["data"];
export type EventPayload = BulkGroup["attributes"]["events"]["data"][number];

export const MAX_EVENTS_PER_REQUEST = 1000;
export const MAX_EVENT_REQUEST_BYTES = 5 * 1024 * 1024;
const GROUPS_POINTER = "/data/attributes/events-bulk-create/data";

export const EVENT_LIMITS = {
  maxRows: MAX_EVENTS_PER_REQUEST,
  maxBytes: MAX_EVENT_REQUEST_BYTES,
  maxRowBytes: MAX_EVENT_REQUEST_BYTES - 64 * 1024,
} as const;

/** Options every tracking action has. */
export const trackOptionShape = {
  backfill: z.boolean().default(false),
  unique_id: z
    .string()
    .trim()
    .regex(/^(?:derive|column:.+)$/, 'use "derive" or "column:<model column>"')
    .default("derive"),
  default_country: z
    .string()
    .trim()
    .toUpperCase()
    .refine(isCountryOption, "not an ISO 3166-1 alpha-2 country code libphonenumber knows (like US, GB, DE)")
    .optional(),
};

export interface TrackOptions {
  backfill: boolean;
  unique_id: string;
  default_country?: string | undefined;
}

/** One event to send. */
export interface EventSpec {
  metric: string;
  profile: EventProfile;
  attributes: {
    properties: Record<string, unknown>;
    time?: string;
    value?: number;
    value_currency?: string;
    unique_id: string;
  };
}

/** The events one row becomes; they succeed or fail together. */
export interface EventUnit {
  key: string;
  row: LoadRow;
  events: EventSpec[];
}

// ---------------------------------------------------------------------------------------------
// Row → event parts

/** The unique_id `derive` gives a row: a hash of the sync name and the primary key. */
export function deriveUniqueId(sync: string, key: string): string {
  return createHash("sha256").update(`${sync}\u001f${key}`).digest("hex").slice(0, 40);
}

/** Checks that a row has what its unique_id needs (`column:<name>` reads the model column). */
export function checkUniqueIdSource(row: LoadRow, o: TrackOptions): string | undefined {
  if (o.unique_id.startsWith("column:")) {
    const col = o.unique_id.slice("column:".length);
    const v = row.source[col];
    if (isBlank(v)) return `unique_id column ${JSON.stringify(col)} is empty`;
    const r = checkString(v, `unique_id column ${JSON.stringify(col)}`);
    return "error" in r ? r.error : undefined;
  }
  if (!isBlank(row.fields.unique_id)) {
    const r = checkString(row.fields.unique_id, "unique_id");
    return "error" in r ? r.error : undefined;
  }
  return undefined;
}

/** The row's unique_id (after `checkUniqueIdSource`). */
export function uniqueIdOf(row: LoadRow, o: TrackOptions, sync: string): string {
  if (o.unique_id.startsWith("column:")) return String(row.source[o.unique_id.slice("column:".length)]);
  if (!isBlank(row.fields.unique_id)) return String(row.fields.unique_id);
  return deriveUniqueId(sync, row.key);
}

/** The event's profile: identifiers plus `profile.*` attributes (nulls left out). */
export function eventProfile(fields: MappedFields): Check<EventProfile> {
  const rest = profileAttributes(fields, "profile.", "skip");
  if ("error" in rest) return rest;
  const id = isBlank(fields.id) ? undefined : String(fields.id);
  const attributes = { ...identifierAttributes(fields), ...rest.ok } as EventProfile["attributes"];
  return { ok: { type: "profile", ...(id === undefined ? {} : { id }), attributes } };
}

/**
 * Checks and normalises `time`, `value` and `value_currency` in place (time → ISO truncated to
 * the second, currency upper case).
 */
export function normalizeEventScalars(fields: MappedFields, now: number): string | undefined {
  if (!isBlank(fields.time)) {
    const r = checkEventTime(fields.time, now, "time");
    if ("error" in r) return r.error;
    fields.time = r.ok;
  }
  if (!isBlank(fields.value)) {
    const r = checkNumber(fields.value, "value");
    if ("error" in r) return r.error;
    fields.value = r.ok;
  }
  if (!isBlank(fields.value_currency)) {
    const r = checkCurrency(fields.value_currency, "value_currency");
    if ("error" in r) return r.error;
    fields.value_currency = r.ok;
  }
  return undefined;
}

/** Checks a metric name: text, not blank, under 128 characters. */
export function checkMetricName(value: unknown, where: string): Check<string> {
  if (isBlank(value)) return { error: `${where} is empty: the event needs a metric name` };
  const r = checkString(value, where);
  if ("error" in r) return r;
  const name = r.ok.trim();
  if (name.length >= 128)
    return { error: `${where} ${preview(name)} is too long: metric names have under 128 characters` };
  return { ok: name };
}

/** `time`, `value`, `value_currency` of the (normalised) fields, for an event's attributes. */
export function scalarAttributes(
  fields: MappedFields,
): Pick<EventSpec["attributes"], "time" | "value" | "value_currency"> {
  return {
    ...(isBlank(fields.time) ? {} : { time: String(fields.time) }),
    ...(typeof fields.value === "number" ? { value: fields.value } : {}),
    ...(isBlank(fields.value_currency) ? {} : { value_currency: String(fields.value_currency) }),
  };
}

// ---------------------------------------------------------------------------------------------
// Requests

function eventPayload(e: EventSpec, backfill: boolean): EventPayload {
  return {
    type: "event",
    attributes: {
      ...e.attributes,
      ...(backfill ? { backfill: true } : {}),
      metric: { data: { type: "metric", attributes: { name: e.metric } } },
    },
  };
}

/** The payload a unit contributes, for sizing and the reject report (as if in a group of its own). */
function unitPayload(u: EventUnit, backfill: boolean): BulkGroup[] {
  return u.events.map((e) => ({
    type: "event-bulk-create",
    attributes: {
      profile: { data: e.profile },
      events: { data: [eventPayload(e, backfill)] },
      ...(backfill ? { backfill: true } : {}),
    },
  }));
}

/** The request body for some units, grouped per profile, and which unit owns each event. */
function layout(
  units: readonly Sized<EventUnit, unknown>[],
  backfill: boolean,
): { body: BulkBody; owners: number[][] } {
  const groups = new Map<string, { group: BulkGroup; owners: number[] }>();
  units.forEach((u, ui) => {
    for (const e of u.row.events) {
      const gk = JSON.stringify(e.profile);
      let g = groups.get(gk);
      if (!g) {
        g = {
          group: {
            type: "event-bulk-create",
            attributes: {
              profile: { data: e.profile },
              events: { data: [] },
              ...(backfill ? { backfill: true } : {}),
            },
          },
          owners: [],
        };
        groups.set(gk, g);
      }
      g.group.attributes.events.data.push(eventPayload(e, backfill));
      g.owners.push(ui);
    }
  });
  const list = [...groups.values()];
  return {
    body: {
      data: {
        type: "event-bulk-create-job",
        attributes: { "events-bulk-create": { data: list.map((g) => g.group) } },
      },
    },
    owners: list.map((g) => g.owners),
  };
}

/** Units a refused request points at: an event (`.../data/<g>/attributes/events/data/<e>`) or a whole profile group. */
function locate(err: unknown, units: readonly Sized<EventUnit, unknown>[], backfill: boolean): number[] {
  const pointers = errorPointers(err);
  if (pointers.length === 0) return [];
  const { owners } = layout(units, backfill);
  const out = new Set<number>();
  for (const p of pointers) {
    const gi = pointerIndex(p, GROUPS_POINTER);
    if (gi === undefined) continue;
    const group = owners[gi];
    if (!group) continue;
    const ei = pointerIndex(p, `${GROUPS_POINTER}/${gi}/attributes/events/data`);
    if (ei !== undefined) {
      const u = group[ei];
      if (u !== undefined) out.add(u);
    } else {
      for (const u of group) out.add(u);
    }
  }
  return [...out];
}

const profileKey = (p: EventProfile): string => {
  const a = p.attributes ?? {};
  const email = typeof a.email === "string" ? a.email.toLowerCase() : "";
  return JSON.stringify([p.id ?? "", email, a.phone_number ?? "", a.external_id ?? ""]);
};

/**
 * Sends units of events: repeated unique_ids in this call are refused as invalid, the rest are
 * batched (≤ 1,000 events, ≤ 5 MB, never one metric + unique_id twice in a request), sent, and
 * refused requests bisected. A 202 means every event of the request was accepted.
 */
export async function trackUnits(
  units: readonly EventUnit[],
  ctx: ActionContext,
  opts: { backfill: boolean },
): Promise<RowOutcome[]> {
  const outcomes: RowOutcome[] = [];
  const seen = new Map<string, string>();
  const fresh: EventUnit[] = [];
  for (const u of units) {
    const keys = u.events.map(
      (e) => `${profileKey(e.profile)}\u0000${e.metric}\u0000${e.attributes.unique_id}`,
    );
    const firstDup = keys.findIndex((k, i) => seen.has(k) || keys.indexOf(k) !== i);
    if (firstDup >= 0) {
      const e = u.events[firstDup] as EventSpec;
      const other = seen.get(keys[firstDup] as string);
      outcomes.push({
        key: u.key,
        status: "invalid",
        reason: `duplicate unique_id in this run: ${preview(e.attributes.unique_id)} for metric ${JSON.stringify(e.metric)} and this profile ${other === undefined ? "appears twice in the row" : `was already used by row ${JSON.stringify(other)}`}`,
        payload: unitPayload(u, opts.backfill),
      });
      continue;
    }
    for (const k of keys) seen.set(k, u.key);
    fresh.push(u);
  }

  const { batches, invalid } = batchRows(fresh, EVENT_LIMITS, (u) => unitPayload(u, opts.backfill), {
    weight: (u) => u.events.length,
    keys: (u) => u.events.map((e) => `${e.metric}\u0000${e.attributes.unique_id}`),
  });
  outcomes.push(...invalid);

  const req = ctx.signal ? { signal: ctx.signal } : {};
  const send = async (items: Sized<EventUnit, BulkGroup[]>[]): Promise<void> => {
    await ctx.client.events.bulkCreate(layout(items, opts.backfill).body, req);
  };
  for (const batch of batches) {
    const res = await bisect(batch, send, {
      locate: (err, items) => locate(err, items, opts.backfill),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    for (const s of res.sent) for (const i of s.items) outcomes.push({ key: i.row.key, status: "succeeded" });
    // Credentials revoked, a scope missing: no later request can work, so the run stops here
    // (what this call sent before is not recorded, and is sent again, harmlessly: unique_id).
    if (res.fatal !== undefined) throw res.fatal;
    for (const f of res.failed)
      outcomes.push({ key: f.item.row.key, status: "rejected", reason: f.reason, payload: f.item.payload });
  }
  return outcomes;
}
