/**
 * Opens the load state where the config puts it: the local DuckDB file (default) or a schema of
 * the source database (`state: source`).
 */
import type { DuckDBInstance } from "@duckdb/node-api";
import { ConfigError } from "../../client/errors.js";
import { checkModelSource, type ModelSource } from "../models/source.js";
import { DEFAULT_STATE_SCHEMA, type StateLocation } from "./defaults.js";
import { DuckDBSourceState } from "./duckdb-source.js";
import { type PGliteStateQueryable, PostgresState } from "./postgres.js";
import { LoadState, type LoadStateOptions, openLoadState } from "./store.js";

export interface OpenStateOptions extends LoadStateOptions {
  /** A postgres source's state on this in-process PGlite instance instead of its URL (tests). */
  pglite?: PGliteStateQueryable;
  /** Connect timeout for a postgres source, ms (default 10 000). */
  connectTimeoutMs?: number;
}

/** Opens (creating when missing) the load state at `location`; `source` is the config's source. */
export async function openStateAt(
  location: StateLocation,
  source: string | ModelSource,
  options: OpenStateOptions = {},
): Promise<LoadState> {
  if (location.in === "file") return openLoadState(location.path, options);
  let src: ModelSource;
  if (typeof source === "string") {
    const checked = checkModelSource(source);
    if (!checked.ok) throw new ConfigError(`source: ${checked.problem}`);
    src = checked.value;
  } else {
    src = source;
  }
  const schema = location.schema || DEFAULT_STATE_SCHEMA;
  let state: LoadState;
  if (src.kind === "postgres") {
    const backend = new PostgresState(
      options.pglite ? { pglite: options.pglite } : src.url,
      schema,
      src.display,
      {
        ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
      },
    );
    state = new LoadState(backend, options);
  } else if (src.kind === "duckdb") {
    const backend = new DuckDBSourceState(src.path, schema, src.display, {
      ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
    });
    state = new LoadState(backend, options);
  } else {
    throw new ConfigError(
      `state: source keeps the load state in the source database, but the source ${src.display} is a file. Use a postgres:// or duckdb: source, or leave out state (the state then lives in .klaviyo-sync/state.duckdb).`,
    );
  }
  await state.open();
  return state;
}

/** The DuckDB instance a model on the source must share (the state lives in that database), if any. */
export function sharedSourceDatabase(state: LoadState): DuckDBInstance | undefined {
  const backend = state.store;
  return backend instanceof DuckDBSourceState ? backend.instance : undefined;
}
