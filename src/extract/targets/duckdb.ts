/**
 * DuckDB target (the embedded default). Each batch goes into a temporary table through DuckDB's
 * appender, then into the stream's table with `INSERT ... ON CONFLICT DO UPDATE` (merge) or a plain
 * insert (append), together with the stream's state, in one transaction.
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { ConfigError } from "../../client/errors.js";
import type { Column, ColumnType, Row, StreamState, Target } from "../types.js";

const STATE_TABLE = "_klaviyo_sync_state";
/** DuckDB's memory limit for file databases (it evicts written blocks and spills big queries). */
const FILE_MEMORY_LIMIT = "64MB";

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

  constructor(readonly path: string) {
    this.description = `duckdb:${path}`;
  }

  private get c(): DuckDBConnection {
    if (!this.conn) throw new Error("DuckDB target is not open");
    return this.conn;
  }

  async open(): Promise<void> {
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
      // of RAM, holds every block an extract writes, so memory grew with the table).
      this.instance = await DuckDBInstance.create(
        this.path,
        this.path === ":memory:" ? {} : { memory_limit: FILE_MEMORY_LIMIT },
      );
      this.conn = await this.instance.connect();
    } catch (err) {
      const msg = (err as Error).message;
      const hint = /lock/i.test(msg)
        ? " Another process (perhaps another klaviyo-sync run or a DuckDB shell) has the file open; close it or use another file."
        : "";
      throw new ConfigError(`Cannot open DuckDB database ${this.path}: ${msg}.${hint}`);
    }
    await this.c.run(
      `CREATE TABLE IF NOT EXISTS ${STATE_TABLE} (stream VARCHAR PRIMARY KEY, state JSON NOT NULL, updated_at TIMESTAMPTZ NOT NULL)`,
    );
  }

  async close(): Promise<void> {
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

  async ensureTable(table: string, columns: readonly Column[], primaryKey: readonly string[]): Promise<void> {
    await this.lock.run(async () => {
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
            `Table ${table} in ${this.path} has column ${col.name} of type ${have}, but this stream writes ${col.type}. Rename or drop that table (or write to another one with \`object:\`) and run again; klaviyo-sync never changes a column's type itself.`,
          );
        }
      }
    });
  }

  async commit(batch: Parameters<Target["commit"]>[0]): Promise<void> {
    await this.lock.run(async () => {
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
            const updates = cols
              .filter((col) => !batch.primaryKey.includes(col.name))
              .map((col) => `${quoteIdent(col.name)} = EXCLUDED.${quoteIdent(col.name)}`)
              .join(", ");
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
    });
  }

  private async writeState(state: StreamState): Promise<void> {
    await this.c.run(stateSql(state));
  }

  async swap(table: string, staging: string, state: StreamState): Promise<void> {
    await this.lock.run(async () => {
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
    await this.lock.run(async () => {
      await this.c.run(`DROP TABLE IF EXISTS ${quoteIdent(table)}`);
    });
  }

  async count(table: string): Promise<number> {
    return this.lock.run(async () => {
      const r = await this.c.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM ${quoteIdent(table)}`);
      return Number(r.getRowObjects()[0]?.n ?? 0);
    });
  }

  /** Runs a read query (for the demo summary and tests). */
  async query(sql: string): Promise<Record<string, unknown>[]> {
    return this.lock.run(async () => {
      const r = await this.c.runAndReadAll(sql);
      return r.getRowObjectsJson() as Record<string, unknown>[];
    });
  }
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
