import { createWriteStream, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import type { Command } from "commander";
import { ConfigError, KlaviyoError } from "../../client/errors.js";
import { createClient } from "../../client/index.js";
import { type LoadConfig, loadLoadConfig } from "../../config/load.js";
import { ACTIONS, getAction } from "../../load/actions/index.js";
import { type ModelReader, type RunSummary, runSync } from "../../load/engine.js";
import { openModel } from "../../load/models/index.js";
import {
  DEFAULT_STATE_PATH,
  type LoadState,
  openLoadState,
  openStateAt,
  SyncLockedError,
  sharedSourceDatabase,
} from "../../load/state/index.js";
import { redact } from "../../util/redact.js";
import { parseRateLimits } from "../client.js";
import { EXIT } from "../errors.js";
import { createLoadProgressReporter, type LoadProgressReporter } from "../load-progress.js";
import { createCliLogger } from "../logger.js";
import type { CliContext, GlobalOptions } from "../main.js";
import type { Output } from "../output.js";

interface LoadFlags {
  config: string;
  sync?: string;
  dryRun?: boolean;
  fullResync?: boolean;
  maxRejectRate?: string;
  rejects?: string;
  logFormat?: string;
  releaseLock?: boolean;
}

interface RunsFlags {
  state?: string;
  config?: string;
}

/** Opens the state `runs` commands read: --state FILE, --config FILE (wherever it keeps it), or the default file. */
async function openRunsState(
  flags: RunsFlags,
  ctx: CliContext,
): Promise<{ state: LoadState; where: string }> {
  if (flags.state !== undefined && flags.config !== undefined) {
    throw new ConfigError("Use either --state FILE or --config FILE, not both.");
  }
  if (flags.config === undefined) {
    const path = flags.state ?? DEFAULT_STATE_PATH;
    // Reading runs never creates a state file (a mistyped path would leave an empty one behind).
    if (!existsSync(path))
      throw new ConfigError(
        `No load state at ${path}: no load has recorded runs there. Pass the state file a load.yaml names with --state FILE, or the load.yaml itself with --config FILE.`,
      );
    return { state: await openLoadState(path), where: path };
  }
  const config = await loadConfigForState(flags.config, ctx);
  return { state: await openStateAt(config.stateLocation, config.sourceSpec), where: config.state };
}

/** The config, for commands that only use its state (no API key needed). */
async function loadConfigForState(path: string, ctx: CliContext): Promise<LoadConfig> {
  const actions = Object.fromEntries(ACTIONS.map((a) => [a.name, a]));
  // The state needs no API key; the config may still name one through ${KLAVIYO_API_KEY}.
  const env = { ...ctx.env, KLAVIYO_API_KEY: ctx.env.KLAVIYO_API_KEY ?? "pk_not_needed_to_read_runs" };
  return loadLoadConfig(path, { env, actions });
}

/**
 * `load --release-lock`: releases one sync's lock by force, after saying who held it. For a lock
 * left by a run on another host (which this host cannot check); a run still known to be going (a
 * live process on this host, a PostgreSQL session still connected) is refused.
 */
async function releaseLock(flags: LoadFlags, ctx: CliContext): Promise<void> {
  if (flags.sync === undefined)
    throw new ConfigError("--release-lock needs --sync NAME: the sync whose lock to release.");
  if (flags.dryRun || flags.fullResync)
    throw new ConfigError("--release-lock only releases the lock; run the load again without it.");
  const config = await loadConfigForState(flags.config, ctx);
  if (!config.syncs.some((s) => s.name === flags.sync)) {
    throw new ConfigError(
      `No sync named "${flags.sync}" in ${flags.config}; it has: ${config.syncs.map((s) => s.name).join(", ")}.`,
    );
  }
  const state = await openStateAt(config.stateLocation, config.sourceSpec);
  try {
    const holder = await state.releaseLock(flags.sync);
    if (!holder) {
      ctx.output.out(`Sync "${flags.sync}" is not locked; nothing to release.`);
      return;
    }
    ctx.output.out(
      `Released the lock of sync "${flags.sync}" held by pid ${holder.pid} on ${holder.hostname} since ${holder.startedAt}; its runs still marked running are now interrupted. The next load sends the rows that run did not confirm.`,
    );
  } catch (err) {
    if (err instanceof SyncLockedError)
      throw new ConfigError(
        `Did not release the lock of sync "${flags.sync}": ${err.message.replace(/ Wait for that run to finish\./, "")} Wait for that run to finish instead.`,
      );
    throw err;
  } finally {
    await state.close();
  }
}

/**
 * Opens the reject report for appending (owner-only: it holds rows' values). Problems (a folder
 * that cannot be created, a path that is a folder) are configuration errors, found before anything
 * is sent.
 */
function openRejects(path: string): ReturnType<typeof createWriteStream> {
  let fd: number;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(path, "a", 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOTDIR" || code === "EEXIST"
        ? "a part of its folder path is a file"
        : code === "EISDIR"
          ? "it is a folder"
          : code === "EACCES" || code === "EPERM"
            ? "permission denied"
            : (code ?? (err as Error).message);
    throw new ConfigError(
      `Cannot write the reject report ${path} (--rejects): ${why}. Give a file path in a folder you can write to.`,
    );
  }
  const stream = createWriteStream("", { fd });
  // A write that fails later (disk full) must not crash the run: the report is a by-product.
  stream.on("error", () => {});
  return stream;
}

/** The model of one sync, reporting the first pass's progress (rows read, then the diff) and when the second ends. */
function progressModel(
  config: LoadConfig,
  s: LoadConfig["syncs"][number],
  state: LoadState,
  progress: LoadProgressReporter,
  removing: () => boolean,
): () => Promise<ModelReader & { close(): Promise<void> }> {
  let passes = 0;
  return async () => {
    const duckdb = sharedSourceDatabase(state);
    const model = await openModel(config.source, s.model, {
      primaryKey: s.primaryKey,
      requiredColumns: s.mapping.map((m) => m.column),
      label: `sync ${s.name}`,
      ...(duckdb ? { duckdb } : {}),
    });
    const pass = ++passes;
    return {
      async *rows(batchSize: number) {
        let read = 0;
        for await (const batch of model.rows(batchSize)) {
          read += batch.length;
          if (pass === 1) progress.rowsRead(s.name, read);
          yield batch;
        }
        if (pass === 1) progress.phase(s.name, "diffing");
      },
      rejects: (limit?: number) => model.rejects(limit),
      async close() {
        await model.close();
        if (pass === 2 && removing()) progress.phase(s.name, "removing");
      },
    };
  };
}

function summaryLine(name: string, s: RunSummary): string {
  return `${name}: ${s.status}; queried ${s.queried}, added ${s.added}, changed ${s.changed}, removed ${s.removed}, unchanged ${s.unchanged}; succeeded ${s.succeeded}, invalid ${s.invalid}, rejected ${s.rejected}; ${(s.durationMs / 1000).toFixed(1)}s (${(s.rateLimitWaitMs / 1000).toFixed(1)}s waiting on rate limits)`;
}

export function registerLoadCommands(program: Command, ctx: CliContext): void {
  program
    .command("load")
    .description(
      "Sync warehouse rows into Klaviyo: profiles, events, orders, list membership, subscriptions, suppressions, deletions.",
    )
    .requiredOption("-c, --config <file>", "load.yaml (source, klaviyo, syncs)")
    .option("--sync <name>", "run only this sync")
    .option(
      "--dry-run",
      "read the model, diff and validate; print counts and sample payloads; send and record nothing",
    )
    .option("--full-resync", "forget what was synced before and send every row again")
    .option(
      "--max-reject-rate <fraction>",
      "fail (exit 4) when invalid + rejected rows exceed this fraction of the rows sent, e.g. 0.05",
    )
    .option(
      "--rejects <file>",
      "write invalid and rejected rows (key, status, reason, payload) as JSON lines to this file",
    )
    .option("--log-format <format>", "text (default) or json, on stderr")
    .option(
      "--release-lock",
      "release the lock of --sync NAME left by a run on another host that is gone (prints who held it), then exit",
    )
    .addHelpText(
      "after",
      `
Actions: ${ACTIONS.map((a) => `${a.name} (${a.modes.join(", ")})`).join("; ")}.
Only added and changed rows are sent; a row counts as synced only when Klaviyo confirmed it.
A lock left by a killed run on this host is taken over (with a warning); one left by a run on another
host that is gone: klaviyo-sync load --config FILE --sync NAME --release-lock.
On a terminal, progress is a live view per sync; otherwise [load] lines (or JSON with --log-format json).
Runs are recorded: klaviyo-sync runs list | klaviyo-sync runs show ID (--config FILE for state: source).`,
    )
    .action(async (flags: LoadFlags, cmd: Command) => {
      if (flags.releaseLock) return releaseLock(flags, ctx);
      const global = cmd.optsWithGlobals() as GlobalOptions;
      const actions = Object.fromEntries(ACTIONS.map((a) => [a.name, a]));
      const config = await loadLoadConfig(flags.config, { env: ctx.env, actions });
      const syncs = flags.sync ? config.syncs.filter((s) => s.name === flags.sync) : config.syncs;
      if (flags.sync && syncs.length === 0) {
        throw new ConfigError(
          `No sync named "${flags.sync}" in ${flags.config}; it has: ${config.syncs.map((s) => s.name).join(", ")}.`,
        );
      }
      const logFormat = flags.logFormat ?? "text";
      if (logFormat !== "text" && logFormat !== "json")
        throw new ConfigError(`--log-format must be text or json; got "${logFormat}".`);
      let maxRejectRate: number | undefined;
      if (flags.maxRejectRate !== undefined) {
        maxRejectRate = Number(flags.maxRejectRate);
        if (!(maxRejectRate >= 0 && maxRejectRate <= 1))
          throw new ConfigError(
            `--max-reject-rate must be a fraction between 0 and 1; got "${flags.maxRejectRate}".`,
          );
      }
      const live = logFormat === "text" && process.stderr.isTTY === true;
      const progress = createLoadProgressReporter(ctx.output, {
        tty: live,
        format: logFormat,
        syncs: syncs.map((s) => s.name),
        ...(process.stderr.columns ? { columns: process.stderr.columns } : {}),
      });
      // Messages go above the live view; results wait until it is replaced by the summary table.
      const deferred: string[] = [];
      const out = (text: string) => (live ? deferred.push(text) : ctx.output.out(text));
      const messages: Output = { out: ctx.output.out, err: (text) => progress.log(text) };
      const rateLimit = parseRateLimits(config.klaviyo.rateLimits ?? global.rateLimits);
      const client = createClient({
        apiKey: config.klaviyo.apiKey,
        ...(config.klaviyo.baseUrl
          ? { baseUrl: config.klaviyo.baseUrl }
          : global.baseUrl
            ? { baseUrl: global.baseUrl }
            : {}),
        ...(rateLimit ? { rateLimit } : {}),
        env: ctx.env,
        logger: createCliLogger(messages, global.debug ? "debug" : global.verbose ? "info" : "warn"),
      });
      progress.waitStats(() => client.stats);
      let state: LoadState;
      try {
        state = await openStateAt(config.stateLocation, config.sourceSpec);
      } catch (err) {
        await client.close();
        throw err;
      }
      let rejects: ReturnType<typeof createWriteStream> | undefined;
      if (flags.rejects) {
        try {
          rejects = openRejects(flags.rejects);
        } catch (err) {
          await state.close();
          await client.close();
          throw err;
        }
      }
      const controller = new AbortController();
      const stop = () => controller.abort(new Error("interrupted"));
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      try {
        for (const s of syncs) {
          await runOne(s);
        }
      } catch (err) {
        // Another run of the same sync holds its lock: a usage problem, not a crash.
        if (err instanceof SyncLockedError) throw new ConfigError(err.messageFor(flags.config));
        throw err;
      } finally {
        progress.finish();
        for (const text of deferred) ctx.output.out(text);
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        // Every line is on disk when the command returns (callers in this process read it).
        if (rejects) {
          const stream = rejects;
          await new Promise<void>((resolve) => stream.end(resolve));
        }
        await state.close();
        await client.close();
      }
      async function runOne(s: (typeof syncs)[number]): Promise<void> {
        {
          const action = getAction(s.action);
          if (!action) throw new ConfigError(`Unknown action ${s.action}.`);
          const options = {
            ...s.options,
            ...(s.identifyBy && !("identify_by" in s.options) ? { identify_by: s.identifyBy } : {}),
          };
          progress.start(s.name, {
            action: s.action,
            mode: s.mode,
            ...(flags.dryRun ? { dryRun: true } : {}),
          });
          let removing = false;
          let result: Awaited<ReturnType<typeof runSync>>;
          try {
            result = await runSync({
              client,
              sync: {
                name: s.name,
                action,
                mode: s.mode,
                primaryKey: s.primaryKey,
                mapping: s.mapping,
                constants: s.constants,
                options,
              },
              state,
              openModel: progressModel(config, s, state, progress, () => removing),
              ...(flags.dryRun ? { dryRun: true } : {}),
              ...(flags.fullResync ? { fullResync: true } : {}),
              ...(maxRejectRate === undefined ? {} : { maxRejectRate }),
              signal: controller.signal,
              onReject: (r) => {
                progress.rejected(s.name);
                rejects?.write(`${redact(JSON.stringify({ sync: s.name, ...r }))}\n`);
              },
              onProgress: (e) => {
                // mirror also takes off the old profiles of changed rows.
                if (e.type === "diff") removing = e.removed > 0 || (s.mode === "mirror" && e.changed > 0);
                progress.onProgress(e);
              },
              // Actions sleep only while they wait on Klaviyo jobs (profile imports, suppressions).
              sleep: (ms, signal) => {
                progress.phase(s.name, "polling");
                return client.core.config.clock.sleep(ms, signal);
              },
            });
          } catch (err) {
            progress.end(s.name, { error: err instanceof Error ? err : new Error(String(err)) });
            // A failure from Klaviyo (a revoked key, an outage) stops the sync part-way: say what
            // was kept. Configuration problems say what to fix on their own.
            if (err instanceof KlaviyoError && !(err instanceof ConfigError))
              err.message = `Sync ${s.name} stopped: ${err.message.replace(/\s*$/, "")} The rows Klaviyo confirmed before are recorded (klaviyo-sync runs list); the next run sends only the others.`;
            throw err;
          }
          progress.end(s.name, {
            summary: result.summary,
            ...(result.runId === "dry-run" ? {} : { runId: result.runId }),
          });
          out(summaryLine(s.name, result.summary));
          if (result.samples && result.samples.length > 0) {
            out(redact(`sample payloads:\n${result.samples.map((p) => JSON.stringify(p)).join("\n")}`));
          }
          if (result.summary.status === "failed") {
            progress.log(`error: ${result.summary.error}`);
            ctx.exitCode = EXIT.api;
          }
        }
      }
    });

  const runs = program.command("runs").description("Show recorded load runs.");
  runs
    .command("list")
    .description("The most recent runs, newest first.")
    .option("--state <file>", `the load state file (default ${DEFAULT_STATE_PATH})`)
    .option("-c, --config <file>", "the load.yaml whose state to read (state: source keeps it in the source)")
    .option("--limit <n>", "how many", "20")
    .action(async (opts: RunsFlags & { limit: string }) => {
      const { state } = await openRunsState(opts, ctx);
      try {
        for (const r of await state.listRuns(Number(opts.limit) || 20)) {
          const s = r.summary;
          ctx.output.out(
            `${r.id}  ${r.sync}  ${r.status}  ${r.startedAt}${s ? `  sent ${s.added + s.changed}, succeeded ${s.succeeded}, invalid ${s.invalid}, rejected ${s.rejected}` : ""}`,
          );
        }
      } finally {
        await state.close();
      }
    });
  runs
    .command("show")
    .description("One run's full record as JSON.")
    .argument("<id>", "run id")
    .option("--state <file>", `the load state file (default ${DEFAULT_STATE_PATH})`)
    .option("-c, --config <file>", "the load.yaml whose state to read (state: source keeps it in the source)")
    .action(async (id: string, opts: RunsFlags) => {
      const { state, where } = await openRunsState(opts, ctx);
      try {
        const run = await state.getRun(id);
        if (!run) throw new ConfigError(`No run ${id} in ${redact(where)}: see klaviyo-sync runs list.`);
        ctx.output.out(JSON.stringify(run, null, 2));
      } finally {
        await state.close();
      }
    });
}
