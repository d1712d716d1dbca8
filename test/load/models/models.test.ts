import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/client/errors.js";
import { type Model, openModel } from "../../../src/load/models/index.js";
import type { ModelRow } from "../../../src/load/types.js";

const dir = mkdtempSync(join(tmpdir(), "klaviyo-sync-models-"));
const path = (name: string) => join(dir, name);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function readAll(model: Model, batchSize: number): Promise<{ rows: ModelRow[]; sizes: number[] }> {
  const rows: ModelRow[] = [];
  const sizes: number[] = [];
  for await (const batch of model.rows(batchSize)) {
    sizes.push(batch.length);
    rows.push(...batch);
  }
  return { rows, sizes };
}

async function openError(...args: Parameters<typeof openModel>): Promise<ConfigError> {
  try {
    const model = await openModel(...args);
    // Some problems only show when the rows are read.
    await readAll(model, 1000).finally(() => model.close());
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error("opened without an error");
}

describe("models: DuckDB", () => {
  const db = path("warehouse.duckdb");

  beforeAll(async () => {
    const instance = await DuckDBInstance.create(db);
    const c = await instance.connect();
    await c.run(`CREATE TABLE customers AS
      SELECT i AS customer_id,
             'user' || i || '@example.com' AS email,
             (i * 1.25)::DECIMAL(12, 2) AS ltv,
             9007199254740993::BIGINT + i AS big,
             i::BIGINT * 1000 AS small_big,
             TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(i) AS created_at,
             TIMESTAMP '2024-01-01 10:00:00' AS naive_at,
             DATE '2024-02-03' AS birthday,
             '{"tier":"gold","tags":[1,2]}'::JSON AS attrs,
             [i, i + 1] AS list,
             {'k': i} AS struct,
             i % 2 = 0 AS even,
             NULL::VARCHAR AS nothing
      FROM range(10000) t(i)`);
    await c.run("CREATE SCHEMA analytics");
    await c.run("CREATE TABLE analytics.vip AS SELECT 1 AS id, 'a@x.com' AS email");
    c.closeSync();
    instance.closeSync();
  });

  it("streams 10,000 rows in batches with normalised values", async () => {
    const model = await openModel(
      `duckdb:${db}`,
      { sql: "select * from customers order by customer_id;" },
      { primaryKey: ["customer_id"], requiredColumns: ["email"] },
    );
    try {
      expect(await model.columns()).toEqual([
        "customer_id",
        "email",
        "ltv",
        "big",
        "small_big",
        "created_at",
        "naive_at",
        "birthday",
        "attrs",
        "list",
        "struct",
        "even",
        "nothing",
      ]);
      const { rows, sizes } = await readAll(model, 3000);
      expect(sizes).toEqual([3000, 3000, 3000, 1000]);
      expect(rows).toHaveLength(10_000);
      expect(rows[1]).toEqual({
        customer_id: 1,
        email: "user1@example.com",
        ltv: 1.25,
        big: "9007199254740994", // beyond 2^53: a string, digits intact
        small_big: 1000, // BIGINT within range: a number
        created_at: "2024-01-01T00:00:01.000Z",
        naive_at: "2024-01-01T10:00:00.000Z",
        birthday: "2024-02-03",
        attrs: { tier: "gold", tags: [1, 2] },
        list: [1, 2],
        struct: { k: 1 },
        even: false,
        nothing: null,
      });
      expect(rows[9999]?.customer_id).toBe(9999);
      // Each call is a new pass.
      expect((await readAll(model, 10_000)).sizes).toEqual([10_000]);
      expect(await model.rejects()).toEqual({ count: 0, rows: [] });
    } finally {
      await model.close();
    }
  });

  it("reads a table, schema-qualified too", async () => {
    const model = await openModel(`duckdb:${db}`, { table: "analytics.vip" }, { primaryKey: ["id"] });
    try {
      expect((await readAll(model, 10)).rows).toEqual([{ id: 1, email: "a@x.com" }]);
    } finally {
      await model.close();
    }
  });

  it("streams a large result without holding it (1,000,000 rows, bounded heap)", async () => {
    const model = await openModel(`duckdb:${db}`, {
      sql: "select range AS id, 'x' || range || repeat('y', 200) AS v from range(1000000)",
    });
    try {
      let count = 0;
      let maxHeap = 0;
      const before = process.memoryUsage().heapUsed;
      for await (const batch of model.rows(10_000)) {
        count += batch.length;
        if (count % 100_000 === 0) maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed - before);
      }
      expect(count).toBe(1_000_000);
      // A million of these rows (200-character strings) held at once would take over 250 MB.
      expect(maxHeap).toBeLessThan(150 * 1024 * 1024);
    } finally {
      await model.close();
    }
  }, 60_000);

  it("quotes the database's message and the SQL's first line when the query fails", async () => {
    const err = await openError(`duckdb:${db}`, {
      sql: "\n  select email\n  from customerz\n  where ltv > 500",
    });
    expect(err.message).toContain(`The model query failed in duckdb:${db}`);
    expect(err.message).toContain("Table with name customerz does not exist!");
    expect(err.message).toContain('Did you mean "customers"?');
    expect(err.message).toContain("The query starts: select email");
  });

  it("reports errors raised while the rows stream as ConfigErrors too", async () => {
    const err = await openError(`duckdb:${db}`, {
      sql: "select customer_id, 1 / 0 AS x, error('boom at row') AS y from customers",
    });
    expect(err.message).toContain("boom at row");
    expect(err.message).toContain("The query starts: select customer_id");
  });

  it("names a missing primary key column and the columns the model has", async () => {
    const err = await openError(
      `duckdb:${db}`,
      { sql: "select customer_id, email from customers" },
      { primaryKey: ["customer_ud"], label: "sync vip_profiles" },
    );
    expect(err.message).toBe(
      'The model of sync vip_profiles has no column "customer_ud", which the primary key names. Did you mean "customer_id"? Its columns are "customer_id" and "email". Select the column in the model or fix primary_key.',
    );
  });

  it("names a missing mapped column", async () => {
    const err = await openError(`duckdb:${db}`, { table: "customers" }, { requiredColumns: ["Email"] });
    expect(err.message).toContain('has no column "Email", which the mapping reads. Did you mean "email"?');
  });

  it("says when the database file does not exist", async () => {
    const err = await openError(`duckdb:${path("nope.duckdb")}`, { table: "customers" });
    expect(err.message).toContain("does not exist");
  });
});

describe("models: PostgreSQL", () => {
  async function pgFixture(query: (sql: string) => Promise<unknown>, schema: string): Promise<void> {
    await query(`CREATE TABLE "${schema}".customers (
      customer_id BIGINT PRIMARY KEY,
      email TEXT,
      ltv NUMERIC(12, 2),
      precise NUMERIC,
      big BIGINT,
      created_at TIMESTAMPTZ,
      naive_at TIMESTAMP,
      birthday DATE,
      attrs JSONB,
      tags TEXT[],
      raw BYTEA
    )`);
    await query(`INSERT INTO "${schema}".customers
      SELECT i, 'user' || i || '@example.com', i * 1.25, 12345678901234567890.5, 9007199254740993 + i,
             TIMESTAMPTZ '2024-01-01 00:00:00+00' + make_interval(secs => i),
             TIMESTAMP '2024-01-01 10:00:00', DATE '2024-02-03',
             '{"tier":"gold"}'::jsonb, ARRAY['a', 'b'], '\\x0102'::bytea
      FROM generate_series(0, 2499) AS i`);
  }

  const expected = {
    customer_id: 1,
    email: "user1@example.com",
    ltv: 1.25,
    precise: "12345678901234567890.5",
    big: "9007199254740994",
    created_at: "2024-01-01T00:00:01.000Z",
    naive_at: "2024-01-01T10:00:00.000Z",
    birthday: "2024-02-03",
    attrs: { tier: "gold" },
    tags: ["a", "b"],
    raw: "AQI=",
  };

  it("streams through a server-side cursor (local server or PGlite)", async () => {
    const { startTestPostgres } = await import("../../helpers/postgres.js");
    const db = await startTestPostgres();
    try {
      await pgFixture((sql) => db.query(sql), db.schema);
      // Without a local server the helper runs PGlite, which the next test covers directly.
      if (db.url === undefined) return;
      const source = db.url;
      const model = await openModel(
        source,
        { sql: `SELECT * FROM "${db.schema}".customers ORDER BY customer_id;` },
        { primaryKey: ["customer_id"] },
      );
      try {
        expect(model.description).not.toContain("@127.0.0.1:5432/test?");
        const { rows, sizes } = await readAll(model, 1000);
        expect(sizes).toEqual([1000, 1000, 500]);
        expect(rows[1]).toEqual(expected);
        // A table, read the same way.
        const byTable = await openModel(source, { table: `${db.schema}.customers` });
        try {
          expect((await readAll(byTable, 5000)).rows).toHaveLength(2500);
        } finally {
          await byTable.close();
        }
      } finally {
        await model.close();
      }
    } finally {
      await db.stop();
    }
  });

  it("streams from PGlite with the same values", async () => {
    const { PGlite } = await import("@electric-sql/pglite");
    const pglite = await PGlite.create();
    try {
      await pglite.query(`CREATE SCHEMA s`);
      await pgFixture((sql) => pglite.query(sql), "s");
      const model = await openModel(
        "postgres://unused@localhost/db",
        { sql: "SELECT * FROM s.customers ORDER BY customer_id" },
        { pglite, primaryKey: ["customer_id"] },
      );
      try {
        const { rows, sizes } = await readAll(model, 1000);
        expect(sizes).toEqual([1000, 1000, 500]);
        expect(rows[1]).toEqual(expected);
      } finally {
        await model.close();
      }
      const err = await openError(
        "postgres://unused@localhost/db",
        { sql: "SELECT customer_id,\n       emial\nFROM s.customers" },
        { pglite },
      );
      expect(err.message).toContain('column "emial" does not exist');
      expect(err.message).toContain("(at line 2, column 8 of the SQL)");
      expect(err.message).toContain("The query starts: SELECT customer_id,");
      const missing = await openError(
        "postgres://unused@localhost/db",
        { table: "s.customers" },
        { pglite, primaryKey: ["id"] },
      );
      expect(missing.message).toContain('has no column "id", which the primary key names');
      expect(missing.message).toContain('"customer_id", "email", "ltv"');
    } finally {
      await pglite.close();
    }
  });

  it("says when the server cannot be reached, without the password", async () => {
    const err = await openError("postgres://loader:hunter2pw@127.0.0.1:1/warehouse", { table: "customers" });
    expect(err.message).toContain("Cannot connect to PostgreSQL at 127.0.0.1:1");
    expect(err.message).not.toContain("hunter2pw");
  });
});

describe("models: files", () => {
  beforeAll(async () => {
    writeFileSync(
      path("vip.csv"),
      [
        "customer_id,email,zip,phone,ltv,orders,vip,signed_up,note",
        '001,ann@example.com,02134,+15551234567,1500.50,3,true,2024-01-01 10:00:00,"Likes ""quotes"", commas"',
        "002,bob@example.com,10001,5551234567,99,12,false,2024-01-02T00:00:00Z,",
        "",
      ].join("\n"),
    );
    // Ragged rows, bad quoting, a multi-line value and one damaged (non-UTF-8) line in a UTF-8 file.
    writeFileSync(
      path("ragged.csv"),
      Buffer.concat([
        Buffer.from('id,name,email\n1,Zoë,z@x.com\n2,Short\n3,Too,many,fields\n4,"multi\nline",m@x.com\n'),
        Buffer.from([
          0x35, 0x2c, 0x43, 0x61, 0x66, 0xe9, 0x2c, 0x63, 0x40, 0x78, 0x2e, 0x63, 0x6f, 0x6d, 0x0a,
        ]), // 5,Caf\xe9,c@x.com
        Buffer.from('6,Last,l@x.com\n7,"unterminated,u@x.com\n'),
      ]),
    );
    // Latin-1 throughout (as Excel on Windows writes it), with CRLF line endings.
    writeFileSync(
      path("latin1.csv"),
      Buffer.from("id;name;city\r\n1;Zoé;Montréal\r\n2;Jürgen;Köln\r\n", "latin1"),
    );
    writeFileSync(path("bom.csv"), `\uFEFFid,name\r\n1,"two\r\nlines"\r\n2,x\r\n`);
    writeFileSync(path("mixed.csv"), "id,name\n1,a\r\n2,b\n");
    writeFileSync(path("empty.csv"), "");
    writeFileSync(path("header-only.csv"), "id,email\n");
    writeFileSync(path("data.tsv"), "id\temail\n1\ta@x.com\n");
    writeFileSync(
      path("events.jsonl"),
      [
        '{"id": 1, "email": "a@x.com", "props": {"items": [{"sku": "A"}], "total": 9.5}, "at": "2024-05-01T12:00:00Z"}',
        '{"id": 2, "email": "b@x.com", "props": {"coupon": "X"}, "extra": true}',
        '{"id": 9007199254740993, "email": null}',
        "",
      ].join("\n"),
    );
    writeFileSync(path("broken.jsonl"), '{"id": 1}\n{"id": 2}\n{"id": 3 oops}\n{"id": 4}\n');
    const instance = await DuckDBInstance.create(":memory:");
    const c = await instance.connect();
    await c.run(
      `COPY (SELECT i AS id, 'p' || i || '@x.com' AS email, i * 0.5 AS score, TIMESTAMPTZ '2024-01-01 00:00:00+00' AS at FROM range(5000) t(i)) TO '${path("people.parquet")}' (FORMAT parquet)`,
    );
    c.closeSync();
    instance.closeSync();
  });

  it("reads CSV with types inferred over the whole file, keeping codes and phone numbers as text", async () => {
    const model = await openModel(`file:${path("vip.csv")}`, {}, { primaryKey: ["customer_id"] });
    try {
      const { rows } = await readAll(model, 100);
      expect(rows).toEqual([
        {
          customer_id: "001",
          email: "ann@example.com",
          zip: "02134",
          phone: "+15551234567",
          ltv: 1500.5,
          orders: 3,
          vip: true,
          signed_up: "2024-01-01T10:00:00.000Z",
          note: 'Likes "quotes", commas',
        },
        {
          customer_id: "002",
          email: "bob@example.com",
          zip: "10001",
          phone: "5551234567",
          ltv: 99,
          orders: 12,
          vip: false,
          signed_up: "2024-01-02T00:00:00.000Z",
          note: null,
        },
      ]);
      expect(model.notices).toEqual([]);
    } finally {
      await model.close();
    }
  });

  it("reads a CSV file as a model of any source, and TSV", async () => {
    const model = await openModel("duckdb:./not-used.duckdb", { file: path("data.tsv") });
    try {
      expect((await readAll(model, 10)).rows).toEqual([{ id: 1, email: "a@x.com" }]);
    } finally {
      await model.close();
    }
  });

  it("leaves out ragged, badly quoted and damaged lines and reports them with their line numbers", async () => {
    const model = await openModel(`file:${path("ragged.csv")}`, {}, { primaryKey: ["id"] });
    try {
      const { rows } = await readAll(model, 100);
      expect(rows).toEqual([
        { id: 1, name: "Zoë", email: "z@x.com" },
        { id: 4, name: "multi\nline", email: "m@x.com" },
        { id: 6, name: "Last", email: "l@x.com" },
      ]);
      // Only some bytes are bad: the file stays UTF-8.
      expect(model.notices).toEqual([]);
      const rejects = await model.rejects();
      expect(rejects.count).toBe(4);
      expect(rejects.rows.map((r) => r.line)).toEqual([3, 4, 7, 9]);
      expect(rejects.rows[0]).toEqual({
        line: 3,
        reason: "the line has 2 field(s) but the header has 3 (a ragged row)",
        text: "2,Short",
      });
      expect(rejects.rows[1]?.reason).toContain("more fields than the 3 in the header");
      expect(rejects.rows[2]?.reason).toBe("the line is not valid UTF-8 (save the file as UTF-8)");
      expect(rejects.rows[3]?.reason).toContain("a quoted value is not closed");
      expect(rejects.rows[3]?.text).toContain('7,"unterminated');
      expect((await model.rejects(1)).rows).toHaveLength(1);
    } finally {
      await model.close();
    }
  });

  it("reads a Latin-1 file as Latin-1, with a notice", async () => {
    const model = await openModel(`file:${path("latin1.csv")}`, {});
    try {
      expect((await readAll(model, 10)).rows).toEqual([
        { id: 1, name: "Zoé", city: "Montréal" },
        { id: 2, name: "Jürgen", city: "Köln" },
      ]);
      expect(model.notices).toHaveLength(1);
      expect(model.notices[0]).toContain(
        "is not UTF-8 (first non-UTF-8 byte on line 2) and was read as Latin-1",
      );
      expect((await model.rejects()).count).toBe(0);
    } finally {
      await model.close();
    }
  });

  it("handles a BOM, CRLF and quoted line breaks", async () => {
    const model = await openModel(`file:${path("bom.csv")}`, {}, { primaryKey: ["id"] });
    try {
      expect((await readAll(model, 10)).rows).toEqual([
        { id: 1, name: "two\r\nlines" },
        { id: 2, name: "x" },
      ]);
    } finally {
      await model.close();
    }
  });

  it("refuses files it cannot read as CSV with the file (and line) named", async () => {
    expect((await openError(`file:${path("mixed.csv")}`, {})).message).toBe(
      `The model file ${path("mixed.csv")} mixes line endings: lines end in LF (Unix) but line 2 ends in CRLF (Windows). Save the file with one kind of line ending (e.g. with dos2unix or unix2dos).`,
    );
    expect((await openError(`file:${path("empty.csv")}`, {})).message).toContain("is empty");
    expect((await openError(`file:${path("missing.csv")}`, {})).message).toBe(
      `The model file ${path("missing.csv")} does not exist.`,
    );
    expect((await openError(`file:${path("vip.xlsx")}`, {})).message).toContain("cannot tell the format");
  });

  it("reads a header-only CSV as no rows", async () => {
    const model = await openModel(`file:${path("header-only.csv")}`, {}, { primaryKey: ["id"] });
    try {
      expect(await model.columns()).toEqual(["id", "email"]);
      expect((await readAll(model, 10)).rows).toEqual([]);
    } finally {
      await model.close();
    }
  });

  it("reads JSON lines with nested values intact", async () => {
    const model = await openModel(`file:${path("events.jsonl")}`, {}, { primaryKey: ["id"] });
    try {
      expect(await model.columns()).toEqual(["id", "email", "props", "at", "extra"]);
      const { rows } = await readAll(model, 2);
      expect(rows).toEqual([
        {
          id: 1,
          email: "a@x.com",
          props: { items: [{ sku: "A" }], total: 9.5 },
          at: "2024-05-01T12:00:00Z",
          extra: null,
        },
        { id: 2, email: "b@x.com", props: { coupon: "X" }, at: null, extra: true },
        { id: 9007199254740992, email: null, props: null, at: null, extra: null },
      ]);
    } finally {
      await model.close();
    }
  });

  it("names the file and line of malformed JSON", async () => {
    const err = await openError(`file:${path("broken.jsonl")}`, {});
    expect(err.message).toContain(`The model file ${path("broken.jsonl")} cannot be read`);
    expect(err.message).toContain("line 3 is not valid JSON (");
    expect(err.message).toContain("one JSON object per line");
  });

  it("reads Parquet", async () => {
    const model = await openModel(`file:${path("people.parquet")}`, {}, { primaryKey: ["id"] });
    try {
      const { rows, sizes } = await readAll(model, 2048);
      expect(sizes).toEqual([2048, 2048, 904]);
      expect(rows[3]).toEqual({ id: 3, email: "p3@x.com", score: 1.5, at: "2024-01-01T00:00:00.000Z" });
    } finally {
      await model.close();
    }
  });
});

describe("models: sources and model specs", () => {
  it("explains a bad source or model", async () => {
    await expect(openModel("mysql://x", { table: "t" })).rejects.toThrow(/unknown source scheme "mysql:"/);
    await expect(openModel("duckdb:./w.duckdb", {})).rejects.toThrow(/needs sql \(a query\), table/);
    await expect(openModel("duckdb:./w.duckdb", { sql: "select 1", table: "t" })).rejects.toThrow(
      /one of sql, table or file/,
    );
    await expect(openModel("file:./vip.csv", { sql: "select 1" })).rejects.toThrow(
      /is a file: it is the model itself/,
    );
    await expect(openModel("./vip.csv", {})).rejects.toThrow(/prefix it with "file:"/);
  });
});
