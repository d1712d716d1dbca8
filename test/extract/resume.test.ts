/**
 * Kill -9 at random points, resume, and the result equals an uninterrupted run: no gaps, no
 * duplicates. For DuckDB and PostgreSQL.
 *
 * One emulator serves the whole file and is never written to. A reference run (in-process
 * `runExtract` of every stream, uninterrupted) gives each target's canonical dump: every table's
 * rows in primary-key order, without `_extracted_at` and `_run_id` (they name the run that wrote a
 * row, so they differ by design) and with `_deleted_at` reduced to "is set". Each trial then runs
 * the real CLI (`src/cli/main.ts extract --streams all`) into a fresh database, kills it with
 * SIGKILL after a delay drawn from a PRNG seeded by the trial number, runs the CLI again to
 * completion and compares the dump with the reference. Kill points are stratified: the first trial
 * in the CLI's start-up (measured with a `--dry-run`), the others over the reference run's
 * duration counted from the CLI's first stream start, so every suite run covers kills before the
 * first commit, in the middle and near or after the end (the CLI is usually a little faster than
 * the in-process reference).
 *
 * A deterministic companion test holds one events commit while the other windows' pages wait,
 * checks they share the next commit, and "crashes" on the one after (grouped commits must not
 * lose a page; the interleaving behind a gap the random kills once found on PostgreSQL).
 *
 * PostgreSQL is the local server (a database per trial) when it answers; otherwise PGlite with its
 * data directory on disk, run by test/extract/resume/pglite-child.ts in a child process.
 *
 * RESUME_TRIALS=N raises the trials per target for a soak run (default 6, so 12 in all);
 * RESUME_PG=local|pglite forces the PostgreSQL flavour.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KlaviyoClient } from "../../src/client/index.js";
import { runExtract } from "../../src/extract/runner.js";
import { STREAMS } from "../../src/extract/streams/index.js";
import { DuckDBTarget } from "../../src/extract/targets/duckdb.js";
import { createPostgresTarget, type PostgresTarget } from "../../src/extract/targets/postgres.js";
import type { StreamState, Target } from "../../src/extract/types.js";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../helpers/emulator.js";
import { type PostgresChoice, startTestPostgres, type TestPostgres } from "../helpers/postgres.js";
import {
  type ChildRun,
  copyDir,
  type Dump,
  diffDumps,
  duckDBStates,
  duckDBStatesAfterKill,
  dumpDuckDB,
  dumpPostgres,
  inProgressStreams,
  type KillPoint,
  killPlan,
  killPoint,
  postgresStates,
  resumedStreams,
  runNode,
  stateProblems,
  withDuckDB,
} from "./resume/harness.js";

const ROOT = join(import.meta.dirname, "..", "..");

function trialCount(): number {
  const raw = process.env.RESUME_TRIALS;
  if (raw === undefined || raw === "") return 6;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`RESUME_TRIALS must be a whole number ≥ 1; got "${raw}".`);
  return n;
}

const TRIALS = trialCount();
const PG_CHOICE = (process.env.RESUME_PG ?? "auto") as PostgresChoice;
/** The CLI's extract of every stream (the target is appended). */
const CLI = [
  "--import",
  "tsx",
  "src/cli/main.ts",
  "extract",
  "--streams",
  "all",
  "--concurrency",
  "4",
  "--log-format",
  "json",
];
/** Earliest kill, ms after the spawn. */
const MIN_DELAY_MS = 100;

/**
 * Scratch space for the databases. A RAM disk where there is one: SIGKILL ends the process, not
 * the machine, so everything written before the kill is there either way; it only makes commits
 * cheaper.
 */
const WORK = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "ks-resume-"));

let emu: TestEmulator;
let writes = 0;
let storeSizes = "";

function sizes(e: TestEmulator): string {
  const s = e.store;
  return JSON.stringify([s.profiles.size, s.events.size, ...s.tables().map((t) => t.size)]);
}

function childEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KLAVIYO_API_KEY: TEST_KEY,
    KLAVIYO_BASE_URL: emu.url,
    KLAVIYO_RATE_LIMITS: "off",
  };
}

/** A fresh database for one trial. */
interface TrialDb {
  /** `node` arguments of a run that extracts every stream into it. */
  args: string[];
  /** Stream states right after a kill, read without doing the resuming run's recovery for it. */
  statesAfterKill(): Promise<Map<string, StreamState>>;
  /** Final states and canonical dump. */
  inspect(): Promise<{ states: Map<string, StreamState>; dump: Dump }>;
  drop(): Promise<void>;
}

interface Backend {
  description: string;
  /** Uninterrupted in-process run into a fresh database: its dump, and how long it took. */
  reference(client: KlaviyoClient): Promise<{ dump: Dump; ms: number }>;
  fresh(label: string): Promise<TrialDb>;
  close(): Promise<void>;
}

async function uninterrupted(client: KlaviyoClient, target: Target): Promise<number> {
  const t0 = Date.now();
  const result = await runExtract({
    client,
    target,
    streams: STREAMS.map((s) => ({ name: s.name })),
    concurrency: 4,
  });
  const failed = result.results.filter((r) => r.status !== "ok");
  expect(failed.map((f) => `${f.stream}: ${f.error?.message}`)).toEqual([]);
  return Date.now() - t0;
}

function duckdbBackend(): Backend {
  const dir = join(WORK, "duckdb");
  mkdirSync(dir, { recursive: true });
  const remove = (path: string) => {
    rmSync(path, { force: true });
    rmSync(`${path}.wal`, { force: true });
  };
  return {
    description: "DuckDB",
    async reference(client) {
      const path = join(dir, "reference.duckdb");
      try {
        return await withDuckDB(path, async (target) => {
          const ms = await uninterrupted(client, target);
          return { dump: await dumpDuckDB(target), ms };
        });
      } finally {
        remove(path);
      }
    },
    async fresh(label) {
      const path = join(dir, `${label}.duckdb`);
      remove(path);
      return {
        args: [...CLI, "--target", `duckdb:${path}`],
        statesAfterKill: () => duckDBStatesAfterKill(path),
        inspect: () =>
          withDuckDB(path, async (t) => ({ states: await duckDBStates(t), dump: await dumpDuckDB(t) })),
        drop: async () => remove(path),
      };
    },
    async close() {},
  };
}

async function withPgTarget<T>(target: PostgresTarget, fn: (t: PostgresTarget) => Promise<T>): Promise<T> {
  try {
    return await fn(target);
  } finally {
    await target.close();
  }
}

/** The local server: a database per trial, which the CLI reaches by URL. */
function localPostgresBackend(db: TestPostgres, url: string): Backend {
  const created = new Set<string>();
  const urlOf = (name: string) => {
    const u = new URL(url);
    u.pathname = `/${name}`;
    return u.toString();
  };
  const create = async (label: string) => {
    const name = `ks_resume_${process.pid}_${label}`;
    await db.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await db.query(`CREATE DATABASE ${name} TEMPLATE template0`);
    created.add(name);
    return name;
  };
  const drop = async (name: string) => {
    await db.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    created.delete(name);
  };
  /**
   * Waits until the killed client's sessions have ended. The server may still be running what the
   * client sent just before it died (a COMMIT in the socket buffer), so the state is only final
   * once they are gone.
   */
  const settled = async (name: string) => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const [row] = await db.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1", [
        name,
      ]);
      if (row?.n === 0) return;
      if (Date.now() > deadline) throw new Error(`sessions of the killed run on ${name} did not end`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return {
    description: "PostgreSQL (server)",
    async reference(client) {
      const name = await create("reference");
      try {
        return await withPgTarget(createPostgresTarget(urlOf(name)), async (target) => {
          await target.open();
          const ms = await uninterrupted(client, target);
          return { dump: await dumpPostgres(target), ms };
        });
      } finally {
        await drop(name);
      }
    },
    async fresh(label) {
      const name = await create(label);
      const target = () => createPostgresTarget(urlOf(name));
      return {
        args: [...CLI, "--target", urlOf(name)],
        statesAfterKill: async () => {
          await settled(name);
          return withPgTarget(target(), postgresStates);
        },
        inspect: () =>
          withPgTarget(target(), async (t) => ({
            states: await postgresStates(t),
            dump: await dumpPostgres(t),
          })),
        drop: () => drop(name),
      };
    },
    async close() {
      for (const name of [...created]) await drop(name);
      await db.stop();
    },
  };
}

/** No server: PGlite with a data directory per trial, run in a child process of its own. */
async function pglitePostgresBackend(): Promise<Backend> {
  const dir = join(WORK, "pglite");
  const template = join(dir, "template");
  mkdirSync(dir, { recursive: true });
  // initdb once; every trial starts from a copy.
  await (await PGlite.create(template)).close();
  const withDir = async <T>(path: string, fn: (t: PostgresTarget) => Promise<T>): Promise<T> => {
    const db = await PGlite.create(path);
    try {
      return await fn(createPostgresTarget({ pglite: db }, { schema: "public" }));
    } finally {
      await db.close();
    }
  };
  return {
    description: "PostgreSQL (PGlite)",
    async reference(client) {
      const path = join(dir, "reference");
      copyDir(template, path);
      try {
        return await withDir(path, async (target) => {
          await target.open();
          const ms = await uninterrupted(client, target);
          return { dump: await dumpPostgres(target), ms };
        });
      } finally {
        rmSync(path, { recursive: true, force: true });
      }
    },
    async fresh(label) {
      const path = join(dir, label);
      copyDir(template, path);
      return {
        args: ["--import", "tsx", "test/extract/resume/pglite-child.ts", path],
        async statesAfterKill() {
          const copy = `${path}.inspect`;
          copyDir(path, copy);
          try {
            return await withDir(copy, postgresStates);
          } finally {
            rmSync(copy, { recursive: true, force: true });
          }
        },
        inspect: () =>
          withDir(path, async (t) => ({ states: await postgresStates(t), dump: await dumpPostgres(t) })),
        drop: async () => rmSync(path, { recursive: true, force: true }),
      };
    },
    async close() {},
  };
}

async function postgresBackend(): Promise<Backend> {
  if (PG_CHOICE !== "pglite") {
    const db = await startTestPostgres(PG_CHOICE);
    if (db.kind === "local" && db.url) return localPostgresBackend(db, db.url);
    await db.stop();
  }
  return pglitePostgresBackend();
}

interface Outcome {
  target: string;
  /** Which database, e.g. "PostgreSQL (server)". */
  flavour: string;
  trial: number;
  /** The planned kill. */
  plan: string;
  /** When it was sent (none when the run finished first), ms after the spawn. */
  killedAtMs: number | undefined;
  point: KillPoint;
  /** Streams in progress right after the kill. */
  inProgress: number;
  /** Streams with a committed state right after the kill. */
  committed: number;
  resumeMs: number;
}

const outcomes: Outcome[] = [];

beforeAll(async () => {
  emu = await startTestEmulator({
    seed: { preset: "demo", profiles: 600, events: 6000 },
    rateLimits: { enabled: false, scale: 1 },
    latencyMs: 2,
    onResponse: (info) => {
      if (info.request.method !== "GET") writes++;
    },
  });
  storeSizes = sizes(emu);
}, 60_000);

afterAll(async () => {
  if (outcomes.length > 0) {
    const lines = outcomes.map(
      (o) =>
        `${o.flavour.padEnd(26)} #${String(o.trial).padEnd(3)} kill ${o.plan.padStart(26)} (${o.killedAtMs === undefined ? "not sent" : `at ${o.killedAtMs} ms`}): ${o.point.padEnd(19)} ${o.committed} streams committed, ${o.inProgress} in progress; resume ${o.resumeMs} ms`,
    );
    console.log(`kill -9 and resume:\n${lines.join("\n")}`);
  }
  await emu?.close();
  rmSync(WORK, { recursive: true, force: true });
});

const targets: Array<{ name: string; make: () => Promise<Backend> }> = [
  { name: "duckdb", make: async () => duckdbBackend() },
  { name: "postgres", make: postgresBackend },
];

describe.each(targets)("kill -9 at random points and resume: $name", ({ name, make }) => {
  let backend: Backend;
  let reference: Dump | undefined;
  let referenceMs = 0;
  /** From the spawn to the end of a `--dry-run` (start-up, opening the target, reading state). */
  let startupMs = 0;

  beforeAll(async () => {
    backend = await make();
  }, 120_000);

  afterAll(async () => {
    await backend?.close();
  });

  it("reference: an uninterrupted run holds every record of the emulator; start-up time", async () => {
    const ref = await backend.reference(emu.client());
    expect(Object.keys(ref.dump).sort()).toEqual(STREAMS.map((s) => s.name).sort());
    expect(ref.dump.profiles).toHaveLength(emu.store.profiles.size);
    expect(ref.dump.events).toHaveLength(emu.store.events.size);
    reference = ref.dump;
    referenceMs = ref.ms;
    const db = await backend.fresh("startup");
    try {
      const dry = await runNode([...db.args, "--dry-run"], { cwd: ROOT, env: childEnv() });
      expect(dry.code, dry.stderr).toBe(0);
      startupMs = dry.ms;
      console.log(`${backend.description}: reference run ${referenceMs} ms, CLI start-up ${startupMs} ms`);
    } finally {
      await db.drop();
    }
  }, 120_000);

  it.each(Array.from({ length: TRIALS }, (_, i) => i + 1))(
    "trial %i: killed run + resumed run = uninterrupted run",
    async (trial) => {
      expect(reference, "the reference run failed").toBeDefined();
      const seed = trial + (name === "postgres" ? 1000 : 0);
      const plan = killPlan(trial, TRIALS, { lo: MIN_DELAY_MS, startupMs, runMs: referenceMs }, seed);
      const db = await backend.fresh(`t${trial}`);
      try {
        const env = childEnv();
        const first = await runNode(db.args, { cwd: ROOT, env, kill: plan });
        const describeRun = (r: ChildRun) =>
          `exit ${r.code} signal ${r.signal} after ${r.ms} ms\n${r.stderr.slice(-4000)}`;
        expect(first.timedOut, describeRun(first)).toBe(false);
        // Either the kill ended it, or it finished first and succeeded.
        if (!first.killed) expect(first.code, describeRun(first)).toBe(0);
        const after = await db.statesAfterKill();
        const point = killPoint(first, after);

        const second = await runNode(db.args, { cwd: ROOT, env });
        expect(second.code, describeRun(second)).toBe(0);
        // Exactly the streams the kill interrupted continue where they were.
        expect(resumedStreams(second)).toEqual(inProgressStreams(after));

        const { states, dump } = await db.inspect();
        expect(stateProblems(states)).toEqual([]);
        const context = `kill ${JSON.stringify(plan)} at ${first.killedAtMs} ms (${point}); in progress after the kill: ${JSON.stringify(
          [...after.values()].filter((st) => st.inProgress),
        )}`;
        expect(diffDumps(reference ?? {}, dump), context).toEqual([]);
        expect(JSON.stringify(dump)).toBe(JSON.stringify(reference));
        outcomes.push({
          target: name,
          flavour: backend.description,
          trial,
          plan:
            "fromSpawnMs" in plan
              ? `${plan.fromSpawnMs} ms after the spawn`
              : `${plan.afterStartMs} ms after the start`,
          killedAtMs: first.killedAtMs,
          point,
          inProgress: inProgressStreams(after).length,
          committed: after.size,
          resumeMs: second.ms,
        });
      } finally {
        await db.drop();
      }
    },
    180_000,
  );

  it("the kills hit runs in progress", () => {
    const mine = outcomes.filter((o) => o.target === name);
    expect(mine).toHaveLength(TRIALS);
    // Stratified kill points: the middle slices land mid-run unless the machine is extremely slow.
    if (TRIALS >= 3) expect(mine.filter((o) => o.point === "mid-run").length).toBeGreaterThanOrEqual(1);
  });
});

describe("concurrent windows and a crash between their commits", () => {
  it("a stream has one commit in flight; pages that wait share the next one, and a crash after it loses nothing", async () => {
    // Events are read in windows, several at once. Their pages are committed one transaction at a
    // time per stream: hold the first commit while the other windows' pages arrive, check they
    // went together into the second (one state with every position they reach), then "crash" on
    // the third. The next run must end with every event exactly once.
    const inner = new DuckDBTarget(":memory:");
    await inner.open();
    let crashed: Error | undefined;
    let calls = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    let secondAdvanced = 0;
    let firstPositions: Record<string, string> = {};
    const crashing: Target = {
      description: "crashes on the third events commit",
      open: () => inner.open(),
      close: async () => {},
      readState: (stream) => inner.readState(stream),
      ensureTable: (table, columns, pk) => inner.ensureTable(table, columns, pk),
      swap: (table, staging, state) => inner.swap(table, staging, state),
      dropTable: (table) => inner.dropTable(table),
      count: (table) => inner.count(table),
      async commit(batch) {
        if (crashed) throw crashed;
        if (batch.table !== "events" || batch.rows.length === 0) return inner.commit(batch);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          const n = ++calls;
          if (n === 1) await new Promise((r) => setTimeout(r, 300));
          const positions = batch.state.inProgress?.positions ?? {};
          if (n === 1) firstPositions = positions;
          // Windows whose position this commit moves: the pages it holds.
          if (n === 2)
            secondAdvanced = Object.keys(positions).filter((k) => positions[k] !== firstPositions[k]).length;
          if (n === 3) {
            crashed = new Error("crash");
            throw crashed;
          }
          await inner.commit(batch);
        } finally {
          inFlight--;
        }
      },
    };
    try {
      const client = emu.client();
      const first = await runExtract({
        client,
        target: crashing,
        streams: [{ name: "events" }],
        windowDays: 1,
      });
      expect(first.results[0]?.status).toBe("failed");
      expect(calls).toBe(3);
      expect(maxInFlight).toBe(1);
      // The first commit carried one window's position; the second, the others that had waited.
      expect(secondAdvanced).toBeGreaterThan(1);
      expect((await inner.readState("events"))?.inProgress).toBeTruthy();
      const second = await runExtract({ client, target: inner, streams: [{ name: "events" }] });
      expect(second.results[0]?.status).toBe("ok");
      const [row] = await inner.query(
        "SELECT count(*)::INTEGER AS n, count(DISTINCT id)::INTEGER AS d FROM events",
      );
      expect(row).toEqual({ n: emu.store.events.size, d: emu.store.events.size });
    } finally {
      await inner.close();
    }
  }, 60_000);
});

describe("the emulator", () => {
  it("served reads only, so every run saw the same data", () => {
    expect(writes).toBe(0);
    expect(sizes(emu)).toBe(storeSizes);
  });
});
