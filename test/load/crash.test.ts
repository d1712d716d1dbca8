/**
 * Load: kill -9 at random points of a large sync, run again, and Klaviyo ends exactly as the model
 * says. Every row ends succeeded, invalid or rejected, none counted twice; no event twice.
 *
 * The warehouse (test/load/crash/model.ts, a DuckDB file) feeds three syncs that the CLI runs in
 * turn: 2,503 customers → profiles (upsert by email; one bulk import job whose profiles are read
 * back for their ids; 1 in 89 emails malformed and 1 in 127 missing: invalid; 3 rows whose email
 * and external id belong to two different existing profiles: rejected by the job), 2,000 orders →
 * events (bulk create, 1,000 events a request, unique_id derived from the sync and the key;
 * invalid when the customer's email is, or the time is before 2000, or the currency is not ISO
 * 4217) and a VIP list (list_membership mirror, by list name: paginated profile lookups, an import
 * job creating the 40 prospects' profiles, adds and removals).
 *
 * Each trial starts from a reset emulator (plus the profiles the conflict rows collide with) and a
 * fresh state file, in which the VIP list was already synced once from an older model (most gold
 * customers and some silver ones), so the trial's mirror adds, creates and removes. Then the CLI
 * (`src/cli/main.ts load`, see LOAD_CRASH_CLI below) runs as a child process and is killed with
 * SIGKILL at a point drawn from a PRNG seeded by the trial number, stratified: every fifth trial
 * during the child's start-up (config, state file, lock, first read of the model: nothing sent
 * yet), the others spread over the work of an uninterrupted reference run, up to its end (a kill
 * planned after the end finds the run finished). The same CLI then runs again in this process
 * (`main()`: the command's code path, without paying a process start per trial) to completion;
 * the lock the killed process left must be taken over with no manual step, and the run must say
 * so. The trial checks:
 *
 *  - Klaviyo (the emulator's store) matches the model exactly: every valid customer's profile with
 *    the mapped values, no profile with an invalid row's email or external id, the colliding
 *    profiles untouched, the prospects' profiles; every valid order's event exactly once (by
 *    unique_id, and by order id) with the mapped values and profile, none of the invalid orders;
 *    one VIP list, whose members are exactly the profiles of the valid VIP rows.
 *  - The state: every model row of every sync has exactly one snapshot row, whose status is the
 *    expected one of succeeded / invalid / rejected; no row left from the older VIP model; no lock
 *    left. The killed process's runs it had finished stay `succeeded`, the one it was in becomes
 *    `interrupted`. In the records of the run after the kill, every row is counted once:
 *    queried = added + changed + unchanged, added + changed = succeeded + invalid + rejected, and
 *    with what the killed run had confirmed (unchanged) they add up to the snapshot's counts.
 *  - A third run, the model unchanged, sends nothing for rows already handled: its only data
 *    request is one profile import job holding exactly the 3 rejected rows (rejected and invalid
 *    rows are tried again on every run, by design; invalid ones never leave the process), and its
 *    records show nothing added, removed or newly succeeded.
 *
 * LOAD_CRASH_TRIALS=N sets the number of trials (default 10; `npm run test:soak:load` runs 50).
 * LOAD_CRASH_CLI=tsx runs the child as `node --import tsx src/cli/main.ts`; the default, `bundle`,
 * runs the same source compiled into one file by esbuild first, which starts about three times
 * faster (see cliCommand in ./crash/harness.ts).
 *
 * Lock takeover in the cases a random kill does not produce (a reused pid, a zombie) is tested
 * deterministically in ./crash-lock.test.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import type { Output } from "../../src/cli/output.js";
import { deriveUniqueId } from "../../src/load/actions/events/track.js";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../helpers/emulator.js";
import {
  type ChildCli,
  type ChildRun,
  cliCommand,
  describePlan,
  dumpState,
  dumpStateAfterKill,
  type KillPlan,
  killPlan,
  runNode,
  type StateDump,
  type Timeline,
  timeline,
} from "./crash/harness.js";
import {
  buildWarehouse,
  LIST_NAME,
  loadConfig,
  METRIC,
  type Status,
  SYNCS,
  type SyncName,
  writeWarehouse,
} from "./crash/model.js";

const ROOT = join(import.meta.dirname, "..", "..");

function trialCount(): number {
  const raw = process.env.LOAD_CRASH_TRIALS;
  if (raw === undefined || raw === "") return 10;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`LOAD_CRASH_TRIALS must be a whole number ≥ 1; got "${raw}".`);
  return n;
}

const TRIALS = trialCount();
const CHILD_CLI = (process.env.LOAD_CRASH_CLI ?? "bundle") as ChildCli;
if (CHILD_CLI !== "tsx" && CHILD_CLI !== "bundle")
  throw new Error(`LOAD_CRASH_CLI must be tsx or bundle; got "${String(CHILD_CLI)}".`);
const CUSTOMERS = 2500;
const ORDERS = 2000;
const CONFLICTS = 3;
const PROSPECTS = 40;
/** Earliest kill, ms after the spawn. */
const MIN_DELAY_MS = 100;

/** Scratch space: a RAM disk where there is one (SIGKILL ends the process, not the machine). */
const WORK = mkdtempSync(join(process.platform === "linux" ? "/dev/shm" : tmpdir(), "ks-load-crash-"));
const WAREHOUSE = join(WORK, "warehouse.duckdb");
const warehouse = buildWarehouse(CUSTOMERS, ORDERS, CONFLICTS, PROSPECTS);

let emu: TestEmulator;
/** Requests that change data (any method but GET), by operation, while `counting` is set. */
let counting: Map<string, number> | undefined;
/** total_count of each profile import job created while `counting` is set. */
let importedJobs: number[] = [];

function env(): Record<string, string> {
  return { KLAVIYO_API_KEY: TEST_KEY, KLAVIYO_BASE_URL: emu.url, KLAVIYO_RATE_LIMITS: "off" };
}

/** The CLI in this process: the `load` command's code path, without a process start. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out: Output = { out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
  const code = await main(["node", "klaviyo-sync", ...args], out, env());
  return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n") };
}

/** One trial's files. */
interface Trial {
  dir: string;
  state: string;
  config: string;
}

/**
 * A fresh start: the emulator reset (with the profiles the conflict rows collide with), a new
 * state file, and the VIP list synced once from the older model.
 */
async function prepare(label: string): Promise<Trial> {
  const res = await fetch(`${emu.url}/admin/reset`, { method: "POST" });
  expect(res.status).toBe(200);
  const client = emu.client();
  for (const attributes of warehouse.seeded)
    await client.profiles.create({ data: { type: "profile", attributes } });
  const dir = join(WORK, label);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const state = join(dir, "state.duckdb");
  const config = join(dir, "load.yaml");
  const before = join(dir, "load-before.yaml");
  writeFileSync(config, loadConfig({ warehouse: WAREHOUSE, state, vip: "after" }));
  writeFileSync(before, loadConfig({ warehouse: WAREHOUSE, state, vip: "before" }));
  const first = await cli(["load", "--config", before, "--sync", "vip"]);
  expect(first.code, first.stderr).toBe(0);
  return { dir, state, config };
}

/** `node` arguments that run the CLI (see cliCommand). */
let cliArgs: string[] = [];
let cleanupCli = () => {};

function childArgs(t: Trial): string[] {
  return [...cliArgs, "load", "--config", t.config];
}

// ---------------------------------------------------------------------------------------------
// Checks

const validEmail = (e: string | null): e is string => e !== null && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e);

/** Differences between Klaviyo (the emulator's store) and the model; empty when they agree. */
function klaviyoProblems(): string[] {
  const problems: string[] = [];
  const store = emu.store;
  const limit = <T>(xs: T[]) => xs.slice(0, 5);

  // Profiles: the valid customers with their mapped values, and the seeded ones untouched.
  const expectedStatus = warehouse.expected.customers;
  const wrongProfiles: string[] = [];
  let validCustomers = 0;
  for (const c of warehouse.customers) {
    const status = expectedStatus.get(String(c.customer_id));
    if (status === "succeeded") {
      validCustomers++;
      const p = validEmail(c.email) ? store.profiles.byEmailAddress(c.email) : undefined;
      const got = p && {
        external_id: p.external_id,
        first_name: p.first_name,
        properties: p.properties,
        city: p.location?.city,
      };
      const want = {
        external_id: c.external_id,
        first_name: c.first_name,
        properties: { lifetime_value: c.ltv, tier: c.tier, source: "warehouse" },
        city: c.city,
      };
      if (JSON.stringify(got) !== JSON.stringify(want))
        wrongProfiles.push(`${c.customer_id}: ${JSON.stringify(got)} != ${JSON.stringify(want)}`);
    } else if (status === "invalid") {
      // Never sent: no profile has its email or its external id.
      if (
        (c.email !== null && store.profiles.byEmailAddress(c.email)) ||
        store.profiles.byExternalId(c.external_id)
      )
        wrongProfiles.push(`${c.customer_id}: invalid row reached Klaviyo`);
    } else {
      // Rejected: the two profiles it collides with are as they were seeded.
      const byEmail = c.email === null ? undefined : store.profiles.byEmailAddress(c.email);
      const byExt = store.profiles.byExternalId(c.external_id);
      if (!byEmail || !byExt || byEmail === byExt || byEmail.external_id !== null || byExt.email !== null)
        wrongProfiles.push(`${c.customer_id}: the rejected row changed the profiles it collides with`);
      if (byEmail?.first_name || byExt?.first_name)
        wrongProfiles.push(`${c.customer_id}: the rejected row's values reached Klaviyo`);
    }
  }
  // Prospects: created by the list sync, with their email only.
  for (const p of warehouse.prospects) {
    const profile = p.email === null ? undefined : store.profiles.byEmailAddress(p.email);
    if (!profile || profile.first_name !== null || profile.external_id !== null)
      wrongProfiles.push(
        `prospect ${p.customer_id}: ${profile ? "has values it was never given" : "no profile"}`,
      );
  }
  if (wrongProfiles.length > 0)
    problems.push(`profiles: ${wrongProfiles.length} wrong: ${limit(wrongProfiles).join("; ")}`);
  const expectedProfiles = validCustomers + warehouse.seeded.length + warehouse.prospects.length;
  if (store.profiles.size !== expectedProfiles)
    problems.push(`profiles: ${store.profiles.size} in Klaviyo, expected ${expectedProfiles}`);

  // Events: every valid order once, none of the invalid ones.
  const metric = store.metrics.find((m) => m.attributes.name === METRIC);
  const byUniqueId = new Map<string, number>();
  const byOrder = new Map<number, number>();
  const wrongEvents: string[] = [];
  const orders = new Map(warehouse.orders.map((o) => [deriveUniqueId("orders", String(o.order_id)), o]));
  let otherEvents = 0;
  for (const e of store.events.scan({}, () => true)) {
    if (e.metricId !== metric?.id) {
      otherEvents++;
      continue;
    }
    const uid = e.uniqueId ?? "(none)";
    byUniqueId.set(uid, (byUniqueId.get(uid) ?? 0) + 1);
    const orderId = Number(e.properties.order_id);
    byOrder.set(orderId, (byOrder.get(orderId) ?? 0) + 1);
    const o = orders.get(uid);
    const profile = store.profiles.get(e.profileId);
    if (
      !o ||
      o.order_id !== orderId ||
      e.value !== o.total ||
      e.valueCurrency !== o.currency ||
      e.datetime !== Date.parse(o.ordered_at) ||
      e.properties.sku !== o.sku ||
      profile?.email !== o.email
    )
      wrongEvents.push(`${uid} (order ${orderId})`);
  }
  const validOrders = [...warehouse.expected.orders].filter(([, s]) => s === "succeeded").map(([k]) => k);
  const duplicated = [...byUniqueId].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
  const orderDuplicates = [...byOrder].filter(([, n]) => n > 1).map(([k, n]) => `order ${k} ×${n}`);
  const missing = validOrders.filter((k) => !byOrder.has(Number(k)));
  const extra = [...byOrder.keys()].filter((k) => warehouse.expected.orders.get(String(k)) !== "succeeded");
  if (otherEvents > 0) problems.push(`events: ${otherEvents} of another metric`);
  if (duplicated.length > 0) problems.push(`events: duplicate unique_ids ${limit(duplicated).join(", ")}`);
  if (orderDuplicates.length > 0)
    problems.push(`events: duplicate orders ${limit(orderDuplicates).join(", ")}`);
  if (missing.length > 0)
    problems.push(`events: ${missing.length} valid orders missing (${limit(missing).join(", ")})`);
  if (extra.length > 0) problems.push(`events: invalid orders reached Klaviyo (${limit(extra).join(", ")})`);
  if (wrongEvents.length > 0)
    problems.push(`events: ${wrongEvents.length} with wrong values (${limit(wrongEvents).join(", ")})`);

  // The VIP list: one list of that name, its members exactly the valid rows of the model.
  const lists = [...store.lists.values()].filter((l) => l.attributes.name === LIST_NAME);
  if (lists.length !== 1) problems.push(`lists: ${lists.length} lists named ${LIST_NAME}`);
  const members = new Set(store.listMembers.get(lists[0]?.id ?? "")?.keys() ?? []);
  const want = new Set<string>();
  for (const c of warehouse.vipAfter) {
    if (!validEmail(c.email)) continue;
    const id = store.profiles.byEmailAddress(c.email)?.id;
    if (id === undefined) problems.push(`lists: no profile for VIP ${c.customer_id}`);
    else want.add(id);
  }
  const notMembers = [...want].filter((id) => !members.has(id));
  const strangers = [...members].filter((id) => !want.has(id));
  if (notMembers.length > 0) problems.push(`lists: ${notMembers.length} VIP rows not on the list`);
  if (strangers.length > 0)
    problems.push(
      `lists: ${strangers.length} members not in the model (${limit(strangers.map((id) => store.profiles.get(id)?.email)).join(", ")})`,
    );
  return problems;
}

/** Differences between the state's snapshot and the expected status of every model row. */
function snapshotProblems(state: StateDump): string[] {
  const problems: string[] = [];
  for (const sync of SYNCS) {
    const expected = warehouse.expected[sync];
    const got = state.snapshot.get(sync) ?? new Map<string, string>();
    const wrong: string[] = [];
    for (const [key, status] of expected) {
      const s = got.get(key);
      if (s !== status) wrong.push(`${key}: ${s ?? "missing"}, expected ${status}`);
    }
    const extra = [...got.keys()].filter((k) => !expected.has(k));
    if (wrong.length > 0)
      problems.push(`${sync}: ${wrong.length} rows wrong (${wrong.slice(0, 5).join("; ")})`);
    if (extra.length > 0)
      problems.push(`${sync}: ${extra.length} rows not in the model (${extra.slice(0, 5).join(", ")})`);
  }
  for (const sync of state.snapshot.keys())
    if (!(SYNCS as readonly string[]).includes(sync)) problems.push(`unknown sync ${sync} in the snapshot`);
  return problems;
}

function statusCounts(sync: SyncName): Record<Status, number> {
  const out: Record<Status, number> = { succeeded: 0, invalid: 0, rejected: 0 };
  for (const s of warehouse.expected[sync].values()) out[s]++;
  return out;
}

/**
 * The runs of one CLI invocation (one per sync, by pid and run id) must count every row once:
 * each summary is consistent, and `unchanged` (confirmed earlier) plus what it handled adds up to
 * the final snapshot.
 */
function runProblems(state: StateDump, runs: StateDump["runs"], label: string): string[] {
  const problems: string[] = [];
  for (const sync of SYNCS) {
    const mine = runs.filter((r) => r.sync === sync);
    if (mine.length !== 1) {
      problems.push(`${label}: ${mine.length} runs of ${sync}`);
      continue;
    }
    const run = mine[0] as StateDump["runs"][number];
    const s = run.summary;
    if (run.status !== "succeeded" || !s) {
      problems.push(`${label}: ${sync} ended ${run.status}`);
      continue;
    }
    const rows = warehouse.expected[sync].size;
    const want = statusCounts(sync);
    const checks: Array<[string, number, number]> = [
      ["queried", s.queried ?? -1, rows],
      ["added + changed + unchanged", (s.added ?? 0) + (s.changed ?? 0) + (s.unchanged ?? 0), rows],
      [
        "succeeded + invalid + rejected",
        (s.succeeded ?? 0) + (s.invalid ?? 0) + (s.rejected ?? 0),
        (s.added ?? 0) + (s.changed ?? 0),
      ],
      ["unchanged + succeeded", (s.unchanged ?? 0) + (s.succeeded ?? 0), want.succeeded],
      ["invalid", s.invalid ?? -1, want.invalid],
      ["rejected", s.rejected ?? -1, want.rejected],
    ];
    for (const [what, got, expected] of checks)
      if (got !== expected) problems.push(`${label}: ${sync} ${what} = ${got}, expected ${expected}`);
  }
  if (state.locks.length > 0) problems.push(`${label}: locks left: ${JSON.stringify(state.locks)}`);
  return problems;
}

// ---------------------------------------------------------------------------------------------

interface Outcome {
  trial: number;
  plan: string;
  killedAtMs: number | undefined;
  /** Syncs whose run the killed process had finished, and the one it was in. */
  finished: string[];
  interrupted: string[];
  lockLeft: boolean;
  resumeMs: number;
}

const outcomes: Outcome[] = [];
let reference: Timeline | undefined;

beforeAll(async () => {
  emu = await startTestEmulator({
    onResponse: (info) => {
      if (!counting || info.request.method === "GET") return;
      const op = info.op?.id ?? `${info.request.method} ${info.request.url}`;
      counting.set(op, (counting.get(op) ?? 0) + 1);
      if (op === "bulk_import_profiles") {
        const body = info.body as { data?: { attributes?: { total_count?: number } } };
        importedJobs.push(body.data?.attributes?.total_count ?? -1);
      }
    },
  });
  await writeWarehouse(WAREHOUSE, warehouse, WORK);
  const command = await cliCommand(ROOT, CHILD_CLI);
  cliArgs = command.args;
  cleanupCli = command.cleanup;
}, 60_000);

afterAll(async () => {
  if (outcomes.length > 0) {
    const lines = outcomes.map(
      (o) =>
        `#${String(o.trial).padEnd(3)} kill ${o.plan.padStart(32)} (${o.killedAtMs === undefined ? "not sent" : `at ${o.killedAtMs} ms`}): finished [${o.finished.join(", ")}], interrupted [${o.interrupted.join(", ")}]${o.lockLeft ? ", lock left" : ""}; resume ${o.resumeMs} ms`,
    );
    console.log(
      `load kill -9 and run again (reference: start-up ${reference?.startupMs} ms, progress lines at ${reference?.markers.join(", ")} ms, end at ${reference?.endMs} ms):\n${lines.join("\n")}`,
    );
  }
  await emu?.close();
  cleanupCli();
  rmSync(WORK, { recursive: true, force: true });
});

const describeRun = (r: ChildRun) =>
  `exit ${r.code} signal ${r.signal} after ${r.ms} ms\nstdout: ${r.stdout.slice(-2000)}\nstderr: ${r.stderr.slice(-4000)}`;

describe("load: kill -9 at random points and run again", () => {
  it("reference: an uninterrupted CLI run syncs the model exactly; its start-up and work times", async () => {
    const t = await prepare("reference");
    const run = await runNode(childArgs(t), { cwd: ROOT, env: { ...process.env, ...env() } });
    expect(run.code, describeRun(run)).toBe(0);
    reference = timeline(run);
    // A diff and at least one batch line per sync, and a summary each.
    expect(reference.markers.length, describeRun(run)).toBeGreaterThanOrEqual(3 * SYNCS.length);
    expect(klaviyoProblems()).toEqual([]);
    const state = await dumpState(t.state);
    expect(snapshotProblems(state)).toEqual([]);
    expect(
      runProblems(
        state,
        state.runs.filter((r) => r.pid !== process.pid),
        "reference",
      ),
    ).toEqual([]);
    rmSync(t.dir, { recursive: true, force: true });
  }, 60_000);

  it.each(Array.from({ length: TRIALS }, (_, i) => i + 1))(
    "trial %i: killed run + run again = the model, every row once",
    async (trial) => {
      expect(reference, "the reference run failed").toBeDefined();
      const plan: KillPlan = killPlan(trial, TRIALS, MIN_DELAY_MS, reference as Timeline, trial);
      const t = await prepare(`t${trial}`);
      const first = await runNode(childArgs(t), { cwd: ROOT, env: { ...process.env, ...env() }, kill: plan });
      expect(first.timedOut, describeRun(first)).toBe(false);
      // Either the kill ended it, or it finished first and succeeded.
      if (!first.killed) expect(first.code, describeRun(first)).toBe(0);
      const afterKill = await dumpStateAfterKill(t.state);
      const killedRuns = (s: StateDump) => s.runs.filter((r) => r.pid !== process.pid);
      const context = `trial ${trial}: kill ${JSON.stringify(plan)} at ${first.killedAtMs} ms; after the kill: runs ${JSON.stringify(
        killedRuns(afterKill).map((r) => `${r.sync} ${r.status}`),
      )}, locks ${JSON.stringify(afterKill.locks)}`;

      // Run again, to completion; a lock the killed process left is taken over.
      const t0 = Date.now();
      const second = await cli(["load", "--config", t.config]);
      const resumeMs = Date.now() - t0;
      expect(second.code, `${context}\n${second.stderr}`).toBe(0);
      // The lock the killed run left was taken over, and the run said so.
      for (const lock of afterKill.locks)
        expect(second.stderr, context).toContain(
          `sync ${lock.sync}: took over the lock left by a run that is no longer running (pid ${lock.pid} `,
        );

      expect(klaviyoProblems(), context).toEqual([]);
      const state = await dumpState(t.state);
      expect(snapshotProblems(state), context).toEqual([]);
      // The killed process's runs: those it finished stay succeeded, the one it was in is interrupted.
      expect(
        killedRuns(state).map((r) => `${r.id} ${r.sync} ${r.status}`),
        context,
      ).toEqual(
        killedRuns(afterKill).map(
          (r) => `${r.id} ${r.sync} ${r.status === "running" ? "interrupted" : r.status}`,
        ),
      );
      // The runs of the second invocation: every run recorded after the kill.
      const lastBefore = Math.max(0, ...afterKill.runs.map((r) => r.id));
      const resumed = state.runs.filter((r) => r.id > lastBefore);
      expect(runProblems(state, resumed, "the run after the kill"), context).toEqual([]);

      // A third run: nothing changed, so nothing is sent but the rejected rows, tried again.
      counting = new Map();
      importedJobs = [];
      const third = await cli(["load", "--config", t.config]);
      const sent = Object.fromEntries(counting);
      counting = undefined;
      expect(third.code, third.stderr).toBe(0);
      expect(sent, context).toEqual({ bulk_import_profiles: 1 });
      expect(importedJobs).toEqual([CONFLICTS]);
      const final = await dumpState(t.state);
      expect(snapshotProblems(final)).toEqual([]);
      const thirdRuns = final.runs.filter((r) => r.id > Math.max(...state.runs.map((r) => r.id)));
      expect(
        thirdRuns.map((r) => ({ sync: r.sync, status: r.status, ...r.summary })),
        context,
      ).toEqual(
        SYNCS.map((sync) => {
          const c = statusCounts(sync);
          return expect.objectContaining({
            sync,
            status: "succeeded",
            added: 0,
            removed: 0,
            changed: c.invalid + c.rejected,
            unchanged: c.succeeded,
            succeeded: 0,
            invalid: c.invalid,
            rejected: c.rejected,
          });
        }),
      );
      expect(klaviyoProblems()).toEqual([]);

      outcomes.push({
        trial,
        plan: describePlan(plan),
        killedAtMs: first.killedAtMs,
        finished: killedRuns(afterKill)
          .filter((r) => r.status === "succeeded")
          .map((r) => r.sync),
        interrupted: killedRuns(afterKill)
          .filter((r) => r.status === "running")
          .map((r) => r.sync),
        lockLeft: afterKill.locks.length > 0,
        resumeMs,
      });
      rmSync(t.dir, { recursive: true, force: true });
    },
    120_000,
  );

  it("the kills hit runs in progress", () => {
    expect(outcomes).toHaveLength(TRIALS);
    // Stratified kill points: the middle slices land mid-run unless the machine is extremely slow.
    expect(outcomes.filter((o) => o.interrupted.length > 0).length).toBeGreaterThanOrEqual(1);
  });
});
