/**
 * The extract config from CLI flags, for runs without a file:
 * `--streams profiles,events` (or `all`), `--target`, `--mode`, `--start-date`, `--lookback`,
 * `--object`, `--concurrency`. Same checks and messages as the YAML config, naming the flag instead
 * of a file position. The API key comes from KLAVIYO_API_KEY only (never from a flag).
 */
import { ConfigError } from "../client/errors.js";
import { registerSecret } from "../util/redact.js";
import { type ExtractConfig, resolveStreams, type StreamEntry, type StreamSettings } from "./resolve.js";
import {
  checkObjectTemplate,
  checkTarget,
  durationMs,
  EXPECTED,
  isHttpUrl,
  isMode,
  isStartDate,
  matchStreams,
  normalizeRateLimits,
  startDateHint,
} from "./values.js";

export interface QuickFlags {
  /** Comma-separated stream names or patterns; `all` (or `*`) for every stream. */
  streams?: string;
  target?: string;
  mode?: string;
  startDate?: string;
  lookback?: string;
  /** Table name template, e.g. `klaviyo_{stream_name}`. */
  object?: string;
  concurrency?: string | number;
  baseUrl?: string;
  rateLimits?: string;
}

export interface QuickConfigOptions {
  /** Where KLAVIYO_API_KEY is read (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Valid stream names (the registry's STREAM_NAMES), in registry order. */
  streamNames: readonly string[];
}

function fail(flag: string, message: string): never {
  throw new ConfigError(`${flag}: ${message}`);
}

function expected(flag: string, what: string, value: string, hint = ""): never {
  const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return fail(flag, `expected ${what}; got "${shown}".${hint}`);
}

/** Builds the extract config from flags; throws ConfigError naming the flag at fault. */
export function quickExtractConfig(flags: QuickFlags, options: QuickConfigOptions): ExtractConfig {
  const env = options.env ?? process.env;
  const { streamNames } = options;

  const apiKey = env.KLAVIYO_API_KEY;
  if (apiKey === undefined || apiKey.trim() === "") {
    throw new ConfigError(
      "No API key: set the KLAVIYO_API_KEY environment variable to a private API key (pk_...; create one in Klaviyo under Settings > API keys).",
    );
  }
  registerSecret(apiKey);

  if (flags.target === undefined || flags.target.trim() === "") {
    fail("--target", `is required: ${EXPECTED.target}.`);
  }
  const target = checkTarget(flags.target);
  if (!target.ok) fail("--target", target.problem);

  const defaults: StreamSettings = {};
  if (flags.mode !== undefined) {
    if (!isMode(flags.mode)) expected("--mode", EXPECTED.mode, flags.mode);
    defaults.mode = flags.mode;
  }
  if (flags.startDate !== undefined) {
    if (!isStartDate(flags.startDate)) {
      expected("--start-date", EXPECTED.startDate, flags.startDate, startDateHint(flags.startDate));
    }
    defaults.startDate = flags.startDate;
  }
  if (flags.lookback !== undefined) {
    const ms = durationMs(flags.lookback);
    if (ms === undefined) expected("--lookback", EXPECTED.duration, flags.lookback);
    defaults.lookbackMs = ms;
  }
  if (flags.object !== undefined) {
    if (flags.object === "") expected("--object", EXPECTED.object, flags.object);
    const problem = checkObjectTemplate(flags.object);
    if (problem) fail("--object", problem);
    defaults.object = flags.object;
  }

  let concurrency: number | undefined;
  if (flags.concurrency !== undefined) {
    const raw = String(flags.concurrency).trim();
    const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(n >= 1 && n <= 32)) expected("--concurrency", EXPECTED.concurrency, raw);
    concurrency = n;
  }
  if (flags.baseUrl !== undefined && !isHttpUrl(flags.baseUrl)) {
    expected("--base-url", EXPECTED.baseUrl, flags.baseUrl);
  }
  let rateLimits: string | undefined;
  if (flags.rateLimits !== undefined) {
    rateLimits = normalizeRateLimits(flags.rateLimits);
    if (rateLimits === undefined) expected("--rate-limits", EXPECTED.rateLimits, flags.rateLimits);
  }

  const names = (flags.streams ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => (s.toLowerCase() === "all" ? "*" : s));
  if (names.length === 0) {
    fail(
      "--streams",
      `is required: name the streams to read, comma-separated (e.g. --streams profiles,events), or "all". Streams: ${streamNames.join(", ")}.`,
    );
  }
  const entries: StreamEntry<string>[] = [];
  for (const name of names) {
    const match = matchStreams(name, streamNames);
    if (!match.ok) fail("--streams", match.problem);
    if (!entries.some((e) => e.name === name)) entries.push({ name, settings: {}, ref: "--streams" });
  }
  const resolved = resolveStreams({ settings: defaults, ref: "--object" }, entries, streamNames);
  if (!resolved.ok) fail(resolved.ref ?? "--streams", resolved.problem);

  const config: ExtractConfig = {
    source: { apiKey },
    target: flags.target,
    targetSpec: target.value,
    streams: resolved.streams,
  };
  if (flags.baseUrl !== undefined) config.source.baseUrl = flags.baseUrl;
  if (rateLimits !== undefined) config.source.rateLimits = rateLimits;
  if (concurrency !== undefined) config.concurrency = concurrency;
  return config;
}
