/**
 * The behaviour every extract target must show, run against PostgreSQL (local or PGlite) and the
 * three file formats. Each test uses its own tables, so one harness serves the whole suite.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/client/errors.js";
import {
  type Column,
  DELETED_COLUMN,
  META_COLUMNS,
  type Row,
  type StreamState,
  type Target,
} from "../../../src/extract/types.js";

export type ReadableTarget = Target & { readRows(table: string): Promise<Row[]> };

export interface TargetHarness {
  /** A new target instance on the same storage (so reopening shows what persisted). */
  create(): ReadableTarget;
  cleanup(): Promise<void>;
}

export const BASE: Column[] = [
  { name: "id", type: "VARCHAR" },
  { name: "n", type: "BIGINT" },
  { name: "score", type: "DOUBLE" },
  { name: "ok", type: "BOOLEAN" },
  { name: "updated", type: "TIMESTAMPTZ" },
  { name: "day", type: "DATE" },
  { name: "props", type: "JSON" },
];
export const COLUMNS: Column[] = [...BASE, ...META_COLUMNS];
const MEMBER_COLUMNS: Column[] = [
  { name: "list_id", type: "VARCHAR" },
  { name: "id", type: "VARCHAR" },
  { name: "joined", type: "TIMESTAMPTZ" },
  ...META_COLUMNS,
  DELETED_COLUMN,
];

export function at(seconds: number): Date {
  return new Date(Date.UTC(2024, 4, 1, 12, 0, seconds));
}

export function row(id: string, n: number, runId = "run1", extractedAt = at(0), extra: Row = {}): Row {
  return {
    id,
    n,
    score: n / 4,
    ok: n % 2 === 0,
    updated: new Date(Date.UTC(2024, 0, 1, 0, 0, n)),
    day: "2024-02-03",
    props: { n, tags: ["a", "b"] },
    _extracted_at: extractedAt,
    _run_id: runId,
    ...extra,
  };
}

export function state(stream: string, cursor: string, extra: Partial<StreamState> = {}): StreamState {
  return { stream, cursor, lastRunId: "run1", ...extra };
}

/** ISO 8601 UTC with microseconds, as readRows returns timestamps. */
export function iso(d: Date): string {
  return d.toISOString().replace("Z", "000Z");
}

function byId(rows: Row[]): Map<string, Row> {
  return new Map(rows.map((r) => [String(r.id), r]));
}

export function targetConformance(name: string, setup: () => Promise<TargetHarness>): void {
  describe(`${name}: target conformance`, () => {
    let h: TargetHarness;
    beforeAll(async () => {
      h = await setup();
    }, 60_000);
    afterAll(async () => {
      await h?.cleanup();
    });

    async function withTarget<T>(fn: (t: ReadableTarget) => Promise<T>): Promise<T> {
      const t = h.create();
      await t.open();
      try {
        return await fn(t);
      } finally {
        await t.close();
      }
    }

    it("creates a table, then adds missing columns without touching existing rows", async () => {
      await withTarget(async (t) => {
        await t.ensureTable("grow", COLUMNS, ["id"]);
        await t.ensureTable("grow", COLUMNS, ["id"]);
        await t.commit({
          table: "grow",
          columns: COLUMNS,
          primaryKey: ["id"],
          rows: [row("a", 1)],
          write: "merge",
          state: state("grow", "c1"),
        });
        const wider: Column[] = [...COLUMNS, { name: "note", type: "VARCHAR" }];
        await t.ensureTable("grow", wider, ["id"]);
        await t.commit({
          table: "grow",
          columns: wider,
          primaryKey: ["id"],
          rows: [row("b", 2, "run1", at(1), { note: "hello" })],
          write: "merge",
          state: state("grow", "c2"),
        });
        const rows = byId(await t.readRows("grow"));
        expect(rows.get("a")?.note).toBeNull();
        expect(rows.get("a")?.n).toBe(1);
        expect(rows.get("b")?.note).toBe("hello");
        expect(await t.count("grow")).toBe(2);
      });
    });

    it("merges by primary key: the last write wins, within a batch too", async () => {
      await withTarget(async (t) => {
        await t.ensureTable("merge", COLUMNS, ["id"]);
        const base = { table: "merge", columns: COLUMNS, primaryKey: ["id"], write: "merge" as const };
        await t.commit({
          ...base,
          rows: ["a", "b", "c"].map((id) => row(id, 1, "run1", at(0))),
          state: state("merge", "1"),
        });
        await t.commit({
          ...base,
          rows: ["b", "c", "d"].map((id) => row(id, 2, "run2", at(10))),
          state: state("merge", "2"),
        });
        expect(await t.count("merge")).toBe(4);
        await t.commit({
          ...base,
          rows: [row("e", 1, "run2", at(11)), row("e", 5, "run2", at(11))],
          state: state("merge", "3"),
        });
        const rows = byId(await t.readRows("merge"));
        expect([...rows.keys()].sort()).toEqual(["a", "b", "c", "d", "e"]);
        expect(rows.get("a")).toMatchObject({ n: 1, _run_id: "run1" });
        expect(rows.get("b")).toMatchObject({ n: 2, _run_id: "run2", _extracted_at: iso(at(10)) });
        expect(rows.get("d")).toMatchObject({ n: 2 });
        expect(rows.get("e")).toMatchObject({ n: 5 });
        expect(await t.count("merge")).toBe(5);
      });
    });

    it("appends rows", async () => {
      await withTarget(async (t) => {
        await t.ensureTable("app", COLUMNS, ["id"]);
        const base = { table: "app", columns: COLUMNS, primaryKey: ["id"], write: "append" as const };
        await t.commit({ ...base, rows: [row("a", 1), row("b", 2)], state: state("app", "1") });
        await t.commit({ ...base, rows: [row("c", 3)], state: state("app", "2") });
        await t.commit({ ...base, rows: [], state: state("app", "3") });
        expect(await t.count("app")).toBe(3);
        expect((await t.readRows("app")).map((r) => r.id)).toEqual(["a", "b", "c"]);
        expect((await t.readState("app"))?.cursor).toBe("3");
      });
    });

    it("round-trips every column type, including awkward text", async () => {
      const awkward = [
        'comma, "quote"',
        "line\nbreak\r\nCRLF",
        "  padded  ",
        "",
        "ünïcødé ✓ 😀",
        "back\\slash",
        "NULL",
      ];
      await withTarget(async (t) => {
        await t.ensureTable("types", COLUMNS, ["id"]);
        const rows: Row[] = awkward.map((text, i) =>
          row(`k${i}`, 2 ** 40 + i, "run1", at(0), {
            props: { text, nested: { deep: [i, null, true] } },
            note: text,
            updated: at(i),
          }),
        );
        const cols: Column[] = [...COLUMNS, { name: "note", type: "VARCHAR" }];
        await t.ensureTable("types", cols, ["id"]);
        rows.push({
          id: "nulls",
          n: null,
          score: null,
          ok: null,
          updated: null,
          day: null,
          props: null,
          note: null,
          _extracted_at: at(0),
          _run_id: "run1",
        });
        rows.push(
          row("strjson", -3, "run1", at(0), {
            props: "just a string",
            score: 1e20,
            ok: false,
            note: "x",
            day: new Date("2023-12-31T00:00:00Z"),
          }),
        );
        await t.commit({
          table: "types",
          columns: cols,
          primaryKey: ["id"],
          rows,
          write: "merge",
          state: state("types", "1"),
        });
        const got = byId(await t.readRows("types"));
        awkward.forEach((text, i) => {
          expect(got.get(`k${i}`)).toMatchObject({
            n: 2 ** 40 + i,
            note: text,
            props: { text, nested: { deep: [i, null, true] } },
            updated: iso(at(i)),
            day: "2024-02-03",
          });
        });
        expect(got.get("nulls")).toMatchObject({
          n: null,
          score: null,
          ok: null,
          updated: null,
          day: null,
          props: null,
          note: null,
        });
        expect(got.get("strjson")).toMatchObject({
          n: -3,
          score: 1e20,
          ok: false,
          props: "just a string",
          day: "2023-12-31",
        });
        expect(got.get("k1")).toMatchObject({ score: (2 ** 40 + 1) / 4, ok: false });
        expect(got.get("k0")?.ok).toBe(true);
      });
    });

    it("keeps state per stream, across reopening", async () => {
      const s1 = state("st", "2024-01-01T00:00:00Z", {
        inProgress: {
          runId: "r9",
          startedAt: "2024-01-02T00:00:00Z",
          mode: "incremental",
          positions: { a: "https://x/?page[cursor]=1", b: "done" },
        },
      });
      await withTarget(async (t) => {
        expect(await t.readState("st")).toBeUndefined();
        await t.ensureTable("st", COLUMNS, ["id"]);
        await t.commit({
          table: "st",
          columns: COLUMNS,
          primaryKey: ["id"],
          rows: [row("a", 1)],
          write: "merge",
          state: s1,
        });
        expect(await t.readState("st")).toEqual(s1);
      });
      await withTarget(async (t) => {
        expect(await t.readState("st")).toEqual(s1);
        const s2 = state("st", "2024-02-01T00:00:00Z", {
          inProgress: null,
          lastCompletedAt: "2024-02-01T00:00:01Z",
        });
        await t.commit({
          table: "st",
          columns: COLUMNS,
          primaryKey: ["id"],
          rows: [],
          write: "merge",
          state: s2,
        });
        expect(await t.readState("st")).toEqual(s2);
        expect(await t.readState("other")).toBeUndefined();
      });
    });

    it("a commit that fails changes neither rows nor state", async () => {
      await withTarget(async (t) => {
        await t.ensureTable("atomic", COLUMNS, ["id"]);
        const base = { table: "atomic", columns: COLUMNS, primaryKey: ["id"], write: "merge" as const };
        await t.commit({ ...base, rows: [row("a", 1)], state: state("atomic", "good") });
        const before = await t.readRows("atomic");
        await expect(
          t.commit({
            ...base,
            rows: [
              row("a", 7, "run2", at(5)),
              row("b", 2),
              row("c", 3, "run1", at(0), { n: "not a number" }),
            ],
            state: state("atomic", "bad"),
          }),
        ).rejects.toThrow(/not a number|bigint/i);
        expect(await t.readRows("atomic")).toEqual(before);
        expect(await t.count("atomic")).toBe(1);
        expect((await t.readState("atomic"))?.cursor).toBe("good");
      });
    });

    it("markDeleted marks unseen rows of that parent only, and a reappearing row clears it", async () => {
      await withTarget(async (t) => {
        const pk = ["list_id", "id"];
        await t.ensureTable("members", MEMBER_COLUMNS, pk);
        const m = (list: string, id: string, runId: string, extractedAt: Date): Row => ({
          list_id: list,
          id,
          joined: at(1),
          _extracted_at: extractedAt,
          _run_id: runId,
        });
        const base = { table: "members", columns: MEMBER_COLUMNS, primaryKey: pk, write: "merge" as const };
        await t.commit({
          ...base,
          rows: ["a", "b", "c"].map((id) => m("L1", id, "run1", at(0))),
          state: state("members", "1"),
        });
        await t.commit({ ...base, rows: [m("L2", "c", "run1", at(0))], state: state("members", "2") });
        // run2 sees only a and b in L1.
        await t.commit({
          ...base,
          rows: [m("L1", "a", "run2", at(10)), m("L1", "b", "run2", at(10))],
          state: state("members", "3"),
          markDeleted: { parentColumn: "list_id", parentId: "L1", seenRunId: "run2", at: at(20) },
        });
        const key = (r: Row) => `${r.list_id}/${r.id}`;
        let rows = new Map((await t.readRows("members")).map((r) => [key(r), r]));
        expect(rows.get("L1/a")?._deleted_at).toBeNull();
        expect(rows.get("L1/b")?._deleted_at).toBeNull();
        expect(rows.get("L1/c")?._deleted_at).toBe(iso(at(20)));
        expect(rows.get("L2/c")?._deleted_at).toBeNull();
        expect(await t.count("members")).toBe(4);
        // A later pass of the same run does not move the recorded removal.
        await t.commit({
          ...base,
          rows: [],
          state: state("members", "4"),
          markDeleted: { parentColumn: "list_id", parentId: "L1", seenRunId: "run2", at: at(30) },
        });
        rows = new Map((await t.readRows("members")).map((r) => [key(r), r]));
        expect(rows.get("L1/c")?._deleted_at).toBe(iso(at(20)));
        // run3 sees c again.
        await t.commit({
          ...base,
          rows: ["a", "b", "c"].map((id) => m("L1", id, "run3", at(40))),
          state: state("members", "5"),
          markDeleted: { parentColumn: "list_id", parentId: "L1", seenRunId: "run3", at: at(50) },
        });
        rows = new Map((await t.readRows("members")).map((r) => [key(r), r]));
        expect([...rows.values()].map((r) => r._deleted_at)).toEqual([null, null, null, null]);
        expect(rows.get("L1/c")?._run_id).toBe("run3");
        expect((await t.readState("members"))?.cursor).toBe("5");
        // run4 misses a; run5 brings it back with a batch whose columns leave out _deleted_at.
        await t.commit({
          ...base,
          rows: ["b", "c"].map((id) => m("L1", id, "run4", at(60))),
          state: state("members", "6"),
          markDeleted: { parentColumn: "list_id", parentId: "L1", seenRunId: "run4", at: at(70) },
        });
        expect((await t.readRows("members")).find((r) => key(r) === "L1/a")?._deleted_at).toBe(iso(at(70)));
        const withoutDeleted = MEMBER_COLUMNS.filter((c) => c.name !== "_deleted_at");
        await t.commit({
          ...base,
          columns: withoutDeleted,
          rows: [m("L1", "a", "run5", at(80))],
          state: state("members", "7"),
        });
        rows = new Map((await t.readRows("members")).map((r) => [key(r), r]));
        expect(rows.get("L1/a")).toMatchObject({ _deleted_at: null, _run_id: "run5" });
        expect(await t.count("members")).toBe(4);
      });
    });

    it("swap replaces the table with its staging table and writes the state", async () => {
      await withTarget(async (t) => {
        await t.ensureTable("full", COLUMNS, ["id"]);
        await t.commit({
          table: "full",
          columns: COLUMNS,
          primaryKey: ["id"],
          rows: [row("old1", 1), row("old2", 2)],
          write: "merge",
          state: state("full", "0"),
        });
        for (const cycle of [1, 2]) {
          const staging = "full__staging";
          await t.ensureTable(staging, COLUMNS, ["id"]);
          const base = { table: staging, columns: COLUMNS, primaryKey: ["id"], write: "append" as const };
          const inProgress = {
            runId: `r${cycle}`,
            startedAt: "2024-01-01T00:00:00Z",
            mode: "full-refresh" as const,
            positions: {},
            staging,
          };
          await t.commit({
            ...base,
            rows: [row(`x${cycle}`, 1, `r${cycle}`), row(`y${cycle}`, 2, `r${cycle}`)],
            state: state("full", "0", { inProgress }),
          });
          await t.commit({
            ...base,
            rows: [row(`z${cycle}`, 3, `r${cycle}`)],
            state: state("full", "0", { inProgress }),
          });
          expect(await t.count("full")).toBe(cycle === 1 ? 2 : 3);
          const done = state("full", `done${cycle}`, { inProgress: null, lastRunId: `r${cycle}` });
          await t.swap("full", staging, done);
          expect((await t.readRows("full")).map((r) => r.id)).toEqual([
            `x${cycle}`,
            `y${cycle}`,
            `z${cycle}`,
          ]);
          expect(await t.count("full")).toBe(3);
          expect(await t.count(staging)).toBe(0);
          expect(await t.readState("full")).toEqual(done);
        }
        // Merging into the swapped-in table still works (its primary key survived the rename).
        await t.commit({
          table: "full",
          columns: COLUMNS,
          primaryKey: ["id"],
          rows: [row("x2", 9, "r3", at(9))],
          write: "merge",
          state: state("full", "after"),
        });
        expect(byId(await t.readRows("full")).get("x2")?.n).toBe(9);
        expect(await t.count("full")).toBe(3);
      });
      await withTarget(async (t) => {
        expect((await t.readState("full"))?.cursor).toBe("after");
        expect(await t.count("full")).toBe(3);
      });
    });

    it("dropTable drops an abandoned staging table", async () => {
      await withTarget(async (t) => {
        await t.ensureTable("drop__staging", COLUMNS, ["id"]);
        await t.commit({
          table: "drop__staging",
          columns: COLUMNS,
          primaryKey: ["id"],
          rows: [row("a", 1)],
          write: "append",
          state: state("drop", "1"),
        });
        expect(await t.count("drop__staging")).toBe(1);
        await t.dropTable("drop__staging");
        await t.dropTable("drop__staging");
        expect(await t.count("drop__staging")).toBe(0);
        await t.ensureTable(
          "drop__staging",
          [
            { name: "id", type: "VARCHAR" },
            { name: "n", type: "VARCHAR" },
          ],
          ["id"],
        );
      });
    });

    it("refuses a column whose type conflicts, naming table, column, both types and what to do", async () => {
      await withTarget(async (t) => {
        await t.ensureTable(
          "conflict",
          [
            { name: "id", type: "VARCHAR" },
            { name: "amount", type: "BIGINT" },
          ],
          ["id"],
        );
        const err = await t
          .ensureTable(
            "conflict",
            [
              { name: "id", type: "VARCHAR" },
              { name: "amount", type: "VARCHAR" },
            ],
            ["id"],
          )
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ConfigError);
        const msg = (err as Error).message;
        expect(msg).toMatch(/conflict/);
        expect(msg).toMatch(/amount/);
        expect(msg).toMatch(/bigint/i);
        expect(msg).toMatch(/VARCHAR/);
        expect(msg).toMatch(/full refresh/);
      });
    });

    it("concurrent commits of different streams keep every stream's state", async () => {
      await withTarget(async (t) => {
        const names = ["c1", "c2", "c3", "c4", "c5"];
        for (const n of names) await t.ensureTable(n, COLUMNS, ["id"]);
        await Promise.all(
          names.map((n, i) =>
            t.commit({
              table: n,
              columns: COLUMNS,
              primaryKey: ["id"],
              rows: [row(`r${i}`, i)],
              write: "merge",
              state: state(n, `cur-${n}`),
            }),
          ),
        );
        for (const n of names) expect((await t.readState(n))?.cursor).toBe(`cur-${n}`);
      });
      await withTarget(async (t) => {
        for (const n of ["c1", "c2", "c3", "c4", "c5"]) {
          expect((await t.readState(n))?.cursor).toBe(`cur-${n}`);
          expect(await t.count(n)).toBe(1);
        }
      });
    });
  });
}
