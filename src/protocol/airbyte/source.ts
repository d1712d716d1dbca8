/**
 * The Airbyte source: `spec`, `check`, `discover` and `read` over the extract streams.
 *
 * `read` honours the configured catalog (the streams listed, each in its sync mode) and starts
 * each stream from its per-stream state. Per stream it prints STREAM_STATUS STARTED, RUNNING with
 * the first record, the records of each committed page followed by a STATE message carrying the
 * runner's state (so every state comes after the records it covers), and COMPLETE, or an ERROR
 * trace and INCOMPLETE. One stream failing does not stop the others; the command then exits
 * non-zero.
 */
import { ConfigError } from "../../client/errors.js";
import type { KlaviyoClient } from "../../client/index.js";
import { STREAMS } from "../../extract/streams/index.js";
import type { StreamDefinition, StreamState } from "../../extract/types.js";
import { configJsonSchema, type SourceConfig } from "../config.js";
import { EmitTarget } from "../emit-target.js";
import { knownStream, type OrderedSink, protocolRead, selectionFor, supportedModes } from "../extract.js";
import { errorMessage, failureType } from "../failure.js";
import { recordOf, streamSchema } from "../records.js";
import {
  type AirbyteMessage,
  type AirbyteStream,
  type ConfiguredCatalog,
  catalogMessage,
  errorTraceMessage,
  logMessage,
  recordMessage,
  type StreamDescriptor,
  specMessage,
  streamStateMessage,
  streamStatusMessage,
} from "./messages.js";

export function sourceSpecMessage(): AirbyteMessage {
  return specMessage({
    connectionSpecification: configJsonSchema("source"),
    supportsIncremental: true,
  });
}

/** The catalog entry of one extract stream. */
export function airbyteStream(def: StreamDefinition): AirbyteStream {
  const modes = supportedModes(def);
  return {
    name: def.name,
    json_schema: streamSchema(def),
    supported_sync_modes: modes.map((m) => (m === "incremental" ? "incremental" : "full_refresh")),
    ...(def.cursor ? { source_defined_cursor: true, default_cursor_field: [def.cursor.column] } : {}),
    source_defined_primary_key: def.primaryKey.map((k) => [k]),
    // Every stream resumes from its saved page links, a full refresh too.
    is_resumable: true,
  };
}

export function sourceCatalogMessage(): AirbyteMessage {
  return catalogMessage(STREAMS.map(airbyteStream));
}

export interface AirbyteReadOptions {
  client: KlaviyoClient;
  config: SourceConfig;
  catalog: ConfiguredCatalog;
  state: ReadonlyMap<string, StreamState>;
  sink: OrderedSink;
  signal?: AbortSignal;
}

interface Configured {
  def: StreamDefinition;
  descriptor: StreamDescriptor;
}

/** Runs `read`; resolves to whether every configured stream completed. */
export async function airbyteRead(opts: AirbyteReadOptions): Promise<boolean> {
  const { sink, catalog } = opts;
  const configured = new Map<string, Configured>();
  const selections = catalog.streams.map((cs) => {
    const name = cs.stream.name;
    const where = `catalog stream ${name}`;
    const def = knownStream(name, where);
    if (configured.has(name)) throw new ConfigError(`${where}: configured twice (in two namespaces?).`);
    const descriptor: StreamDescriptor = {
      name,
      ...(cs.stream.namespace ? { namespace: cs.stream.namespace } : {}),
    };
    configured.set(name, { def, descriptor });
    const sel = selectionFor(
      opts.config,
      def,
      cs.sync_mode === "incremental" ? "incremental" : "full-refresh",
      where,
    );
    const cursor = cs.cursor_field ?? [];
    if (cs.sync_mode === "incremental" && cursor.length > 0 && cursor.join(".") !== def.cursor?.column) {
      sink.post(
        logMessage(
          "WARN",
          `${name}: the cursor is defined by the source (${def.cursor?.column}); the configured cursor_field ${JSON.stringify(cursor)} is ignored.`,
        ),
      );
    }
    return sel;
  });

  const running = new Set<string>();
  const ended = new Set<string>();
  const reported = new Set<unknown>();
  let failures = 0;
  const descriptor = (stream: string): StreamDescriptor =>
    configured.get(stream)?.descriptor ?? { name: stream };

  const target = new EmitTarget(
    {
      records: async (stream, rows) => {
        const c = configured.get(stream);
        if (!c) return;
        if (!running.has(stream)) {
          running.add(stream);
          sink.post(streamStatusMessage(c.descriptor, "RUNNING"));
        }
        const emittedAt = Date.now();
        const ns = c.descriptor.namespace;
        for (const row of rows) {
          const message = recordMessage(stream, recordOf(row, c.def), emittedAt);
          if (ns) (message.record as Record<string, unknown>).namespace = ns;
          await sink.write(message, "data");
        }
      },
      state: async (stream, state, records) => {
        await sink.write(streamStateMessage(descriptor(stream), state, { source: records }), "data");
      },
    },
    opts.state,
  );

  const fail = (stream: string | undefined, error: unknown) => {
    failures++;
    if (reported.has(error)) return;
    reported.add(error);
    const message = errorMessage(error);
    sink.post(
      errorTraceMessage(stream ? `${stream}: ${message}` : message, failureType(error), {
        internal: error instanceof Error ? error.name : "Error",
        ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
        ...(stream ? { stream: descriptor(stream) } : {}),
      }),
    );
  };

  const { fatal } = await protocolRead({
    client: opts.client,
    config: opts.config,
    selections,
    target,
    ...(opts.signal ? { signal: opts.signal } : {}),
    events: {
      started: (stream) => {
        sink.post(streamStatusMessage(descriptor(stream), "STARTED"));
      },
      completed: (stream, rows) => {
        ended.add(stream);
        sink.post(logMessage("INFO", `${stream}: ${rows} records read.`));
        sink.post(streamStatusMessage(descriptor(stream), "COMPLETE"));
      },
      failed: (stream, error) => {
        ended.add(stream);
        fail(stream, error);
        sink.post(streamStatusMessage(descriptor(stream), "INCOMPLETE"));
      },
    },
  });
  if (fatal !== undefined) fail(undefined, fatal);
  for (const name of configured.keys()) {
    if (!ended.has(name)) sink.post(streamStatusMessage(descriptor(name), "INCOMPLETE"));
  }
  await sink.drain();
  return failures === 0;
}
