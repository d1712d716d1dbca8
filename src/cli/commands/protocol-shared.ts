/** What the `airbyte` and `singer` commands share: the protocol output, the client, and stopping on a signal. */
import type { KlaviyoClient } from "../../client/index.js";
import { createClient } from "../../client/index.js";
import type { Logger } from "../../client/types.js";
import type { KlaviyoSettings } from "../../protocol/config.js";
import { JsonLineWriter, type LineSink } from "../../protocol/io.js";
import { redact, redactSecrets } from "../../util/redact.js";
import { parseRateLimits } from "../client.js";
import type { CliContext, GlobalOptions } from "../main.js";
import { processOutput } from "../output.js";

/** stdout with back-pressure; in-process (tests), the context's output, one line per message. */
export function protocolOutput(ctx: CliContext): LineSink {
  if (ctx.output === processOutput) return new JsonLineWriter(process.stdout);
  return {
    async write(message, kind) {
      const json = JSON.stringify(message);
      ctx.output.out(kind === "data" ? redactSecrets(json) : redact(json));
    },
  };
}

export function logLevel(global: GlobalOptions): "debug" | "info" | "warn" {
  return global.debug ? "debug" : global.verbose ? "info" : "warn";
}

export function protocolClient(
  ctx: CliContext,
  global: GlobalOptions,
  klaviyo: KlaviyoSettings,
  logger: Logger,
): KlaviyoClient {
  const rateLimit = parseRateLimits(klaviyo.rateLimits ?? global.rateLimits);
  const baseUrl = klaviyo.baseUrl ?? global.baseUrl;
  return createClient({
    apiKey: klaviyo.apiKey,
    ...(baseUrl === undefined ? {} : { baseUrl }),
    ...(rateLimit ? { rateLimit } : {}),
    env: ctx.env,
    logger,
  });
}

/** Runs `body` with a signal that SIGINT / SIGTERM abort. */
export async function withStopSignal<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = () => controller.abort(new Error("interrupted"));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    return await body(controller.signal);
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}
