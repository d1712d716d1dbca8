/**
 * Fault soak: a full extract of every stream and a load of every action against an emulator that
 * misbehaves, compared with the same work done against one that does not.
 *
 * Faults (src/emulator/faults.ts, set through the admin API as a user would): on every /api request,
 * 10% a 500 or 503, 2% a connection reset, 2% a response delayed past the client's timeout, 2% a
 * body cut in half; a 429 storm (Retry-After: 1) over every operation for FAULT_SOAK_STORM_SECONDS
 * (5 in `npm test`, 90 in `npm run test:soak`); for the load, the first profile bulk import job
 * request answered 503, and conflict rows that make the import jobs end with import errors.
 * Slow and truncated responses come after the request was handled, so a retry repeats work the
 * server already did: exactly what must not create a second list, event or profile.
 *
 * Extract: the 22 streams into DuckDB, clean and faulty; the canonical dumps (every table in
 * primary-key order without the per-run columns) must be equal.
 * Load: profiles, events, order_completed, list_membership (mirror, twice, so it adds, creates and
 * removes), subscriptions, suppressions and delete_profiles, each against a fresh emulator, clean
 * and faulty. Klaviyo's state (profiles with their fields and consents, lists with their members,
 * events, metrics; ids and server-chosen times left out) must be equal; no two events may share
 * metric, profile and unique_id; every model row must have exactly one outcome in the state
 * (succeeded, invalid or rejected), the same as in the clean run, and every run's counts must add up.
 *
 * FAULT_SOAK_SCALE multiplies the load's model sizes (default 1); FAULT_SOAK_SEED picks the fault
 * sequence (default 1).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KlaviyoClient } from "../../src/client/index.js";
import type { FaultConfig } from "../../src/emulator/faults.js";
import { runExtract } from "../../src/extract/runner.js";
import { STREAMS } from "../../src/extract/streams/index.js";
import { DuckDBTarget } from "../../src/extract/targets/duckdb.js";
import { type RunSummary, runSync } from "../../src/load/engine.js";
import { openModel } from "../../src/load/models/index.js";
import { openLoadState } from "../../src/load/state/index.js";
import { diffDumps, dumpDuckDB } from "../extract/resume/harness.js";
import { startTestEmulator, type TestEmulator } from "../helpers/emulator.js";
import { dumpState, withDuckDB } from "../load/crash/harness.js";
import { diffStates, duplicateEvents, type KlaviyoState, klaviyoState } from "./soak/klaviyo-state.js";
import { SYNCS, seedKlaviyo, writeWarehouse } from "./soak/warehouse.js";

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number ≥ 0; got "${raw}".`);
  return n;
}

const STORM_MS = envNumber("FAULT_SOAK_STORM_SECONDS", 5) * 1000;
const SCALE = envNumber("FAULT_SOAK_SCALE", 1);
const SEED = envNumber("FAULT_SOAK_SEED", 1);
/** The client's per-attempt timeout; slow faults answer after twice that. */
const TIMEOUT_MS = 1000;
/** Rows per load batch (the actions' own limits are 1,000 to 10,000). */
const LOAD_BATCH = 100;
/** The storm starts this long after the faults are switched on (so it hits work in progress). */
const STORM_START_MS = 300;

/** One draw per request; a kind listed n times is drawn n times as often (16 kinds at 1% each). */
function faults(extra: NonNullable<FaultConfig["plan"]> = []): FaultConfig {
  return {
    rate: 0.16,
    kinds: [
      ...Array<"500">(5).fill("500"),
      ...Array<"503">(5).fill("503"),
      "reset",
      "reset",
      "slow",
      "slow",
      "truncate",
      "truncate",
    ],
    slowMs: TIMEOUT_MS * 2,
    plan: [
      ...extra,
      { startMs: STORM_START_MS, durationMs: STORM_MS, fault: { kind: "storm", retryAfter: 1 } },
    ],
  };
}

/** Switches faults on through the admin API, as `klaviyo-sync emulator` users do. */
async function setFaults(emu: TestEmulator, config: FaultConfig): Promise<void> {
  const res = await fetch(`${emu.url}/admin/faults`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(config),
  });
  expect(res.status).toBe(200);
}

async function injected(emu: TestEmulator): Promise<Record<string, number>> {
  const res = await fetch(`${emu.url}/admin/counters`);
  return ((await res.json()) as { faults: Record<string, number> }).faults;
}

function faultyClient(emu: TestEmulator): KlaviyoClient {
  return emu.client({
    timeoutMs: TIMEOUT_MS,
    // Several faults in a row on one request are likely over a few thousand requests at 16%.
    retry: { baseDelayMs: 5, maxDelayMs: 200, maxRetries: 10 },
  });
}

const WORK = mkdtempSync(join(tmpdir(), "ks-fault-soak-"));
/** Figures for the summary line (and docs/reliability.md). */
const figures: Record<string, unknown> = {};

afterAll(() => {
  console.log(`fault soak (storm ${STORM_MS / 1000} s, scale ${SCALE}): ${JSON.stringify(figures)}`);
  rmSync(WORK, { recursive: true, force: true });
});

describe("fault soak: extract of every stream", () => {
  let emu: TestEmulator;

  beforeAll(async () => {
    emu = await startTestEmulator({
      seed: { preset: "demo", profiles: 600, events: 6000 },
      seedNumber: SEED,
    });
  });
  afterAll(async () => {
    await emu?.close();
  });

  async function extract(file: string, client: KlaviyoClient) {
    const target = new DuckDBTarget(join(WORK, file));
    await target.open();
    try {
      const t0 = Date.now();
      const result = await runExtract({ client, target, streams: STREAMS.map((s) => ({ name: s.name })) });
      const failed = result.results.filter((r) => r.status !== "ok");
      expect(failed.map((r) => `${r.stream}: ${r.error?.message}`)).toEqual([]);
      return { dump: await dumpDuckDB(target), ms: Date.now() - t0 };
    } finally {
      await target.close();
    }
  }

  it(
    "under random 5xx, resets, slow and truncated responses and a 429 storm, the tables equal a clean run's",
    async () => {
      const clean = await extract("clean.duckdb", emu.client());
      const rows = Object.values(clean.dump).reduce((n, t) => n + t.length, 0);
      expect(Object.keys(clean.dump)).toHaveLength(STREAMS.length);
      expect(rows).toBeGreaterThan(5000);

      await setFaults(emu, faults());
      const client = faultyClient(emu);
      const faulty = await extract("faulty.duckdb", client);
      const counts = await injected(emu);
      await setFaults(emu, {});

      expect(diffDumps(clean.dump, faulty.dump)).toEqual([]);
      // Every kind of fault happened, and the client rode each out.
      for (const kind of ["500", "503", "reset", "slow", "truncate", "storm"])
        expect(counts[kind] ?? 0, `${kind} faults injected`).toBeGreaterThan(0);
      expect(client.stats.networkErrors).toBeGreaterThan(0);
      expect(client.stats.rateLimited).toBeGreaterThan(0);
      // The storm blocks every request, so the run lasted at least as long.
      expect(faulty.ms).toBeGreaterThanOrEqual(STORM_MS);
      figures.extract = {
        streams: STREAMS.length,
        rows,
        requests: client.stats.requests,
        faults: counts,
        cleanMs: clean.ms,
        faultyMs: faulty.ms,
      };
    },
    120_000 + STORM_MS * 2,
  );
});

describe("fault soak: load of every action", () => {
  const warehouse = join(WORK, "warehouse.duckdb");

  beforeAll(async () => {
    await writeWarehouse(warehouse, SCALE);
  });

  interface LoadRun {
    klaviyo: KlaviyoState;
    /** sync → key → status, from the state's snapshot. */
    snapshot: Map<string, Map<string, string>>;
    summaries: Array<{ sync: string; summary: RunSummary }>;
    /** Keys reported to onReject more than once within one run. */
    rejectedTwice: string[];
    requests: number;
    faults: Record<string, number>;
    ms: number;
  }

  /** Waits until every job the emulator accepted has been applied. */
  async function settle(emu: TestEmulator): Promise<void> {
    for (let i = 0; i < 200; i++) {
      emu.store.tick();
      if ([...emu.store.jobs.values()].every((j) => !j.apply || j.applied || j.cancelled)) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error("emulator jobs did not complete");
  }

  async function load(name: string, withFaults: boolean): Promise<LoadRun> {
    const emu = await startTestEmulator({ seedNumber: SEED });
    try {
      await seedKlaviyo(emu.client(), SCALE);
      const client = withFaults ? faultyClient(emu) : emu.client();
      const statePath = join(WORK, `${name}-state.duckdb`);
      const state = await openLoadState(statePath);
      const summaries: LoadRun["summaries"] = [];
      const rejectedTwice: string[] = [];
      if (withFaults)
        await setFaults(
          emu,
          faults([
            {
              path: "/api/profile-bulk-import-jobs",
              method: "POST",
              nth: 1,
              fault: { kind: "status", status: 503 },
            },
          ]),
        );
      const t0 = Date.now();
      try {
        for (const { sync: full, model } of SYNCS) {
          // Small batches: many requests, so faults land in every phase of every action.
          const sync = {
            ...full,
            action: { ...full.action, limits: { ...full.action.limits, maxRows: LOAD_BATCH } },
          };
          const seen = new Set<string>();
          const r = await runSync({
            client,
            sync,
            state,
            openModel: () => openModel(`duckdb:${warehouse}`, { table: model }),
            onReject: (x) => {
              if (seen.has(x.key)) rejectedTwice.push(`${sync.name}:${x.key}`);
              seen.add(x.key);
            },
          });
          summaries.push({ sync: sync.name, summary: r.summary });
        }
      } finally {
        await state.close();
      }
      const ms = Date.now() - t0;
      const counts = await injected(emu);
      await setFaults(emu, {});
      await settle(emu);
      return {
        klaviyo: klaviyoState(emu.store),
        snapshot: (await dumpState(statePath)).snapshot,
        summaries,
        rejectedTwice,
        requests: client.stats.requests,
        faults: counts,
        ms,
      };
    } finally {
      await emu.close();
    }
  }

  /** Every model's keys, by sync (the vip sync ends on vip_after). */
  async function modelKeys(): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    await withDuckDB(warehouse, async (q) => {
      for (const { sync, model } of SYNCS) {
        const pk = sync.primaryKey[0] as string;
        const rows = await q(`SELECT CAST("${pk}" AS VARCHAR) AS k FROM ${model}`);
        out.set(sync.name, new Set(rows.map((r) => String(r.k))));
      }
    });
    return out;
  }

  function statusCounts(snapshot: Map<string, string>): Record<string, number> {
    const c: Record<string, number> = {};
    for (const s of snapshot.values()) c[s] = (c[s] ?? 0) + 1;
    return c;
  }

  it(
    "under the same faults, Klaviyo ends as after a clean run; every row has one outcome; no event twice",
    async () => {
      const clean = await load("clean", false);
      const faulty = await load("faulty", true);
      const keys = await modelKeys();

      // The clean run did what the models say: some rows of each kind.
      const customers = statusCounts(clean.snapshot.get("customers") ?? new Map());
      expect(customers.rejected, "conflict rows rejected by the import job").toBe(3);
      expect(customers.invalid).toBeGreaterThan(0);
      expect(clean.klaviyo.lists.map((l) => l.name)).toEqual(["VIP (fault soak)"]);
      expect(clean.klaviyo.events.length).toBeGreaterThan(1000);

      // Every kind of fault happened during the faulty load.
      for (const kind of ["status", "500", "503", "reset", "slow", "truncate", "storm"])
        expect(faulty.faults[kind] ?? 0, `${kind} faults injected`).toBeGreaterThan(0);

      expect(diffStates(clean.klaviyo, faulty.klaviyo)).toEqual([]);
      expect(duplicateEvents(faulty.klaviyo)).toEqual([]);
      expect(duplicateEvents(clean.klaviyo)).toEqual([]);

      for (const run of [clean, faulty]) {
        expect(run.rejectedTwice).toEqual([]);
        for (const { sync, summary } of run.summaries) {
          expect(summary.status, sync).toBe("succeeded");
          expect(summary.queried, sync).toBe(summary.added + summary.changed + summary.unchanged);
          expect(summary.added + summary.changed, sync).toBe(
            summary.succeeded + summary.invalid + summary.rejected,
          );
        }
        // Exactly one outcome per model row, and nothing else.
        for (const [sync, want] of keys) {
          const got = run.snapshot.get(sync) ?? new Map<string, string>();
          expect([...got.keys()].sort(), sync).toEqual([...want].sort());
          for (const status of got.values()) expect(["succeeded", "invalid", "rejected"]).toContain(status);
        }
      }
      // ... and the same outcome as in the clean run, row by row.
      for (const sync of keys.keys())
        expect(Object.fromEntries(faulty.snapshot.get(sync) ?? []), sync).toEqual(
          Object.fromEntries(clean.snapshot.get(sync) ?? []),
        );

      const rows = [...keys.values()].reduce((n, k) => n + k.size, 0);
      figures.load = {
        actions: new Set(SYNCS.map((s) => s.sync.action.name)).size,
        rows,
        requests: faulty.requests,
        faults: faulty.faults,
        cleanMs: clean.ms,
        faultyMs: faulty.ms,
        rowsLost: 0,
      };
    },
    180_000 + STORM_MS * 2,
  );
});
