import {
  AuthenticationError,
  ConfigError,
  KlaviyoError,
  NetworkError,
  PermissionError,
  RateLimitError,
  ServerError,
} from "../client/errors.js";
import { redact } from "../util/redact.js";
import type { Output } from "./output.js";

/** Exit codes every command shares (documented in docs/cli.md). */
export const EXIT = {
  ok: 0,
  failure: 1,
  config: 2,
  auth: 3,
  api: 4,
  transient: 5,
} as const;

export function exitCodeFor(err: unknown): number {
  if (err instanceof ConfigError) return EXIT.config;
  if (err instanceof AuthenticationError || err instanceof PermissionError) return EXIT.auth;
  if (err instanceof NetworkError || err instanceof ServerError || err instanceof RateLimitError)
    return EXIT.transient;
  if (err instanceof KlaviyoError) return EXIT.api;
  return EXIT.failure;
}

/** One paragraph for the user; the stack only with --debug. Always redacted. */
export function reportError(err: unknown, output: Output, debug: boolean): number {
  const message = err instanceof Error ? err.message : String(err);
  output.err(redact(`error: ${message}`));
  if (debug && err instanceof Error && err.stack) output.err(redact(err.stack));
  else if (!(err instanceof KlaviyoError)) output.err("(run again with --debug for details)");
  return exitCodeFor(err);
}
