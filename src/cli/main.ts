/**
 * The `klaviyo-sync` command. Each subcommand lives in src/cli/commands/ and registers itself here.
 * `main(argv)` returns the exit code instead of exiting, so tests can run it in-process.
 */
import { pathToFileURL } from "node:url";
import { Command, CommanderError } from "commander";
import { registerAirbyteCommand } from "./commands/airbyte.js";
import { registerApiCommand } from "./commands/api.js";
import { registerCheckCommand } from "./commands/check.js";
import { registerDemoCommand } from "./commands/demo.js";
import { registerEmulatorCommand } from "./commands/emulator.js";
import { registerExtractCommands } from "./commands/extract.js";
import { registerLoadCommands } from "./commands/load.js";
import { registerSingerCommand } from "./commands/singer.js";
import { EXIT, reportError } from "./errors.js";
import { type Output, processOutput } from "./output.js";

export interface CliContext {
  output: Output;
  env: Record<string, string | undefined>;
  /** Set by a command: the exit code to return. */
  exitCode: number;
}

export interface GlobalOptions {
  baseUrl?: string;
  rateLimits?: string;
  debug?: boolean;
  verbose?: boolean;
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command();
  program
    .name("klaviyo-sync")
    .description(
      "Move data between Klaviyo and your warehouse: typed API client, extract, load and a local Klaviyo emulator.\nCredentials come from KLAVIYO_API_KEY (a private key, pk_...); KLAVIYO_BASE_URL points at another server such as the emulator.",
    )
    .option("--base-url <url>", "Klaviyo API base URL (default: $KLAVIYO_BASE_URL or https://a.klaviyo.com)")
    .option(
      "--rate-limits <mode>",
      "real (default), off, or a factor like 10x to match an emulator's scaled limits",
    )
    .option("--verbose", "log each request and retry to stderr")
    .option("--debug", "show stack traces and debug logs (secrets stay masked)")
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.output.out(s),
      writeErr: (s) => ctx.output.err(s),
    });
  registerCheckCommand(program, ctx);
  registerApiCommand(program, ctx);
  registerEmulatorCommand(program, ctx);
  registerDemoCommand(program, ctx);
  registerExtractCommands(program, ctx);
  registerLoadCommands(program, ctx);
  registerAirbyteCommand(program, ctx);
  registerSingerCommand(program, ctx);
  return program;
}

export async function main(
  argv: string[],
  output: Output = processOutput,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const ctx: CliContext = { output, env, exitCode: EXIT.ok };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv);
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end with exitCode 0; usage errors were already printed by commander.
      return err.exitCode === 0 ? EXIT.ok : EXIT.config;
    }
    return reportError(err, output, argv.includes("--debug"));
  }
}

// Run directly (`tsx src/cli/main.ts ...`), as the tests and development do.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await main(process.argv);
}
