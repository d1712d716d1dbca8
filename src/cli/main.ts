/**
 * The `klaviyo-sync` command. Each subcommand lives in src/cli/commands/ and registers itself here.
 * `main(argv)` returns the exit code instead of exiting, so tests can run it in-process.
 */
import { pathToFileURL } from "node:url";
import { Command, CommanderError } from "commander";
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

type Register = (program: Command, ctx: CliContext) => void;

/**
 * The top-level commands and the modules that register them, in help order. Only the module of
 * the command being run is loaded (an extract does not load the load engine, the emulator or the
 * protocol adapters: about 5 MB of heap and 12 MB of memory less); help, or a name that is not a
 * command, loads them all.
 */
const COMMANDS: Array<[names: string[], load: () => Promise<Register>]> = [
  [["check"], async () => (await import("./commands/check.js")).registerCheckCommand],
  [["api"], async () => (await import("./commands/api.js")).registerApiCommand],
  [["emulator"], async () => (await import("./commands/emulator.js")).registerEmulatorCommand],
  [["demo"], async () => (await import("./commands/demo.js")).registerDemoCommand],
  [["extract", "discover"], async () => (await import("./commands/extract.js")).registerExtractCommands],
  [["load", "runs"], async () => (await import("./commands/load.js")).registerLoadCommands],
  [["airbyte"], async () => (await import("./commands/airbyte.js")).registerAirbyteCommand],
  [["singer"], async () => (await import("./commands/singer.js")).registerSingerCommand],
];

/** Global options that take a value (the word after them is not the command). */
const VALUE_OPTIONS = new Set(["--base-url", "--rate-limits"]);

/** The command word of an argv (`node script [global options] command ...`), if any. */
export function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (VALUE_OPTIONS.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith("-")) continue;
    return arg;
  }
  return undefined;
}

export async function buildProgram(ctx: CliContext, argv: readonly string[] = []): Promise<Command> {
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
  const word = commandWord(argv);
  const needed = COMMANDS.filter(([names]) => word !== undefined && names.includes(word));
  for (const [, load] of needed.length > 0 ? needed : COMMANDS) (await load())(program, ctx);
  return program;
}

export async function main(
  argv: string[],
  output: Output = processOutput,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  // DuckDB's allocator (its own jemalloc) reads this when DuckDB's library loads, which happens
  // below, with the first command that uses DuckDB. Freed pages go back to the system after 1 s:
  // an extract of 2M events into DuckDB peaked about 20 MB lower. A user's own setting wins.
  process.env.DUCKDB_JE_MALLOC_CONF ??= "dirty_decay_ms:1000,muzzy_decay_ms:0";
  const ctx: CliContext = { output, env, exitCode: EXIT.ok };
  try {
    const program = await buildProgram(ctx, argv);
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
