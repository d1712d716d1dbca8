/**
 * Two extracts into the same target at once: the second is refused with a one-paragraph message
 * naming the run that holds the target, before it reads or writes anything, and the first ends
 * exactly like a run that had the target to itself. For DuckDB (a second process: DuckDB's own
 * file lock; the same process: a registry), PostgreSQL (a session-level advisory lock per schema,
 * which a run killed with kill -9 loses with its connection) and files (a lock file; one left by a
 * dead run on this host is taken over, one from another host is refused with what to do).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runExtract } from "../../src/extract/runner.js";
import { DuckDBTarget } from "../../src/extract/targets/duckdb.js";
import { createFileTarget } from "../../src/extract/targets/files.js";
import { LOCK_FILE, TargetLockedError } from "../../src/extract/targets/writer-lock.js";
import { diffDumps, dumpDuckDB } from "../extract/resume/harness.js";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../helpers/emulator.js";
import { LOCAL_PG_URL, startTestPostgres, type TestPostgres } from "../helpers/postgres.js";
import { runCli } from "./cli.js";

const ROOT = join(import.meta.dirname, "..", "..");
const WORK = mkdtempSync(join(tmpdir(), "ks-extract-lock-"));
let emu: TestEmulator;

function env(): Record<string, string> {
  return { KLAVIYO_API_KEY: TEST_KEY, KLAVIYO_BASE_URL: emu.url, KLAVIYO_RATE_LIMITS: "off" };
}

const cli = (argv: string[]) => runCli(argv, env());

/** `klaviyo-sync extract --streams SOME --target T` in a child process; `started` once a stream began. */
/** The streams the two-run tests extract (enough for a run that lasts a while). */
const SOME = "profiles,events,lists,list_memberships,metrics";

function childExtract(target: string): {
  child: ChildProcess;
  started: Promise<void>;
  done: Promise<number | null>;
} {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "src/cli/main.ts",
      "extract",
      "--streams",
      SOME,
      "--target",
      target,
      "--log-format",
      "json",
    ],
    { cwd: ROOT, env: { ...process.env, ...env() }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  const started = new Promise<void>((resolve, reject) => {
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('"type":"stream-start"')) resolve();
    });
    child.once("close", () => reject(new Error(`the child ended before a stream started:\n${stderr}`)));
  });
  started.catch(() => {});
  const done = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  return { child, started, done };
}

/** The refusal: exit 2, one paragraph naming the target, the holder and what to do, no stack. */
function expectRefusal(r: { code: number; stderr: string }, target: string, holder: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toContain(`Another klaviyo-sync extract is writing to ${target}`);
  expect(r.stderr).toMatch(holder);
  expect(r.stderr).toContain("this run stopped before writing anything");
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(
    r.stderr
      .trim()
      .split("\n")
      .filter((l) => l.startsWith("error:")),
  ).toHaveLength(1);
}

beforeAll(async () => {
  // Slow enough that the first run is still going when the second starts.
  emu = await startTestEmulator({ seed: { preset: "demo", profiles: 150, events: 1500 }, latencyMs: 10 });
});

afterAll(async () => {
  await emu?.close();
  rmSync(WORK, { recursive: true, force: true });
});

describe("extract: one run per target", () => {
  it("DuckDB, another process: refused naming its pid; the first run's tables equal an undisturbed run's", async () => {
    const reference = new DuckDBTarget(join(WORK, "reference.duckdb"));
    await reference.open();
    await runExtract({
      client: emu.client(),
      target: reference,
      streams: SOME.split(",").map((name) => ({ name })),
    });
    const expected = await dumpDuckDB(reference);
    await reference.close();

    const file = join(WORK, "shared.duckdb");
    const first = childExtract(`duckdb:${file}`);
    await first.started;
    const second = await cli(["extract", "--streams", SOME, "--target", `duckdb:${file}`]);
    expectRefusal(second, `DuckDB database ${file}`, new RegExp(`pid ${first.child.pid} has the file open`));
    expect(await first.done).toBe(0);

    const target = new DuckDBTarget(file);
    await target.open();
    try {
      expect(diffDumps(expected, await dumpDuckDB(target))).toEqual([]);
    } finally {
      await target.close();
    }
    // A database the extract created is readable by its owner only.
    expect(statSync(file).mode & 0o777).toBe(0o600);
  }, 90_000);

  it("DuckDB, the same process: the second run is refused; once the first ends, a run goes through", async () => {
    const file = join(WORK, "same-process.duckdb");
    const a = new DuckDBTarget(file);
    await a.open();
    try {
      const streams = [{ name: "profiles" }];
      const running = runExtract({ client: emu.client(), target: a, streams });
      const err = await runExtract({ client: emu.client(), target: a, streams }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TargetLockedError);
      expect((err as Error).message).toContain(`an extract in this process, pid ${process.pid}`);
      expect((await running).results.map((r) => r.status)).toEqual(["ok"]);
      const again = await runExtract({ client: emu.client(), target: a, streams });
      expect(again.results.map((r) => r.status)).toEqual(["ok"]);
    } finally {
      await a.close();
    }
  }, 60_000);

  describe("PostgreSQL", () => {
    let db: TestPostgres;
    beforeAll(async () => {
      db = await startTestPostgres();
    });
    afterAll(async () => {
      await db?.stop();
    });

    it("a second run on the same schema is refused, naming the holder; after it, runs go through", async () => {
      const a = db.createTarget();
      const b = db.createTarget();
      await a.open();
      await b.open();
      try {
        const streams = [{ name: "profiles" }, { name: "events" }];
        const running = runExtract({ client: emu.client(), target: a, streams });
        // Let the first take the lock.
        await new Promise((r) => setTimeout(r, 200));
        const err = await runExtract({ client: emu.client(), target: b, streams }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(TargetLockedError);
        expect((err as Error).message).toContain("Another klaviyo-sync extract is writing to postgres:");
        expect((err as Error).message).toMatch(
          db.kind === "local"
            ? new RegExp(`klaviyo-sync pid ${process.pid} on ${hostname()}`)
            : /in this process/,
        );
        expect((await running).results.map((r) => r.status)).toEqual(["ok", "ok"]);
        const after = await runExtract({ client: emu.client(), target: b, streams });
        expect(after.results.map((r) => r.status)).toEqual(["ok", "ok"]);
      } finally {
        await a.close();
        await b.close();
      }
    }, 60_000);

    it("a run killed with kill -9 holds no lock: the next run goes through at once (local server)", async (ctx) => {
      if (db.kind !== "local") ctx.skip();
      const name = `ks_lock_${process.pid}`;
      const admin = new pg.Client({ connectionString: LOCAL_PG_URL });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.query(`CREATE DATABASE ${name} TEMPLATE template0`);
        const u = new URL(LOCAL_PG_URL);
        u.pathname = `/${name}`;
        const first = childExtract(u.toString());
        await first.started;
        // While it runs: refused.
        const refused = await cli(["extract", "--streams", "tags", "--target", u.toString()]);
        expectRefusal(refused, "postgres:", /klaviyo-sync pid \d+ on /);
        first.child.kill("SIGKILL");
        await first.done;
        const next = await cli(["extract", "--streams", SOME, "--target", u.toString()]);
        expect(next.code, next.stderr).toBe(0);
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
        await admin.end();
      }
    }, 90_000);
  });

  describe("files", () => {
    it("a second run is refused; the lock file goes away with the run", async () => {
      const dir = join(WORK, "files-a");
      const a = createFileTarget(dir, { format: "jsonl" });
      const b = createFileTarget(dir, { format: "jsonl" });
      await a.open();
      await b.open();
      const streams = [{ name: "profiles" }, { name: "events" }];
      const running = runExtract({ client: emu.client(), target: a, streams });
      await new Promise((r) => setTimeout(r, 20));
      const err = await runExtract({ client: emu.client(), target: b, streams }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TargetLockedError);
      expect((err as Error).message).toContain(`pid ${process.pid} on ${hostname()}`);
      expect((await running).results.map((r) => r.status)).toEqual(["ok", "ok"]);
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
      await a.close();
      await b.close();
    }, 60_000);

    it("a lock file left by a dead run on this host is taken over; one from another host is refused", async () => {
      const dir = join(WORK, "files-b");
      const target = createFileTarget(dir, { format: "jsonl" });
      await target.open();
      // A pid that is surely gone: a process that has exited.
      const gone = spawn(process.execPath, ["-e", ""]);
      const deadPid = gone.pid as number;
      await new Promise((r) => gone.once("close", r));
      const lock = join(dir, LOCK_FILE);
      const content = (host: string) =>
        `${JSON.stringify({ pid: deadPid, hostname: host, startedAt: new Date().toISOString(), token: "t" })}\n`;
      writeFileSync(lock, content(hostname()));
      const ok = await runExtract({ client: emu.client(), target, streams: [{ name: "tags" }] });
      expect(ok.results.map((r) => r.status)).toEqual(["ok"]);
      expect(existsSync(lock)).toBe(false);

      writeFileSync(lock, content("build-server-7"));
      const err = await runExtract({ client: emu.client(), target, streams: [{ name: "tags" }] }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TargetLockedError);
      expect((err as Error).message).toContain(`pid ${deadPid} on build-server-7`);
      expect((err as Error).message).toContain(`if it does not, delete ${lock}`);
      await target.close();
    }, 60_000);
  });
});
