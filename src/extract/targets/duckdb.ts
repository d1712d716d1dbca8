/**
 * DuckDB target (the embedded default).
 *
 * A merge batch (every page the runner reads) whose keys are all new is appended through DuckDB's
 * appender straight into the stream's table, with the stream's state, in one transaction: the
 * common case of a first run and of events, which never change. A batch that repeats a key the
 * table holds goes the merge way instead. Merge batches are appended to a stage
 * table beside the stream's table (`_ks_stage_<table>`, same columns plus an arrival number), in
 * one transaction with the stream's state. The stage is merged into the table (`INSERT ... ON
 * CONFLICT DO UPDATE`, the latest arrival of a key winning) once it holds STAGE_FLUSH_ROWS rows,
 * before any read or swap, before a batch that marks deletions or carries no rows (the end of a
 * stream), and when the target is opened or closed. An upsert per page costs about twice a plain
 * append (the conflict check against a growing primary-key index), so staging keeps the target off
 * the critical path at Klaviyo's event rate; a crash after a stage commit loses nothing, because
 * the next open merges what the stage holds before anything else runs.
 *
 * Append batches go into a temporary table and then into the stream's table, with the state.
 */
import { chmodSync, existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import {
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBInstance,
  DuckDBTimestampValue,
} from "@duckdb/node-api";
import { ConfigError } from "../../client/errors.js";
import { holderPid, isLockConflict } from "../../load/state/file.js";
import {
  type Column,
  type ColumnType,
  DELETED_COLUMN,
  type Row,
  type StreamState,
  type Target,
} from "../types.js";
import { lockedMessage, lockInProcess, type ReleaseLock, TargetLockedError } from "./writer-lock.js";

const STATE_TABLE = "_klaviyo_sync_state";
const STAGE_PREFIX = "_ks_stage_";
/** Rows a stage holds before it is merged into its table (about 50 pages of events). */
const STAGE_FLUSH_ROWS = 50_000;
/**
 * DuckDB's memory limit for file databases while appending (it evicts written blocks and spills
 * big queries), per table written since the target was opened, up to a cap: one stream's appends
 * run in 16 MB (1M events: about 40 MB less RSS than at 64 MB, as fast), but four streams writing
 * at once ran out of memory ("could not allocate block") at 16 MB, and do not at 64.
 */
const MEMORY_PER_TABLE_MB = 16;
const MEMORY_CAP_MB = 64;
/**
 * DuckDB's memory limit while merging. An update holds what it touches until it commits: in a
 * 1M-row table, 10,000 scattered updates of 1 KB rows ran out of memory at 64 MB, and 50,000 (one
 * stage) at 256 MB; at 16 MB, 100 updates in a 200,000-row table did.
 */
const MERGE_MEMORY_MB = 256;
/**
 * DuckDB's threads outside merges. Appending a page and committing it is one thread's work; in a
 * profile a second thread mostly spun waiting for tasks (sched_yield, mutexes), CPU that an
 * extract bound by the machine's cores (events) needs for reading. With this and timestamps
 * appended as timestamps, an events extract went from about 36.5 to 31.5 ms of CPU a 1,000-event
 * page on a 2-core machine. Merges, which scan and sort whole stages, get DuckDB's default (a
 * thread a core) back.
 */
const APPEND_THREADS = 1;
/**
 * Row data one merge transaction moves, so that a stage is merged in parts that each fit in
 * MERGE_MEMORY_MB: 4,000 updates of 1 KB rows needed less than 64 MB in a 3M-row table.
 */
const MERGE_CHUNK_BYTES = 4 * 1024 * 1024;

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Text form of a value for the VARCHAR batch table; the INSERT casts it to the column type. */
function toText(value: unknown, type: ColumnType): string | null {
  if (value === null || value === undefined) return null;
  if (type === "TIMESTAMPTZ") {
    const d = value instanceof Date ? value : new Date(String(value));
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }
  if (type === "JSON") return JSON.stringify(value);
  if (type === "DATE" && value instanceof Date)
    return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 10);
  if (type === "BOOLEAN") return value ? "true" : "false";
  return typeof value === "string" ? value : String(value);
}

/** Serialises commits: one DuckDB connection, one transaction at a time. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const prev = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => {
      release = r;
    });
    await prev;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

export class DuckDBTarget implements Target {
  readonly description: string;
  private instance: DuckDBInstance | undefined;
  private conn: DuckDBConnection | undefined;
  private readonly lock = new Mutex();
  private batchSeq = 0;
  /** Arrival number of staged rows (the latest arrival of a key wins when a stage is merged). */
  private stageSeq = 0;
  /** Stages this target has written to and not yet merged: table → columns and primary key. */
  private readonly stages = new Map<
    string,
    { columns: readonly Column[]; signature: string; primaryKey: readonly string[]; rows: number }
  >();

  /**
   * Column signatures of tables that merge batches may be appended to directly (see
   * commitAppended), read once per table and forgotten whenever the table's columns may change.
   */
  private readonly appendable = new Map<string, string>();

  /** The database file is owner-only (created so by this target): its WAL is kept so too. */
  private created = false;

  /** Tables written since opening (a stage counts as its table), and the memory limit set for them. */
  private readonly written = new Set<string>();
  private memoryLimitMb = MEMORY_PER_TABLE_MB;
  /** withMergeMemory calls running (one inside another: only the outer one sets and checkpoints). */
  private mergeDepth = 0;

  constructor(readonly path: string) {
    this.description = `duckdb:${path}`;
  }

  private get c(): DuckDBConnection {
    if (!this.conn) throw new Error("DuckDB target is not open");
    return this.conn;
  }

  /** Makes a database this target created, and its write-ahead log, readable by the owner only. */
  private tighten(): void {
    for (const f of [this.path, `${this.path}.wal`]) {
      try {
        chmodSync(f, 0o600);
      } catch {
        // Not there (no WAL right now), or a file system without modes.
      }
    }
  }

  async open(): Promise<void> {
    const created = this.path !== ":memory:" && !existsSync(this.path);
    // A file that is owner-only already (created by an earlier run) keeps its WAL owner-only too.
    this.created = created || (this.path !== ":memory:" && (statSync(this.path).mode & 0o077) === 0);
    if (this.path !== ":memory:") {
      try {
        mkdirSync(dirname(resolve(this.path)), { recursive: true });
      } catch (err) {
        throw new ConfigError(
          `Cannot create the folder for DuckDB file ${this.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`,
        );
      }
    }
    try {
      // A file database's written blocks are on disk: keep DuckDB's cache small (its default, 80%
      // of RAM, holds every block an extract writes, so memory grew with the table). It opens with
      // the merge memory: opening replays the write-ahead log, and a run killed after a merge
      // committed but before its checkpoint left the merge's updates there (replaying them failed
      // at 16 MB); the limit drops after the open's checkpoint (below).
      this.instance = await DuckDBInstance.create(this.path, {
        threads: String(APPEND_THREADS),
        ...(this.path === ":memory:" ? {} : { memory_limit: `${MERGE_MEMORY_MB}MB` }),
      });
      this.conn = await this.instance.connect();
    } catch (err) {
      const msg = (err as Error).message;
      if (isLockConflict(err)) {
        const pid = holderPid(err);
        throw new TargetLockedError(
          lockedMessage(
            `DuckDB database ${this.path}`,
            pid === undefined ? "another process has the file open" : `pid ${pid} has the file open`,
            " A DuckDB shell or any other program that has the file open blocks it too: close it.",
          ),
        );
      }
      throw new ConfigError(`Cannot open DuckDB database ${this.path}: ${msg.split("\n")[0]}.`);
    }
    await this.c.run(
      `CREATE TABLE IF NOT EXISTS ${STATE_TABLE} (stream VARCHAR PRIMARY KEY, state JSON NOT NULL, updated_at TIMESTAMPTZ NOT NULL)`,
    );
    if (created) this.tighten();
    // Rows a killed run committed to a stage (with their state) reach their tables first; then,
    // as after any merge, a checkpoint and the limit for appends.
    await this.withMergeMemory(() => this.lock.run(() => this.mergeLeftoverStages()));
  }

  /** Another process cannot open the file while this one has it; within this process, a registry. */
  async lockWriter(): Promise<ReleaseLock> {
    return lockInProcess(`duckdb:${resolve(this.path)}`, `DuckDB database ${this.path}`);
  }

  async close(): Promise<void> {
    // Staged rows are committed already; if merging them fails here, the next open merges them.
    if (this.conn && this.stages.size > 0) await this.lock.run(() => this.mergeAllStages()).catch(() => {});
    this.conn?.closeSync();
    this.instance?.closeSync();
    this.conn = undefined;
    this.instance = undefined;
  }

  async readState(stream: string): Promise<StreamState | undefined> {
    return this.lock.run(async () => {
      const r = await this.c.runAndReadAll(
        `SELECT state::VARCHAR AS s FROM ${STATE_TABLE} WHERE stream = ${sqlString(stream)}`,
      );
      const rows = r.getRowObjects();
      const s = rows[0]?.s;
      return typeof s === "string" ? (JSON.parse(s) as StreamState) : undefined;
    });
  }

  private async existingColumns(table: string): Promise<Map<string, string>> {
    const r = await this.c.runAndReadAll(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ${sqlString(table)} AND table_schema = 'main'`,
    );
    return new Map(r.getRowObjects().map((row) => [String(row.column_name), String(row.data_type)]));
  }

  /** Raises DuckDB's memory limit (never lowers it) to cover one more table being written. */
  private async fitMemory(table: string): Promise<void> {
    if (this.path === ":memory:") return;
    this.written.add(table.startsWith(STAGE_PREFIX) ? table.slice(STAGE_PREFIX.length) : table);
    const mb = Math.min(MEMORY_CAP_MB, MEMORY_PER_TABLE_MB * this.written.size);
    if (mb <= this.memoryLimitMb) return;
    await this.c.run(`SET memory_limit = '${mb}MB'`);
    this.memoryLimitMb = mb;
  }

  /** DuckDB's memory limit for appends now, in MB (for tests). */
  get memoryLimit(): number {
    return this.memoryLimitMb;
  }

  /**
   * Runs `fn` (merges, updates) with DuckDB's default threads and, for a file, its memory limit
   * raised to MERGE_MEMORY_MB; afterwards a checkpoint, then the limits for appends again.
   */
  private async withMergeMemory<T>(fn: () => Promise<T>): Promise<T> {
    if (this.mergeDepth > 0) return fn();
    const file = this.path !== ":memory:";
    this.mergeDepth++;
    try {
      await this.c.run(`RESET threads${file ? `; SET memory_limit = '${MERGE_MEMORY_MB}MB'` : ""}`);
      const out = await fn();
      // Updated rows are written out at a checkpoint, which needs memory like the update did: done
      // here, not by the automatic checkpoint of a later commit under the smaller limit.
      if (file) await this.c.run("CHECKPOINT");
      return out;
    } finally {
      this.mergeDepth--;
      // Lowering the limit makes DuckDB evict what it cached while merging (written blocks are on disk).
      await this.c
        .run(`SET threads = ${APPEND_THREADS}${file ? `; SET memory_limit = '${this.memoryLimitMb}MB'` : ""}`)
        .catch(() => {});
    }
  }

  async ensureTable(table: string, columns: readonly Column[], primaryKey: readonly string[]): Promise<void> {
    this.appendable.delete(table);
    await this.lock.run(async () => {
      await this.fitMemory(table);
      // A stage has the table's columns of its time: merge it and start a new one.
      await this.mergeStage(table);
      const existing = await this.existingColumns(table);
      if (existing.size === 0) {
        const defs = columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(", ");
        const pk = primaryKey.length > 0 ? `, PRIMARY KEY (${primaryKey.map(quoteIdent).join(", ")})` : "";
        await this.c.run(`CREATE TABLE IF NOT EXISTS ${quoteIdent(table)} (${defs}${pk})`);
        return;
      }
      for (const col of columns) {
        const have = existing.get(col.name);
        if (have === undefined) {
          await this.c.run(`ALTER TABLE ${quoteIdent(table)} ADD COLUMN ${quoteIdent(col.name)} ${col.type}`);
        } else if (!compatible(have, col.type)) {
          throw new ConfigError(
            `Table ${table} in ${this.path} has column ${col.name} of type ${have}, but this stream writes ${col.type}. Rename or drop that table (or write to another one with \`object:\`) and run a full refresh; klaviyo-sync never changes a column's type itself.`,
          );
        }
      }
    });
  }

  async commit(batch: Parameters<Target["commit"]>[0]): Promise<void> {
    await this.lock.run(async () => {
      // The write-ahead log comes and goes (checkpoints): owner-only, like the file.
      if (this.created) this.tighten();
      if (
        batch.write === "merge" &&
        batch.primaryKey.length > 0 &&
        batch.rows.length > 0 &&
        !batch.markDeleted
      ) {
        const appended = await this.commitAppended(batch);
        if (appended === "appended") return;
        await this.commitStaged(batch);
        // A page that repeats keys (a lookback, a re-read after a crash) is merged at once, so the
        // pages after it can be appended again.
        if (appended === "conflict") await this.mergeStage(batch.table, false);
        return;
      }
      // Deletion marks and end-of-stream states apply to the table with every staged row in it.
      // Merging staged rows, merging a batch and marking deletions update rows: one merge memory
      // and one checkpoint for all of it. A state alone, or plain appends, need neither.
      const updates =
        batch.markDeleted !== undefined ||
        (batch.write === "merge" && batch.rows.length > 0) ||
        (this.stages.get(batch.table)?.rows ?? 0) > 0;
      const write = async () => {
        await this.mergeStage(batch.table);
        await this.commitDirect(batch);
      };
      await (updates ? this.withMergeMemory(write) : write());
    });
  }

  /**
   * A merge batch whose keys are all new, appended straight into its table with the state in one
   * transaction: the cheapest write (no stage to merge later), taken when the table has exactly
   * the batch's columns and nothing is staged for it (a staged row merged later would overwrite a
   * newer appended one). A key the table already holds, or one the batch repeats, violates the
   * primary key: the transaction is rolled back and the caller merges the batch instead.
   */
  private async commitAppended(
    batch: Parameters<Target["commit"]>[0],
  ): Promise<"appended" | "conflict" | "not-appendable"> {
    if ((this.stages.get(batch.table)?.rows ?? 0) > 0) return "not-appendable";
    const signature = batch.columns.map((col) => `${col.name} ${col.type}`).join(",");
    let tableSignature = this.appendable.get(batch.table);
    if (tableSignature === undefined) {
      tableSignature = await this.tableSignature(batch.table);
      this.appendable.set(batch.table, tableSignature);
    }
    if (tableSignature !== signature) return "not-appendable";
    const c = this.c;
    const cols = batch.columns;
    await c.run("BEGIN TRANSACTION");
    try {
      await appendRows(await c.createAppender(batch.table), batch.rows, cols);
      await c.run(`${stateSql(batch.state)};\nCOMMIT`);
      return "appended";
    } catch {
      // Usually a key the table holds; whatever it was, the merge way reports a real error itself.
      await c.run("ROLLBACK").catch(() => {});
      return "conflict";
    }
  }

  /** The table's columns as "name TYPE" in table order, in the batch's type names. */
  private async tableSignature(table: string): Promise<string> {
    const r = await this.c.runAndReadAll(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ${sqlString(table)} AND table_schema = 'main' ORDER BY ordinal_position`,
    );
    return r
      .getRowObjects()
      .map((row) => `${String(row.column_name)} ${columnTypeName(String(row.data_type))}`)
      .join(",");
  }

  /** Appends a merge batch to the table's stage, with the state, in one transaction. */
  private async commitStaged(batch: Parameters<Target["commit"]>[0]): Promise<void> {
    const c = this.c;
    const stage = await this.stageFor(batch.table, batch.columns, batch.primaryKey);
    const cols = batch.columns;
    await c.run("BEGIN TRANSACTION");
    try {
      await appendRows(await c.createAppender(stageName(batch.table)), batch.rows, cols, () =>
        BigInt(++this.stageSeq),
      );
      await c.run(`${stateSql(batch.state)};\nCOMMIT`);
    } catch (err) {
      await c.run("ROLLBACK").catch(() => {});
      throw err;
    }
    stage.rows += batch.rows.length;
    if (stage.rows >= STAGE_FLUSH_ROWS) await this.mergeStage(batch.table, false);
  }

  /** The stage for `table` with these columns, created (or, after a column change, recreated). */
  private async stageFor(
    table: string,
    columns: readonly Column[],
    primaryKey: readonly string[],
  ): Promise<{ rows: number }> {
    const signature = columns.map((col) => `${col.name} ${col.type}`).join(",");
    const known = this.stages.get(table);
    if (known?.signature === signature) return known;
    if (known) await this.mergeStage(table);
    const defs = columns.map((col) => `${quoteIdent(col.name)} ${col.type}`).join(", ");
    await this.c.run(
      `DROP TABLE IF EXISTS ${quoteIdent(stageName(table))}; CREATE TABLE ${quoteIdent(stageName(table))} (${defs}, _ks_seq BIGINT)`,
    );
    const stage = { columns, signature, primaryKey, rows: 0 };
    this.stages.set(table, stage);
    return stage;
  }

  /**
   * Moves a stage's rows into its table (the latest arrival of each key wins) and drops the stage
   * (or, with `drop` false, keeps it empty for the next pages). The rows go in arrival order, in
   * parts of about MERGE_CHUNK_BYTES, each part in one transaction that also deletes it from the
   * stage: a later part overwrites an earlier one's keys, so the latest arrival still wins, and a
   * process that dies between parts leaves the rest staged, merged at the next open.
   */
  private async mergeStage(table: string, drop = true): Promise<void> {
    const stage = this.stages.get(table);
    if (!stage) return;
    const name = quoteIdent(stageName(table));
    const target = quoteIdent(table);
    const cols = stage.columns;
    const names = cols.map((col) => quoteIdent(col.name)).join(", ");
    const pk = stage.primaryKey.map(quoteIdent).join(", ");
    if (stage.rows > 0) {
      const updates = await this.mergeUpdates(table, cols, stage.primaryKey);
      await this.withMergeMemory(async () => {
        const chunk = await this.mergeChunkRows(name, cols);
        for (;;) {
          const r = await this.c.runAndReadAll(
            `SELECT max(_ks_seq)::VARCHAR AS s FROM (SELECT _ks_seq FROM ${name} ORDER BY _ks_seq LIMIT ${chunk})`,
          );
          const upTo = r.getRowObjects()[0]?.s;
          if (typeof upTo !== "string") break;
          const part = `FROM ${name} WHERE _ks_seq <= ${upTo}`;
          const insert =
            stage.primaryKey.length === 0
              ? `INSERT INTO ${target} (${names}) SELECT ${names} ${part} ORDER BY _ks_seq`
              : `INSERT INTO ${target} (${names}) SELECT ${names} ${part} QUALIFY row_number() OVER (PARTITION BY ${pk} ORDER BY _ks_seq DESC) = 1 ON CONFLICT (${pk}) DO ${updates ? `UPDATE SET ${updates}` : "NOTHING"}`;
          try {
            await this.c.run(["BEGIN TRANSACTION", insert, `DELETE ${part}`, "COMMIT"].join(";\n"));
          } catch (err) {
            await this.c.run("ROLLBACK").catch(() => {});
            throw err;
          }
        }
      });
    }
    if (drop) await this.c.run(`DROP TABLE IF EXISTS ${name}`);
    if (drop) this.stages.delete(table);
    else stage.rows = 0;
  }

  /** Rows of a stage that make about MERGE_CHUNK_BYTES, from the stage's average row size. */
  private async mergeChunkRows(stage: string, cols: readonly Column[]): Promise<number> {
    const size = cols.map((col) => `coalesce(strlen(${quoteIdent(col.name)}::VARCHAR), 0)`).join(" + ");
    const r = await this.c.runAndReadAll(`SELECT (avg(${size || "0"}) + 16)::DOUBLE AS b FROM ${stage}`);
    const avg = Number(r.getRowObjects()[0]?.b ?? 0);
    if (!(avg > 0)) return 10_000;
    return Math.max(100, Math.min(50_000, Math.floor(MERGE_CHUNK_BYTES / avg)));
  }

  /**
   * The SET list of a merge: every written non-key column; a row written again is no longer
   * deleted, so `_deleted_at` is cleared when the table has it and the batch does not write it.
   */
  private async mergeUpdates(
    table: string,
    columns: readonly Column[],
    primaryKey: readonly string[],
  ): Promise<string> {
    const sets = columns
      .filter((col) => !primaryKey.includes(col.name))
      .map((col) => `${quoteIdent(col.name)} = EXCLUDED.${quoteIdent(col.name)}`);
    if (!columns.some((col) => col.name === DELETED_COLUMN.name)) {
      const existing = await this.existingColumns(table);
      if (existing.has(DELETED_COLUMN.name)) sets.push(`${quoteIdent(DELETED_COLUMN.name)} = NULL`);
    }
    return sets.join(", ");
  }

  private async mergeAllStages(): Promise<void> {
    for (const table of [...this.stages.keys()]) await this.mergeStage(table);
  }

  /** Stages left by an earlier process (killed after committing pages): merged and dropped. */
  private async mergeLeftoverStages(): Promise<void> {
    const r = await this.c.runAndReadAll(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND starts_with(table_name, ${sqlString(STAGE_PREFIX)})`,
    );
    for (const row of r.getRowObjects()) {
      const name = String(row.table_name);
      const table = name.slice(STAGE_PREFIX.length);
      const stageCols = await this.existingColumns(name);
      const tableCols = await this.existingColumns(table);
      if (tableCols.size === 0) {
        await this.c.run(`DROP TABLE ${quoteIdent(name)}`);
        continue;
      }
      const columns: Column[] = [...stageCols.keys()]
        .filter((col) => col !== "_ks_seq" && tableCols.has(col))
        .map((col) => ({ name: col, type: "VARCHAR" }));
      const pk = await this.primaryKeyOf(table);
      const count = await this.c.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM ${quoteIdent(name)}`);
      this.stages.set(table, {
        columns,
        signature: "",
        primaryKey: pk,
        rows: Number(count.getRowObjects()[0]?.n ?? 0),
      });
      await this.mergeStage(table);
    }
  }

  private async primaryKeyOf(table: string): Promise<string[]> {
    const r = await this.c.runAndReadAll(
      `SELECT constraint_column_names AS cols FROM duckdb_constraints() WHERE table_name = ${sqlString(table)} AND constraint_type = 'PRIMARY KEY'`,
    );
    const cols = r.getRowObjectsJson()[0]?.cols;
    return Array.isArray(cols) ? cols.map(String) : [];
  }

  /** A batch straight into its table (append, or merge of a batch that marks deletions), with the state. */
  private async commitDirect(batch: Parameters<Target["commit"]>[0]): Promise<void> {
    {
      const c = this.c;
      const tmp = `_ks_batch_${++this.batchSeq}`;
      // Statements after the rows are appended go in one call (fewer round trips per page); DuckDB
      // stops at the first failing one, and the ROLLBACK below undoes the rest.
      const rest: string[] = [];
      try {
        if (batch.rows.length > 0) {
          const cols = batch.columns;
          await c.run(
            `BEGIN TRANSACTION; CREATE TEMP TABLE ${tmp} (${cols.map((col) => `${quoteIdent(col.name)} VARCHAR`).join(", ")}, _ks_ord BIGINT)`,
          );
          const appender = await c.createAppender(tmp, "main", "temp");
          batch.rows.forEach((row: Row, i) => {
            for (const col of cols) {
              const v = toText(row[col.name], col.type);
              if (v === null) appender.appendNull();
              else appender.appendVarchar(v);
            }
            appender.appendBigInt(BigInt(i));
            appender.endRow();
          });
          appender.flushSync();
          appender.closeSync();
          const names = cols.map((col) => quoteIdent(col.name)).join(", ");
          const casts = cols
            .map((col) => `CAST(${quoteIdent(col.name)} AS ${col.type}) AS ${quoteIdent(col.name)}`)
            .join(", ");
          const target = quoteIdent(batch.table);
          if (batch.write === "merge" && batch.primaryKey.length > 0) {
            const pk = batch.primaryKey.map(quoteIdent).join(", ");
            const updates = await this.mergeUpdates(batch.table, cols, batch.primaryKey);
            // The last occurrence of a key in the batch wins (a page can repeat a boundary record);
            // the window that picks it costs as much as the insert, so only when a key repeats.
            const source = repeatsKey(batch.rows, cols, batch.primaryKey)
              ? `SELECT ${names} FROM (SELECT ${casts}, row_number() OVER (PARTITION BY ${pk} ORDER BY _ks_ord DESC) AS _ks_rn FROM ${tmp}) WHERE _ks_rn = 1`
              : `SELECT ${casts} FROM ${tmp}`;
            rest.push(
              `INSERT INTO ${target} (${names}) ${source} ON CONFLICT (${pk}) DO ${updates ? `UPDATE SET ${updates}` : "NOTHING"}`,
            );
          } else {
            rest.push(`INSERT INTO ${target} (${names}) SELECT ${casts} FROM ${tmp}`);
          }
          rest.push(`DROP TABLE ${tmp}`);
        } else {
          await c.run("BEGIN TRANSACTION");
        }
        if (batch.markDeleted) {
          const m = batch.markDeleted;
          rest.push(
            `UPDATE ${quoteIdent(batch.table)} SET _deleted_at = ${sqlString(m.at.toISOString())}::TIMESTAMPTZ WHERE ${quoteIdent(m.parentColumn)} = ${sqlString(m.parentId)} AND _run_id IS DISTINCT FROM ${sqlString(m.seenRunId)} AND _deleted_at IS NULL`,
          );
        }
        rest.push(stateSql(batch.state), "COMMIT");
        await c.run(rest.join(";\n"));
      } catch (err) {
        await c.run("ROLLBACK").catch(() => {});
        throw err;
      }
    }
  }

  private async writeState(state: StreamState): Promise<void> {
    await this.c.run(stateSql(state));
  }

  async swap(table: string, staging: string, state: StreamState): Promise<void> {
    this.appendable.delete(table);
    this.appendable.delete(staging);
    await this.lock.run(async () => {
      await this.mergeStage(staging);
      await this.mergeStage(table);
      const c = this.c;
      await c.run("BEGIN TRANSACTION");
      try {
        await c.run(`DROP TABLE IF EXISTS ${quoteIdent(table)}`);
        await c.run(`ALTER TABLE ${quoteIdent(staging)} RENAME TO ${quoteIdent(table)}`);
        await this.writeState(state);
        await c.run("COMMIT");
      } catch (err) {
        await c.run("ROLLBACK").catch(() => {});
        throw err;
      }
    });
  }

  async dropTable(table: string): Promise<void> {
    this.appendable.delete(table);
    await this.lock.run(async () => {
      this.stages.delete(table);
      await this.c.run(
        `DROP TABLE IF EXISTS ${quoteIdent(stageName(table))}; DROP TABLE IF EXISTS ${quoteIdent(table)}`,
      );
    });
  }

  async count(table: string): Promise<number> {
    return this.lock.run(async () => {
      await this.mergeStage(table);
      if ((await this.existingColumns(table)).size === 0) return 0;
      const r = await this.c.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM ${quoteIdent(table)}`);
      return Number(r.getRowObjects()[0]?.n ?? 0);
    });
  }

  /**
   * Every row of `table` in primary-key order, in the form the target tests compare: timestamps as
   * ISO 8601 UTC strings with microseconds, dates as YYYY-MM-DD, BIGINT as numbers, JSON parsed.
   */
  async readRows(table: string): Promise<Row[]> {
    return this.lock.run(async () => {
      await this.mergeStage(table);
      const cols = await this.existingColumns(table);
      if (cols.size === 0) return [];
      const pk = await this.primaryKeyOf(table);
      const select = [...cols].map(([name, type]) => {
        const q = quoteIdent(name);
        if (type === "TIMESTAMP WITH TIME ZONE")
          return `strftime(timezone('UTC', ${q}), '%Y-%m-%dT%H:%M:%S.%fZ') AS ${q}`;
        if (type === "DATE") return `strftime(${q}, '%Y-%m-%d') AS ${q}`;
        if (type === "BIGINT" || type === "JSON") return `${q}::VARCHAR AS ${q}`;
        return q;
      });
      const order = pk.length > 0 ? ` ORDER BY ${pk.map(quoteIdent).join(", ")}` : "";
      const r = await this.c.runAndReadAll(`SELECT ${select.join(", ")} FROM ${quoteIdent(table)}${order}`);
      return (r.getRowObjectsJson() as Row[]).map((row) => {
        const out: Row = { ...row };
        for (const [name, type] of cols) {
          const v = out[name];
          if (typeof v !== "string") continue;
          if (type === "BIGINT") {
            const n = Number(v);
            out[name] = Number.isSafeInteger(n) ? n : v;
          } else if (type === "JSON") out[name] = JSON.parse(v);
        }
        return out;
      });
    });
  }

  /** Runs a read query (for the demo summary and tests). */
  async query(sql: string): Promise<Record<string, unknown>[]> {
    return this.lock.run(async () => {
      await this.mergeAllStages();
      const r = await this.c.runAndReadAll(sql);
      return r.getRowObjectsJson() as Record<string, unknown>[];
    });
  }
}

function stageName(table: string): string {
  return `${STAGE_PREFIX}${table}`;
}

/**
 * Appends rows (and, with `extra`, one more value a row) and flushes them into the appender's
 * table, within the caller's transaction. On a failure the appender's rows are cleared before it
 * is closed: closing an appender that still holds rows flushes them again, and one that fails
 * there stays alive and aborts whatever transaction is open when it is finally freed.
 */
async function appendRows(
  appender: DuckDBAppender,
  rows: readonly Row[],
  cols: readonly Column[],
  extra?: () => bigint,
): Promise<void> {
  try {
    const dates = new Timestamps();
    for (const row of rows) {
      for (const col of cols) appendValue(appender, row[col.name], col.type, dates);
      if (extra) appender.appendBigInt(extra());
      appender.endRow();
    }
    appender.flushSync();
  } catch (err) {
    appender.clear();
    throw err;
  } finally {
    appender.closeSync();
  }
}

/**
 * DuckDB timestamps (microseconds since the epoch) of Dates, remembering the last one: every row
 * of a page carries the same `_extracted_at` Date, converted once instead of once a row. Appended
 * as timestamps, not ISO text: no date formatting here (about 1.2 µs a value on the test machine)
 * and no parsing in DuckDB, about 0.8 ms less a 1,000-row page for each timestamp column. The
 * appender stores a timestamp into a TIMESTAMPTZ column as the same instant, whatever the
 * session's time zone.
 */
class Timestamps {
  private last: Date | undefined;
  private value: DuckDBTimestampValue | undefined;
  of(d: Date): DuckDBTimestampValue {
    if (d !== this.last || !this.value) {
      this.last = d;
      this.value = new DuckDBTimestampValue(BigInt(d.getTime()) * 1000n);
    }
    return this.value;
  }
}

/** The name a batch column type has in DuckDB's information_schema. */
function columnTypeName(dataType: string): string {
  return dataType === "TIMESTAMP WITH TIME ZONE" ? "TIMESTAMPTZ" : dataType;
}

/** One value into a typed column: timestamps as timestamps, dates and the rest as text DuckDB casts. */
function appendValue(appender: DuckDBAppender, value: unknown, type: ColumnType, dates: Timestamps): void {
  if (value === null || value === undefined) {
    appender.appendNull();
    return;
  }
  switch (type) {
    case "BIGINT":
    case "DOUBLE":
      if (typeof value === "number" && Number.isFinite(value)) {
        if (type === "DOUBLE") appender.appendDouble(value);
        else appender.appendBigInt(BigInt(Math.trunc(value)));
        return;
      }
      break;
    case "BOOLEAN":
      appender.appendBoolean(!!value);
      return;
    case "TIMESTAMPTZ": {
      const d = value instanceof Date ? value : new Date(String(value));
      if (Number.isNaN(d.getTime())) appender.appendNull();
      else appender.appendTimestamp(dates.of(d));
      return;
    }
  }
  const text = toText(value, type);
  if (text === null) appender.appendNull();
  else appender.appendVarchar(text);
}

function stateSql(state: StreamState): string {
  return `INSERT INTO ${STATE_TABLE} (stream, state, updated_at) VALUES (${sqlString(state.stream)}, ${sqlString(JSON.stringify(state))}::JSON, now()) ON CONFLICT (stream) DO UPDATE SET state = EXCLUDED.state, updated_at = EXCLUDED.updated_at`;
}

/** Whether two rows of the batch share a primary key (compared as the text the batch table gets). */
function repeatsKey(
  rows: readonly Row[],
  columns: readonly Column[],
  primaryKey: readonly string[],
): boolean {
  const keyCols = primaryKey.map((name) => ({ name, type: columns.find((c) => c.name === name)?.type }));
  const seen = new Set<string>();
  for (const row of rows) {
    const key = keyCols
      .map((k) => (k.type ? toText(row[k.name], k.type) : String(row[k.name])) ?? "\u0001null")
      .join("\u0000");
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

function compatible(existing: string, wanted: ColumnType): boolean {
  const e = existing.toUpperCase();
  if (e === wanted) return true;
  if (wanted === "TIMESTAMPTZ") return e === "TIMESTAMP WITH TIME ZONE";
  if (wanted === "DOUBLE") return e === "DOUBLE" || e === "FLOAT8";
  if (wanted === "BIGINT") return e === "BIGINT" || e === "INT8";
  if (wanted === "JSON") return e === "JSON";
  return false;
}

export function createDuckDBTarget(path: string): DuckDBTarget {
  return new DuckDBTarget(path);
}
