/**
 * The load state (snapshot, runs, memory, locks): see ./store.ts. It lives in a local DuckDB file
 * (./file.ts) or in a schema of the source database (./duckdb-source.ts, ./postgres.ts).
 */
export type { StateBackend } from "./backend.js";
export { DEFAULT_STATE_SCHEMA, type StateLocation } from "./defaults.js";
export { DuckDBSourceState } from "./duckdb-source.js";
export { SCHEMA_VERSION, StateFileBusyError } from "./file.js";
export { type OpenStateOptions, openStateAt, sharedSourceDatabase } from "./open.js";
export { type PGliteStateQueryable, PostgresState } from "./postgres.js";
export {
  DEFAULT_STATE_PATH,
  type DiffResult,
  IDENTIFIER_FIELDS,
  LoadState,
  type LoadStateOptions,
  type LockHolder,
  openLoadState,
  pidAlive,
  REPLACED_STATUS,
  type RecordedOutcome,
  type RecordOptions,
  type RemovalPlan,
  type RunRecord,
  type RunSummary,
  releaseLockCommand,
  SyncLockedError,
} from "./store.js";
