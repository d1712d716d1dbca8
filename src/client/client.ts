import { registerSecret } from "../util/redact.js";
import { apiKeyAuth } from "./auth/api-key.js";
import { type ClientStats, KlaviyoCore, type KlaviyoResponse, type SendOptions } from "./core.js";
import { ConfigError } from "./errors.js";
import { getOperation } from "./operations.js";
import { Paginator } from "./paginate.js";
import { RateBudget } from "./rate-budget.js";
import { type RetryOptions, resolveRetry } from "./retry.js";
import { REVISION } from "./revision.js";
import { createHttpTransport } from "./transport.js";
import type {
  BodyOf,
  ItemOf,
  OperationKey,
  PathBody,
  PathParamsOf,
  PathQuery,
  PathResponse,
  Paths,
  QueryOf,
  ResponseOf,
} from "./typed.js";
import {
  type AuthProvider,
  type Clock,
  type HttpMethod,
  type Logger,
  silentLogger,
  systemClock,
  type Transport,
} from "./types.js";
import { checkBaseUrl, DEFAULT_BASE_URL } from "./url.js";

export interface RateLimitOptions {
  /** false admits every request immediately (only for servers without limits). Default true. */
  enabled?: boolean;
  /** Multiplies every limit; match an emulator started with `--rate-limits 10x`. Default 1. */
  scale?: number;
  /** Extra length per window to absorb jitter, ms. Default 50. */
  padMs?: number;
  /** Longest wait for a window before failing (daily caps), ms. Default 15 min. */
  maxWaitMs?: number;
}

export interface ClientOptions {
  /** Private API key. Defaults to `KLAVIYO_API_KEY`. Ignored when `auth` is given. */
  apiKey?: string;
  /** Another way to authenticate, e.g. `oauth.authProvider()`. */
  auth?: AuthProvider;
  /** Defaults to `KLAVIYO_BASE_URL`, then https://a.klaviyo.com. Plain http only to loopback. */
  baseUrl?: string;
  /** API revision header. Defaults to the pinned `REVISION`. */
  revision?: string;
  transport?: Transport;
  clock?: Clock;
  logger?: Logger;
  rateLimit?: RateLimitOptions;
  retry?: RetryOptions;
  /** Per-attempt timeout, ms. Default 60 s. */
  timeoutMs?: number;
  userAgent?: string;
  /** Environment to read defaults from (tests pass their own). Default `process.env`. */
  env?: Record<string, string | undefined>;
}

export interface CallOptions<K extends OperationKey> {
  path?: PathParamsOf<K> | Record<string, string | number>;
  query?: QueryOf<K>;
  body?: BodyOf<K> | FormData;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** `false`: do not retry failures after which Klaviyo may have acted (see SendOptions.idempotent). */
  idempotent?: boolean;
}

export interface RawRequestOptions<Q = Record<string, unknown> | URLSearchParams, B = unknown> {
  path?: Record<string, string | number>;
  query?: Q;
  body?: B;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** `false`: do not retry failures after which Klaviyo may have acted (see SendOptions.idempotent). */
  idempotent?: boolean;
}

/** Reads a scale like `10x`, `0.5`, or `off` from the environment. */
function envRateLimit(env: Record<string, string | undefined>): RateLimitOptions {
  const raw = env.KLAVIYO_RATE_LIMITS?.trim().toLowerCase();
  if (!raw || raw === "real") return {};
  if (raw === "off") return { enabled: false };
  const m = /^(\d+(?:\.\d+)?)x?$/.exec(raw);
  if (!m)
    throw new ConfigError(`KLAVIYO_RATE_LIMITS must be "real", "off" or a factor like "10x"; got "${raw}".`);
  return { scale: Number(m[1]) };
}

/**
 * The Klaviyo API client core: `request` for any operation in the spec, `call` by operationId,
 * `paginate` for collections. Resource groups (`client.profiles`...) are built on these.
 */
export class BaseClient {
  readonly core: KlaviyoCore;
  private readonly ownsTransport: { close(): Promise<void> } | undefined;

  constructor(options: ClientOptions = {}) {
    const env = options.env ?? process.env;
    const baseUrl = checkBaseUrl(
      options.baseUrl ?? env.KLAVIYO_BASE_URL ?? DEFAULT_BASE_URL,
      options.baseUrl ? "baseUrl" : "KLAVIYO_BASE_URL",
    );
    const apiKey = options.apiKey ?? env.KLAVIYO_API_KEY;
    if (!options.auth) registerSecret(apiKey);
    const auth = options.auth ?? apiKeyAuth(apiKey);
    const clock = options.clock ?? systemClock;
    let transport = options.transport;
    if (!transport) {
      const t = createHttpTransport();
      this.ownsTransport = t;
      transport = t;
    }
    const rate = { ...envRateLimit(env), ...options.rateLimit };
    this.core = new KlaviyoCore({
      auth,
      baseUrl,
      revision: options.revision ?? REVISION,
      transport,
      clock,
      logger: options.logger ?? silentLogger,
      budget: new RateBudget({ clock, ...rate }),
      retry: resolveRetry(options.retry),
      timeoutMs: options.timeoutMs ?? 60_000,
      userAgent: options.userAgent ?? "klaviyo-sync",
    });
  }

  get baseUrl(): string {
    return this.core.config.baseUrl;
  }

  get stats(): ClientStats & { budgetWaitMs: number } {
    return { ...this.core.stats, budgetWaitMs: this.core.budget.waitedMs };
  }

  /**
   * Any operation in the spec, by method and path template (typed) or concrete path:
   * `client.request("GET", "/api/profiles/{id}", { path: { id } })`.
   */
  request<P extends keyof Paths, M extends HttpMethod>(
    method: M,
    path: P,
    options?: RawRequestOptions<PathQuery<P, M>, PathBody<P, M>>,
  ): Promise<PathResponse<P, M>>;
  request<T = unknown>(method: HttpMethod, path: string, options?: RawRequestOptions): Promise<T>;
  async request(method: HttpMethod, path: string, options: RawRequestOptions = {}): Promise<unknown> {
    const res = await this.core.send(method, path, options as SendOptions);
    return res.body;
  }

  /** Like `request`, but returns status and headers too. */
  async requestWithResponse<T = unknown>(
    method: HttpMethod,
    path: string,
    options: RawRequestOptions = {},
  ): Promise<KlaviyoResponse<T>> {
    return await this.core.send<T>(method, path, options as SendOptions);
  }

  /**
   * The body of a 2xx response as the bytes received (UTF-8 JSON), not decoded: for callers that
   * parse it elsewhere (the extractor decodes event pages on a worker thread). Errors throw as usual.
   */
  async requestBytes(method: HttpMethod, path: string, options: RawRequestOptions = {}): Promise<Uint8Array> {
    const res = await this.core.send<Uint8Array>(method, path, {
      ...(options as SendOptions),
      unparsed: true,
    });
    return res.body;
  }

  /** Calls an operation by its operationId, typed by the generated spec types. */
  async call<K extends OperationKey>(id: K, options: CallOptions<K> = {}): Promise<ResponseOf<K>> {
    const op = getOperation(id);
    if (!op) throw new ConfigError(`Unknown Klaviyo operation "${String(id)}".`);
    const res = await this.core.send<ResponseOf<K>>(op.method, op.path, options as SendOptions);
    return res.body;
  }

  /** Iterates a collection operation page by page (`for await`), following `links.next`. */
  paginate<K extends OperationKey>(
    id: K,
    options: CallOptions<K> & { maxPages?: number } = {},
  ): Paginator<ItemOf<K>> {
    const op = getOperation(id);
    if (!op) throw new ConfigError(`Unknown Klaviyo operation "${String(id)}".`);
    if (op.method !== "GET")
      throw new ConfigError(`${String(id)} is not a GET collection and cannot be paginated.`);
    const { maxPages, ...rest } = options;
    return new Paginator<ItemOf<K>>(
      async (url, signal) => {
        const sendOptions: SendOptions = url
          ? {
              ...(signal === undefined ? {} : { signal }),
              ...(rest.timeoutMs === undefined ? {} : { timeoutMs: rest.timeoutMs }),
            }
          : (rest as SendOptions);
        const res = await this.core.send(op.method, url ?? op.path, sendOptions);
        return res.body;
      },
      {
        ...(rest.signal === undefined ? {} : { signal: rest.signal }),
        ...(maxPages === undefined ? {} : { maxPages }),
      },
    );
  }

  /** Paginates any collection path (for `klaviyo-sync api --all`). */
  paginatePath<T = unknown>(path: string, options: RawRequestOptions = {}): Paginator<T> {
    return new Paginator<T>(async (url, signal) => {
      const res = await this.core.send(
        "GET",
        url ?? path,
        url ? (signal === undefined ? {} : { signal }) : (options as SendOptions),
      );
      return res.body;
    });
  }

  /** Releases the connection pool (only the one the client created itself). */
  async close(): Promise<void> {
    await this.ownsTransport?.close();
  }
}
