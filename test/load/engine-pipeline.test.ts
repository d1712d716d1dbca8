/**
 * The engine's batches in flight (limits.inFlight): never more than the action allows, each
 * batch's outcomes recorded only after its own response, a failed batch stops the run only once
 * the batches still in flight are recorded, and keys the diff found new recorded as `added`.
 */
import { describe, expect, it } from "vitest";
import type { KlaviyoClient } from "../../src/client/index.js";
import { type LoadStateStore, runSync, type SyncSpec, wasValidated } from "../../src/load/engine.js";
import type { ActionDefinition, LoadRow, ModelRow, RowOutcome } from "../../src/load/types.js";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const silent = { debug() {}, info() {}, warn() {}, error() {} };

const client = {
  stats: { budgetWaitMs: 0, backoffWaitMs: 0 },
  core: { config: { logger: silent, clock: { sleep: (ms: number) => sleep(ms) } } },
} as unknown as KlaviyoClient;

type Event = { type: "start" | "response" | "record"; batch: number; keys: string[] };

/** A state that knows `known` keys (changed: their hash differs) and logs every record. */
function fakeState(
  log: Event[],
  batchOf: Map<string, number>,
  known: string[] = [],
  recordMs = 2,
): LoadStateStore & {
  recorded: Array<{ key: string; status: string; added?: boolean }>;
  calls: number[];
} {
  const recorded: Array<{ key: string; status: string; added?: boolean }> = [];
  const calls: number[] = [];
  return {
    recorded,
    calls,
    async diff(_sync, rows) {
      const added: string[] = [];
      const changed: string[] = [];
      for await (const batch of rows)
        for (const r of batch) (known.includes(r.key) ? changed : added).push(r.key);
      return { added, changed, unchanged: 0, removed: [], duplicates: [] };
    },
    async record(_sync, outcomes) {
      calls.push(outcomes.length);
      await sleep(recordMs);
      // One record may hold several batches' outcomes (those that came in while one ran).
      const keys = outcomes.map((o) => o.key);
      for (const batch of new Set(keys.map((k) => batchOf.get(k) ?? -1)))
        log.push({ type: "record", batch, keys: keys.filter((k) => (batchOf.get(k) ?? -1) === batch) });
      for (const o of outcomes)
        recorded.push({ key: o.key, status: o.status, ...(o.added === undefined ? {} : { added: o.added }) });
    },
    async planRemovals() {
      return { remove: [], held: [] };
    },
    async forget() {},
    async reset() {},
    memory: () => ({ get: async () => undefined, set: async () => {} }),
    async startRun() {
      return "1";
    },
    async finishRun() {},
    async lock() {
      return {};
    },
    async unlock() {},
  };
}

function model(n: number) {
  const rows: ModelRow[] = Array.from({ length: n }, (_, i) => ({ id: `r${i}`, email: `u${i}@example.com` }));
  return async () => ({
    async *rows(size: number) {
      for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
    },
    async close() {},
  });
}

/** An action of 10 rows a batch whose batch `i` answers after `delay(i)` ms (or fails). */
function fakeAction(
  log: Event[],
  batchOf: Map<string, number>,
  opts: { inFlight?: number; delay: (batch: number) => number; fail?: number },
): ActionDefinition & { maxConcurrent: () => number; validatedSeen: () => boolean } {
  let current = 0;
  let max = 0;
  let batches = 0;
  let allValidated = true;
  return {
    name: "fake",
    description: "",
    modes: ["upsert"],
    fields: [{ name: "email", type: "string", description: "" }],
    parseOptions: () => ({}),
    limits: { maxRows: 10, ...(opts.inFlight === undefined ? {} : { inFlight: opts.inFlight }) },
    validate: () => undefined,
    async perform(rows: LoadRow[]): Promise<RowOutcome[]> {
      const batch = batches++;
      for (const r of rows) {
        batchOf.set(r.key, batch);
        if (!wasValidated(r)) allValidated = false;
      }
      log.push({ type: "start", batch, keys: rows.map((r) => r.key) });
      current++;
      max = Math.max(max, current);
      try {
        await sleep(opts.delay(batch));
        if (batch === opts.fail) throw new Error(`batch ${batch} failed`);
      } finally {
        current--;
      }
      log.push({ type: "response", batch, keys: rows.map((r) => r.key) });
      return rows.map((r) => ({ key: r.key, status: "succeeded" }));
    },
    maxConcurrent: () => max,
    validatedSeen: () => allValidated,
  };
}

function spec(action: ActionDefinition): SyncSpec {
  return {
    name: "s",
    action,
    mode: "upsert",
    primaryKey: ["id"],
    mapping: [{ column: "email", field: "email" }],
    options: {},
  };
}

describe("engine: batches in flight", () => {
  it("keeps at most limits.inFlight batches in flight and records each after its own response", async () => {
    const log: Event[] = [];
    const batchOf = new Map<string, number>();
    // Batch 0 answers last of the first pair: batch 1 is recorded first.
    const action = fakeAction(log, batchOf, { inFlight: 2, delay: (b) => (b % 2 === 0 ? 40 : 5) });
    const state = fakeState(log, batchOf);
    const { summary } = await runSync({ client, sync: spec(action), openModel: model(60), state });
    expect(summary).toMatchObject({ status: "succeeded", added: 60, succeeded: 60 });
    expect(action.maxConcurrent()).toBe(2);
    expect(action.validatedSeen()).toBe(true);
    // Every batch recorded exactly once, after its response.
    for (let b = 0; b < 6; b++) {
      const response = log.findIndex((e) => e.type === "response" && e.batch === b);
      const records = log.filter((e) => e.type === "record" && e.batch === b);
      expect(response).toBeGreaterThan(-1);
      expect(records).toHaveLength(1);
      expect(log.indexOf(records[0] as Event)).toBeGreaterThan(response);
    }
    // Out of order: batch 1 answered (and was recorded) while batch 0 was still in flight.
    const recordOf = (b: number) => log.findIndex((e) => e.type === "record" && e.batch === b);
    expect(recordOf(1)).toBeLessThan(log.findIndex((e) => e.type === "response" && e.batch === 0));
    // Never more than two started and not yet answered.
    let open = 0;
    for (const e of log) {
      if (e.type === "start") open++;
      if (e.type === "response") open--;
      expect(open).toBeLessThanOrEqual(2);
    }
    expect(state.recorded.map((r) => r.key).sort()).toEqual(
      Array.from({ length: 60 }, (_, i) => `r${i}`).sort(),
    );
  });

  it("sends one batch at a time when the action does not allow more", async () => {
    const log: Event[] = [];
    const batchOf = new Map<string, number>();
    const action = fakeAction(log, batchOf, { delay: () => 3 });
    await runSync({ client, sync: spec(action), openModel: model(30), state: fakeState(log, batchOf) });
    expect(action.maxConcurrent()).toBe(1);
    expect(log.map((e) => `${e.type}${e.batch}`)).toEqual([
      "start0",
      "response0",
      "record0",
      "start1",
      "response1",
      "record1",
      "start2",
      "response2",
      "record2",
    ]);
  });

  it("a failed batch fails the run once the batch in flight with it is recorded; nothing more is sent", async () => {
    const log: Event[] = [];
    const batchOf = new Map<string, number>();
    // Batch 1 fails fast while batch 0 is still waiting for its response.
    const action = fakeAction(log, batchOf, { inFlight: 2, delay: (b) => (b === 0 ? 40 : 2), fail: 1 });
    const state = fakeState(log, batchOf);
    await expect(runSync({ client, sync: spec(action), openModel: model(60), state })).rejects.toThrow(
      /batch 1 failed/,
    );
    expect(log.filter((e) => e.type === "record").map((e) => e.batch)).toEqual([0]);
    expect(state.recorded).toHaveLength(10);
    expect(Math.max(...log.filter((e) => e.type === "start").map((e) => e.batch))).toBeLessThanOrEqual(2);
    expect(log.some((e) => e.type === "start" && e.batch === 3)).toBe(false);
  });

  it("records the outcomes that came in during a slow record together, and keeps sending meanwhile", async () => {
    const log: Event[] = [];
    const batchOf = new Map<string, number>();
    const action = fakeAction(log, batchOf, { inFlight: 2, delay: () => 3 });
    const state = fakeState(log, batchOf, [], 40);
    const { summary } = await runSync({ client, sync: spec(action), openModel: model(200), state });
    expect(summary.succeeded).toBe(200);
    expect(state.recorded).toHaveLength(200);
    // Fewer records than batches: some held the outcomes of several batches.
    expect(state.calls.length).toBeLessThan(20);
    expect(Math.max(...state.calls)).toBeGreaterThan(10);
    // Sent and not yet recorded: never more than inFlight + 1 batches.
    let unrecorded = 0;
    for (const e of log) {
      if (e.type === "start") unrecorded++;
      if (e.type === "record") unrecorded--;
      expect(unrecorded).toBeLessThanOrEqual(3);
    }
  });

  it("marks the outcomes of keys the diff found new as added, and only those", async () => {
    const log: Event[] = [];
    const batchOf = new Map<string, number>();
    const action = fakeAction(log, batchOf, { inFlight: 2, delay: () => 1 });
    const state = fakeState(log, batchOf, ["r1", "r7"]);
    await runSync({ client, sync: spec(action), openModel: model(10), state });
    expect(state.recorded.filter((r) => !r.added).map((r) => r.key)).toEqual(["r1", "r7"]);
    expect(state.recorded.filter((r) => r.added)).toHaveLength(8);
  });
});
