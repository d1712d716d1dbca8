import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Command } from "commander";
import { ConfigError } from "../../client/errors.js";
import { createClient } from "../../client/index.js";
import { loadLoadConfig } from "../../config/load.js";
import { ACTIONS, getAction } from "../../load/actions/index.js";
import { type RunSummary, runSync } from "../../load/engine.js";
import { openModel } from "../../load/models/index.js";
import { openLoadState, SyncLockedError } from "../../load/state/index.js";
import { redact } from "../../util/redact.js";
import { parseRateLimits } from "../client.js";
import { EXIT } from "../errors.js";
import { createCliLogger } from "../logger.js";
import type { CliContext, GlobalOptions } from "../main.js";

interface LoadFlags {
  config: string;
  sync?: string;
  dryRun?: boolean;
  fullResync?: boolean;
  maxRejectRate?: string;
  rejects?: string;
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
    .addHelpText(
      "after",
      `
Actions: ${ACTIONS.map((a) => `${a.name} (${a.modes.join(", ")})`).join("; ")}.
Only added and changed rows are sent; a row counts as synced only when Klaviyo confirmed it.
Runs are recorded: klaviyo-sync runs list | klaviyo-sync runs show ID.`,
    )
    .action(async (flags: LoadFlags, cmd: Command) => {
      const global = cmd.optsWithGlobals() as GlobalOptions;
      const actions = Object.fromEntries(ACTIONS.map((a) => [a.name, a]));
      const config = await loadLoadConfig(flags.config, { env: ctx.env, actions });
      const syncs = flags.sync ? config.syncs.filter((s) => s.name === flags.sync) : config.syncs;
      if (flags.sync && syncs.length === 0) {
        throw new ConfigError(
          `No sync named "${flags.sync}" in ${flags.config}; it has: ${config.syncs.map((s) => s.name).join(", ")}.`,
        );
      }
      let maxRejectRate: number | undefined;
      if (flags.maxRejectRate !== undefined) {
        maxRejectRate = Number(flags.maxRejectRate);
        if (!(maxRejectRate >= 0 && maxRejectRate <= 1))
          throw new ConfigError(
            `--max-reject-rate must be a fraction between 0 and 1; got "${flags.maxRejectRate}".`,
          );
      }
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
        logger: createCliLogger(ctx.output, global.debug ? "debug" : global.verbose ? "info" : "warn"),
      });
      const state = await openLoadState(config.state);
      let rejects: ReturnType<typeof createWriteStream> | undefined;
      if (flags.rejects) {
        mkdirSync(dirname(flags.rejects), { recursive: true });
        rejects = createWriteStream(flags.rejects, { flags: "a" });
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
        if (err instanceof SyncLockedError) throw new ConfigError(err.message);
        throw err;
      } finally {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        rejects?.end();
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
          const result = await runSync({
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
            openModel: () =>
              openModel(config.source, s.model, {
                primaryKey: s.primaryKey,
                requiredColumns: s.mapping.map((m) => m.column),
                label: `sync ${s.name}`,
              }),
            ...(flags.dryRun ? { dryRun: true } : {}),
            ...(flags.fullResync ? { fullResync: true } : {}),
            ...(maxRejectRate === undefined ? {} : { maxRejectRate }),
            signal: controller.signal,
            onReject: (r) => {
              rejects?.write(`${redact(JSON.stringify({ sync: s.name, ...r }))}\n`);
            },
            onProgress: (e) => {
              if (e.type === "diff") {
                ctx.output.err(
                  `[load] ${s.name}: ${e.queried} rows in the model; ${e.added} added, ${e.changed} changed, ${e.removed} removed, ${e.unchanged} unchanged`,
                );
              } else {
                ctx.output.err(
                  `[load] ${s.name}: ${e.sent}/${e.total} sent; ${e.succeeded} succeeded, ${e.invalid} invalid, ${e.rejected} rejected`,
                );
              }
            },
          });
          ctx.output.out(summaryLine(s.name, result.summary));
          if (result.samples && result.samples.length > 0) {
            ctx.output.out(
              redact(`sample payloads:\n${result.samples.map((p) => JSON.stringify(p)).join("\n")}`),
            );
          }
          if (result.summary.status === "failed") {
            ctx.output.err(`error: ${result.summary.error}`);
            ctx.exitCode = EXIT.api;
          }
        }
      }
    });

  const runs = program.command("runs").description("Show recorded load runs.");
  runs
    .command("list")
    .description("The most recent runs, newest first.")
    .option("--state <file>", "the load state file", ".klaviyo-sync/state.duckdb")
    .option("--limit <n>", "how many", "20")
    .action(async (opts: { state: string; limit: string }) => {
      const state = await openLoadState(opts.state);
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
    .option("--state <file>", "the load state file", ".klaviyo-sync/state.duckdb")
    .action(async (id: string, opts: { state: string }) => {
      const state = await openLoadState(opts.state);
      try {
        const run = await state.getRun(id);
        if (!run) throw new ConfigError(`No run ${id} in ${opts.state}: see klaviyo-sync runs list.`);
        ctx.output.out(JSON.stringify(run, null, 2));
      } finally {
        await state.close();
      }
    });
}
