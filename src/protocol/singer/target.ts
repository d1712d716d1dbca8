/**
 * `singer target`: a Singer stream on stdin (SCHEMA, RECORD, STATE) becomes load actions. Each
 * stream's action comes from the config (`streams.<name>`); its key is the config's primary_key,
 * else the SCHEMA's key_properties. A STATE's value is printed on stdout (the Singer convention:
 * the orchestrator keeps the last line) once every record before it has its outcome from
 * Klaviyo. Logs and per-row failures go to stderr.
 */
import type { Readable } from "node:stream";
import { ConfigError } from "../../client/errors.js";
import type { KlaviyoClient } from "../../client/index.js";
import type { LoadStateStore } from "../../load/engine.js";
import type { DestinationConfig } from "../config.js";
import type { OrderedSink } from "../extract.js";
import { readJsonLines } from "../io.js";
import { type LoadStream, ProtocolLoader } from "../load.js";

export interface SingerTargetOptions {
  client: KlaviyoClient;
  config: DestinationConfig;
  state: LoadStateStore;
  input: Readable;
  sink: OrderedSink;
  /** `info`: one line per send; `warn`: invalid or rejected records, skipped input; `summary`: the end. */
  log(level: "info" | "warn" | "summary", message: string): void;
  signal?: AbortSignal;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export async function singerTarget(opts: SingerTargetOptions): Promise<void> {
  const { config, sink } = opts;
  const streams = new Map<string, LoadStream>();
  const streamFor = (name: string, keyProperties: unknown, line: number): LoadStream => {
    const known = streams.get(name);
    if (known && keyProperties === undefined) return known;
    const sc = config.streams.get(name);
    if (!sc)
      throw new ConfigError(
        `input line ${line}: stream ${name} has no action in the config. Add it under streams, e.g. "streams": { "${name}": { "action": "profiles", "mapping": { "email": "email" } } }.`,
      );
    const fromSchema = Array.isArray(keyProperties) ? keyProperties.map(String) : (known?.keyPaths ?? []);
    const stream: LoadStream = { key: name, config: sc, keyPaths: sc.primaryKey ?? fromSchema };
    streams.set(name, stream);
    return stream;
  };
  const loader = new ProtocolLoader({
    client: opts.client,
    state: opts.state,
    streams,
    syncPrefix: "singer",
    batchSize: config.batchSize,
    flushIntervalMs: config.flushIntervalMs,
    ...(config.maxRejectRate === undefined ? {} : { maxRejectRate: config.maxRejectRate }),
    log: (level, message) => opts.log(level, message),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  for await (const item of readJsonLines(opts.input)) {
    opts.signal?.throwIfAborted();
    if ("error" in item) {
      opts.log("warn", `input line ${item.line} skipped: ${item.error}`);
      continue;
    }
    const m = item.message;
    if (m.type === "SCHEMA") {
      if (typeof m.stream !== "string")
        throw new ConfigError(`input line ${item.line}: a SCHEMA needs a stream.`);
      // A stream the config leaves out is only an error once a record of it arrives.
      if (config.streams.has(m.stream)) streamFor(m.stream, m.key_properties ?? [], item.line);
    } else if (m.type === "RECORD") {
      if (typeof m.stream !== "string" || !isObject(m.record))
        throw new ConfigError(`input line ${item.line}: a RECORD needs a stream and a record object.`);
      await loader.record(streamFor(m.stream, undefined, item.line), m.record);
    } else if (m.type === "STATE") {
      const value = m.value;
      await loader.state(() => sink.write(value, "data"));
    }
    // ACTIVATE_VERSION and anything else: nothing to load.
  }
  await loader.flush();
  for (const [stream, t] of loader.summary()) {
    opts.log(
      "summary",
      `${stream}: ${t.records} records received; ${t.succeeded} succeeded, ${t.unchanged} unchanged, ${t.invalid} invalid, ${t.rejected} rejected`,
    );
  }
  await sink.drain();
}
