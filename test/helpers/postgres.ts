/**
 * A PostgreSQL database for tests. Uses the local server (postgresql://postgres@127.0.0.1:5432/test,
 * or KLAVIYO_SYNC_TEST_PG_URL) when it answers, isolated in a fresh schema that `stop()` drops;
 * otherwise an in-process PGlite instance that the target uses directly. It never skips: when
 * neither works it throws, naming both failures.
 */
import pg from "pg";
import {
  createPostgresTarget,
  type PGliteLike,
  type PostgresTarget,
} from "../../src/extract/targets/postgres.js";

export const LOCAL_PG_URL =
  process.env.KLAVIYO_SYNC_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

export interface TestPostgres {
  kind: "local" | "pglite";
  /** Server URL (local only). */
  url: string | undefined;
  /** Schema the targets write to. */
  schema: string;
  /** A new target on this database and schema (the caller opens and closes it). */
  createTarget(): PostgresTarget;
  /** Runs SQL directly, outside any target. */
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

export type PostgresChoice = "auto" | "local" | "pglite";

async function localAnswers(url: string): Promise<Error | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return undefined;
  } catch (err) {
    return err as Error;
  } finally {
    await client.end().catch(() => {});
  }
}

async function startLocal(url: string): Promise<TestPostgres> {
  const schema = `ks_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  admin.on("error", () => {});
  await admin.query(`CREATE SCHEMA "${schema}"`);
  return {
    kind: "local",
    url,
    schema,
    createTarget: () => createPostgresTarget(url, { schema }),
    query: async (sql, params) => (await admin.query(sql, params)).rows as Record<string, unknown>[],
    stop: async () => {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    },
  };
}

async function startPGlite(): Promise<TestPostgres> {
  const { PGlite } = await import("@electric-sql/pglite");
  const db = await PGlite.create();
  const pglite: PGliteLike = db;
  const schema = "ks_test";
  return {
    kind: "pglite",
    url: undefined,
    schema,
    createTarget: () => createPostgresTarget({ pglite }, { schema }),
    query: async (sql, params) => (await db.query<Record<string, unknown>>(sql, params)).rows,
    stop: async () => {
      await db.close();
    },
  };
}

/** Starts a test database: `auto` prefers the local server and falls back to PGlite. */
export async function startTestPostgres(choice: PostgresChoice = "auto"): Promise<TestPostgres> {
  let localError: Error | undefined;
  if (choice !== "pglite") {
    localError = await localAnswers(LOCAL_PG_URL);
    if (!localError) return startLocal(LOCAL_PG_URL);
    if (choice === "local")
      throw new Error(
        `The local PostgreSQL server at ${LOCAL_PG_URL} does not answer: ${localError.message}`,
      );
  }
  try {
    return await startPGlite();
  } catch (err) {
    throw new Error(
      `No PostgreSQL for the tests: ${localError ? `the local server at ${LOCAL_PG_URL} does not answer (${localError.message}) and ` : ""}PGlite failed to start (${(err as Error).message}).${process.env.CI ? " CI must provide one of them." : ""}`,
    );
  }
}

/** Whether the local server answers (for tests that need a real server, e.g. throughput). */
export async function localPostgresAvailable(): Promise<boolean> {
  return (await localAnswers(LOCAL_PG_URL)) === undefined;
}

/** Runs `fn` with a started test database and stops it afterwards. */
export async function withPostgres<T>(
  fn: (db: TestPostgres) => Promise<T>,
  choice: PostgresChoice = "auto",
): Promise<T> {
  const db = await startTestPostgres(choice);
  try {
    return await fn(db);
  } finally {
    await db.stop();
  }
}
