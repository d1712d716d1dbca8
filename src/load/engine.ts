/**
 * The load engine: one sync = model → mapping → diff → validation → action batches → outcomes.
 *
 * Memory stays bounded for large models: the first pass streams (key, hash) pairs into the
 * snapshot store, which computes the diff inside DuckDB; the second pass re-reads the model and
 * handles only the rows that were added or changed. Outcomes are recorded after every batch, and
 * a row counts as synced only when Klaviyo confirmed it, so a run killed at any point and started
 * again sends exactly the rows that are not yet confirmed.
 *
 * `mirror` removes after the adds: what no row of the model holds any more (rows that left it,
 * the old Klaviyo ids of rows that changed), planned by the store once the adds are recorded.
 */
import { createHash } from "node:crypto";
import { ConfigError } from "../client/errors.js";
import type { KlaviyoClient } from "../client/index.js";
import type { Logger } from "../client/types.js";
import type {
  ActionContext,
  ActionDefinition,
  LoadRow,
  MappedFields,
  ModelRow,
  RemovedRow,
  RowOutcome,
} from "./types.js";

/** What the engine needs from the snapshot and run store (src/load/state). */
export interface LoadStateStore {
  diff(
    sync: string,
    rows: AsyncIterable<Array<{ key: string; hash: string }>>,
  ): Promise<{
    added: string[];
    changed: string[];
    unchanged: number;
    removed: RemovedRow[];
    duplicates: string[];
  }>;
  /**
   * `keepReplaced`: keep the Klaviyo id a confirmed row held before until it is removed (`mirror`).
   * An outcome's `added`: its key is not in the snapshot (diff returned it as added, not recorded since).
   */
  record(
    sync: string,
    outcomes: Array<RowOutcome & { hash?: string; fields?: MappedFields; added?: boolean }>,
    options?: { keepReplaced?: boolean },
  ): Promise<void>;
  /**
   * After the run's rows are recorded: of the rows that left the model and the Klaviyo ids that
   * changed rows replaced, those to remove, and those (`held`) a row still in the model holds.
   */
  planRemovals(sync: string, removedKeys: string[]): Promise<{ remove: RemovedRow[]; held: string[] }>;
  forget(sync: string, keys: string[]): Promise<void>;
  reset(sync: string): Promise<void>;
  memory(sync: string): ActionContext["memory"];
  startRun(sync: string, meta: Record<string, unknown>): Promise<string>;
  finishRun(runId: string, summary: RunSummary): Promise<void>;
  /** Takes the sync's lock; may resolve to `{ tookOverFrom }`, the holder of a stale lock it replaced. */
  lock(sync: string): Promise<unknown>;
  unlock(sync: string): Promise<void>;
}

/** What the engine needs from a model (src/load/models). */
export interface ModelReader {
  rows(batchSize: number): AsyncIterable<ModelRow[]>;
  /** Lines of a file model that could not be read (ragged, bad quoting, bad encoding). */
  rejects?(
    limit?: number,
  ): Promise<{ count: number; rows: Array<{ line: number; reason: string; text: string }> }>;
}

export interface SyncSpec {
  name: string;
  action: ActionDefinition;
  mode: string;
  primaryKey: string[];
  mapping: Array<{ column: string; field: string }>;
  constants?: Record<string, unknown>;
  options: Record<string, unknown>;
}

export interface RunSummary {
  status: "succeeded" | "failed" | "dry-run";
  queried: number;
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
  invalid: number;
  rejected: number;
  succeeded: number;
  durationMs: number;
  rateLimitWaitMs: number;
  error?: string;
}

export type LoadProgress =
  | {
      type: "diff";
      sync: string;
      queried: number;
      added: number;
      changed: number;
      removed: number;
      unchanged: number;
    }
  | {
      type: "batch";
      sync: string;
      sent: number;
      succeeded: number;
      invalid: number;
      rejected: number;
      total: number;
    };

export interface RunSyncOptions {
  client: KlaviyoClient;
  sync: SyncSpec;
  /** Opens the model afresh for each pass. */
  openModel: () => Promise<ModelReader & { close(): Promise<void> }>;
  state: LoadStateStore;
  dryRun?: boolean;
  fullResync?: boolean;
  /** Fail the run when (invalid + rejected) / rows sent exceeds this fraction. */
  maxRejectRate?: number;
  /** Receives every invalid or rejected row (for the reject report). */
  onReject?: (row: { key: string; status: string; reason: string; payload: unknown }) => void;
  onProgress?: (e: LoadProgress) => void;
  logger?: Logger;
  signal?: AbortSignal;
  batchSize?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface RunSyncResult {
  runId: string;
  summary: RunSummary;
  /** Dry runs: up to three payloads that would be sent. */
  samples?: unknown[];
}

const SEP = "\u001f";

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let cur = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i] as string;
    const next = cur[p];
    if (next === undefined || next === null || typeof next !== "object") cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1] as string] = value;
}

/** Canonical JSON (sorted keys) so the same values always hash the same. */
function canonical(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === "bigint") return JSON.stringify(value.toString());
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object") {
    const keys = Object.keys(value as Record<string, unknown>).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Builds the key, mapped fields and hash of one model row. */
export function mapRow(sync: SyncSpec, row: ModelRow): LoadRow {
  const keyParts: string[] = [];
  for (const col of sync.primaryKey) {
    const v = row[col];
    keyParts.push(v === null || v === undefined ? "" : v instanceof Date ? v.toISOString() : String(v));
  }
  const fields: MappedFields = {};
  for (const { column, field } of sync.mapping) {
    const v = row[column];
    // A column the row does not have at all (a protocol record without that field; a model's
    // rows always have every column, null when empty) sets nothing, and so does not count in
    // the hash either.
    if (v === undefined) continue;
    fields[field] = v instanceof Date ? v.toISOString() : typeof v === "bigint" ? Number(v) : v;
  }
  for (const [field, v] of Object.entries(sync.constants ?? {})) fields[field] = v;
  // Nested form for actions (`location.city` → { location: { city } }) is built by the actions
  // from these flat paths; the hash covers the flat, normalised values.
  const hash = createHash("sha256").update(canonical(fields)).digest("base64url").slice(0, 22);
  return { key: keyParts.join(SEP), source: row, fields, hash };
}

export { setPath as setFieldPath };

/** Rows the engine validated (action.validate) before handing them to perform. */
const validatedRows = new WeakSet<LoadRow>();

/** Marks a row as validated by the engine (perform need not check it again). */
export function markValidated(row: LoadRow): void {
  validatedRows.add(row);
}

/**
 * Whether the engine already ran the action's validate on this row (and it passed): perform
 * skips its own check then. Rows handed to perform by anything else are checked there.
 */
export function wasValidated(row: LoadRow): boolean {
  return validatedRows.has(row);
}

/**
 * Runs one sync. When an action finds that what the sync confirmed before is gone from Klaviyo
 * (the list it adds to was deleted while it ran, see ActionContext.requestResync), the run ends
 * and the sync runs once more as a full resync, so Klaviyo ends holding every row again.
 */
export async function runSync(opts: RunSyncOptions): Promise<RunSyncResult> {
  let resync: string | undefined;
  const first = await runSyncOnce(opts, (reason) => {
    resync ??= reason;
  });
  if (resync === undefined || opts.dryRun) return first;
  const logger = opts.logger ?? opts.client.core.config.logger;
  logger.warn(`sync ${opts.sync.name}: ${resync}; sending every row again (a full resync)`);
  let again: string | undefined;
  const second = await runSyncOnce({ ...opts, fullResync: true }, (reason) => {
    again ??= reason;
  });
  if (again !== undefined)
    throw new ConfigError(
      `Sync ${opts.sync.name}: ${again}, and again while every row was being sent once more. Something keeps deleting it: stop that, then run the sync with --full-resync.`,
    );
  return second;
}

async function runSyncOnce(
  opts: RunSyncOptions,
  requestResync: (reason: string) => void,
): Promise<RunSyncResult> {
  const { sync, state, client } = opts;
  // The CLI gives the client its logger: the engine's warnings (a lock taken over, rows that
  // changed between the reads) go to the same place unless a logger is given.
  const logger = opts.logger ?? client.core.config.logger;
  const started = Date.now();
  const waitBefore = client.stats.budgetWaitMs + client.stats.backoffWaitMs;
  const batchSize = opts.batchSize ?? 5000;
  const summary: RunSummary = {
    status: opts.dryRun ? "dry-run" : "succeeded",
    queried: 0,
    added: 0,
    changed: 0,
    removed: 0,
    unchanged: 0,
    invalid: 0,
    rejected: 0,
    succeeded: 0,
    durationMs: 0,
    rateLimitWaitMs: 0,
  };
  if (!opts.dryRun) {
    const taken = (await state.lock(sync.name)) as
      | { tookOverFrom?: { pid: number; hostname: string; startedAt: string } }
      | undefined;
    // A run killed with kill -9 (or by the OOM killer) leaves its lock behind; the store takes it
    // over once that run is known to be gone. Say so, so the takeover never goes unnoticed.
    const from = taken?.tookOverFrom;
    if (from)
      logger.warn(
        `sync ${sync.name}: took over the lock left by a run that is no longer running (pid ${from.pid} on ${from.hostname}, since ${from.startedAt}); that run is recorded as interrupted, and the rows it did not confirm are sent again`,
      );
  }
  const runId = opts.dryRun
    ? "dry-run"
    : await state.startRun(sync.name, { action: sync.action.name, mode: sync.mode });
  const samples: unknown[] = [];
  try {
    if (opts.fullResync && !opts.dryRun) await state.reset(sync.name);

    // Pass 1: keys and hashes into the diff.
    const model1 = await opts.openModel();
    let queried = 0;
    const pairs = async function* () {
      for await (const batch of model1.rows(batchSize)) {
        opts.signal?.throwIfAborted();
        queried += batch.length;
        yield batch.map((r) => {
          const m = mapRow(sync, r);
          return { key: m.key, hash: m.hash };
        });
      }
    };
    let diff: Awaited<ReturnType<LoadStateStore["diff"]>>;
    try {
      diff = await state.diff(sync.name, pairs());
      // Unreadable lines of a file model are invalid rows: reported, never sent.
      const unreadable = model1.rejects ? await model1.rejects(1000) : undefined;
      if (unreadable && unreadable.count > 0) {
        summary.invalid += unreadable.count;
        for (const r of unreadable.rows) {
          opts.onReject?.({ key: `line ${r.line}`, status: "invalid", reason: r.reason, payload: r.text });
        }
      }
    } finally {
      await model1.close();
    }
    summary.queried = queried;
    if (diff.duplicates.length > 0) {
      const shown = diff.duplicates.slice(0, 20).map((k) => k.split(SEP).join(", "));
      throw new ConfigError(
        `Sync ${sync.name}: the model has ${diff.duplicates.length} duplicate primary key value(s) (${sync.primaryKey.join(", ")}): ${shown.join("; ")}${diff.duplicates.length > 20 ? "; ..." : ""}. Nothing was sent. Make the primary key unique in the model.`,
      );
    }
    summary.added = diff.added.length;
    summary.changed = diff.changed.length;
    summary.unchanged = diff.unchanged;
    const mirror = sync.mode === "mirror";
    // Rows that left the model (and, for mirror, Klaviyo ids replaced earlier and not yet removed).
    summary.removed = mirror ? diff.removed.length : 0;
    const recordOptions = { keepReplaced: mirror };
    opts.onProgress?.({
      type: "diff",
      sync: sync.name,
      queried,
      added: summary.added,
      changed: summary.changed,
      removed: summary.removed,
      unchanged: summary.unchanged,
    });

    // The rows to send; true for the keys the snapshot does not hold yet (recorded without a join).
    const wanted = new Map<string, boolean>();
    for (const key of diff.added) wanted.set(key, true);
    for (const key of diff.changed) wanted.set(key, false);
    const ctx: ActionContext = {
      client,
      sync: sync.name,
      options: sync.options,
      mode: sync.mode,
      memory: state.memory(sync.name),
      logger,
      ...(opts.signal ? { signal: opts.signal } : {}),
      now: opts.now ?? Date.now,
      sleep: opts.sleep ?? ((ms, signal) => client.core.config.clock.sleep(ms, signal)),
      requestResync,
    };
    const total = wanted.size;
    let sent = 0;
    const reject = (o: RowOutcome, payload: unknown) => {
      opts.onReject?.({ key: o.key, status: o.status, reason: o.reason ?? "", payload });
    };

    // Pass 2: only the rows that changed. Actions whose batches are independent may have a few
    // batches in flight (limits.inFlight): the next batch is built and sent while the previous
    // one waits for its response or for its outcomes to be recorded. A batch's outcomes go to the
    // state once its own response is in; outcomes that arrive while a record is running are
    // recorded together by the next one (one transaction), so a slow record does not hold the
    // requests back. A row is marked synced only after Klaviyo confirmed it, whatever else is
    // in flight; a run that fails waits for the batches in flight and records what they confirmed.
    if (wanted.size > 0) {
      const model2 = await opts.openModel();
      const inFlight = opts.dryRun ? 1 : Math.max(1, Math.floor(sync.action.limits.inFlight ?? 1));
      // Batches sent and not yet recorded, at most (memory: each holds its rows): those in flight
      // and one waiting for its record; one at a time without inFlight (as before).
      const unrecordedMax = inFlight === 1 ? 1 : inFlight + 1;
      type Recorded = Parameters<LoadStateStore["record"]>[1][number];
      const performing = new Set<Promise<void>>();
      let queue: Array<{ outcomes: Recorded[]; rows: number; batches: number }> = [];
      let writer: Promise<void> | undefined;
      let unrecorded = 0;
      let failed: { error: unknown } | undefined;
      let recordFailed = false;
      const startWriter = () => {
        if (writer || queue.length === 0 || recordFailed) return;
        const w: Promise<void> = (async () => {
          while (queue.length > 0) {
            const groups = queue;
            queue = [];
            if (!opts.dryRun)
              await state.record(
                sync.name,
                groups.flatMap((g) => g.outcomes),
                recordOptions,
              );
            for (const g of groups) {
              unrecorded -= g.batches;
              if (g.batches === 0) continue;
              sent += g.rows;
              opts.onProgress?.({
                type: "batch",
                sync: sync.name,
                sent,
                succeeded: summary.succeeded,
                invalid: summary.invalid,
                rejected: summary.rejected,
                total,
              });
            }
          }
        })().then(
          () => {
            writer = undefined;
            startWriter();
          },
          (error: unknown) => {
            writer = undefined;
            recordFailed = true;
            failed ??= { error };
          },
        );
        writer = w;
      };
      const enqueue = (outcomes: Recorded[], rows: number, batches: number) => {
        queue.push({ outcomes, rows, batches });
        startWriter();
      };
      /** Waits while `busy()`; throws the first failure. */
      const waitWhile = async (busy: () => boolean) => {
        while (busy() && !failed) {
          const all: Array<Promise<void>> = [...performing, ...(writer ? [writer] : [])];
          if (all.length === 0) break;
          await Promise.race(all);
        }
        if (failed) throw failed.error;
      };
      try {
        let pending: LoadRow[] = [];
        const added = new Set<string>();
        const send = async (batch: LoadRow[]) => {
          const byKey = new Map(batch.map((r) => [r.key, r]));
          let outcomes: RowOutcome[];
          if (opts.dryRun) {
            outcomes = batch.map((r) => ({ key: r.key, status: "succeeded" as const, payload: r.fields }));
            for (const r of batch) if (samples.length < 3) samples.push(r.fields);
          } else {
            outcomes = await sync.action.perform(batch, ctx);
          }
          for (const o of outcomes) {
            if (o.status === "succeeded") summary.succeeded++;
            else {
              if (o.status === "rejected") summary.rejected++;
              else summary.invalid++;
              reject(o, o.payload ?? byKey.get(o.key)?.fields);
            }
          }
          enqueue(
            outcomes.map((o) => {
              const row = byKey.get(o.key);
              const fresh = added.delete(o.key);
              return {
                ...o,
                ...(row ? { hash: row.hash, fields: row.fields } : {}),
                ...(fresh ? { added: true } : {}),
              };
            }),
            batch.length,
            1,
          );
        };
        const flush = async () => {
          if (pending.length === 0) return;
          const batch = pending;
          pending = [];
          unrecorded++;
          const task: Promise<void> = send(batch).then(
            () => {
              performing.delete(task);
            },
            (error: unknown) => {
              performing.delete(task);
              unrecorded--;
              failed ??= { error };
            },
          );
          performing.add(task);
          await waitWhile(() => performing.size >= inFlight || unrecorded >= unrecordedMax);
        };
        const invalidBuffer: Array<RowOutcome & { added: boolean }> = [];
        for await (const rows of model2.rows(batchSize)) {
          opts.signal?.throwIfAborted();
          if (failed) throw failed.error;
          for (const r of rows) {
            const m = mapRow(sync, r);
            const isNew = wanted.get(m.key);
            if (isNew === undefined) continue; // unchanged, or a duplicate read
            wanted.delete(m.key);
            const reason = sync.action.validate(m, ctx);
            if (reason) {
              summary.invalid++;
              const o = { key: m.key, status: "invalid" as const, reason, payload: m.fields, added: isNew };
              invalidBuffer.push(o);
              reject(o, m.fields);
              continue;
            }
            markValidated(m);
            if (isNew) added.add(m.key);
            pending.push(m);
            if (pending.length >= sync.action.limits.maxRows) await flush();
          }
          if (invalidBuffer.length > 0 && !opts.dryRun) enqueue(invalidBuffer.splice(0), 0, 0);
        }
        await flush();
        if (invalidBuffer.length > 0 && !opts.dryRun) enqueue(invalidBuffer.splice(0), 0, 0);
        await waitWhile(() => performing.size > 0 || writer !== undefined || queue.length > 0);
      } finally {
        // On a failure, the batches still in flight finish, and what Klaviyo confirmed is
        // recorded, before the run ends.
        while (performing.size > 0 || writer !== undefined) {
          await Promise.all([...performing, ...(writer ? [writer] : [])]);
          startWriter();
        }
        await model2.close();
      }
      if (wanted.size > 0)
        logger.warn("rows changed between the two reads of the model; they will be sent next run", {
          count: wanted.size,
        });
    }

    // Mirror: take off what no row of the model holds any more. Planned only now, after the adds
    // are recorded, so that a profile another row still holds (two rows on one profile, a row
    // whose key changed, emails swapped) or that this run just added is never removed.
    // Old ids replaced in earlier runs are in diff.removed (never in the model); new ones come only
    // from changed rows: with neither, there is nothing to plan.
    if (mirror && !opts.dryRun && (diff.removed.length > 0 || diff.changed.length > 0)) {
      opts.signal?.throwIfAborted();
      const plan = await state.planRemovals(
        sync.name,
        diff.removed.map((r) => r.key),
      );
      await state.forget(sync.name, plan.held);
      if (plan.remove.length > 0 && !sync.action.remove)
        throw new ConfigError(`Action ${sync.action.name} does not support mode ${sync.mode}.`);
      for (let i = 0; i < plan.remove.length; i += sync.action.limits.maxRows) {
        opts.signal?.throwIfAborted();
        const chunk = plan.remove.slice(i, i + sync.action.limits.maxRows);
        const outcomes = await (sync.action.remove as NonNullable<ActionDefinition["remove"]>)(chunk, ctx);
        const gone = outcomes.filter((o) => o.status === "succeeded").map((o) => o.key);
        for (const o of outcomes)
          if (o.status !== "succeeded") reject(o, chunk.find((c) => c.key === o.key)?.fields);
        await state.forget(sync.name, gone);
      }
    }

    const attempted = summary.added + summary.changed;
    if (opts.maxRejectRate !== undefined && attempted > 0) {
      const rate = (summary.invalid + summary.rejected) / attempted;
      if (rate > opts.maxRejectRate) {
        summary.status = "failed";
        summary.error = `${Math.round(rate * 1000) / 10}% of the rows sent were invalid or rejected, above --max-reject-rate ${opts.maxRejectRate * 100}%.`;
      }
    }
    return { runId, summary, ...(opts.dryRun ? { samples } : {}) };
  } catch (err) {
    summary.status = "failed";
    summary.error = err instanceof Error ? err.message : String(err);
    throw err;
  } finally {
    summary.durationMs = Date.now() - started;
    summary.rateLimitWaitMs = client.stats.budgetWaitMs + client.stats.backoffWaitMs - waitBefore;
    if (!opts.dryRun) {
      await state
        .finishRun(runId, summary)
        .catch((e: unknown) => logger.warn("could not record the run", { error: String(e) }));
      await state.unlock(sync.name).catch(() => {});
    }
  }
}
