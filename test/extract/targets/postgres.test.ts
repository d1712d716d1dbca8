import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/client/errors.js";
import { connectionError, parsePgUrl, redactUrl } from "../../../src/extract/targets/pg-connect.js";
import { createPostgresTarget } from "../../../src/extract/targets/postgres.js";
import type { Column, Row } from "../../../src/extract/types.js";
import {
  LOCAL_PG_URL,
  localPostgresAvailable,
  startTestPostgres,
  type TestPostgres,
} from "../../helpers/postgres.js";
import { COLUMNS, row, state, targetConformance } from "./conformance.js";

const local = await localPostgresAvailable();

if (process.env.CI && !local) {
  // Not a skip: the suites below run on PGlite; this only says which database CI used.
  console.warn(
    `Local PostgreSQL at ${LOCAL_PG_URL} does not answer; the PostgreSQL target tests run on PGlite.`,
  );
}

function harness(choice: "auto" | "pglite") {
  return async () => {
    const db = await startTestPostgres(choice);
    return { create: () => db.createTarget(), cleanup: () => db.stop() };
  };
}

targetConformance(`postgres (${local ? "local server" : "PGlite"})`, harness("auto"));
if (local) targetConformance("postgres (PGlite)", harness("pglite"));

describe("postgres target", () => {
  let db: TestPostgres;
  beforeAll(async () => {
    db = await startTestPostgres();
  }, 60_000);
  afterAll(async () => {
    await db?.stop();
  });

  it("creates typed tables with a primary key in the configured schema", async () => {
    const t = db.createTarget();
    await t.open();
    try {
      await t.ensureTable("typed", COLUMNS, ["id"]);
      const cols = await db.query(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'typed' ORDER BY ordinal_position",
        [db.schema],
      );
      expect(Object.fromEntries(cols.map((c) => [c.column_name, c.data_type]))).toEqual({
        id: "text",
        n: "bigint",
        score: "double precision",
        ok: "boolean",
        updated: "timestamp with time zone",
        day: "date",
        props: "jsonb",
        _extracted_at: "timestamp with time zone",
        _run_id: "text",
      });
      const state = await db.query(
        "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = '_klaviyo_sync_state'",
        [db.schema],
      );
      expect(state[0]?.n).toBe(1);
      expect(t.description).toContain(db.schema);
    } finally {
      await t.close();
    }
  });

  it("rolls back rows and state when a step after the rows fails", async () => {
    const t = db.createTarget();
    await t.open();
    try {
      await t.ensureTable("late_fail", COLUMNS, ["id"]);
      const base = { table: "late_fail", columns: COLUMNS, primaryKey: ["id"], write: "merge" as const };
      await t.commit({ ...base, rows: [row("a", 1)], state: state("late_fail", "good") });
      const err = await t
        .commit({
          ...base,
          rows: [row("a", 5, "run2"), row("b", 6, "run2")],
          state: state("late_fail", "bad"),
          markDeleted: { parentColumn: "no_such_column", parentId: "x", seenRunId: "run2", at: new Date() },
        })
        .catch((e: unknown) => e as Error);
      expect(err).toBeInstanceOf(Error);
      expect(err?.message).toMatch(/late_fail.*nothing was committed.*no_such_column/s);
      expect(await t.readRows("late_fail")).toMatchObject([{ id: "a", n: 1 }]);
      expect((await t.readState("late_fail"))?.cursor).toBe("good");
      // The session is usable afterwards.
      await t.commit({ ...base, rows: [row("c", 3)], state: state("late_fail", "after") });
      expect(await t.count("late_fail")).toBe(2);
    } finally {
      await t.close();
    }
  });

  it("refuses a table whose primary key differs", async () => {
    const t = db.createTarget();
    await t.open();
    try {
      await t.ensureTable("keyed", COLUMNS, ["id"]);
      await expect(t.ensureTable("keyed", COLUMNS, ["id", "n"])).rejects.toThrow(
        /primary key \(id\).*\(id, n\)/,
      );
    } finally {
      await t.close();
    }
  });

  it("loads 10,000 rows of 15 columns in one commit (throughput)", async () => {
    const cols: Column[] = [
      ...COLUMNS,
      { name: "email", type: "VARCHAR" },
      { name: "city", type: "VARCHAR" },
      { name: "created", type: "TIMESTAMPTZ" },
      { name: "extra", type: "JSON" },
      { name: "flag", type: "BOOLEAN" },
      { name: "ratio", type: "DOUBLE" },
    ];
    expect(cols.length).toBe(15);
    const make = (run: string): Row[] =>
      Array.from({ length: 10_000 }, (_, i) =>
        row(`p${i}`, i, run, new Date(), {
          email: `person${i}@example.com`,
          city: `City, "${i % 97}"`,
          created: new Date(Date.UTC(2023, 0, 1) + i * 1000),
          extra: { source: "bench", i, list: [1, 2, 3] },
          flag: i % 3 === 0,
          ratio: i / 7,
        }),
      );
    const t = db.createTarget();
    await t.open();
    try {
      await t.ensureTable("bench", cols, ["id"]);
      const rates: string[] = [];
      for (const [label, write, run] of [
        ["merge into empty", "merge", "r1"],
        ["merge over existing", "merge", "r2"],
      ] as const) {
        const rows = make(run);
        const t0 = performance.now();
        await t.commit({
          table: "bench",
          columns: cols,
          primaryKey: ["id"],
          rows,
          write,
          state: state("bench", run),
        });
        const ms = performance.now() - t0;
        rates.push(`${label}: ${Math.round(ms)} ms, ${Math.round((rows.length / ms) * 1000)} rows/s`);
      }
      await t.ensureTable("bench_append", cols, ["id"]);
      const rows = make("r3");
      const t0 = performance.now();
      await t.commit({
        table: "bench_append",
        columns: cols,
        primaryKey: ["id"],
        rows,
        write: "append",
        state: state("bench_append", "r3"),
      });
      const ms = performance.now() - t0;
      rates.push(`append: ${Math.round(ms)} ms, ${Math.round((rows.length / ms) * 1000)} rows/s`);
      console.log(`postgres (${db.kind}) 10,000 rows x 15 columns — ${rates.join("; ")}`);
      expect(await t.count("bench")).toBe(10_000);
      expect(await t.count("bench_append")).toBe(10_000);
    } finally {
      await t.close();
    }
  }, 60_000);
});

describe("postgres connection errors", () => {
  it("rejects a malformed URL without showing the password", () => {
    let err: unknown;
    try {
      createPostgresTarget("postgresql://loader:s3cretPW@db.example.com:notaport/warehouse");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain("not a valid PostgreSQL URL");
    expect(msg).toContain("loader:***@db.example.com");
    expect(msg).not.toContain("s3cretPW");
  });

  it("rejects a URL of another scheme", () => {
    expect(() => createPostgresTarget("mysql://u:pw@h/db")).toThrow(/must start with postgresql:\/\//);
  });

  it("reports an unreachable server by host and port, without the password", async () => {
    const t = createPostgresTarget("postgresql://loader:s3cretPW@127.0.0.1:1/warehouse", {
      connectTimeoutMs: 3000,
    });
    expect(t.description).not.toContain("s3cretPW");
    expect(t.description).toContain("loader:***@127.0.0.1:1");
    const err = await t.open().catch((e: unknown) => e);
    await t.close();
    await t.close();
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain("127.0.0.1:1");
    expect(msg).toMatch(/server is running/);
    expect(msg).not.toContain("s3cretPW");
  });

  it.runIf(local)("reports a missing database (local server)", async () => {
    const url = new URL(LOCAL_PG_URL);
    url.password = "s3cretPW";
    url.pathname = "/ks_no_such_database";
    const t = createPostgresTarget(url.toString());
    const err = await t.open().catch((e: unknown) => e);
    await t.close();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/database "ks_no_such_database".*does not exist/);
    expect((err as Error).message).not.toContain("s3cretPW");
  });

  it("explains authentication, DNS and missing-database failures", () => {
    const ep = parsePgUrl("postgresql://loader:s3cretPW@db.example.com:6543/warehouse");
    const auth = connectionError(
      ep,
      Object.assign(new Error('password authentication failed for user "loader"'), { code: "28P01" }),
    );
    expect(auth).toBeInstanceOf(ConfigError);
    expect(auth.message).toMatch(
      /db\.example\.com:6543.*"warehouse".*"loader".*password authentication failed.*Check the user name and password/,
    );
    const dns = connectionError(
      ep,
      Object.assign(new Error("getaddrinfo ENOTFOUND db.example.com"), { code: "ENOTFOUND" }),
    );
    expect(dns.message).toMatch(/does not resolve/);
    const nodb = connectionError(
      ep,
      Object.assign(new Error('database "warehouse" does not exist'), { code: "3D000" }),
    );
    expect(nodb.message).toMatch(/CREATE DATABASE/);
    const timeout = connectionError(ep, new Error("Connection terminated due to connection timeout"));
    expect(timeout.message).toMatch(/timed out/);
    const echoed = connectionError(ep, new Error("server said: bad s3cretPW"), "s3cretPW");
    expect(echoed.message).toContain("bad ***");
    for (const e of [auth, dns, nodb, timeout, echoed]) expect(e.message).not.toContain("s3cretPW");
  });

  it("redacts passwords in URLs, even malformed ones", () => {
    expect(redactUrl("postgresql://u:pw@h:5432/db")).toBe("postgresql://u:***@h:5432/db");
    expect(redactUrl("postgresql://u@h/db?password=pw&sslmode=require")).toBe(
      "postgresql://u@h/db?password=***&sslmode=require",
    );
    expect(redactUrl("postgresql://u:p w@h:bad/db")).toBe("postgresql://u:***@h:bad/db");
    expect(redactUrl("postgresql://h/db")).toBe("postgresql://h/db");
  });
});
