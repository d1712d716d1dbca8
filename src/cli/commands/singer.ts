/**
 * `klaviyo-sync singer tap` and `klaviyo-sync singer target`: klaviyo-sync as a Singer tap (the
 * extract streams as SCHEMA, RECORD and STATE messages) and a Singer target (a Singer stream into
 * load actions), for Meltano and any other Singer runner. stdout carries only Singer output
 * (messages for the tap, state values for the target); logs go to stderr.
 */
import type { Command } from "commander";
import { ConfigError } from "../../client/errors.js";
import { openLoadState } from "../../load/state/index.js";
import { parseDestinationConfig, parseSourceConfig, readJsonFile } from "../../protocol/config.js";
import { OrderedSink, protocolLogger } from "../../protocol/extract.js";
import { parseSingerState, selectedStreams, singerCatalog } from "../../protocol/singer/catalog.js";
import { singerTap } from "../../protocol/singer/tap.js";
import { singerTarget } from "../../protocol/singer/target.js";
import { redact } from "../../util/redact.js";
import { EXIT } from "../errors.js";
import type { CliContext, GlobalOptions } from "../main.js";
import { logLevel, protocolClient, protocolOutput, withStopSignal } from "./protocol-shared.js";

interface TapFlags {
  config: string;
  state?: string;
  catalog?: string;
  properties?: string;
  discover?: boolean;
}

export function registerSingerCommand(program: Command, ctx: CliContext): void {
  const singer = program
    .command("singer")
    .description("Run as a Singer tap (extract) or target (load), e.g. under Meltano.")
    .addHelpText(
      "after",
      `
Examples:
  klaviyo-sync singer tap --config tap.json --discover > catalog.json
  klaviyo-sync singer tap --config tap.json --catalog catalog.json --state state.json
  klaviyo-sync singer tap --config tap.json | klaviyo-sync singer target --config target.json > state.json

See docs/protocols.md for the config and a meltano.yml.`,
    );
  const log = (message: string) => ctx.output.err(redact(message));

  singer
    .command("tap")
    .description(
      "Print the selected streams as Singer SCHEMA, RECORD and STATE messages (--discover: the catalog).",
    )
    .requiredOption("--config <file>", "tap config JSON (api_key, start_date, streams...)")
    .option("--state <file>", 'state JSON: {"bookmarks": {...}} as the last STATE carried')
    .option("--catalog <file>", "Singer catalog JSON with the streams to read selected")
    .option("--properties <file>", "the same as --catalog (older Singer runners)")
    .option("--discover", "print the catalog of every stream and exit")
    .action(async (flags: TapFlags, cmd: Command) => {
      const global = cmd.optsWithGlobals() as GlobalOptions;
      const config = parseSourceConfig(await readJsonFile(flags.config, "config"), {
        file: flags.config,
        env: ctx.env,
      });
      if (flags.discover) {
        ctx.output.out(JSON.stringify(singerCatalog(), null, 2));
        return;
      }
      const catalogFile = flags.catalog ?? flags.properties;
      if (flags.catalog && flags.properties)
        throw new ConfigError("Give --catalog or --properties, not both.");
      const selected = catalogFile
        ? selectedStreams(await readJsonFile(catalogFile, "catalog"), catalogFile)
        : undefined;
      const state = flags.state
        ? parseSingerState(await readJsonFile(flags.state, "state"), flags.state)
        : new Map();
      const level = logLevel(global);
      const client = protocolClient(
        ctx,
        global,
        config.klaviyo,
        protocolLogger((lvl, message) => log(`[${lvl}] ${message}`), level),
      );
      const sink = new OrderedSink(protocolOutput(ctx));
      try {
        const ok = await withStopSignal((signal) =>
          singerTap({
            client,
            config,
            ...(selected ? { selected } : {}),
            state,
            sink,
            log: (lvl, m) => {
              if (lvl === "warn" || level !== "warn") log(`[${lvl}] ${m}`);
            },
            signal,
          }),
        );
        if (!ok) ctx.exitCode = EXIT.api;
      } finally {
        await client.close();
      }
    });

  singer
    .command("target")
    .description(
      "Load a Singer stream from stdin into Klaviyo; print each state value once Klaviyo confirmed what it covers.",
    )
    .requiredOption("--config <file>", "target config JSON (api_key, streams: stream → action and mapping)")
    .action(async (flags: { config: string }, cmd: Command) => {
      const global = cmd.optsWithGlobals() as GlobalOptions;
      const config = parseDestinationConfig(await readJsonFile(flags.config, "config"), {
        file: flags.config,
        env: ctx.env,
      });
      const level = logLevel(global);
      const client = protocolClient(
        ctx,
        global,
        config.klaviyo,
        protocolLogger((lvl, message) => log(`[${lvl}] ${message}`), level),
      );
      const sink = new OrderedSink(protocolOutput(ctx));
      try {
        const state = await openLoadState(config.statePath);
        try {
          await withStopSignal((signal) =>
            singerTarget({
              client,
              config,
              state,
              input: process.stdin,
              sink,
              // Per-send lines with --verbose; invalid and rejected records and the summary always.
              log: (lvl, m) => {
                if (lvl !== "info" || level !== "warn") log(`[${lvl === "summary" ? "info" : lvl}] ${m}`);
              },
              signal,
            }),
          );
        } finally {
          await state.close();
        }
      } finally {
        await client.close();
      }
    });
}
