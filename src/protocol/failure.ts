/**
 * What kind of failure an error is, in the Airbyte protocol's words: the user's to fix
 * (`config_error`: a bad config or catalog, a key rejected or missing a scope), worth retrying
 * (`transient_error`: Klaviyo unreachable, failing or rate limiting past the client's retries),
 * or a fault here or in the data (`system_error`).
 */
import {
  AuthenticationError,
  ConfigError,
  NetworkError,
  PermissionError,
  RateLimitError,
  ServerError,
} from "../client/errors.js";

export type FailureType = "config_error" | "transient_error" | "system_error";

export function failureType(err: unknown): FailureType {
  // Klaviyo took none of a send (an outage past the retries, most often): worth another attempt.
  if (err instanceof Error && err.name === "DeliveryError") return "transient_error";
  if (err instanceof ConfigError || err instanceof AuthenticationError || err instanceof PermissionError)
    return "config_error";
  if (err instanceof NetworkError || err instanceof ServerError || err instanceof RateLimitError)
    return "transient_error";
  return "system_error";
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
