/**
 * record with `added` (keys diff found new: a plain insert, no join with the snapshot) leaves the
 * state exactly as record without it does, on the three backends: the state file, a DuckDB source
 * and PostgreSQL (PGlite).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";
import {
  type LoadState,
  openLoadState,
  openStateAt,
  type RecordedOutcome,
} from "../../../src/load/state/index.js";

const root = mkdtempSync(join(tmpdir(), "klaviyo-sync-record-added-"));
let n = 0;
let pglite: PGlite | undefined;

afterAll(async () => {
  await pglite?.close();
  rmSync(root, { recursive: true, force: true });
});

async function duckdbSource(): Promise<string> {
  const dir = join(root, `case-${++n}`);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "warehouse.duckdb");
  const inst = await DuckDBInstance.create(path);
  const c = await inst.connect();
  await c.run("CREATE TABLE customers AS SELECT 1 AS id");
  c.closeSync();
  inst.closeSync();
  return `duckdb:${path}`;
}

const backends: Array<{ label: string; open: () => Promise<LoadState> }> = [
  { label: "state file", open: () => openLoadState(join(root, `file-${++n}`, "state.duckdb")) },
  {
    label: "DuckDB source",
    open: async () => openStateAt({ in: "source", schema: "klaviyo_sync" }, await duckdbSource()),
  },
  {
    label: "PostgreSQL (PGlite)",
    open: async () => {
      if (!pglite) {
        const { PGlite } = await import("@electric-sql/pglite");
        pglite = await PGlite.create();
      }
      return openStateAt(
        { in: "source", schema: `ks_added_${++n}` },
        "postgresql://pglite@localhost/pglite",
        { pglite },
      );
    },
  },
];

const ok = (key: string, id?: string): RecordedOutcome => ({
  key,
  status: "succeeded",
  hash: `h-${key}`,
  fields: { email: `${key}@example.com`, first_name: "x" },
  ...(id ? { klaviyoId: id } : {}),
});

async function* rows(keys: string[], hash: (k: string) => string) {
  yield keys.map((key) => ({ key, hash: hash(key) }));
}

/** Two runs recorded batch by batch, with (`useAdded`) or without the diff's `added` flags. */
async function scenario(state: LoadState, useAdded: boolean) {
  const flag = (added: Set<string>, outcomes: RecordedOutcome[]) =>
    useAdded ? outcomes.map((o) => (added.has(o.key) ? { ...o, added: true } : o)) : outcomes;
  const keys1 = Array.from({ length: 10 }, (_, i) => `c${i}`);
  const d1 = await state.diff(
    "s",
    rows(keys1, (k) => `h-${k}`),
  );
  const a1 = new Set(d1.added);
  await state.record(
    "s",
    flag(a1, [ok("c0", "P0"), ok("c1", "P1"), ok("c2", "P2"), ok("c3", "P3"), ok("c4")]),
    { keepReplaced: true },
  );
  await state.record(
    "s",
    flag(a1, [
      { key: "c5", status: "invalid", reason: "bad email", hash: "h-c5" },
      { key: "c6", status: "rejected", reason: "import error", hash: "h-c6" },
      ok("c7", "P7"),
      // The last outcome of a key wins (the first is marked added, the last too when flagged).
      { key: "c8", status: "rejected", reason: "first try" },
      ok("c8", "P8"),
    ]),
    { keepReplaced: true },
  );
  // c9 never answered (the run died): it stays out of the snapshot.

  // Run 2: c1 and c2 changed, c3 left the model, c10 and c11 are new.
  const keys2 = [...keys1.filter((k) => k !== "c3"), "c10", "c11"];
  const d2 = await state.diff(
    "s",
    rows(keys2, (k) => (k === "c1" || k === "c2" ? `h2-${k}` : `h-${k}`)),
  );
  const a2 = new Set(d2.added);
  await state.record(
    "s",
    flag(a2, [
      { ...ok("c1", "P1-new"), hash: "h2-c1" },
      { key: "c2", status: "rejected", reason: "later" },
      ok("c5", "P5"),
      { key: "c6", status: "invalid", reason: "still bad" },
      ok("c9", "P9"),
      ok("c10"),
      { key: "c11", status: "invalid", reason: "no email" },
    ]),
    { keepReplaced: true },
  );
  const plan = await state.planRemovals(
    "s",
    d2.removed.map((r) => r.key),
  );
  const d3 = await state.diff(
    "s",
    rows(keys2, (k) => (k === "c1" || k === "c2" ? `h2-${k}` : `h-${k}`)),
  );
  const snapshot: Record<string, unknown> = {};
  for (const key of [...keys2, "c3", `c1\u001eP1`]) {
    const row = await state.row("s", key);
    if (row) {
      const { syncedAt, ...rest } = row;
      snapshot[key] = { ...rest, synced: syncedAt !== undefined };
    }
  }
  return {
    d1: { added: d1.added, changed: d1.changed },
    d2,
    plan,
    d3,
    counts: await state.counts("s"),
    snapshot,
  };
}

describe("record: keys the diff found new", () => {
  for (const b of backends) {
    it(`${b.label}: the same state as without the flag`, async () => {
      const withFlag = await b.open();
      const without = await b.open();
      try {
        const a = await scenario(withFlag, true);
        const c = await scenario(without, false);
        expect(a).toEqual(c);
        // The scenario does what it says.
        expect(c.d2.added).toEqual(["c9", "c10", "c11"]);
        expect(c.counts).toEqual({ succeeded: 9, rejected: 1, invalid: 2, replaced: 1 });
        expect(c.snapshot[`c1\u001eP1`]).toMatchObject({ status: "replaced", klaviyoId: "P1" });
        expect(c.snapshot.c8).toMatchObject({ status: "succeeded", klaviyoId: "P8" });
        expect(c.snapshot.c2).toMatchObject({ status: "rejected", klaviyoId: "P2", hash: "h-c2" });
      } finally {
        await withFlag.close();
        await without.close();
      }
    }, 60_000);
  }
});
