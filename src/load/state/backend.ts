/**
 * Where the load state's tables live. The store (./store.ts) holds all of the state's logic and
 * SQL, written once for DuckDB and PostgreSQL alike; a backend only provides connections,
 * transactions, staging tables and qualified names:
 *
 * - ./file.ts: a local DuckDB file (`.klaviyo-sync/state.duckdb`), attached per step;
 * - ./duckdb-source.ts: a schema of the `duckdb:PATH` source database;
 * - ./postgres.ts: a schema of the `postgres://...` source database, with an advisory lock per
 *   running sync on top of the lock table.
 */

/** The types a staging column can have. */
export type StageType = "text" | "bigint";

export type StageValue = string | number | null;

/** One connection's worth of SQL. Parameters are `$1`, `$2`, ... in both dialects. */
export interface StateSession {
  run(sql: string, params?: readonly unknown[]): Promise<void>;
  /** Every row, as objects. */
  all(sql: string, params?: readonly unknown[]): Promise<Array<Record<string, unknown>>>;
  /** The first column of a result as strings, read a chunk at a time (no parameters). */
  strings(sql: string): Promise<string[]>;
}

/** A lock held by the database session itself, released by the server when the session ends. */
export interface SessionLock {
  /** Takes the sync's lock; false when another session holds it. Re-entrant within a session. */
  tryAcquire(sync: string): Promise<boolean>;
  release(sync: string): Promise<void>;
}

export interface StateBackend {
  readonly dialect: "duckdb" | "postgres";
  /** Where the state lives, safe to print (no password). */
  readonly description: string;
  /** A state table or sequence name, qualified for SQL. */
  name(table: string): string;
  /** Creates the schema and tables when missing and checks the schema version. */
  open(): Promise<void>;
  /** Runs `fn` on the staging session (temporary tables), outside any step on the state tables. */
  local<T>(fn: (s: StateSession) => Promise<T>): Promise<T>;
  /** Runs `fn` with the state tables reachable; staging tables stay visible. */
  step<T>(fn: (s: StateSession) => Promise<T>): Promise<T>;
  /** A step in one transaction. */
  transaction<T>(fn: (s: StateSession) => Promise<T>): Promise<T>;
  /** Appends rows (given a column at a time) to a staging table created with `local`. */
  append(
    table: string,
    types: readonly StageType[],
    columns: ReadonlyArray<readonly StageValue[]>,
  ): Promise<void>;
  /** The session lock, where the database has one (PostgreSQL advisory locks). */
  readonly sessionLock?: SessionLock;
  close(): Promise<void>;
}

export const SCHEMA_VERSION = 1;

/** The state tables; `t` qualifies a name, `pk` declares a primary key where the dialect wants one. */
export function schemaStatements(t: (name: string) => string, dialect: StateBackend["dialect"]): string[] {
  // DuckDB's indexes make UPDATEs of indexed rows fragile and its joins do not need them.
  const pk = (cols: string) => (dialect === "postgres" ? `,\n    PRIMARY KEY (${cols})` : "");
  return [
    `CREATE TABLE IF NOT EXISTS ${t("load_meta")} (key VARCHAR NOT NULL, value VARCHAR${pk("key")})`,
    // One row per (sync, key). hash/klaviyo_id/fields/synced_at describe the last values Klaviyo
    // confirmed; status/reason describe the last attempt.
    `CREATE TABLE IF NOT EXISTS ${t("load_snapshot")} (
    sync VARCHAR NOT NULL,
    key VARCHAR NOT NULL,
    hash VARCHAR,
    status VARCHAR NOT NULL,
    reason VARCHAR,
    klaviyo_id VARCHAR,
    fields JSON,
    synced_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL${pk("sync, key")}
  )`,
    `CREATE SEQUENCE IF NOT EXISTS ${t("load_run_ids")} START 1`,
    `CREATE TABLE IF NOT EXISTS ${t("load_runs")} (
    id BIGINT NOT NULL,
    sync VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    pid INTEGER,
    hostname VARCHAR,
    meta JSON,
    summary JSON${pk("id")}
  )`,
    `CREATE TABLE IF NOT EXISTS ${t("load_memory")} (
    sync VARCHAR NOT NULL,
    key VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL${pk("sync, key")}
  )`,
    `CREATE TABLE IF NOT EXISTS ${t("load_locks")} (
    sync VARCHAR NOT NULL,
    pid INTEGER NOT NULL,
    hostname VARCHAR NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    token VARCHAR NOT NULL${pk("sync")}
  )`,
  ];
}

/**
 * Creates the tables and checks the schema version on an open session; returns the problem when
 * the state was written by a newer klaviyo-sync.
 */
export async function ensureSchema(
  s: StateSession,
  t: (name: string) => string,
  dialect: StateBackend["dialect"],
): Promise<string | undefined> {
  for (const sql of schemaStatements(t, dialect)) await s.run(sql);
  const rows = await s.all(`SELECT value FROM ${t("load_meta")} WHERE key = 'schema_version'`);
  const version = rows[0]?.value;
  if (version === undefined || version === null) {
    await s.run(`INSERT INTO ${t("load_meta")} (key, value) VALUES ('schema_version', '${SCHEMA_VERSION}')`);
    return undefined;
  }
  if (Number(version) > SCHEMA_VERSION) {
    return `was written by a newer klaviyo-sync (state schema ${String(version)})`;
  }
  return undefined;
}

/** Runs `fn` in a transaction on a session that is not in one. */
export async function inTransaction<T>(s: StateSession, fn: () => Promise<T>): Promise<T> {
  await s.run("BEGIN");
  try {
    const out = await fn();
    await s.run("COMMIT");
    return out;
  } catch (err) {
    await s.run("ROLLBACK").catch(() => {});
    throw err;
  }
}

/** `"name"`, quoted for SQL (both dialects). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** What a schema name for the state may look like (checked by the config too). */
export const STATE_SCHEMA_RE = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
