// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} config interpolation syntax is written literally in this file
/**
 * The extract config file (Sling-style YAML):
 *
 * ```yaml
 * source:
 *   api_key: ${KLAVIYO_API_KEY}   # optional: KLAVIYO_API_KEY is used when absent
 *   base_url: https://a.klaviyo.com
 *   rate_limits: real             # real | off | 10x
 * target: duckdb:./klaviyo.duckdb # postgres://... | file:./out?format=parquet
 * concurrency: 4
 * defaults:
 *   mode: incremental             # full-refresh | incremental
 *   start_date: 2024-01-01
 *   lookback: 1h
 *   object: klaviyo_{stream_name}
 * streams:
 *   profiles: { options: [predictive_analytics] }
 *   events: { start_date: 2025-06-01, lookback: 2h }
 *   campaigns:
 *   "*": {}                       # every stream; `list_*` patterns work too
 * ```
 *
 * Every problem is a ConfigError whose message starts with `file:line:column:` and says what to
 * write instead. Values never appear in messages when they came from the environment or belong to a
 * secret key.
 */
import { readFile } from "node:fs/promises";
import { isMap, isScalar, isSeq, type Scalar } from "yaml";
import { z } from "zod";
import { ConfigError } from "../client/errors.js";
import { registerSecret } from "../util/redact.js";
import { expandEnv } from "./env.js";
import { type ExtractConfig, resolveStreams, type StreamEntry, type StreamSettings } from "./resolve.js";
import { didYouMean, listQuoted } from "./suggest.js";
import {
  checkObjectTemplate,
  checkTarget,
  durationMs,
  EXPECTED,
  isHttpUrl,
  isStartDate,
  MODES,
  matchStreams,
  normalizeRateLimits,
  startDateHint,
} from "./values.js";

import { formatPath, type Locator, type Path, readConfigYaml } from "./yaml.js";

export type { ExtractConfig } from "./resolve.js";
export { parseDuration, parseTarget, type TargetSpec } from "./values.js";
export { formatPath, Locator, type Path } from "./yaml.js";

export interface ExtractConfigOptions {
  /** Variables for `${VAR}` (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Valid stream names (the registry's STREAM_NAMES), in registry order. */
  streamNames: readonly string[];
  /**
   * The opt-in options a stream accepts (e.g. `(s) => Object.keys(getStream(s)?.options ?? {})`);
   * when given, `options` lists are checked against it.
   */
  streamOptions?: (stream: string) => readonly string[];
}

/** Keys whose values are registered as secrets (and never echoed). */
export const SECRET_KEY_RE = /(?:^|_)(?:api_key|password|token|secret)$/i;
/** Variables whose values are registered as secrets wherever they are used. */
const SECRET_VAR_RE = /(?:PASSWORD|TOKEN|SECRET|API_KEY|PRIVATE_KEY)/i;

// ---------------------------------------------------------------------------------------------
// Schema

/** Marks a custom issue whose message is a complete problem, not an "expected ..." description. */
const PROBLEM = { problem: true };

function str(expected: string, check?: (s: string) => boolean) {
  const base = z.string({ error: expected });
  return check ? base.refine(check, { error: expected }) : base;
}

const modeSchema = z.enum(MODES as ["full-refresh", "incremental"], { error: EXPECTED.mode });
const startDateSchema = str(EXPECTED.startDate, isStartDate);
const durationSchema = str(EXPECTED.duration, (s) => durationMs(s) !== undefined);
const objectSchema = z
  .string({ error: EXPECTED.object })
  .min(1, { error: EXPECTED.object })
  .superRefine((value, ctx) => {
    const problem = checkObjectTemplate(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem, params: PROBLEM });
  });

const sourceShape = {
  api_key: z.string({ error: EXPECTED.apiKey }).min(1, { error: EXPECTED.apiKey }).optional(),
  base_url: str(EXPECTED.baseUrl, isHttpUrl).optional(),
  rate_limits: str(EXPECTED.rateLimits, (s) => normalizeRateLimits(s) !== undefined).optional(),
};
const defaultsShape = {
  mode: modeSchema.optional(),
  start_date: startDateSchema.optional(),
  lookback: durationSchema.optional(),
  object: objectSchema.optional(),
};
const streamShape = {
  ...defaultsShape,
  options: z
    .array(z.string({ error: "a stream option name" }), {
      error: "a list of stream option names, e.g. [predictive_analytics]",
    })
    .optional(),
  disabled: z.boolean({ error: "true or false" }).optional(),
};

const STREAMS_EXPECTED = `a map of stream names to settings, e.g. "profiles: {}" (or "*": {} for every stream)`;
const MAP_EXPECTED = (what: string, keys: string[]) => `a map of ${what} settings (${keys.join(", ")})`;

const topShape = {
  source: z
    .strictObject(sourceShape, { error: MAP_EXPECTED("source", Object.keys(sourceShape)) })
    .nullable()
    .optional(),
  target: z.string({ error: EXPECTED.target }).superRefine((value, ctx) => {
    const result = checkTarget(value);
    if (!result.ok) ctx.addIssue({ code: "custom", message: result.problem, params: PROBLEM });
  }),
  concurrency: z
    .preprocess(
      (v) => (typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v),
      z
        .int({ error: EXPECTED.concurrency })
        .min(1, { error: EXPECTED.concurrency })
        .max(32, { error: EXPECTED.concurrency }),
    )
    .optional(),
  defaults: z
    .strictObject(defaultsShape, { error: MAP_EXPECTED("default stream", Object.keys(defaultsShape)) })
    .nullable()
    .optional(),
  streams: z.record(
    z.string(),
    z
      .strictObject(streamShape, {
        error: `${MAP_EXPECTED("stream", Object.keys(streamShape))}, or nothing`,
      })
      .nullable(),
    { error: STREAMS_EXPECTED },
  ),
};

const configSchema = z.strictObject(topShape, {
  error: `a map with ${Object.keys(topShape).join(", ")} at the top level`,
});

type RawConfig = z.infer<typeof configSchema>;
type RawSettings = z.infer<z.ZodObject<typeof streamShape>>;

/** Valid keys at a path, for unknown-key messages. */
function keysAt(path: Path): { keys: string[]; where: string } {
  if (path.length === 0) return { keys: Object.keys(topShape), where: "at the top level" };
  if (path[0] === "source") return { keys: Object.keys(sourceShape), where: "in source" };
  if (path[0] === "defaults") return { keys: Object.keys(defaultsShape), where: "in defaults" };
  return { keys: Object.keys(streamShape), where: `in ${formatPath(path)}` };
}

// ---------------------------------------------------------------------------------------------
// Interpolation

/** Expands `${VAR}` in every string value; returns the interpolated scalars with their variables. */
export function interpolate(
  root: unknown,
  text: string,
  env: Record<string, string | undefined>,
  locator: Locator,
): Map<Scalar, string[]> {
  const interpolated = new Map<Scalar, string[]>();
  const walk = (node: unknown, path: Path): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : "?";
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        walk(item, [...path, i]);
      });
    } else if (isScalar(node) && typeof node.value === "string" && node.value.includes("${")) {
      const result = expandEnv(node.value, env);
      const start = node.range?.[0] ?? 0;
      if (!result.ok) {
        const raw = text.slice(start, node.range?.[1] ?? start);
        const needle = result.name === undefined ? "${" : `\${${result.name}`;
        const at = raw.indexOf(needle);
        const offset = at === -1 ? start : start + at;
        const used = path.length > 0 ? ` (used by ${formatPath(path)})` : "";
        const problem =
          result.kind === "missing"
            ? result.problem.replace(" is not set.", ` is not set${used}.`)
            : result.problem;
        throw new ConfigError(`${locator.at(offset)}: ${problem}`);
      }
      const lastKey = [...path].reverse().find((s): s is string => typeof s === "string") ?? "";
      const secretKey = SECRET_KEY_RE.test(lastKey);
      if (secretKey) registerSecret(result.value);
      for (const v of result.vars) {
        if (secretKey || SECRET_VAR_RE.test(v.name)) registerSecret(v.value);
      }
      node.value = result.value;
      interpolated.set(
        node,
        result.vars.map((v) => v.name),
      );
    }
  };
  walk(root, []);
  return interpolated;
}

// ---------------------------------------------------------------------------------------------
// Loading

/** Reads and validates an extract config file. */
export async function loadExtractConfig(path: string, options: ExtractConfigOptions): Promise<ExtractConfig> {
  const text = await readConfigText(
    path,
    "Pass the path of an extract YAML file (see docs), or use --streams and --target instead of a file.",
  );
  return parseExtractConfig(text, { ...options, file: path });
}

/** A config file's text; a missing or unreadable file is a ConfigError that says why and `hint`. */
export async function readConfigText(path: string, hint: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "does not exist"
        : code === "EISDIR"
          ? "is a directory"
          : `cannot be read (${code ?? "error"})`;
    throw new ConfigError(`The config file ${path} ${why}. ${hint}`);
  }
}

export interface Located {
  offset: number;
  message: string;
  /** Missing keys are reported after other problems (a misspelt key explains a missing one). */
  missing?: boolean;
}

/** Validates extract config text; `file` names it in messages. */
export function parseExtractConfig(
  text: string,
  options: ExtractConfigOptions & { file: string },
): ExtractConfig {
  const { file, streamNames } = options;
  const env = options.env ?? process.env;
  const { root, parsedText, locator, toJS } = readConfigYaml(
    text,
    file,
    'the config file is empty; it needs at least target and streams (e.g. "target: duckdb:./klaviyo.duckdb" and "streams: { profiles: {} }").',
  );
  const interpolated = interpolate(root, parsedText, env, locator);
  const raw: unknown = toJS();

  const problems: Located[] = [];
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(...locateIssue(issue, locator, interpolated));
    }
  }
  problems.push(...streamNameProblems(raw, streamNames, locator));
  if (options.streamOptions)
    problems.push(...optionProblems(raw, streamNames, options.streamOptions, locator));
  if (problems.length > 0) throw located(problems, locator);
  // Unreachable when problems were found; narrows the type.
  if (!parsed.success) throw new ConfigError(`${file}: invalid config.`);
  return build(parsed.data, { file, env, streamNames, locator });
}

export function located(problems: Located[], locator: Locator): ConfigError {
  const sorted = [...problems].sort(
    (a, b) => Number(a.missing ?? false) - Number(b.missing ?? false) || a.offset - b.offset,
  );
  const first = sorted[0]!;
  const distinct = new Set(sorted.map((p) => `${p.offset}:${p.message}`)).size;
  const more =
    distinct > 1
      ? ` (${distinct - 1} more problem${distinct > 2 ? "s" : ""} in this file after this one.)`
      : "";
  return new ConfigError(`${locator.at(first.offset)}: ${first.message}${more}`);
}

export function describeValue(node: unknown, interpolated: Map<Scalar, string[]>, secret: boolean): string {
  if (node === undefined) return "nothing";
  if (isMap(node)) return "a map";
  if (isSeq(node)) return "a list";
  if (isScalar(node)) {
    const vars = interpolated.get(node);
    if (vars) return `the value of ${vars.map((v) => `\${${v}}`).join(", ")}`;
    if (secret) return "a value that is not shown";
    const v = node.value;
    if (typeof v === "string") return `"${v.length > 60 ? `${v.slice(0, 57)}...` : v}"`;
    if (typeof v === "number" || typeof v === "boolean") return `${typeof v} ${String(v)}`;
  }
  return "something else";
}

type Issue = z.core.$ZodIssue;

function locateIssue(issue: Issue, locator: Locator, interpolated: Map<Scalar, string[]>): Located[] {
  const path = issue.path.filter((s): s is string | number => typeof s !== "symbol");
  if (issue.code === "unrecognized_keys") {
    const { keys, where } = keysAt(path);
    return issue.keys.map((key) => {
      const found = locator.find([...path, key]);
      let hint = didYouMean(key, keys);
      if (path.length === 0 && hint === "" && key in defaultsShape) {
        hint = ` Stream settings go under defaults: (for every stream) or under a stream in streams:.`;
      }
      return {
        offset: found.keyOffset ?? found.offset,
        message: `unknown key "${key}" ${where}.${hint} Valid keys: ${listQuoted(keys)}.`,
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
  const node = found.node;
  const hint =
    lastKey === "start_date" && isScalar(node) && typeof node.value === "string"
      ? startDateHint(node.value)
      : "";
  return [{ offset: found.offset, message: `${name}: expected ${issue.message}; got ${got}.${hint}` }];
}

function streamNameProblems(raw: unknown, streamNames: readonly string[], locator: Locator): Located[] {
  if (!raw || typeof raw !== "object") return [];
  const streams = (raw as { streams?: unknown }).streams;
  if (!streams || typeof streams !== "object" || Array.isArray(streams)) return [];
  const problems: Located[] = [];
  for (const name of Object.keys(streams)) {
    const match = matchStreams(name, streamNames);
    if (!match.ok) {
      const found = locator.find(["streams", name]);
      problems.push({ offset: found.keyOffset ?? found.offset, message: `streams: ${match.problem}` });
    }
  }
  return problems;
}

function optionProblems(
  raw: unknown,
  streamNames: readonly string[],
  streamOptions: (stream: string) => readonly string[],
  locator: Locator,
): Located[] {
  const streams = raw && typeof raw === "object" ? (raw as { streams?: unknown }).streams : undefined;
  if (!streams || typeof streams !== "object" || Array.isArray(streams)) return [];
  const problems: Located[] = [];
  for (const [name, settings] of Object.entries(streams)) {
    const list =
      settings && typeof settings === "object" ? (settings as { options?: unknown }).options : undefined;
    const match = matchStreams(name, streamNames);
    if (!Array.isArray(list) || !match.ok) continue;
    const allowed = [...new Set(match.value.flatMap((s) => [...streamOptions(s)]))];
    list.forEach((option, i) => {
      if (typeof option !== "string" || allowed.includes(option)) return;
      const path = ["streams", name, "options", i];
      const which = match.value.length === 1 ? name : `the streams "${name}" selects`;
      const known =
        allowed.length === 0
          ? ` ${which} ${match.value.length === 1 ? "takes" : "take"} no options.`
          : ` Options: ${allowed.join(", ")}.`;
      problems.push({
        offset: locator.find(path).offset,
        message: `${formatPath(path)}: unknown option "${option}" for ${which}.${didYouMean(option, allowed)}${known}`,
      });
    });
  }
  return problems;
}

function toSettings(raw: Partial<RawSettings> | null | undefined): StreamSettings {
  const settings: StreamSettings = {};
  if (!raw) return settings;
  if (raw.mode !== undefined) settings.mode = raw.mode;
  if (raw.start_date !== undefined) settings.startDate = raw.start_date;
  if (raw.lookback !== undefined) settings.lookbackMs = durationMs(raw.lookback) ?? 0;
  if (raw.object !== undefined) settings.object = raw.object;
  if (raw.options !== undefined) settings.options = raw.options;
  if (raw.disabled !== undefined) settings.disabled = raw.disabled;
  return settings;
}

function build(
  data: RawConfig,
  ctx: {
    file: string;
    env: Record<string, string | undefined>;
    streamNames: readonly string[];
    locator: Locator;
  },
): ExtractConfig {
  const { locator } = ctx;
  const fail = (path: Path, message: string, key = false): never => locator.fail(path, message, key);

  const source = data.source ?? {};
  const apiKey = source.api_key ?? ctx.env.KLAVIYO_API_KEY;
  if (apiKey === undefined || apiKey === "") {
    fail(
      ["source"],
      "no API key: set source.api_key (e.g. api_key: ${KLAVIYO_API_KEY}) or the KLAVIYO_API_KEY environment variable to a private API key (pk_...).",
      true,
    );
  }
  registerSecret(apiKey);

  const target = checkTarget(data.target);
  if (!target.ok) return fail(["target"], `target: ${target.problem}`);

  const entries: StreamEntry<Path>[] = Object.entries(data.streams).map(([name, settings]) => ({
    name,
    settings: toSettings(settings),
    ref: ["streams", name, "object"],
  }));
  const defaults = data.defaults
    ? { settings: toSettings(data.defaults), ref: ["defaults", "object"] }
    : undefined;
  const resolved = resolveStreams(defaults, entries, ctx.streamNames);
  if (!resolved.ok) return fail(resolved.ref ?? ["streams"], resolved.problem);
  if (resolved.streams.length === 0) {
    fail(
      ["streams"],
      `no streams selected: name streams under streams: (e.g. "profiles: {}") or add "*": {} for every stream.`,
      true,
    );
  }

  const config: ExtractConfig = {
    source: { apiKey: apiKey as string },
    target: data.target,
    targetSpec: target.value,
    streams: resolved.streams,
  };
  if (source.base_url !== undefined) config.source.baseUrl = source.base_url;
  if (source.rate_limits !== undefined) config.source.rateLimits = normalizeRateLimits(source.rate_limits);
  if (data.concurrency !== undefined) config.concurrency = data.concurrency;
  return config;
}
