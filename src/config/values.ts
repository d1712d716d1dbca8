// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} config interpolation syntax is written literally in this file
/**
 * Value checks shared by the YAML config (src/config/extract.ts) and the CLI flags
 * (src/config/quick.ts): modes, dates, durations, rate-limit modes, targets, table templates and
 * stream names. Checks return a problem description; the callers add where it came from.
 */
import { ConfigError } from "../client/errors.js";
import type { SyncMode } from "../extract/types.js";
import { registerSecret } from "../util/redact.js";
import { didYouMean, listAlternatives } from "./suggest.js";

export const MODES: readonly SyncMode[] = ["full-refresh", "incremental"];
export const FILE_FORMATS = ["jsonl", "csv", "parquet"] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

/** What each kind of value must look like, for messages. */
export const EXPECTED = {
  mode: `"full-refresh" or "incremental"`,
  startDate: "a date such as 2024-01-01, or a date-time with a zone such as 2024-01-01T00:00:00Z",
  duration: "a duration such as 30m, 1h or 7d (units ms, s, m, h, d, w; combine as 1h30m)",
  object: "a table name template such as klaviyo_{stream_name}",
  rateLimits: `"real", "off" or a factor such as "10x"`,
  baseUrl: "an http(s) URL such as https://a.klaviyo.com",
  concurrency: "a whole number from 1 to 32",
  apiKey: "a private API key (pk_...), usually written as ${KLAVIYO_API_KEY}",
  target:
    "one of duckdb:PATH (e.g. duckdb:./klaviyo.duckdb), postgres://USER:PASSWORD@HOST:PORT/DATABASE (or postgresql://...), or file:DIR?format=jsonl|csv|parquet (e.g. file:./out?format=parquet)",
} as const;

export type Check<T> = { ok: true; value: T } | { ok: false; problem: string };

export function isMode(value: string): value is SyncMode {
  return (MODES as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------------------------
// Durations

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `30m`, `1h`, `7d`, `1h30m`, `1.5h`, `0` → milliseconds; anything else → undefined. */
export function durationMs(text: string): number | undefined {
  const s = text.trim();
  if (s === "0") return 0;
  if (!/^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/.test(s)) return undefined;
  let total = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) {
    total += Number(m[1]) * (DURATION_UNITS[m[2] ?? ""] ?? Number.NaN);
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

/** Parses a duration (`30m`, `1h`, `7d`, `1h30m`) to milliseconds; throws ConfigError otherwise. */
export function parseDuration(text: string): number {
  const ms = durationMs(text);
  if (ms === undefined) {
    throw new ConfigError(`Expected ${EXPECTED.duration}; got "${text}".`);
  }
  return ms;
}

// ---------------------------------------------------------------------------------------------
// Dates

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

function validDay(y: string, m: string, d: string): boolean {
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return (
    date.getUTCFullYear() === Number(y) &&
    date.getUTCMonth() === Number(m) - 1 &&
    date.getUTCDate() === Number(d)
  );
}

/** ISO 8601 date (`2024-01-01`) or date-time with a zone (`2024-01-01T00:00:00Z`). */
export function isStartDate(text: string): boolean {
  const date = DATE_RE.exec(text);
  if (date) return validDay(date[1]!, date[2]!, date[3]!);
  const dt = DATE_TIME_RE.exec(text);
  if (!dt) return false;
  if (!validDay(dt[1]!, dt[2]!, dt[3]!)) return false;
  const hour = Number(dt[4]);
  const minute = Number(dt[5]);
  const second = dt[6] === undefined ? 0 : Number(dt[6]);
  return hour < 24 && minute < 60 && second < 60;
}

/** A hint for common near-misses (`2024-01-01 00:00:00`, a date-time without a zone). */
export function startDateHint(text: string): string {
  if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/.test(text) && !/(Z|[+-]\d{2}:?\d{2})$/.test(text)) {
    return " Write date-times in ISO 8601 with a zone, e.g. 2024-01-01T00:00:00Z.";
  }
  return "";
}

// ---------------------------------------------------------------------------------------------
// Source settings

/** `real`, `off` or `<factor>x` (normalized to lower case); undefined when invalid. */
export function normalizeRateLimits(text: string): string | undefined {
  const v = text.trim().toLowerCase();
  if (v === "real" || v === "off") return v;
  const m = /^(\d+(?:\.\d+)?)x$/.exec(v);
  if (m && Number(m[1]) > 0) return v;
  return undefined;
}

export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname.length > 0;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Targets

/** A parsed `target`. `display` is safe to print (passwords masked). */
export type TargetSpec =
  | { kind: "duckdb"; path: string; display: string }
  | { kind: "postgres"; url: string; display: string }
  | { kind: "file"; dir: string; format: FileFormat; display: string };

const KNOWN_SCHEMES = ["duckdb", "postgres", "postgresql", "file"];

function stripSlashes(rest: string): string {
  // duckdb:///abs/path and file:///abs/dir carry an absolute path after "//".
  return rest.startsWith("//") ? rest.slice(2) : rest;
}

/** Classifies and validates a target string. Problems never quote the string (it may hold a password). */
export function checkTarget(text: string): Check<TargetSpec> {
  const raw = text.trim();
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(raw)?.[1];
  if (scheme === undefined || scheme.length === 1) {
    const hint = /\.(duckdb|db)$/i.test(raw) ? ` To write to a DuckDB file, prefix it with "duckdb:".` : "";
    return {
      ok: false,
      problem: `expected ${EXPECTED.target}; the value has no scheme.${hint}`,
    };
  }
  const lower = scheme.toLowerCase();
  const rest = raw.slice(scheme.length + 1);
  if (lower === "duckdb") {
    const path = stripSlashes(rest);
    if (path.length === 0) {
      return { ok: false, problem: "a duckdb target needs a file path, e.g. duckdb:./klaviyo.duckdb." };
    }
    return { ok: true, value: { kind: "duckdb", path, display: `duckdb:${path}` } };
  }
  if (lower === "postgres" || lower === "postgresql") {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return {
        ok: false,
        problem:
          "the postgres URL does not parse; write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE and percent-encode special characters in the password.",
      };
    }
    if (!rest.startsWith("//")) {
      return {
        ok: false,
        problem: "write the postgres target as postgres://USER:PASSWORD@HOST:PORT/DATABASE.",
      };
    }
    if (url.password) {
      registerSecret(url.password);
      try {
        registerSecret(decodeURIComponent(url.password));
      } catch {
        // Not percent-encoded consistently; the raw form is registered.
      }
    }
    const masked = new URL(url.href);
    if (masked.password) masked.password = "***";
    masked.search = "";
    return { ok: true, value: { kind: "postgres", url: raw, display: masked.href } };
  }
  if (lower === "file") {
    const q = rest.indexOf("?");
    const dir = stripSlashes(q === -1 ? rest : rest.slice(0, q));
    if (dir.length === 0) {
      return { ok: false, problem: "a file target needs a directory, e.g. file:./out?format=parquet." };
    }
    const params = new URLSearchParams(q === -1 ? "" : rest.slice(q + 1));
    let format: FileFormat = "jsonl";
    for (const [key, value] of params) {
      if (key !== "format") {
        return {
          ok: false,
          problem: `unknown file target option "${key}"; the only option is format (jsonl, csv or parquet).${didYouMean(key, ["format"])}`,
        };
      }
      if (!(FILE_FORMATS as readonly string[]).includes(value)) {
        return {
          ok: false,
          problem: `file format must be ${listAlternatives(FILE_FORMATS)}; got "${value}".${didYouMean(value, FILE_FORMATS)}`,
        };
      }
      format = value as FileFormat;
    }
    return { ok: true, value: { kind: "file", dir, format, display: `file:${dir}?format=${format}` } };
  }
  const near = didYouMean(lower, KNOWN_SCHEMES, (s) => `"${s}:"`);
  return {
    ok: false,
    problem: `unknown target scheme "${scheme}:".${near} Expected ${EXPECTED.target}.`,
  };
}

/** Parses `duckdb:PATH`, `postgres(ql)://...` or `file:DIR?format=...`; throws ConfigError otherwise. */
export function parseTarget(text: string): TargetSpec {
  const result = checkTarget(text);
  if (!result.ok) throw new ConfigError(`Invalid target: ${result.problem}`);
  return result.value;
}

// ---------------------------------------------------------------------------------------------
// Table name templates

export const TEMPLATE_VARIABLES = ["stream_name"] as const;
const TABLE_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_TABLE_NAME = 63;

/** Problem with a template's placeholders, or undefined. */
export function checkObjectTemplate(template: string): string | undefined {
  for (const m of template.matchAll(/\{([^}]*)\}/g)) {
    const name = m[1] ?? "";
    if (!(TEMPLATE_VARIABLES as readonly string[]).includes(name)) {
      const near = didYouMean(name, TEMPLATE_VARIABLES, (s) => `{${s}}`);
      return `unknown placeholder {${name}} in the table name template; the only placeholder is {stream_name}.${near}`;
    }
  }
  if (/[{}]/.test(template.replace(/\{[^}]*\}/g, ""))) {
    return "unbalanced { or } in the table name template; write placeholders as {stream_name}.";
  }
  return undefined;
}

export function renderObjectTemplate(template: string, stream: string): string {
  return template.replace(/\{stream_name\}/g, stream);
}

/** Problem with a rendered table name, or undefined. */
export function checkTableName(table: string): string | undefined {
  if (!TABLE_NAME_RE.test(table)) {
    return `table name "${table}" is not a plain identifier; use letters, digits and _ (not starting with a digit).`;
  }
  if (table.length > MAX_TABLE_NAME) {
    return `table name "${table}" is longer than ${MAX_TABLE_NAME} characters.`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Stream names

/** `*` or a name containing `*` is a pattern; everything else must be a stream name. */
export function isStreamPattern(name: string): boolean {
  return name.includes("*");
}

/** The streams a name or pattern selects, or the problem (unknown name with a suggestion). */
export function matchStreams(name: string, streamNames: readonly string[]): Check<string[]> {
  if (isStreamPattern(name)) {
    const re = new RegExp(`^${name.split("*").map(escapeRegExp).join(".*")}$`);
    const matched = streamNames.filter((s) => re.test(s));
    if (matched.length === 0) {
      return {
        ok: false,
        problem: `the pattern "${name}" matches no stream. Streams: ${streamNames.join(", ")}.`,
      };
    }
    return { ok: true, value: matched };
  }
  if (streamNames.includes(name)) return { ok: true, value: [name] };
  return {
    ok: false,
    problem: `unknown stream "${name}".${didYouMean(name, streamNames)} Streams: ${streamNames.join(", ")} (or "*" for all).`,
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
