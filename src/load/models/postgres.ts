/**
 * Models on PostgreSQL: the model's SQL runs behind a server-side cursor (`DECLARE ... NO SCROLL
 * CURSOR` + `FETCH FORWARD n`) in a read-only, repeatable-read transaction, so a pass sees one
 * snapshot and only one batch is in memory. Timestamps are read in UTC.
 *
 * Connects with `pg` to a URL, or runs on an injected PGlite instance (tests, embedded use).
 */
import pg from "pg";
import { ConfigError } from "../../client/errors.js";
import { connectionError, parsePgUrl } from "../../extract/targets/pg-connect.js";
import type { ModelRow } from "../types.js";
import { sqlError } from "./errors.js";
import { type Model, type ModelRejects, uniqueNames } from "./model.js";
import { normalizeValue, PG_PARSERS } from "./values.js";

/** What the model needs of a PGlite instance (`@electric-sql/pglite`), structurally. */
export interface PGliteQueryable {
  query(
    sql: string,
    params?: unknown[],
    options?: { rowMode?: "array" | "object"; parsers?: Record<number, (value: string) => unknown> },
  ): Promise<{ rows: unknown[]; fields: Array<{ name: string; dataTypeID: number }> }>;
}

interface ArrayResult {
  rows: unknown[][];
  fields: string[];
}

interface Session {
  query(sql: string): Promise<ArrayResult>;
  end(): Promise<void>;
}

const CURSOR = "ks_model";
const DECLARE = `DECLARE ${CURSOR} NO SCROLL CURSOR FOR `;

function pgSession(url: string): () => Promise<Session> {
  const ep = parsePgUrl(url);
  let password: string | undefined;
  try {
    const u = new URL(url);
    password = u.password ? decodeURIComponent(u.password) : undefined;
  } catch {
    password = undefined;
  }
  return async () => {
    const client = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: 10_000,
      application_name: "klaviyo-sync load",
      types: {
        getTypeParser: ((oid: number, format?: "text" | "binary") => {
          const own = PG_PARSERS[oid];
          if (own && format !== "binary") return own;
          return format === "binary"
            ? pg.types.getTypeParser(oid, "binary")
            : pg.types.getTypeParser(oid, "text");
        }) as typeof pg.types.getTypeParser,
      },
    });
    client.on("error", () => {});
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => {});
      throw connectionError(ep, err, password);
    }
    return {
      async query(sql: string): Promise<ArrayResult> {
        const r = await client.query({ text: sql, rowMode: "array" });
        return { rows: r.rows as unknown[][], fields: (r.fields ?? []).map((f) => f.name) };
      },
      async end(): Promise<void> {
        await client.end().catch(() => {});
      },
    };
  };
}

function pgliteSession(db: PGliteQueryable): () => Promise<Session> {
  return async () => ({
    async query(sql: string): Promise<ArrayResult> {
      const r = await db.query(sql, [], { rowMode: "array", parsers: PG_PARSERS });
      return { rows: r.rows as unknown[][], fields: r.fields.map((f) => f.name) };
    },
    async end(): Promise<void> {},
  });
}

/** `line L, column C` of the user's SQL for a PostgreSQL error position in the DECLARE statement. */
function positionIn(sql: string, err: unknown): string | undefined {
  const raw = (err as { position?: string | number } | undefined)?.position;
  const pos = Number(raw);
  if (!Number.isInteger(pos) || pos <= DECLARE.length) return undefined;
  const index = pos - 1 - DECLARE.length;
  const before = sql.slice(0, index);
  const line = before.split("\n").length;
  const column = index - before.lastIndexOf("\n");
  return `line ${line}, column ${column}`;
}

export class PostgresModel implements Model {
  readonly notices: string[] = [];
  private session: Session | undefined;
  private names: string[] | undefined;
  private busy = false;

  constructor(
    readonly description: string,
    private readonly sql: string,
    private readonly connect: () => Promise<Session>,
  ) {}

  static forUrl(url: string, display: string, sql: string): PostgresModel {
    return new PostgresModel(display, sql, pgSession(url));
  }

  static forPGlite(db: PGliteQueryable, sql: string): PostgresModel {
    return new PostgresModel("postgres:pglite (in-process)", sql, pgliteSession(db));
  }

  private async s(): Promise<Session> {
    this.session ??= await this.connect();
    return this.session;
  }

  private fail(err: unknown): ConfigError {
    if (err instanceof ConfigError) return err;
    return sqlError(this.description, this.sql, err, positionIn(this.sql, err));
  }

  /** Opens the cursor in a new transaction. */
  private async declare(s: Session): Promise<void> {
    await s.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    try {
      await s.query("SET LOCAL TIME ZONE 'UTC'");
      await s.query(`${DECLARE}${this.sql}`);
    } catch (err) {
      await s.query("ROLLBACK").catch(() => {});
      throw this.fail(err);
    }
  }

  async columns(): Promise<string[]> {
    if (this.names) return this.names;
    const s = await this.s();
    await this.declare(s);
    try {
      const r = await s.query(`FETCH FORWARD 0 FROM ${CURSOR}`);
      this.names = uniqueNames(r.fields);
      return this.names;
    } catch (err) {
      throw this.fail(err);
    } finally {
      await s.query("ROLLBACK").catch(() => {});
    }
  }

  async *rows(batchSize: number): AsyncIterable<ModelRow[]> {
    if (this.busy)
      throw new Error(`${this.description}: rows() is already being read; read one pass at a time.`);
    this.busy = true;
    const size = Math.max(1, Math.floor(batchSize));
    const s = await this.s();
    let open = false;
    try {
      await this.declare(s);
      open = true;
      let names: string[] | undefined;
      for (;;) {
        let r: ArrayResult;
        try {
          r = await s.query(`FETCH FORWARD ${size} FROM ${CURSOR}`);
        } catch (err) {
          throw this.fail(err);
        }
        names ??= uniqueNames(r.fields);
        this.names ??= names;
        if (r.rows.length > 0) {
          const cols = names;
          yield r.rows.map((values) => {
            const row: ModelRow = {};
            for (let c = 0; c < cols.length; c++) row[cols[c]!] = normalizeValue(values[c]);
            return row;
          });
        }
        if (r.rows.length < size) break;
      }
      await s.query(`CLOSE ${CURSOR}`);
      await s.query("COMMIT");
      open = false;
    } finally {
      if (open) await s.query("ROLLBACK").catch(() => {});
      this.busy = false;
    }
  }

  async rejects(): Promise<ModelRejects> {
    return { count: 0, rows: [] };
  }

  async close(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    await s?.end();
  }
}
