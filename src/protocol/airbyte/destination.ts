/**
 * The Airbyte destination: `spec`, `check`, `discover` (the DESTINATION_CATALOG of load
 * operations) and `write`, which turns the RECORD messages on stdin into load actions through the
 * load engine and passes each STATE message on (with `destinationStats`) only once every record
 * before it has its outcome from Klaviyo (see ../load.ts).
 *
 * Each configured stream gets its action from the config (`streams.<name>`), or from the
 * operation the catalog names (`destination_object_name` + `destination_sync_mode`). Its primary
 * key is the config's, else the catalog's `primary_key`, else the source's; without one, records
 * are keyed by a hash of their content. `overwrite` is refused: a record stream can add to
 * Klaviyo but cannot say what to take away.
 */
import type { Readable } from "node:stream";
import { ConfigError } from "../../client/errors.js";
import type { KlaviyoClient } from "../../client/index.js";
import type { LoadStateStore } from "../../load/engine.js";
import { configJsonSchema, type DestinationConfig, type DestinationStreamConfig } from "../config.js";
import type { OrderedSink } from "../extract.js";
import { readJsonLines } from "../io.js";
import { type LoadStream, ProtocolLoader } from "../load.js";
import { destinationOperations, OPERATION_SYNC_MODES, operationAction } from "../operations.js";
import {
  type AirbyteMessage,
  type ConfiguredCatalog,
  type ConfiguredStream,
  DESTINATION_SYNC_MODES,
  type DestinationSyncMode,
  descriptorKey,
  destinationCatalogMessage,
  logMessage,
  specMessage,
} from "./messages.js";

/** The destination sync modes some operation stands for (never `overwrite`). */
export const SUPPORTED_DESTINATION_SYNC_MODES: DestinationSyncMode[] = DESTINATION_SYNC_MODES.filter((m) =>
  Object.values(OPERATION_SYNC_MODES).some((modes) => Object.values(modes).includes(m)),
);

export function destinationSpecMessage(): AirbyteMessage {
  return specMessage({
    connectionSpecification: configJsonSchema("destination"),
    supported_destination_sync_modes: SUPPORTED_DESTINATION_SYNC_MODES,
  });
}

export function destinationDiscoverMessage(): AirbyteMessage {
  return destinationCatalogMessage(destinationOperations());
}

function streamConfig(config: DestinationConfig, cs: ConfiguredStream, key: string): DestinationStreamConfig {
  const own = config.streams.get(key) ?? config.streams.get(cs.stream.name);
  if (own) return own;
  const object = cs.destination_object_name ?? undefined;
  if (object) {
    const op = operationAction(object, cs.destination_sync_mode);
    if (!op)
      throw new ConfigError(
        `catalog stream ${key}: no operation ${object} with destination_sync_mode ${cs.destination_sync_mode ?? "(none)"}; see airbyte --destination discover.`,
      );
    let options: Record<string, unknown>;
    try {
      options = op.action.parseOptions({}, op.mode);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      throw new ConfigError(
        `catalog stream ${key}: operation ${object} needs options; set streams.${cs.stream.name} in the config (action ${object}, options ...): ${err.message}`,
      );
    }
    return { action: op.action, mode: op.mode, constants: {}, options };
  }
  throw new ConfigError(
    `catalog stream ${key}: the config says nothing of it. Add it under streams, e.g. "streams": { "${cs.stream.name}": { "action": "profiles", "mapping": { "email": "email" } } }.`,
  );
}

/** The streams of the configured catalog, each with its action, mode and key. */
export function loadStreams(config: DestinationConfig, catalog: ConfiguredCatalog): Map<string, LoadStream> {
  const out = new Map<string, LoadStream>();
  for (const cs of catalog.streams) {
    const key = descriptorKey({
      name: cs.stream.name,
      ...(cs.stream.namespace ? { namespace: cs.stream.namespace } : {}),
    });
    if (cs.destination_sync_mode === "overwrite")
      throw new ConfigError(
        `catalog stream ${key}: destination_sync_mode overwrite would remove from Klaviyo what the stream does not hold, which klaviyo-sync does not do from a record stream. Use append or append_dedup (klaviyo-sync load has mode mirror for list membership).`,
      );
    const sc = streamConfig(config, cs, key);
    const paths = sc.primaryKey
      ? sc.primaryKey
      : (cs.primary_key ?? cs.stream.source_defined_primary_key ?? []).map((p) => p.join("."));
    out.set(key, { key, config: sc, keyPaths: paths.filter((p) => p.length > 0) });
  }
  return out;
}

export interface AirbyteWriteOptions {
  client: KlaviyoClient;
  config: DestinationConfig;
  catalog: ConfiguredCatalog;
  state: LoadStateStore;
  input: Readable;
  sink: OrderedSink;
  signal?: AbortSignal;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Runs `write` until the input ends; throws what stops it (nothing after the last state passed on is lost). */
export async function airbyteWrite(opts: AirbyteWriteOptions): Promise<void> {
  const { sink } = opts;
  const streams = loadStreams(opts.config, opts.catalog);
  const loader = new ProtocolLoader({
    client: opts.client,
    state: opts.state,
    streams,
    syncPrefix: "airbyte",
    batchSize: opts.config.batchSize,
    flushIntervalMs: opts.config.flushIntervalMs,
    ...(opts.config.maxRejectRate === undefined ? {} : { maxRejectRate: opts.config.maxRejectRate }),
    log: (level, message) => sink.post(logMessage(level === "warn" ? "WARN" : "INFO", message)),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  /** Records per stream (and in all) since that stream's (any) last state: destinationStats. */
  const sinceState = new Map<string, number>();
  let sinceAny = 0;
  for await (const item of readJsonLines(opts.input)) {
    opts.signal?.throwIfAborted();
    if ("error" in item) {
      sink.post(logMessage("WARN", `input line ${item.line} skipped: ${item.error}`));
      continue;
    }
    const m = item.message;
    if (m.type === "RECORD") {
      const r = m.record;
      if (!isObject(r) || typeof r.stream !== "string" || !isObject(r.data))
        throw new ConfigError(
          `input line ${item.line}: a RECORD needs record.stream and a record.data object.`,
        );
      const key = descriptorKey({
        name: r.stream,
        ...(typeof r.namespace === "string" && r.namespace ? { namespace: r.namespace } : {}),
      });
      const stream = streams.get(key) ?? streams.get(r.stream);
      if (!stream)
        throw new ConfigError(
          `input line ${item.line}: a record of stream ${key}, which the configured catalog does not have.`,
        );
      sinceState.set(stream.key, (sinceState.get(stream.key) ?? 0) + 1);
      sinceAny++;
      await loader.record(stream, r.data);
    } else if (m.type === "STATE") {
      const st = m.state;
      if (!isObject(st))
        throw new ConfigError(`input line ${item.line}: a STATE message needs a state object.`);
      let count: number;
      const descriptor = isObject(st.stream) ? st.stream.stream_descriptor : undefined;
      if (isObject(descriptor) && typeof descriptor.name === "string") {
        const key = descriptorKey({
          name: descriptor.name,
          ...(typeof descriptor.namespace === "string" ? { namespace: descriptor.namespace } : {}),
        });
        const stream = streams.get(key) ?? streams.get(descriptor.name);
        count = sinceState.get(stream?.key ?? key) ?? 0;
        sinceState.set(stream?.key ?? key, 0);
      } else {
        count = sinceAny;
        sinceState.clear();
      }
      sinceAny = 0;
      const echo = { type: "STATE", state: { ...st, destinationStats: { recordCount: count } } };
      await loader.state(() => sink.write(echo, "data"));
    }
    // Other messages (LOG, TRACE, CONTROL...) are the platform's business, not data.
  }
  await loader.flush();
  for (const [stream, t] of loader.summary()) {
    sink.post(
      logMessage(
        "INFO",
        `${stream}: ${t.records} records received; ${t.succeeded} succeeded, ${t.unchanged} unchanged, ${t.invalid} invalid, ${t.rejected} rejected.`,
      ),
    );
  }
  await sink.drain();
}
