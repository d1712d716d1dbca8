/**
 * Whether the run holding a sync's lock still runs on this host: what `LoadState.lock` asks before
 * it takes over a lock (the holder being on this host; another host's process cannot be checked).
 *
 * A run killed with kill -9, or by the out-of-memory killer, never releases its lock: the row stays
 * in the state with the run's pid. The next run must take it over by itself, with no manual step,
 * yet never while that run is still going. "No process has that pid" is not the only sign it is
 * gone, and "a process has that pid" does not prove it is still there:
 *
 *  - The pid is this process's own, but no handle in this process holds the lock: the pid was
 *    reused. Typical in a container restarted after a kill: pids start over, and the new run may
 *    get the very pid the killed one had (same hostname, since it is the same container).
 *  - Linux: the process with that pid started after the lock was taken, so it cannot have taken
 *    it: the pid was reused by another process.
 *  - Linux: the process is a zombie (killed, not yet reaped by its parent): it runs no more code.
 *
 * Elsewhere, a live pid counts as running (the safe side: the run is refused and says so).
 */
import { readFileSync } from "node:fs";

/** Lock tokens taken by the LoadState handles of this process (and not released). */
const heldHere = new Set<string>();

export function heldInThisProcess(token: string, held: boolean): void {
  if (held) heldHere.add(token);
  else heldHere.delete(token);
}

/**
 * Clock ticks per second in /proc/<pid>/stat (USER_HZ: 100 on every Linux architecture Node
 * supports).
 */
const USER_HZ = 100;
/** A process that started this long after the lock was taken cannot hold it (clock steps, rounding). */
const START_SLACK_MS = 5_000;

export interface ProcessInfo {
  /** One letter: R running, S sleeping, D disk wait, Z zombie, X dead, T stopped... */
  state: string;
  /** When the process started, ms since the epoch. */
  startedAtMs: number | undefined;
}

/** Linux: the state and start time of a process from /proc; undefined elsewhere or when unreadable. */
export function processInfo(pid: number): ProcessInfo | undefined {
  let stat: string;
  let uptime: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    uptime = readFileSync("/proc/uptime", "utf8");
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields are counted
  // from the last ")". fields[0] is field 3 (state); field 22 (starttime, ticks since boot) is fields[19].
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const state = fields[0] ?? "";
  const ticks = Number(fields[19]);
  const up = Number(uptime.split(" ")[0]);
  const startedAtMs =
    Number.isFinite(ticks) && Number.isFinite(up) ? Date.now() - (up - ticks / USER_HZ) * 1000 : undefined;
  return { state, startedAtMs };
}

/** Whether some process has this pid (one we may not signal counts). */
function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether the run that took a lock (as `pid`, at `startedAt`, with `token`) still runs, for a lock
 * row written on this host.
 */
export function lockHolderRunning(holder: { pid: number; startedAt: string; token: string }): boolean {
  const { pid } = holder;
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return heldHere.has(holder.token);
  if (!pidExists(pid)) return false;
  const info = processInfo(pid);
  if (!info) return true;
  if (info.state === "Z" || info.state === "X") return false;
  const lockedAt = Date.parse(holder.startedAt);
  if (info.startedAtMs !== undefined && Number.isFinite(lockedAt))
    return info.startedAtMs <= lockedAt + START_SLACK_MS;
  return true;
}
