/**
 * The source side shared by `airbyte read` and `singer tap`: the selected streams run through the
 * extract runner into an EmitTarget, and the runner's progress becomes stream events, all written
 * through one ordered sink so that a stream's messages come out in the order they happened
 * (start, records, the state covering them, end) while several streams are read at once.
 */

import { ConfigError } from "../client/errors.js";
import type { KlaviyoClient } from "../client/index.js";
import type { Logger } from "../client/types.js";
import { didYouMean } from "../config/suggest.js";
import { runExtract } from "../extract/runner.js";
import type { StreamResult, StreamSelection } from "../extract/runner-api.js";
import { getStream, STREAM_NAMES } from "../extract/streams/index.js";
import type { StreamDefinition, SyncMode } from "../extract/types.js";
import type { SourceConfig } from "./config.js";
import type { EmitTarget } from "./emit-target.js";
import type { LineSink, MessageKind } from "./io.js";

/**
 * Writes messages one after another in call order, so callers that cannot wait still keep the
 * order. Once a write failed (the reader of stdout went away), every later write fails too: a
 * read must stop rather than go on reading the account into a closed pipe.
 */
export class OrderedSink implements LineSink {
  private tail: Promise<void> = Promise.resolve();
  private error: unknown;

  constructor(private readonly inner: LineSink) {}

  write(message: unknown, kind?: MessageKind): Promise<void> {
    const next = this.tail.then(() => {
      if (this.error !== undefined) throw this.error;
      return this.inner.write(message, kind);
    });
    this.tail = next.catch((err: unknown) => {
      this.error ??= err;
    });
    return next;
  }

  /** Writes without waiting; a failure is kept and thrown by the next awaited write or `drain`. */
  post(message: unknown, kind?: MessageKind): void {
    this.write(message, kind).catch(() => {});
  }

  /** Waits for every message written so far; throws the first write failure. */
  async drain(): Promise<void> {
    await this.tail;
    if (this.error !== undefined) throw this.error;
  }
}

/** The sync modes a stream can be read in. */
export function supportedModes(def: StreamDefinition): SyncMode[] {
  return def.cursor || def.tracksDeletions ? ["full-refresh", "incremental"] : ["full-refresh"];
}

/** The stream `name`, or a ConfigError naming the closest one. */
export function knownStream(name: string, where: string): StreamDefinition {
  const def = getStream(name);
  if (!def)
    throw new ConfigError(
      `${where}: klaviyo-sync has no stream "${name}".${didYouMean(name, STREAM_NAMES)} Streams: ${STREAM_NAMES.join(", ")}.`,
    );
  return def;
}

/** The runner's selection of one stream in `mode`, with the config's settings. */
export function selectionFor(
  config: SourceConfig,
  def: StreamDefinition,
  mode: SyncMode,
  where: string,
): StreamSelection {
  if (!supportedModes(def).includes(mode))
    throw new ConfigError(
      `${where}: stream ${def.name} can only be read in full refresh (it has no cursor to read it incrementally).`,
    );
  const s = config.streams.get(def.name) ?? {};
  const startDate = s.startDate ?? config.startDate;
  return {
    name: def.name,
    mode,
    ...(startDate === undefined ? {} : { startDate }),
    ...(s.lookbackMs === undefined ? {} : { lookbackMs: s.lookbackMs }),
    ...(s.options === undefined ? {} : { options: s.options }),
  };
}

export interface StreamEvents {
  started(stream: string): void;
  completed(stream: string, rows: number): void;
  failed(stream: string, error: Error): void;
}

export interface ProtocolReadOptions {
  client: KlaviyoClient;
  config: SourceConfig;
  selections: StreamSelection[];
  target: EmitTarget;
  events: StreamEvents;
  signal?: AbortSignal;
}

/**
 * Reads the selected streams. Resolves with each stream's result; a failure that stopped the whole
 * run (a configuration problem, an abort) is returned as `fatal` after the per-stream events.
 */
export async function protocolRead(
  opts: ProtocolReadOptions,
): Promise<{ results: StreamResult[]; fatal?: unknown }> {
  const { config } = opts;
  // Stopped by the caller's signal, or by the output failing.
  const stop = new AbortController();
  const forward = () => stop.abort(opts.signal?.reason);
  if (opts.signal?.aborted) forward();
  opts.signal?.addEventListener("abort", forward, { once: true });
  opts.target.stopOnFailure(stop);
  try {
    const result = await runExtract({
      client: opts.client,
      target: opts.target,
      streams: opts.selections,
      ...(config.concurrency === undefined ? {} : { concurrency: config.concurrency }),
      ...(config.windowDays === undefined ? {} : { windowDays: config.windowDays }),
      ...(config.fullPassHours === undefined ? {} : { fullPassHours: config.fullPassHours }),
      signal: stop.signal,
      onProgress: (e) => {
        if (e.type === "stream-start") opts.events.started(e.stream);
        else if (e.type === "stream-done") opts.events.completed(e.stream, e.rows);
        else if (e.type === "stream-failed") opts.events.failed(e.stream, e.error);
      },
    });
    return { results: result.results };
  } catch (err) {
    return { results: [], fatal: err };
  } finally {
    opts.signal?.removeEventListener("abort", forward);
  }
}

/** A client logger that turns log lines into protocol log messages at or above `level`. */
export function protocolLogger(
  emit: (level: "debug" | "info" | "warn", message: string) => void,
  level: "debug" | "info" | "warn",
): Logger {
  const order = { debug: 10, info: 20, warn: 30 };
  const at = (lvl: "debug" | "info" | "warn") => (message: string, fields?: Record<string, unknown>) => {
    if (order[lvl] < order[level]) return;
    const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : "";
    emit(lvl, `${message}${extra}`);
  };
  return { debug: at("debug"), info: at("info"), warn: at("warn") };
}
