/**
 * The destination side shared by `airbyte write` and `singer target`: records become load rows,
 * are held per stream (deduplicated by primary key, the last record wins) and are pushed through
 * the load engine (runSync: snapshot diff, validation, action batches, per-row outcomes), and a
 * state message is passed on only once every record received before it has its outcome.
 *
 * Records are sent when the held records reach `batchSize` (memory stays bounded whatever the
 * source does), when a state message has waited `flushIntervalMs`, and at the end of the input.
 * A state waits for the send that covers every record before it: all streams are sent, then the
 * states waiting are released in the order they arrived. A send that fails (Klaviyo unreachable
 * past the retries, a key without the scope) releases nothing and stops the command, so the
 * source resumes from the last state passed on and nothing it covers is lost.
 *
 * Invalid and rejected rows count as done (their outcome is recorded and reported, as a load
 * reports them); they are logged with their reason, and counted per stream. Two exceptions stop
 * the command instead, so that no state moves past records Klaviyo never took: a send of which
 * Klaviyo took nothing and refused something (a revoked key, an outage past the retries: the
 * actions report those as rejected rows), and, with `maxRejectRate`, a send whose invalid and
 * rejected rows exceed that fraction.
 */
import { createHash } from "node:crypto";
import type { KlaviyoClient } from "../client/index.js";
import { acceptsField } from "../config/load.js";
import { type LoadStateStore, type RunSummary, runSync, type SyncSpec } from "../load/engine.js";
import type { ModelRow } from "../load/types.js";
import type { DestinationStreamConfig } from "./config.js";

/** Model column holding a row's key; mapped fields are columns `FIELD + name` (apart from the record's own keys). */
const KEY = "\u0000key";
const FIELD = "\u0000f:";

export interface LoadStream {
  /** How messages name the stream (`namespace.name` or `name`). */
  key: string;
  config: DestinationStreamConfig;
  /** Record paths of the primary key; empty: a hash of the whole record. */
  keyPaths: string[];
}

export interface StreamTotals {
  records: number;
  sent: number;
  succeeded: number;
  unchanged: number;
  invalid: number;
  rejected: number;
}

/** Klaviyo did not take a send: the records are not confirmed, and no state after them may be passed on. */
export class DeliveryError extends Error {
  override readonly name = "DeliveryError";
}

export interface ProtocolLoaderOptions {
  client: KlaviyoClient;
  state: LoadStateStore;
  streams: ReadonlyMap<string, LoadStream>;
  /** Prefix of the sync names in the load state (`airbyte`, `singer`). */
  syncPrefix: string;
  batchSize: number;
  flushIntervalMs: number;
  log(level: "info" | "warn", message: string): void;
  signal?: AbortSignal;
  now?: () => number;
  /** Rows logged one by one per stream and send (the rest are counted). */
  maxRejectLines?: number;
  /** Stop when (invalid + rejected) / records sent in one send exceeds this fraction. */
  maxRejectRate?: number;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The value at `path`: the record's own key of that name, else a dotted walk into nested objects. */
export function valueAt(record: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(record, path)) return record[path];
  let cur: unknown = record;
  for (const part of path.split(".")) {
    if (!isObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

/** Canonical JSON (sorted keys): the same record always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The Klaviyo fields a record maps to (field name → value); a field whose path the record lacks is left out. */
export function mapRecord(
  record: Record<string, unknown>,
  config: DestinationStreamConfig,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const { action } = config;
  const spread = (field: string, value: unknown, prefix: boolean) => {
    if (!isObject(value)) return;
    for (const [k, v] of Object.entries(value)) {
      const name = `${field}.${k}`;
      // A prefix field takes any key; `location.*` only the members the action knows.
      if (prefix || acceptsField(action.fields, name)) out[name] = v;
    }
  };
  if (!config.mapping) {
    for (const f of action.fields) {
      if (f.prefix) {
        const name = f.name.replace(/\.\*?$/, "");
        spread(name, valueAt(record, name), true);
        continue;
      }
      const v = valueAt(record, f.name);
      if (v !== undefined) out[f.name] = v;
    }
    return out;
  }
  for (const m of config.mapping) {
    const v = valueAt(record, m.path);
    if (m.spread) {
      const prefix = action.fields.some((f) => f.prefix && f.name.replace(/\.\*?$/, "") === m.field);
      spread(m.field, v, prefix);
    } else if (v !== undefined) out[m.field] = v;
  }
  return out;
}

/** The record's key: its primary key values joined, or a hash of the record; undefined when a key value is missing. */
export function recordKey(record: Record<string, unknown>, keyPaths: readonly string[]): string | undefined {
  if (keyPaths.length === 0)
    return `sha256:${createHash("sha256").update(canonical(record)).digest("base64url")}`;
  const parts: string[] = [];
  for (const p of keyPaths) {
    const v = valueAt(record, p);
    if (v === undefined || v === null || v === "") return undefined;
    parts.push(typeof v === "object" ? canonical(v) : String(v));
  }
  return parts.join("\u001f");
}

export class ProtocolLoader {
  private readonly buffers = new Map<string, Map<string, ModelRow>>();
  private held = 0;
  private waiting: Array<() => Promise<void>> = [];
  private waitingSince: number | undefined;
  private readonly totals = new Map<string, StreamTotals>();
  private readonly now: () => number;

  constructor(private readonly opts: ProtocolLoaderOptions) {
    this.now = opts.now ?? Date.now;
  }

  private totalsOf(stream: string): StreamTotals {
    let t = this.totals.get(stream);
    if (!t) {
      t = { records: 0, sent: 0, succeeded: 0, unchanged: 0, invalid: 0, rejected: 0 };
      this.totals.set(stream, t);
    }
    return t;
  }

  /** Per stream: records received and what became of them so far. */
  summary(): ReadonlyMap<string, StreamTotals> {
    return this.totals;
  }

  /** Takes one record of a configured stream; may send what is held first. */
  async record(stream: LoadStream, data: Record<string, unknown>): Promise<void> {
    const totals = this.totalsOf(stream.key);
    totals.records++;
    const key = recordKey(data, stream.keyPaths);
    if (key === undefined) {
      totals.invalid++;
      this.opts.log(
        "warn",
        `${stream.key}: record ${totals.records} invalid: its primary key (${stream.keyPaths.join(", ")}) is missing or empty; not sent`,
      );
      return;
    }
    const row: ModelRow = { ...data };
    for (const [field, value] of Object.entries(mapRecord(data, stream.config))) row[FIELD + field] = value;
    row[KEY] = key;
    let buffer = this.buffers.get(stream.key);
    if (!buffer) {
      buffer = new Map();
      this.buffers.set(stream.key, buffer);
    }
    // The last record of a key wins; a Map keeps the key's first place, which does not matter here.
    if (!buffer.has(key)) this.held++;
    buffer.set(key, row);
    if (this.held >= this.opts.batchSize || this.stateDue()) await this.flush();
  }

  private stateDue(): boolean {
    return this.waitingSince !== undefined && this.now() - this.waitingSince >= this.opts.flushIntervalMs;
  }

  /** Takes a state message: `release` runs once every record before it has its outcome. */
  async state(release: () => Promise<void>): Promise<void> {
    this.waiting.push(release);
    this.waitingSince ??= this.now();
    if (this.held === 0 || this.stateDue()) await this.flush();
  }

  /** Sends everything held and releases the states waiting. */
  async flush(): Promise<void> {
    for (const [streamKey, buffer] of this.buffers) {
      if (buffer.size === 0) continue;
      const stream = this.opts.streams.get(streamKey);
      if (!stream) continue;
      const rows = [...buffer.values()];
      this.buffers.set(streamKey, new Map());
      this.held -= rows.length;
      await this.send(stream, rows);
    }
    const waiting = this.waiting;
    this.waiting = [];
    this.waitingSince = undefined;
    for (const release of waiting) await release();
  }

  private async send(stream: LoadStream, rows: ModelRow[]): Promise<void> {
    const { config } = stream;
    const fields = new Set<string>();
    for (const row of rows)
      for (const k of Object.keys(row)) if (k.startsWith(FIELD)) fields.add(k.slice(FIELD.length));
    const sync: SyncSpec = {
      name: `${this.opts.syncPrefix}.${stream.key}`,
      action: config.action,
      mode: config.mode,
      primaryKey: [KEY],
      mapping: [...fields].map((field) => ({ column: FIELD + field, field })),
      constants: config.constants,
      options: config.options,
    };
    const totals = this.totalsOf(stream.key);
    const max = this.opts.maxRejectLines ?? 20;
    let logged = 0;
    let unlogged = 0;
    let firstRejection: string | undefined;
    const result = await runSync({
      client: this.opts.client,
      sync,
      state: this.opts.state,
      openModel: async () => ({
        async *rows(batchSize: number) {
          for (let i = 0; i < rows.length; i += batchSize) yield rows.slice(i, i + batchSize);
        },
        async close() {},
      }),
      ...(this.opts.signal ? { signal: this.opts.signal } : {}),
      ...(this.opts.maxRejectRate === undefined ? {} : { maxRejectRate: this.opts.maxRejectRate }),
      onReject: (r) => {
        if (r.status === "rejected") firstRejection ??= r.reason;
        if (logged >= max) {
          unlogged++;
          return;
        }
        logged++;
        this.opts.log(
          "warn",
          `${stream.key}: record ${r.key.split("\u001f").join(", ")} ${r.status}: ${r.reason} (payload ${JSON.stringify(r.payload)})`,
        );
      },
    });
    const s: RunSummary = result.summary;
    totals.sent += s.added + s.changed;
    totals.succeeded += s.succeeded;
    totals.unchanged += s.unchanged;
    totals.invalid += s.invalid;
    totals.rejected += s.rejected;
    if (unlogged > 0)
      this.opts.log("warn", `${stream.key}: ${unlogged} more invalid or rejected records not shown`);
    if (s.rejected > 0 && s.succeeded === 0)
      throw new DeliveryError(
        `${stream.key}: Klaviyo took none of the ${s.added + s.changed} records sent and refused ${s.rejected} (first reason: ${firstRejection}); stopping without passing on any later state, so the source sends them again.`,
      );
    if (s.status === "failed")
      throw new DeliveryError(
        `${stream.key}: ${s.error ?? "the send failed"}; stopping without passing on any later state.`,
      );
    this.opts.log(
      "info",
      `${stream.key}: ${rows.length} records → ${config.action.name} (${config.mode}): ${s.succeeded} succeeded, ${s.unchanged} unchanged, ${s.invalid} invalid, ${s.rejected} rejected (${(s.durationMs / 1000).toFixed(1)} s)`,
    );
  }
}
