/**
 * Klaviyo OAuth: the authorization-code flow with PKCE (S256), the token endpoint, and an
 * `AuthProvider` that keeps a Bearer token fresh.
 *
 * Refresh tokens rotate: every refresh returns a new refresh token and the old one dies. So
 * refreshes are single-flight per client (concurrent callers share one request), the rotated pair
 * is saved to the token store before anyone gets the new access token, a refresh token this client
 * has already spent is never sent again, and the shared refresh is never aborted because one
 * waiting caller gave up (aborting mid-rotation would lose the new refresh token).
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import {
  type ApiErrorObject,
  AuthenticationError,
  ClientRequestError,
  ConfigError,
  type KlaviyoError,
  type KlaviyoErrorInit,
  NetworkError,
  PermissionError,
  RateLimitError,
  ServerError,
  ValidationError,
} from "../errors.js";
import type { AuthProvider, Clock, Logger, Transport, TransportResponse } from "../types.js";
import { silentLogger, systemClock } from "../types.js";
import { checkBaseUrl, DEFAULT_BASE_URL } from "../url.js";
import { redactSecrets } from "./api-key.js";
import type { TokenSet, TokenStore } from "./token-store.js";

export const DEFAULT_AUTHORIZE_URL = "https://www.klaviyo.com/oauth/authorize";
export const TOKEN_PATH = "/oauth/token";

/** Unreserved characters only, 43 to 128 of them (RFC 7636 §4.1). */
const VERIFIER_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;
/** base64url of a SHA-256 digest, no padding. */
const CHALLENGE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

// ---------------------------------------------------------------------------------------------
// PKCE and the authorization URL
// ---------------------------------------------------------------------------------------------

export interface PkcePair {
  /** Keep this secret until the code exchange. */
  verifier: string;
  challenge: string;
  method: "S256";
}

export function isValidCodeVerifier(verifier: string): boolean {
  return VERIFIER_PATTERN.test(verifier);
}

/** `base64url(sha256(verifier))`. */
export function pkceChallenge(verifier: string): string {
  if (!isValidCodeVerifier(verifier)) {
    throw new ConfigError("The PKCE code verifier must be 43 to 128 characters from A-Z a-z 0-9 - . _ ~.");
  }
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}

/** A fresh PKCE pair: a 86-character verifier from 64 random bytes and its S256 challenge. */
export function createPkcePair(): PkcePair {
  const verifier = randomBytes(64).toString("base64url");
  return { verifier, challenge: pkceChallenge(verifier), method: "S256" };
}

/** A random, URL-safe `state` value (192 bits). */
export function createState(): string {
  return randomBytes(24).toString("base64url");
}

export interface AuthorizationUrlOptions {
  clientId: string;
  redirectUri: string;
  /** e.g. `["accounts:read", "profiles:read"]` or `"accounts:read profiles:read"`. */
  scopes: readonly string[] | string;
  /** Generated when omitted (read it back from the URL, or use `startAuthorization`). */
  state?: string;
  /** Default `https://www.klaviyo.com/oauth/authorize`. */
  authorizeUrl?: string;
  /** From `createPkcePair().challenge`. */
  codeChallenge: string;
}

function normaliseScopes(scopes: readonly string[] | string): string[] {
  const list = typeof scopes === "string" ? [scopes] : scopes;
  const out: string[] = [];
  for (const entry of list) {
    for (const scope of entry.split(/\s+/)) {
      if (scope.length > 0 && !out.includes(scope)) out.push(scope);
    }
  }
  if (out.length === 0) {
    throw new ConfigError("No OAuth scopes were requested. Pass at least one scope, e.g. accounts:read.");
  }
  return out;
}

function checkClientId(clientId: string | undefined): string {
  const id = clientId?.trim() ?? "";
  if (id.length === 0) {
    throw new ConfigError("The OAuth client id is missing. Copy it from your Klaviyo OAuth app's settings.");
  }
  if (id.includes(":") || /\s/.test(id)) {
    throw new ConfigError(
      "The OAuth client id contains ':' or whitespace, so it cannot be a Klaviyo client id. Copy it again.",
    );
  }
  return id;
}

function checkRedirectUri(redirectUri: string | undefined): string {
  if (!redirectUri) {
    throw new ConfigError(
      "No OAuth redirect URI was given. Pass the redirect URI registered for your Klaviyo OAuth app (the same one used to authorize).",
    );
  }
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    throw new ConfigError(`The OAuth redirect URI "${redirectUri}" is not an absolute URL.`);
  }
  if (url.hash) {
    throw new ConfigError("The OAuth redirect URI must not contain a fragment (#...).");
  }
  return redirectUri;
}

function encodeQuery(params: Array<[string, string]>): string {
  return params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
}

/** The URL to send the user's browser to. Scopes are joined with spaces (encoded `%20`). */
export function buildAuthorizationUrl(options: AuthorizationUrlOptions): string {
  const base = checkBaseUrl(options.authorizeUrl ?? DEFAULT_AUTHORIZE_URL, "OAuth authorize URL");
  if (!CHALLENGE_PATTERN.test(options.codeChallenge)) {
    throw new ConfigError(
      "The PKCE code challenge must be base64url(sha256(verifier)); use createPkcePair().",
    );
  }
  const query = encodeQuery([
    ["response_type", "code"],
    ["client_id", checkClientId(options.clientId)],
    ["redirect_uri", checkRedirectUri(options.redirectUri)],
    ["scope", normaliseScopes(options.scopes).join(" ")],
    ["state", options.state ?? createState()],
    ["code_challenge_method", "S256"],
    ["code_challenge", options.codeChallenge],
  ]);
  return `${base}?${query}`;
}

export interface AuthorizationStart {
  url: string;
  /** Compare with the `state` the redirect brings back (`parseAuthorizationCallback`). */
  state: string;
  /** Keep until the code exchange; never log it. */
  verifier: string;
  challenge: string;
}

/** Creates the PKCE pair and state and builds the authorization URL in one go. */
export function startAuthorization(
  options: Omit<AuthorizationUrlOptions, "codeChallenge">,
): AuthorizationStart {
  const pkce = createPkcePair();
  const state = options.state ?? createState();
  const url = buildAuthorizationUrl({ ...options, state, codeChallenge: pkce.challenge });
  return { url, state, verifier: pkce.verifier, challenge: pkce.challenge };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Reads the redirect Klaviyo sent the browser to and returns the authorization code. Throws an
 * `AuthenticationError` when the user declined, Klaviyo reported an error, or `state` does not
 * match (a forged or stale redirect).
 */
export function parseAuthorizationCallback(
  callback: string | URL | URLSearchParams,
  expectedState: string,
): string {
  let params: URLSearchParams;
  if (callback instanceof URLSearchParams) params = callback;
  else if (callback instanceof URL) params = callback.searchParams;
  else {
    try {
      params = new URL(callback).searchParams;
    } catch {
      params = new URLSearchParams(callback.startsWith("?") ? callback.slice(1) : callback);
    }
  }
  const error = params.get("error");
  if (error) {
    const description = params.get("error_description");
    if (error === "access_denied") {
      throw new AuthenticationError(
        "The authorization was declined in Klaviyo (access_denied). Run the authorization again and approve the requested access.",
        { code: error },
      );
    }
    throw new AuthenticationError(
      `Klaviyo reported an OAuth error on the redirect (${error}${description ? `: ${description.slice(0, 300)}` : ""}). Check the app's client id, redirect URI and scopes, then run the authorization again.`,
      { code: error },
    );
  }
  const state = params.get("state");
  if (state === null || !sameSecret(state, expectedState)) {
    throw new AuthenticationError(
      "The OAuth redirect's state does not match the one this authorization started with (a stale browser tab or a forged redirect). Start the authorization again.",
      { code: "state_mismatch" },
    );
  }
  const code = params.get("code");
  if (!code) {
    throw new AuthenticationError(
      "The OAuth redirect carries no authorization code. Start the authorization again.",
      {
        code: "missing_code",
      },
    );
  }
  return code;
}

// ---------------------------------------------------------------------------------------------
// The token endpoint and the OAuth client
// ---------------------------------------------------------------------------------------------

export interface OAuthClientOptions {
  clientId: string;
  clientSecret: string;
  /** Default redirect URI for `exchangeCode` and `startAuthorization`. */
  redirectUri?: string;
  /** Default https://a.klaviyo.com; the token endpoint is `{baseUrl}/oauth/token`. */
  baseUrl?: string;
  /** Default https://www.klaviyo.com/oauth/authorize. */
  authorizeUrl?: string;
  transport: Transport;
  /** Default: the system clock. */
  clock?: Clock;
  tokenStore: TokenStore;
  /** Refresh when the access token expires within this many ms (default 60 000). */
  refreshSkewMs?: number;
  logger?: Logger;
  /** Retries of a token request after a network error, 5xx or 429 (default 2). */
  maxRetries?: number;
  /** First retry delay in ms, doubled per retry (default 250). */
  retryDelayMs?: number;
  /** Per-attempt timeout of a token request in ms (default 30 000). */
  requestTimeoutMs?: number;
}

type Purpose = "exchange" | "refresh";

const DEFAULT_EXPIRES_IN_SECONDS = 3600;
const MAX_RETRY_AFTER_MS = 30_000;

function noTokensError(): AuthenticationError {
  return new AuthenticationError(
    "No OAuth tokens are stored. Run the OAuth authorization first (open the authorization URL, approve, then exchange the code).",
    { code: "no_tokens" },
  );
}

function spentRefreshTokenError(): AuthenticationError {
  return new AuthenticationError(
    "The stored OAuth refresh token was already used or rejected (refresh tokens rotate on every refresh, and the app's access may have been revoked). Run the OAuth authorization again to get new tokens.",
    { code: "invalid_grant" },
  );
}

/** Resolves or rejects with `promise`, but rejects early with the signal's reason on abort. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function stringField(obj: unknown, name: string): string | undefined {
  if (typeof obj !== "object" || obj === null) return undefined;
  const value = (obj as Record<string, unknown>)[name];
  return typeof value === "string" ? value : undefined;
}

function retryAfterMs(res: TransportResponse): number | undefined {
  const raw = res.headers["retry-after"];
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

export class OAuthClient {
  readonly clientId: string;
  /** `{baseUrl}/oauth/token`. */
  readonly tokenUrl: string;
  readonly authorizeUrl: string;
  readonly redirectUri: string | undefined;
  readonly refreshSkewMs: number;

  // ES private fields: not shown by util.inspect / console.log.
  readonly #basicAuth: string;
  readonly #clientSecret: string;
  readonly #transport: Transport;
  readonly #clock: Clock;
  readonly #store: TokenStore;
  readonly #logger: Logger;
  readonly #maxRetries: number;
  readonly #retryDelayMs: number;
  readonly #requestTimeoutMs: number;

  #tokens: TokenSet | undefined;
  #loading: Promise<TokenSet | undefined> | undefined;
  #refreshing: Promise<TokenSet> | undefined;
  /** Refresh tokens this client sent and that must never be sent again. */
  readonly #spent = new Set<string>();
  /** Lifetime (ms) of token sets this client obtained, to cap the refresh skew for short-lived tokens. */
  readonly #lifetimes = new WeakMap<TokenSet, number>();

  constructor(options: OAuthClientOptions) {
    this.clientId = checkClientId(options.clientId);
    if (!options.clientSecret || options.clientSecret.trim().length === 0) {
      throw new ConfigError(
        "The OAuth client secret is missing. Copy it from your Klaviyo OAuth app's settings.",
      );
    }
    this.#clientSecret = options.clientSecret.trim();
    this.#basicAuth = `Basic ${Buffer.from(`${this.clientId}:${this.#clientSecret}`, "utf8").toString("base64")}`;
    this.tokenUrl = `${checkBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL, "OAuth base URL")}${TOKEN_PATH}`;
    this.authorizeUrl = checkBaseUrl(options.authorizeUrl ?? DEFAULT_AUTHORIZE_URL, "OAuth authorize URL");
    this.redirectUri = options.redirectUri === undefined ? undefined : checkRedirectUri(options.redirectUri);
    this.refreshSkewMs = Math.max(0, options.refreshSkewMs ?? 60_000);
    this.#transport = options.transport;
    this.#clock = options.clock ?? systemClock;
    this.#store = options.tokenStore;
    this.#logger = options.logger ?? silentLogger;
    this.#maxRetries = Math.max(0, Math.floor(options.maxRetries ?? 2));
    this.#retryDelayMs = Math.max(0, options.retryDelayMs ?? 250);
    this.#requestTimeoutMs = Math.max(1, options.requestTimeoutMs ?? 30_000);
  }

  /** Builds the authorization URL for this app (PKCE pair and state included). */
  startAuthorization(
    scopes: readonly string[] | string,
    options: { state?: string; redirectUri?: string } = {},
  ): AuthorizationStart {
    return startAuthorization({
      clientId: this.clientId,
      redirectUri: checkRedirectUri(options.redirectUri ?? this.redirectUri),
      scopes,
      authorizeUrl: this.authorizeUrl,
      ...(options.state === undefined ? {} : { state: options.state }),
    });
  }

  /** Exchanges an authorization code (with its PKCE verifier) for tokens and saves them. */
  async exchangeCode(
    code: string,
    verifier: string,
    redirectUri?: string,
    signal?: AbortSignal,
  ): Promise<TokenSet> {
    if (!code || code.trim().length === 0) {
      throw new ConfigError(
        "The authorization code is empty. Copy the `code` parameter from the redirect URL.",
      );
    }
    if (!isValidCodeVerifier(verifier)) {
      throw new ConfigError(
        "The PKCE code verifier is not valid (43 to 128 characters from A-Z a-z 0-9 - . _ ~). Use the verifier created with the authorization URL.",
      );
    }
    const redirect = checkRedirectUri(redirectUri ?? this.redirectUri);
    const tokens = await this.#tokenRequest(
      "exchange",
      {
        grant_type: "authorization_code",
        code: code.trim(),
        code_verifier: verifier,
        redirect_uri: redirect,
      },
      [code.trim(), verifier],
      undefined,
      signal,
    );
    await this.#store.save(tokens);
    this.#tokens = tokens;
    this.#logger.info("OAuth authorization completed", {
      expiresAt: new Date(tokens.expiresAt).toISOString(),
      scope: tokens.scope,
    });
    return tokens;
  }

  /**
   * Refreshes now, whatever the expiry, and returns the new tokens once they are saved. Joins a
   * refresh already in flight. `signal` only stops this caller waiting; the refresh itself goes on.
   */
  refresh(signal?: AbortSignal): Promise<TokenSet> {
    return untilAborted(this.#sharedRefresh(undefined), signal);
  }

  /** The current tokens (memory, else the store) without refreshing; undefined when there are none. */
  async getTokens(): Promise<TokenSet | undefined> {
    if (this.#tokens) return this.#tokens;
    this.#loading ??= this.#store.load().finally(() => {
      this.#loading = undefined;
    });
    const loaded = await this.#loading;
    if (!this.#tokens && loaded) this.#tokens = loaded;
    return this.#tokens ?? loaded;
  }

  /**
   * An `AuthProvider` (kind `oauth`) sending `Bearer <access token>`, refreshed first when it
   * expires within `refreshSkewMs`.
   *
   * `onUnauthorized(used)` refreshes (unless another caller already replaced the token that failed)
   * and returns true. When the refresh is refused because the grant is gone (invalid_grant,
   * invalid_client, no tokens) it returns **false**, so the caller surfaces the API's 401 as an
   * `AuthenticationError`; the reason is logged at warn level with what to do. Other failures of
   * the refresh (network, 5xx after retries) are thrown.
   */
  authProvider(): AuthProvider {
    return {
      kind: "oauth",
      authorization: (signal?: AbortSignal) => this.#authorization(signal),
      onUnauthorized: (usedAuthorization: string, signal?: AbortSignal) =>
        this.#onUnauthorized(usedAuthorization, signal),
    };
  }

  /** Whether `tokens` should be refreshed before use. */
  isExpiring(tokens: TokenSet): boolean {
    const lifetime = this.#lifetimes.get(tokens);
    const skew = lifetime === undefined ? this.refreshSkewMs : Math.min(this.refreshSkewMs, lifetime / 2);
    return tokens.expiresAt - skew <= this.#clock.now();
  }

  async #authorization(signal: AbortSignal | undefined): Promise<string> {
    signal?.throwIfAborted();
    let tokens = await untilAborted(this.getTokens(), signal);
    if (!tokens) throw noTokensError();
    if (this.isExpiring(tokens)) {
      tokens = await untilAborted(this.#sharedRefresh(tokens.accessToken), signal);
    }
    return `Bearer ${tokens.accessToken}`;
  }

  async #onUnauthorized(usedAuthorization: string, signal: AbortSignal | undefined): Promise<boolean> {
    const used = usedAuthorization.replace(/^Bearer\s+/i, "");
    try {
      await untilAborted(this.#sharedRefresh(used), signal);
      return true;
    } catch (err) {
      if (err instanceof AuthenticationError) {
        this.#logger.warn(
          "OAuth token refresh after a 401 was refused; run the OAuth authorization again to grant access",
          { code: err.code, status: err.status },
        );
        return false;
      }
      throw err;
    }
  }

  /**
   * One refresh at a time. `staleAccessToken` is the token the caller found expiring or rejected:
   * when the store already holds a different, fresh token (another caller or process refreshed)
   * that one is used without a request. `undefined` forces a refresh.
   */
  #sharedRefresh(staleAccessToken: string | undefined): Promise<TokenSet> {
    if (this.#refreshing) return this.#refreshing;
    const run = (async () => {
      try {
        return await this.#refreshFrom(staleAccessToken);
      } finally {
        this.#refreshing = undefined;
      }
    })();
    this.#refreshing = run;
    // Waiters may all have given up (aborted); never leave the shared promise unhandled.
    run.catch(() => {});
    return run;
  }

  async #refreshFrom(staleAccessToken: string | undefined): Promise<TokenSet> {
    // Re-read the store: another process sharing it may have rotated the tokens meanwhile.
    const stored = await this.#store.load();
    const current = stored && !this.#spent.has(stored.refreshToken) ? stored : (this.#tokens ?? stored);
    if (!current) throw noTokensError();
    if (
      staleAccessToken !== undefined &&
      current.accessToken !== staleAccessToken &&
      !this.isExpiring(current)
    ) {
      this.#tokens = current;
      return current;
    }
    if (this.#spent.has(current.refreshToken)) throw spentRefreshTokenError();

    this.#logger.debug("Refreshing the OAuth access token");
    let next: TokenSet;
    try {
      next = await this.#tokenRequest(
        "refresh",
        { grant_type: "refresh_token", refresh_token: current.refreshToken },
        [current.refreshToken, current.accessToken],
        current,
        undefined,
      );
    } catch (err) {
      if (err instanceof AuthenticationError && err.code === "invalid_grant")
        this.#spent.add(current.refreshToken);
      throw err;
    }
    // The old refresh token is dead now; keep the new pair in memory even if saving fails.
    this.#spent.add(current.refreshToken);
    this.#tokens = next;
    try {
      await this.#store.save(next);
    } catch (err) {
      this.#logger.warn(
        "Saving the rotated OAuth tokens failed; the next run will need a new authorization",
        {
          error: err instanceof Error ? err.name : typeof err,
        },
      );
      throw err;
    }
    this.#logger.info("OAuth access token refreshed", {
      expiresAt: new Date(next.expiresAt).toISOString(),
      scope: next.scope,
    });
    return next;
  }

  /** POSTs to the token endpoint with retries; returns the parsed token set. */
  async #tokenRequest(
    purpose: Purpose,
    params: Record<string, string>,
    secrets: string[],
    previous: TokenSet | undefined,
    signal: AbortSignal | undefined,
  ): Promise<TokenSet> {
    const body = new URLSearchParams(params).toString();
    const allSecrets = [...secrets, this.#clientSecret, this.#basicAuth.slice("Basic ".length)];
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      const startedAt = this.#clock.now();
      const timeout = AbortSignal.timeout(this.#requestTimeoutMs);
      const requestSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
      let failure: KlaviyoError;
      let delayMs = this.#retryDelayMs * 2 ** attempt;
      try {
        const res = await this.#transport({
          method: "POST",
          url: this.tokenUrl,
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            accept: "application/json",
            authorization: this.#basicAuth,
          },
          body,
          signal: requestSignal,
        });
        if (res.status >= 200 && res.status < 300) {
          return this.#parseTokens(res, startedAt, previous);
        }
        failure = this.#errorFor(res, purpose, allSecrets);
        const wait = retryAfterMs(res);
        if (wait !== undefined) delayMs = Math.max(delayMs, Math.min(wait, MAX_RETRY_AFTER_MS));
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        if (err instanceof NetworkError) failure = err;
        else if (timeout.aborted) {
          failure = new NetworkError(
            `The OAuth token request to ${this.tokenUrl} timed out after ${this.#requestTimeoutMs} ms.`,
            { kind: "timeout", method: "POST", path: TOKEN_PATH, cause: err },
          );
        } else throw err;
      }
      if (!failure.retryable || attempt >= this.#maxRetries) throw failure;
      this.#logger.warn("OAuth token request failed; retrying", {
        grantType: params.grant_type,
        status: failure.status,
        attempt: attempt + 1,
        delayMs,
      });
      await this.#clock.sleep(delayMs, signal);
    }
  }

  #parseTokens(res: TransportResponse, startedAt: number, previous: TokenSet | undefined): TokenSet {
    const json = parseJson(res.body);
    const bad = (what: string) =>
      new ServerError(
        `Klaviyo's OAuth token endpoint answered HTTP ${res.status} without a usable ${what}. Run the OAuth authorization again; if it persists, Klaviyo's OAuth service may be misbehaving.`,
        { status: res.status, method: "POST", path: TOKEN_PATH },
      );
    if (typeof json !== "object" || json === null) throw bad("JSON body");
    const accessToken = stringField(json, "access_token");
    if (!accessToken) throw bad("access_token");
    // RFC 6749 lets a refresh response omit refresh_token (keep the old one); Klaviyo rotates it.
    const refreshToken = stringField(json, "refresh_token") || previous?.refreshToken;
    if (!refreshToken) throw bad("refresh_token");
    const rawExpires = (json as Record<string, unknown>).expires_in;
    const expiresIn = typeof rawExpires === "string" ? Number(rawExpires) : rawExpires;
    const seconds =
      typeof expiresIn === "number" && Number.isFinite(expiresIn) && expiresIn > 0
        ? expiresIn
        : DEFAULT_EXPIRES_IN_SECONDS;
    const scope = stringField(json, "scope") ?? previous?.scope;
    const tokens: TokenSet = {
      accessToken,
      refreshToken,
      // Counted from when the request started, so clock skew during the request errs early.
      expiresAt: startedAt + seconds * 1000,
      tokenType: stringField(json, "token_type") || "Bearer",
      ...(scope === undefined ? {} : { scope }),
    };
    this.#lifetimes.set(tokens, seconds * 1000);
    return tokens;
  }

  #errorFor(res: TransportResponse, purpose: Purpose, secrets: string[]): KlaviyoError {
    const json = parseJson(res.body);
    const code = stringField(json, "error");
    const rawDescription = stringField(json, "error_description");
    const description = rawDescription ? redactSecrets(rawDescription, secrets).slice(0, 300) : undefined;
    const label = `HTTP ${res.status}${code ? `, ${code}` : ""}${description ? `: ${description}` : ""}`;
    const errors: ApiErrorObject[] = [
      { status: res.status, ...(code ? { code } : {}), ...(description ? { detail: description } : {}) },
    ];
    const init: KlaviyoErrorInit = {
      status: res.status,
      errors,
      method: "POST",
      path: TOKEN_PATH,
      ...(code ? { code } : {}),
    };

    if (code === "invalid_grant") {
      return new AuthenticationError(
        purpose === "refresh"
          ? `Klaviyo rejected the OAuth refresh token (${label}). The app's access was revoked, or the refresh token expired or was already used (refresh tokens rotate on every refresh). Run the OAuth authorization again to get new tokens.`
          : `Klaviyo rejected the authorization code (${label}). Codes are single-use and short-lived, and the code verifier and redirect URI must match the authorization request. Run the OAuth authorization again.`,
        init,
      );
    }
    if (code === "invalid_client" || (res.status === 401 && code === undefined)) {
      return new AuthenticationError(
        `Klaviyo rejected the OAuth client credentials (${label}). Check the client id and client secret of your Klaviyo OAuth app.`,
        init,
      );
    }
    if (code === "unauthorized_client") {
      return new AuthenticationError(
        `Klaviyo does not allow this OAuth app to use this grant type (${label}). Check the app's configuration in Klaviyo.`,
        init,
      );
    }
    if (res.status === 401) {
      return new AuthenticationError(
        `Klaviyo refused the OAuth token request (${label}). Check the client id and secret, then run the OAuth authorization again.`,
        init,
      );
    }
    if (res.status === 429) {
      const wait = retryAfterMs(res);
      return new RateLimitError(`Klaviyo rate-limited the OAuth token request (${label}). Retry later.`, {
        ...init,
        ...(wait === undefined ? {} : { retryAfter: wait / 1000 }),
      });
    }
    if (res.status >= 500) {
      return new ServerError(
        `Klaviyo's OAuth token endpoint had a server error (${label}). It is usually temporary: retry later.`,
        init,
      );
    }
    if (res.status === 403) {
      return new PermissionError(
        `Klaviyo refused the OAuth token request (${label}). Check the app's configuration.`,
        init,
      );
    }
    if (res.status === 400) {
      return new ValidationError(
        `Klaviyo rejected the OAuth token request as invalid (${label}). Check the redirect URI and scopes registered for the app.`,
        init,
      );
    }
    return new ClientRequestError(`Klaviyo refused the OAuth token request (${label}).`, init);
  }
}

export function createOAuthClient(options: OAuthClientOptions): OAuthClient {
  return new OAuthClient(options);
}
