/**
 * The load state: per sync, a snapshot of every row the model produced (its key, the hash of the
 * values Klaviyo last confirmed, the Klaviyo id and identifiers, the last outcome), the runs, a
 * small key/value memory for actions, and a lock.
 *
 * Change detection runs inside DuckDB: the model's keys and hashes are appended to a staging table
 * and joined with the snapshot, so a million keys never become a JavaScript map. Only rows Klaviyo
 * confirmed count as synced: a row whose last outcome was invalid or rejected keeps its last good
 * hash and is sent again on the next run.
 *
 * Every step that writes (record, forget, reset, runs, memory, lock) is one transaction.
 */
import { randomUUID } from "node:crypto";
import { hostname as osHostname } from "node:os";
import { type DuckDBConnection, VARCHAR } from "@duckdb/node-api";
import type { MappedFields, RemovedRow, RowOutcome, SyncMemory } from "../types.js";
import { DEFAULT_STATE_PATH } from "./defaults.js";
import { DB, StateFile, type StateFileOptions } from "./file.js";

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

export type RecordedOutcome = RowOutcome & { hash?: string; fields?: MappedFields };

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

/** Another run holds the sync's lock. */
export class SyncLockedError extends Error {
  override readonly name = "SyncLockedError";
  constructor(
    readonly sync: string,
    readonly holder: LockHolder,
    readonly sameHost: boolean,
  ) {
    const self = holder.pid === process.pid && sameHost ? ", this process" : "";
    super(
      `Sync "${sync}" is locked by another klaviyo-sync run (pid ${holder.pid} on ${holder.hostname}${self}, since ${holder.startedAt}). Wait for that run to finish.${
        sameHost
          ? " The process is still running."
          : " That host is not this one, so klaviyo-sync cannot tell whether the process is still running; if it is not, release the lock by force."
      }`,
    );
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

/** Reads a one-column VARCHAR result in chunks (no row objects). */
async function readStrings(c: DuckDBConnection, sql: string, values: string[] = []): Promise<string[]> {
  const result = await c.stream(sql, values);
  const out: string[] = [];
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    for (const v of chunk.getColumnValues(0)) out.push(String(v));
  }
  return out;
}

async function readObjects(
  c: DuckDBConnection,
  sql: string,
  values: Array<string | number> = [],
): Promise<Array<Record<string, unknown>>> {
  const r = await c.runAndReadAll(sql, values);
  return r.getRowObjectsJS() as Array<Record<string, unknown>>;
}

export class LoadState {
  private readonly file: StateFile;
  private readonly identifierFields: readonly string[] | "all";
  private readonly hostname = osHostname();
  /** Lock tokens this handle holds, by sync. */
  private readonly held = new Map<string, string>();
  private staging = 0;

  constructor(location: string, options: LoadStateOptions = {}) {
    this.file = new StateFile(location, options);
    this.identifierFields = options.identifierFields ?? IDENTIFIER_FIELDS;
  }

  /** The state file's absolute path. */
  get path(): string {
    return this.file.path;
  }

  async open(): Promise<void> {
    await this.file.open();
  }

  private tempName(kind: string): string {
    return `ks_${kind}_${++this.staging}`;
  }

  // -------------------------------------------------------------------------------------------
  // Snapshot

  async diff(sync: string, rows: AsyncIterable<Array<{ key: string; hash: string }>>): Promise<DiffResult> {
    const c = await this.file.conn();
    const staged = this.tempName("diff");
    const keys = this.tempName("keys");
    const classified = this.tempName("classified");
    // Rows keep their model order as the staging table's rowid.
    await c.run(`CREATE TEMP TABLE ${staged} (key VARCHAR NOT NULL, hash VARCHAR)`);
    try {
      let seen = 0;
      for await (const batch of rows) {
        const k: string[] = [];
        const h: Array<string | null> = [];
        for (const row of batch) {
          if (typeof row.key !== "string") throw new TypeError(`diff: row ${seen} has no string key.`);
          k.push(row.key);
          h.push(typeof row.hash === "string" ? row.hash : null);
          seen++;
        }
        await this.file.append(staged, [VARCHAR, VARCHAR], [k, h]);
      }
      // One row per key (the first occurrence's hash), with how often it appeared.
      await c.run(
        `CREATE TEMP TABLE ${keys} AS SELECT key, arg_min(hash, rowid) AS hash, min(rowid) AS ord, count(*) AS n FROM ${staged} GROUP BY key`,
      );
      await c.run(`DROP TABLE ${staged}`);
      const duplicates = await readStrings(c, `SELECT key FROM ${keys} WHERE n > 1 ORDER BY ord`);

      return await this.file.step(async (c) => {
        // One join classifies every key of the model and of the snapshot.
        await c.run(
          `CREATE TEMP TABLE ${classified} AS
           SELECT coalesce(k.key, s.key) AS key, k.ord,
             CASE WHEN s.key IS NULL THEN 'added'
                  WHEN k.key IS NULL THEN CASE WHEN s.synced_at IS NULL THEN 'never_synced' ELSE 'removed' END
                  WHEN s.status <> 'succeeded' OR s.hash IS DISTINCT FROM k.hash THEN 'changed'
                  ELSE 'unchanged' END AS kind,
             CASE WHEN k.key IS NULL THEN s.klaviyo_id END AS klaviyo_id,
             CASE WHEN k.key IS NULL THEN s.fields::VARCHAR END AS fields
           FROM ${keys} k FULL OUTER JOIN (SELECT key, hash, status, klaviyo_id, fields, synced_at FROM ${DB}.load_snapshot WHERE sync = $1) s
             ON s.key = k.key`,
          [sync],
        );
        try {
          const added = await readStrings(
            c,
            `SELECT key FROM ${classified} WHERE kind = 'added' ORDER BY ord`,
          );
          const changed = await readStrings(
            c,
            `SELECT key FROM ${classified} WHERE kind = 'changed' ORDER BY ord`,
          );
          const counted = await readObjects(
            c,
            `SELECT count(*)::INTEGER AS n FROM ${classified} WHERE kind = 'unchanged'`,
          );
          const removedRows = await readObjects(
            c,
            `SELECT key, klaviyo_id, fields FROM ${classified} WHERE kind = 'removed' ORDER BY key`,
          );
          // Rows that never reached Klaviyo and left the model: nothing to remove, nothing to keep.
          await c.run("BEGIN TRANSACTION");
          try {
            await c.run(
              `DELETE FROM ${DB}.load_snapshot WHERE sync = $1 AND key IN (SELECT key FROM ${classified} WHERE kind = 'never_synced')`,
              [sync],
            );
            await c.run("COMMIT");
          } catch (err) {
            await c.run("ROLLBACK").catch(() => {});
            throw err;
          }
          const removed: RemovedRow[] = removedRows.map((r) => {
            const row: RemovedRow = { key: String(r.key) };
            if (r.klaviyo_id !== null && r.klaviyo_id !== undefined) row.klaviyoId = String(r.klaviyo_id);
            const fields = parseJson<MappedFields>(r.fields);
            if (fields) row.fields = fields;
            return row;
          });
          return { added, changed, unchanged: Number(counted[0]?.n ?? 0), removed, duplicates };
        } finally {
          await c.run(`DROP TABLE IF EXISTS ${classified}`).catch(() => {});
        }
      });
    } finally {
      await c.run(`DROP TABLE IF EXISTS ${staged}`).catch(() => {});
      await c.run(`DROP TABLE IF EXISTS ${keys}`).catch(() => {});
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

  async record(sync: string, outcomes: readonly RecordedOutcome[]): Promise<void> {
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
    const c = await this.file.conn();
    const staged = this.tempName("rec");
    await c.run(
      `CREATE TEMP TABLE ${staged} (key VARCHAR NOT NULL, status VARCHAR NOT NULL, reason VARCHAR, hash VARCHAR, klaviyo_id VARCHAR, fields VARCHAR)`,
    );
    try {
      const cols: Array<Array<string | null>> = [[], [], [], [], [], []];
      for (const i of lastIndex.values()) {
        const o = outcomes[i]!;
        cols[0]!.push(o.key);
        cols[1]!.push(o.status);
        cols[2]!.push(o.reason ?? null);
        cols[3]!.push(o.hash ?? null);
        cols[4]!.push(o.klaviyoId ?? null);
        cols[5]!.push(o.status === "succeeded" ? this.identifiers(o.fields) : null);
      }
      await this.file.append(staged, [VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR], cols);
      await this.file.transaction(async (c) => {
        const ok = "r.status = 'succeeded'";
        await c.run(
          `UPDATE ${DB}.load_snapshot AS s SET
             status = r.status,
             reason = r.reason,
             hash = CASE WHEN ${ok} THEN r.hash ELSE s.hash END,
             klaviyo_id = coalesce(r.klaviyo_id, s.klaviyo_id),
             fields = CASE WHEN ${ok} THEN coalesce(r.fields::JSON, s.fields) ELSE s.fields END,
             synced_at = CASE WHEN ${ok} THEN now() ELSE s.synced_at END,
             updated_at = now()
           FROM ${staged} AS r WHERE s.sync = $1 AND s.key = r.key`,
          [sync],
        );
        await c.run(
          `INSERT INTO ${DB}.load_snapshot (sync, key, hash, status, reason, klaviyo_id, fields, synced_at, updated_at)
           SELECT $1, r.key, CASE WHEN ${ok} THEN r.hash END, r.status, r.reason, r.klaviyo_id,
                  CASE WHEN ${ok} THEN r.fields::JSON END, CASE WHEN ${ok} THEN now() END, now()
           FROM ${staged} AS r
           WHERE NOT EXISTS (SELECT 1 FROM ${DB}.load_snapshot s WHERE s.sync = $1 AND s.key = r.key)`,
          [sync],
        );
      });
    } finally {
      await c.run(`DROP TABLE IF EXISTS ${staged}`).catch(() => {});
    }
  }

  /** Forgets rows (removed rows whose removal Klaviyo confirmed). */
  async forget(sync: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const c = await this.file.conn();
    const staged = this.tempName("forget");
    await c.run(`CREATE TEMP TABLE ${staged} (key VARCHAR NOT NULL)`);
    try {
      await this.file.append(staged, [VARCHAR], [keys]);
      await this.file.transaction(async (c) => {
        await c.run(
          `DELETE FROM ${DB}.load_snapshot s WHERE s.sync = $1 AND s.key IN (SELECT key FROM ${staged})`,
          [sync],
        );
      });
    } finally {
      await c.run(`DROP TABLE IF EXISTS ${staged}`).catch(() => {});
    }
  }

  /** Forgets every row of a sync (--full-resync: everything is sent again). */
  async reset(sync: string): Promise<void> {
    await this.file.transaction(async (c) => {
      await c.run(`DELETE FROM ${DB}.load_snapshot WHERE sync = $1`, [sync]);
    });
  }

  /** How many rows the snapshot holds for a sync, by last status. */
  async counts(sync: string): Promise<Record<string, number>> {
    return this.file.step(async (c) => {
      const rows = await readObjects(
        c,
        `SELECT status, count(*)::INTEGER AS n FROM ${DB}.load_snapshot WHERE sync = $1 GROUP BY status`,
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
    return this.file.step(async (c) => {
      const rows = await readObjects(
        c,
        `SELECT key, hash, status, reason, klaviyo_id, fields::VARCHAR AS fields, synced_at::VARCHAR AS synced_at FROM ${DB}.load_snapshot WHERE sync = $1 AND key = $2`,
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
        this.file.step(async (c) => {
          const rows = await readObjects(
            c,
            `SELECT value FROM ${DB}.load_memory WHERE sync = $1 AND key = $2`,
            [sync, key],
          );
          const v = rows[0]?.value;
          return v === undefined || v === null ? undefined : String(v);
        }),
      set: (key: string, value: string) =>
        this.file.transaction(async (c) => {
          await c.run(`DELETE FROM ${DB}.load_memory WHERE sync = $1 AND key = $2`, [sync, key]);
          await c.run(`INSERT INTO ${DB}.load_memory VALUES ($1, $2, $3, now())`, [sync, key, value]);
        }),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Runs

  async startRun(sync: string, meta: Record<string, unknown> = {}): Promise<string> {
    return this.file.transaction(async (c) => {
      const rows = await readObjects(c, `SELECT nextval('${DB}.load_run_ids')::BIGINT AS id`);
      const id = String(rows[0]?.id);
      await c.run(
        `INSERT INTO ${DB}.load_runs (id, sync, status, started_at, pid, hostname, meta) VALUES ($1::BIGINT, $2, 'running', now(), $3::INTEGER, $4, $5::JSON)`,
        [id, sync, process.pid, this.hostname, JSON.stringify(meta)],
      );
      return id;
    });
  }

  async finishRun(runId: string, summary: RunSummary): Promise<void> {
    if (!/^\d+$/.test(runId)) throw new Error(`finishRun: "${runId}" is not a run id.`);
    await this.file.transaction(async (c) => {
      const found = await readObjects(c, `SELECT id FROM ${DB}.load_runs WHERE id = $1::BIGINT`, [runId]);
      if (found.length === 0) throw new Error(`finishRun: there is no run ${runId} in ${this.path}.`);
      await c.run(
        `UPDATE ${DB}.load_runs SET status = $2, finished_at = now(), summary = $3::JSON WHERE id = $1::BIGINT`,
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
    "id::VARCHAR AS id, sync, status, started_at::VARCHAR AS started_at, finished_at::VARCHAR AS finished_at, pid, hostname, meta::VARCHAR AS meta, summary::VARCHAR AS summary";

  /** The latest runs, newest first (of one sync when given). */
  async listRuns(limit = 20, sync?: string): Promise<RunRecord[]> {
    const n = Math.max(0, Math.floor(limit));
    return this.file.step(async (c) => {
      const rows =
        sync === undefined
          ? await readObjects(
              c,
              `SELECT ${LoadState.RUN_COLUMNS} FROM ${DB}.load_runs ORDER BY id DESC LIMIT ${n}`,
            )
          : await readObjects(
              c,
              `SELECT ${LoadState.RUN_COLUMNS} FROM ${DB}.load_runs WHERE sync = $1 ORDER BY id DESC LIMIT ${n}`,
              [sync],
            );
      return rows.map((r) => this.toRun(r));
    });
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    if (!/^\d+$/.test(id)) return undefined;
    return this.file.step(async (c) => {
      const rows = await readObjects(
        c,
        `SELECT ${LoadState.RUN_COLUMNS} FROM ${DB}.load_runs WHERE id = $1::BIGINT`,
        [id],
      );
      return rows[0] ? this.toRun(rows[0]) : undefined;
    });
  }

  // -------------------------------------------------------------------------------------------
  // Locks

  /**
   * Takes the sync's lock. Fails with SyncLockedError while another run holds it; a lock left by a
   * process that no longer runs on this host is taken over (its runs still `running` become
   * `interrupted`), and the holder it replaced is returned.
   */
  async lock(sync: string): Promise<{ tookOverFrom?: LockHolder }> {
    const token = this.held.get(sync) ?? randomUUID();
    const result = await this.file.transaction(async (c) => {
      const rows = await readObjects(
        c,
        `SELECT pid, hostname, started_at::VARCHAR AS started_at, token FROM ${DB}.load_locks WHERE sync = $1`,
        [sync],
      );
      const row = rows[0];
      let tookOverFrom: LockHolder | undefined;
      if (row) {
        if (String(row.token) === token) return {};
        const holder: LockHolder = {
          pid: Number(row.pid),
          hostname: String(row.hostname),
          startedAt: iso(row.started_at) ?? String(row.started_at),
        };
        const sameHost = holder.hostname === this.hostname;
        if (!sameHost || pidAlive(holder.pid)) throw new SyncLockedError(sync, holder, sameHost);
        tookOverFrom = holder;
        await c.run(`DELETE FROM ${DB}.load_locks WHERE sync = $1`, [sync]);
        await c.run(
          `UPDATE ${DB}.load_runs SET status = 'interrupted', finished_at = now() WHERE sync = $1 AND status = 'running' AND pid = $2::INTEGER AND hostname = $3`,
          [sync, holder.pid, holder.hostname],
        );
      }
      await c.run(`INSERT INTO ${DB}.load_locks VALUES ($1, $2::INTEGER, $3, now(), $4)`, [
        sync,
        process.pid,
        this.hostname,
        token,
      ]);
      return tookOverFrom ? { tookOverFrom } : {};
    });
    this.held.set(sync, token);
    return result;
  }

  /** Releases the sync's lock if this handle holds it; `force` releases it whoever holds it. */
  async unlock(sync: string, options: { force?: boolean } = {}): Promise<void> {
    const token = this.held.get(sync);
    if (token === undefined && !options.force) return;
    await this.file.transaction(async (c) => {
      if (options.force) await c.run(`DELETE FROM ${DB}.load_locks WHERE sync = $1`, [sync]);
      else await c.run(`DELETE FROM ${DB}.load_locks WHERE sync = $1 AND token = $2`, [sync, token ?? ""]);
    });
    this.held.delete(sync);
  }

  /** Who holds the sync's lock, if anyone. */
  async lockHolder(sync: string): Promise<LockHolder | undefined> {
    return this.file.step(async (c) => {
      const rows = await readObjects(
        c,
        `SELECT pid, hostname, started_at::VARCHAR AS started_at FROM ${DB}.load_locks WHERE sync = $1`,
        [sync],
      );
      const row = rows[0];
      return row
        ? { pid: Number(row.pid), hostname: String(row.hostname), startedAt: iso(row.started_at) ?? "" }
        : undefined;
    });
  }

  /** Releases the locks this handle holds and closes it. */
  async close(): Promise<void> {
    for (const sync of [...this.held.keys()]) await this.unlock(sync).catch(() => {});
    await this.file.close();
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
