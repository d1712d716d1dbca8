import type { Command } from "commander";
import { ConfigError } from "../../client/errors.js";
import { createClient } from "../../client/index.js";
import { loadExtractConfig, quickExtractConfig } from "../../config/index.js";
import type { ExtractConfig } from "../../config/resolve.js";
import { runExtract, tableColumns } from "../../extract/runner.js";
import { STREAM_NAMES, STREAMS } from "../../extract/streams/index.js";
import { createTarget } from "../../extract/targets/index.js";
import { parseRateLimits } from "../client.js";
import { EXIT } from "../errors.js";
import { createCliLogger } from "../logger.js";
import type { CliContext, GlobalOptions } from "../main.js";
import { createProgressReporter } from "../progress.js";

interface ExtractFlags {
  config?: string;
  streams?: string;
  target?: string;
  mode?: string;
  startDate?: string;
  lookback?: string;
  object?: string;
  concurrency?: string;
  dryRun?: boolean;
  logFormat?: string;
}

const streamOptions = (name: string) => Object.keys(STREAMS.find((s) => s.name === name)?.options ?? {});

async function resolveConfig(
  flags: ExtractFlags,
  ctx: CliContext,
  global: GlobalOptions,
): Promise<ExtractConfig> {
  if (flags.config) {
    if (flags.streams || flags.target || flags.mode || flags.startDate || flags.lookback) {
      throw new ConfigError(
        "Use either --config FILE or the quick flags (--streams, --target, ...), not both.",
      );
    }
    return await loadExtractConfig(flags.config, { env: ctx.env, streamNames: STREAM_NAMES, streamOptions });
  }
  return quickExtractConfig(
    {
      ...(flags.streams === undefined ? {} : { streams: flags.streams }),
      target: flags.target ?? "duckdb:./klaviyo.duckdb",
      ...(flags.mode === undefined ? {} : { mode: flags.mode }),
      ...(flags.startDate === undefined ? {} : { startDate: flags.startDate }),
      ...(flags.lookback === undefined ? {} : { lookback: flags.lookback }),
      ...(flags.object === undefined ? {} : { object: flags.object }),
      ...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
      ...(global.baseUrl === undefined ? {} : { baseUrl: global.baseUrl }),
      ...(global.rateLimits === undefined ? {} : { rateLimits: global.rateLimits }),
    },
    { env: ctx.env, streamNames: STREAM_NAMES },
  );
}

export function registerExtractCommands(program: Command, ctx: CliContext): void {
  program
    .command("extract")
    .description("Extract Klaviyo streams into DuckDB, PostgreSQL or files, incrementally and resumably.")
    .option("-c, --config <file>", "extract.yaml (source, target, defaults, streams)")
    .option("--streams <names>", "comma-separated streams, or all")
    .option(
      "--target <target>",
      "duckdb:PATH, postgres://..., or file:DIR?format=jsonl|csv|parquet (default duckdb:./klaviyo.duckdb)",
    )
    .option("--mode <mode>", "full-refresh or incremental (default: each stream's own)")
    .option("--start-date <date>", "first incremental run reads from this date")
    .option("--lookback <duration>", "re-read this far behind the cursor, e.g. 1h")
    .option("--object <template>", "table name template, e.g. klaviyo_{stream_name}")
    .option("--concurrency <n>", "streams read at once (default 4)")
    .option("--dry-run", "show the plan (streams, modes, cursors, first requests) and read nothing")
    .option("--log-format <format>", "text (default) or json, on stderr")
    .addHelpText(
      "after",
      `
Examples:
  klaviyo-sync extract --streams profiles,events --target duckdb:./klaviyo.duckdb
  klaviyo-sync extract --config extract.yaml
  klaviyo-sync extract --streams all --target "postgres://etl@db.internal:5432/warehouse" --dry-run

Each page is committed with the stream's state in the target (_klaviyo_sync_state), so a run that
is stopped or killed resumes where it left off. Exit code 0: every stream ok; 4: some streams
failed (the others finished; see the summary); 2: configuration problem.`,
    )
    .action(async (flags: ExtractFlags, cmd: Command) => {
      const global = cmd.optsWithGlobals() as GlobalOptions;
      const config = await resolveConfig(flags, ctx, global);
      const logFormat = flags.logFormat ?? "text";
      if (logFormat !== "text" && logFormat !== "json")
        throw new ConfigError(`--log-format must be text or json; got "${logFormat}".`);
      const rateLimit = parseRateLimits(config.source.rateLimits ?? global.rateLimits);
      const client = createClient({
        apiKey: config.source.apiKey,
        ...(config.source.baseUrl
          ? { baseUrl: config.source.baseUrl }
          : global.baseUrl
            ? { baseUrl: global.baseUrl }
            : {}),
        ...(rateLimit ? { rateLimit } : {}),
        env: ctx.env,
        logger: createCliLogger(ctx.output, global.debug ? "debug" : global.verbose ? "info" : "warn"),
      });
      const target = createTarget(config.targetSpec);
      const progress = createProgressReporter(ctx.output, {
        tty: logFormat === "text" && process.stderr.isTTY === true,
        format: logFormat as "text" | "json",
        streams: config.streams.map((s) => s.name),
      });
      progress.waitStats(() => client.stats);
      const controller = new AbortController();
      const stop = () => controller.abort(new Error("interrupted"));
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      try {
        await target.open();
        const result = await runExtract({
          client,
          target,
          streams: config.streams,
          ...(config.concurrency ? { concurrency: config.concurrency } : {}),
          signal: controller.signal,
          onProgress: (e) => progress.onProgress(e),
          ...(flags.dryRun ? { dryRun: true } : {}),
        });
        if (result.plan) {
          ctx.output.out(JSON.stringify({ target: config.targetSpec.display, plan: result.plan }, null, 2));
          return;
        }
        progress.finish(result.results);
        if (result.results.some((r) => r.status === "failed")) ctx.exitCode = EXIT.api;
      } finally {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        await target.close();
        await client.close();
      }
    });

  program
    .command("discover")
    .description("List the streams klaviyo-sync can extract, with their keys, cursors, modes and columns.")
    .option("--json", "print JSON")
    .action((opts: { json?: boolean }) => {
      const streams = STREAMS.map((s) => ({
        name: s.name,
        description: s.description,
        operation: s.operation,
        primaryKey: s.primaryKey,
        cursor: s.cursor?.field ?? null,
        defaultMode: s.defaultMode,
        parent: s.parent?.stream ?? null,
        options: Object.keys(s.options ?? {}),
        columns: tableColumns(s),
      }));
      if (opts.json) {
        ctx.output.out(JSON.stringify(streams, null, 2));
        return;
      }
      const rows = streams.map((s) => [
        s.name,
        s.defaultMode,
        s.primaryKey.join("+"),
        s.cursor ?? "-",
        s.parent ?? "-",
        String(s.columns.length),
      ]);
      const head = ["stream", "default mode", "primary key", "cursor", "parent", "columns"];
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
      const line = (r: string[]) => r.map((v, i) => v.padEnd(widths[i] as number)).join("  ");
      ctx.output.out([line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n"));
      ctx.output.out("\nColumns per stream: klaviyo-sync discover --json");
    });
}
