/**
 * Connections for the PostgreSQL target: a `pg` pool for a server URL, or an in-process PGlite
 * instance (tests, embedded use) behind the same small session interface. Connection failures
 * become ConfigErrors that name the server and what to check, with the password redacted.
 */
import { hostname } from "node:os";
import pg from "pg";
import { ConfigError } from "../../client/errors.js";
import { Mutex } from "./values.js";

export interface QueryResult {
  rows: Record<string, unknown>[];
}

/** One connection, used by one piece of work at a time. */
export interface SqlSession {
  query(sql: string, params?: unknown[]): Promise<QueryResult>;
  /** Bulk-loads CSV (no header) with `COPY <into> FROM ... (FORMAT csv)`; `into` is `table (columns)`. */
  copyCsv(into: string, csv: string): Promise<void>;
}

export interface SqlDriver {
  readonly description: string;
  /** Runs `fn` with a session of its own; the session is released (or discarded on error) after. */
  session<T>(fn: (s: SqlSession) => Promise<T>): Promise<T>;
  /**
   * Takes the session-level advisory lock (space, key) on a connection of its own, kept until
   * `release` (a process that dies loses its connection, and the lock with it). When another
   * session holds it: `{ holder }`, what the server says about that session, if it lets us see.
   */
  tryExclusive(
    space: string,
    key: string,
  ): Promise<{ release(): Promise<void> } | { holder: string | undefined }>;
  end(): Promise<void>;
}

/** The in-process locks of PGlite instances (one connection: advisory locks would be re-entrant). */
const pgliteExclusive = new WeakMap<PGliteLike, Set<string>>();

/** What the target needs of a PGlite instance (`@electric-sql/pglite`), structurally. */
export interface PGliteLike {
  query(sql: string, params?: unknown[], options?: { blob?: Blob }): Promise<{ rows: unknown[] }>;
}

/** Where a PostgreSQL URL points, for messages (never includes the password). */
export interface PgEndpoint {
  host: string;
  port: string;
  database: string;
  user: string;
  /** The URL with the password replaced by `***`. */
  redacted: string;
}

/** Replaces the password of a postgres URL (even a malformed one) with `***`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    for (const key of [...u.searchParams.keys()]) {
      if (/^(password|sslpassword|sslkey)$/i.test(key)) u.searchParams.set(key, "***");
    }
    return u.toString();
  } catch {
    return url
      .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*):[^@/]*@/i, "$1:***@")
      .replace(/([?&](?:password|sslpassword)=)[^&]*/gi, "$1***");
  }
}

function passwordOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return (
      (u.password ? decodeURIComponent(u.password) : undefined) ?? u.searchParams.get("password") ?? undefined
    );
  } catch {
    return undefined;
  }
}

/** Parses and checks a postgres URL; a ConfigError (password redacted) when it is not one. */
export function parsePgUrl(url: string): PgEndpoint {
  const redacted = redactUrl(url);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError(
      `"${redacted}" is not a valid PostgreSQL URL. Use postgresql://USER:PASSWORD@HOST:PORT/DATABASE (percent-encode special characters in the password).`,
    );
  }
  if (u.protocol !== "postgres:" && u.protocol !== "postgresql:") {
    throw new ConfigError(
      `"${redacted}" is not a PostgreSQL URL: it must start with postgresql:// (or postgres://), e.g. postgresql://USER:PASSWORD@HOST:5432/DATABASE.`,
    );
  }
  const host = decodeURIComponent(u.hostname) || u.searchParams.get("host") || "localhost (default socket)";
  return {
    host,
    port: u.port || "5432",
    database:
      decodeURIComponent(u.pathname.replace(/^\//, "")) || decodeURIComponent(u.username) || "postgres",
    user: decodeURIComponent(u.username) || "(current OS user)",
    redacted,
  };
}

interface PgErrorLike {
  code?: string;
  message?: string;
  errors?: unknown[];
}

/** A ConfigError for a failed connection attempt, saying what to check. */
export function connectionError(ep: PgEndpoint, err: unknown, password?: string): ConfigError {
  const e = (err ?? {}) as PgErrorLike;
  const nested = Array.isArray(e.errors) ? (e.errors[0] as PgErrorLike | undefined) : undefined;
  const code = e.code ?? nested?.code;
  let raw = e.message || nested?.message || String(err);
  if (password) raw = raw.split(password).join("***");
  const where = `PostgreSQL at ${ep.host}:${ep.port} (database "${ep.database}", user "${ep.user}")`;
  let what: string;
  switch (code) {
    case "ECONNREFUSED":
      what = `nothing accepts connections there. Check that the server is running and that the host and port in the URL are right.`;
      break;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      what = `the host name does not resolve. Check the host in the URL and your DNS/network.`;
      break;
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      what = `the server cannot be reached. Check the host, port, firewall or VPN.`;
      break;
    case "28P01":
      what = `password authentication failed. Check the user name and password in the URL.`;
      break;
    case "28000":
      what = `the server refused the login (${raw}). Check the user name and the server's pg_hba.conf rules.`;
      break;
    case "3D000":
      what = `the database does not exist. Create it (CREATE DATABASE) or fix the database name in the URL.`;
      break;
    default:
      what = /timeout/i.test(raw)
        ? `the connection timed out. Check the host, port, firewall or VPN.`
        : /ssl/i.test(raw)
          ? `SSL negotiation failed (${raw}). Check the sslmode parameter of the URL against the server's SSL setup.`
          : `${raw}. Check the URL, that the server is running and that the user may connect.`;
  }
  return new ConfigError(`Cannot connect to ${where}: ${what}`, { code });
}

class PgSession implements SqlSession {
  constructor(private readonly client: pg.PoolClient) {}

  async query(sql: string, params?: unknown[]): Promise<QueryResult> {
    const r = await this.client.query(sql, params);
    return { rows: r.rows as Record<string, unknown>[] };
  }

  copyCsv(into: string, csv: string): Promise<void> {
    const copy = new CopyFromStdin(`COPY ${into} FROM STDIN (FORMAT csv)`, csv);
    // pg hands Submittables its connection; CopyFromStdin uses the copy calls pg-copy-streams relies on.
    this.client.query(copy as unknown as pg.Submittable);
    return copy.done;
  }
}

/** What `CopyFromStdin` uses of pg's connection (the same calls `pg-copy-streams` makes). */
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

const COPY_CHUNK = 1 << 20;

/**
 * `COPY ... FROM STDIN` as a pg Submittable: sends the statement, streams the CSV when the server
 * asks for it and settles once the server is ready again.
 */
class CopyFromStdin {
  readonly done: Promise<void>;
  private resolve!: () => void;
  private reject!: (err: Error) => void;
  private failed = false;

  constructor(
    private readonly text: string,
    private readonly csv: string,
  ) {
    this.done = new Promise<void>((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
  }

  submit(connection: CopyConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    const data = Buffer.from(this.csv, "utf8");
    for (let i = 0; i < data.length; i += COPY_CHUNK)
      connection.sendCopyFromChunk(data.subarray(i, i + COPY_CHUNK));
    connection.endCopyFrom();
  }

  handleError(err: Error): void {
    this.failed = true;
    this.reject(err);
  }

  handleReadyForQuery(): void {
    if (!this.failed) this.resolve();
  }

  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

/** A `pg` pool for `url`; sessions are pool clients. */
export function pgPoolDriver(
  url: string,
  options: { max?: number; connectTimeoutMs?: number } = {},
): SqlDriver {
  const ep = parsePgUrl(url);
  const password = passwordOf(url);
  let ended = false;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 4,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: "klaviyo-sync",
  });
  // An idle client losing its connection must not crash the process; the next checkout reconnects.
  pool.on("error", () => {});
  return {
    description: `postgres:${ep.redacted}`,
    async session<T>(fn: (s: SqlSession) => Promise<T>): Promise<T> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw connectionError(ep, err, password);
      }
      try {
        const out = await fn(new PgSession(client));
        client.release();
        return out;
      } catch (err) {
        // The session may be mid-transaction or broken: discard it rather than reuse it.
        client.release(true);
        throw err;
      }
    },
    async tryExclusive(space, key) {
      const client = new pg.Client({
        connectionString: url,
        connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
        // Shown to a second run that finds the lock taken (pg_stat_activity).
        application_name: `klaviyo-sync pid ${process.pid} on ${hostname()}`.slice(0, 63),
      });
      client.on("error", () => {});
      try {
        await client.connect();
      } catch (err) {
        await client.end().catch(() => {});
        throw connectionError(ep, err, password);
      }
      try {
        const r = await client.query("SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS ok", [
          space,
          key,
        ]);
        if (r.rows[0]?.ok === true) return { release: () => client.end().catch(() => {}) };
        const h = await client
          .query(
            `SELECT a.pid, a.application_name, a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
              WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
                AND l.classid = (hashtext($1)::bigint & 4294967295)::text::oid
                AND l.objid = (hashtext($2)::bigint & 4294967295)::text::oid
              LIMIT 1`,
            [space, key],
          )
          .catch(() => ({ rows: [] as Record<string, unknown>[] }));
        const row = h.rows[0] as
          | { pid?: number; application_name?: string; backend_start?: Date }
          | undefined;
        await client.end().catch(() => {});
        if (!row) return { holder: undefined };
        const since =
          row.backend_start instanceof Date ? `, connected since ${row.backend_start.toISOString()}` : "";
        return {
          holder: `${row.application_name || "a session"} (server pid ${row.pid}${since}); a run that was killed releases it when its connection ends`,
        };
      } catch (err) {
        await client.end().catch(() => {});
        throw err;
      }
    },
    async end(): Promise<void> {
      if (ended) return;
      ended = true;
      await pool.end();
    },
  };
}

/** An in-process PGlite instance; it has one connection, so sessions take turns. The caller closes it. */
export function pgliteDriver(db: PGliteLike): SqlDriver {
  const lock = new Mutex();
  const session: SqlSession = {
    async query(sql: string, params?: unknown[]): Promise<QueryResult> {
      const r = await db.query(sql, params);
      return { rows: r.rows as Record<string, unknown>[] };
    },
    async copyCsv(into: string, csv: string): Promise<void> {
      await db.query(`COPY ${into} FROM '/dev/blob' (FORMAT csv)`, [], { blob: new Blob([csv]) });
    },
  };
  return {
    description: "postgres:pglite (in-process)",
    session<T>(fn: (s: SqlSession) => Promise<T>): Promise<T> {
      return lock.run(async () => {
        try {
          return await fn(session);
        } catch (err) {
          // Leave no transaction open on the shared connection.
          await db.query("ROLLBACK").catch(() => {});
          throw err;
        }
      });
    },
    async tryExclusive(space, key) {
      let held = pgliteExclusive.get(db);
      if (!held) {
        held = new Set();
        pgliteExclusive.set(db, held);
      }
      const k = `${space}\u0000${key}`;
      if (held.has(k)) return { holder: `an extract in this process, pid ${process.pid}` };
      held.add(k);
      const set = held;
      return {
        release: async () => {
          set.delete(k);
        },
      };
    },
    async end(): Promise<void> {},
  };
}
