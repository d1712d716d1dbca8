// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} config interpolation syntax is written literally in this file
/**
 * The load (reverse ETL) config file:
 *
 * ```yaml
 * source: duckdb:./warehouse.duckdb     # or postgres://..., or file:./vip.csv
 * klaviyo: { api_key: ${KLAVIYO_API_KEY}, base_url: https://a.klaviyo.com, rate_limits: real }
 * state: .klaviyo-sync/state.duckdb      # optional; or `source` (a schema of the source database),
 *                                        # or { in: source, schema: klaviyo_sync } / { in: file, path: ... }
 * syncs:
 *   vip_profiles:
 *     action: profiles
 *     mode: upsert                       # optional: the action's first mode
 *     model: { sql: "select * from customers where ltv > 500" }   # or table: customers / file: ./x.csv
 *     primary_key: customer_id           # or a list
 *     identify_by: email                 # optional: the Klaviyo field that identifies the profile
 *     mapping:                           # model column → Klaviyo field
 *       email: email
 *       ltv: properties.lifetime_value
 *     constants: { properties.source: warehouse }
 *     options: { list: Xy12Ab, nulls: skip }
 * ```
 *
 * Actions, their modes and their fields come from the injected action registry; `properties.*`
 * style fields are accepted where the action declares a prefix field. Every problem is a
 * ConfigError starting with `file:line:column:` (the YAML helpers are shared with the extract
 * config), with a suggestion when a name looks mistyped.
 */
import type { Scalar } from "yaml";
import { z } from "zod";
import { ConfigError } from "../client/errors.js";
import {
  checkModelFile,
  checkModelSource,
  type ModelSource,
  SOURCE_EXPECTED,
} from "../load/models/source.js";
import { DEFAULT_STATE_PATH, DEFAULT_STATE_SCHEMA, type StateLocation } from "../load/state/defaults.js";
import type { FieldSpec } from "../load/types.js";
import { registerSecret } from "../util/redact.js";
import {
  describeValue,
  interpolate,
  type Located,
  located,
  readConfigText,
  SECRET_KEY_RE,
} from "./extract.js";
import { closest, didYouMean, listQuoted } from "./suggest.js";
import { EXPECTED, isHttpUrl, normalizeRateLimits } from "./values.js";
import { formatPath, type Locator, type Path, readConfigYaml } from "./yaml.js";

/** What the config needs to know of an action (an ActionDefinition fits). */
export interface LoadActionSpec {
  modes: readonly string[];
  fields: readonly FieldSpec[];
  /** Validates the sync's options; a ConfigError it throws is reported at `options`. */
  parseOptions?(raw: unknown, mode: string): Record<string, unknown>;
}

export interface LoadConfigOptions {
  /** Variables for `${VAR}` (default: process.env). */
  env?: Record<string, string | undefined>;
  /** The action registry: name → modes and fields. */
  actions: Readonly<Record<string, LoadActionSpec>>;
}

export interface LoadSyncConfig {
  name: string;
  action: string;
  mode: string;
  /** `{ sql }`, `{ table }`, `{ file }`, or `{}` when the source is a file. */
  model: { sql?: string; table?: string; file?: string };
  primaryKey: string[];
  identifyBy?: string;
  mapping: Array<{ column: string; field: string }>;
  constants: Record<string, unknown>;
  /** The action's options (as its parseOptions returned them, when it has one). */
  options: Record<string, unknown>;
}

export interface LoadConfig {
  /** The source as written (after `${VAR}` interpolation); may hold a password. */
  source: string;
  /** The source, classified; `display` is safe to print. */
  sourceSpec: ModelSource;
  klaviyo: { apiKey: string; baseUrl?: string; rateLimits?: string };
  /** Where the state lives, for messages: the state file path, or the source and schema. */
  state: string;
  /** Where the snapshot, runs and locks live: a local DuckDB file (default) or a schema of the source. */
  stateLocation: StateLocation;
  syncs: LoadSyncConfig[];
}

// ---------------------------------------------------------------------------------------------
// Schema

const PROBLEM = { problem: true };

const klaviyoShape = {
  api_key: z.string({ error: EXPECTED.apiKey }).min(1, { error: EXPECTED.apiKey }).optional(),
  base_url: z.string({ error: EXPECTED.baseUrl }).refine(isHttpUrl, { error: EXPECTED.baseUrl }).optional(),
  rate_limits: z
    .string({ error: EXPECTED.rateLimits })
    .refine((s) => normalizeRateLimits(s) !== undefined, { error: EXPECTED.rateLimits })
    .optional(),
};

const modelShape = {
  sql: z.string({ error: "a SQL query" }).trim().min(1, { error: "a SQL query" }).optional(),
  table: z
    .string({ error: "a table or view name such as customers or analytics.customers" })
    .trim()
    .min(1, { error: "a table or view name such as customers or analytics.customers" })
    .optional(),
  file: z
    .string({ error: "a file path such as ./vip.csv" })
    .superRefine((value, ctx) => {
      const checked = checkModelFile(value);
      if (!checked.ok) ctx.addIssue({ code: "custom", message: checked.problem, params: PROBLEM });
    })
    .optional(),
};

const COLUMN_NAMES = "a column name, or a list of column names such as [store_id, customer_id]";
const FIELD_NAME = "a Klaviyo field name such as email or properties.lifetime_value";

const syncShape = {
  action: z.string({ error: "an action name such as profiles" }),
  mode: z.string({ error: "a mode name such as upsert" }).optional(),
  model: z
    .strictObject(modelShape, {
      error: `a map with one of sql, table or file, e.g. { table: customers }`,
    })
    .optional(),
  primary_key: z.union(
    [
      z.string().trim().min(1),
      z
        .array(z.string({ error: "a column name" }).trim().min(1, { error: "a column name" }))
        .min(1, { error: "a list of at least one column name" }),
    ],
    { error: COLUMN_NAMES },
  ),
  identify_by: z.string({ error: "a Klaviyo field name such as email" }).optional(),
  mapping: z.record(z.string(), z.string({ error: FIELD_NAME }).trim().min(1, { error: FIELD_NAME }), {
    error: "a map of model columns to Klaviyo fields, e.g. { email: email, ltv: properties.lifetime_value }",
  }),
  constants: z
    .record(z.string(), z.unknown(), {
      error: "a map of Klaviyo fields to values, e.g. { properties.source: warehouse }",
    })
    .nullable()
    .optional(),
  options: z
    .record(z.string(), z.unknown(), { error: "a map of action options, e.g. { list: Xy12Ab }" })
    .nullable()
    .optional(),
};

const SYNC_NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;

const topShape = {
  source: z.string({ error: SOURCE_EXPECTED }).superRefine((value, ctx) => {
    const checked = checkModelSource(value);
    if (!checked.ok) ctx.addIssue({ code: "custom", message: checked.problem, params: PROBLEM });
  }),
  klaviyo: z
    .strictObject(klaviyoShape, {
      error: `a map of Klaviyo settings (${Object.keys(klaviyoShape).join(", ")})`,
    })
    .nullable()
    .optional(),
  // Checked by stateLocation(): a path, `source`, or a map.
  state: z.unknown().optional(),
  syncs: z.record(
    z.string(),
    z.strictObject(syncShape, { error: `a map of sync settings (${Object.keys(syncShape).join(", ")})` }),
    { error: "a map of sync names to settings, e.g. vip_profiles: { action: profiles, ... }" },
  ),
};

const configSchema = z.strictObject(topShape, {
  error: `a map with ${Object.keys(topShape).join(", ")} at the top level`,
});

type RawConfig = z.infer<typeof configSchema>;
type RawSync = z.infer<z.ZodObject<typeof syncShape>>;

function keysAt(path: Path): { keys: string[]; where: string } {
  if (path.length === 0) return { keys: Object.keys(topShape), where: "at the top level" };
  if (path[0] === "klaviyo") return { keys: Object.keys(klaviyoShape), where: "in klaviyo" };
  if (path[0] === "syncs" && path[2] === "model") {
    return { keys: Object.keys(modelShape), where: `in ${formatPath(path)}` };
  }
  return { keys: Object.keys(syncShape), where: `in ${formatPath(path)}` };
}

type Issue = z.core.$ZodIssue;

function locateIssue(issue: Issue, locator: Locator, interpolated: Map<Scalar, string[]>): Located[] {
  const path = issue.path.filter((s): s is string | number => typeof s !== "symbol");
  if (issue.code === "unrecognized_keys") {
    const { keys, where } = keysAt(path);
    return issue.keys.map((key) => {
      const found = locator.find([...path, key]);
      return {
        offset: found.keyOffset ?? found.offset,
        message: `unknown key "${key}" ${where}.${didYouMean(key, keys)} Valid keys: ${listQuoted(keys)}.`,
      };
    });
  }
  const found = locator.find(path);
  const name = formatPath(path);
  if (issue.code === "custom" && issue.params?.problem) {
    return [{ offset: found.offset, message: `${name}: ${issue.message}` }];
  }
  if (!found.found) {
    return [
      { offset: found.offset, message: `${name} is required: expected ${issue.message}.`, missing: true },
    ];
  }
  const lastKey = [...path].reverse().find((s): s is string => typeof s === "string") ?? "";
  const got = describeValue(found.node, interpolated, SECRET_KEY_RE.test(lastKey));
  return [{ offset: found.offset, message: `${name}: expected ${issue.message}; got ${got}.` }];
}

// ---------------------------------------------------------------------------------------------
// Fields

/** The prefix of a prefix field (`properties` for `properties`, `properties.*` or `properties.`). */
function prefixOf(spec: FieldSpec): string {
  return spec.name.replace(/\.\*?$/, "");
}

/** Whether `field` is one the action accepts (also used by the Airbyte/Singer destination config). */
export function acceptsField(fields: readonly FieldSpec[], field: string): boolean {
  for (const spec of fields) {
    if (spec.prefix) {
      const prefix = prefixOf(spec);
      if (field.startsWith(`${prefix}.`) && field.length > prefix.length + 1) return true;
    } else if (spec.name === field) {
      return true;
    }
  }
  return false;
}

/** `email, first_name, properties.* and location.*`, for messages. */
function fieldList(fields: readonly FieldSpec[]): string {
  const names = fields.map((f) => (f.prefix ? `${prefixOf(f)}.*` : f.name));
  return names.length <= 1
    ? names.join("")
    : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

function suggestField(fields: readonly FieldSpec[], field: string): string {
  const plain = fields.filter((f) => !f.prefix).map((f) => f.name);
  const prefixes = fields.filter((f) => f.prefix).map(prefixOf);
  const dot = field.indexOf(".");
  if (dot > 0 && prefixes.length > 0) {
    const head = field.slice(0, dot);
    const rest = field.slice(dot + 1);
    const match = closest(head, prefixes);
    if (match !== undefined && rest.length > 0) return ` Did you mean "${match}.${rest}"?`;
  }
  const match = closest(field, plain);
  if (match !== undefined) return ` Did you mean "${match}"?`;
  if (dot === -1 && prefixes.length > 0) {
    return ` Custom values go under a prefix, e.g. "${prefixes[0]}.${field}".`;
  }
  return "";
}

// ---------------------------------------------------------------------------------------------
// State

const STATE_KEYS = ["in", "schema", "path"];
const STATE_PLACES = ["source", "file"];
const STATE_EXPECTED =
  'a file path such as .klaviyo-sync/state.duckdb, "source" (a schema of the source database), or a map such as { in: source, schema: klaviyo_sync }';
/** Letters, digits and _, not starting with a digit, at most 63 characters (PostgreSQL's limit). */
const STATE_SCHEMA_RE = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const STATE_SCHEMA_EXPECTED =
  "a schema name of letters, digits and _ (not starting with a digit, at most 63 characters), e.g. klaviyo_sync";

/** Where `state:` puts the load state, or what is wrong with it. */
function stateLocation(
  raw: unknown,
  locator: Locator,
  interpolated: Map<Scalar, string[]>,
): { location?: StateLocation; problems: Located[] } {
  const problems: Located[] = [];
  if (!isMapObject(raw) || raw.state === undefined) {
    return { location: { in: "file", path: DEFAULT_STATE_PATH }, problems };
  }
  const value = raw.state;
  const at = (path: Path, key = false): number => {
    const found = locator.find(path);
    return key ? (found.keyOffset ?? found.offset) : found.offset;
  };
  const got = (path: Path) => describeValue(locator.find(path).node, interpolated, false);
  let location: StateLocation | undefined;
  if (typeof value === "string") {
    const text = value.trim();
    if (text === "") {
      problems.push({
        offset: at(["state"], true),
        message: `state: expected ${STATE_EXPECTED}; got an empty value.`,
      });
    } else if (text === "source") {
      location = { in: "source", schema: DEFAULT_STATE_SCHEMA };
    } else if (!/[\\/.]/.test(text) && closest(text, ["source"]) !== undefined) {
      problems.push({
        offset: at(["state"]),
        message: `state: "${text}" would be a state file named ${text} in the current folder. Did you mean "source" (the state in a schema of the source database)? For a file, give a path with a folder or an extension, e.g. ./${text}.duckdb.`,
      });
    } else {
      location = { in: "file", path: text };
    }
  } else if (isMapObject(value)) {
    for (const key of Object.keys(value)) {
      if (!STATE_KEYS.includes(key)) {
        problems.push({
          offset: at(["state", key], true),
          message: `unknown key "${key}" in state.${didYouMean(key, STATE_KEYS)} Valid keys: ${listQuoted(STATE_KEYS)}.`,
        });
      }
    }
    const place = value.in;
    if (place === undefined || place === null) {
      problems.push({
        offset: at(["state"], true),
        message:
          "state.in is required: expected source (a schema of the source database) or file (a local DuckDB file).",
        missing: true,
      });
    } else if (typeof place !== "string" || !STATE_PLACES.includes(place)) {
      problems.push({
        offset: at(["state", "in"]),
        message: `state.in: expected source (a schema of the source database) or file (a local DuckDB file); got ${got(["state", "in"])}.${
          typeof place === "string" ? didYouMean(place, STATE_PLACES) : ""
        }`,
      });
    }
    const schema = value.schema;
    const path = value.path;
    if (place === "source") {
      if (path !== undefined) {
        problems.push({
          offset: at(["state", "path"], true),
          message:
            "state.path: only with in: file; with in: source the state lives in the source database (set schema instead).",
        });
      }
      if (schema !== undefined && (typeof schema !== "string" || !STATE_SCHEMA_RE.test(schema.trim()))) {
        problems.push({
          offset: at(["state", "schema"]),
          message: `state.schema: expected ${STATE_SCHEMA_EXPECTED}; got ${got(["state", "schema"])}.`,
        });
      } else {
        location = {
          in: "source",
          schema: typeof schema === "string" ? schema.trim() : DEFAULT_STATE_SCHEMA,
        };
      }
    } else if (place === "file") {
      if (schema !== undefined) {
        problems.push({
          offset: at(["state", "schema"], true),
          message:
            "state.schema: only with in: source; with in: file the state lives in a local DuckDB file (set path instead).",
        });
      }
      if (path !== undefined && (typeof path !== "string" || path.trim() === "")) {
        problems.push({
          offset: at(["state", "path"]),
          message: `state.path: expected a file path such as .klaviyo-sync/state.duckdb; got ${got(["state", "path"])}.`,
        });
      } else {
        location = { in: "file", path: typeof path === "string" ? path.trim() : DEFAULT_STATE_PATH };
      }
    }
  } else {
    problems.push({
      offset: at(["state"], true),
      message: `state: expected ${STATE_EXPECTED}; got ${got(["state"])}.`,
    });
  }
  if (location?.in === "source" && typeof raw.source === "string") {
    const source = checkModelSource(raw.source);
    if (source.ok && source.value.kind === "file") {
      problems.push({
        offset: at(["state"]),
        message: `state: the state can live in the source only when the source is a database (postgres://... or duckdb:PATH); the source ${source.value.display} is a file. Leave out state to keep it in ${DEFAULT_STATE_PATH}, or give a file path.`,
      });
    }
  }
  return problems.length > 0
    ? { problems }
    : { location: location ?? { in: "file", path: DEFAULT_STATE_PATH }, problems };
}

// ---------------------------------------------------------------------------------------------
// Loading

export async function loadLoadConfig(path: string, options: LoadConfigOptions): Promise<LoadConfig> {
  const text = await readConfigText(path, "Pass the path of a load YAML file (see docs).");
  return parseLoadConfig(text, { ...options, file: path });
}

/** Line starts of `text`, for positions in the text as written. */
/** Validates load config text; `file` names it in messages. */
export function parseLoadConfig(text: string, options: LoadConfigOptions & { file: string }): LoadConfig {
  const { file } = options;
  const env = options.env ?? process.env;
  const { root, parsedText, locator, toJS } = readConfigYaml(
    text,
    file,
    'the config file is empty; it needs at least source and syncs (e.g. "source: duckdb:./warehouse.duckdb" and a sync under "syncs:").',
  );
  const interpolated = interpolate(root, parsedText, env, locator);
  const raw: unknown = toJS();

  const problems: Located[] = [];
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(...locateIssue(issue, locator, interpolated));
  }
  problems.push(...syncProblems(raw, options.actions, locator));
  const state = stateLocation(raw, locator, interpolated);
  problems.push(...state.problems);
  if (problems.length > 0 || !state.location) throw located(problems, locator);
  if (!parsed.success) throw new ConfigError(`${file}: invalid config.`);
  return build(parsed.data, { env, actions: options.actions, locator, stateLocation: state.location });
}

function isMapObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Problems the schema cannot see: sync names, actions, modes, fields, model choice, identify_by. */
function syncProblems(
  raw: unknown,
  actions: Readonly<Record<string, LoadActionSpec>>,
  locator: Locator,
): Located[] {
  if (!isMapObject(raw)) return [];
  const syncs = raw.syncs;
  if (!isMapObject(syncs)) return [];
  const problems: Located[] = [];
  const at = (path: Path, key = false): number => {
    const found = locator.find(path);
    return key ? (found.keyOffset ?? found.offset) : found.offset;
  };
  const actionNames = Object.keys(actions);
  const sourceCheck = typeof raw.source === "string" ? checkModelSource(raw.source) : undefined;
  const fileSource = sourceCheck?.ok === true && sourceCheck.value.kind === "file";

  if (Object.keys(syncs).length === 0) {
    problems.push({
      offset: at(["syncs"], true),
      message:
        "syncs: no syncs; add one, e.g. vip_profiles: { action: profiles, model: { table: customers }, ... }.",
    });
  }
  for (const [name, sync] of Object.entries(syncs)) {
    const base: Path = ["syncs", name];
    if (!SYNC_NAME_RE.test(name)) {
      problems.push({
        offset: at(base, true),
        message: `sync name "${name}" may only use letters, digits, _ and - (it names the sync on the command line and in the state).`,
      });
    }
    if (!isMapObject(sync)) continue;

    // Model: one of sql/table/file; none at all for a file source.
    const model = sync.model;
    if (isMapObject(model)) {
      const given = Object.keys(model).filter((k) => k in modelShape && model[k] !== undefined);
      if (given.length > 1) {
        problems.push({
          offset: at([...base, "model", given[1]!], true),
          message: `${formatPath([...base, "model"])}: give one of sql, table or file, not ${listQuoted(given)}.`,
        });
      } else if (fileSource && (given[0] === "sql" || given[0] === "table")) {
        problems.push({
          offset: at([...base, "model", given[0]], true),
          message: `${formatPath([...base, "model", given[0]])}: the source is a file, which is the model itself; leave out model (or read another file with model: { file: ... }).`,
        });
      } else if (given.length === 0 && !fileSource) {
        problems.push({
          offset: at([...base, "model"]),
          message: `${formatPath([...base, "model"])}: give one of sql, table or file, e.g. { table: customers }.`,
        });
      }
    } else if (model === undefined && !fileSource && sourceCheck?.ok === true) {
      problems.push({
        offset: at(base, true),
        message: `${formatPath([...base, "model"])} is required: the rows to load, e.g. model: { sql: "select * from customers" } or model: { table: customers }.`,
        missing: true,
      });
    }

    // Action and mode.
    const actionName = sync.action;
    if (typeof actionName !== "string") continue;
    const action = actions[actionName];
    if (!action) {
      problems.push({
        offset: at([...base, "action"]),
        message: `${formatPath([...base, "action"])}: unknown action "${actionName}".${didYouMean(actionName, actionNames)} Actions: ${actionNames.join(", ")}.`,
      });
      continue;
    }
    const mode = sync.mode;
    if (typeof mode === "string" && !action.modes.includes(mode)) {
      problems.push({
        offset: at([...base, "mode"]),
        message: `${formatPath([...base, "mode"])}: action ${actionName} has no mode "${mode}".${didYouMean(mode, action.modes)} Modes: ${action.modes.join(", ")}.`,
      });
    }

    // Mapping targets and constants.
    const targets = new Map<string, string>();
    const mapping = sync.mapping;
    if (isMapObject(mapping)) {
      for (const [column, field] of Object.entries(mapping)) {
        if (typeof field !== "string" || field.trim() === "") continue;
        const target = field.trim();
        const path = [...base, "mapping", column];
        if (!acceptsField(action.fields, target)) {
          problems.push({
            offset: at(path),
            message: `${formatPath(path)}: action ${actionName} has no field "${target}".${suggestField(action.fields, target)} Fields: ${fieldList(action.fields)}.`,
          });
          continue;
        }
        const other = targets.get(target);
        if (other !== undefined) {
          problems.push({
            offset: at(path),
            message: `${formatPath(path)}: columns "${other}" and "${column}" both map to ${target}; map one column to each field.`,
          });
          continue;
        }
        targets.set(target, column);
      }
      if (Object.keys(mapping).length === 0) {
        problems.push({
          offset: at([...base, "mapping"]),
          message: `${formatPath([...base, "mapping"])}: map at least one model column to a Klaviyo field, e.g. { email: email }.`,
        });
      }
    }
    const constants = sync.constants;
    if (isMapObject(constants)) {
      for (const [field, value] of Object.entries(constants)) {
        const path = [...base, "constants", field];
        if (!acceptsField(action.fields, field)) {
          problems.push({
            offset: at(path, true),
            message: `${formatPath(path)}: action ${actionName} has no field "${field}".${suggestField(action.fields, field)} Fields: ${fieldList(action.fields)}.`,
          });
        } else if (targets.has(field)) {
          problems.push({
            offset: at(path, true),
            message: `${formatPath(path)}: ${field} is already mapped from column "${targets.get(field)}"; set it either from a column or as a constant.`,
          });
        } else if (isMapObject(value) || Array.isArray(value)) {
          if (!action.fields.some((f) => f.name === field && f.type === "json")) {
            problems.push({
              offset: at(path),
              message: `${formatPath(path)}: expected a single value (text, number, true/false or null); got ${Array.isArray(value) ? "a list" : "a map"}.`,
            });
          }
        } else {
          targets.set(field, "(constant)");
        }
      }
    }
    if (isMapObject(mapping)) {
      for (const spec of action.fields) {
        if (spec.required && !spec.prefix && !targets.has(spec.name)) {
          problems.push({
            offset: at([...base, "mapping"], true),
            message: `${formatPath([...base, "mapping"])}: action ${actionName} needs field ${spec.name}; map a column to it (or set it under constants).`,
          });
        }
      }
    }

    // identify_by: a field the sync sets.
    const identifyBy = sync.identify_by;
    if (typeof identifyBy === "string") {
      const path = [...base, "identify_by"];
      if (!targets.has(identifyBy)) {
        const mapped = [...targets.keys()];
        const near = didYouMean(identifyBy, mapped);
        const fromColumn = isMapObject(mapping) && typeof mapping[identifyBy] === "string";
        problems.push({
          offset: at(path),
          message: `${formatPath(path)}: "${identifyBy}" is not a field this sync sets.${
            fromColumn
              ? ` It is a column; identify_by names the Klaviyo field it maps to ("${String(mapping[identifyBy])}").`
              : near
          } identify_by names the mapped Klaviyo field that identifies each record${mapped.length > 0 ? ` (mapped: ${mapped.join(", ")})` : ""}.`,
        });
      }
    }
  }
  return problems;
}

function build(
  data: RawConfig,
  ctx: {
    env: Record<string, string | undefined>;
    actions: Readonly<Record<string, LoadActionSpec>>;
    locator: Locator;
    stateLocation: StateLocation;
  },
): LoadConfig {
  const { locator } = ctx;
  const fail = (path: Path, message: string, key = false): never => locator.fail(path, message, key);

  const klaviyo = data.klaviyo ?? {};
  const apiKey = klaviyo.api_key ?? ctx.env.KLAVIYO_API_KEY;
  if (apiKey === undefined || apiKey === "") {
    return fail(
      data.klaviyo ? ["klaviyo"] : ["source"],
      "no API key: set klaviyo.api_key (e.g. api_key: ${KLAVIYO_API_KEY}) or the KLAVIYO_API_KEY environment variable to a private API key (pk_...).",
      true,
    );
  }
  registerSecret(apiKey);

  const source = checkModelSource(data.source);
  if (!source.ok) return fail(["source"], `source: ${source.problem}`);

  const syncs: LoadSyncConfig[] = Object.entries(data.syncs).map(([name, raw]: [string, RawSync]) => {
    const action = ctx.actions[raw.action];
    if (!action) return fail(["syncs", name, "action"], `unknown action "${raw.action}".`);
    const mode = raw.mode ?? action.modes[0];
    if (mode === undefined) return fail(["syncs", name, "action"], `action ${raw.action} declares no modes.`);
    const primaryKey = typeof raw.primary_key === "string" ? [raw.primary_key.trim()] : raw.primary_key;
    const seen = new Set<string>();
    primaryKey.forEach((col, i) => {
      if (seen.has(col)) {
        fail(["syncs", name, "primary_key", i], `syncs.${name}.primary_key: "${col}" is listed twice.`);
      }
      seen.add(col);
    });
    let options: Record<string, unknown> = raw.options ?? {};
    if (action.parseOptions) {
      try {
        options = action.parseOptions(raw.options ?? {}, mode);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        const where = raw.options ? ["syncs", name, "options"] : ["syncs", name];
        return fail(where, `${formatPath(["syncs", name, "options"])}: ${err.message}`, !raw.options);
      }
    }
    const model: LoadSyncConfig["model"] = {};
    if (raw.model?.sql !== undefined) model.sql = raw.model.sql;
    if (raw.model?.table !== undefined) model.table = raw.model.table;
    if (raw.model?.file !== undefined) model.file = raw.model.file.trim();
    const sync: LoadSyncConfig = {
      name,
      action: raw.action,
      mode,
      model,
      primaryKey,
      mapping: Object.entries(raw.mapping).map(([column, field]) => ({ column, field })),
      constants: { ...(raw.constants ?? {}) },
      options,
    };
    if (raw.identify_by !== undefined) sync.identifyBy = raw.identify_by;
    return sync;
  });

  const config: LoadConfig = {
    source: data.source.trim(),
    sourceSpec: source.value,
    klaviyo: { apiKey },
    state:
      ctx.stateLocation.in === "file"
        ? ctx.stateLocation.path
        : `${source.value.display} (schema ${ctx.stateLocation.schema})`,
    stateLocation: ctx.stateLocation,
    syncs,
  };
  if (klaviyo.base_url !== undefined) config.klaviyo.baseUrl = klaviyo.base_url;
  if (klaviyo.rate_limits !== undefined) config.klaviyo.rateLimits = normalizeRateLimits(klaviyo.rate_limits);
  return config;
}
