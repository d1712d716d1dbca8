/**
 * Action `events`: each row becomes one event (mode `track`) of a fixed metric (`metric`) or of
 * the metric a model column names (`metric_column`), sent through bulk create jobs grouped per
 * profile. See ./track.ts for batching, unique_id and bisection.
 */
import { z } from "zod";
import { wasValidated } from "../../engine.js";
import type { ActionContext, ActionDefinition, FieldSpec, LoadRow, RowOutcome } from "../../types.js";
import { checkEventProperties } from "../../validate.js";
import { normalizeIdentifiers, optionsParser, profileAttributes, unknownFields } from "../shared.js";
import {
  checkMetricName,
  checkUniqueIdSource,
  EVENT_LIMITS,
  type EventUnit,
  eventProfile,
  normalizeEventScalars,
  scalarAttributes,
  trackOptionShape,
  trackUnits,
  uniqueIdOf,
} from "./track.js";

const MODES = ["track"] as const;

const optionsSchema = z
  .strictObject({
    metric: z.string().trim().min(1).max(127).optional(),
    metric_column: z.string().trim().min(1).optional(),
    ...trackOptionShape,
  })
  .refine((o) => (o.metric === undefined) !== (o.metric_column === undefined), {
    message: "set exactly one of metric (a fixed metric name) or metric_column (the model column holding it)",
  });
export type EventsOptions = z.output<typeof optionsSchema>;

const options = optionsParser("events", MODES, optionsSchema);

/** Fields every tracking action accepts: identifiers, profile attributes, time and value. */
export const TRACK_FIELDS: readonly FieldSpec[] = [
  { name: "email", type: "email", description: "Profile email (identifier)." },
  {
    name: "phone_number",
    type: "phone",
    description: "Profile phone number, normalised to E.164 (identifier).",
  },
  {
    name: "external_id",
    type: "string",
    description: "Profile external id, at most 255 characters (identifier).",
  },
  { name: "id", type: "string", description: "Klaviyo profile id (identifier)." },
  {
    name: "time",
    type: "datetime",
    description: "When it happened: ISO 8601 (UTC if no offset) or epoch seconds; 2000 to one year ahead.",
  },
  { name: "value", type: "number", description: "Monetary value of the event." },
  { name: "value_currency", type: "currency", description: "ISO 4217 currency of value (USD)." },
  {
    name: "unique_id",
    type: "string",
    description: "Event id for deduplication; default: derived from the sync name and primary key.",
  },
  {
    name: "profile",
    type: "json",
    prefix: true,
    description:
      "Profile attributes sent with the event: profile.first_name, profile.location.city, profile.properties.<key>...",
  },
];

export const EVENT_FIELDS: readonly FieldSpec[] = [
  ...TRACK_FIELDS,
  {
    name: "properties",
    type: "json",
    prefix: true,
    description: "Event properties: properties.<key> (the key is taken verbatim; at most 400).",
  },
];

function metricOf(row: LoadRow, o: EventsOptions) {
  if (o.metric !== undefined) return checkMetricName(o.metric, "metric");
  const col = o.metric_column as string;
  return checkMetricName(row.source[col] ?? row.fields[col], `metric column ${JSON.stringify(col)}`);
}

function propertiesOf(row: LoadRow): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(row.fields)) {
    if (!name.startsWith("properties.") || v === null || v === undefined) continue;
    const key = name.slice("properties.".length);
    if (key === "__proto__")
      Object.defineProperty(props, key, { value: v, enumerable: true, writable: true, configurable: true });
    else props[key] = v;
  }
  return props;
}

/** Row checks at `now`; normalises identifiers, time, value and currency in place. */
function check(row: LoadRow, o: EventsOptions, now: number): string | undefined {
  const unknown = unknownFields(row.fields, EVENT_FIELDS);
  if (unknown.length > 0)
    return `action events has no field ${unknown.map((u) => JSON.stringify(u)).join(", ")}; fix the mapping`;
  const why = normalizeIdentifiers(row.fields, o.default_country) ?? normalizeEventScalars(row.fields, now);
  if (why) return why;
  const metric = metricOf(row, o);
  if ("error" in metric) return metric.error;
  const uid = checkUniqueIdSource(row, o);
  if (uid) return uid;
  const props = checkEventProperties(propertiesOf(row));
  if ("error" in props) return props.error;
  const profile = profileAttributes(row.fields, "profile.", "skip");
  if ("error" in profile) return profile.error;
  return undefined;
}

function validate(row: LoadRow, ctx: Pick<ActionContext, "options" | "mode">): string | undefined {
  return check(row, options.get(ctx.options), Date.now());
}

async function perform(rows: LoadRow[], ctx: ActionContext): Promise<RowOutcome[]> {
  const o = options.get(ctx.options);
  const outcomes: RowOutcome[] = [];
  const units: EventUnit[] = [];
  const now = ctx.now();
  for (const row of rows) {
    // Rows from the engine passed validate already (which normalised them in place).
    const why = wasValidated(row) ? undefined : check(row, o, now);
    const metric = metricOf(row, o);
    const profile = eventProfile(row.fields);
    const props = checkEventProperties(propertiesOf(row));
    if (why || "error" in metric || "error" in profile || "error" in props) {
      outcomes.push({ key: row.key, status: "invalid", reason: why ?? "invalid row", payload: row.fields });
      continue;
    }
    units.push({
      key: row.key,
      row,
      events: [
        {
          metric: metric.ok,
          profile: profile.ok,
          attributes: {
            properties: props.ok,
            ...scalarAttributes(row.fields),
            unique_id: uniqueIdOf(row, o, ctx.sync),
          },
        },
      ],
    });
  }
  outcomes.push(...(await trackUnits(units, ctx, { backfill: o.backfill })));
  return outcomes;
}

export const eventsAction: ActionDefinition = {
  name: "events",
  description:
    "Tracks one Klaviyo event per row (metric fixed or from a column), with profile identifiers, time, value and properties; replays are deduplicated by unique_id.",
  modes: MODES,
  fields: EVENT_FIELDS,
  parseOptions: (raw, mode) => options.parse(raw, mode),
  // Batches are independent (each event carries its unique_id, so a batch sent twice is
  // deduplicated): two in flight keep the bulk create endpoint busy while a batch is recorded.
  limits: { ...EVENT_LIMITS, inFlight: 2 },
  validate,
  perform,
};
