/**
 * The load state in a schema of a `duckdb:PATH` source (`state: source`).
 *
 * The database is opened for writing once per process and shared: the state's connection and the
 * models' connections (openModel's `duckdb` option) use the same DuckDB instance, because two
 * instances of one file in one process would not see each other's writes. DuckDB lets one process
 * at a time write a file, so while a load keeps the state in its source nothing else can open that
 * database; opening waits (busyTimeoutMs) for another process to let go of it.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { ConfigError } from "../../client/errors.js";
import { Mutex } from "../../extract/targets/values.js";
import {
  ensureSchema,
  inTransaction,
  quoteIdent,
  type StageType,
  type StageValue,
  type StateBackend,
  type StateSession,
} from "./backend.js";
import { duckdbAppend, duckdbSession } from "./duckdb-session.js";
import { holderPid, isLockConflict, StateFileBusyError } from "./file.js";

interface Shared {
  instance: DuckDBInstance;
  /** Steps of every handle on this database take turns (DuckDB transactions conflict otherwise). */
  mutex: Mutex;
}

/** Open source databases of this process, by absolute path, with how many handles use each. */
const shared = new Map<string, { opening: Promise<Shared>; refs: number }>();

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function openShared(path: string, display: string, busyTimeoutMs: number): Promise<Shared> {
  const deadline = Date.now() + busyTimeoutMs;
  let wait = 10;
  for (;;) {
    try {
      const instance = await DuckDBInstance.create(path);
      return { instance, mutex: new Mutex() };
    } catch (err) {
      if (!isLockConflict(err)) {
        throw new ConfigError(
          `Cannot open the DuckDB database ${path} (source ${display}) to keep the load state in it: ${(err as Error).message.split("\n")[0]}.`,
          { cause: err },
        );
      }
      if (Date.now() >= deadline) {
        const pid = holderPid(err);
        throw new StateFileBusyError(
          `The DuckDB database ${path} (source ${display}), which holds the load state, has been in use by another process${pid ? ` (pid ${pid})` : ""} for more than ${Math.round(busyTimeoutMs / 1000)} s. With state: source a load needs to write to it; wait for that process to finish (another load, an extract, a DuckDB shell), then run again.`,
          pid,
        );
      }
      await sleep(wait);
      wait = Math.min(wait * 2, 250);
    }
  }
}

export interface DuckDBSourceStateOptions {
  /** How long opening waits for another process to release the database (default 30 s). */
  busyTimeoutMs?: number;
}

export class DuckDBSourceState implements StateBackend {
  readonly dialect = "duckdb" as const;
  readonly description: string;
  readonly path: string;
  private readonly display: string;
  private readonly busyTimeoutMs: number;
  private db: Shared | undefined;
  private connection: DuckDBConnection | undefined;
  private catalog = "";
  private closed = false;
  /** The shared entry this handle counts in (released by close). */
  private entry: { opening: Promise<Shared>; refs: number } | undefined;

  constructor(
    location: string,
    readonly schema: string,
    display = `duckdb:${location}`,
    options: DuckDBSourceStateOptions = {},
  ) {
    this.path = location === ":memory:" ? location : resolve(location);
    this.description = `${display} (schema ${schema})`;
    this.busyTimeoutMs = options.busyTimeoutMs ?? 30_000;
    this.display = display;
  }

  /** The shared instance, for models on the same database (after open). */
  get instance(): DuckDBInstance {
    if (!this.db) throw new Error(`The load state in ${this.description} is not open.`);
    return this.db.instance;
  }

  name(table: string): string {
    return `${quoteIdent(this.catalog)}.${quoteIdent(this.schema)}.${table}`;
  }

  async open(): Promise<void> {
    if (this.path === ":memory:") {
      throw new ConfigError(
        "state: source needs a DuckDB database file; an in-memory database (duckdb::memory:) forgets the state when the load ends.",
      );
    }
    if (!existsSync(this.path)) {
      throw new ConfigError(`The DuckDB database ${this.path} (source ${this.display}) does not exist.`);
    }
    let entry = shared.get(this.path);
    if (!entry) {
      entry = { opening: openShared(this.path, this.display, this.busyTimeoutMs), refs: 0 };
      shared.set(this.path, entry);
    }
    entry.refs++;
    this.entry = entry;
    try {
      const db = await entry.opening;
      this.db = db;
      this.connection = await db.instance.connect();
      const s = duckdbSession(this.connection);
      const rows = await s.all("SELECT current_database() AS db");
      this.catalog = String(rows[0]?.db ?? "");
      await db.mutex.run(() =>
        inTransaction(s, async () => {
          await s.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.catalog)}.${quoteIdent(this.schema)}`);
          const problem = await ensureSchema(s, (t) => this.name(t), this.dialect);
          if (problem) {
            throw new ConfigError(
              `The load state in ${this.description} ${problem}; upgrade klaviyo-sync or use another schema.`,
            );
          }
        }),
      );
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  private session(): { s: StateSession; mutex: Mutex } {
    if (this.closed || !this.connection || !this.db)
      throw new Error(`The load state in ${this.description} is ${this.closed ? "closed" : "not open"}.`);
    return { s: duckdbSession(this.connection), mutex: this.db.mutex };
  }

  async local<T>(fn: (s: StateSession) => Promise<T>): Promise<T> {
    const { s, mutex } = this.session();
    return mutex.run(() => fn(s));
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
    const { mutex } = this.session();
    const c = this.connection as DuckDBConnection;
    await mutex.run(() => duckdbAppend(c, table, types, columns));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.connection?.closeSync();
    this.connection = undefined;
    this.db = undefined;
    const entry = this.entry;
    this.entry = undefined;
    if (!entry || --entry.refs > 0) return;
    if (shared.get(this.path) === entry) shared.delete(this.path);
    const db = await entry.opening.catch(() => undefined);
    db?.instance.closeSync();
  }
}
