/**
 * Change detection at scale: how long the load engine takes to find what changed in a model of
 * 1,000,000 or 10,000,000 rows, and its peak memory.
 *
 *   npx tsx bench/change-detection.ts [--rows 1000000,10000000]
 *
 * The model is load-throughput's `profiles` model (customers: email, names, city, country, three
 * custom properties; a DuckDB file generated in the parent), synced by the `profiles` action with
 * its config read by `loadLoadConfig` and its state where the config puts it (a DuckDB file), as
 * `klaviyo-sync load` runs it. Only the action's `perform` is replaced: it answers `succeeded`
 * for every row without sending anything, so the runs measure the engine and its state alone.
 *
 *   1. seed: every row recorded in the state as a first sync would leave it (see seedState; set-up,
 *      timed only).
 *   2. the model changes: `tier` of 1 row in 100 (customer_id divisible by 100).
 *   3. diff: the same sync again, in a fresh process: pass 1 reads the model, maps and hashes every
 *      row and joins the keys and hashes with the snapshot inside DuckDB (`diffSeconds`, until
 *      the engine's `diff` event); pass 2 re-reads the model and hands the changed rows to the
 *      action, whose outcomes are recorded (`seconds` is the whole run). The line fails unless
 *      the diff found exactly the rows changed in step 2 and every other row unchanged.
 *
 * Each run is a child process of its own: `peakRssMb` is the larger of process RSS sampled every
 * 100 ms and the kernel's VmHWM (DuckDB's memory included; the child runs under tsx, about 33 MB).
 * `stateFileMb` is the state's size on disk after the seed. Runs that would pass `timeoutSeconds`
 * (default 600 a run) are stopped, and the line says so.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import { createClient } from "../src/client/index.js";
import { loadLoadConfig } from "../src/config/load.js";
import { ACTIONS, getAction } from "../src/load/actions/index.js";
import { mapRow, runSync } from "../src/load/engine.js";
import { openModel } from "../src/load/models/index.js";
import { openStateAt, sharedSourceDatabase } from "../src/load/state/index.js";
import type { ActionDefinition } from "../src/load/types.js";
import { argValue, runJsonChild } from "./child.js";
import { generateModel, type LoadWorkload, loadConfig } from "./load-throughput.js";

export interface ChangeDetectionResult {
  benchmark: "change-detection";
  rows: number;
  status: string;
  /** The seed sync that recorded every row (time only). */
  seedSeconds: number | null;
  stateFileMb: number | null;
  /** Rows changed in the model before the measured run, and what its diff found. */
  changedInModel: number;
  diff: { queried: number; added: number; changed: number; unchanged: number } | null;
  diffSeconds: number | null;
  seconds: number | null;
  diffRowsPerSecond: number | null;
  peakRssMb: number | null;
  baselineRssMb: number | null;
  loadAverage: [number, number];
}

interface ChildTask {
  run: "seed" | "diff";
  dir: string;
}

interface ChildResult {
  status: string;
  seconds: number;
  diffSeconds: number | null;
  summary: { queried: number; added: number; changed: number; unchanged: number; succeeded: number };
  peakRssMb: number;
  baselineRssMb: number;
}

const mb = (bytes: number) => Math.round(bytes / 1048576);
const round = (n: number, digits = 2) => Number(n.toFixed(digits));

function kernelPeakRssMb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

/**
 * The seed: every row of the model recorded as synced through the state's own `record`, with the
 * key and hash the engine's `mapRow` gives it (what a first sync that Klaviyo confirmed leaves),
 * 100,000 rows a transaction. Much quicker than a first sync (which reads the model twice and
 * records 5,000 rows a transaction), and it is set-up, not what is measured.
 */
async function seedState(task: ChildTask): Promise<ChildResult> {
  const actions = Object.fromEntries(ACTIONS.map((a) => [a.name, a]));
  const config = await loadLoadConfig(join(task.dir, "load.json.yaml"), { env: {}, actions });
  const s = config.syncs[0];
  const action = s && getAction(s.action);
  if (!s || !action) throw new Error("no profiles sync in the config");
  const state = await openStateAt(config.stateLocation, config.sourceSpec);
  const t0 = performance.now();
  let queried = 0;
  try {
    const duckdb = sharedSourceDatabase(state);
    const model = await openModel(config.source, s.model, {
      primaryKey: s.primaryKey,
      requiredColumns: s.mapping.map((m) => m.column),
      label: `sync ${s.name}`,
      ...(duckdb ? { duckdb } : {}),
    });
    const spec = {
      name: s.name,
      action,
      mode: s.mode,
      primaryKey: s.primaryKey,
      mapping: s.mapping,
      constants: s.constants,
      options: s.options,
    };
    try {
      for await (const batch of model.rows(100_000)) {
        queried += batch.length;
        await state.record(
          s.name,
          batch.map((r) => {
            const m = mapRow(spec, r);
            return { key: m.key, status: "succeeded" as const, hash: m.hash, fields: m.fields, added: true };
          }),
        );
      }
    } finally {
      await model.close();
    }
  } finally {
    await state.close();
  }
  return {
    status: "ok",
    seconds: round((performance.now() - t0) / 1000),
    diffSeconds: null,
    summary: { queried, added: queried, changed: 0, unchanged: 0, succeeded: queried },
    peakRssMb: kernelPeakRssMb(),
    baselineRssMb: 0,
  };
}

/** One sync in this process, with `perform` answering for Klaviyo. */
async function runTask(task: ChildTask): Promise<ChildResult> {
  if (task.run === "seed") return seedState(task);
  const actions = Object.fromEntries(ACTIONS.map((a) => [a.name, a]));
  const config = await loadLoadConfig(join(task.dir, "load.json.yaml"), { env: {}, actions });
  const s = config.syncs[0];
  const base = s && getAction(s.action);
  if (!s || !base) throw new Error("no profiles sync in the config");
  // Never contacted: perform below sends nothing.
  const client = createClient({ apiKey: "pk_change_detection", baseUrl: "http://127.0.0.1:9", env: {} });
  const action: ActionDefinition = {
    ...base,
    perform: async (rows) => rows.map((r) => ({ key: r.key, status: "succeeded" as const })),
  };
  const state = await openStateAt(config.stateLocation, config.sourceSpec);
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  try {
    const baselineRss = process.memoryUsage().rss;
    let diffAt: number | undefined;
    const t0 = performance.now();
    const result = await runSync({
      client,
      sync: {
        name: s.name,
        action,
        mode: s.mode,
        primaryKey: s.primaryKey,
        mapping: s.mapping,
        constants: s.constants,
        options: { ...s.options, identify_by: s.identifyBy ?? "email" },
      },
      state,
      openModel: async () => {
        const duckdb = sharedSourceDatabase(state);
        return openModel(config.source, s.model, {
          primaryKey: s.primaryKey,
          requiredColumns: s.mapping.map((m) => m.column),
          label: `sync ${s.name}`,
          ...(duckdb ? { duckdb } : {}),
        });
      },
      onProgress: (e) => {
        if (e.type === "diff") diffAt = performance.now();
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    const r = result.summary;
    return {
      status: r.status === "succeeded" ? "ok" : `failed: ${r.error ?? r.status}`,
      seconds: round(seconds),
      diffSeconds: diffAt === undefined ? null : round((diffAt - t0) / 1000),
      summary: {
        queried: r.queried,
        added: r.added,
        changed: r.changed,
        unchanged: r.unchanged,
        succeeded: r.succeeded,
      },
      peakRssMb: Math.max(mb(peakRss), kernelPeakRssMb()),
      baselineRssMb: mb(baselineRss),
    };
  } finally {
    clearInterval(sampler);
    await state.close();
    await client.close();
  }
}

function runInChild(task: ChildTask, timeoutSeconds: number): Promise<ChildResult | { timedOut: true }> {
  return runJsonChild<ChildResult>(fileURLToPath(import.meta.url), ["--task", JSON.stringify(task)], {
    label: `change-detection ${task.run}`,
    timeoutSeconds,
  });
}

async function changeModel(path: string): Promise<number> {
  const inst = await DuckDBInstance.create(path);
  const c = await inst.connect();
  try {
    await c.run("UPDATE customers SET tier = 'platinum' WHERE customer_id % 100 = 0");
    const r = await c.runAndReadAll("SELECT count(*)::INTEGER AS n FROM customers WHERE tier = 'platinum'");
    return Number(r.getRowObjects()[0]?.n ?? 0);
  } finally {
    c.closeSync();
    inst.closeSync();
  }
}

export async function runChangeDetection(
  rows: number,
  options: { timeoutSeconds?: number } = {},
): Promise<ChangeDetectionResult> {
  const timeout = options.timeoutSeconds ?? 600;
  const load0 = loadavg()[0] ?? 0;
  const dir = mkdtempSync(join(tmpdir(), "ks-bench-diff-"));
  const w: LoadWorkload = { name: "profiles", rows, limits: "real", followUp: false };
  const line = (patch: Partial<ChangeDetectionResult>): ChangeDetectionResult => ({
    benchmark: "change-detection",
    rows,
    status: "ok",
    seedSeconds: null,
    stateFileMb: null,
    changedInModel: 0,
    diff: null,
    diffSeconds: null,
    seconds: null,
    diffRowsPerSecond: null,
    peakRssMb: null,
    baselineRssMb: null,
    loadAverage: [round(load0), round(loadavg()[0] ?? 0)],
    ...patch,
  });
  try {
    const model = join(dir, "warehouse.duckdb");
    await generateModel(model, w);
    writeFileSync(
      join(dir, "load.json.yaml"),
      loadConfig(w, "http://127.0.0.1:9", "pk_change_detection", dir),
    );
    const seed = await runInChild({ run: "seed", dir }, timeout);
    if ("timedOut" in seed)
      return line({ status: `stopped: the seed sync of ${rows} rows did not finish in ${timeout} s` });
    if (seed.status !== "ok" || seed.summary.succeeded !== rows)
      return line({
        status: `failed: seed ${seed.status}, ${seed.summary.succeeded} of ${rows} rows recorded`,
      });
    const stateFileMb = mb(statSync(join(dir, "state.duckdb")).size);
    const changed = await changeModel(model);
    const diff = await runInChild({ run: "diff", dir }, timeout);
    if ("timedOut" in diff)
      return line({
        status: `stopped: the diff run of ${rows} rows did not finish in ${timeout} s`,
        seedSeconds: seed.seconds,
        stateFileMb,
        changedInModel: changed,
      });
    const d = diff.summary;
    const right =
      d.queried === rows && d.added === 0 && d.changed === changed && d.unchanged === rows - changed;
    return line({
      status:
        diff.status !== "ok"
          ? diff.status
          : right
            ? "ok"
            : `failed: the diff found ${d.added} added, ${d.changed} changed, ${d.unchanged} unchanged; expected ${changed} changed`,
      seedSeconds: seed.seconds,
      stateFileMb,
      changedInModel: changed,
      diff: { queried: d.queried, added: d.added, changed: d.changed, unchanged: d.unchanged },
      diffSeconds: diff.diffSeconds,
      seconds: diff.seconds,
      diffRowsPerSecond: diff.diffSeconds ? Math.round(rows / diff.diffSeconds) : null,
      peakRssMb: diff.peakRssMb,
      baselineRssMb: diff.baselineRssMb,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const task = argValue("task");
  if (task) {
    console.log(JSON.stringify(await runTask(JSON.parse(task) as ChildTask)));
  } else {
    for (const rows of (argValue("rows") ?? "1000000").split(",").map(Number)) {
      console.log(JSON.stringify(await runChangeDetection(rows)));
    }
  }
}
