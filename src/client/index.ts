import { BaseClient, type ClientOptions } from "./client.js";
import { createResources, type Resources } from "./resources/index.js";

export type KlaviyoClient = BaseClient & Resources;

/**
 * Creates a Klaviyo client: `client.profiles.list()`, `client.request(...)`, `client.call(...)`.
 * Reads `KLAVIYO_API_KEY` and `KLAVIYO_BASE_URL` unless given in `options`.
 */
export function createClient(options: ClientOptions = {}): KlaviyoClient {
  const base = new BaseClient(options);
  return Object.assign(base, createResources(base));
}

export { apiKeyAuth } from "./auth/api-key.js";
export * from "./auth/oauth.js";
export * from "./auth/token-store.js";
export {
  BaseClient,
  type CallOptions,
  type ClientOptions,
  type RateLimitOptions,
  type RawRequestOptions,
} from "./client.js";
export type { ClientStats, KlaviyoResponse, QueryInput, SendOptions } from "./core.js";
export * from "./errors.js";
export {
  findOperation,
  getOperation,
  OPERATIONS,
  type OperationId,
  type OperationInfo,
} from "./operations.js";
export {
  indexIncluded,
  type JsonApiResource,
  type Page,
  Paginator,
  resolveRelationship,
} from "./paginate.js";
export { parseRetryAfter, RateBudget, type RateBudgetOptions } from "./rate-budget.js";
export type { Resources } from "./resources/index.js";
export type { RetryOptions } from "./retry.js";
export { REVISION } from "./revision.js";
export { createHttpTransport } from "./transport.js";
export type * from "./typed.js";
export type { AuthProvider, Clock, Logger, Transport, TransportRequest, TransportResponse } from "./types.js";
