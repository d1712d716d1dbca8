import { BaseClient, type ClientOptions } from "../client/client.js";
import { ConfigError } from "../client/errors.js";
import { createCliLogger } from "./logger.js";
import type { CliContext, GlobalOptions } from "./main.js";

/** Parses `--rate-limits real|off|<factor>x`. */
export function parseRateLimits(raw: string | undefined): ClientOptions["rateLimit"] | undefined {
  if (raw === undefined) return undefined;
  const v = raw.trim().toLowerCase();
  if (v === "real") return { enabled: true, scale: 1 };
  if (v === "off") return { enabled: false };
  const m = /^(\d+(?:\.\d+)?)x$/.exec(v);
  if (!m || Number(m[1]) <= 0) {
    throw new ConfigError(`--rate-limits must be "real", "off" or a factor such as "10x"; got "${raw}".`);
  }
  return { enabled: true, scale: Number(m[1]) };
}

/** Builds the client a command uses, from global options and the environment. */
export function clientFromCli(
  ctx: CliContext,
  global: GlobalOptions,
  overrides: Partial<ClientOptions> = {},
): BaseClient {
  const rateLimit = parseRateLimits(global.rateLimits);
  return new BaseClient({
    env: ctx.env,
    ...(global.baseUrl === undefined ? {} : { baseUrl: global.baseUrl }),
    ...(rateLimit === undefined ? {} : { rateLimit }),
    logger: createCliLogger(ctx.output, global.debug ? "debug" : global.verbose ? "info" : "warn"),
    ...overrides,
  });
}
