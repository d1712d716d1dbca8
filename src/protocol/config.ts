/**
 * The JSON config of the Airbyte and Singer commands (`--config config.json`): one schema for the
 * source side (`airbyte read`, `singer tap`) and one for the destination side (`airbyte write`,
 * `singer target`). Each is written once in zod: it validates the file and, through
 * `z.toJSONSchema`, becomes the connection specification `airbyte spec` prints, with the API key
 * marked `airbyte_secret`.
 *
 * Source:      { "api_key": "pk_...", "start_date": "2024-01-01", "streams": { "profiles": { "options": ["predictive_analytics"] } } }
 * Destination: { "api_key": "pk_...", "streams": { "profiles": { "action": "profiles", "mapping": { "email": "email" } } } }
 *
 * The values are checked with the same helpers as the YAML configs (dates, durations, URLs,
 * rate-limit modes, the load actions' modes, fields and options); every problem is a ConfigError
 * naming the key, with a suggestion when a name looks mistyped.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { ConfigError } from "../client/errors.js";
import { acceptsField } from "../config/load.js";
import { didYouMean, listQuoted } from "../config/suggest.js";
import { durationMs, EXPECTED, isHttpUrl, isStartDate, normalizeRateLimits } from "../config/values.js";
import { getStream, STREAM_NAMES } from "../extract/streams/index.js";
import { ACTIONS, getAction } from "../load/actions/index.js";
import { DEFAULT_STATE_PATH } from "../load/state/defaults.js";
import type { ActionDefinition } from "../load/types.js";
import { registerSecret } from "../util/redact.js";

// ---------------------------------------------------------------------------------------------
// Schemas

const klaviyoShape = {
  api_key: z.string({ error: EXPECTED.apiKey }).min(1, { error: EXPECTED.apiKey }).meta({
    title: "Private API key",
    description:
      "A Klaviyo private API key (pk_...). Read scopes for a source; write scopes of the actions used for a destination.",
    airbyte_secret: true,
    order: 0,
  }),
  base_url: z
    .string({ error: EXPECTED.baseUrl })
    .refine(isHttpUrl, { error: EXPECTED.baseUrl })
    .optional()
    .meta({
      title: "API base URL",
      description: "Klaviyo's API, or a klaviyo-sync emulator for rehearsals.",
      default: "https://a.klaviyo.com",
      order: 1,
    }),
  rate_limits: z
    .string({ error: EXPECTED.rateLimits })
    .refine((s) => normalizeRateLimits(s) !== undefined, { error: EXPECTED.rateLimits })
    .optional()
    .meta({
      title: "Rate limits",
      description: `Client-side rate budget: "real" (Klaviyo's published limits), "off", or a factor such as "10x" for an emulator with scaled limits.`,
      default: "real",
      order: 2,
    }),
};

const startDate = z
  .string({ error: EXPECTED.startDate })
  .refine(isStartDate, { error: EXPECTED.startDate })
  .meta({
    title: "Start date",
    description:
      "The first run of an incremental stream reads from here (ISO 8601 date or date-time with a zone). Without it, everything is read.",
    examples: ["2024-01-01", "2024-01-01T00:00:00Z"],
  });

const lookback = z
  .string({ error: EXPECTED.duration })
  .refine((s) => durationMs(s) !== undefined, { error: EXPECTED.duration })
  .meta({
    title: "Lookback",
    description:
      "Re-read this far behind the saved cursor (late events); default 1h for events, 0 otherwise.",
    examples: ["1h", "30m"],
  });

const sourceStreamShape = {
  start_date: startDate.optional(),
  lookback: lookback.optional(),
  options: z
    .array(z.string({ error: "a stream option name" }), {
      error: 'a list of stream option names, e.g. ["predictive_analytics"]',
    })
    .optional()
    .meta({
      title: "Options",
      description: "Opt-in extras of the stream, e.g. predictive_analytics for profiles.",
    }),
};

const sourceShape = {
  ...klaviyoShape,
  start_date: startDate.optional().meta({ order: 3 }),
  concurrency: z
    .int({ error: EXPECTED.concurrency })
    .min(1, { error: EXPECTED.concurrency })
    .max(32, { error: EXPECTED.concurrency })
    .optional()
    .meta({ title: "Streams at once", description: "Streams read at the same time.", default: 4, order: 4 }),
  window_days: z
    .int({ error: "a whole number of days from 1 to 366" })
    .min(1, { error: "a whole number of days from 1 to 366" })
    .max(366, { error: "a whole number of days from 1 to 366" })
    .optional()
    .meta({
      title: "Event window (days)",
      description: "Events are read in windows of this many days.",
      default: 7,
      order: 5,
    }),
  membership_full_pass_hours: z
    .number({ error: "a number of hours, 0 or more" })
    .min(0, { error: "a number of hours, 0 or more" })
    .optional()
    .meta({
      title: "Membership full pass (hours)",
      description:
        "Hours between full reads of list and segment memberships (incremental reads in between only see new members).",
      default: 24,
      order: 6,
    }),
  streams: z
    .record(
      z.string(),
      z.strictObject(sourceStreamShape, {
        error: `a map of stream settings (${Object.keys(sourceStreamShape).join(", ")})`,
      }),
      {
        error:
          'a map of stream names to settings, e.g. { "profiles": { "options": ["predictive_analytics"] } }',
      },
    )
    .optional()
    .meta({
      title: "Stream settings",
      description:
        "Per-stream settings by stream name. For `singer tap` without --catalog, the streams named here are the ones read.",
      order: 7,
    }),
};

export const sourceConfigSchema = z.strictObject(sourceShape, {
  error: `a JSON object with ${Object.keys(sourceShape).join(", ")}`,
});

const FIELD_NAME = "a Klaviyo field name such as email or properties.lifetime_value";
const ACTION_NAMES = ACTIONS.map((a) => a.name);

const destinationStreamShape = {
  action: z.string({ error: `an action name (${ACTION_NAMES.join(", ")})` }).meta({
    title: "Action",
    description: "What the stream's records become in Klaviyo.",
    enum: ACTION_NAMES,
  }),
  mode: z
    .string({ error: "a mode name such as upsert" })
    .optional()
    .meta({ title: "Mode", description: "The action's mode; default its first (profiles: upsert)." }),
  primary_key: z
    .union([z.string().trim().min(1), z.array(z.string().trim().min(1)).min(1)], {
      error: "a record field, or a list of record fields",
    })
    .optional()
    .meta({
      title: "Primary key",
      description:
        "Record fields that identify a record (dotted paths allowed). Default: the catalog's (or SCHEMA's key_properties); without any, a hash of the whole record.",
    }),
  identify_by: z.string({ error: "a Klaviyo field name such as email" }).optional().meta({
    title: "Identify by",
    description: "The Klaviyo field that identifies the profile (email, phone_number, ...).",
  }),
  mapping: z
    .record(z.string(), z.string({ error: FIELD_NAME }).trim().min(1, { error: FIELD_NAME }), {
      error:
        'a map of record fields to Klaviyo fields, e.g. { "email": "email", "ltv": "properties.lifetime_value" }',
    })
    .optional()
    .meta({
      title: "Mapping",
      description:
        'Record field (a dotted path reaches into objects) → Klaviyo field. "x": "properties.*" spreads the object x into properties.<key>. Default: every field of the action taken from the record field of the same name.',
    }),
  constants: z
    .record(z.string(), z.unknown(), {
      error: 'a map of Klaviyo fields to values, e.g. { "properties.source": "airbyte" }',
    })
    .optional()
    .meta({ title: "Constants", description: "Klaviyo fields set to the same value on every record." }),
  options: z
    .record(z.string(), z.unknown(), { error: 'a map of action options, e.g. { "list": "Xy12Ab" }' })
    .optional()
    .meta({
      title: "Action options",
      description: "The action's options (list, metric, nulls, default_country...).",
    }),
};

const destinationShape = {
  ...klaviyoShape,
  streams: z
    .record(
      z.string(),
      z.strictObject(destinationStreamShape, {
        error: `a map of stream settings (${Object.keys(destinationStreamShape).join(", ")})`,
      }),
      { error: 'a map of stream names to actions, e.g. { "customers": { "action": "profiles" } }' },
    )
    .optional()
    .meta({
      title: "Streams",
      description:
        "Incoming stream name → load action, mode, primary key and mapping. A stream of an Airbyte catalog may instead name its action as destination_object_name.",
      order: 3,
    }),
  state: z
    .string({ error: "a file path such as .klaviyo-sync/state.duckdb" })
    .trim()
    .min(1, { error: "a file path such as .klaviyo-sync/state.duckdb" })
    .optional()
    .meta({
      title: "State file",
      description:
        "The load state (DuckDB file) that remembers what Klaviyo confirmed, so unchanged records are not sent again.",
      default: DEFAULT_STATE_PATH,
      order: 4,
    }),
  batch_size: z
    .int({ error: "a whole number from 1 to 100000" })
    .min(1, { error: "a whole number from 1 to 100000" })
    .max(100_000, { error: "a whole number from 1 to 100000" })
    .optional()
    .meta({
      title: "Batch size",
      description:
        "Records held (across streams) before they are sent to Klaviyo, whatever the state messages.",
      default: 10_000,
      order: 5,
    }),
  flush_interval_seconds: z
    .number({ error: "a number of seconds, 0 or more" })
    .min(0, { error: "a number of seconds, 0 or more" })
    .optional()
    .meta({
      title: "Flush interval (seconds)",
      description:
        "A state message waits at most this long (measured when the next message arrives) before the records before it are sent and it is passed on; 0 sends at every state message.",
      default: 30,
      order: 6,
    }),
  max_reject_rate: z
    .number({ error: "a fraction from 0 to 1, e.g. 0.05" })
    .min(0, { error: "a fraction from 0 to 1, e.g. 0.05" })
    .max(1, { error: "a fraction from 0 to 1, e.g. 0.05" })
    .optional()
    .meta({
      title: "Maximum reject rate",
      description:
        "Stop (without passing on later state) when more than this fraction of the records of one send is invalid or rejected. Default: no limit.",
      order: 7,
    }),
};

export const destinationConfigSchema = z.strictObject(destinationShape, {
  error: `a JSON object with ${Object.keys(destinationShape).join(", ")}`,
});

/** The connection specification (JSON Schema, draft-07) of the source or destination config. */
export function configJsonSchema(side: "source" | "destination"): Record<string, unknown> {
  const schema = z.toJSONSchema(side === "source" ? sourceConfigSchema : destinationConfigSchema, {
    target: "draft-7",
    io: "input",
  }) as Record<string, unknown>;
  return {
    ...schema,
    title: side === "source" ? "Klaviyo source (klaviyo-sync)" : "Klaviyo destination (klaviyo-sync)",
  };
}

// ---------------------------------------------------------------------------------------------
// Parsed configs

export interface KlaviyoSettings {
  apiKey: string;
  baseUrl?: string;
  /** `real`, `off` or `<factor>x`. */
  rateLimits?: string;
}

export interface SourceStreamSettings {
  startDate?: string;
  lookbackMs?: number;
  options?: string[];
}

export interface SourceConfig {
  klaviyo: KlaviyoSettings;
  startDate?: string;
  concurrency?: number;
  windowDays?: number;
  fullPassHours?: number;
  /** Stream name → settings (only the streams the config names). */
  streams: Map<string, SourceStreamSettings>;
}

/** One piece of a mapping: the record value at `path` becomes `field`, or with `spread`, each key k of it `field.k`. */
export interface MappingEntry {
  path: string;
  field: string;
  spread: boolean;
}

export interface DestinationStreamConfig {
  action: ActionDefinition;
  mode: string;
  primaryKey?: string[];
  /** Undefined: the action's own fields, each from the record field of its name. */
  mapping?: MappingEntry[];
  constants: Record<string, unknown>;
  options: Record<string, unknown>;
}

export interface DestinationConfig {
  klaviyo: KlaviyoSettings;
  streams: Map<string, DestinationStreamConfig>;
  statePath: string;
  batchSize: number;
  flushIntervalMs: number;
  maxRejectRate?: number;
}

type Issue = z.core.$ZodIssue;

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

function valueAt(raw: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur = raw;
  for (const seg of path) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

function describe(value: unknown, secret: boolean): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (secret) return "a value (hidden)";
  if (typeof value === "string")
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return String(value);
}

function issueMessage(issue: Issue, raw: unknown, keysAt: (path: PropertyKey[]) => string[]): string {
  const path = [...issue.path];
  const name = formatPath(path);
  if (issue.code === "unrecognized_keys") {
    const keys = keysAt(path);
    return issue.keys
      .map(
        (key) =>
          `unknown key "${key}"${name ? ` in ${name}` : " at the top level"}.${didYouMean(key, keys)} Valid keys: ${listQuoted(keys)}.`,
      )
      .join(" ");
  }
  const value = valueAt(raw, path);
  if (value === undefined) return `${name} is required: expected ${issue.message}.`;
  const secret = /api_key$/.test(name);
  return `${name || "the config"}: expected ${issue.message}; got ${describe(value, secret)}.`;
}

function fail(file: string, problems: string[]): never {
  throw new ConfigError(
    problems.length === 1
      ? `${file}: ${problems[0]}`
      : `${file} has ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
  );
}

/** The API key from the config, else KLAVIYO_API_KEY, registered as a secret. */
function withApiKey(raw: unknown, env: Record<string, string | undefined>): unknown {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return raw;
  const obj = raw as Record<string, unknown>;
  if (typeof obj.api_key === "string") registerSecret(obj.api_key);
  if (obj.api_key === undefined && env.KLAVIYO_API_KEY) return { ...obj, api_key: env.KLAVIYO_API_KEY };
  return raw;
}

function klaviyoSettings(data: {
  api_key: string;
  base_url?: string;
  rate_limits?: string;
}): KlaviyoSettings {
  registerSecret(data.api_key);
  return {
    apiKey: data.api_key,
    ...(data.base_url === undefined ? {} : { baseUrl: data.base_url }),
    ...(data.rate_limits === undefined ? {} : { rateLimits: normalizeRateLimits(data.rate_limits) }),
  };
}

/** Reads a JSON config file; problems name the file. */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === "ENOENT"
        ? `The ${what} file ${path} does not exist.`
        : `Cannot read the ${what} file ${path}: ${code ?? (err as Error).message}.`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ConfigError(`The ${what} file ${path} is not valid JSON: ${(err as Error).message}.`);
  }
}

/** Validates a source config (`airbyte read`, `singer tap`). */
export function parseSourceConfig(
  input: unknown,
  options: { file?: string; env?: Record<string, string | undefined> } = {},
): SourceConfig {
  const file = options.file ?? "config";
  const raw = withApiKey(input, options.env ?? {});
  const parsed = sourceConfigSchema.safeParse(raw);
  const problems: string[] = [];
  const keysAt = (path: PropertyKey[]) =>
    path.length === 0 ? Object.keys(sourceShape) : Object.keys(sourceStreamShape);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(issueMessage(issue, raw, keysAt));
    fail(file, problems);
  }
  const data = parsed.data;
  const streams = new Map<string, SourceStreamSettings>();
  for (const [name, s] of Object.entries(data.streams ?? {})) {
    const def = getStream(name);
    if (!def) {
      problems.push(
        `streams.${name}: unknown stream.${didYouMean(name, STREAM_NAMES)} Streams: ${STREAM_NAMES.join(", ")}.`,
      );
      continue;
    }
    const known = Object.keys(def.options ?? {});
    for (const opt of s.options ?? []) {
      if (!known.includes(opt))
        problems.push(
          `streams.${name}.options: stream ${name} has no option "${opt}".${didYouMean(opt, known)}${known.length ? ` Options: ${known.join(", ")}.` : " It has no options."}`,
        );
    }
    streams.set(name, {
      ...(s.start_date === undefined ? {} : { startDate: s.start_date }),
      ...(s.lookback === undefined ? {} : { lookbackMs: durationMs(s.lookback) as number }),
      ...(s.options === undefined ? {} : { options: s.options }),
    });
  }
  if (problems.length > 0) fail(file, problems);
  return {
    klaviyo: klaviyoSettings(data),
    ...(data.start_date === undefined ? {} : { startDate: data.start_date }),
    ...(data.concurrency === undefined ? {} : { concurrency: data.concurrency }),
    ...(data.window_days === undefined ? {} : { windowDays: data.window_days }),
    ...(data.membership_full_pass_hours === undefined
      ? {}
      : { fullPassHours: data.membership_full_pass_hours }),
    streams,
  };
}

/** Action modes a stream cannot run through a protocol: they need the whole model at once. */
export const WHOLE_MODEL_MODES: readonly string[] = ["mirror"];

/** Whether `field` (or, with `spread`, some `field.<key>`) is one the action accepts. */
function mappable(action: ActionDefinition, field: string, spread: boolean): boolean {
  if (!spread) return acceptsField(action.fields, field);
  return action.fields.some((f) =>
    f.prefix ? f.name.replace(/\.\*?$/, "") === field : f.name.startsWith(`${field}.`),
  );
}

/** Checks one stream's action settings; problems are pushed with the stream's path. */
export function destinationStream(
  name: string,
  raw: z.infer<z.ZodObject<typeof destinationStreamShape>>,
  problems: string[],
): DestinationStreamConfig | undefined {
  const at = `streams.${name}`;
  const action = getAction(raw.action);
  if (!action) {
    problems.push(
      `${at}.action: unknown action "${raw.action}".${didYouMean(raw.action, ACTION_NAMES)} Actions: ${ACTION_NAMES.join(", ")}.`,
    );
    return undefined;
  }
  const mode = raw.mode ?? (action.modes[0] as string);
  if (!action.modes.includes(mode)) {
    problems.push(
      `${at}.mode: action ${action.name} has no mode "${mode}".${didYouMean(mode, action.modes)} Modes: ${action.modes.join(", ")}.`,
    );
    return undefined;
  }
  if (WHOLE_MODEL_MODES.includes(mode)) {
    problems.push(
      `${at}.mode: mode ${mode} removes what the model no longer holds, which needs the whole model at once; a record stream only adds. Use klaviyo-sync load for ${mode}, or mode ${action.modes.find((m) => !WHOLE_MODEL_MODES.includes(m))} here.`,
    );
    return undefined;
  }
  let mapping: MappingEntry[] | undefined;
  const mapped = new Set<string>();
  if (raw.mapping) {
    mapping = [];
    for (const [path, target] of Object.entries(raw.mapping)) {
      const spread = target.endsWith(".*");
      const field = spread ? target.slice(0, -2) : target;
      if (!mappable(action, field, spread)) {
        const fields = action.fields.map((f) => (f.prefix ? `${f.name.replace(/\.\*?$/, "")}.*` : f.name));
        problems.push(
          `${at}.mapping.${path}: action ${action.name} has no field "${target}".${didYouMean(target, fields)} Fields: ${fields.join(", ")}.`,
        );
        continue;
      }
      mapping.push({ path, field, spread });
      mapped.add(field);
    }
    if (Object.keys(raw.mapping).length === 0)
      problems.push(
        `${at}.mapping: map at least one record field, or leave mapping out to take the action's fields by name.`,
      );
  }
  for (const field of Object.keys(raw.constants ?? {})) {
    if (!acceptsField(action.fields, field))
      problems.push(`${at}.constants.${field}: action ${action.name} has no field "${field}".`);
    mapped.add(field);
  }
  if (mapping) {
    for (const spec of action.fields) {
      if (spec.required && !spec.prefix && !mapped.has(spec.name))
        problems.push(
          `${at}.mapping: action ${action.name} needs field ${spec.name}; map a record field to it.`,
        );
    }
  }
  let options: Record<string, unknown> = { ...(raw.options ?? {}) };
  if (raw.identify_by !== undefined) {
    if (mapping && !mapped.has(raw.identify_by))
      problems.push(
        `${at}.identify_by: "${raw.identify_by}" is not a field this stream sets (mapped: ${[...mapped].join(", ")}).`,
      );
    if (!("identify_by" in options)) options.identify_by = raw.identify_by;
  }
  try {
    options = action.parseOptions(options, mode);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(`${at}.options: ${err.message}`);
    return undefined;
  }
  const primaryKey =
    raw.primary_key === undefined
      ? undefined
      : typeof raw.primary_key === "string"
        ? [raw.primary_key]
        : raw.primary_key;
  return {
    action,
    mode,
    ...(primaryKey ? { primaryKey } : {}),
    ...(mapping ? { mapping } : {}),
    constants: { ...(raw.constants ?? {}) },
    options,
  };
}

/** Validates a destination config (`airbyte write`, `singer target`). */
export function parseDestinationConfig(
  input: unknown,
  options: { file?: string; env?: Record<string, string | undefined> } = {},
): DestinationConfig {
  const file = options.file ?? "config";
  const raw = withApiKey(input, options.env ?? {});
  const parsed = destinationConfigSchema.safeParse(raw);
  const problems: string[] = [];
  const keysAt = (path: PropertyKey[]) =>
    path.length === 0 ? Object.keys(destinationShape) : Object.keys(destinationStreamShape);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(issueMessage(issue, raw, keysAt));
    fail(file, problems);
  }
  const data = parsed.data;
  const streams = new Map<string, DestinationStreamConfig>();
  for (const [name, s] of Object.entries(data.streams ?? {})) {
    const stream = destinationStream(name, s, problems);
    if (stream) streams.set(name, stream);
  }
  if (problems.length > 0) fail(file, problems);
  return {
    klaviyo: klaviyoSettings(data),
    streams,
    statePath: data.state ?? DEFAULT_STATE_PATH,
    batchSize: data.batch_size ?? 10_000,
    flushIntervalMs: Math.round((data.flush_interval_seconds ?? 30) * 1000),
    ...(data.max_reject_rate === undefined ? {} : { maxRejectRate: data.max_reject_rate }),
  };
}
