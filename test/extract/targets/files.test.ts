import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/client/errors.js";
import {
  createFileTarget,
  type FileFormat,
  type FileTarget,
  STATE_FILE,
} from "../../../src/extract/targets/files.js";
import { COLUMNS, iso, row, state, targetConformance } from "./conformance.js";

const dirs: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ks-files-"));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const FORMATS: FileFormat[] = ["jsonl", "csv", "parquet"];

for (const format of FORMATS) {
  targetConformance(`files (${format})`, async () => {
    const dir = await freshDir();
    return { create: () => createFileTarget(dir, { format }), cleanup: async () => {} };
  });
}

async function opened(dir: string, format: FileFormat): Promise<FileTarget> {
  const t = createFileTarget(dir, { format });
  await t.open();
  return t;
}

async function duck(sql: string): Promise<Record<string, unknown>[]> {
  const inst = await DuckDBInstance.create(":memory:");
  const conn = await inst.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

describe("file target", () => {
  for (const format of FORMATS) {
    it(`${format}: one durable part per commit, named part-<runId>-<seq>, no temp files left`, async () => {
      const dir = await freshDir();
      const t = await opened(dir, format);
      await t.ensureTable("p", COLUMNS, ["id"]);
      const base = { table: "p", columns: COLUMNS, primaryKey: ["id"], write: "merge" as const };
      await t.commit({ ...base, rows: [row("a", 1, "run/1")], state: state("p", "1") });
      await t.commit({ ...base, rows: [row("b", 2, "run/1")], state: state("p", "2") });
      await t.commit({ ...base, rows: [], state: state("p", "3") });
      await t.close();
      // A new process resuming the same run continues the sequence instead of overwriting.
      const t2 = await opened(dir, format);
      await t2.commit({ ...base, rows: [row("c", 3, "run/1")], state: state("p", "4") });
      await t2.close();
      expect((await readdir(join(dir, "p"))).sort()).toEqual([
        "_table.json",
        `part-run_1-000000.${format}`,
        `part-run_1-000001.${format}`,
        `part-run_1-000002.${format}`,
      ]);
      expect((await readdir(dir)).sort()).toEqual([STATE_FILE, "p"]);
      const saved = JSON.parse(await readFile(join(dir, STATE_FILE), "utf8")) as {
        streams: Record<string, { state: unknown }>;
      };
      expect(saved.streams.p?.state).toEqual(state("p", "4"));
      expect((await stat(join(dir, STATE_FILE))).mode & 0o777).toBe(0o600);
    });
  }

  it("csv: header, RFC 4180 quoting, NULL as an empty field and JSON as text", async () => {
    const dir = await freshDir();
    const t = await opened(dir, "csv");
    const cols = [
      { name: "id", type: "VARCHAR" as const },
      { name: "note", type: "VARCHAR" as const },
      { name: "props", type: "JSON" as const },
      { name: "n", type: "BIGINT" as const },
    ];
    await t.ensureTable("q", cols, ["id"]);
    await t.commit({
      table: "q",
      columns: cols,
      primaryKey: ["id"],
      rows: [
        { id: "1", note: 'say "hi", then\nleave', props: { a: "x,y" }, n: 5 },
        { id: "2", note: "", props: null, n: null },
      ],
      write: "append",
      state: state("q", "1"),
    });
    await t.close();
    const text = await readFile(join(dir, "q", "part-run1-000000.csv"), "utf8");
    expect(text).toBe('id,note,props,n\n1,"say ""hi"", then\nleave","{""a"":""x,y""}",5\n2,"",,\n');
  });

  it("jsonl: one JSON object per line with ISO timestamps and nested JSON", async () => {
    const dir = await freshDir();
    const t = await opened(dir, "jsonl");
    await t.ensureTable("j", COLUMNS, ["id"]);
    await t.commit({
      table: "j",
      columns: COLUMNS,
      primaryKey: ["id"],
      rows: [row("a", 1)],
      write: "append",
      state: state("j", "1"),
    });
    await t.close();
    const lines = (await readFile(join(dir, "j", "part-run1-000000.jsonl"), "utf8")).trim().split("\n");
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      {
        id: "a",
        n: 1,
        score: 0.25,
        ok: false,
        updated: "2024-01-01T00:00:01.000Z",
        day: "2024-02-03",
        props: { n: 1, tags: ["a", "b"] },
        _extracted_at: "2024-05-01T12:00:00.000Z",
        _run_id: "run1",
      },
    ]);
  });

  it("the documented reader query gives the merged table", async () => {
    const dir = await freshDir();
    const t = await opened(dir, "jsonl");
    await t.ensureTable("profiles", COLUMNS, ["id"]);
    const base = { table: "profiles", columns: COLUMNS, primaryKey: ["id"], write: "merge" as const };
    await t.commit({
      ...base,
      rows: [
        row("a", 1, "r1", new Date("2024-01-01T00:00:00Z")),
        row("b", 1, "r1", new Date("2024-01-01T00:00:00Z")),
      ],
      state: state("profiles", "1"),
    });
    await t.commit({
      ...base,
      rows: [row("a", 2, "r2", new Date("2024-01-02T00:00:00Z"))],
      state: state("profiles", "2"),
    });
    await t.close();
    const rows = await duck(`SELECT id, n FROM (
        SELECT *, row_number() OVER (PARTITION BY id ORDER BY _extracted_at DESC, filename DESC) AS rn
        FROM read_json('${join(dir, "profiles")}/part-*.jsonl', filename = true, union_by_name = true)
      ) WHERE rn = 1 ORDER BY id`);
    expect(rows).toEqual([
      { id: "a", n: "2" },
      { id: "b", n: "1" },
    ]);
  });

  for (const format of FORMATS) {
    it(`${format}: compact rewrites the parts into one deduplicated part`, async () => {
      const dir = await freshDir();
      const t = await opened(dir, format);
      await t.ensureTable("c", COLUMNS, ["id"]);
      const base = { table: "c", columns: COLUMNS, primaryKey: ["id"], write: "merge" as const };
      for (let i = 0; i < 4; i++) {
        await t.commit({
          ...base,
          rows: [
            row("a", i, "r", new Date(Date.UTC(2024, 0, 1, 0, 0, i))),
            row(`u${i}`, i, "r", new Date(Date.UTC(2024, 0, 1, 0, 0, i))),
          ],
          state: state("c", String(i)),
        });
      }
      const before = await t.readRows("c");
      expect(before.find((r) => r.id === "a")?.n).toBe(3);
      expect(await t.compact("c")).toBe(5);
      const parts = (await readdir(join(dir, "c"))).filter((n) => n.startsWith("part-"));
      expect(parts).toHaveLength(1);
      expect(await t.readRows("c")).toEqual(before);
      expect(await t.count("c")).toBe(5);
      // Commits after a compaction still win over it.
      await t.commit({
        ...base,
        rows: [row("a", 9, "r", new Date(Date.UTC(2024, 0, 2)))],
        state: state("c", "9"),
      });
      expect((await t.readRows("c")).find((r) => r.id === "a")).toMatchObject({
        n: 9,
        _extracted_at: iso(new Date(Date.UTC(2024, 0, 2))),
      });
      await t.close();
    });
  }

  it("rows are on disk before the state: a failed state write leaves the old state", async () => {
    const dir = await freshDir();
    const t = await opened(dir, "jsonl");
    await t.ensureTable("d", COLUMNS, ["id"]);
    await t.commit({
      table: "d",
      columns: COLUMNS,
      primaryKey: ["id"],
      rows: [row("a", 1)],
      write: "merge",
      state: state("d", "1"),
    });
    // Make the state file impossible to replace.
    await rm(join(dir, STATE_FILE));
    await mkdir(join(dir, STATE_FILE, "blocker"), { recursive: true });
    await expect(
      t.commit({
        table: "d",
        columns: COLUMNS,
        primaryKey: ["id"],
        rows: [row("b", 2)],
        write: "merge",
        state: state("d", "2"),
      }),
    ).rejects.toThrow();
    expect((await t.readState("d"))?.cursor).toBe("1");
    expect(await t.count("d")).toBe(2);
    await t.close();
  });

  it("finishes an interrupted swap on open by restoring the old table", async () => {
    const dir = await freshDir();
    const t = await opened(dir, "jsonl");
    await t.ensureTable("s", COLUMNS, ["id"]);
    await t.commit({
      table: "s",
      columns: COLUMNS,
      primaryKey: ["id"],
      rows: [row("a", 1)],
      write: "merge",
      state: state("s", "1"),
    });
    await t.close();
    // A crash between the two renames of a swap.
    const { rename } = await import("node:fs/promises");
    await rename(join(dir, "s"), join(dir, ".s.old-abc123"));
    const t2 = await opened(dir, "jsonl");
    expect(await t2.count("s")).toBe(1);
    expect((await readdir(dir)).sort()).toEqual([STATE_FILE, "s"]);
    await t2.close();
  });

  it("refuses table names that are not plain folder names", async () => {
    const t = await opened(await freshDir(), "jsonl");
    for (const bad of ["../escape", "a/b", "", ".hidden", "a..b"]) {
      await expect(t.ensureTable(bad, COLUMNS, ["id"])).rejects.toBeInstanceOf(ConfigError);
    }
    await t.close();
  });

  it("refuses an invalid state file with a clear message", async () => {
    const dir = await freshDir();
    await writeFile(join(dir, STATE_FILE), "{ not json");
    await expect(opened(dir, "csv")).rejects.toThrow(/state file .* is not valid.*delete it/);
  });

  it("refuses an unknown format", () => {
    expect(() => createFileTarget("x", { format: "xml" as FileFormat })).toThrow(/jsonl, csv or parquet/);
  });
});

describe("file target: parquet types", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await freshDir();
    const t = await opened(dir, "parquet");
    await t.ensureTable("typed", COLUMNS, ["id"]);
    await t.commit({
      table: "typed",
      columns: COLUMNS,
      primaryKey: ["id"],
      rows: [row("a", 1)],
      write: "append",
      state: state("typed", "1"),
    });
    await t.close();
  });

  it("stores columns with their types", async () => {
    const types = await duck(`DESCRIBE SELECT * FROM read_parquet('${join(dir, "typed")}/*.parquet')`);
    expect(Object.fromEntries(types.map((r) => [r.column_name, r.column_type]))).toEqual({
      id: "VARCHAR",
      n: "BIGINT",
      score: "DOUBLE",
      ok: "BOOLEAN",
      updated: "TIMESTAMP WITH TIME ZONE",
      day: "DATE",
      props: "JSON",
      _extracted_at: "TIMESTAMP WITH TIME ZONE",
      _run_id: "VARCHAR",
    });
  });
});
