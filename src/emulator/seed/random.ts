/**
 * Deterministic randomness for seeding. One `Rng` is a mulberry32 stream (same algorithm as
 * `prng` in store/ids.ts) that can be re-keyed in place, so per-item draws (`rng.key(seed, i)`)
 * cost no allocation: event properties and profile traits are pure functions of (seed, index).
 */

/** Mixes two 32-bit values into a well-spread 32-bit key (murmur3 finaliser). */
export function hash2(a: number, b: number): number {
  let h = Math.imul((a ^ 0x85ebca6b) >>> 0, 0xcc9e2d51) ^ Math.imul(b | 0, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function hash3(a: number, b: number, c: number): number {
  return hash2(hash2(a, b), c);
}

export class Rng {
  private a: number;

  constructor(seed: number) {
    this.a = seed >>> 0;
  }

  /** Re-keys this stream to (seed, salt, index): the same triple always yields the same draws. */
  key(seed: number, salt: number, index: number): this {
    this.a = hash3(seed, salt, index);
    return this;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [lo, hi] (inclusive). */
  between(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Index drawn from cumulative weights (last entry = total). */
  weighted(cumulative: readonly number[]): number {
    const target = this.next() * (cumulative[cumulative.length - 1] as number);
    let i = 0;
    while (i < cumulative.length - 1 && (cumulative[i] as number) <= target) i++;
    return i;
  }

  /** `n` upper-case letters and digits (coupon codes, SKUs). */
  code(n: number): string {
    const chars = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let s = "";
    for (let i = 0; i < n; i++) s += chars[Math.floor(this.next() * chars.length)];
    return s;
  }

  /** An RFC 4122-shaped (version 4) UUID. */
  uuid(): string {
    const hex = "0123456789abcdef";
    let s = "";
    for (let i = 0; i < 32; i++) {
      let d = Math.floor(this.next() * 16);
      if (i === 12) d = 4;
      if (i === 16) d = 8 + (d & 3);
      s += hex[d];
      if (i === 7 || i === 11 || i === 15 || i === 19) s += "-";
    }
    return s;
  }
}

/** Cumulative sums of weights, for `Rng.weighted`. */
export function cumulative(weights: readonly number[]): number[] {
  const out: number[] = [];
  let sum = 0;
  for (const w of weights) {
    sum += w;
    out.push(sum);
  }
  return out;
}

export const DAY = 86_400_000;
export const HOUR = 3_600_000;

/** Rounds to 2 decimals (money). */
export function money(n: number): number {
  return Math.round(n * 100) / 100;
}
