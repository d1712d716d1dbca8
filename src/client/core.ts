/**
 * The request pipeline: one `send()` that every resource, paginator and command goes through.
 * Auth, the revision header, the rate budget, retries and timeouts each wrap this one call.
 */
import { type FilterInput, filterToString } from "../filter/index.js";
import {
  AuthenticationError,
  ConfigError,
  errorFromResponse,
  type KlaviyoError,
  NetworkError,
} from "./errors.js";
import type { OperationInfo } from "./operation-info.js";
import { fillPath, findOperation } from "./operations.js";
import { parseRetryAfter, type RateBudget } from "./rate-budget.js";
import { backoffDelay, RETRYABLE_STATUSES, type ResolvedRetry } from "./retry.js";
import { buildHeaders, JSON_API } from "./revision.js";
import type { AuthProvider, Clock, HttpMethod, Logger, Transport } from "./types.js";

export type QueryScalar = string | number | boolean | Date;
export type QueryValue = QueryScalar | FilterInput | readonly QueryScalar[] | null | undefined;
export type QueryInput = Record<string, QueryValue> | URLSearchParams;

export interface SendOptions {
  /** Values for `{name}` placeholders in the path. */
  path?: Record<string, string | number>;
  /** Query parameters by their spec names (`page[size]`, `fields[profile]`, `filter`...). Arrays are comma-joined. */
  query?: QueryInput;
  /** JSON body (serialised as JSON:API) or FormData for multipart uploads. */
  body?: unknown;
  /** Extra headers; `authorization` and `revision` cannot be overridden here. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Per-attempt timeout, ms. */
  timeoutMs?: number;
  /**
   * Return a 2xx response's body as the bytes received, without decoding or parsing them (for
   * callers that do that elsewhere, such as the extractor's page decoder). Errors are parsed and
   * thrown as usual.
   */
  unparsed?: boolean;
  /**
   * `false` for a request that must not take effect twice (creating a list): a failure after which
   * Klaviyo may have acted on it (a 5xx, a timeout, a reset or cut-short answer) is not retried but
   * thrown, so the caller can look before it sends again. 429s and connections refused before
   * anything was sent are still retried. Default true: every retryable failure is retried.
   */
  idempotent?: boolean;
}

export interface KlaviyoResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  body: T;
  operationId: string | undefined;
}

export interface ClientStats {
  requests: number;
  responses: Record<number, number>;
  retries: number;
  rateLimited: number;
  networkErrors: number;
  /** Time spent in backoff and Retry-After waits, ms (budget waits are in `budgetWaitMs`). */
  backoffWaitMs: number;
  /**
   * Time from sending a request to having its whole response, summed over `timedResponses`
   * responses, ms (no time waiting on the rate budget): the server's latency, as seen from here.
   */
  responseMs: number;
  timedResponses: number;
}

export interface CoreConfig {
  auth: AuthProvider;
  baseUrl: string;
  revision: string;
  transport: Transport;
  clock: Clock;
  logger: Logger;
  budget: RateBudget;
  retry: ResolvedRetry;
  timeoutMs: number;
  userAgent: string;
}

function encodeScalar(v: QueryScalar): string {
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new ConfigError("A query parameter holds an invalid Date.");
    return v.toISOString();
  }
  return String(v);
}

/** Serialises query parameters the way Klaviyo expects (`explode: false` arrays, filter syntax checked). */
export function buildQuery(query: QueryInput | undefined, into = new URLSearchParams()): URLSearchParams {
  if (!query) return into;
  if (query instanceof URLSearchParams) {
    for (const [k, v] of query) into.set(k, k === "filter" ? filterToString(v) : v);
    return into;
  }
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (key === "filter") {
      into.set(key, filterToString(value as FilterInput));
    } else if (Array.isArray(value)) {
      if (value.length > 0) into.set(key, value.map((v) => encodeScalar(v as QueryScalar)).join(","));
    } else if (typeof value === "object" && !(value instanceof Date)) {
      // A Filter object given to a parameter other than `filter` (e.g. a body-less report).
      into.set(key, String(value));
    } else {
      into.set(key, encodeScalar(value as QueryScalar));
    }
  }
  return into;
}

export class KlaviyoCore {
  readonly stats: ClientStats = {
    requests: 0,
    responses: {},
    retries: 0,
    rateLimited: 0,
    networkErrors: 0,
    backoffWaitMs: 0,
    responseMs: 0,
    timedResponses: 0,
  };
  private readonly origin: string;

  constructor(readonly config: CoreConfig) {
    this.origin = new URL(config.baseUrl).origin;
  }

  get budget(): RateBudget {
    return this.config.budget;
  }

  /** Resolves a path (template or concrete) or an absolute same-origin URL into a URL object. */
  resolveUrl(pathOrUrl: string, options: SendOptions = {}): URL {
    let url: URL;
    if (/^https?:\/\//i.test(pathOrUrl)) {
      url = new URL(pathOrUrl);
      if (url.origin !== this.origin) {
        throw new ConfigError(
          `Refusing to send credentials to ${url.origin}: the client is configured for ${this.origin}. (A pagination link pointing elsewhere is not followed.)`,
        );
      }
    } else {
      if (!pathOrUrl.startsWith("/")) {
        throw new ConfigError(`A request path must start with "/", e.g. /api/profiles; got "${pathOrUrl}".`);
      }
      const [p, q] = pathOrUrl.split("?", 2) as [string, string | undefined];
      url = new URL(this.config.baseUrl + fillPath(p, options.path));
      if (q) url.search = q;
    }
    if (options.query) {
      const merged = new URLSearchParams(url.search);
      buildQuery(options.query, merged);
      url.search = merged.toString();
    }
    return url;
  }

  /**
   * Sends one logical request, retrying as the policy allows, and returns the parsed response.
   * Throws a typed `KlaviyoError` for anything but 2xx.
   */
  async send<T = unknown>(
    method: HttpMethod,
    pathOrUrl: string,
    options: SendOptions = {},
  ): Promise<KlaviyoResponse<T>> {
    const { config } = this;
    const url = this.resolveUrl(pathOrUrl, options);
    const match = findOperation(
      method,
      url.pathname.slice(new URL(config.baseUrl).pathname.replace(/\/$/, "").length),
    );
    const op: OperationInfo | undefined = match?.op;
    const tiers = op ? config.budget.tiersFor(op, url.searchParams) : [];
    const ctx = { operationId: op?.id, method, path: url.pathname };

    let body: string | FormData | undefined;
    let contentType: string | undefined;
    if (options.body instanceof FormData) {
      body = options.body;
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      contentType = JSON_API;
    }

    let attempt = 0;
    let reauthorized = false;
    let rateLimitWaited = 0;
    let rateLimits = 0;
    let serverFailures = 0;
    for (;;) {
      attempt++;
      options.signal?.throwIfAborted();
      const admittedAt = op ? await config.budget.acquire(op, tiers, options.signal) : undefined;
      const authorization = await config.auth.authorization(options.signal);
      const headers = buildHeaders({
        authorization,
        revision: config.revision,
        userAgent: config.userAgent,
        ...(contentType === undefined ? {} : { contentType }),
        ...(options.headers === undefined ? {} : { extra: options.headers }),
      });
      const started = config.clock.now();
      this.stats.requests++;
      let failure: KlaviyoError;
      let retryAfterSec: number | undefined;
      try {
        const res = await this.attempt(method, url.toString(), headers, body, options);
        this.stats.responses[res.status] = (this.stats.responses[res.status] ?? 0) + 1;
        this.stats.responseMs += config.clock.now() - started;
        this.stats.timedResponses++;
        config.logger.debug("klaviyo request", {
          method,
          path: url.pathname,
          operation: op?.id,
          status: res.status,
          ms: config.clock.now() - started,
          attempt,
        });
        if (op && res.status !== 429) config.budget.observe(op, tiers, res.headers);
        if (options.unparsed && res.status >= 200 && res.status < 300) {
          const bytes = res.bytes ?? Buffer.from(res.body, "utf8");
          return { status: res.status, headers: res.headers, body: bytes as T, operationId: op?.id };
        }
        const parsed = parseBody(res.body, res.headers["content-type"]);
        if (res.status >= 200 && res.status < 300) {
          if (parsed.error) {
            throw new NetworkError(
              `Klaviyo's response to ${op?.id ?? method} ${url.pathname} was cut short or is not valid JSON (${parsed.error}).`,
              { ...ctx, kind: "truncated", status: res.status },
            );
          }
          return { status: res.status, headers: res.headers, body: parsed.value as T, operationId: op?.id };
        }
        if (res.status === 429) {
          retryAfterSec = parseRetryAfter(res.headers["retry-after"], Date.now());
          // The server turned the request away: its slot goes back, so the retry does not use a
          // second one (the emulator does not count 429s; if Klaviyo did, the cost is one more 429).
          if (op) config.budget.refund(op, tiers, admittedAt);
        }
        const requestId = res.headers["x-request-id"] ?? res.headers["request-id"];
        failure = errorFromResponse(res.status, parsed.value, {
          ...ctx,
          ...(requestId === undefined ? {} : { requestId }),
          ...(retryAfterSec === undefined ? {} : { retryAfter: retryAfterSec }),
        });
        if (failure instanceof AuthenticationError && !reauthorized && config.auth.onUnauthorized) {
          reauthorized = true;
          if (await config.auth.onUnauthorized(authorization, options.signal)) {
            attempt--;
            continue;
          }
        }
        if (!RETRYABLE_STATUSES.has(res.status)) throw failure;
      } catch (err) {
        if (!(err instanceof NetworkError)) throw err;
        this.stats.networkErrors++;
        failure = err;
      }

      // Retryable failure: 429, 5xx or network.
      let delay: number;
      if (failure.status === 429) {
        this.stats.rateLimited++;
        rateLimits++;
        delay = retryAfterSec !== undefined ? retryAfterSec * 1000 : backoffDelay(rateLimits, config.retry);
        if (rateLimitWaited + delay > config.retry.maxRateLimitWaitMs) throw failure;
        rateLimitWaited += delay;
        // Every caller of this operation waits, not just this one.
        if (op) config.budget.pause(op, tiers, delay / 1000);
      } else {
        if (options.idempotent === false && !neverSent(failure)) throw failure;
        serverFailures++;
        if (serverFailures > config.retry.maxRetries) throw failure;
        delay = backoffDelay(serverFailures, config.retry);
      }
      this.stats.retries++;
      config.logger.info("retrying klaviyo request", {
        operation: op?.id,
        method,
        path: url.pathname,
        status: failure.status,
        error: failure instanceof NetworkError ? failure.kind : failure.code,
        waitMs: Math.round(delay),
        attempt,
      });
      const waitStart = config.clock.now();
      // With the budget enabled, a 429 pause is enforced by the budget itself on the next acquire.
      if (!(failure.status === 429 && op && config.budget.isEnabled))
        await config.clock.sleep(delay, options.signal);
      this.stats.backoffWaitMs += config.clock.now() - waitStart;
    }
  }

  private async attempt(
    method: HttpMethod,
    url: string,
    headers: Record<string, string>,
    body: string | FormData | undefined,
    options: SendOptions,
  ) {
    const timeoutMs = options.timeoutMs ?? this.config.timeoutMs;
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error("timeout"));
    }, timeoutMs);
    try {
      return await this.config.transport({
        method,
        url,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: controller.signal,
      });
    } catch (err) {
      if (timedOut) {
        throw new NetworkError(
          `No answer from Klaviyo within ${timeoutMs} ms for ${method} ${new URL(url).pathname}.`,
          { kind: "timeout", method, path: new URL(url).pathname, cause: err },
        );
      }
      throw err;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
    }
  }
}

/** A failure that proves the request never reached Klaviyo (so sending it again cannot repeat it). */
function neverSent(failure: KlaviyoError): boolean {
  return failure instanceof NetworkError && (failure.kind === "refused" || failure.kind === "dns");
}

function parseBody(text: string, contentType: string | undefined): { value: unknown; error?: string } {
  if (text.length === 0) return { value: undefined };
  const json = !contentType || /json/i.test(contentType);
  if (!json) return { value: text };
  try {
    return { value: JSON.parse(text) };
  } catch (err) {
    return { value: text, error: (err as Error).message };
  }
}
