/**
 * Typed errors built from Klaviyo's JSON:API error object. One class per failure kind; every
 * message says what to do about it. Messages never contain keys or tokens.
 */

/** One entry of a JSON:API `errors` array, as Klaviyo sends it. */
export interface ApiErrorObject {
  id?: string;
  status?: number | string;
  code?: string;
  title?: string;
  detail?: string;
  source?: { pointer?: string; parameter?: string };
  meta?: Record<string, unknown>;
}

export interface KlaviyoErrorInit {
  status?: number;
  code?: string;
  errors?: ApiErrorObject[];
  operationId?: string;
  method?: string;
  /** Request path without the query string. */
  path?: string;
  requestId?: string;
  cause?: unknown;
}

export class KlaviyoError extends Error {
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly errors: ApiErrorObject[];
  readonly operationId: string | undefined;
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly requestId: string | undefined;

  constructor(message: string, init: KlaviyoErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.status = init.status;
    this.code = init.code;
    this.errors = init.errors ?? [];
    this.operationId = init.operationId;
    this.method = init.method;
    this.path = init.path;
    this.requestId = init.requestId;
  }

  /** Whether sending the same request again may succeed. */
  get retryable(): boolean {
    return false;
  }
}

/** The key or token was missing, malformed, revoked or expired (401, or 400 `not_authenticated`). */
export class AuthenticationError extends KlaviyoError {}

/** The key is valid but lacks a scope the operation needs (403). */
export class PermissionError extends KlaviyoError {}

export class NotFoundError extends KlaviyoError {}

/** The request was rejected as invalid (400/422); `pointer`/`parameter` name the culprit. */
export class ValidationError extends KlaviyoError {
  get pointer(): string | undefined {
    return this.errors.find((e) => e.source?.pointer)?.source?.pointer;
  }
  get parameter(): string | undefined {
    return this.errors.find((e) => e.source?.parameter)?.source?.parameter;
  }
}

/** 409; for `duplicate_profile`, `duplicateProfileId` is the existing profile's id. */
export class ConflictError extends KlaviyoError {
  get duplicateProfileId(): string | undefined {
    for (const e of this.errors) {
      const id = e.meta?.duplicate_profile_id;
      if (typeof id === "string") return id;
    }
    return undefined;
  }
}

/** 429 after the client's own retries ran out, or a daily cap that cannot be waited out. */
export class RateLimitError extends KlaviyoError {
  /** Seconds the server asked us to wait, when it said. */
  readonly retryAfter: number | undefined;
  constructor(message: string, init: KlaviyoErrorInit & { retryAfter?: number } = {}) {
    super(message, init);
    this.retryAfter = init.retryAfter;
  }
  override get retryable(): boolean {
    return true;
  }
}

/** 5xx from Klaviyo. */
export class ServerError extends KlaviyoError {
  override get retryable(): boolean {
    return true;
  }
}

/** The request never got an HTTP answer: connection reset or refused, DNS, timeout, truncated body. */
export class NetworkError extends KlaviyoError {
  /** `timeout`, `reset`, `refused`, `dns`, `truncated` or `other`. */
  readonly kind: string;
  constructor(message: string, init: KlaviyoErrorInit & { kind?: string } = {}) {
    super(message, init);
    this.kind = init.kind ?? "other";
  }
  override get retryable(): boolean {
    return true;
  }
}

/** The client was configured wrongly (no key, wrong kind of key, insecure URL, bad filter). */
export class ConfigError extends KlaviyoError {}

/** Any other 4xx (405, 413, 415, ...). */
export class ClientRequestError extends KlaviyoError {}

function describe(init: KlaviyoErrorInit): string {
  const where = init.operationId
    ? `${init.operationId} (${init.method} ${init.path})`
    : `${init.method} ${init.path}`;
  const details = (init.errors ?? [])
    .map((e) => {
      const src = e.source?.pointer ?? e.source?.parameter;
      const text = e.detail ?? e.title ?? e.code ?? "";
      const trimmed = text.replace(/[.\s]+$/, "");
      return src ? `${trimmed} [at ${src}]` : trimmed;
    })
    .filter((s) => s.length > 0);
  return details.length > 0 ? `${where}: ${details.join("; ")}` : where;
}

/** Maps an HTTP error response to the typed error. */
export function errorFromResponse(
  status: number,
  body: unknown,
  init: Omit<KlaviyoErrorInit, "status" | "errors" | "code"> & { retryAfter?: number },
): KlaviyoError {
  const errors = extractErrors(body);
  const code = errors[0]?.code;
  const full: KlaviyoErrorInit = { ...init, status, errors, ...(code === undefined ? {} : { code }) };
  const what = describe(full);
  if (status === 401 || (status === 400 && code === "not_authenticated")) {
    return new AuthenticationError(
      `Klaviyo rejected the credentials (HTTP ${status}) for ${what}. Check that KLAVIYO_API_KEY holds a current private API key (it starts with pk_; create one under Settings > API keys) or that the OAuth grant has not been revoked.`,
      full,
    );
  }
  if (status === 403) {
    return new PermissionError(
      `The key is not allowed to call ${what} (HTTP 403). Give the private API key the scope this operation needs (Settings > API keys > edit scopes) or use a full-access key.`,
      full,
    );
  }
  if (status === 404) {
    return new NotFoundError(`Not found (HTTP 404): ${what}. Check the id in the path.`, full);
  }
  if (status === 409) {
    return new ConflictError(`Conflict (HTTP 409): ${what}.`, full);
  }
  if (status === 429) {
    return new RateLimitError(
      `Klaviyo kept answering 429 (rate limited) for ${what}${init.retryAfter === undefined ? "" : `; it asked to wait ${init.retryAfter}s`}. Lower concurrency or retry later.`,
      { ...full, ...(init.retryAfter === undefined ? {} : { retryAfter: init.retryAfter }) },
    );
  }
  if (status === 501) {
    return new ServerError(`The server does not implement ${what} (HTTP 501).`, full);
  }
  if (status >= 500) {
    return new ServerError(
      `Klaviyo had a server error (HTTP ${status}) on ${what}. It is usually temporary: retry later.`,
      full,
    );
  }
  if (status === 400 || status === 422) {
    return new ValidationError(
      `Klaviyo rejected the request as invalid (HTTP ${status}): ${what}. Fix the named field or parameter.`,
      full,
    );
  }
  return new ClientRequestError(`Klaviyo refused the request (HTTP ${status}): ${what}.`, full);
}

function extractErrors(body: unknown): ApiErrorObject[] {
  if (body && typeof body === "object" && Array.isArray((body as { errors?: unknown }).errors)) {
    return (body as { errors: unknown[] }).errors.filter(
      (e): e is ApiErrorObject => typeof e === "object" && e !== null,
    );
  }
  return [];
}
