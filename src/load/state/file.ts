/**
 * The state file: a DuckDB database that each handle attaches only for the length of one step
 * (`ATTACH` ... `DETACH`), so several klaviyo-sync processes (running different syncs) can share it.
 * DuckDB's file lock keeps them from using it at the same moment; a step that finds the file
 * locked waits and tries again. Within one process the steps on one file take turns.
 *
 * Staging (keys to diff, outcomes to record) happens in the handle's own in-memory database,
 * outside any step, so a long model read never keeps the file from other processes.
 */
import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { ConfigError } from "../../client/errors.js";
import { Mutex } from "../../extract/targets/values.js";
import {
  ensureSchema,
  inTransaction,
  type StageType,
  type StageValue,
  type StateBackend,
  type StateSession,
} from "./backend.js";
import { duckdbAppend, duckdbSession } from "./duckdb-session.js";

export { SCHEMA_VERSION } from "./backend.js";

/** The catalog name the state file is attached as. */
export const DB = "ks_state";

/** The state file could not be used because another process kept it locked too long. */
export class StateFileBusyError extends Error {
  override readonly name = "StateFileBusyError";
  constructor(
    message: string,
    readonly holderPid: number | undefined,
  ) {
    super(message);
  }
}

export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Steps on the same file in this process take turns (two attachments would both write it). */
const fileLocks = new Map<string, Mutex>();

export function isLockConflict(err: unknown): boolean {
  return /could not set lock|conflicting lock|resource temporarily unavailable/i.test(
    err instanceof Error ? err.message : String(err),
  );
}

export function holderPid(err: unknown): number | undefined {
  const m = /PID (\d+)/.exec(err instanceof Error ? err.message : String(err));
  return m ? Number(m[1]) : undefined;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface StateFileOptions {
  /** How long a step waits for another process to release the file (default 30 s). */
  busyTimeoutMs?: number;
}

export class StateFile implements StateBackend {
  readonly dialect = "duckdb" as const;
  readonly path: string;
  private readonly busyTimeoutMs: number;
  private instance: DuckDBInstance | undefined;
  private connection: DuckDBConnection | undefined;
  private schemaChecked = false;
  private closed = false;

  constructor(location: string, options: StateFileOptions = {}) {
    this.path = resolve(location);
    this.busyTimeoutMs = options.busyTimeoutMs ?? 30_000;
  }

  get description(): string {
    return this.path;
  }

  name(table: string): string {
    return `${DB}.${table}`;
  }

  /**
   * Statements on the handle's one connection take turns: a staging append while a step's query
   * runs on the same connection (an action reading its memory while the engine records a batch)
   * failed with DuckDB's "closed pending query result". Steps take this after the file's lock.
   */
  private readonly connLock = new Mutex();

  /** Runs `fn` on the handle's in-memory database (staging tables), without the state file. */
  async local<T>(fn: (s: StateSession) => Promise<T>): Promise<T> {
    const c = await this.conn();
    return this.connLock.run(() => fn(duckdbSession(c)));
  }

  /** The handle's private in-memory database (staging tables); the state file is attached to it per step. */
  async conn(): Promise<DuckDBConnection> {
    if (this.closed) throw new Error(`The load state ${this.path} is closed.`);
    if (!this.connection) {
      this.instance = await DuckDBInstance.create(":memory:");
      this.connection = await this.instance.connect();
    }
    return this.connection;
  }

  /** Creates the folder (0700) and checks the file can be opened; called once by openLoadState. */
  async open(): Promise<void> {
    const dir = dirname(this.path);
    if (!existsSync(dir)) {
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
      } catch (err) {
        throw new ConfigError(
          `Cannot create the folder ${dir} for the load state: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`,
        );
      }
    }
    await this.step(async () => {});
  }

  /** Runs `fn` with the state file attached as `ks_state`; detaches afterwards. */
  async step<T>(fn: (s: StateSession) => Promise<T>): Promise<T> {
    const c = await this.conn();
    let mutex = fileLocks.get(this.path);
    if (!mutex) {
      mutex = new Mutex();
      fileLocks.set(this.path, mutex);
    }
    return mutex.run(() =>
      this.connLock.run(async () => {
        await this.attach(c);
        try {
          if (!this.schemaChecked) await this.ensureSchema(c);
          return await fn(duckdbSession(c));
        } finally {
          await c.run(`DETACH ${DB}`).catch(() => {});
          this.tighten();
        }
      }),
    );
  }

  /** Runs `fn` in one transaction on the attached state file. */
  async transaction<T>(fn: (s: StateSession) => Promise<T>): Promise<T> {
    return this.step((s) => inTransaction(s, () => fn(s)));
  }

  private async attach(c: DuckDBConnection): Promise<void> {
    const created = !existsSync(this.path);
    const deadline = Date.now() + this.busyTimeoutMs;
    let wait = 10;
    for (;;) {
      try {
        await c.run(`ATTACH ${sqlString(this.path)} AS ${DB}`);
        break;
      } catch (err) {
        if (!isLockConflict(err)) {
          throw new ConfigError(
            `Cannot open the load state ${this.path}: ${(err as Error).message.split("\n")[0]}. Check the path, or move the file away to start with an empty state.`,
            { cause: err },
          );
        }
        if (Date.now() >= deadline) {
          const pid = holderPid(err);
          throw new StateFileBusyError(
            `The load state ${this.path} has been in use by another process${pid ? ` (pid ${pid})` : ""} for more than ${Math.round(this.busyTimeoutMs / 1000)} s. Wait for it to finish (a DuckDB shell may be holding it open), then run again.`,
            pid,
          );
        }
        await sleep(wait);
        wait = Math.min(wait * 2, 250);
      }
    }
    if (created) {
      try {
        chmodSync(this.path, 0o600);
      } catch {
        // Best effort (e.g. a file system without modes).
      }
    }
  }

  private tighten(): void {
    const wal = `${this.path}.wal`;
    if (existsSync(wal)) {
      try {
        chmodSync(wal, 0o600);
      } catch {
        // Best effort.
      }
    }
  }

  private async ensureSchema(c: DuckDBConnection): Promise<void> {
    const problem = await ensureSchema(duckdbSession(c), (t) => this.name(t), this.dialect);
    if (problem) {
      throw new ConfigError(
        `The load state ${this.path} ${problem}; upgrade klaviyo-sync or use another state file.`,
      );
    }
    this.schemaChecked = true;
  }

  /** Appends rows to a staging table in the in-memory database. */
  async append(
    table: string,
    types: readonly StageType[],
    columns: ReadonlyArray<readonly StageValue[]>,
  ): Promise<void> {
    const c = await this.conn();
    await this.connLock.run(() => duckdbAppend(c, table, types, columns));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.connection?.closeSync();
    this.instance?.closeSync();
    this.connection = undefined;
    this.instance = undefined;
  }
}
