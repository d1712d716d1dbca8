/**
 * Load (reverse ETL): rows from a model become Klaviyo profiles, events, list memberships,
 * subscriptions, suppressions and deletions, with change detection and an outcome for every row.
 *
 *   model (SQL / table / file) → mapping → validation → diff against the snapshot → action batches
 *   → Klaviyo → per-row outcomes → snapshot (only confirmed rows count as synced) → run record
 */
import type { KlaviyoClient } from "../client/index.js";
import type { Logger } from "../client/types.js";

/** A raw row from the model: column name → value. */
export type ModelRow = Record<string, unknown>;

/** A row after mapping: Klaviyo field paths (`email`, `location.city`, `properties.ltv`) → values. */
export type MappedFields = Record<string, unknown>;

export interface LoadRow {
  /** The primary key value(s) joined with U+001F; stable across runs. */
  key: string;
  /** The model row as read (for reports). */
  source: ModelRow;
  /** Mapped Klaviyo fields. */
  fields: MappedFields;
  /** Hash of the normalised mapped values (change detection). */
  hash: string;
}

export type OutcomeStatus = "succeeded" | "invalid" | "rejected";

/** What happened to one row. Every row sent or refused gets exactly one. */
export interface RowOutcome {
  key: string;
  status: OutcomeStatus;
  /** Why it was invalid or rejected, in words a user can act on. */
  reason?: string;
  /** The payload sent (or that would have been sent), for the reject report. */
  payload?: unknown;
  /** The Klaviyo id it resolved to (profile id...), when known. */
  klaviyoId?: string;
}

/** A row that left the model (for `mirror` modes): key plus what the snapshot remembers of it. */
export interface RemovedRow {
  key: string;
  /** Klaviyo id recorded when the row was synced. */
  klaviyoId?: string;
  /** The mapped fields recorded when the row was synced (identifiers). */
  fields?: MappedFields;
}

export type FieldType =
  | "string"
  | "email"
  | "phone"
  | "number"
  | "integer"
  | "boolean"
  | "datetime"
  | "json"
  | "currency";

/** A field an action accepts in `mapping` (declared once: validation, docs, types). */
export interface FieldSpec {
  name: string;
  type: FieldType;
  description: string;
  required?: boolean;
  /** Accepts any `prefix.*` key (e.g. `properties.*`, `location.*`). */
  prefix?: boolean;
}

/** Shared, per-sync persistent values an action may keep (e.g. the id of a list it created). */
export interface SyncMemory {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

export interface ActionContext {
  client: KlaviyoClient;
  /** The sync's name (from the config). */
  sync: string;
  /** The action's options from the config (`list`, `metric`, `nulls`...), validated by `optionsSchema`. */
  options: Record<string, unknown>;
  mode: string;
  memory: SyncMemory;
  logger: Logger;
  signal?: AbortSignal;
  /** Injectable clock for job polling. */
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Says that what this sync confirmed before is gone from Klaviyo (the list it adds to was
   * deleted and re-created): once this run ends, the engine sends every row of the model again.
   */
  requestResync?(reason: string): void;
}

export interface BatchLimits {
  /** Rows per request (e.g. 10,000 profiles per import job, 1,000 events, 1,000 list members). */
  maxRows: number;
  /** Bytes per request body (5 MB for bulk jobs). */
  maxBytes?: number;
  /** Bytes per row (100 KB per profile). */
  maxRowBytes?: number;
  /**
   * Batches the engine may have in flight at once (default 1). Only for actions whose batches are
   * independent of each other (events: unique_id makes a batch sent twice harmless; profiles: one
   * import job per batch). Each batch's outcomes are still recorded after its own response.
   */
  inFlight?: number;
}

export interface ActionDefinition {
  name: string;
  description: string;
  /** Modes the action supports; the first is the default. */
  modes: readonly string[];
  fields: readonly FieldSpec[];
  /** Validates and normalises the action options from the config; throws ConfigError with the problem. */
  parseOptions(raw: unknown, mode: string): Record<string, unknown>;
  limits: BatchLimits;
  /**
   * Row-level checks before anything is sent (and normalisation, e.g. phone → E.164). Returns the
   * reason when the row is invalid; may rewrite `row.fields` in place.
   */
  validate(row: LoadRow, ctx: Pick<ActionContext, "options" | "mode">): string | undefined;
  /** Sends added and changed rows; returns one outcome per input row (in any order). */
  perform(rows: LoadRow[], ctx: ActionContext): Promise<RowOutcome[]>;
  /** Mirror modes: handles rows that left the model; one outcome per removed row. */
  remove?(rows: RemovedRow[], ctx: ActionContext): Promise<RowOutcome[]>;
}
