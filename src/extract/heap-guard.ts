/**
 * Keeps the JavaScript heap of a long extract close to what it really holds.
 *
 * An extract's pages live for a few hundred milliseconds (read, decoded, waiting for their
 * commit), long enough for V8 to move them to the old generation, where they are collected only
 * when that generation reaches a limit V8 sets at up to four times its live size. Over a long run
 * that is tens of MB of dead pages held between collections: an extract of 1M events peaked at
 * about 150 MB of heap while holding about 35 MB. V8's own cap (`--max-old-space-size`) can only
 * be given when the process starts, which a command cannot do for itself, so the guard does the
 * same from inside: after a commit, when the heap has grown past `factor` × what was live after
 * the last collection (and past `floorMb`), it asks for a full collection. Measured on the 1M
 * events extract: about 30 collections of 40 ms each (about 1.2 s of a 27 s run) for a heap that
 * stays near 70 MB. A process started with `--expose-gc` keeps its `gc`; otherwise the flag is
 * turned on just long enough to take the function and turned off again.
 */
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

const MB = 1024 * 1024;

export interface HeapGuardOptions {
  /** Never collect below this much heap in use (default 48 MB). */
  floorMb?: number;
  /** Collect when the heap in use passes this multiple of the last live size (default 1.5). */
  factor?: number;
}

export class HeapGuard {
  /** Full collections asked for, and the milliseconds they took. */
  collections = 0;
  ms = 0;
  private readonly gc: (() => void) | undefined;
  private readonly floor: number;
  private readonly factor: number;
  private threshold: number;

  constructor(options: HeapGuardOptions = {}) {
    this.floor = (options.floorMb ?? 48) * MB;
    this.factor = options.factor ?? 1.5;
    this.threshold = this.floor;
    this.gc = takeGc();
  }

  /** Whether the guard can collect (false where the runtime gives no `gc`). */
  get active(): boolean {
    return this.gc !== undefined;
  }

  /** Collects if the heap in use has passed the threshold; cheap otherwise. */
  check(): void {
    // The heap's own figures: process.memoryUsage() also reads the RSS from the system, at every commit.
    if (!this.gc || getHeapStatistics().used_heap_size < this.threshold) return;
    const t0 = performance.now();
    this.gc();
    this.ms += performance.now() - t0;
    this.collections++;
    this.threshold = Math.max(this.floor, getHeapStatistics().used_heap_size * this.factor);
  }
}

function takeGc(): (() => void) | undefined {
  const existing = (globalThis as { gc?: unknown }).gc;
  if (typeof existing === "function") return existing as () => void;
  try {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as unknown;
    return typeof gc === "function" ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  } finally {
    setFlagsFromString("--no-expose-gc");
  }
}
