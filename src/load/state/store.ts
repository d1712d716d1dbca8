/**
 * The load state: per sync, a snapshot of every row the model produced (its key, the hash of the
 * values Klaviyo last confirmed, the Klaviyo id and identifiers, the last outcome), the runs, a
 * small key/value memory for actions, and a lock.
 *
 * The state lives in a local DuckDB file (the default), or in a schema of the source database
 * (`state: source`, DuckDB or PostgreSQL): see ./backend.ts. This class holds the logic and the SQL
 * for all of them; the SQL is written once for both dialects.
 *
 * Change detection runs inside the database: the model's keys and hashes are appended to a staging
 * table and joined with the snapshot, so a million keys never become a JavaScript map. Only rows
 * Klaviyo confirmed count as synced: a row whose last outcome was invalid or rejected keeps its
 * last good hash (and Klaviyo id) and is sent again on the next run.
 *
 * For `mirror` syncs the snapshot also answers "which Klaviyo ids does the model still hold?":
 * when a row's confirmed Klaviyo id changes (its email changed), the old id is kept as a
 * `replaced` row until it is taken off in Klaviyo, and planRemovals leaves out every id a row
 * still in the model holds (an anti-join in SQL), so a profile two rows share, or that a row
 * with a new key took over, is never removed while the model has it.
 *
 * Every step that writes (record, forget, reset, runs, memory, lock) is one transaction.
 */
import { randomUUID } from "node:crypto";
import { hostname as osHostname } from "node:os";
import type { MappedFields, RemovedRow, RowOutcome, SyncMemory } from "../types.js";
import { inTransaction, type StateBackend, type StateSession } from "./backend.js";
import { DEFAULT_STATE_PATH } from "./defaults.js";
import { StateFile, type StateFileOptions } from "./file.js";
import { heldInThisProcess, lockHolderRunning } from "./liveness.js";

export { DEFAULT_STATE_PATH } from "./defaults.js";

/** The mapped fields kept for a synced row (what a removal needs to find it again). */
export const IDENTIFIER_FIELDS: readonly string[] = [
  "id",
  "email",
  "phone_number",
  "external_id",
  "anonymous_id",
  "profile_id",
];

export interface LoadStateOptions extends StateFileOptions {
  /** Mapped fields stored for synced rows (default IDENTIFIER_FIELDS); "all" keeps every field. */
  identifierFields?: readonly string[] | "all";
}

export interface DiffResult {
  /** Keys not in the snapshot, in model order. */
  added: string[];
  /** Keys whose hash differs from the last confirmed one, or whose last outcome was not `succeeded`. */
  changed: string[];
  /** Rows confirmed with the same values. */
  unchanged: number;
  /** Rows that were synced and are no longer in the model. */
  removed: RemovedRow[];
  /** Keys that appear more than once in the model (the run must stop before sending). */
  duplicates: string[];
}

export type RecordedOutcome = RowOutcome & {
  hash?: string;
  fields?: MappedFields;
  /**
   * The key is not in the snapshot (diff returned it as `added`, and this run has not recorded it
   * yet): its row is inserted as it is, without looking for an existing row.
   */
  added?: boolean;
};

export interface RecordOptions {
  /**
   * Keep the Klaviyo id a row held before a succeeded outcome gave it another one, as a
   * `replaced` row of the snapshot, until planRemovals hands it out and forget drops it (`mirror`
   * syncs: the old profile must come off the list, even when the run dies before it does).
   */
  keepReplaced?: boolean;
}

/** What a `mirror` sync takes off in Klaviyo, and what it just forgets (planRemovals). */
export interface RemovalPlan {
  /** Rows that left the model and replaced Klaviyo ids that no row of the model holds: remove, then forget. */
  remove: RemovedRow[];
  /** Keys whose Klaviyo id a row still in the model holds: forget them without removing anything. */
  held: string[];
}

/** The status of a snapshot row that keeps a Klaviyo id a row held before (see RecordOptions). */
export const REPLACED_STATUS = "replaced";

export interface RunSummary {
  status: string;
  queried: number;
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
  invalid: number;
  rejected: number;
  succeeded: number;
  durationMs: number;
  rateLimitWaitMs: number;
  error?: string;
}

export interface RunRecord {
  id: string;
  sync: string;
  /** `running` until finished; then the summary's status (`interrupted` when its process died). */
  status: string;
  startedAt: string;
  finishedAt?: string;
  pid?: number;
  hostname?: string;
  meta: Record<string, unknown>;
  summary?: RunSummary;
}

export interface LockHolder {
  pid: number;
  hostname: string;
  startedAt: string;
}

/** `value` quoted for a POSIX shell when it needs it. */
function shellWord(value: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}

/** The command that releases a sync's lock by force (`config`: the load.yaml; a placeholder without it). */
export function releaseLockCommand(sync: string, config?: string): string {
  return `klaviyo-sync load --config ${config === undefined ? "LOAD.yaml" : shellWord(config)} --sync ${shellWord(sync)} --release-lock`;
}

/** Another run holds the sync's lock. */
export class SyncLockedError extends Error {
  override readonly name = "SyncLockedError";
  constructor(
    readonly sync: string,
    readonly holder: LockHolder,
    readonly sameHost: boolean,
    /** The holder's database session holds the lock (PostgreSQL): it is connected, so it runs. */
    readonly connected = false,
  ) {
    super(SyncLockedError.describe(sync, holder, sameHost, connected));
  }

  /** The message, naming the exact release command for the load.yaml at `config`. */
  messageFor(config: string): string {
    return SyncLockedError.describe(this.sync, this.holder, this.sameHost, this.connected, config);
  }

  private static describe(
    sync: string,
    holder: LockHolder,
    sameHost: boolean,
    connected: boolean,
    config?: string,
  ): string {
    const self = holder.pid === process.pid && sameHost ? ", this process" : "";
    return `Sync "${sync}" is locked by another klaviyo-sync run (pid ${holder.pid} on ${holder.hostname}${self}, since ${holder.startedAt}). Wait for that run to finish.${
      connected
        ? " It is still connected to the database; its lock goes away when it finishes or its connection ends."
        : sameHost
          ? " The process is still running."
          : ` That host is not this one, so klaviyo-sync cannot tell whether the process is still running; if it is not, release the lock with: ${releaseLockCommand(sync, config)}`
    }`;
  }
}

/** Whether a process with this pid runs on this host (a process we may not signal counts as running). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function iso(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString();
  const d = new Date(String(value));
  return Number.isNaN(d.getTime()) ? String(value) : d.toISOString();
}

function parseJson<T>(value: unknown): T | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== "string") return value as T;
  try {
    return JSON.parse(value) as T;
  } catch {
    return undefined;
  }
}

/** A single-quoted SQL string literal (both dialects). */
function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

let stagingSeq = 0;

export class LoadState {
  private readonly backend: StateBackend;
  private readonly identifierFields: readonly string[] | "all";
  private readonly hostname = osHostname();
  /** Lock tokens this handle holds, by sync. */
  private readonly held = new Map<string, string>();
  /** Distinguishes this handle's staging tables from other handles' on a shared session (PGlite). */
  private readonly tag = Math.random().toString(36).slice(2, 8);

  /** A state file path (DuckDB), or a backend (./backend.ts). */
  constructor(location: string | StateBackend, options: LoadStateOptions = {}) {
    this.backend = typeof location === "string" ? new StateFile(location, options) : location;
    this.identifierFields = options.identifierFields ?? IDENTIFIER_FIELDS;
  }

  /** Where the state lives: the state file's absolute path, or the source database and schema. */
  get path(): string {
    return this.backend.description;
  }

  /** The backend (for a DuckDB source, models share its database: see ./duckdb-source.ts). */
  get store(): StateBackend {
    return this.backend;
  }

  async open(): Promise<void> {
    await this.backend.open();
  }

  private t(table: string): string {
    return this.backend.name(table);
  }

  private tempName(kind: string): string {
    return `ks_${kind}_${this.tag}_${++stagingSeq}`;
  }

  /** `key` in byte order (PostgreSQL would otherwise sort by the database's collation). */
  private byteOrder(column: string): string {
    return this.backend.dialect === "postgres" ? `${column} COLLATE "C"` : column;
  }

  private async dropStaging(...tables: string[]): Promise<void> {
    await this.backend
      .local(async (s) => {
        for (const table of tables) await s.run(`DROP TABLE IF EXISTS ${table}`);
      })
      .catch(() => {});
  }

  // -------------------------------------------------------------------------------------------
  // Snapshot

  async diff(sync: string, rows: AsyncIterable<Array<{ key: string; hash: string }>>): Promise<DiffResult> {
    const b = this.backend;
    const staged = this.tempName("diff");
    const keys = this.tempName("keys");
    const classified = this.tempName("classified");
    await b.local((s) =>
      s.run(`CREATE TEMP TABLE ${staged} (ord BIGINT NOT NULL, key VARCHAR NOT NULL, hash VARCHAR)`),
    );
    try {
      let seen = 0;
      for await (const batch of rows) {
        const o: number[] = [];
        const k: string[] = [];
        const h: Array<string | null> = [];
        for (const row of batch) {
          if (typeof row.key !== "string") throw new TypeError(`diff: row ${seen} has no string key.`);
          o.push(seen);
          k.push(row.key);
          h.push(typeof row.hash === "string" ? row.hash : null);
          seen++;
        }
        await b.append(staged, ["bigint", "text", "text"], [o, k, h]);
      }
      // One row per key (the first occurrence's hash), with how often it appeared.
      const duplicates = await b.local(async (s) => {
        await s.run(
          `CREATE TEMP TABLE ${keys} AS
           SELECT g.key, f.hash, g.ord, g.n
           FROM (SELECT key, min(ord) AS ord, count(*) AS n FROM ${staged} GROUP BY key) g
           JOIN ${staged} f ON f.ord = g.ord`,
        );
        await s.run(`DROP TABLE ${staged}`);
        if (b.dialect === "postgres") await s.run(`ANALYZE ${keys}`);
        return s.strings(`SELECT key FROM ${keys} WHERE n > 1 ORDER BY ord`);
      });

      return await b.step(async (s) => {
        // One join classifies every key of the model and of the snapshot.
        await s.run(
          `CREATE TEMP TABLE ${classified} (key VARCHAR NOT NULL, ord BIGINT, kind VARCHAR NOT NULL, klaviyo_id VARCHAR, fields VARCHAR)`,
        );
        try {
          await s.run(
            `INSERT INTO ${classified} (key, ord, kind, klaviyo_id, fields)
             SELECT coalesce(k.key, s.key), k.ord,
               CASE WHEN s.key IS NULL THEN 'added'
                    WHEN k.key IS NULL THEN CASE WHEN s.synced_at IS NULL THEN 'never_synced' ELSE 'removed' END
                    WHEN s.status <> 'succeeded' OR s.hash IS DISTINCT FROM k.hash THEN 'changed'
                    ELSE 'unchanged' END,
               CASE WHEN k.key IS NULL THEN s.klaviyo_id END,
               CASE WHEN k.key IS NULL THEN CAST(s.fields AS VARCHAR) END
             FROM ${keys} k FULL OUTER JOIN (SELECT key, hash, status, klaviyo_id, fields, synced_at FROM ${this.t("load_snapshot")} WHERE sync = $1) s
               ON s.key = k.key`,
            [sync],
          );
          const added = await s.strings(`SELECT key FROM ${classified} WHERE kind = 'added' ORDER BY ord`);
          const changed = await s.strings(
            `SELECT key FROM ${classified} WHERE kind = 'changed' ORDER BY ord`,
          );
          const counted = await s.all(
            `SELECT count(*)::INTEGER AS n FROM ${classified} WHERE kind = 'unchanged'`,
          );
          const removedRows = await s.all(
            `SELECT key, klaviyo_id, fields FROM ${classified} WHERE kind = 'removed' ORDER BY ${this.byteOrder("key")}`,
          );
          // Rows that never reached Klaviyo and left the model: nothing to remove, nothing to keep.
          await inTransaction(s, () =>
            s.run(
              `DELETE FROM ${this.t("load_snapshot")} WHERE sync = $1 AND key IN (SELECT key FROM ${classified} WHERE kind = 'never_synced')`,
              [sync],
            ),
          );
          const removed: RemovedRow[] = removedRows.map((r) => {
            const row: RemovedRow = { key: String(r.key) };
            if (r.klaviyo_id !== null && r.klaviyo_id !== undefined) row.klaviyoId = String(r.klaviyo_id);
            const fields = parseJson<MappedFields>(r.fields);
            if (fields) row.fields = fields;
            return row;
          });
          return { added, changed, unchanged: Number(counted[0]?.n ?? 0), removed, duplicates };
        } finally {
          await s.run(`DROP TABLE IF EXISTS ${classified}`).catch(() => {});
        }
      });
    } finally {
      await this.dropStaging(staged, keys);
    }
  }

  private identifiers(fields: MappedFields | undefined): string | null {
    if (!fields) return null;
    if (this.identifierFields === "all") return JSON.stringify(fields);
    const kept: MappedFields = {};
    for (const name of this.identifierFields) {
      const v = fields[name];
      if (v !== undefined && v !== null && v !== "") kept[name] = v;
    }
    return Object.keys(kept).length > 0 ? JSON.stringify(kept) : null;
  }

  async record(
    sync: string,
    outcomes: readonly RecordedOutcome[],
    options: RecordOptions = {},
  ): Promise<void> {
    if (outcomes.length === 0) return;
    // The last outcome of a key wins.
    const lastIndex = new Map<string, number>();
    outcomes.forEach((o, i) => {
      if (o.status !== "succeeded" && o.status !== "invalid" && o.status !== "rejected") {
        throw new TypeError(`record: unknown status ${JSON.stringify(o.status)} for key ${o.key}.`);
      }
      if (typeof o.key !== "string") throw new TypeError(`record: outcome ${i} has no string key.`);
      lastIndex.set(o.key, i);
    });
    const b = this.backend;
    const staged = this.tempName("rec");
    await b.local((s) =>
      s.run(
        `CREATE TEMP TABLE ${staged} (key VARCHAR NOT NULL, status VARCHAR NOT NULL, reason VARCHAR, hash VARCHAR, klaviyo_id VARCHAR, fields VARCHAR, added BIGINT NOT NULL)`,
      ),
    );
    try {
      const cols: Array<Array<string | null>> = [[], [], [], [], [], []];
      const added: number[] = [];
      let known = 0;
      for (const i of lastIndex.values()) {
        const o = outcomes[i]!;
        cols[0]!.push(o.key);
        cols[1]!.push(o.status);
        cols[2]!.push(o.reason ?? null);
        cols[3]!.push(o.hash ?? null);
        cols[4]!.push(o.klaviyoId ?? null);
        cols[5]!.push(o.status === "succeeded" ? this.identifiers(o.fields) : null);
        added.push(o.added === true ? 1 : 0);
        if (o.added !== true) known++;
      }
      await b.append(staged, ["text", "text", "text", "text", "text", "text", "bigint"], [...cols, added]);
      await b.transaction(async (s) => {
        const ok = "r.status = 'succeeded'";
        // Keys the snapshot may hold: the statements below join them with the snapshot. Keys diff
        // found absent (`added`) skip those joins, which read the whole snapshot of the sync:
        // a batch of new rows is one plain insert of just its keys.
        const existing = `(SELECT * FROM ${staged} WHERE added = 0)`;
        if (known > 0) {
          if (options.keepReplaced) {
            // The Klaviyo id a confirmed row held before this outcome moved it to another one:
            // kept under its own key (the row's key, RS, the old id) until it is taken off in Klaviyo.
            await s.run(
              `INSERT INTO ${this.t("load_snapshot")} (sync, key, hash, status, reason, klaviyo_id, fields, synced_at, updated_at)
               SELECT s.sync, s.key || chr(30) || s.klaviyo_id, NULL, '${REPLACED_STATUS}', NULL, s.klaviyo_id, s.fields, s.synced_at, now()
               FROM ${this.t("load_snapshot")} AS s JOIN ${existing} AS r ON r.key = s.key
               WHERE s.sync = $1 AND ${ok} AND s.status <> '${REPLACED_STATUS}' AND s.synced_at IS NOT NULL
                 AND s.klaviyo_id IS NOT NULL AND r.klaviyo_id IS NOT NULL AND r.klaviyo_id <> s.klaviyo_id
                 AND NOT EXISTS (SELECT 1 FROM ${this.t("load_snapshot")} AS t WHERE t.sync = $1 AND t.key = s.key || chr(30) || s.klaviyo_id)`,
              [sync],
            );
          }
          await s.run(
            `UPDATE ${this.t("load_snapshot")} AS s SET
               status = r.status,
               reason = r.reason,
               hash = CASE WHEN ${ok} THEN r.hash ELSE s.hash END,
               klaviyo_id = CASE WHEN ${ok} THEN coalesce(r.klaviyo_id, s.klaviyo_id) ELSE s.klaviyo_id END,
               fields = CASE WHEN ${ok} THEN coalesce(CAST(r.fields AS JSON), s.fields) ELSE s.fields END,
               synced_at = CASE WHEN ${ok} THEN now() ELSE s.synced_at END,
               updated_at = now()
             FROM ${existing} AS r WHERE s.sync = $1 AND s.key = r.key`,
            [sync],
          );
        }
        const insert = `INSERT INTO ${this.t("load_snapshot")} (sync, key, hash, status, reason, klaviyo_id, fields, synced_at, updated_at)
           SELECT CAST($1 AS VARCHAR), r.key, CASE WHEN ${ok} THEN r.hash END, r.status, r.reason, CASE WHEN ${ok} THEN r.klaviyo_id END,
                  CASE WHEN ${ok} THEN CAST(r.fields AS JSON) END, CASE WHEN ${ok} THEN now() END, now()`;
        if (known < added.length) await s.run(`${insert} FROM ${staged} AS r WHERE r.added = 1`, [sync]);
        if (known > 0)
          await s.run(
            `${insert} FROM ${existing} AS r
             WHERE NOT EXISTS (SELECT 1 FROM ${this.t("load_snapshot")} s WHERE s.sync = $1 AND s.key = r.key)`,
            [sync],
          );
      });
    } finally {
      await this.dropStaging(staged);
    }
  }

  /** Forgets rows (removed rows whose removal Klaviyo confirmed). */
  async forget(sync: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const b = this.backend;
    const staged = this.tempName("forget");
    await b.local((s) => s.run(`CREATE TEMP TABLE ${staged} (key VARCHAR NOT NULL)`));
    try {
      await b.append(staged, ["text"], [keys]);
      await b.transaction(async (s) => {
        await s.run(
          `DELETE FROM ${this.t("load_snapshot")} WHERE sync = $1 AND key IN (SELECT key FROM ${staged})`,
          [sync],
        );
      });
    } finally {
      await this.dropStaging(staged);
    }
  }

  /**
   * What a `mirror` sync takes off in Klaviyo once the run's rows are recorded: the rows that left
   * the model (`removedKeys`, from diff) and the Klaviyo ids changed rows replaced (record with
   * keepReplaced), except the ids a row still in the model holds by its last confirmed outcome
   * (an anti-join on the snapshot, in the database). Those are `held`: forget them, remove nothing.
   * Called after the run's adds are recorded, so a profile the run just added is never removed.
   */
  async planRemovals(sync: string, removedKeys: readonly string[]): Promise<RemovalPlan> {
    const b = this.backend;
    const gone = this.tempName("gone");
    const candidates = this.tempName("cand");
    await b.local((s) => s.run(`CREATE TEMP TABLE ${gone} (key VARCHAR NOT NULL)`));
    try {
      if (removedKeys.length > 0) await b.append(gone, ["text"], [removedKeys]);
      if (b.dialect === "postgres") await b.local((s) => s.run(`ANALYZE ${gone}`));
      return await b.step(async (s) => {
        await s.run(
          `CREATE TEMP TABLE ${candidates} (key VARCHAR NOT NULL, klaviyo_id VARCHAR, fields VARCHAR)`,
        );
        try {
          const snapshot = this.t("load_snapshot");
          await s.run(
            `INSERT INTO ${candidates} (key, klaviyo_id, fields)
             SELECT c.key, c.klaviyo_id, CAST(c.fields AS VARCHAR) FROM ${snapshot} AS c
             WHERE c.sync = $1 AND c.synced_at IS NOT NULL
               AND (c.status = '${REPLACED_STATUS}' OR c.key IN (SELECT key FROM ${gone}))`,
            [sync],
          );
          // The ids among the candidates' that a live row (in the model, confirmed) holds.
          const rows = await s.all(
            `SELECT c.key, c.klaviyo_id, c.fields, CASE WHEN h.klaviyo_id IS NULL THEN 0 ELSE 1 END AS held
             FROM ${candidates} AS c LEFT JOIN (
               SELECT DISTINCT l.klaviyo_id FROM ${snapshot} AS l
               WHERE l.sync = $1 AND l.synced_at IS NOT NULL AND l.status <> '${REPLACED_STATUS}'
                 AND l.klaviyo_id IN (SELECT klaviyo_id FROM ${candidates})
                 AND NOT EXISTS (SELECT 1 FROM ${gone} AS g WHERE g.key = l.key)
             ) AS h ON h.klaviyo_id = c.klaviyo_id
             ORDER BY ${this.byteOrder("c.key")}`,
            [sync],
          );
          const plan: RemovalPlan = { remove: [], held: [] };
          for (const r of rows) {
            const key = String(r.key);
            if (Number(r.held) === 1) {
              plan.held.push(key);
              continue;
            }
            const row: RemovedRow = { key };
            if (r.klaviyo_id !== null && r.klaviyo_id !== undefined) row.klaviyoId = String(r.klaviyo_id);
            const fields = parseJson<MappedFields>(r.fields);
            if (fields) row.fields = fields;
            plan.remove.push(row);
          }
          return plan;
        } finally {
          await s.run(`DROP TABLE IF EXISTS ${candidates}`).catch(() => {});
        }
      });
    } finally {
      await this.dropStaging(gone);
    }
  }

  /** Forgets every row of a sync (--full-resync: everything is sent again). */
  async reset(sync: string): Promise<void> {
    await this.backend.transaction(async (s) => {
      await s.run(`DELETE FROM ${this.t("load_snapshot")} WHERE sync = $1`, [sync]);
    });
  }

  /** How many rows the snapshot holds for a sync, by last status. */
  async counts(sync: string): Promise<Record<string, number>> {
    return this.backend.step(async (s) => {
      const rows = await s.all(
        `SELECT status, count(*)::INTEGER AS n FROM ${this.t("load_snapshot")} WHERE sync = $1 GROUP BY status`,
        [sync],
      );
      return Object.fromEntries(rows.map((r) => [String(r.status), Number(r.n)]));
    });
  }

  /** What the snapshot remembers of one row (for `show` commands and tests). */
  async row(
    sync: string,
    key: string,
  ): Promise<
    | {
        key: string;
        hash?: string;
        status: string;
        reason?: string;
        klaviyoId?: string;
        fields?: MappedFields;
        syncedAt?: string;
      }
    | undefined
  > {
    return this.backend.step(async (s) => {
      const rows = await s.all(
        `SELECT key, hash, status, reason, klaviyo_id, CAST(fields AS VARCHAR) AS fields, CAST(synced_at AS VARCHAR) AS synced_at FROM ${this.t("load_snapshot")} WHERE sync = $1 AND key = $2`,
        [sync, key],
      );
      const r = rows[0];
      if (!r) return undefined;
      const fields = parseJson<MappedFields>(r.fields);
      const synced = iso(r.synced_at);
      return {
        key: String(r.key),
        status: String(r.status),
        ...(r.hash === null ? {} : { hash: String(r.hash) }),
        ...(r.reason === null ? {} : { reason: String(r.reason) }),
        ...(r.klaviyo_id === null ? {} : { klaviyoId: String(r.klaviyo_id) }),
        ...(fields ? { fields } : {}),
        ...(synced ? { syncedAt: synced } : {}),
      };
    });
  }

  // -------------------------------------------------------------------------------------------
  // Memory

  memory(sync: string): SyncMemory {
    return {
      get: (key: string) =>
        this.backend.step(async (s) => {
          const rows = await s.all(
            `SELECT value FROM ${this.t("load_memory")} WHERE sync = $1 AND key = $2`,
            [sync, key],
          );
          const v = rows[0]?.value;
          return v === undefined || v === null ? undefined : String(v);
        }),
      set: (key: string, value: string) =>
        this.backend.transaction(async (s) => {
          await s.run(`DELETE FROM ${this.t("load_memory")} WHERE sync = $1 AND key = $2`, [sync, key]);
          await s.run(
            `INSERT INTO ${this.t("load_memory")} (sync, key, value, updated_at) VALUES ($1, $2, $3, now())`,
            [sync, key, value],
          );
        }),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Runs

  async startRun(sync: string, meta: Record<string, unknown> = {}): Promise<string> {
    return this.backend.transaction(async (s) => {
      const rows = await s.all(`SELECT nextval(${sqlString(this.t("load_run_ids"))})::BIGINT AS id`);
      const id = String(rows[0]?.id);
      await s.run(
        `INSERT INTO ${this.t("load_runs")} (id, sync, status, started_at, pid, hostname, meta) VALUES ($1::BIGINT, $2, 'running', now(), $3::INTEGER, $4, CAST($5 AS JSON))`,
        [id, sync, process.pid, this.hostname, JSON.stringify(meta)],
      );
      return id;
    });
  }

  async finishRun(runId: string, summary: RunSummary): Promise<void> {
    if (!/^\d+$/.test(runId)) throw new Error(`finishRun: "${runId}" is not a run id.`);
    await this.backend.transaction(async (s) => {
      const found = await s.all(`SELECT id FROM ${this.t("load_runs")} WHERE id = $1::BIGINT`, [runId]);
      if (found.length === 0) throw new Error(`finishRun: there is no run ${runId} in ${this.path}.`);
      await s.run(
        `UPDATE ${this.t("load_runs")} SET status = $2, finished_at = now(), summary = CAST($3 AS JSON) WHERE id = $1::BIGINT`,
        [runId, summary.status, JSON.stringify(summary)],
      );
    });
  }

  private toRun(r: Record<string, unknown>): RunRecord {
    const run: RunRecord = {
      id: String(r.id),
      sync: String(r.sync),
      status: String(r.status),
      startedAt: iso(r.started_at) ?? "",
      meta: parseJson<Record<string, unknown>>(r.meta) ?? {},
    };
    const finished = iso(r.finished_at);
    if (finished) run.finishedAt = finished;
    if (r.pid !== null && r.pid !== undefined) run.pid = Number(r.pid);
    if (r.hostname !== null && r.hostname !== undefined) run.hostname = String(r.hostname);
    const summary = parseJson<RunSummary>(r.summary);
    if (summary) run.summary = summary;
    return run;
  }

  private static readonly RUN_COLUMNS =
    "CAST(id AS VARCHAR) AS id, sync, status, CAST(started_at AS VARCHAR) AS started_at, CAST(finished_at AS VARCHAR) AS finished_at, pid, hostname, CAST(meta AS VARCHAR) AS meta, CAST(summary AS VARCHAR) AS summary";

  /** The latest runs, newest first (of one sync when given). */
  async listRuns(limit = 20, sync?: string): Promise<RunRecord[]> {
    const n = Math.max(0, Math.floor(limit));
    return this.backend.step(async (s) => {
      const rows =
        sync === undefined
          ? await s.all(
              `SELECT ${LoadState.RUN_COLUMNS} FROM ${this.t("load_runs")} ORDER BY id DESC LIMIT ${n}`,
            )
          : await s.all(
              `SELECT ${LoadState.RUN_COLUMNS} FROM ${this.t("load_runs")} WHERE sync = $1 ORDER BY id DESC LIMIT ${n}`,
              [sync],
            );
      return rows.map((r) => this.toRun(r));
    });
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    if (!/^\d+$/.test(id)) return undefined;
    return this.backend.step(async (s) => {
      const rows = await s.all(
        `SELECT ${LoadState.RUN_COLUMNS} FROM ${this.t("load_runs")} WHERE id = $1::BIGINT`,
        [id],
      );
      return rows[0] ? this.toRun(rows[0]) : undefined;
    });
  }

  // -------------------------------------------------------------------------------------------
  // Locks

  private async readHolder(
    s: StateSession,
    sync: string,
  ): Promise<(LockHolder & { token: string }) | undefined> {
    const rows = await s.all(
      `SELECT pid, hostname, CAST(started_at AS VARCHAR) AS started_at, token FROM ${this.t("load_locks")} WHERE sync = $1`,
      [sync],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      pid: Number(row.pid),
      hostname: String(row.hostname),
      startedAt: iso(row.started_at) ?? String(row.started_at),
      token: String(row.token),
    };
  }

  /**
   * Takes the sync's lock. Fails with SyncLockedError while another run holds it; a lock left by a
   * run that is gone is taken over (its runs still `running` become `interrupted`), and the holder
   * it replaced is returned.
   *
   * A run is gone when its process no longer runs on this host; on PostgreSQL, also when its
   * database session ended (the session holds an advisory lock for as long as the run has the
   * sync's lock, so a run killed on any host releases it).
   */
  async lock(sync: string): Promise<{ tookOverFrom?: LockHolder }> {
    const token = this.held.get(sync) ?? randomUUID();
    const sessionLock = this.backend.sessionLock;
    let acquired = false;
    if (sessionLock && !this.held.has(sync)) {
      if (!(await sessionLock.tryAcquire(sync))) {
        // The holder is connected; it writes its row right after taking the advisory lock.
        let holder: LockHolder | undefined;
        for (let i = 0; i < 20 && !holder; i++) {
          holder = await this.lockHolder(sync);
          if (!holder) await new Promise((r) => setTimeout(r, 50));
        }
        const shown = holder ?? { pid: 0, hostname: "an unknown host", startedAt: new Date().toISOString() };
        throw new SyncLockedError(sync, shown, shown.hostname === this.hostname, true);
      }
      acquired = true;
    }
    try {
      const result = await this.backend.transaction(async (s) => {
        const row = await this.readHolder(s, sync);
        let tookOverFrom: LockHolder | undefined;
        if (row) {
          if (row.token === token) return {};
          const { token: _, ...holder } = row;
          const sameHost = holder.hostname === this.hostname;
          // With a session lock, the row's run lost its session: gone, unless another handle of
          // this process holds it (handles sharing one session, as with PGlite).
          const gone = sessionLock
            ? !(sameHost && holder.pid === process.pid && lockHolderRunning(row))
            : // Not just "is the pid alive": a killed run's pid may be reused, or a zombie (./liveness.ts).
              sameHost && !lockHolderRunning(row);
          if (!gone) throw new SyncLockedError(sync, holder, sameHost);
          tookOverFrom = holder;
          await s.run(`DELETE FROM ${this.t("load_locks")} WHERE sync = $1`, [sync]);
          await s.run(
            `UPDATE ${this.t("load_runs")} SET status = 'interrupted', finished_at = now() WHERE sync = $1 AND status = 'running' AND pid = $2::INTEGER AND hostname = $3`,
            [sync, holder.pid, holder.hostname],
          );
        }
        await s.run(
          `INSERT INTO ${this.t("load_locks")} (sync, pid, hostname, started_at, token) VALUES ($1, $2::INTEGER, $3, now(), $4)`,
          [sync, process.pid, this.hostname, token],
        );
        return tookOverFrom ? { tookOverFrom } : {};
      });
      this.held.set(sync, token);
      heldInThisProcess(token, true);
      return result;
    } catch (err) {
      if (acquired) await sessionLock?.release(sync).catch(() => {});
      throw err;
    }
  }

  /** Releases the sync's lock if this handle holds it; `force` releases it whoever holds it. */
  async unlock(sync: string, options: { force?: boolean } = {}): Promise<void> {
    const token = this.held.get(sync);
    if (token === undefined && !options.force) return;
    await this.backend.transaction(async (s) => {
      if (options.force) await s.run(`DELETE FROM ${this.t("load_locks")} WHERE sync = $1`, [sync]);
      else
        await s.run(`DELETE FROM ${this.t("load_locks")} WHERE sync = $1 AND token = $2`, [
          sync,
          token ?? "",
        ]);
    });
    this.held.delete(sync);
    if (token !== undefined) heldInThisProcess(token, false);
    if (token !== undefined) await this.backend.sessionLock?.release(sync);
  }

  /**
   * Releases the sync's lock whoever holds it (`load --release-lock`): for a lock left by a run on
   * another host that is gone, which this host cannot check. The holder's runs still `running`
   * become `interrupted`. Refuses (SyncLockedError) while the holder is known to run: a live
   * process on this host, or on PostgreSQL a session that still holds the sync's advisory lock.
   * Returns the holder it released; undefined when the sync was not locked.
   */
  async releaseLock(sync: string): Promise<LockHolder | undefined> {
    if (this.held.has(sync)) {
      const mine = await this.lockHolder(sync);
      await this.unlock(sync);
      return mine;
    }
    const sessionLock = this.backend.sessionLock;
    if (sessionLock && !(await sessionLock.tryAcquire(sync))) {
      const holder = (await this.lockHolder(sync)) ?? {
        pid: 0,
        hostname: "an unknown host",
        startedAt: new Date().toISOString(),
      };
      throw new SyncLockedError(sync, holder, holder.hostname === this.hostname, true);
    }
    try {
      return await this.backend.transaction(async (s) => {
        const row = await this.readHolder(s, sync);
        if (!row) return undefined;
        const { token: _, ...holder } = row;
        const sameHost = holder.hostname === this.hostname;
        const running = sessionLock
          ? sameHost && holder.pid === process.pid && lockHolderRunning(row)
          : sameHost && lockHolderRunning(row);
        if (running) throw new SyncLockedError(sync, holder, sameHost);
        await s.run(`DELETE FROM ${this.t("load_locks")} WHERE sync = $1`, [sync]);
        await s.run(
          `UPDATE ${this.t("load_runs")} SET status = 'interrupted', finished_at = now() WHERE sync = $1 AND status = 'running' AND pid = $2::INTEGER AND hostname = $3`,
          [sync, holder.pid, holder.hostname],
        );
        return holder;
      });
    } finally {
      await sessionLock?.release(sync).catch(() => {});
    }
  }

  /** Who holds the sync's lock, if anyone. */
  async lockHolder(sync: string): Promise<LockHolder | undefined> {
    const row = await this.backend.step((s) => this.readHolder(s, sync));
    if (!row) return undefined;
    const { token: _, ...holder } = row;
    return holder;
  }

  /** Releases the locks this handle holds and closes it. */
  async close(): Promise<void> {
    for (const sync of [...this.held.keys()]) await this.unlock(sync).catch(() => {});
    await this.backend.close();
  }
}

/** Opens (creating when missing) the load state at `location`, a DuckDB file path. */
export async function openLoadState(
  location: string = DEFAULT_STATE_PATH,
  options: LoadStateOptions = {},
): Promise<LoadState> {
  const state = new LoadState(location, options);
  await state.open();
  return state;
}
