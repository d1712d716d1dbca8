/**
 * When things happen: a weight per hour over the seeded window (store growth, weekdays, the
 * Black Friday / holiday peak, a daily rhythm, bursts at campaign sends), and a monotone mapping
 * from [0, 1) onto it. Feeding it increasing positions yields increasing timestamps, so seeded
 * events come out sorted without a sort.
 */
import { DAY, HOUR } from "./random.js";

/** UTC hour-of-day weights: most shoppers are in the Americas, so the peak is 14:00–03:00 UTC. */
// biome-ignore format: a compact table
const HOUR_WEIGHTS = [
  1.3, 1.35, 1.3, 1.1, 0.8, 0.55, 0.4, 0.3, 0.3, 0.35, 0.45, 0.6,
  0.8, 0.95, 1.05, 1.1, 1.15, 1.15, 1.1, 1.1, 1.15, 1.2, 1.25, 1.3,
];
/** Sunday..Saturday. */
const WEEKDAY_WEIGHTS = [0.9, 1.05, 1.05, 1.0, 1.0, 0.95, 0.85];

/** The Friday after the fourth Thursday of November, UTC midnight. */
export function blackFriday(year: number): number {
  const nov1 = Date.UTC(year, 10, 1);
  const dow = new Date(nov1).getUTCDay();
  const firstThursday = 1 + ((4 - dow + 7) % 7);
  return Date.UTC(year, 10, firstThursday + 21 + 1);
}

export class Timeline {
  readonly hours: number;
  readonly weight: Float64Array;
  private cum: Float64Array | undefined;

  constructor(
    readonly start: number,
    readonly end: number,
    options: { growth?: number } = {},
  ) {
    this.hours = Math.max(1, Math.ceil((end - start) / HOUR));
    this.weight = new Float64Array(this.hours);
    const growth = options.growth ?? 1;
    const days = Math.ceil(this.hours / 24);
    const peaks = new Set<number>();
    for (let y = new Date(start).getUTCFullYear(); y <= new Date(end).getUTCFullYear(); y++) {
      const bf = blackFriday(y);
      for (let d = 0; d < 4; d++) peaks.add(Math.floor((bf + d * DAY) / DAY));
    }
    for (let d = 0; d < days; d++) {
      const dayStart = start + d * DAY;
      const date = new Date(dayStart);
      const month = date.getUTCMonth();
      const dom = date.getUTCDate();
      let w = 1 + (growth * d) / days;
      w *= WEEKDAY_WEIGHTS[date.getUTCDay()] as number;
      if (peaks.has(Math.floor(dayStart / DAY))) w *= 3;
      else if ((month === 10 && dom >= 15) || (month === 11 && dom <= 20)) w *= 1.4;
      else if (month === 0) w *= 0.85;
      for (let h = 0; h < 24; h++) {
        const i = d * 24 + h;
        if (i >= this.hours) break;
        this.weight[i] = w * (HOUR_WEIGHTS[h] as number);
      }
    }
  }

  /** Index of the hour holding `t`, or -1 outside the window. */
  hourOf(t: number): number {
    const h = Math.floor((t - this.start) / HOUR);
    return h >= 0 && h < this.hours ? h : -1;
  }

  /** Adds weight to one hour (a campaign send). `share` is relative to the average hour. */
  addBurst(t: number, share: number): void {
    const h = this.hourOf(t);
    if (h < 0) return;
    let total = 0;
    for (let i = 0; i < this.hours; i++) total += this.weight[i] as number;
    this.weight[h] = (this.weight[h] as number) + (share * total) / this.hours;
    this.cum = undefined;
  }

  private cumulative(): Float64Array {
    if (this.cum) return this.cum;
    const cum = new Float64Array(this.hours + 1);
    for (let i = 0; i < this.hours; i++) cum[i + 1] = (cum[i] as number) + (this.weight[i] as number);
    this.cum = cum;
    return cum;
  }

  /** A monotone mapping of [0, 1) onto the window; positions must be passed in increasing order. */
  cursor(): (u: number) => number {
    const cum = this.cumulative();
    const total = cum[this.hours] as number;
    const last = this.hours - 1;
    const weight = this.weight;
    const start = this.start;
    let h = 0;
    return (u: number) => {
      const target = u * total;
      while (h < last && (cum[h + 1] as number) <= target) h++;
      const w = weight[h] as number;
      let f = w > 0 ? (target - (cum[h] as number)) / w : 0;
      if (f < 0) f = 0;
      else if (f > 0.999999) f = 0.999999;
      return start + (h + f) * HOUR;
    };
  }
}
