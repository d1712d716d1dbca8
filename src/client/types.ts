/**
 * The small interfaces the client is assembled from. Each is injectable so tests run against
 * in-process servers with a fake clock and no monkey-patching.
 */

/** Time source and timer. `sleep` must reject with the signal's reason when the signal aborts. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export interface TransportRequest {
  method: HttpMethod;
  /** Absolute URL. */
  url: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body?: string | Uint8Array | FormData;
  signal: AbortSignal;
}

export interface TransportResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The raw response body as text ("" when there is none). */
  body: string;
  /**
   * The body's bytes as received, when the transport has them: read instead of `body` by callers
   * that decode elsewhere (a transport may then decode `body` only when it is first read).
   */
  bytes?: Uint8Array;
}

/** Sends one HTTP request. Network failures reject with a `NetworkError`. */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/** Supplies the Authorization header. */
export interface AuthProvider {
  readonly kind: "api-key" | "oauth";
  /** The value for the `Authorization` header. */
  authorization(signal?: AbortSignal): Promise<string>;
  /**
   * Called once when a request that used `usedAuthorization` got a 401. Return true when fresh
   * credentials were obtained and the request should be sent again.
   */
  onUnauthorized?(usedAuthorization: string, signal?: AbortSignal): Promise<boolean>;
}

/** A structured log line. Messages never contain secrets; the client redacts before logging. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
};

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const timer = setTimeout(
        () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};
