/**
 * Deterministic ids shaped like Klaviyo's: 26-character ULID-style ids (time-ordered) for profiles,
 * events and jobs, 6-character ids for lists, segments, metrics and other account objects.
 */
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const SHORT = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/** A small fast PRNG (mulberry32) so every seed gives the same data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class IdGenerator {
  private counter = 0;
  private readonly shortSeen = new Set<string>();
  private readonly rand: () => number;

  constructor(seed: number) {
    this.rand = prng(seed ^ 0x9e3779b9);
  }

  /** ULID-style: 10 characters of time, 16 of a counter, so ids sort by creation. */
  ulid(timeMs: number): string {
    let t = Math.max(0, Math.floor(timeMs));
    let time = "";
    for (let i = 0; i < 10; i++) {
      time = CROCKFORD[t % 32] + time;
      t = Math.floor(t / 32);
    }
    let n = ++this.counter;
    let tail = "";
    for (let i = 0; i < 16; i++) {
      tail = CROCKFORD[n % 32] + tail;
      n = Math.floor(n / 32);
    }
    return time + tail;
  }

  /** A unique 6-character id. */
  short(): string {
    for (;;) {
      let s = "";
      for (let i = 0; i < 6; i++) s += SHORT[Math.floor(this.rand() * SHORT.length)];
      if (!this.shortSeen.has(s)) {
        this.shortSeen.add(s);
        return s;
      }
    }
  }
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+00:00");
}
