/**
 * PostgreSQL target. Tables get typed columns (TEXT, BIGINT, DOUBLE PRECISION, BOOLEAN, TIMESTAMPTZ,
 * DATE, JSONB) and a primary key; state lives in `_klaviyo_sync_state`.
 *
 * Each commit is one transaction: the batch is bulk-loaded with `COPY ... FROM STDIN (FORMAT csv)`
 * (straight into the table for `append`; into a temporary table followed by
 * `INSERT ... ON CONFLICT (pk) DO UPDATE` for `merge`), then membership removals are marked, then the
 * stream's state row is upserted, then COMMIT. Full refreshes fill `<table>__staging` and `swap`
 * drops the old table and renames the staging one in one transaction with the state.
 *
 * Connects with a `pg` pool from a URL, or runs on an injected in-process PGlite instance.
 */
import { ConfigError } from "../../client/errors.js";
import type { Column, ColumnType, Row, StreamState, Target } from "../types.js";
import {
  type PGliteLike,
  pgliteDriver,
  pgPoolDriver,
  type SqlDriver,
  type SqlSession,
} from "./pg-connect.js";
import { lastPerKey, rawCsv } from "./values.js";
import { lockedMessage, type ReleaseLock, TargetLockedError } from "./writer-lock.js";

export type { PGliteLike } from "./pg-connect.js";
export { redactUrl } from "./pg-connect.js";

const STATE_TABLE = "_klaviyo_sync_state";
const BATCH_TABLE = "_ks_batch";

export interface PostgresTargetOptions {
  /** Schema for the tables and the state table (default `public`; created when missing). */
  schema?: string;
  /** Pool size (default 4), for a URL. */
  poolSize?: number;
  /** Connect timeout, ms (default 10 000), for a URL. */
  connectTimeoutMs?: number;
}

/** A server URL (`postgresql://user:password@host:5432/db`) or an in-process PGlite instance. */
export type PostgresSource = string | { pglite: PGliteLike };

const PG_TYPES: Record<ColumnType, string> = {
  VARCHAR: "TEXT",
  BIGINT: "BIGINT",
  DOUBLE: "DOUBLE PRECISION",
  BOOLEAN: "BOOLEAN",
  TIMESTAMPTZ: "TIMESTAMPTZ",
  DATE: "DATE",
  JSON: "JSONB",
};

/** `information_schema.columns.data_type` values each column type accepts in an existing table. */
const ACCEPTS: Record<ColumnType, readonly string[]> = {
  VARCHAR: ["text", "character varying"],
  BIGINT: ["bigint"],
  DOUBLE: ["double precision"],
  BOOLEAN: ["boolean"],
  TIMESTAMPTZ: ["timestamp with time zone"],
  DATE: ["date"],
  JSON: ["jsonb", "json"],
};

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function checkIdent(kind: string, name: string): void {
  if (name.length === 0 || Buffer.byteLength(name, "utf8") > 63 || name.includes("\u0000")) {
    throw new ConfigError(
      `PostgreSQL ${kind} name "${name}" is empty or longer than 63 bytes; PostgreSQL would truncate it. Choose a shorter name.`,
    );
  }
}

interface DbError {
  message: string;
  code?: string;
  where?: string;
  detail?: string;
}

export class PostgresTarget implements Target {
  readonly description: string;
  readonly schema: string;
  private readonly driver: SqlDriver;
  /** Column names per table, as last seen or created. */
  private readonly known = new Map<string, Set<string>>();

  constructor(source: PostgresSource, options: PostgresTargetOptions = {}) {
    this.schema = options.schema ?? "public";
    checkIdent("schema", this.schema);
    this.driver =
      typeof source === "string"
        ? pgPoolDriver(source, { max: options.poolSize, connectTimeoutMs: options.connectTimeoutMs })
        : pgliteDriver(source.pglite);
    this.description = `${this.driver.description} (schema ${this.schema})`;
  }

  private qualified(table: string): string {
    return `${quoteIdent(this.schema)}.${quoteIdent(table)}`;
  }

  private async transaction<T>(fn: (s: SqlSession) => Promise<T>): Promise<T> {
    return this.driver.session(async (s) => {
      await s.query("BEGIN");
      try {
        const out = await fn(s);
        await s.query("COMMIT");
        return out;
      } catch (err) {
        await s.query("ROLLBACK").catch(() => {});
        throw err;
      }
    });
  }

  async open(): Promise<void> {
    await this.driver.session(async (s) => {
      const found = await s.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [this.schema]);
      if (found.rows.length === 0) {
        try {
          await s.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.schema)}`);
        } catch (err) {
          throw new ConfigError(
            `Cannot create schema "${this.schema}" in ${this.description}: ${(err as Error).message}. Create it yourself or grant CREATE on the database.`,
            { cause: err },
          );
        }
      }
      await s.query(
        `CREATE TABLE IF NOT EXISTS ${this.qualified(STATE_TABLE)} (stream TEXT PRIMARY KEY, state JSONB NOT NULL, updated_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
      );
    });
  }

  /** A session-level advisory lock per schema, on a connection of its own (see writer-lock.ts). */
  async lockWriter(): Promise<ReleaseLock> {
    const got = await this.driver.tryExclusive("klaviyo-sync extract", this.schema);
    if ("release" in got) return got.release;
    throw new TargetLockedError(lockedMessage(this.description, got.holder));
  }

  async close(): Promise<void> {
    await this.driver.end();
  }

  async readState(stream: string): Promise<StreamState | undefined> {
    const r = await this.driver.session((s) =>
      s.query(`SELECT state FROM ${this.qualified(STATE_TABLE)} WHERE stream = $1`, [stream]),
    );
    const state = r.rows[0]?.state;
    if (state === undefined || state === null) return undefined;
    return (typeof state === "string" ? JSON.parse(state) : state) as StreamState;
  }

  private async existingColumns(s: SqlSession, table: string): Promise<Map<string, string>> {
    const r = await s.query(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
      [this.schema, table],
    );
    return new Map(r.rows.map((row) => [String(row.column_name), String(row.data_type)]));
  }

  private async existingPrimaryKey(s: SqlSession, table: string): Promise<string[]> {
    const r = await s.query(
      `SELECT a.attname AS name
         FROM pg_index i
         JOIN pg_class c ON c.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) ON true
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
        WHERE i.indisprimary AND n.nspname = $1 AND c.relname = $2
        ORDER BY k.ord`,
      [this.schema, table],
    );
    return r.rows.map((row) => String(row.name));
  }

  async ensureTable(table: string, columns: readonly Column[], primaryKey: readonly string[]): Promise<void> {
    checkIdent("table", table);
    for (const c of columns) checkIdent("column", c.name);
    for (const k of primaryKey) {
      if (!columns.some((c) => c.name === k)) {
        throw new ConfigError(`Primary key column ${k} of table ${table} is not among its columns.`);
      }
    }
    const qt = this.qualified(table);
    await this.transaction(async (s) => {
      // Two runs creating or altering the same table wait for each other.
      await s.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`klaviyo-sync ${this.schema}.${table}`]);
      const existing = await this.existingColumns(s, table);
      if (existing.size === 0) {
        const defs = columns.map((c) => `${quoteIdent(c.name)} ${PG_TYPES[c.type]}`);
        if (primaryKey.length > 0) defs.push(`PRIMARY KEY (${primaryKey.map(quoteIdent).join(", ")})`);
        await s.query(`CREATE TABLE IF NOT EXISTS ${qt} (${defs.join(", ")})`);
        this.known.set(table, new Set(columns.map((c) => c.name)));
        return;
      }
      const missing: Column[] = [];
      for (const col of columns) {
        const have = existing.get(col.name);
        if (have === undefined) missing.push(col);
        else if (!ACCEPTS[col.type].includes(have)) {
          const want = PG_TYPES[col.type];
          throw new ConfigError(
            `Table ${this.schema}.${table} has column ${col.name} of type ${have}, but klaviyo-sync writes ${col.type} (${want.toLowerCase()}) there. ` +
              `klaviyo-sync never changes a column's type: convert it yourself (ALTER TABLE ${qt} ALTER COLUMN ${quoteIdent(col.name)} TYPE ${want} USING ${quoteIdent(col.name)}::${want}), ` +
              `or drop or rename the table (or write to another table) and run a full refresh.`,
          );
        }
      }
      if (primaryKey.length > 0) {
        const pk = await this.existingPrimaryKey(s, table);
        const same = pk.length === primaryKey.length && primaryKey.every((k) => pk.includes(k));
        if (!same) {
          throw new ConfigError(
            `Table ${this.schema}.${table} has primary key (${pk.join(", ") || "none"}), but klaviyo-sync merges by (${primaryKey.join(", ")}). ` +
              `Drop or rename the table (or write to another table) and run a full refresh.`,
          );
        }
      }
      for (const col of missing) {
        await s.query(
          `ALTER TABLE ${qt} ADD COLUMN IF NOT EXISTS ${quoteIdent(col.name)} ${PG_TYPES[col.type]}`,
        );
      }
      this.known.set(table, new Set([...existing.keys(), ...missing.map((c) => c.name)]));
    });
  }

  private async columnsOf(table: string): Promise<Set<string>> {
    const cached = this.known.get(table);
    if (cached) return cached;
    const cols = new Set((await this.driver.session((s) => this.existingColumns(s, table))).keys());
    if (cols.size > 0) this.known.set(table, cols);
    return cols;
  }

  async commit(batch: Parameters<Target["commit"]>[0]): Promise<void> {
    const { table, columns, primaryKey } = batch;
    const merge = batch.write === "merge" && primaryKey.length > 0;
    // Values of the wrong kind fail here, before the transaction; PostgreSQL parses the text.
    const rows = merge ? lastPerKey(batch.rows, primaryKey) : batch.rows;
    const csv = rawCsv(table, columns, rows);
    const state = JSON.stringify(batch.state);
    const tableColumns = merge ? await this.columnsOf(table) : new Set<string>();
    const qt = this.qualified(table);
    try {
      await this.transaction(async (s) => {
        if (rows.length > 0) {
          const names = columns.map((c) => quoteIdent(c.name)).join(", ");
          if (merge) {
            const defs = columns.map((c) => `${quoteIdent(c.name)} ${PG_TYPES[c.type]}`).join(", ");
            await s.query(`CREATE TEMP TABLE ${BATCH_TABLE} (${defs}) ON COMMIT DROP`);
            await s.copyCsv(`${BATCH_TABLE} (${names})`, csv);
            const sets = columns
              .filter((c) => !primaryKey.includes(c.name))
              .map((c) => `${quoteIdent(c.name)} = EXCLUDED.${quoteIdent(c.name)}`);
            // A merged row that reappears is no longer removed.
            if (tableColumns.has("_deleted_at") && !columns.some((c) => c.name === "_deleted_at")) {
              sets.push(`"_deleted_at" = NULL`);
            }
            const action = sets.length > 0 ? `UPDATE SET ${sets.join(", ")}` : "NOTHING";
            await s.query(
              `INSERT INTO ${qt} (${names}) SELECT ${names} FROM ${BATCH_TABLE} ON CONFLICT (${primaryKey.map(quoteIdent).join(", ")}) DO ${action}`,
            );
          } else {
            await s.copyCsv(`${qt} (${names})`, csv);
          }
        }
        if (batch.markDeleted) {
          const m = batch.markDeleted;
          await s.query(
            `UPDATE ${qt} SET "_deleted_at" = $1 WHERE ${quoteIdent(m.parentColumn)} = $2 AND "_run_id" IS DISTINCT FROM $3 AND "_deleted_at" IS NULL`,
            [m.at.toISOString(), m.parentId, m.seenRunId],
          );
        }
        await this.writeState(s, batch.state.stream, state);
      });
    } catch (err) {
      throw withContext(
        `Writing ${rows.length} rows to ${this.schema}.${table} failed (nothing was committed)`,
        err,
      );
    }
  }

  private async writeState(s: SqlSession, stream: string, state: string): Promise<void> {
    await s.query(
      `INSERT INTO ${this.qualified(STATE_TABLE)} (stream, state, updated_at) VALUES ($1, $2::jsonb, now())
       ON CONFLICT (stream) DO UPDATE SET state = EXCLUDED.state, updated_at = EXCLUDED.updated_at`,
      [stream, state],
    );
  }

  async swap(table: string, staging: string, state: StreamState): Promise<void> {
    checkIdent("table", table);
    const json = JSON.stringify(state);
    try {
      await this.transaction(async (s) => {
        await s.query(`DROP TABLE IF EXISTS ${this.qualified(table)}`);
        await s.query(`ALTER TABLE ${this.qualified(staging)} RENAME TO ${quoteIdent(table)}`);
        // The primary key keeps the staging table's name; give it the table's, so the next
        // staging table can have its own again.
        const pk = await s.query(
          `SELECT c.conname FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace
            WHERE n.nspname = $1 AND r.relname = $2 AND c.contype = 'p'`,
          [this.schema, table],
        );
        const current = pk.rows[0]?.conname;
        const wanted = pkeyName(table);
        if (typeof current === "string" && current !== wanted) {
          await s.query(
            `ALTER TABLE ${this.qualified(table)} RENAME CONSTRAINT ${quoteIdent(current)} TO ${quoteIdent(wanted)}`,
          );
        }
        await this.writeState(s, state.stream, json);
      });
    } catch (err) {
      const e = err as DbError;
      const hint =
        e.code === "2BP01"
          ? " Other objects (views?) depend on the table; klaviyo-sync does not drop them: drop or recreate them around full refreshes."
          : "";
      throw withContext(
        `Replacing ${this.schema}.${table} with ${staging} failed (nothing changed)${hint}`,
        err,
      );
    } finally {
      this.known.delete(table);
      this.known.delete(staging);
    }
  }

  async dropTable(table: string): Promise<void> {
    await this.driver.session((s) => s.query(`DROP TABLE IF EXISTS ${this.qualified(table)}`));
    this.known.delete(table);
  }

  async count(table: string): Promise<number> {
    return this.driver.session(async (s) => {
      const exists = await s.query("SELECT to_regclass($1) IS NOT NULL AS e", [this.qualified(table)]);
      if (exists.rows[0]?.e !== true) return 0;
      const r = await s.query(`SELECT count(*)::text AS n FROM ${this.qualified(table)}`);
      return Number(r.rows[0]?.n ?? 0);
    });
  }

  /**
   * The table's rows ordered by primary key, in a portable form: timestamps as ISO 8601 UTC
   * strings (microseconds), dates as YYYY-MM-DD, BIGINT as numbers, JSON parsed.
   */
  async readRows(table: string): Promise<Row[]> {
    return this.driver.session(async (s) => {
      const cols = await this.existingColumns(s, table);
      if (cols.size === 0) return [];
      const pk = await this.existingPrimaryKey(s, table);
      const select = [...cols].map(([name, type]) => {
        const q = quoteIdent(name);
        if (type === "timestamp with time zone")
          return `to_char(${q} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ${q}`;
        if (type === "date") return `to_char(${q}, 'YYYY-MM-DD') AS ${q}`;
        if (type === "bigint") return `${q}::text AS ${q}`;
        return q;
      });
      const order = pk.length > 0 ? ` ORDER BY ${pk.map(quoteIdent).join(", ")}` : "";
      const r = await s.query(`SELECT ${select.join(", ")} FROM ${this.qualified(table)}${order}`);
      return r.rows.map((row) => {
        const out: Row = { ...row };
        for (const [name, type] of cols) {
          const v = out[name];
          if (type === "bigint" && typeof v === "string") {
            const n = Number(v);
            out[name] = Number.isSafeInteger(n) ? n : v;
          }
        }
        return out;
      });
    });
  }

  /** Runs any SQL on one session (inspection, tests). */
  async query(sql: string, params?: unknown[]): Promise<Row[]> {
    return (await this.driver.session((s) => s.query(sql, params))).rows;
  }
}

function pkeyName(table: string): string {
  let base = table;
  while (Buffer.byteLength(`${base}_pkey`, "utf8") > 63) base = base.slice(0, -1);
  return `${base}_pkey`;
}

/** Keeps the original error as the cause and its code, adding what was being done. */
function withContext(what: string, err: unknown): Error {
  if (err instanceof ConfigError) return err;
  const e = err as DbError;
  const where = e.where ? ` [${e.where.split("\n")[0]}]` : "";
  const detail = e.detail ? ` ${e.detail}` : "";
  const out = new Error(`${what}: ${e.message ?? String(err)}${detail}${where}`, { cause: err });
  if (e.code) Object.assign(out, { code: e.code });
  return out;
}

/**
 * A PostgreSQL target on a server URL (`postgresql://user:password@host:5432/db`), or on an
 * in-process PGlite instance (`{ pglite }`, which the caller creates and closes).
 */
export function createPostgresTarget(
  source: PostgresSource,
  options: PostgresTargetOptions = {},
): PostgresTarget {
  return new PostgresTarget(source, options);
}
