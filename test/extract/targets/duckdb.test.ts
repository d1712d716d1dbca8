/** The DuckDB target (the embedded default) against the conformance suite every target passes. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DuckDBTarget } from "../../../src/extract/targets/duckdb.js";
import { COLUMNS, row, state, targetConformance } from "./conformance.js";

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
      await first.ensureTable("ev", COLUMNS, ["id"]);
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
