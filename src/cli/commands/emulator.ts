import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { ConfigError } from "../../client/errors.js";
import { parseRateLimitMode } from "../../emulator/admin.js";
import type { FaultConfig } from "../../emulator/faults.js";
import type { SeedOptions } from "../../emulator/seed.js";
import { type EmulatorOptions, startEmulator } from "../../emulator/server.js";
import type { CliContext } from "../main.js";

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function intOption(name: string, raw: string | undefined, min = 0): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new ConfigError(`--${name} must be a whole number of at least ${min}; got "${raw}".`);
  return n;
}

export interface EmulatorCliOptions {
  host: string;
  port: string;
  apiKey: string[];
  seed: string;
  seedNumber?: string;
  profiles?: string;
  events?: string;
  rateLimits: string;
  faultRate?: string;
  faults?: string;
  latency?: string;
  renderCacheMb?: string;
}

/** Turns CLI flags into emulator options (exported for tests). */
export function emulatorOptionsFromCli(opts: EmulatorCliOptions): EmulatorOptions {
  const port = intOption("port", opts.port, 0);
  if (port !== undefined && port > 65535) throw new ConfigError(`--port must be at most 65535; got ${port}.`);
  const rateLimits = parseRateLimitMode(opts.rateLimits);
  if (!rateLimits)
    throw new ConfigError(
      `--rate-limits must be "real", "off" or a factor such as "10x"; got "${opts.rateLimits}".`,
    );
  if (opts.seed !== "demo" && opts.seed !== "none")
    throw new ConfigError(`--seed must be "demo" or "none"; got "${opts.seed}".`);
  for (const k of opts.apiKey) {
    if (!k.startsWith("pk_") || k.length < 4)
      throw new ConfigError(
        `--api-key values must be private keys starting with pk_ (the emulator accepts what real Klaviyo accepts).`,
      );
  }
  const profiles = intOption("profiles", opts.profiles);
  const events = intOption("events", opts.events);
  let seed: EmulatorOptions["seed"] = opts.seed === "demo" ? "demo" : "none";
  if (profiles !== undefined || events !== undefined) {
    const s: SeedOptions = { preset: opts.seed === "demo" ? "demo" : "empty" };
    if (profiles !== undefined) s.profiles = profiles;
    if (events !== undefined) s.events = events;
    seed = s;
  }
  const faults: FaultConfig = {};
  if (opts.faults) {
    let text: string;
    try {
      text = readFileSync(opts.faults, "utf8");
    } catch (err) {
      throw new ConfigError(
        `Cannot read --faults file ${opts.faults}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`,
      );
    }
    try {
      Object.assign(faults, JSON.parse(text) as FaultConfig);
    } catch (err) {
      throw new ConfigError(`--faults file ${opts.faults} is not valid JSON: ${(err as Error).message}.`);
    }
  }
  if (opts.faultRate !== undefined) {
    const rate = Number(opts.faultRate);
    if (!(rate >= 0 && rate <= 1))
      throw new ConfigError(`--fault-rate must be between 0 and 1; got "${opts.faultRate}".`);
    faults.rate = rate;
  }
  const latency = intOption("latency", opts.latency);
  const renderCacheMb = intOption("render-cache-mb", opts.renderCacheMb, 0);
  const seedNumber = intOption("seed-number", opts.seedNumber);
  return {
    host: opts.host,
    ...(port === undefined ? {} : { port }),
    ...(opts.apiKey.length > 0 ? { apiKeys: opts.apiKey } : {}),
    seed,
    ...(seedNumber === undefined ? {} : { seedNumber }),
    rateLimits,
    faults,
    ...(latency ? { latencyMs: latency } : {}),
    ...(renderCacheMb !== undefined ? { renderCacheMb } : {}),
  };
}

export function registerEmulatorCommand(program: Command, ctx: CliContext): void {
  program
    .command("emulator")
    .description("Serve a local Klaviyo API emulator (for tests, demos and rehearsing a sync).")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port to listen on (0 picks a free one)", "8787")
    .option(
      "--api-key <key>",
      "private key the emulator accepts (repeatable); one is generated when none is given",
      collect,
      [],
    )
    .option("--seed <seed>", "demo (a small realistic store) or none", "demo")
    .option("--seed-number <n>", "random seed for deterministic data", "1")
    .option("--profiles <n>", "number of profiles to seed")
    .option("--events <n>", "number of events to seed")
    .option("--rate-limits <mode>", "real (default), off, or a factor like 10x")
    .option(
      "--fault-rate <f>",
      "probability (0-1) of a random fault per request: 500/503, reset, slow, truncated body",
    )
    .option("--faults <file>", "JSON fault config with a deterministic plan (see docs/emulator.md)")
    .option("--latency <ms>", "added latency per response")
    .option(
      "--render-cache-mb <n>",
      "memory for cached renderings of profiles and of seeded events, MB each (default 512)",
    )
    .addHelpText(
      "after",
      `
Prints "listening on http://HOST:PORT" when ready and serves until Ctrl-C (SIGINT) or SIGTERM.
Point the other commands at it with KLAVIYO_BASE_URL=http://HOST:PORT and KLAVIYO_API_KEY=<key>.
Admin API (no auth): /admin/reset, /admin/seed, /admin/counters, /admin/faults, /admin/rate-limits.`,
    )
    .action(async (opts: EmulatorCliOptions, cmd: Command) => {
      // --rate-limits is also a global option; whichever level parsed it, it applies here.
      const global = cmd.optsWithGlobals() as { rateLimits?: string };
      const options = emulatorOptionsFromCli({
        ...opts,
        rateLimits: opts.rateLimits ?? global.rateLimits ?? "real",
      });
      const started = Date.now();
      const emu = await startEmulator(options);
      // Ready to be stopped before saying it is ready: a supervisor may send SIGTERM as soon as it
      // reads the "listening on" line.
      const stopped = new Promise<void>((resolve) => {
        const stop = () => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          resolve();
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
      ctx.output.out(`listening on ${emu.url}`);
      if (emu.generatedKey) ctx.output.out(`api key: ${emu.generatedKey}`);
      ctx.output.err(
        `seeded ${emu.store.profiles.size} profiles and ${emu.store.events.size} events in ${Date.now() - started} ms; ${emu.implemented.length} operations implemented; rate limits ${options.rateLimits?.enabled ? `${options.rateLimits.scale}x` : "off"}`,
      );
      await stopped;
      await emu.close();
      ctx.output.err("emulator stopped");
    });
}
