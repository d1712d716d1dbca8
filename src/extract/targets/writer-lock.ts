/**
 * One extract at a time per target. Two runs writing the same target at once would interleave
 * their states (each resuming the other's run, one dropping the staging table the other fills),
 * so `runExtract` takes the target's writer lock first and the second run is refused with a
 * message that names the holder.
 *
 *  - DuckDB: another process cannot open the file at all (DuckDB's own file lock); within one
 *    process, a registry of the paths being written.
 *  - PostgreSQL: a session-level advisory lock on a connection of its own (pg-connect.ts), so a
 *    run killed on any host releases it when its connection ends.
 *  - Files: a lock file in the folder (`_klaviyo_sync.lock`, pid, host, start time), created
 *    exclusively; one left by a run that is no longer running on this host is taken over, one
 *    from another host must be removed by hand (the message says how).
 */
import { randomUUID } from "node:crypto";
import { open, readFile, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { ConfigError } from "../../client/errors.js";
import { heldInThisProcess, lockHolderRunning } from "../../load/state/liveness.js";

/** Releases a writer lock. */
export type ReleaseLock = () => Promise<void>;

/** Another extract is writing the target. */
export class TargetLockedError extends ConfigError {
  override readonly name = "TargetLockedError";
}

export function lockedMessage(target: string, holder: string | undefined, hint = ""): string {
  return `Another klaviyo-sync extract is writing to ${target}${holder ? ` (${holder})` : ""}; this run stopped before writing anything. Wait for that run to finish, or write to another target.${hint}`;
}

/** Targets (by key) written by runs of this process. */
const writing = new Map<string, string>();

/** The in-process part: refuses a second writer of `key` in this process. */
export function lockInProcess(key: string, target: string): ReleaseLock {
  const since = writing.get(key);
  if (since !== undefined)
    throw new TargetLockedError(
      lockedMessage(target, `an extract in this process, pid ${process.pid}, since ${since}`),
    );
  writing.set(key, new Date().toISOString());
  return async () => {
    writing.delete(key);
  };
}

export const LOCK_FILE = "_klaviyo_sync.lock";

interface LockFileContent {
  pid: number;
  hostname: string;
  startedAt: string;
  token: string;
}

/**
 * Takes `path` as a lock file (created exclusively, mode 0600). A lock file left by a run that no
 * longer runs on this host is replaced (and `onTakeover` told); any other is refused.
 */
export async function lockFile(
  path: string,
  target: string,
  onTakeover?: (previous: LockFileContent) => void,
): Promise<ReleaseLock> {
  const mine: LockFileContent = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    token: randomUUID(),
  };
  for (let attempt = 0; attempt < 4; attempt++) {
    let fh: Awaited<ReturnType<typeof open>>;
    try {
      fh = await open(path, "wx", 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST")
        throw new ConfigError(
          `Cannot create the lock file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}. Check that the folder is writable.`,
        );
      let holder = await readLock(path);
      if (holder === undefined) {
        // Empty or half-written: being written right now, or its writer died in between.
        await new Promise((r) => setTimeout(r, 100));
        holder = await readLock(path);
      }
      if (holder !== undefined) {
        if (!holderGone(holder)) throw lockedError(path, target, holder);
        onTakeover?.(holder);
      }
      await unlink(path).catch(() => {});
      continue;
    }
    try {
      await fh.writeFile(`${JSON.stringify(mine)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    heldInThisProcess(mine.token, true);
    return async () => {
      heldInThisProcess(mine.token, false);
      // Only our own lock: never one another run took over meanwhile.
      if ((await readLock(path))?.token === mine.token) await unlink(path).catch(() => {});
    };
  }
  throw lockedError(path, target, await readLock(path));
}

function holderGone(holder: LockFileContent): boolean {
  return holder.hostname === hostname() && !lockHolderRunning(holder);
}

function lockedError(path: string, target: string, holder: LockFileContent | undefined): TargetLockedError {
  if (!holder) return new TargetLockedError(lockedMessage(target, `lock file ${path}`));
  const other = holder.hostname !== hostname();
  return new TargetLockedError(
    lockedMessage(
      target,
      `pid ${holder.pid} on ${holder.hostname}, since ${holder.startedAt}`,
      other
        ? ` That run is on another host, so klaviyo-sync cannot tell whether it still runs; if it does not, delete ${path}.`
        : "",
    ),
  );
}

async function readLock(path: string): Promise<LockFileContent | undefined> {
  try {
    const v = JSON.parse(await readFile(path, "utf8")) as Partial<LockFileContent>;
    if (typeof v.pid === "number" && typeof v.hostname === "string" && typeof v.token === "string")
      return { pid: v.pid, hostname: v.hostname, startedAt: String(v.startedAt ?? ""), token: v.token };
    return undefined;
  } catch {
    return undefined;
  }
}
