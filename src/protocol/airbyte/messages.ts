/**
 * Airbyte protocol messages (airbyte_protocol.yaml, protocol v0.x: AirbyteMessage and the structs it
 * carries), the configured catalog and state klaviyo-sync reads, and builders for what it writes.
 * Field names are the protocol's own (snake_case, except `connectionStatus`, `connectionSpecification`,
 * `sourceStats` and `destinationStats`, which the protocol spells in camel case).
 */
import { z } from "zod";
import { ConfigError } from "../../client/errors.js";
import type { StreamState } from "../../extract/types.js";
import type { FailureType } from "../failure.js";

export type AirbyteSyncMode = "full_refresh" | "incremental";
export const DESTINATION_SYNC_MODES = [
  "append",
  "overwrite",
  "append_dedup",
  "update",
  "soft_delete",
] as const;
export type DestinationSyncMode = (typeof DESTINATION_SYNC_MODES)[number];
export type LogLevel = "FATAL" | "ERROR" | "WARN" | "INFO" | "DEBUG" | "TRACE";
export type StreamStatus = "STARTED" | "RUNNING" | "COMPLETE" | "INCOMPLETE";

export interface StreamDescriptor {
  name: string;
  namespace?: string;
}

export interface AirbyteStream {
  name: string;
  json_schema: Record<string, unknown>;
  supported_sync_modes: AirbyteSyncMode[];
  source_defined_cursor?: boolean;
  default_cursor_field?: string[];
  source_defined_primary_key?: string[][];
  namespace?: string;
  is_resumable?: boolean;
}

/** A destination operation (destination `discover`): what records of an object and mode become. */
export interface DestinationOperation {
  object_name: string;
  sync_mode: DestinationSyncMode;
  json_schema: Record<string, unknown>;
  matching_keys: string[][];
}

/** A message in protocol form. */
export type AirbyteMessage = Record<string, unknown> & { type: string };

const now = () => Date.now();

export function recordMessage(
  stream: string,
  data: Record<string, unknown>,
  emittedAt = now(),
): AirbyteMessage {
  return { type: "RECORD", record: { stream, data, emitted_at: emittedAt } };
}

export function streamStateMessage(
  descriptor: StreamDescriptor,
  state: unknown,
  stats?: { source?: number; destination?: number },
): AirbyteMessage {
  return {
    type: "STATE",
    state: {
      type: "STREAM",
      stream: { stream_descriptor: descriptor, stream_state: state },
      ...(stats?.source === undefined ? {} : { sourceStats: { recordCount: stats.source } }),
      ...(stats?.destination === undefined ? {} : { destinationStats: { recordCount: stats.destination } }),
    },
  };
}

export function logMessage(level: LogLevel, message: string, stackTrace?: string): AirbyteMessage {
  return { type: "LOG", log: { level, message, ...(stackTrace ? { stack_trace: stackTrace } : {}) } };
}

export function streamStatusMessage(descriptor: StreamDescriptor, status: StreamStatus): AirbyteMessage {
  return {
    type: "TRACE",
    trace: {
      type: "STREAM_STATUS",
      emitted_at: now(),
      stream_status: { stream_descriptor: descriptor, status },
    },
  };
}

export function errorTraceMessage(
  message: string,
  failureType: FailureType,
  options: { internal?: string; stack?: string; stream?: StreamDescriptor } = {},
): AirbyteMessage {
  return {
    type: "TRACE",
    trace: {
      type: "ERROR",
      emitted_at: now(),
      error: {
        message,
        failure_type: failureType,
        ...(options.internal ? { internal_message: options.internal } : {}),
        ...(options.stack ? { stack_trace: options.stack } : {}),
        ...(options.stream ? { stream_descriptor: options.stream } : {}),
      },
    },
  };
}

export function connectionStatusMessage(status: "SUCCEEDED" | "FAILED", message?: string): AirbyteMessage {
  return { type: "CONNECTION_STATUS", connectionStatus: { status, ...(message ? { message } : {}) } };
}

export function catalogMessage(streams: AirbyteStream[]): AirbyteMessage {
  return { type: "CATALOG", catalog: { streams } };
}

export function destinationCatalogMessage(operations: DestinationOperation[]): AirbyteMessage {
  return { type: "DESTINATION_CATALOG", destination_catalog: { operations } };
}

export function specMessage(spec: Record<string, unknown>): AirbyteMessage {
  return { type: "SPEC", spec };
}

// ---------------------------------------------------------------------------------------------
// Inputs: the configured catalog and the state

const pathList = z.array(z.array(z.string()));

const configuredStreamSchema = z.object({
  stream: z.object({
    name: z.string().min(1),
    namespace: z.string().nullish(),
    json_schema: z.record(z.string(), z.unknown()).optional(),
    source_defined_primary_key: pathList.nullish(),
  }),
  sync_mode: z.enum(["full_refresh", "incremental"]),
  cursor_field: z.array(z.string()).nullish(),
  destination_sync_mode: z.enum(DESTINATION_SYNC_MODES).optional(),
  primary_key: pathList.nullish(),
  destination_object_name: z.string().nullish(),
});

const configuredCatalogSchema = z.object({ streams: z.array(configuredStreamSchema) });

export type ConfiguredStream = z.infer<typeof configuredStreamSchema>;
export type ConfiguredCatalog = z.infer<typeof configuredCatalogSchema>;

/** Validates a ConfiguredAirbyteCatalog; a stream named twice is a problem. */
export function parseConfiguredCatalog(raw: unknown, file = "catalog"): ConfiguredCatalog {
  const parsed = configuredCatalogSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.map(String).join(".") || "the catalog";
    throw new ConfigError(
      `${file} is not a ConfiguredAirbyteCatalog: ${where}: ${issue?.message ?? "invalid"}. It needs {"streams": [{"stream": {"name": ...}, "sync_mode": ..., "destination_sync_mode": ...}]}.`,
    );
  }
  const seen = new Set<string>();
  for (const s of parsed.data.streams) {
    const key = descriptorKey({
      name: s.stream.name,
      ...(s.stream.namespace ? { namespace: s.stream.namespace } : {}),
    });
    if (seen.has(key)) throw new ConfigError(`${file}: stream ${key} is configured twice.`);
    seen.add(key);
  }
  return parsed.data;
}

/** `namespace.name`, or `name` without a namespace: how streams are told apart. */
export function descriptorKey(d: StreamDescriptor): string {
  return d.namespace ? `${d.namespace}.${d.name}` : d.name;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The per-stream states of `read --state`: an array of STREAM state messages (the form the
 * platform passes), or `{}` / `[]` for none. A legacy `{ "data": { stream: state } }` is read too.
 */
export function parseAirbyteState(raw: unknown, file = "state"): Map<string, StreamState> {
  const out = new Map<string, StreamState>();
  const put = (name: string, state: unknown, where: string) => {
    if (state === undefined || state === null) return;
    if (!isObject(state))
      throw new ConfigError(`${file}: ${where}: the stream_state of ${name} must be a JSON object.`);
    out.set(name, { ...(state as Partial<StreamState>), stream: name } as StreamState);
  };
  if (raw === null || raw === undefined) return out;
  const list = Array.isArray(raw) ? raw : isObject(raw) && Object.keys(raw).length === 0 ? [] : [raw];
  list.forEach((entry, i) => {
    const where = `entry ${i + 1}`;
    if (!isObject(entry)) throw new ConfigError(`${file}: ${where} is not a state message object.`);
    const type = entry.type ?? (entry.stream ? "STREAM" : entry.data ? "LEGACY" : undefined);
    if (type === "STREAM") {
      const stream = entry.stream;
      const descriptor = isObject(stream) ? stream.stream_descriptor : undefined;
      const name = isObject(descriptor) ? descriptor.name : undefined;
      if (typeof name !== "string" || !isObject(stream))
        throw new ConfigError(`${file}: ${where}: a STREAM state needs stream.stream_descriptor.name.`);
      put(name, stream.stream_state, where);
    } else if (type === "LEGACY") {
      if (!isObject(entry.data))
        throw new ConfigError(`${file}: ${where}: a LEGACY state needs a data object.`);
      for (const [name, state] of Object.entries(entry.data)) put(name, state, where);
    } else {
      throw new ConfigError(
        `${file}: ${where}: state type ${JSON.stringify(type)} is not supported; klaviyo-sync keeps per-stream (STREAM) state.`,
      );
    }
  });
  return out;
}
