/**
 * Singer messages and catalog (the Singer specification, SPEC.md and docs/DISCOVERY_MODE.md):
 * SCHEMA {stream, schema, key_properties, bookmark_properties}, RECORD {stream, record,
 * time_extracted}, STATE {value}; a catalog of streams, each with its schema and metadata
 * entries keyed by breadcrumb (`[]` for the stream, `["properties", column]` for a field).
 * klaviyo-sync's state value is `{ "bookmarks": { stream: <the runner's stream state> } }`.
 */
import { ConfigError } from "../../client/errors.js";
import { STREAMS } from "../../extract/streams/index.js";
import type { StreamDefinition, StreamState, SyncMode } from "../../extract/types.js";
import { knownStream, supportedModes } from "../extract.js";
import { streamSchema } from "../records.js";

export function schemaMessage(def: StreamDefinition, columns = def.columns): Record<string, unknown> {
  return {
    type: "SCHEMA",
    stream: def.name,
    schema: streamSchema(def, columns),
    key_properties: def.primaryKey,
    ...(def.cursor ? { bookmark_properties: [def.cursor.column] } : {}),
  };
}

export function recordMessage(
  stream: string,
  record: Record<string, unknown>,
  timeExtracted: string,
): Record<string, unknown> {
  return { type: "RECORD", stream, record, time_extracted: timeExtracted };
}

export function stateMessage(value: Record<string, unknown>): Record<string, unknown> {
  return { type: "STATE", value };
}

type Metadata = { breadcrumb: string[]; metadata: Record<string, unknown> };

/** The catalog entry of one extract stream (`--discover`). */
export function catalogEntry(def: StreamDefinition): Record<string, unknown> {
  const modes = supportedModes(def);
  const automatic = new Set([...def.primaryKey, ...(def.cursor ? [def.cursor.column] : [])]);
  const metadata: Metadata[] = [
    {
      breadcrumb: [],
      metadata: {
        inclusion: "available",
        "table-key-properties": def.primaryKey,
        ...(def.cursor ? { "valid-replication-keys": [def.cursor.column] } : {}),
        ...(modes.includes("incremental") ? {} : { "forced-replication-method": "FULL_TABLE" }),
      },
    },
    ...def.columns.map((c) => ({
      breadcrumb: ["properties", c.name],
      metadata: { inclusion: automatic.has(c.name) ? "automatic" : "available" },
    })),
  ];
  return {
    tap_stream_id: def.name,
    stream: def.name,
    schema: streamSchema(def),
    key_properties: def.primaryKey,
    metadata,
  };
}

export function singerCatalog(): { streams: Array<Record<string, unknown>> } {
  return { streams: STREAMS.map(catalogEntry) };
}

export interface SelectedStream {
  def: StreamDefinition;
  mode: SyncMode;
  /** Columns left out (metadata `selected: false` on a field that is not automatic). */
  excluded: Set<string>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The streams a catalog selects (metadata `selected: true` on the stream, or the legacy `schema.selected`). */
export function selectedStreams(raw: unknown, file = "catalog"): SelectedStream[] {
  if (!isObject(raw) || !Array.isArray(raw.streams))
    throw new ConfigError(
      `${file} is not a Singer catalog: it needs {"streams": [...]} (see singer tap --discover).`,
    );
  const out: SelectedStream[] = [];
  for (const [i, entry] of raw.streams.entries()) {
    if (!isObject(entry)) throw new ConfigError(`${file}: streams[${i}] is not an object.`);
    const name = typeof entry.tap_stream_id === "string" ? entry.tap_stream_id : entry.stream;
    if (typeof name !== "string") throw new ConfigError(`${file}: streams[${i}] has no tap_stream_id.`);
    const metadata = Array.isArray(entry.metadata) ? (entry.metadata as unknown[]).filter(isObject) : [];
    const root = metadata.find((m) => Array.isArray(m.breadcrumb) && m.breadcrumb.length === 0)?.metadata;
    const rootMeta = isObject(root) ? root : {};
    const legacy = isObject(entry.schema) && entry.schema.selected === true;
    if (rootMeta.selected !== true && !(rootMeta.selected === undefined && legacy)) continue;
    const def = knownStream(name, `${file}: streams[${i}]`);
    const method = rootMeta["replication-method"] ?? entry.replication_method;
    let mode: SyncMode;
    if (method === undefined)
      mode = supportedModes(def).includes(def.defaultMode) ? def.defaultMode : "full-refresh";
    else if (method === "INCREMENTAL") mode = "incremental";
    else if (method === "FULL_TABLE") mode = "full-refresh";
    else
      throw new ConfigError(
        `${file}: stream ${name}: replication-method ${JSON.stringify(method)}; use INCREMENTAL or FULL_TABLE.`,
      );
    const automatic = new Set([...def.primaryKey, ...(def.cursor ? [def.cursor.column] : [])]);
    const excluded = new Set<string>();
    for (const m of metadata) {
      const crumb = m.breadcrumb;
      if (!Array.isArray(crumb) || crumb.length !== 2 || crumb[0] !== "properties") continue;
      const col = String(crumb[1]);
      if (isObject(m.metadata) && m.metadata.selected === false && !automatic.has(col)) excluded.add(col);
    }
    out.push({ def, mode, excluded });
  }
  return out;
}

/**
 * The bookmarks of a `--state` file: the state value (`{"bookmarks": {...}}`), or a STATE message
 * holding one. Bookmarks of streams klaviyo-sync does not know are kept and passed on.
 */
export function parseSingerState(raw: unknown, file = "state"): Map<string, StreamState> {
  const out = new Map<string, StreamState>();
  if (raw === null || raw === undefined) return out;
  if (!isObject(raw))
    throw new ConfigError(`${file}: a Singer state is a JSON object such as {"bookmarks": {...}}.`);
  const value = isObject(raw.value) && raw.type === "STATE" ? raw.value : raw;
  const bookmarks = value.bookmarks ?? {};
  if (!isObject(bookmarks))
    throw new ConfigError(`${file}: bookmarks must be an object of stream name → bookmark.`);
  for (const [name, state] of Object.entries(bookmarks)) {
    if (!isObject(state)) throw new ConfigError(`${file}: the bookmark of ${name} must be an object.`);
    out.set(name, { ...(state as Partial<StreamState>), stream: name } as StreamState);
  }
  return out;
}
