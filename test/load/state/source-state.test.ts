/**
 * The load state in a schema of the source database (`state: source`): the same behaviours as the
 * state file (state.test.ts) on PostgreSQL (the local server when it answers, else PGlite) and on a
 * DuckDB source, locks across processes, and a load end to end whose second run sends nothing.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import type { PGlite } from "@electric-sql/pglite";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/client/errors.js";
import type { KlaviyoClient } from "../../../src/client/index.js";
import { getAction } from "../../../src/load/actions/index.js";
import { runSync, type SyncSpec } from "../../../src/load/engine.js";
import { openModel } from "../../../src/load/models/index.js";
import {
  type LoadState,
  type OpenStateOptions,
  openStateAt,
  type RunSummary,
  StateFileBusyError,
  SyncLockedError,
  sharedSourceDatabase,
} from "../../../src/load/state/index.js";
import { startTestEmulator, type TestEmulator } from "../../helpers/emulator.js";
import { localPostgresAvailable, startTestPostgres, type TestPostgres } from "../../helpers/postgres.js";

const root = mkdtempSync(join(tmpdir(), "klaviyo-sync-source-state-"));
let n = 0;

const open: LoadState[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const s of open.splice(0).reverse()) await s.close().catch(() => {});
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.pid !== undefined) child.kill("SIGKILL");
  }
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A database holding the state; `fresh()` gives a new, empty place (schema or file) for one case. */
interface Harness {
  label: string;
  kind: "postgres" | "duckdb";
  /** A new place: its source string and state schema. */
  fresh(): Promise<{ source: string; schema: string }>;
  options(): OpenStateOptions;
  /** SQL on the source database outside the state (DuckDB: through the open state's instance). */
  sql(
    place: { source: string },
    statement: string,
    state?: LoadState,
  ): Promise<Array<Record<string, unknown>>>;
  setup(): Promise<void>;
  teardown(): Promise<void>;
}

function postgresHarness(): Harness {
  let db: TestPostgres | undefined;
  let pglite: PGlite | undefined;
  const schemas: string[] = [];
  const h: Harness = {
    label: "",
    kind: "postgres",
    async setup() {
      if (await localPostgresAvailable()) {
        db = await startTestPostgres("local");
        h.label = "PostgreSQL (local server)";
      } else {
        const { PGlite } = await import("@electric-sql/pglite");
        pglite = await PGlite.create();
        h.label = "PostgreSQL (PGlite)";
      }
    },
    async teardown() {
      if (db) {
        for (const s of schemas) await db.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`).catch(() => {});
        await db.stop();
      }
      await pglite?.close();
    },
    async fresh() {
      const schema = `${db?.schema ?? "ks"}_state_${++n}`;
      schemas.push(schema);
      // PGlite ignores the URL: the state runs on the instance (options()).
      return { source: db?.url ?? "postgresql://pglite@localhost/pglite", schema };
    },
    options: () => (pglite ? { pglite } : {}),
    async sql(_place, statement) {
      if (db) return db.query(statement);
      return (await (pglite as PGlite).query<Record<string, unknown>>(statement)).rows;
    },
  };
  return h;
}

function duckdbHarness(): Harness {
  return {
    label: "DuckDB source",
    kind: "duckdb",
    async setup() {},
    async teardown() {},
    async fresh() {
      const dir = join(root, `case-${++n}`);
      const path = join(dir, "warehouse.duckdb");
      const { mkdirSync } = await import("node:fs");
      mkdirSync(dir, { recursive: true });
      const inst = await DuckDBInstance.create(path);
      const c = await inst.connect();
      await c.run("CREATE TABLE customers AS SELECT 1 AS id");
      c.closeSync();
      inst.closeSync();
      return { source: `duckdb:${path}`, schema: "klaviyo_sync" };
    },
    options: () => ({}),
    async sql(place, statement, state) {
      const shared = state ? sharedSourceDatabase(state) : undefined;
      const inst = shared ?? (await DuckDBInstance.create(place.source.slice("duckdb:".length)));
      const c = await inst.connect();
      try {
        return (await c.runAndReadAll(statement)).getRowObjectsJS() as Array<Record<string, unknown>>;
      } finally {
        c.closeSync();
        if (!shared) inst.closeSync();
      }
    },
  };
}

/** Model rows in batches: key `c<i>`, hash from `hash(i)`. */
async function* model(keys: Iterable<number>, hash: (i: number) => string = (i) => `h${i}`, batch = 5000) {
  let out: Array<{ key: string; hash: string }> = [];
  for (const i of keys) {
    out.push({ key: `c${i}`, hash: hash(i) });
    if (out.length === batch) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

const SUMMARY: RunSummary = {
  status: "succeeded",
  queried: 10,
  added: 4,
  changed: 1,
  removed: 0,
  unchanged: 5,
  invalid: 1,
  rejected: 0,
  succeeded: 4,
  durationMs: 1234,
  rateLimitWaitMs: 0,
};

const CHILD = resolve(dirname(fileURLToPath(import.meta.url)), "source-lock-child.ts");

async function startChild(...args: string[]): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, ...args], {
    cwd: resolve(dirname(CHILD), "../../.."),
    stdio: ["pipe", "pipe", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const line = await new Promise<string>((resolveLine, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf("\n");
      if (nl !== -1) resolveLine(out.slice(0, nl));
    });
    child.on("exit", (code) => {
      if (!out.includes("\n")) reject(new Error(`source-lock-child exited with ${code}: ${stderr}`));
    });
  });
  return { child, line };
}

async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((r) => child.once("exit", () => r()));
}

for (const h of [postgresHarness(), duckdbHarness()]) {
  describe(`load state in the source: ${h.kind}`, () => {
    beforeAll(() => h.setup(), 60_000);
    afterAll(() => h.teardown());

    async function openState(place?: { source: string; schema: string }, options: OpenStateOptions = {}) {
      const p = place ?? (await h.fresh());
      const state = await openStateAt({ in: "source", schema: p.schema }, p.source, {
        ...h.options(),
        ...options,
      });
      open.push(state);
      return state;
    }

    it("diffs 100,000 keys: added, changed, unchanged, removed, duplicates; failed rows count as changed", async () => {
      const place = await h.fresh();
      const state = await openState(place);
      expect(state.path).toContain(`(schema ${place.schema})`);
      const N = 100_000;

      let t = performance.now();
      const first = await state.diff("vip", model(range(0, N)));
      const firstMs = performance.now() - t;
      expect(first.added).toHaveLength(N);
      expect(first.added.slice(0, 3)).toEqual(["c0", "c1", "c2"]);
      expect(first).toMatchObject({ changed: [], unchanged: 0, removed: [], duplicates: [] });

      const statusOf = (i: number) => (i % 250 === 0 ? "invalid" : i % 100 === 0 ? "rejected" : "succeeded");
      for (let start = 0; start < N; start += 20_000) {
        await state.record(
          "vip",
          range(start, Math.min(N, start + 20_000)).map((i) => ({
            key: `c${i}`,
            status: statusOf(i),
            hash: `h${i}`,
            ...(statusOf(i) === "succeeded" ? { klaviyoId: `P${i}` } : { reason: "no email" }),
            fields: { email: `c${i}@example.com`, first_name: "Ann", properties: { ltv: i } },
          })),
        );
      }
      const failed = range(0, N).filter((i) => statusOf(i) !== "succeeded").length;
      expect(await state.counts("vip")).toEqual({
        succeeded: N - failed,
        rejected: range(0, N).filter((i) => statusOf(i) === "rejected").length,
        invalid: range(0, N).filter((i) => statusOf(i) === "invalid").length,
      });

      const keys = [...range(1000, N + 1000), 5000, 5001];
      const changedHash = (i: number) => (i % 7 === 0 ? `x${i}` : `h${i}`);
      t = performance.now();
      const second = await state.diff("vip", model(keys, changedHash));
      const secondMs = performance.now() - t;

      const stillThere = range(1000, N);
      const expectChanged = stillThere.filter((i) => i % 7 === 0 || statusOf(i) !== "succeeded");
      expect(second.added).toEqual(range(N, N + 1000).map((i) => `c${i}`));
      expect(second.changed).toEqual(expectChanged.map((i) => `c${i}`));
      expect(second.unchanged).toBe(stillThere.length - expectChanged.length);
      expect(second.duplicates).toEqual(["c5000", "c5001"]);
      const removedSynced = range(0, 1000).filter((i) => statusOf(i) === "succeeded");
      expect(second.removed.map((r) => r.key)).toEqual(removedSynced.map((i) => `c${i}`).sort());
      expect(second.removed.find((r) => r.key === "c1")).toEqual({
        key: "c1",
        klaviyoId: "P1",
        fields: { email: "c1@example.com" },
      });
      expect(await state.row("vip", "c0")).toBeUndefined();
      expect(await state.row("vip", "c100")).toBeUndefined();
      expect(await state.row("vip", "c1")).toMatchObject({ status: "succeeded", hash: "h1" });
      expect((await state.row("vip", "c1"))?.syncedAt).toMatch(/^\d{4}-\d\d-\d\dT/);

      // The tables are in the schema asked for, and the staging tables are gone.
      const tables = await h.sql(
        place,
        `SELECT table_name FROM information_schema.tables WHERE table_schema = '${place.schema}' ORDER BY table_name`,
        state,
      );
      expect(tables.map((r) => r.table_name)).toEqual([
        "load_locks",
        "load_memory",
        "load_meta",
        "load_runs",
        "load_snapshot",
      ]);

      console.log(
        `${h.label}: diff of ${N} keys: ${Math.round(firstMs)} ms (empty snapshot), ${Math.round(secondMs)} ms (against ${N})`,
      );
      expect(firstMs).toBeLessThan(30_000);
      expect(secondMs).toBeLessThan(30_000);
    }, 180_000);

    it("keeps the last good hash when a row fails, and sends it again until it succeeds", async () => {
      const state = await openState();
      await state.record("s", [
        {
          key: "a",
          status: "succeeded",
          hash: "v1",
          klaviyoId: "PA",
          fields: { email: "a@x.com", phone_number: "" },
        },
      ]);
      expect(await state.row("s", "a")).toMatchObject({
        status: "succeeded",
        hash: "v1",
        klaviyoId: "PA",
        fields: { email: "a@x.com" },
      });
      await state.record("s", [{ key: "a", status: "rejected", hash: "v2", reason: "Klaviyo said no" }]);
      expect(await state.row("s", "a")).toMatchObject({
        status: "rejected",
        reason: "Klaviyo said no",
        hash: "v1",
        klaviyoId: "PA",
        fields: { email: "a@x.com" },
      });
      expect((await state.diff("s", model([]))).removed).toEqual([
        { key: "a", klaviyoId: "PA", fields: { email: "a@x.com" } },
      ]);
      const again = await state.diff(
        "s",
        (async function* () {
          yield [{ key: "a", hash: "v1" }];
        })(),
      );
      expect(again).toMatchObject({ added: [], changed: ["a"], unchanged: 0 });
      await state.record("s", [
        { key: "a", status: "invalid", reason: "bad email" },
        { key: "a", status: "succeeded", hash: "v2" },
      ]);
      expect(await state.row("s", "a")).toMatchObject({ status: "succeeded", hash: "v2", klaviyoId: "PA" });
      const after = await state.diff(
        "s",
        (async function* () {
          yield [{ key: "a", hash: "v2" }];
        })(),
      );
      expect(after).toMatchObject({ added: [], changed: [], unchanged: 1 });
    });

    it("forgets removed rows and resets a sync; syncs are separate; keys with quotes and odd characters", async () => {
      const state = await openState();
      const odd = 'o\'brien\u001f"x" \\ ,{}';
      await state.record("one", [
        { key: "a", status: "succeeded", hash: "1" },
        { key: "b", status: "succeeded", hash: "2" },
        { key: odd, status: "succeeded", hash: "3" },
      ]);
      await state.record("two", [{ key: "a", status: "succeeded", hash: "1" }]);
      const diff = await state.diff("one", model([]));
      expect(diff.removed.map((r) => r.key)).toEqual(["a", "b", odd]);
      await state.forget("one", ["a", odd]);
      expect((await state.diff("one", model([]))).removed.map((r) => r.key)).toEqual(["b"]);
      await state.reset("one");
      expect(await state.counts("one")).toEqual({});
      expect(await state.counts("two")).toEqual({ succeeded: 1 });
    });

    it("keeps all mapped fields when asked to", async () => {
      const state = await openState(undefined, { identifierFields: "all" });
      await state.record("s", [
        { key: "a", status: "succeeded", hash: "1", fields: { email: "a@x.com", "properties.ltv": 5 } },
      ]);
      expect((await state.row("s", "a"))?.fields).toEqual({ email: "a@x.com", "properties.ltv": 5 });
    });

    it("records runs and lists them newest first", async () => {
      const state = await openState();
      const first = await state.startRun("vip", { action: "profiles", mode: "upsert" });
      const second = await state.startRun("list", { action: "list_membership" });
      expect([first, second]).toEqual(["1", "2"]);
      await state.finishRun(first, SUMMARY);
      await state.finishRun(second, { ...SUMMARY, status: "failed", error: "boom" });
      const runs = await state.listRuns(10);
      expect(runs.map((r) => [r.id, r.sync, r.status])).toEqual([
        ["2", "list", "failed"],
        ["1", "vip", "succeeded"],
      ]);
      const run = await state.getRun(first);
      expect(run).toMatchObject({
        id: "1",
        sync: "vip",
        status: "succeeded",
        pid: process.pid,
        meta: { action: "profiles", mode: "upsert" },
        summary: SUMMARY,
      });
      expect(Date.parse(run?.startedAt ?? "")).toBeLessThanOrEqual(Date.parse(run?.finishedAt ?? ""));
      expect((await state.listRuns(1)).map((r) => r.id)).toEqual(["2"]);
      expect((await state.listRuns(10, "vip")).map((r) => r.id)).toEqual(["1"]);
      expect(await state.getRun("99")).toBeUndefined();
      await expect(state.finishRun("99", SUMMARY)).rejects.toThrow(/no run 99/);
    });

    it("keeps a memory per sync across handles", async () => {
      const place = await h.fresh();
      const state = await openState(place);
      await state.memory("vip").set("list_id", "Xy12Ab");
      await state.memory("vip").set("list_id", "Zz99");
      expect(await state.memory("vip").get("list_id")).toBe("Zz99");
      expect(await state.memory("other").get("list_id")).toBeUndefined();
      await state.close();
      const reopened = await openState(place);
      expect(await reopened.memory("vip").get("list_id")).toBe("Zz99");
    });

    it("refuses a second lock on the same sync, from another handle", async () => {
      const place = await h.fresh();
      const a = await openState(place);
      const b = await openState(place);
      await a.lock("vip");
      await a.lock("vip");
      const err = await b.lock("vip").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SyncLockedError);
      expect((err as Error).message).toMatch(
        new RegExp(
          `^Sync "vip" is locked by another klaviyo-sync run \\(pid ${process.pid} on .+, this process, since \\d{4}-`,
        ),
      );
      await b.lock("other");
      await b.unlock("vip");
      await expect(b.lock("vip")).rejects.toBeInstanceOf(SyncLockedError);
      await a.unlock("vip");
      await b.lock("vip");
      expect((await a.lockHolder("vip"))?.pid).toBe(process.pid);
      await b.close();
      expect(await a.lockHolder("vip")).toBeUndefined();
      expect(await a.lockHolder("other")).toBeUndefined();
      // Released locks can be taken again.
      await a.lock("vip");
      await a.lock("other");
    });

    it("a lock row left by a run on another host", async () => {
      const place = await h.fresh();
      const state = await openState(place);
      const run = await state.startRun("vip", { from: "elsewhere" });
      await state.store.transaction(async (s) => {
        await s.run(
          `UPDATE ${state.store.name("load_runs")} SET pid = 4242, hostname = 'other-host' WHERE id = ${run}`,
        );
        await s.run(
          `INSERT INTO ${state.store.name("load_locks")} (sync, pid, hostname, started_at, token) VALUES ('vip', 4242, 'other-host', now(), 'theirs')`,
        );
      });
      if (h.kind === "postgres") {
        // Its database session is gone (nobody holds the advisory lock): the run is over.
        const took = await state.lock("vip");
        expect(took.tookOverFrom).toMatchObject({ pid: 4242, hostname: "other-host" });
        expect((await state.getRun(run))?.status).toBe("interrupted");
      } else {
        const err = await state.lock("vip").catch((e: unknown) => e);
        expect(err).toBeInstanceOf(SyncLockedError);
        expect((err as Error).message).toContain("That host is not this one");
        await state.unlock("vip", { force: true });
        expect((await state.lock("vip")).tookOverFrom).toBeUndefined();
      }
      expect((await state.lockHolder("vip"))?.pid).toBe(process.pid);
    });

    it("refuses the lock while another process holds it, and takes it once that process is killed", async () => {
      if (h.kind === "postgres" && h.label.includes("PGlite")) {
        // PGlite lives inside one process; the test above covers a run whose session is gone.
        return;
      }
      const place = await h.fresh();
      await (await openState(place)).close();
      const { child, line } = await startChild(place.source, place.schema, "vip", "hold");
      expect(line).toBe(`locked ${child.pid}`);
      if (h.kind === "postgres") {
        const state = await openState(place);
        const err = await state.lock("vip").catch((e: unknown) => e);
        expect(err).toBeInstanceOf(SyncLockedError);
        expect((err as Error).message).toContain(`pid ${child.pid}`);
        expect((err as Error).message).toContain("still connected to the database");
        child.kill("SIGKILL");
        await exited(child);
        // The server ends the killed run's session, which releases its advisory lock.
        let took: Awaited<ReturnType<LoadState["lock"]>> | undefined;
        for (let i = 0; i < 100 && !took; i++) {
          took = await state.lock("vip").catch(async (e: unknown) => {
            if (!(e instanceof SyncLockedError)) throw e;
            await new Promise((r) => setTimeout(r, 100));
            return undefined;
          });
        }
        expect(took?.tookOverFrom?.pid).toBe(child.pid);
        const [run] = await state.listRuns(1);
        expect(run).toMatchObject({
          sync: "vip",
          status: "interrupted",
          pid: child.pid,
          meta: { from: "child" },
        });
      } else {
        // DuckDB: the child has the database open for writing; opening waits, then says who has it.
        const busy = await openState(place, { busyTimeoutMs: 600 }).catch((e: unknown) => e);
        expect(busy).toBeInstanceOf(StateFileBusyError);
        expect((busy as Error).message).toContain(`in use by another process (pid ${child.pid})`);
        child.kill("SIGKILL");
        await exited(child);
        const state = await openState(place);
        expect((await state.lockHolder("vip"))?.pid).toBe(child.pid);
        expect((await state.lock("vip")).tookOverFrom?.pid).toBe(child.pid);
        const [run] = await state.listRuns(1);
        expect(run).toMatchObject({
          sync: "vip",
          status: "interrupted",
          pid: child.pid,
          meta: { from: "child" },
        });
      }
    }, 60_000);
  });
}

describe("load state in the source: refusals", () => {
  it("a file source cannot hold the state", async () => {
    const err = await openStateAt({ in: "source", schema: "klaviyo_sync" }, "file:./vip.csv").catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/the source file:\.\/vip\.csv is a file/);
  });

  it("a DuckDB source must exist", async () => {
    const path = join(root, "missing", "warehouse.duckdb");
    const err = await openStateAt({ in: "source", schema: "klaviyo_sync" }, `duckdb:${path}`).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain("does not exist");
    expect(existsSync(path)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// End to end: a model on the source, the state in the same database, the emulator as Klaviyo.

const CUSTOMERS = 120;

function profileSync(): SyncSpec {
  const action = getAction("profiles");
  if (!action) throw new Error("no profiles action");
  return {
    name: "vip_profiles",
    action,
    mode: "upsert",
    primaryKey: ["customer_id"],
    mapping: [
      { column: "email", field: "email" },
      { column: "first_name", field: "first_name" },
      { column: "ltv", field: "properties.lifetime_value" },
    ],
    options: action.parseOptions({ identify_by: "email" }, "upsert"),
  };
}

describe("load end to end with the state in the source", () => {
  let emu: TestEmulator;
  let client: KlaviyoClient;
  beforeAll(async () => {
    emu = await startTestEmulator();
    client = emu.client();
  });
  afterAll(async () => {
    await emu.close();
  });

  const imports = () => emu.counters().bulk_import_profiles?.requests ?? 0;

  it("DuckDB: the second run sends nothing; a changed row is the only one sent", async () => {
    const dir = join(root, "e2e-duckdb");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(dir, { recursive: true });
    const path = join(dir, "warehouse.duckdb");
    const source = `duckdb:${path}`;
    const inst = await DuckDBInstance.create(path);
    const c = await inst.connect();
    await c.run(
      `CREATE TABLE customers AS SELECT i AS customer_id, 'duck' || i || '@example.com' AS email, 'Name' || i AS first_name, i * 2.5 AS ltv FROM range(1, ${CUSTOMERS + 1}) t(i)`,
    );
    c.closeSync();
    inst.closeSync();

    const run = async () => {
      const state = await openStateAt({ in: "source", schema: "klaviyo_sync" }, source);
      try {
        const duckdb = sharedSourceDatabase(state);
        expect(duckdb).toBeDefined();
        return await runSync({
          client,
          sync: profileSync(),
          state,
          openModel: () => openModel(source, { table: "customers" }, duckdb ? { duckdb } : {}),
        });
      } finally {
        await state.close();
      }
    };
    const before = imports();
    const first = await run();
    expect(first.summary).toMatchObject({ queried: CUSTOMERS, added: CUSTOMERS, succeeded: CUSTOMERS });
    expect(emu.store.profiles.byEmailAddress("duck7@example.com")?.first_name).toBe("Name7");
    const afterFirst = imports();
    expect(afterFirst).toBeGreaterThan(before);

    const second = await run();
    expect(second.summary).toMatchObject({ unchanged: CUSTOMERS, added: 0, changed: 0, succeeded: 0 });
    expect(imports()).toBe(afterFirst);

    const w = await DuckDBInstance.create(path);
    const wc = await w.connect();
    await wc.run("UPDATE customers SET first_name = 'Changed' WHERE customer_id = 7");
    const snapshot = await wc.runAndReadAll(
      "SELECT count(*)::INTEGER AS n FROM klaviyo_sync.load_snapshot WHERE sync = 'vip_profiles' AND status = 'succeeded'",
    );
    expect(snapshot.getRowObjectsJS()[0]?.n).toBe(CUSTOMERS);
    wc.closeSync();
    w.closeSync();
    const third = await run();
    expect(third.summary).toMatchObject({ changed: 1, succeeded: 1, unchanged: CUSTOMERS - 1 });
    expect(emu.store.profiles.byEmailAddress("duck7@example.com")?.first_name).toBe("Changed");
    expect(imports()).toBe(afterFirst + 1);
    // No local state file was needed.
    expect(existsSync(join(dir, ".klaviyo-sync"))).toBe(false);
  }, 60_000);

  it("PostgreSQL: the second run sends nothing; a changed row is the only one sent", async () => {
    const h = postgresHarness();
    await h.setup();
    try {
      const place = await h.fresh();
      const table = `"${place.schema}_model"`;
      await h.sql(place, `CREATE SCHEMA ${table}`);
      await h.sql(
        place,
        `CREATE TABLE ${table}.customers AS SELECT i AS customer_id, 'pg' || i || '@example.com' AS email, 'Name' || i AS first_name, i * 2.5 AS ltv FROM generate_series(1, ${CUSTOMERS}) AS t(i)`,
      );
      const options = h.options();
      const run = async () => {
        const state = await openStateAt({ in: "source", schema: place.schema }, place.source, options);
        try {
          return await runSync({
            client,
            sync: profileSync(),
            state,
            openModel: () =>
              openModel(
                place.source,
                { table: `${place.schema}_model.customers` },
                options.pglite ? { pglite: options.pglite as never } : {},
              ),
          });
        } finally {
          await state.close();
        }
      };
      const before = imports();
      const first = await run();
      expect(first.summary).toMatchObject({ queried: CUSTOMERS, added: CUSTOMERS, succeeded: CUSTOMERS });
      const afterFirst = imports();
      expect(afterFirst).toBeGreaterThan(before);
      const second = await run();
      expect(second.summary).toMatchObject({ unchanged: CUSTOMERS, added: 0, changed: 0, succeeded: 0 });
      expect(imports()).toBe(afterFirst);
      await h.sql(place, `UPDATE ${table}.customers SET first_name = 'Changed' WHERE customer_id = 7`);
      const third = await run();
      expect(third.summary).toMatchObject({ changed: 1, succeeded: 1, unchanged: CUSTOMERS - 1 });
      expect(emu.store.profiles.byEmailAddress("pg7@example.com")?.first_name).toBe("Changed");
      expect(imports()).toBe(afterFirst + 1);
      const runs = await h.sql(
        place,
        `SELECT status, count(*)::INTEGER AS n FROM "${place.schema}".load_runs GROUP BY status`,
      );
      expect(runs).toEqual([{ status: "succeeded", n: 3 }]);
      await h.sql(place, `DROP SCHEMA ${table} CASCADE`);
    } finally {
      await h.teardown();
    }
  }, 60_000);
});
