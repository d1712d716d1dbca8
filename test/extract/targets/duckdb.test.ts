/** The DuckDB target (the embedded default) against the conformance suite every target passes. */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { DuckDBTarget } from "../../../src/extract/targets/duckdb.js";
import { COLUMNS, row, state, targetConformance } from "./conformance.js";

/** Runs `fn` on a DuckDB target opened on a file in a fresh folder; closes and removes it after. */
async function withOpenTarget(prefix: string, fn: (target: DuckDBTarget) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const target = new DuckDBTarget(join(dir, "t.duckdb"));
  try {
    await target.open();
    await fn(target);
  } finally {
    await target.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

targetConformance("duckdb", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ks-duckdb-target-"));
  return {
    create: () => new DuckDBTarget(join(dir, "t.duckdb")),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe("duckdb target: staged pages", () => {
  it("rows committed to a stage by a process that died are merged when the file is next opened", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ks-duckdb-stage-"));
    try {
      const path = join(dir, "t.duckdb");
      const first = new DuckDBTarget(path);
      await first.open();
      // A column the batches do not write: pages go to the stage (they cannot be appended as they are).
      await first.ensureTable("ev", [...COLUMNS, { name: "note", type: "VARCHAR" }], ["id"]);
      const base = { table: "ev", columns: COLUMNS, primaryKey: ["id"], write: "merge" as const };
      await first.commit({ ...base, rows: [row("a", 1), row("b", 2)], state: state("ev", "1") });
      await first.commit({ ...base, rows: [row("b", 3), row("c", 4)], state: state("ev", "2") });
      // Die without closing (close would merge): only DuckDB's own handles are released.
      const raw = first as unknown as { conn: { closeSync(): void }; instance: { closeSync(): void } };
      raw.conn.closeSync();
      raw.instance.closeSync();

      const second = new DuckDBTarget(path);
      await second.open();
      try {
        const tables = await second.query(
          "SELECT table_name FROM information_schema.tables WHERE table_name LIKE '_ks_stage_%'",
        );
        expect(tables).toEqual([]);
        const rows = await second.readRows("ev");
        expect(rows.map((r) => [r.id, r.n])).toEqual([
          ["a", 1],
          ["b", 3],
          ["c", 4],
        ]);
        expect((await second.readState("ev"))?.cursor).toBe("2");
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("duckdb target: pages appended straight into their table", () => {
  const base = { table: "ev", columns: COLUMNS, primaryKey: ["id"], write: "merge" as const };

  it("appends pages of new keys without a stage, and merges a page that repeats keys", async () => {
    await withOpenTarget("ks-duckdb-append-", async (target) => {
      await target.ensureTable("ev", COLUMNS, ["id"]);
      const stageRows = async () =>
        Number(
          (
            await target.query(
              "SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = '_ks_stage_ev'",
            )
          )[0]?.n,
        );
      await target.commit({ ...base, rows: [row("a", 1), row("b", 2)], state: state("ev", "1") });
      await target.commit({ ...base, rows: [row("c", 3)], state: state("ev", "2") });
      expect(await stageRows()).toBe(0); // no stage was needed
      // b is held by the table already, and d repeats within the page: merged, the last d wins.
      await target.commit({
        ...base,
        rows: [row("b", 20), row("d", 4), row("d", 40)],
        state: state("ev", "3"),
      });
      // The next page of new keys is appended again, after the merged one.
      await target.commit({ ...base, rows: [row("e", 5)], state: state("ev", "4") });
      expect((await target.readRows("ev")).map((r) => [r.id, r.n])).toEqual([
        ["a", 1],
        ["b", 20],
        ["c", 3],
        ["d", 40],
        ["e", 5],
      ]);
      expect((await target.readState("ev"))?.cursor).toBe("4");
      // A failed append left no appender behind to abort later transactions.
      for (let i = 0; i < 20; i++)
        await target.commit({
          ...base,
          rows: [row("a", 100 + i), row(`n${i}`, i)],
          state: state("ev", `r${i}`),
        });
      expect(await target.count("ev")).toBe(25);
      expect((await target.readState("ev"))?.cursor).toBe("r19");
    });
  });
});

describe("duckdb target: memory limit", () => {
  it("gives DuckDB 16 MB per table written, up to 64 MB, and writes more than that through it", async () => {
    await withOpenTarget("ks-duckdb-memory-", async (target) => {
      const limit = async () =>
        String((await target.query("SELECT current_setting('memory_limit') AS m"))[0]?.m);
      expect(target.memoryLimit).toBe(16);
      const first = await limit();
      await target.ensureTable("big", COLUMNS, ["id"]);
      expect(target.memoryLimit).toBe(16);
      expect(await limit()).toBe(first);

      // About 45 MB of rows through a 16 MB limit: appended pages, then a pass that repeats every
      // key (staged and merged with ON CONFLICT), as a second incremental run does.
      const base = { table: "big", columns: COLUMNS, primaryKey: ["id"], write: "merge" as const };
      const pad = "x".repeat(300);
      const page = (from: number, n: number, pass: number) =>
        Array.from({ length: 5_000 }, (_, i) =>
          row(`k${String(from + i).padStart(7, "0")}`, n + i, "run1", undefined, { props: { pad, pass } }),
        );
      for (let p = 0; p < 20; p++)
        await target
          .commit({ ...base, rows: page(p * 5_000, p, 1), state: state("big", `a${p}`) })
          .catch((e) => {
            throw new Error(`pass1 page ${p}: ${e.message}`);
          });
      for (let p = 0; p < 20; p++)
        await target
          .commit({ ...base, rows: page(p * 5_000, p, 2), state: state("big", `b${p}`) })
          .catch((e) => {
            throw new Error(`pass2 page ${p}: ${e.message}`);
          });
      expect(await target.count("big")).toBe(100_000);
      const passes = await target.query("SELECT count(*)::INTEGER AS n FROM big WHERE props->>'pass' = '2'");
      expect(passes[0]?.n).toBe(100_000);

      for (const t of ["two", "three", "four", "five"]) await target.ensureTable(t, COLUMNS, ["id"]);
      expect(target.memoryLimit).toBe(64);
      expect(await limit()).not.toBe(first);
    });
  });
});

describe("duckdb target: merging a large stage", () => {
  it("merges a stage of 30,000 updated 1 KB rows in parts that fit DuckDB's memory", async () => {
    await withOpenTarget("ks-duckdb-merge-", async (target) => {
      // A column the batches do not write: pages are staged, and merged once the stage is full.
      await target.ensureTable("wide", [...COLUMNS, { name: "note", type: "VARCHAR" }], ["id"]);
      const base = { table: "wide", columns: COLUMNS, primaryKey: ["id"], write: "merge" as const };
      const pad = "x".repeat(1_000);
      const key = (i: number) => `k${String(i).padStart(6, "0")}`;
      // 30,000 rows; then every one updated, the pages scattered over the table.
      for (let p = 0; p < 6; p++)
        await target.commit({
          ...base,
          rows: Array.from({ length: 5_000 }, (_, i) =>
            row(key(p * 5_000 + i), 0, "run1", undefined, { props: { pad } }),
          ),
          state: state("wide", `a${p}`),
        });
      for (let p = 0; p < 30; p++)
        await target.commit({
          ...base,
          rows: Array.from({ length: 1_000 }, (_, i) => {
            const k = (p + i * 30) % 30_000;
            return row(key(k), k, "run2", undefined, { props: { pad, pass: 2 } });
          }),
          state: state("wide", `b${p}`),
        });
      const r = await target.query(
        "SELECT count(*)::INTEGER AS rows, count(*) FILTER (WHERE props->>'pass' = '2' AND n = CAST(substr(id, 2) AS INTEGER))::INTEGER AS updated FROM wide",
      );
      expect(r[0]).toEqual({ rows: 30_000, updated: 30_000 });
      expect((await target.readState("wide"))?.cursor).toBe("b29");
    });
  });
});

describe("duckdb target: opening after a crash", () => {
  it("replays a write-ahead log holding a large merge that was never checkpointed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ks-duckdb-wal-"));
    const path = join(dir, "t.duckdb");
    try {
      // A process that merged 20,000 updated 1 KB rows and died before any checkpoint.
      const raw = await DuckDBInstance.create(path, { memory_limit: "256MB" });
      const conn = await raw.connect();
      await conn.run("PRAGMA disable_checkpoint_on_shutdown");
      await conn.run(
        "CREATE TABLE big (id VARCHAR PRIMARY KEY, props JSON); INSERT INTO big SELECT 'k' || range, '{}' FROM range(100000); CHECKPOINT",
      );
      await conn.run(
        "UPDATE big SET props = ('{\"pad\":\"' || repeat('x', 1000) || '\"}')::JSON WHERE (CAST(substr(id, 2) AS INTEGER) % 5) = 0",
      );
      conn.closeSync();
      raw.closeSync();
      expect(existsSync(`${path}.wal`)).toBe(true);

      const target = new DuckDBTarget(path);
      await target.open();
      try {
        const r = await target.query(
          "SELECT count(*)::INTEGER AS n FROM big WHERE props->>'pad' IS NOT NULL",
        );
        expect(r[0]?.n).toBe(20_000);
        expect(target.memoryLimit).toBe(16);
      } finally {
        await target.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("duckdb target: threads and timestamps", () => {
  it("appends with one DuckDB thread, merges with the default, and stores timestamps as the same instants in any time zone", async () => {
    await withOpenTarget("ks-duckdb-ts-", async (target) => {
      const threads = async () =>
        Number((await target.query("SELECT current_setting('threads') AS t"))[0]?.t);
      expect(await threads()).toBe(1);
      // A session time zone far from UTC: an appended timestamp must still be the same instant.
      await target.query("SET TimeZone = 'America/New_York'");
      const instants = [
        Date.UTC(2024, 0, 1, 0, 0, 7, 123),
        Date.UTC(1969, 6, 20, 20, 17, 40, 5),
        Date.UTC(2099, 11, 31, 23, 59, 59, 999),
        0,
      ];
      const columns = COLUMNS;
      await target.ensureTable("ts", columns, ["id"]);
      const base = { table: "ts", columns, primaryKey: ["id"], write: "merge" as const };
      const rows = instants.map((ms, i) => ({ ...row(`r${i}`, i), updated: new Date(ms) }));
      await target.commit({ ...base, rows, state: state("ts", "1") });
      const read = async () =>
        (await target.query("SELECT id, epoch_ms(updated) AS ms FROM ts ORDER BY id")).map((r) => [
          r.id,
          Number(r.ms),
        ]);
      expect(await read()).toEqual(instants.map((ms, i) => [`r${i}`, ms]));
      expect(await threads()).toBe(1);
      // A page that repeats a key is merged (DuckDB's default threads), and then appends go on
      // with one thread again.
      await target.commit({
        ...base,
        rows: [{ ...row("r0", 9), updated: new Date(Date.UTC(2030, 4, 6, 7, 8, 9, 10)) }],
        state: state("ts", "2"),
      });
      expect((await read())[0]).toEqual(["r0", Date.UTC(2030, 4, 6, 7, 8, 9, 10)]);
      expect(await threads()).toBe(1);
    });
  });
});
