/**
 * `klaviyo-sync airbyte spec|check|discover|read|write`: klaviyo-sync as an Airbyte connector.
 * stdout carries only Airbyte messages (one JSON object per line); logs are LOG messages, failures
 * ERROR traces with a failure type. `read` is the source; `write` is the destination; `spec`,
 * `check` and `discover` describe the source unless `--destination` is given (or
 * KLAVIYO_SYNC_AIRBYTE_ROLE=destination, as the destination image sets).
 */
import type { Command } from "commander";
import { ConfigError } from "../../client/errors.js";
import type { KlaviyoClient } from "../../client/index.js";
import { openLoadState } from "../../load/state/index.js";
import {
  airbyteWrite,
  destinationDiscoverMessage,
  destinationSpecMessage,
} from "../../protocol/airbyte/destination.js";
import {
  connectionStatusMessage,
  errorTraceMessage,
  logMessage,
  parseAirbyteState,
  parseConfiguredCatalog,
} from "../../protocol/airbyte/messages.js";
import { airbyteRead, sourceCatalogMessage, sourceSpecMessage } from "../../protocol/airbyte/source.js";
import { checkConnection } from "../../protocol/check.js";
import {
  type KlaviyoSettings,
  parseDestinationConfig,
  parseSourceConfig,
  readJsonFile,
} from "../../protocol/config.js";
import { OrderedSink, protocolLogger } from "../../protocol/extract.js";
import { errorMessage, failureType } from "../../protocol/failure.js";
import { EXIT, exitCodeFor } from "../errors.js";
import type { CliContext, GlobalOptions } from "../main.js";
import { logLevel, protocolClient, protocolOutput, withStopSignal } from "./protocol-shared.js";

interface AirbyteGlobal extends GlobalOptions {
  destination?: boolean;
}

type Side = "source" | "destination";

function sideOf(global: AirbyteGlobal, ctx: CliContext): Side {
  if (global.destination) return "destination";
  const role = ctx.env.KLAVIYO_SYNC_AIRBYTE_ROLE?.trim().toLowerCase();
  if (role === undefined || role === "" || role === "source") return "source";
  if (role === "destination") return "destination";
  throw new ConfigError(`KLAVIYO_SYNC_AIRBYTE_ROLE must be source or destination; got "${role}".`);
}

const LEVELS = { debug: "DEBUG", info: "INFO", warn: "WARN" } as const;

/**
 * Runs one subcommand: whatever stops it becomes an ERROR trace on stdout (never a bare line),
 * and the exit code says what kind of failure it was.
 */
async function run(ctx: CliContext, body: (sink: OrderedSink) => Promise<number>): Promise<void> {
  const sink = new OrderedSink(protocolOutput(ctx));
  try {
    ctx.exitCode = await body(sink);
  } catch (err) {
    ctx.exitCode = exitCodeFor(err) || EXIT.failure;
    await sink
      .write(
        errorTraceMessage(errorMessage(err), failureType(err), {
          internal: err instanceof Error ? err.name : "Error",
          ...(err instanceof Error && err.stack ? { stack: err.stack } : {}),
        }),
      )
      .catch(() => {});
  }
  try {
    await sink.drain();
  } catch (err) {
    // The reader of stdout went away: nothing more can be said there.
    ctx.output.err(`error: could not write to stdout: ${errorMessage(err)}`);
    ctx.exitCode = ctx.exitCode || EXIT.failure;
  }
}

function client(
  ctx: CliContext,
  global: GlobalOptions,
  klaviyo: KlaviyoSettings,
  sink: OrderedSink,
): KlaviyoClient {
  const logger = protocolLogger((level, message) => {
    sink.post(logMessage(LEVELS[level], message));
  }, logLevel(global));
  return protocolClient(ctx, global, klaviyo, logger);
}

export function registerAirbyteCommand(program: Command, ctx: CliContext): void {
  const airbyte = program
    .command("airbyte")
    .description(
      "Run as an Airbyte connector: read (source) and write (destination) speak the Airbyte protocol on stdin/stdout.",
    )
    .option(
      "--destination",
      "spec, check and discover describe the destination (default: the source; also KLAVIYO_SYNC_AIRBYTE_ROLE=destination)",
    )
    .addHelpText(
      "after",
      `
Examples:
  klaviyo-sync airbyte spec
  klaviyo-sync airbyte check --config source.json
  klaviyo-sync airbyte discover --config source.json
  klaviyo-sync airbyte read --config source.json --catalog configured_catalog.json --state state.json
  klaviyo-sync airbyte --destination discover --config destination.json
  klaviyo-sync airbyte read ... | klaviyo-sync airbyte write --config destination.json --catalog configured_catalog.json

stdout holds only Airbyte messages, one per line. See docs/protocols.md for the config and how to
run it in Airbyte.`,
    );

  airbyte
    .command("spec")
    .description(
      "Print the connector specification (SPEC): the config's JSON Schema, the API key marked secret.",
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const side = sideOf(cmd.optsWithGlobals() as AirbyteGlobal, ctx);
      await run(ctx, async (sink) => {
        await sink.write(side === "source" ? sourceSpecMessage() : destinationSpecMessage());
        return EXIT.ok;
      });
    });

  airbyte
    .command("check")
    .description("Check the config and the API key (CONNECTION_STATUS).")
    .requiredOption("--config <file>", "config JSON (see spec)")
    .action(async (opts: { config: string }, cmd: Command) => {
      const global = cmd.optsWithGlobals() as AirbyteGlobal;
      const side = sideOf(global, ctx);
      await run(ctx, async (sink) => {
        let klaviyo: KlaviyoSettings;
        let statePath: string | undefined;
        try {
          const raw = await readJsonFile(opts.config, "config");
          if (side === "source")
            klaviyo = parseSourceConfig(raw, { file: opts.config, env: ctx.env }).klaviyo;
          else {
            const config = parseDestinationConfig(raw, { file: opts.config, env: ctx.env });
            klaviyo = config.klaviyo;
            statePath = config.statePath;
          }
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          await sink.write(connectionStatusMessage("FAILED", errorMessage(err)));
          return EXIT.ok;
        }
        const c = client(ctx, global, klaviyo, sink);
        try {
          const result = await checkConnection(c, side);
          if (result.ok && statePath) {
            // The destination keeps its load state in a file: it must be writable here.
            try {
              const state = await openLoadState(statePath);
              await state.close();
            } catch (err) {
              await sink.write(
                connectionStatusMessage(
                  "FAILED",
                  `Cannot open the state file ${statePath}: ${errorMessage(err)}`,
                ),
              );
              return EXIT.ok;
            }
          }
          await sink.write(connectionStatusMessage(result.ok ? "SUCCEEDED" : "FAILED", result.message));
          return EXIT.ok;
        } finally {
          await c.close();
        }
      });
    });

  airbyte
    .command("discover")
    .description(
      "Print the CATALOG of streams (source) or the DESTINATION_CATALOG of load operations (--destination).",
    )
    .option("--config <file>", "config JSON; checked when given")
    .action(async (opts: { config?: string }, cmd: Command) => {
      const side = sideOf(cmd.optsWithGlobals() as AirbyteGlobal, ctx);
      await run(ctx, async (sink) => {
        if (opts.config) {
          const raw = await readJsonFile(opts.config, "config");
          if (side === "source") parseSourceConfig(raw, { file: opts.config, env: ctx.env });
          else parseDestinationConfig(raw, { file: opts.config, env: ctx.env });
        }
        await sink.write(side === "source" ? sourceCatalogMessage() : destinationDiscoverMessage());
        return EXIT.ok;
      });
    });

  airbyte
    .command("read")
    .description("Read the streams of the configured catalog: RECORD, STATE and TRACE messages.")
    .requiredOption("--config <file>", "source config JSON")
    .requiredOption("--catalog <file>", "ConfiguredAirbyteCatalog JSON")
    .option("--state <file>", "state JSON: an array of per-stream STATE messages")
    .action(async (opts: { config: string; catalog: string; state?: string }, cmd: Command) => {
      const global = cmd.optsWithGlobals() as AirbyteGlobal;
      await run(ctx, async (sink) => {
        const config = parseSourceConfig(await readJsonFile(opts.config, "config"), {
          file: opts.config,
          env: ctx.env,
        });
        const catalog = parseConfiguredCatalog(await readJsonFile(opts.catalog, "catalog"), opts.catalog);
        const state = opts.state
          ? parseAirbyteState(await readJsonFile(opts.state, "state"), opts.state)
          : new Map();
        const c = client(ctx, global, config.klaviyo, sink);
        try {
          const ok = await withStopSignal((signal) =>
            airbyteRead({ client: c, config, catalog, state, sink, signal }),
          );
          return ok ? EXIT.ok : EXIT.api;
        } finally {
          await c.close();
        }
      });
    });

  airbyte
    .command("write")
    .description(
      "Load the RECORD messages on stdin into Klaviyo; pass each STATE on once Klaviyo confirmed what it covers.",
    )
    .requiredOption("--config <file>", "destination config JSON")
    .requiredOption("--catalog <file>", "ConfiguredAirbyteCatalog JSON")
    .action(async (opts: { config: string; catalog: string }, cmd: Command) => {
      const global = cmd.optsWithGlobals() as AirbyteGlobal;
      await run(ctx, async (sink) => {
        const config = parseDestinationConfig(await readJsonFile(opts.config, "config"), {
          file: opts.config,
          env: ctx.env,
        });
        const catalog = parseConfiguredCatalog(await readJsonFile(opts.catalog, "catalog"), opts.catalog);
        const c = client(ctx, global, config.klaviyo, sink);
        try {
          const state = await openLoadState(config.statePath);
          try {
            await withStopSignal((signal) =>
              airbyteWrite({ client: c, config, catalog, state, input: process.stdin, sink, signal }),
            );
          } finally {
            await state.close();
          }
          return EXIT.ok;
        } finally {
          await c.close();
        }
      });
    });
}
