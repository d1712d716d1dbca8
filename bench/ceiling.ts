/**
 * The rate-limit ceiling every benchmark compares against: the most requests, and so rows, that
 * an operation's burst (1 s) and steady (60 s) limits let a client send in T seconds.
 *
 * A client that keeps every 1 s and every 60 s interval within the limits (a sliding log: the only
 * policy that is safe wherever the server's fixed windows begin) has sent at most
 *
 *   pagesCeiling(T) = Σ over the minutes m = 0, 1, ... begun by T of  min(steady, burst × s_m),
 *                     s_m = ⌈min(60, T − 60·m)⌉ (the seconds of minute m begun by T)
 *
 * requests T seconds after it started with empty windows. Cut [0, T) into 60 s blocks: each block
 * is one 60 s interval, so it holds at most `steady` requests, and it is covered by s_m one-second
 * intervals, so at most `burst × s_m`; the greedy schedule (full burst until the minute's quota is
 * spent) reaches the bound. When the server's fixed windows begin where the run begins (a run
 * started on a wall-clock minute against the emulator, whose windows are aligned to the epoch),
 * this is also exactly what the server admits. A run that straddles a server window boundary
 * elsewhere can be admitted more (a fresh steady window may open one second in): a client that
 * only reacts to 429s can then pass this bound, which is why the SDK baselines start on a boundary.
 *
 * A workload's ceiling in rows is rowsCeiling(T) = pagesCeiling(T) × rows a request carries (100
 * profiles a get_profiles page, 1,000 events a bulk-create job, 1 row a create-or-update call...),
 * and its ceiling in rows per second rowsCeiling(T) ÷ T. `fraction` = rows ÷ rowsCeiling(T).
 *
 * A fixed dataset smaller than rowsCeiling(T) cannot fill it (a run that ends in a burst), so its
 * time is also compared with `minSeconds`, the shortest time in which the limits let its requests
 * be sent (1,000 profile pages: 750 by second 10, the 250 others in seconds 60–63, so 63 s), and
 * `timeEfficiency` = minSeconds ÷ seconds taken.
 */

/** Most requests a client keeping every 1 s and 60 s interval within the limits sends by T s. */
export function pagesCeiling(seconds: number, burst: number, steady: number): number {
  let total = 0;
  for (let m = 0; m * 60 < seconds; m++) {
    total += Math.min(steady, burst * Math.ceil(Math.min(60, seconds - m * 60)));
  }
  return total;
}

/**
 * The shortest time in which the limits let `pages` requests be sent: just over the last whole
 * second n at which pagesCeiling(n) < pages (the ceiling is constant on each (n, n + 1]).
 */
export function minSeconds(pages: number, burst: number, steady: number): number {
  let n = 1;
  while (pagesCeiling(n, burst, steady) < pages) n++;
  return n - 1;
}

/** The looser bound min(burst × ⌈T/1 s⌉, steady × ⌈T/60 s⌉). */
export function pagesCeilingSimple(seconds: number, burst: number, steady: number): number {
  return Math.min(burst * Math.ceil(seconds), steady * Math.ceil(seconds / 60));
}

export interface Limits {
  burst: number;
  steady: number;
}

export interface RowsCeiling {
  /** The operation whose limits bound the run. */
  operation: string;
  burst: number;
  steady: number;
  rowsPerRequest: number;
  seconds: number;
  requestsCeiling: number;
  rowsCeiling: number;
  /** rowsCeiling ÷ seconds. */
  rowsPerSecond: number;
  /** What a long run can average at most: steady ÷ 60 × rowsPerRequest. */
  steadyRowsPerSecond: number;
}

const round = (n: number, digits: number) => Number(n.toFixed(digits));

/** The rows `operation`'s limits allow in `seconds`, `rowsPerRequest` rows a request. */
export function rowsCeiling(
  operation: string,
  limits: Limits,
  rowsPerRequest: number,
  seconds: number,
): RowsCeiling {
  const requestsCeiling = pagesCeiling(seconds, limits.burst, limits.steady);
  const rows = requestsCeiling * rowsPerRequest;
  return {
    operation,
    burst: limits.burst,
    steady: limits.steady,
    rowsPerRequest,
    seconds: round(seconds, 2),
    requestsCeiling,
    rowsCeiling: rows,
    rowsPerSecond: seconds > 0 ? round(rows / seconds, 1) : 0,
    steadyRowsPerSecond: round((limits.steady / 60) * rowsPerRequest, 1),
  };
}

/** rows ÷ the ceiling's rows, to three places (null without a ceiling). */
export function fractionOf(rows: number, ceiling: { rowsCeiling: number } | null | undefined): number | null {
  if (!ceiling || ceiling.rowsCeiling <= 0) return null;
  return round(rows / ceiling.rowsCeiling, 3);
}

/** Milliseconds from `now` to the next multiple of `stepMs` since the epoch (0 when on one). */
export function msToBoundary(now: number, stepMs: number): number {
  const r = now % stepMs;
  return r === 0 ? 0 : stepMs - r;
}
