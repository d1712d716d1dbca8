/**
 * What the SDK baselines share, kept out of them so each baseline reads like the klaviyo-api
 * README: the run's settings, the counting, the deadline and the result line.
 *
 * Counting leaves the SDK as it is. The SDK sends every request, retries included, through the
 * default instance of axios (`axios(config)` in RetryWithExponentialBackoff.requestWithRetry);
 * interceptors added to that same instance (required from klaviyo-api's own folder, so it is the
 * module the SDK loaded) see each request start and each response or error, without changing
 * either. From them:
 *
 *   requests     every HTTP request sent (retries included), by method and path;
 *   rateLimited  responses with status 429;
 *   retries      requests − calls (a baseline counts its SDK calls; a sequential call that
 *                needed k retries sent k + 1 requests);
 *   waitSeconds  time from a response with one of the SDK's retry codes (429, 503, 504, 524) to
 *                the next request: the SDK's backoff sleeps (a baseline makes one call at a time);
 *   peakRssMb    the larger of process.memoryUsage().rss sampled every 100 ms and the kernel's
 *                VmHWM (the child runs under tsx, whose loader adds about 33 MB).
 *
 * The deadline. A baseline runs until it has handled `rows` rows or `seconds` have passed,
 * whichever comes first, and reports what was done by then: rows whose call completed, and the
 * time (`seconds`, the window, or less when the rows ran out). A call still waiting at the
 * deadline (the SDK sleeps up to a minute for a steady window to reset) is not waited for.
 *
 * `align`: the run starts on a wall-clock second or minute. The emulator's rate-limit windows are
 * fixed and aligned to the epoch, as Klaviyo's are fixed; a run that starts on a boundary gets
 * exactly the windows the ceiling formula assumes (../ceiling.ts), so a client that only reacts
 * to 429s cannot beat the formula by straddling a window reset.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg } from "node:os";
import { msToBoundary } from "../ceiling.js";

export interface BaselineConfig {
  /** The emulator's base URL (the SDK's `basePath`). */
  url: string;
  /** The private API key (its own rate-limit windows). */
  key: string;
  /** Rows to send or read at most. */
  rows: number;
  /** The window: the run stops then even when rows remain. */
  seconds: number;
  align: "second" | "minute" | "none";
}

export interface BaselineResult {
  benchmark: "sdk-baseline";
  workload: string;
  /** ok: every row handled; deadline: the window ended first; failed: the baseline threw. */
  status: string;
  rows: number;
  failedRows: number;
  calls: number;
  seconds: number;
  /** Epoch ms at which the run began (after alignment). */
  startedAtMs: number;
  requests: number;
  requestsByPath: Record<string, { count: number; rateLimited: number }>;
  rateLimited: number;
  retries: number;
  waitSeconds: number;
  peakRssMb: number;
  baselineRssMb: number;
  firstError?: string;
  sdk: { version: string; revision: string | null; retry: Record<string, unknown> };
  loadAverage: [number, number];
}

/** The parts of axios the counting uses (the SDK's own instance, so no import of axios here). */
interface AxiosLike {
  interceptors: {
    request: { use(onFulfilled: (config: AxiosConfigLike) => AxiosConfigLike): number };
    response: {
      use(
        onFulfilled: (res: { status: number }) => unknown,
        onRejected: (error: { response?: { status: number } }) => unknown,
      ): number;
    };
  };
}

interface AxiosConfigLike {
  method?: string;
  url?: string;
  headers?: Record<string, unknown> | { get?(name: string): unknown };
}

/** What a baseline reports as it goes. */
export interface Progress {
  /** SDK calls made (each may send several requests when the SDK retries). */
  calls: number;
  /** Rows whose call completed. */
  rows: number;
  failedRows: number;
  firstError?: string;
  /** A call failed after the SDK's retries (the README's `.catch(error => console.log(error))`). */
  fail(error: unknown, rows?: number): void;
}

const RETRY_CODES = new Set([429, 503, 504, 524]);

function argConfig(): BaselineConfig {
  const i = process.argv.indexOf("--config");
  const raw = i >= 0 ? process.argv[i + 1] : process.env.KS_BASELINE_CONFIG;
  if (!raw) throw new Error('usage: tsx bench/sdk/<baseline>.ts --config \'{"url":...,"key":...}\'');
  return JSON.parse(raw) as BaselineConfig;
}

function pathOf(method: string | undefined, url: string | undefined): string {
  let path = url ?? "";
  try {
    path = new URL(path).pathname;
  } catch {
    // already a path
  }
  // Resource ids (list ids, job ids) become {id}, so a path names an operation.
  path = path.replace(/^(\/api\/[a-z-]+\/)[^/]+(?=\/|$)/, "$1{id}");
  return `${(method ?? "get").toUpperCase()} ${path}`;
}

function errorText(error: unknown): string {
  const e = error as { response?: { status?: number; data?: unknown }; message?: string };
  if (e?.response) return `${e.response.status} ${JSON.stringify(e.response.data ?? "").slice(0, 300)}`;
  return String(e?.message ?? error).slice(0, 300);
}

function kernelPeakRssMb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

/** Sets up counting for one baseline; `run(main)` times `main` and prints the result line. */
export function baseline(workload: string): {
  config: BaselineConfig;
  progress: Progress;
  run(main: () => Promise<void>): Promise<never>;
} {
  const config = argConfig();
  const sdkRequire = createRequire(createRequire(import.meta.url).resolve("klaviyo-api"));
  const axios = sdkRequire("axios") as AxiosLike;
  const sdkVersion = (sdkRequire("../package.json") as { version: string }).version;

  let timing = false;
  let requests = 0;
  let rateLimited = 0;
  let waitMs = 0;
  let waitingSince: number | undefined;
  let revision: string | null = null;
  const byPath: Record<string, { count: number; rateLimited: number }> = {};
  const pathKey = Symbol("path");

  axios.interceptors.request.use((cfg) => {
    const now = performance.now();
    const path = pathOf(cfg.method, cfg.url);
    (cfg as Record<symbol, string>)[pathKey] = path;
    if (revision === null) {
      const h = cfg.headers as Record<string, unknown> | undefined;
      const v = h?.revision;
      if (typeof v === "string") revision = v;
    }
    if (timing) {
      requests++;
      const c = byPath[path] ?? { count: 0, rateLimited: 0 };
      byPath[path] = c;
      c.count++;
      if (waitingSince !== undefined) waitMs += now - waitingSince;
    }
    waitingSince = undefined;
    return cfg;
  });
  const onStatus = (status: number, cfg: unknown) => {
    if (!timing) return;
    if (status === 429) {
      rateLimited++;
      const path = (cfg as Record<symbol, string> | undefined)?.[pathKey];
      if (path && byPath[path]) (byPath[path] as { rateLimited: number }).rateLimited++;
    }
    if (RETRY_CODES.has(status)) waitingSince = performance.now();
  };
  axios.interceptors.response.use(
    (res) => {
      onStatus(res.status, (res as { config?: unknown }).config);
      return res;
    },
    (error) => {
      onStatus(error.response?.status ?? 0, (error as { config?: unknown }).config);
      return Promise.reject(error);
    },
  );

  const progress: Progress = {
    calls: 0,
    rows: 0,
    failedRows: 0,
    fail(error, rows = 1) {
      this.failedRows += rows;
      this.firstError ??= errorText(error);
    },
  };

  const run = async (main: () => Promise<void>): Promise<never> => {
    const step = config.align === "minute" ? 60_000 : config.align === "second" ? 1000 : 0;
    if (step > 0) await new Promise((r) => setTimeout(r, msToBoundary(Date.now(), step)));
    let peakRss = process.memoryUsage().rss;
    const baselineRss = peakRss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 100);
    const load0 = loadavg()[0] ?? 0;
    const startedAtMs = Date.now();
    const t0 = performance.now();
    timing = true;
    let outcome: { done: true } | { error: unknown } | undefined;
    const work = main().then(
      () => {
        outcome = { done: true };
      },
      (error: unknown) => {
        outcome = { error };
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((r) => {
      timer = setTimeout(r, config.seconds * 1000);
    });
    await Promise.race([work, deadline]);
    clearTimeout(timer);
    timing = false;
    const now = performance.now();
    if (waitingSince !== undefined) waitMs += now - waitingSince;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const seconds = outcome ? (now - t0) / 1000 : config.seconds;
    const status =
      outcome === undefined
        ? "deadline"
        : "error" in outcome
          ? `failed: ${errorText(outcome.error)}`
          : progress.failedRows > 0
            ? `ok with ${progress.failedRows} failed rows`
            : "ok";
    const session = sdkRequire("./api/apis") as {
      RetryWithExponentialBackoff: new () => Record<string, unknown>;
    };
    const retry = new session.RetryWithExponentialBackoff();
    const result: BaselineResult = {
      benchmark: "sdk-baseline",
      workload,
      status,
      rows: progress.rows,
      failedRows: progress.failedRows,
      calls: progress.calls,
      seconds: Number(seconds.toFixed(2)),
      startedAtMs,
      requests,
      requestsByPath: byPath,
      rateLimited,
      retries: Math.max(0, requests - progress.calls),
      waitSeconds: Number((waitMs / 1000).toFixed(1)),
      peakRssMb: Math.max(Math.round(peakRss / 1048576), kernelPeakRssMb()),
      baselineRssMb: Math.round(baselineRss / 1048576),
      ...(progress.firstError ? { firstError: progress.firstError } : {}),
      sdk: {
        version: sdkVersion,
        revision,
        retry: {
          retryCodes: retry.retryCodes,
          numRetries: retry.numRetries,
          maxInterval: retry.maxInterval,
        },
      },
      loadAverage: [Number(load0.toFixed(2)), Number((loadavg()[0] ?? 0).toFixed(2))],
    };
    console.log(JSON.stringify(result));
    // A call may still be sleeping in the SDK's backoff: the window is over, so is the process.
    process.exit(0);
  };
  return { config, progress, run };
}
