/**
 * Turns validated settings (defaults, stream patterns such as `*`, named streams) into the
 * runner's StreamSelection list. Shared by the YAML config and the CLI flags.
 */
import type { StreamSelection } from "../extract/runner-api.js";
import type { SyncMode } from "../extract/types.js";
import {
  checkTableName,
  isStreamPattern,
  matchStreams,
  renderObjectTemplate,
  type TargetSpec,
} from "./values.js";

/** What an extract config resolves to; the CLI builds the client, target and runner options from it. */
export interface ExtractConfig {
  source: {
    apiKey: string;
    baseUrl?: string;
    /** `real`, `off` or `<factor>x`, as `--rate-limits` takes it. */
    rateLimits?: string;
  };
  /** The target string as written (after `${VAR}` interpolation); may hold a password. */
  target: string;
  /** The target, classified; `display` is safe to print. */
  targetSpec: TargetSpec;
  streams: StreamSelection[];
  concurrency?: number;
}

/** Settings one layer (defaults, a pattern entry, a stream entry, or flags) contributes. */
export interface StreamSettings {
  mode?: SyncMode;
  startDate?: string;
  lookbackMs?: number;
  /** Table name template (`klaviyo_{stream_name}`), already checked for placeholders. */
  object?: string;
  options?: string[];
  disabled?: boolean;
}

export interface SettingsLayer<Ref> {
  settings: StreamSettings;
  /** Where the layer came from, to place messages (a YAML path, a flag name). */
  ref: Ref;
}

export interface StreamEntry<Ref> extends SettingsLayer<Ref> {
  /** A stream name or a pattern (`*`, `list_*`); already known to match. */
  name: string;
}

export type Resolution<Ref> =
  | { ok: true; streams: StreamSelection[] }
  | { ok: false; problem: string; ref: Ref | undefined };

/**
 * Each selected stream gets, in increasing precedence: the defaults, every pattern entry that
 * matches it (in order), and its own entry. Streams come in entry order (a pattern adds the streams
 * it matches in registry order); a stream whose merged settings say `disabled` is left out.
 */
export function resolveStreams<Ref>(
  defaults: SettingsLayer<Ref> | undefined,
  entries: readonly StreamEntry<Ref>[],
  streamNames: readonly string[],
): Resolution<Ref> {
  const order: string[] = [];
  const layersFor = new Map<string, SettingsLayer<Ref>[]>();
  const patterns = entries.filter((e) => isStreamPattern(e.name));
  for (const entry of entries) {
    const match = matchStreams(entry.name, streamNames);
    if (!match.ok) return { ok: false, problem: match.problem, ref: entry.ref };
    for (const name of match.value) {
      if (!layersFor.has(name)) {
        order.push(name);
        const layers: SettingsLayer<Ref>[] = defaults ? [defaults] : [];
        for (const p of patterns) {
          const pm = matchStreams(p.name, streamNames);
          if (pm.ok && pm.value.includes(name)) layers.push(p);
        }
        const own = entries.find((e) => e.name === name);
        if (own) layers.push(own);
        layersFor.set(name, layers);
      }
    }
  }

  const streams: StreamSelection[] = [];
  const tables = new Map<string, string>();
  for (const name of order) {
    const layers = layersFor.get(name) ?? [];
    const merged: StreamSettings = {};
    let objectRef: Ref | undefined;
    for (const layer of layers) {
      const s = layer.settings;
      if (s.mode !== undefined) merged.mode = s.mode;
      if (s.startDate !== undefined) merged.startDate = s.startDate;
      if (s.lookbackMs !== undefined) merged.lookbackMs = s.lookbackMs;
      if (s.options !== undefined) merged.options = s.options;
      if (s.disabled !== undefined) merged.disabled = s.disabled;
      if (s.object !== undefined) {
        merged.object = s.object;
        objectRef = layer.ref;
      }
    }
    if (merged.disabled) continue;
    const selection: StreamSelection = { name };
    if (merged.mode !== undefined) selection.mode = merged.mode;
    if (merged.startDate !== undefined) selection.startDate = merged.startDate;
    if (merged.lookbackMs !== undefined) selection.lookbackMs = merged.lookbackMs;
    if (merged.options !== undefined && merged.options.length > 0) selection.options = [...merged.options];
    if (merged.object !== undefined) {
      const table = renderObjectTemplate(merged.object, name);
      const problem = checkTableName(table);
      if (problem) return { ok: false, problem: `${problem} (stream ${name})`, ref: objectRef };
      selection.table = table;
    }
    const table = selection.table ?? name;
    const other = tables.get(table);
    if (other !== undefined) {
      return {
        ok: false,
        problem: `streams ${other} and ${name} would both write table "${table}"; put {stream_name} in the object template or give each stream its own object.`,
        ref: objectRef,
      };
    }
    tables.set(table, name);
    streams.push(selection);
  }
  return { ok: true, streams };
}
