/**
 * What the load state gives `mirror` syncs, on the three places it can live (a local DuckDB file,
 * a schema of a DuckDB source, a schema of PostgreSQL: the local server when it answers, else
 * PGlite): record keeps the Klaviyo id a row held before it moved to another (`replaced` rows),
 * only confirmed outcomes change a row's Klaviyo id, and planRemovals leaves out every id a row
 * still in the model holds. Also releaseLock (`load --release-lock`) on each of them.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { PGlite } from "@electric-sql/pglite";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type LoadState,
  openLoadState,
  openStateAt,
  SyncLockedError,
} from "../../../src/load/state/index.js";
import { localPostgresAvailable, startTestPostgres, type TestPostgres } from "../../helpers/postgres.js";

const root = mkdtempSync(join(tmpdir(), "ks-mirror-state-"));
let n = 0;
const open: LoadState[] = [];

afterEach(async () => {
  for (const s of open.splice(0)) await s.close().catch(() => {});
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

interface Harness {
  label: string;
  setup(): Promise<void>;
  /** A new, empty state. */
  fresh(): Promise<LoadState>;
  /** Another handle on the state `fresh` gave last (its own connection where the backend has them). */
  again(): Promise<LoadState>;
  /** Whether handles have their own database sessions (PostgreSQL server: advisory locks per session). */
  sessions: boolean;
  teardown(): Promise<void>;
}

function fileHarness(): Harness {
  return {
    label: "state file",
    sessions: false,
    async setup() {},
    fresh: () => openLoadState(join(root, `state-${++n}.duckdb`)),
    again: () => openLoadState(join(root, `state-${n}.duckdb`)),
    async teardown() {},
  };
}

function duckdbSourceHarness(): Harness {
  return {
    label: "DuckDB source",
    sessions: false,
    async setup() {},
    async fresh() {
      const dir = join(root, `case-${++n}`);
      mkdirSync(dir, { recursive: true });
      const path = join(dir, "warehouse.duckdb");
      const inst = await DuckDBInstance.create(path);
      inst.closeSync();
      return openStateAt({ in: "source", schema: "klaviyo_sync" }, `duckdb:${path}`);
    },
    again: () =>
      openStateAt(
        { in: "source", schema: "klaviyo_sync" },
        `duckdb:${join(root, `case-${n}`, "warehouse.duckdb")}`,
      ),
    async teardown() {},
  };
}

function postgresHarness(): Harness {
  let server: TestPostgres | undefined;
  let pglite: PGlite | undefined;
  const schemas: string[] = [];
  const open = (schema: string) =>
    server
      ? openStateAt({ in: "source", schema }, server.url as string)
      : openStateAt({ in: "source", schema }, "postgresql://pglite@localhost/pglite", {
          pglite: pglite as PGlite,
        });
  const h: Harness = {
    label: "PostgreSQL",
    sessions: false,
    async setup() {
      if (await localPostgresAvailable()) {
        server = await startTestPostgres("local");
        h.label = "PostgreSQL (local server)";
        h.sessions = true;
      } else {
        const { PGlite } = await import("@electric-sql/pglite");
        pglite = await PGlite.create();
        h.label = "PostgreSQL (PGlite)";
      }
    },
    async fresh() {
      const schema = `${server?.schema ?? "ks"}_mirror_${++n}`;
      schemas.push(schema);
      return open(schema);
    },
    again: () => open(schemas[schemas.length - 1] as string),
    async teardown() {
      if (server) {
        for (const s of schemas) await server.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`).catch(() => {});
        await server.stop();
      }
      await pglite?.close();
    },
  };
  return h;
}

/** One batch of model rows (key, hash). */
async function* model(rows: Array<[string, string]>) {
  yield rows.map(([key, hash]) => ({ key, hash }));
}

const RS = "\u001e";

for (const h of [fileHarness(), duckdbSourceHarness(), postgresHarness()]) {
  describe(`load state for mirror syncs (${h.label})`, () => {
    beforeAll(() => h.setup(), 60_000);
    afterAll(() => h.teardown());

    async function fresh(): Promise<LoadState> {
      const state = await h.fresh();
      open.push(state);
      return state;
    }

    it("keeps the Klaviyo id a row held before as a replaced row, only when asked and only on success", async () => {
      const state = await fresh();
      await state.record("m", [
        { key: "a", status: "succeeded", hash: "h1", klaviyoId: "P1", fields: { email: "a@x.com" } },
        { key: "b", status: "succeeded", hash: "h1", klaviyoId: "P2", fields: { email: "b@x.com" } },
      ]);
      // A refused outcome changes neither the row's Klaviyo id nor anything else it confirmed.
      await state.record(
        "m",
        [{ key: "a", status: "rejected", hash: "h2", klaviyoId: "P9", reason: "refused" }],
        { keepReplaced: true },
      );
      expect(await state.row("m", "a")).toMatchObject({ status: "rejected", hash: "h1", klaviyoId: "P1" });
      expect(await state.counts("m")).toEqual({ succeeded: 1, rejected: 1 });
      // A new row that failed keeps no Klaviyo id.
      await state.record("m", [{ key: "r", status: "rejected", hash: "h1", klaviyoId: "P7", reason: "x" }]);
      expect((await state.row("m", "r"))?.klaviyoId).toBeUndefined();

      // Confirmed with another id: the old one is kept under its own key, with the old fields.
      await state.record(
        "m",
        [{ key: "a", status: "succeeded", hash: "h2", klaviyoId: "P3", fields: { email: "a2@x.com" } }],
        { keepReplaced: true },
      );
      expect(await state.row("m", "a")).toMatchObject({ status: "succeeded", klaviyoId: "P3" });
      expect(await state.row("m", `a${RS}P1`)).toMatchObject({
        status: "replaced",
        klaviyoId: "P1",
        fields: { email: "a@x.com" },
      });
      // Confirmed again with the same id, or with no id: nothing is replaced.
      await state.record(
        "m",
        [
          { key: "a", status: "succeeded", hash: "h3", klaviyoId: "P3", fields: { email: "a2@x.com" } },
          { key: "b", status: "succeeded", hash: "h3", fields: { email: "b@x.com" } },
        ],
        { keepReplaced: true },
      );
      // Without keepReplaced (every mode but mirror) the old id is just overwritten.
      await state.record("m", [{ key: "b", status: "succeeded", hash: "h4", klaviyoId: "P4" }]);
      expect(await state.counts("m")).toEqual({ succeeded: 2, rejected: 1, replaced: 1 });

      // A replaced row is never in the model: diff reports it as removed.
      const diff = await state.diff(
        "m",
        model([
          ["a", "h3"],
          ["b", "h4"],
        ]),
      );
      expect(diff).toMatchObject({ added: [], changed: [], unchanged: 2 });
      expect(diff.removed).toEqual([{ key: `a${RS}P1`, klaviyoId: "P1", fields: { email: "a@x.com" } }]);
    });

    it("plans removals: what no row of the model holds is removed, the rest only forgotten", async () => {
      const state = await fresh();
      const ok = (key: string, id: string) => ({
        key,
        status: "succeeded" as const,
        hash: "h1",
        klaviyoId: id,
        fields: { email: `${key}@x.com` },
      });
      await state.record("m", [
        ok("a", "P1"),
        ok("b", "P1"), // shares a's profile
        ok("c", "P2"),
        ok("d", "P3"),
        ok("e", "P4"),
        ok("f", "P5"),
        ok("h", "P4"), // shares e's profile; both leave
      ]);
      // This run: c moves to P6, f takes d's profile P3, a's new values are refused (it keeps P1),
      // and a new row r fails with P4.
      await state.record(
        "m",
        [
          { ...ok("c", "P6"), hash: "h2" },
          { ...ok("f", "P3"), hash: "h2" },
          { key: "a", status: "rejected", hash: "h2", klaviyoId: "P8", reason: "refused" },
          { key: "r", status: "rejected", hash: "h1", klaviyoId: "P4", reason: "refused" },
        ],
        { keepReplaced: true },
      );
      const diff = await state.diff(
        "m",
        model([
          ["a", "h2"],
          ["c", "h2"],
          ["f", "h2"],
          ["r", "h1"],
        ]),
      );
      const removedKeys = diff.removed.map((r) => r.key);
      expect(removedKeys).toEqual(["b", `c${RS}P2`, "d", "e", `f${RS}P5`, "h"]);

      const plan = await state.planRemovals("m", removedKeys);
      // b's P1 is a's (whose last attempt failed but whose P1 is on the list); d's P3 is now f's.
      expect(plan.held).toEqual(["b", "d"]);
      expect(plan.remove).toEqual([
        { key: `c${RS}P2`, klaviyoId: "P2", fields: { email: "c@x.com" } },
        { key: "e", klaviyoId: "P4", fields: { email: "e@x.com" } },
        { key: `f${RS}P5`, klaviyoId: "P5", fields: { email: "f@x.com" } },
        { key: "h", klaviyoId: "P4", fields: { email: "h@x.com" } },
      ]);

      // Replaced rows are planned even when the diff is not given them (the run that made them).
      expect((await state.planRemovals("m", [])).remove.map((r) => r.key)).toEqual([`c${RS}P2`, `f${RS}P5`]);

      await state.forget("m", [...plan.held, ...plan.remove.map((r) => r.key)]);
      expect(await state.planRemovals("m", [])).toEqual({ remove: [], held: [] });
      expect(await state.counts("m")).toEqual({ succeeded: 2, rejected: 2 });
    });

    it("plans the removals of 20,000 rows against 60,000 in the database", async () => {
      const state = await fresh();
      const N = 60_000;
      for (let start = 0; start < N; start += 20_000) {
        await state.record(
          "big",
          Array.from({ length: 20_000 }, (_, j) => {
            const i = start + j;
            // Every tenth profile is shared by two rows: i and i + 1.
            const id = i % 10 === 1 ? `P${i - 1}` : `P${i}`;
            return { key: `k${i}`, status: "succeeded" as const, hash: "h", klaviyoId: id };
          }),
        );
      }
      // Rows 0..19,999 leave: of those, the ones sharing a profile with a row that stays are held.
      const removed = Array.from({ length: 20_000 }, (_, i) => `k${i}`);
      const t = performance.now();
      const plan = await state.planRemovals("big", removed);
      const ms = performance.now() - t;
      expect(plan.held).toEqual([]);
      expect(plan.remove).toHaveLength(20_000);
      // Now rows 0..19,995 leave, and 19,996.. stay: row 20,000 shares no profile, 19,991 does.
      const some = removed.filter((k) => Number(k.slice(1)) !== 19_990 && Number(k.slice(1)) < 19_995);
      const partial = await state.planRemovals("big", some);
      expect(partial.held).toEqual(["k19991"]);
      expect(partial.remove).toHaveLength(some.length - 1);
      console.log(`${h.label}: planned the removals of 20,000 rows against ${N} in ${Math.round(ms)} ms`);
      expect(ms).toBeLessThan(30_000);
    }, 120_000);

    it("releaseLock: releases a lock from another host and says whose it was; refuses a holder known to run", async () => {
      const state = await fresh();
      expect(await state.releaseLock("vip")).toBeUndefined();
      const runId = await state.startRun("vip", { from: "elsewhere" });
      await state.store.transaction(async (s) => {
        await s.run(
          `UPDATE ${state.store.name("load_runs")} SET pid = 4242, hostname = 'other-host' WHERE id = ${runId}`,
        );
        await s.run(
          `INSERT INTO ${state.store.name("load_locks")} (sync, pid, hostname, started_at, token) VALUES ('vip', 4242, 'other-host', now(), 'theirs')`,
        );
      });
      const released = await state.releaseLock("vip");
      expect(released).toMatchObject({ pid: 4242, hostname: "other-host" });
      expect(await state.lockHolder("vip")).toBeUndefined();
      expect((await state.getRun(runId))?.status).toBe("interrupted");

      // Held by a run of this process, through another handle: it runs, so it is not released.
      const other = await h.again();
      open.push(other);
      await other.lock("vip");
      const err = await state.releaseLock("vip").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SyncLockedError);
      expect((err as Error).message).toContain(`pid ${process.pid} on ${hostname()}, this process`);
      if (h.sessions) expect((err as SyncLockedError).connected).toBe(true);
      expect((await state.lockHolder("vip"))?.pid).toBe(process.pid);
      await other.unlock("vip");
      // The handle that holds a lock may release it.
      await state.lock("vip");
      expect((await state.releaseLock("vip"))?.pid).toBe(process.pid);
      expect(await state.lockHolder("vip")).toBeUndefined();
      await other.lock("vip");
    });
  });
}
