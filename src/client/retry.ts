/** Retry policy: which failures are retried, and how long to wait before the next attempt. */

export interface RetryOptions {
  /** Attempts after the first for 5xx and network errors. Default 6. */
  maxRetries?: number;
  /** First backoff step, ms. Default 500. */
  baseDelayMs?: number;
  /** Cap on one backoff step, ms. Default 30 s. */
  maxDelayMs?: number;
  /**
   * Total time one request may spend waiting out 429s before it fails. Default 15 minutes, so a
   * 90-second 429 storm is ridden out rather than surfaced.
   */
  maxRateLimitWaitMs?: number;
  /** Random source in [0, 1) for jitter (injectable for tests). */
  random?: () => number;
}

export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

export interface ResolvedRetry {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRateLimitWaitMs: number;
  random: () => number;
}

export function resolveRetry(options: RetryOptions = {}): ResolvedRetry {
  return {
    maxRetries: options.maxRetries ?? 6,
    baseDelayMs: options.baseDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 30_000,
    maxRateLimitWaitMs: options.maxRateLimitWaitMs ?? 15 * 60_000,
    random: options.random ?? Math.random,
  };
}

/**
 * Capped exponential backoff with "equal jitter": half the step is fixed, half random, so waits
 * never collapse to zero yet concurrent callers spread out.
 */
export function backoffDelay(attempt: number, retry: ResolvedRetry): number {
  const step = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return step / 2 + retry.random() * (step / 2);
}
