/**
 * The shapes extraction is built from: a stream is data (what to read and how it maps to a table),
 * a target is where rows and state go, and the runner interprets both.
 */
import type { OperationKey } from "../client/typed.js";
import type { RowSpec } from "./row-spec.js";

export type ColumnType = "VARCHAR" | "BIGINT" | "DOUBLE" | "BOOLEAN" | "TIMESTAMPTZ" | "DATE" | "JSON";

export interface Column {
  name: string;
  type: ColumnType;
}

/** Columns every extracted table carries besides the stream's own. */
export const META_COLUMNS: readonly Column[] = [
  { name: "_extracted_at", type: "TIMESTAMPTZ" },
  { name: "_run_id", type: "VARCHAR" },
];

/** `_deleted_at` for streams whose removals are recorded (memberships). */
export const DELETED_COLUMN: Column = { name: "_deleted_at", type: "TIMESTAMPTZ" };

export type SyncMode = "full-refresh" | "incremental";

/** One row ready for a target: column name → value (Date for timestamps, objects for JSON). */
export type Row = Record<string, unknown>;

/** A JSON:API resource as the API returns it. */
export interface ApiResource {
  type: string;
  id: string;
  attributes?: Record<string, unknown>;
  relationships?: Record<
    string,
    { data?: { type: string; id: string } | Array<{ type: string; id: string }> | null }
  >;
}

/**
 * How a stream reads incrementally: the attribute that orders it, the filter operator the API
 * allows on it, and whether the API can sort by it.
 */
export interface CursorSpec {
  /** Attribute name in the API (`updated`, `datetime`, `joined_group_at`...). */
  field: string;
  /** Column that holds it in the table. */
  column: string;
  /** Operator used for the lower bound (`greater-than` or `greater-or-equal`). */
  lower: "greater-than" | "greater-or-equal";
  /** Operator for an upper bound at the run's start, when the API allows one. */
  upper?: "less-than" | "less-or-equal";
  /** Sort value that reads in cursor order, when the API can sort by it. */
  sort?: string;
  /**
   * Lower bound to send when there is no other (full refresh, or a first run without a start
   * date). Set when the cursor filter is what selects the stream's rows, so the stream must never
   * be read without it (suppressions: only profiles with a suppression timestamp).
   */
  floor?: string;
}

/** A child stream reads once per parent row (e.g. list memberships per list). */
export interface ParentSpec {
  /** Stream whose ids are the parents. */
  stream: string;
  /** Path parameter name the parent id fills. */
  param: string;
  /** Column that records the parent id in the child table. */
  column: string;
}

export interface StreamDefinition {
  name: string;
  description: string;
  /** Collection operation read by this stream. */
  operation: OperationKey;
  /** Fixed query parameters (e.g. `additional-fields[profile]=subscriptions`). */
  query?: Record<string, string>;
  /**
   * Several sweeps with different fixed filters (e.g. campaigns once per channel), each with its
   * own cursor position.
   */
  partitions?: Array<{ key: string; filter: string }>;
  parent?: ParentSpec;
  primaryKey: string[];
  cursor?: CursorSpec;
  defaultMode: SyncMode;
  /** Page size to request (the operation's maximum unless it misbehaves). */
  pageSize?: number;
  /** The stream's own columns (without the meta columns). */
  columns: Column[];
  /** Turns one API resource (and its page's included resources) into a row. */
  toRow(
    resource: ApiResource,
    context: {
      parentId?: string;
      included: ApiResource[];
      /** Key of the partition the resource was read in (campaigns: the channel). */
      partition?: string;
    },
  ): Row;
  /**
   * Rows that are `id`, attributes and relationship ids only, described as data: pages of such a
   * stream can be decoded off the main thread (page-decoder.ts). `toRow` must give the same rows
   * (streams set it to `rowFromResource` with this spec).
   */
  rowSpec?: RowSpec;
  /** Memberships: removals are found by a full pass and marked `_deleted_at`. */
  tracksDeletions?: boolean;
  /**
   * Incremental reads go in time windows of the cursor, several at once (events by `datetime`,
   * profiles by `updated`): one cursor reads one page per response time, which against a distant
   * server is a fraction of what the rate limits allow.
   */
  windowed?: boolean;
  /**
   * Days a window spans unless the caller says (default 7). Each window ends in a part-filled page
   * (and an empty window costs a request), so streams with small pages take wider windows.
   */
  windowDays?: number;
  /** Re-read this far behind the cursor unless the user sets `lookback` (late-arriving events), ms. */
  defaultLookbackMs?: number;
  /** Opt-in extras (e.g. profiles' predictive analytics): option name → extra query. */
  options?: Record<string, { description: string; query: Record<string, string> }>;
}

/** Per-stream state, stored in the target's `_klaviyo_sync_state` table. */
export interface StreamState {
  stream: string;
  /** Highest cursor value fully committed (ISO 8601), for the next incremental run. */
  cursor?: string | null;
  /** A run in progress: where to resume. */
  inProgress?: {
    runId: string;
    startedAt: string;
    mode: SyncMode;
    /** Per partition/parent/window key: the next page link to read, or "done". */
    positions: Record<string, string>;
    /** For full refresh: the staging table being filled. */
    staging?: string;
  } | null;
  /** Parent ids seen by the last full pass (a parent that disappears has all its rows marked removed). */
  parents?: string[] | null;
  /** When the last full pass over a membership stream ran (for removals). */
  lastFullPassAt?: string | null;
  lastRunId?: string | null;
  lastCompletedAt?: string | null;
}

/** Where extracted rows go. Every write of rows happens with the state that covers them. */
export interface Target {
  readonly description: string;
  /** Creates the state table and anything else the target needs. */
  open(): Promise<void>;
  close(): Promise<void>;
  readState(stream: string): Promise<StreamState | undefined>;
  /** Creates `table` or adds missing columns (never drops or narrows). */
  ensureTable(table: string, columns: readonly Column[], primaryKey: readonly string[]): Promise<void>;
  /**
   * Writes one batch atomically with the stream's new state: `merge` upserts by primary key,
   * `append` inserts. For files, rows are durable before the state is.
   */
  commit(batch: {
    table: string;
    columns: readonly Column[];
    primaryKey: readonly string[];
    rows: Row[];
    write: "merge" | "append";
    state: StreamState;
    /** Memberships: rows of this parent not seen in a full pass get `_deleted_at`. */
    markDeleted?: { parentColumn: string; parentId: string; seenRunId: string; at: Date };
  }): Promise<void>;
  /** Replaces `table` with `staging` atomically, together with the state (full refresh). */
  swap(table: string, staging: string, state: StreamState): Promise<void>;
  /** Drops a staging table (abandoned full refresh). */
  dropTable(table: string): Promise<void>;
  /** Row count, for summaries and tests. */
  count(table: string): Promise<number>;
  /**
   * Takes the target's writer lock for one run (see targets/writer-lock.ts); resolves to its
   * release. Throws TargetLockedError (a ConfigError naming the holder) while another run writes.
   */
  lockWriter?(): Promise<() => Promise<void>>;
}
