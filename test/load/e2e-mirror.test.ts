/**
 * list_membership `mirror` end to end, on each of the three places the load state can live (a
 * local DuckDB file, a schema of a DuckDB source, a schema of a PostgreSQL source: the local
 * server when it answers, else PGlite): a DuckDB model → runSync → the emulator, with the list's
 * members read back through the client.
 *
 * The list must follow the model: a profile is on the list exactly while some row of the model
 * holds it (and the profile came from this sync). Cases that once left the list out of step, with
 * nothing in the next run to correct it:
 * - two rows share one profile and one of them leaves (the profile was removed);
 * - a row's primary key changes but its email does not (added, then removed in the same run);
 * - a row's email changes (the old profile stayed on the list forever);
 * and the ones around them: emails swapped between rows, a row leaving whose email another row
 * takes in the same run, a run killed before its removals (the next run finishes them).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpTransport, type KlaviyoClient, type Transport } from "../../src/client/index.js";
import { filter } from "../../src/filter/index.js";
import { getAction } from "../../src/load/actions/index.js";
import { type RunSummary, runSync, type SyncSpec } from "../../src/load/engine.js";
import { openModel } from "../../src/load/models/index.js";
import {
  type LoadState,
  openLoadState,
  openStateAt,
  sharedSourceDatabase,
} from "../../src/load/state/index.js";
import type { ActionDefinition } from "../../src/load/types.js";
import { startTestEmulator, type TestEmulator } from "../helpers/emulator.js";
import { localPostgresAvailable, startTestPostgres, type TestPostgres } from "../helpers/postgres.js";

const root = mkdtempSync(join(tmpdir(), "ks-load-mirror-"));

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

interface Sent {
  method: string;
  path: string;
  // biome-ignore lint/suspicious/noExplicitAny: request bodies are inspected loosely
  body: any;
}

/** Where the state lives, with the model's warehouse next to it. */
interface Backend {
  label: string;
  /** Opens the state (and creates the warehouse); returns it. */
  setup(dir: string): Promise<LoadState>;
  /** Opens a model on the warehouse. */
  model(spec: { table: string }): ReturnType<typeof openModel>;
  /** Runs statements on the warehouse. */
  sql(statements: string[]): Promise<void>;
  teardown(): Promise<void>;
}

async function createWarehouse(path: string): Promise<void> {
  const inst = await DuckDBInstance.create(path);
  const c = await inst.connect();
  await c.run("CREATE TABLE IF NOT EXISTS seed AS SELECT 1 AS id");
  c.closeSync();
  inst.closeSync();
}

async function runOn(inst: DuckDBInstance, statements: string[]): Promise<void> {
  const c = await inst.connect();
  try {
    for (const s of statements) await c.run(s);
  } finally {
    c.closeSync();
  }
}

/** The model in its own DuckDB file; the state wherever `open` puts it. */
function separateWarehouse(label: string, open: (dir: string) => Promise<LoadState>, stop = async () => {}) {
  let db = "";
  const b: Backend = {
    label,
    async setup(dir) {
      db = join(dir, "warehouse.duckdb");
      await createWarehouse(db);
      return open(dir);
    },
    model: (spec) => openModel(`duckdb:${db}`, spec),
    async sql(statements) {
      const inst = await DuckDBInstance.create(db);
      try {
        await runOn(inst, statements);
      } finally {
        inst.closeSync();
      }
    },
    teardown: stop,
  };
  return b;
}

function fileBackend(): Backend {
  return separateWarehouse("state file", (dir) => openLoadState(join(dir, "state.duckdb")));
}

function duckdbSourceBackend(): Backend {
  let db = "";
  let state: LoadState | undefined;
  const shared = () => sharedSourceDatabase(state as LoadState) as DuckDBInstance;
  return {
    label: "DuckDB source",
    async setup(dir) {
      db = join(dir, "warehouse.duckdb");
      await createWarehouse(db);
      state = await openStateAt({ in: "source", schema: "klaviyo_sync" }, `duckdb:${db}`);
      return state;
    },
    // The state keeps the database open for writing: models and SQL go through its instance.
    model: (spec) => openModel(`duckdb:${db}`, spec, { duckdb: shared() }),
    sql: (statements) => runOn(shared(), statements),
    async teardown() {},
  };
}

function postgresBackend(): Backend {
  let server: TestPostgres | undefined;
  let pglite: PGlite | undefined;
  const b = separateWarehouse(
    "PostgreSQL",
    async () => {
      if (await localPostgresAvailable()) {
        server = await startTestPostgres("local");
        b.label = "PostgreSQL (local server)";
        return openStateAt({ in: "source", schema: server.schema }, server.url as string);
      }
      const { PGlite } = await import("@electric-sql/pglite");
      pglite = await PGlite.create();
      b.label = "PostgreSQL (PGlite)";
      return openStateAt({ in: "source", schema: "klaviyo_sync" }, "postgresql://pglite@localhost/pglite", {
        pglite,
      });
    },
    async () => {
      await server?.stop();
      await pglite?.close();
    },
  );
  return b;
}

for (const backend of [fileBackend(), duckdbSourceBackend(), postgresBackend()]) {
  describe(`list_membership mirror follows the model (${backend.label})`, () => {
    let emu: TestEmulator;
    let client: KlaviyoClient;
    let state: LoadState;
    const inner = createHttpTransport();
    const sent: Sent[] = [];
    const recording: Transport = async (req) => {
      sent.push({
        method: req.method,
        path: new URL(req.url).pathname,
        body: typeof req.body === "string" && req.body !== "" ? JSON.parse(req.body) : undefined,
      });
      return inner(req);
    };

    beforeAll(async () => {
      const dir = join(root, backend.label.replace(/\W+/g, "-"));
      mkdirSync(dir, { recursive: true });
      emu = await startTestEmulator();
      client = emu.client({ transport: recording });
      state = await backend.setup(dir);
    }, 60_000);

    afterAll(async () => {
      await state?.close();
      await backend.teardown();
      await emu?.close();
      await inner.close();
    });

    const mirror = (
      name: string,
      action: ActionDefinition = getAction("list_membership") as ActionDefinition,
    ) =>
      ({
        name,
        action,
        mode: "mirror",
        primaryKey: ["id"],
        mapping: [{ column: "email", field: "email" }],
        options: action.parseOptions({ list_name: `List ${name}` }, "mirror"),
      }) satisfies SyncSpec;

    interface Run {
      summary: RunSummary;
      writes: Sent[];
      /** Profile ids sent in DELETE /api/lists/ID/relationships/profiles. */
      removedIds: string[];
      /** Profile ids sent in POST /api/lists/ID/relationships/profiles. */
      addedIds: string[];
    }

    async function run(s: SyncSpec, table: string): Promise<Run> {
      const start = sent.length;
      const r = await runSync({ client, sync: s, state, openModel: () => backend.model({ table }) });
      const writes = sent.slice(start).filter((q) => q.method !== "GET");
      const ids = (method: string) =>
        writes
          .filter((q) => q.method === method && /\/relationships\/profiles\/?$/.test(q.path))
          .flatMap((q) => q.body.data.map((d: { id: string }) => d.id))
          .sort();
      return { summary: r.summary, writes, removedIds: ids("DELETE"), addedIds: ids("POST") };
    }

    async function listId(name: string): Promise<string> {
      const [list] = await client.lists.list({ filter: filter.equals("name", [`List ${name}`]) }).toArray();
      if (!list) throw new Error(`no list for ${name}`);
      return list.id as string;
    }

    async function members(name: string): Promise<string[]> {
      const ids = await client.lists.profileIds(await listId(name)).toArray();
      return ids.map((m) => m.id as string).sort();
    }

    /** Profile ids by lower-case email. */
    async function profileIds(emails: string[]): Promise<Record<string, string>> {
      const out: Record<string, string> = {};
      const pages = client.profiles.list({ filter: filter.any("email", emails), "page[size]": 100 });
      for await (const p of pages) out[String(p.attributes.email).toLowerCase()] = p.id as string;
      return out;
    }

    it("two rows share one profile and one leaves: the profile stays on the list while the other row holds it", async () => {
      await backend.sql([
        "CREATE TABLE shared_rows (id INTEGER, email VARCHAR)",
        "INSERT INTO shared_rows VALUES (1, 'pd@example.com'), (2, 'PD@example.com'), (3, 'pd-other@example.com')",
      ]);
      const first = await run(mirror("shared"), "shared_rows");
      expect(first.summary).toMatchObject({ added: 3, succeeded: 3, rejected: 0 });
      const p = await profileIds(["pd@example.com", "pd-other@example.com"]);
      const shared = p["pd@example.com"] as string;
      const other = p["pd-other@example.com"] as string;
      expect((await state.row("shared", "1"))?.klaviyoId).toBe(shared);
      expect((await state.row("shared", "2"))?.klaviyoId).toBe(shared);
      expect(await members("shared")).toEqual([shared, other].sort());

      await backend.sql(["DELETE FROM shared_rows WHERE id = 1"]);
      const second = await run(mirror("shared"), "shared_rows");
      expect(second.summary).toMatchObject({ removed: 1, unchanged: 2, added: 0, changed: 0 });
      expect(second.removedIds).toEqual([]);
      expect(await members("shared")).toEqual([shared, other].sort());
      // The row that left is forgotten; the row that stays still holds the profile.
      expect(await state.row("shared", "1")).toBeUndefined();
      expect((await state.row("shared", "2"))?.klaviyoId).toBe(shared);

      const quiet = await run(mirror("shared"), "shared_rows");
      expect(quiet.writes).toEqual([]);
      expect(await members("shared")).toEqual([shared, other].sort());

      // When the last row holding it leaves, the profile goes.
      await backend.sql(["DELETE FROM shared_rows WHERE id = 2"]);
      const last = await run(mirror("shared"), "shared_rows");
      expect(last.removedIds).toEqual([shared]);
      expect(await members("shared")).toEqual([other]);
    });

    it("a row's primary key changes but its email does not: the profile stays on the list", async () => {
      await backend.sql([
        "CREATE TABLE rekeyed (id INTEGER, email VARCHAR)",
        "INSERT INTO rekeyed VALUES (1, 'pk@example.com'), (2, 'pk-other@example.com')",
      ]);
      await run(mirror("rekeyed"), "rekeyed");
      const p = await profileIds(["pk@example.com", "pk-other@example.com"]);
      const moved = p["pk@example.com"] as string;
      const other = p["pk-other@example.com"] as string;
      expect(await members("rekeyed")).toEqual([moved, other].sort());

      await backend.sql(["UPDATE rekeyed SET id = 10 WHERE id = 1"]);
      const second = await run(mirror("rekeyed"), "rekeyed");
      expect(second.summary).toMatchObject({ added: 1, removed: 1, unchanged: 1, succeeded: 1 });
      expect(second.removedIds).toEqual([]);
      expect(await members("rekeyed")).toEqual([moved, other].sort());
      expect(await state.row("rekeyed", "10")).toMatchObject({ status: "succeeded", klaviyoId: moved });
      expect(await state.row("rekeyed", "1")).toBeUndefined();

      const quiet = await run(mirror("rekeyed"), "rekeyed");
      expect(quiet.writes).toEqual([]);
      expect(await members("rekeyed")).toEqual([moved, other].sort());
    });

    it("a row's email changes: the new profile is added and the old one taken off the list", async () => {
      await backend.sql([
        "CREATE TABLE readdressed (id INTEGER, email VARCHAR)",
        "INSERT INTO readdressed VALUES (1, 'pm2@example.com'), (2, 'pm3@example.com')",
      ]);
      await run(mirror("readdressed"), "readdressed");
      const before = await profileIds(["pm2@example.com", "pm3@example.com"]);
      const old = before["pm2@example.com"] as string;
      const kept = before["pm3@example.com"] as string;
      expect(await members("readdressed")).toEqual([old, kept].sort());

      await backend.sql(["UPDATE readdressed SET email = 'pm2b@example.com' WHERE id = 1"]);
      const second = await run(mirror("readdressed"), "readdressed");
      expect(second.summary).toMatchObject({ changed: 1, unchanged: 1, succeeded: 1 });
      const renamed = (await profileIds(["pm2b@example.com"]))["pm2b@example.com"] as string;
      expect(second.addedIds).toEqual([renamed]);
      expect(second.removedIds).toEqual([old]);
      expect(await members("readdressed")).toEqual([renamed, kept].sort());
      expect(await state.row("readdressed", "1")).toMatchObject({ status: "succeeded", klaviyoId: renamed });
      // Taken off the list, not deleted.
      expect(Object.keys(await profileIds(["pm2@example.com"]))).toEqual(["pm2@example.com"]);

      const quiet = await run(mirror("readdressed"), "readdressed");
      expect(quiet.writes).toEqual([]);
      expect(await members("readdressed")).toEqual([renamed, kept].sort());
    });

    it("emails swapped between rows, and a row leaving whose email another row takes: nothing the model holds is removed", async () => {
      await backend.sql([
        "CREATE TABLE shuffled (id INTEGER, email VARCHAR)",
        `INSERT INTO shuffled VALUES (1, 'sw1@example.com'), (2, 'sw2@example.com'), (3, 'sw3@example.com'),
           (4, 'sw4@example.com'), (5, 'sw5@example.com')`,
      ]);
      await run(mirror("shuffled"), "shuffled");
      const p = await profileIds([1, 2, 3, 4, 5].map((i) => `sw${i}@example.com`));
      const id = (i: number) => p[`sw${i}@example.com`] as string;
      expect(await members("shuffled")).toEqual([1, 2, 3, 4, 5].map(id).sort());

      await backend.sql([
        "UPDATE shuffled SET email = CASE id WHEN 1 THEN 'sw2@example.com' ELSE 'sw1@example.com' END WHERE id IN (1, 2)",
        "DELETE FROM shuffled WHERE id = 3",
        "UPDATE shuffled SET email = 'sw3@example.com' WHERE id = 4",
      ]);
      const second = await run(mirror("shuffled"), "shuffled");
      expect(second.summary).toMatchObject({ changed: 3, removed: 1, unchanged: 1, succeeded: 3 });
      // Only sw4's profile is held by no row any more.
      expect(second.removedIds).toEqual([id(4)]);
      expect(await members("shuffled")).toEqual([1, 2, 3, 5].map(id).sort());
      expect(await state.row("shuffled", "1")).toMatchObject({ klaviyoId: id(2) });
      expect(await state.row("shuffled", "2")).toMatchObject({ klaviyoId: id(1) });
      expect(await state.row("shuffled", "4")).toMatchObject({ klaviyoId: id(3) });

      const quiet = await run(mirror("shuffled"), "shuffled");
      expect(quiet.writes).toEqual([]);
      expect(await members("shuffled")).toEqual([1, 2, 3, 5].map(id).sort());
    });

    it("a run that fails before its removals: the next run takes the old profile off the list", async () => {
      await backend.sql([
        "CREATE TABLE interrupted (id INTEGER, email VARCHAR)",
        "INSERT INTO interrupted VALUES (1, 'rt@example.com'), (2, 'rt-gone@example.com')",
      ]);
      const real = getAction("list_membership") as ActionDefinition;
      await run(mirror("interrupted"), "interrupted");
      const before = await profileIds(["rt@example.com", "rt-gone@example.com"]);
      const old = before["rt@example.com"] as string;
      const gone = before["rt-gone@example.com"] as string;

      await backend.sql([
        "UPDATE interrupted SET email = 'rt2@example.com' WHERE id = 1",
        "DELETE FROM interrupted WHERE id = 2",
      ]);
      // The run adds the new profile, then dies before it removes anything.
      let removals = 0;
      const failing: ActionDefinition = {
        ...real,
        remove: async () => {
          removals++;
          throw new Error("connection reset");
        },
      };
      await expect(run(mirror("interrupted", failing), "interrupted")).rejects.toThrow("connection reset");
      expect(removals).toBe(1);
      const renamed = (await profileIds(["rt2@example.com"]))["rt2@example.com"] as string;
      expect(await members("interrupted")).toEqual([old, gone, renamed].sort());
      expect(await state.row("interrupted", "1")).toMatchObject({ status: "succeeded", klaviyoId: renamed });

      const next = await run(mirror("interrupted"), "interrupted");
      expect(next.summary).toMatchObject({ added: 0, changed: 0, unchanged: 1 });
      expect(next.addedIds).toEqual([]);
      expect(next.removedIds).toEqual([old, gone].sort());
      expect(await members("interrupted")).toEqual([renamed]);

      const quiet = await run(mirror("interrupted"), "interrupted");
      expect(quiet.writes).toEqual([]);
      expect(quiet.summary).toMatchObject({ removed: 0, unchanged: 1 });
    });
  });
}
