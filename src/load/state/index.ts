/** The load state (snapshot, runs, memory, locks) in a DuckDB file: see ./store.ts. */
export { SCHEMA_VERSION, StateFileBusyError } from "./file.js";
export {
  DEFAULT_STATE_PATH,
  type DiffResult,
  IDENTIFIER_FIELDS,
  LoadState,
  type LoadStateOptions,
  type LockHolder,
  openLoadState,
  pidAlive,
  type RecordedOutcome,
  type RunRecord,
  type RunSummary,
  SyncLockedError,
} from "./store.js";
