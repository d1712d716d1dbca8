/**
 * The load state in a schema of a `postgres://...` source (`state: source`): the snapshot, runs,
 * memory and lock tables live in that schema (default `klaviyo_sync`, created with the tables
 * when missing).
 *
 * A handle keeps one connection for its whole life: staging tables are temporary tables of that
 * session, and the session holds a PostgreSQL advisory lock per sync it is running. The server
 * releases advisory locks when a session ends, so the lock of a run that was killed (on any host)
 * or lost its connection never blocks the next run; the lock table row names the holder.
 *
 * Keys and hashes reach the staging tables in batches (`INSERT ... SELECT FROM unnest($1::text[],
 * ...)`) and the diff is one SQL join, so memory stays bounded whatever the model's size. Results
 * are read through a cursor, a chunk at a time.
 *
 * Connects with `pg` to a URL, or runs on an injected PGlite instance (tests, embedded use), whose
 * single session every handle on it shares.
 */
import pg from "pg";
import { ConfigError } from "../../client/errors.js";
import { connectionError, parsePgUrl } from "../../extract/targets/pg-connect.js";
import { Mutex } from "../../extract/targets/values.js";
import {
  ensureSchema,
  inTransaction,
  quoteIdent,
  type SessionLock,
  type StageType,
  type StageValue,
  type StateBackend,
  type StateSession,
} from "./backend.js";

/** What the state needs of a PGlite instance (`@electric-sql/pglite`), structurally. */
export interface PGliteStateQueryable {
  query(
    sql: string,
    params?: unknown[],
    options?: { rowMode?: "array" | "object" },
  ): Promise<{ rows: unknown[] }>;
}

export type PostgresStateSource = string | { pglite: PGliteStateQueryable };

type Query = (sql: string, params?: readonly unknown[], arrays?: boolean) => Promise<{ rows: unknown[] }>;

const CURSOR = "ks_state_cursor";
const FETCH_ROWS = 10_000;
/** Rows per INSERT ... unnest statement when staging. */
const APPEND_ROWS = 10_000;
const PG_TYPES: Record<StageType, string> = { text: "text", bigint: "bigint" };

/** Advisory lock namespace: the first key of every lock this store takes. */
const LOCK_SPACE = "klaviyo-sync load";

/** Mutexes of PGlite instances: every handle on one instance shares its single session. */
const pgliteMutexes = new WeakMap<object, Mutex>();

function pgSession(query: Query): StateSession {
  let inTx = false;
  const run = async (sql: string, params?: readonly unknown[]) => {
    await query(sql, params);
    if (/^\s*(BEGIN|START\s+TRANSACTION)\b/i.test(sql)) inTx = true;
    else if (/^\s*(COMMIT|ROLLBACK|END)\b/i.test(sql)) inTx = false;
  };
  return {
    run: async (sql, params) => {
      try {
        await run(sql, params);
      } catch (err) {
        // A failed COMMIT or ROLLBACK still ends the transaction.
        if (/^\s*(COMMIT|ROLLBACK|END)\b/i.test(sql)) inTx = false;
        throw err;
      }
    },
    all: async (sql, params) => (await query(sql, params)).rows as Array<Record<string, unknown>>,
    strings: async (sql) => {
      const own = !inTx;
      if (own) await run("BEGIN");
      try {
        await query(`DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${sql}`);
        const out: string[] = [];
        for (;;) {
          const r = await query(`FETCH FORWARD ${FETCH_ROWS} FROM ${CURSOR}`, [], true);
          for (const row of r.rows as unknown[][]) out.push(String(row[0]));
          if (r.rows.length < FETCH_ROWS) break;
        }
        await query(`CLOSE ${CURSOR}`);
        if (own) await run("COMMIT");
        return out;
      } catch (err) {
        if (own) await run("ROLLBACK").catch(() => {});
        throw err;
      }
    },
  };
}

export interface PostgresStateOptions {
  /** Connect timeout, ms (default 10 000), for a URL. */
  connectTimeoutMs?: number;
}

export class PostgresState implements StateBackend {
  readonly dialect = "postgres" as const;
  readonly description: string;
  readonly sessionLock: SessionLock;
  private readonly source: PostgresStateSource;
  private readonly connectTimeoutMs: number;
  private client: pg.Client | undefined;
  private session: StateSession | undefined;
  private mutex: Mutex;
  private closed = false;

  /** `display` names the database in messages (a URL with its password hidden). */
  constructor(
    source: PostgresStateSource,
    readonly schema: string,
    display?: string,
    options: PostgresStateOptions = {},
  ) {
    this.source = source;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    const where =
      display ?? (typeof source === "string" ? `postgres:${parsePgUrl(source).redacted}` : "postgres:pglite");
    this.description = `${where} (schema ${schema})`;
    if (typeof source === "string") this.mutex = new Mutex();
    else {
      let m = pgliteMutexes.get(source.pglite);
      if (!m) {
        m = new Mutex();
        pgliteMutexes.set(source.pglite, m);
      }
      this.mutex = m;
    }
    this.sessionLock = {
      tryAcquire: (sync) =>
        this.step(async (s) => {
          const rows = await s.all("SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS ok", [
            `${LOCK_SPACE}:${this.schema}`,
            sync,
          ]);
          return rows[0]?.ok === true;
        }),
      release: (sync) =>
        this.step(async (s) => {
          await s.run("SELECT pg_advisory_unlock(hashtext($1), hashtext($2))", [
            `${LOCK_SPACE}:${this.schema}`,
            sync,
          ]);
        }),
    };
  }

  name(table: string): string {
    return `${quoteIdent(this.schema)}.${table}`;
  }

  private async connect(): Promise<Query> {
    const source = this.source;
    if (typeof source !== "string") {
      const db = source.pglite;
      return async (sql, params = [], arrays = false) =>
        db.query(sql, [...params], arrays ? { rowMode: "array" } : undefined);
    }
    const ep = parsePgUrl(source);
    let password: string | undefined;
    try {
      const u = new URL(source);
      password = u.password ? decodeURIComponent(u.password) : undefined;
    } catch {
      password = undefined;
    }
    const client = new pg.Client({
      connectionString: source,
      connectionTimeoutMillis: this.connectTimeoutMs,
      application_name: `klaviyo-sync load (pid ${process.pid})`,
    });
    // A lost connection fails the next query; it must not crash the process.
    client.on("error", () => {});
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => {});
      throw connectionError(ep, err, password);
    }
    this.client = client;
    await client.query("SET TIME ZONE 'UTC'");
    return async (sql, params = [], arrays = false) =>
      arrays
        ? client.query({ text: sql, values: [...params], rowMode: "array" })
        : client.query(sql, [...params]);
  }

  async open(): Promise<void> {
    const query = await this.connect();
    this.session = pgSession(query);
    try {
      await this.transaction(async (s) => {
        // Two processes creating the schema at once would collide on the catalog.
        await s.run("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))", [
          `${LOCK_SPACE}:schema`,
          this.schema,
        ]);
        const found = await s.all("SELECT 1 FROM pg_namespace WHERE nspname = $1", [this.schema]);
        if (found.length === 0) {
          try {
            await s.run(`CREATE SCHEMA ${quoteIdent(this.schema)}`);
          } catch (err) {
            throw new ConfigError(
              `Cannot create schema "${this.schema}" for the load state in ${this.description}: ${(err as Error).message}. Create it yourself and grant CREATE on it, or choose another schema (state: { in: source, schema: ... }).`,
              { cause: err },
            );
          }
        }
        let problem: string | undefined;
        try {
          problem = await ensureSchema(s, (t) => this.name(t), this.dialect);
        } catch (err) {
          throw new ConfigError(
            `Cannot create the load state tables in ${this.description}: ${(err as Error).message}. Grant CREATE on the schema, or choose another schema.`,
            { cause: err },
          );
        }
        if (problem) {
          throw new ConfigError(
            `The load state in ${this.description} ${problem}; upgrade klaviyo-sync or use another schema.`,
          );
        }
      });
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  private current(): StateSession {
    if (this.closed || !this.session)
      throw new Error(`The load state in ${this.description} is ${this.closed ? "closed" : "not open"}.`);
    return this.session;
  }

  async local<T>(fn: (s: StateSession) => Promise<T>): Promise<T> {
    const s = this.current();
    return this.mutex.run(() => fn(s));
  }

  async step<T>(fn: (s: StateSession) => Promise<T>): Promise<T> {
    return this.local(fn);
  }

  async transaction<T>(fn: (s: StateSession) => Promise<T>): Promise<T> {
    return this.step((s) => inTransaction(s, () => fn(s)));
  }

  async append(
    table: string,
    types: readonly StageType[],
    columns: ReadonlyArray<readonly StageValue[]>,
  ): Promise<void> {
    const rows = columns[0]?.length ?? 0;
    if (rows === 0) return;
    const casts = types.map((t, i) => `$${i + 1}::${PG_TYPES[t]}[]`).join(", ");
    const sql = `INSERT INTO ${table} SELECT * FROM unnest(${casts})`;
    await this.local(async (s) => {
      for (let start = 0; start < rows; start += APPEND_ROWS) {
        const end = Math.min(rows, start + APPEND_ROWS);
        await s.run(
          sql,
          columns.map((col) => col.slice(start, end)),
        );
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    this.session = undefined;
    // Ending the session releases its advisory locks.
    await client?.end().catch(() => {});
  }
}
