/**
 * Events, held for scale. Seeded events live in typed arrays sorted by time (8 + 4 + 2 + 8 bytes
 * per event) and are materialised on read by a deterministic generator; events created through
 * the API are records kept in (datetime, id) order. Reads merge the two in one ordered scan.
 */

export interface EventRecord {
  id: string;
  metricId: string;
  profileId: string;
  /** ms since epoch, truncated to the second. */
  datetime: number;
  value: number | null;
  valueCurrency: string | null;
  properties: Record<string, unknown>;
  uniqueId: string | null;
  /** When the emulator received it (ms). */
  received: number;
}

export interface SeededEvents {
  count: number;
  datetime: Float64Array;
  profile: Int32Array;
  metric: Uint16Array;
  value: Float64Array;
  /** Profile id per profile index used above. */
  profileIds: readonly string[];
  /** Metric id per metric index used above. */
  metricIds: readonly string[];
  /** Builds the properties of seeded event `i` (deterministic). */
  properties(i: number): Record<string, unknown>;
}

const SEEDED_PREFIX = "S";

export function seededEventId(i: number): string {
  return SEEDED_PREFIX + i.toString(36).padStart(9, "0");
}

function seededIndex(id: string, count: number): number | undefined {
  if (!id.startsWith(SEEDED_PREFIX) || id.length !== 10) return undefined;
  const n = Number.parseInt(id.slice(1), 36);
  return Number.isInteger(n) && n >= 0 && n < count ? n : undefined;
}

function before(a: { datetime: number; id: string }, b: { datetime: number; id: string }): boolean {
  return a.datetime < b.datetime || (a.datetime === b.datetime && a.id < b.id);
}

export interface EventScan {
  /** Inclusive lower bound on datetime (ms). */
  from?: number;
  /** Exclusive upper bound on datetime (ms). */
  to?: number;
  desc?: boolean;
  /** Keyset position: continue strictly after (ascending) or before (descending) this. */
  after?: { datetime: number; id: string };
}

export class EventStore {
  private seeded: SeededEvents | undefined;
  private added: EventRecord[] = [];
  private readonly addedById = new Map<string, EventRecord>();
  private readonly uniques = new Map<string, string>();

  get size(): number {
    return (this.seeded?.count ?? 0) + this.added.length;
  }

  /**
   * The default JSON rendering of seeded events (which never change) as UTF-8 bytes, by seeded
   * index, for one origin at a time: a page of a million-event extract is then written from
   * memory instead of being rendered again. Bytes held are bounded by `renderCacheLimit`.
   */
  private rendered: Array<Buffer | undefined> = [];
  private renderedOrigin = "";
  renderCacheBytes = 0;
  renderCacheLimit = 512 * 1024 * 1024;

  setSeeded(seeded: SeededEvents | undefined): void {
    this.seeded = seeded;
    this.dropRendered();
  }

  private dropRendered(): void {
    this.rendered = [];
    this.renderCacheBytes = 0;
  }

  /** The default rendering of `e` for `origin`: cached for seeded events while the limit allows. */
  renderedJson(e: EventRecord, origin: string, render: (e: EventRecord) => string): Buffer {
    const i = this.seeded ? seededIndex(e.id, this.seeded.count) : undefined;
    if (i === undefined) return Buffer.from(render(e));
    if (origin !== this.renderedOrigin) {
      this.dropRendered();
      this.renderedOrigin = origin;
    }
    const hit = this.rendered[i];
    if (hit) return hit;
    const bytes = Buffer.from(render(e));
    if (this.renderCacheBytes + bytes.length <= this.renderCacheLimit) {
      this.rendered[i] = bytes;
      this.renderCacheBytes += bytes.length;
    }
    return bytes;
  }

  clear(): void {
    this.dropRendered();
    this.seeded = undefined;
    this.added = [];
    this.addedById.clear();
    this.uniques.clear();
  }

  materialize(i: number): EventRecord {
    const s = this.seeded as SeededEvents;
    const v = s.value[i] as number;
    return {
      id: seededEventId(i),
      metricId: s.metricIds[s.metric[i] as number] as string,
      profileId: s.profileIds[s.profile[i] as number] as string,
      datetime: s.datetime[i] as number,
      value: Number.isNaN(v) ? null : v,
      valueCurrency: Number.isNaN(v) ? null : "USD",
      properties: s.properties(i),
      uniqueId: null,
      received: s.datetime[i] as number,
    };
  }

  get(id: string): EventRecord | undefined {
    const a = this.addedById.get(id);
    if (a) return a;
    if (!this.seeded) return undefined;
    const i = seededIndex(id, this.seeded.count);
    return i === undefined ? undefined : this.materialize(i);
  }

  /** The id of an earlier event with the same profile, metric and unique id, if any. */
  duplicateOf(profileId: string, metricId: string, uniqueId: string): string | undefined {
    return this.uniques.get(`${profileId}\u0000${metricId}\u0000${uniqueId}`);
  }

  add(e: EventRecord): EventRecord {
    if (e.uniqueId) this.uniques.set(`${e.profileId}\u0000${e.metricId}\u0000${e.uniqueId}`, e.id);
    // Usually the newest: scan back from the end to the insertion point.
    let i = this.added.length;
    while (i > 0 && before(e, this.added[i - 1] as EventRecord)) i--;
    this.added.splice(i, 0, e);
    this.addedById.set(e.id, e);
    return e;
  }

  /** First seeded index with datetime >= t. */
  private seededLower(t: number): number {
    const s = this.seeded;
    if (!s) return 0;
    let lo = 0;
    let hi = s.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((s.datetime[mid] as number) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private addedLower(t: number): number {
    let lo = 0;
    let hi = this.added.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.added[mid] as EventRecord).datetime < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Events in (datetime, id) order within the bounds, after the keyset position. Seeded events
   * are yielded as cheap "views" (datetime, id, index) and materialised only when `accept` keeps
   * them, so scans with selective filters stay fast.
   */
  *scan(
    q: EventScan,
    accept: (view: { datetime: number; id: string; metricId: string; profileId: string }) => boolean,
  ): Generator<EventRecord> {
    const s = this.seeded;
    const from = q.from ?? Number.NEGATIVE_INFINITY;
    const to = q.to ?? Number.POSITIVE_INFINITY;
    if (!q.desc) {
      const start = Math.max(from, q.after?.datetime ?? Number.NEGATIVE_INFINITY);
      let i = s ? this.seededLower(start) : 0;
      let j = this.addedLower(start);
      const n = s?.count ?? 0;
      for (;;) {
        const sv = s && i < n ? { datetime: s.datetime[i] as number, id: seededEventId(i) } : undefined;
        const av = this.added[j];
        let takeSeeded: boolean;
        if (sv && av) takeSeeded = before(sv, av);
        else if (sv) takeSeeded = true;
        else if (av) takeSeeded = false;
        else return;
        const cur = takeSeeded ? (sv as { datetime: number; id: string }) : (av as EventRecord);
        if (cur.datetime >= to) return;
        if (takeSeeded) i++;
        else j++;
        if (cur.datetime < from) continue;
        if (q.after && !before(q.after, cur)) continue;
        if (takeSeeded) {
          const idx = i - 1;
          const view = {
            datetime: cur.datetime,
            id: cur.id,
            metricId: (s as SeededEvents).metricIds[(s as SeededEvents).metric[idx] as number] as string,
            profileId: (s as SeededEvents).profileIds[(s as SeededEvents).profile[idx] as number] as string,
          };
          if (accept(view)) yield this.materialize(idx);
        } else if (accept(av as EventRecord)) {
          yield av as EventRecord;
        }
      }
    } else {
      const end = Math.min(to, q.after ? q.after.datetime + 1 : Number.POSITIVE_INFINITY);
      let i = (s ? this.seededLower(end) : 0) - 1;
      let j = this.addedLower(end) - 1;
      for (;;) {
        const sv = s && i >= 0 ? { datetime: s.datetime[i] as number, id: seededEventId(i) } : undefined;
        const av = j >= 0 ? this.added[j] : undefined;
        let takeSeeded: boolean;
        if (sv && av) takeSeeded = before(av, sv);
        else if (sv) takeSeeded = true;
        else if (av) takeSeeded = false;
        else return;
        const cur = takeSeeded ? (sv as { datetime: number; id: string }) : (av as EventRecord);
        if (cur.datetime < from) return;
        if (takeSeeded) i--;
        else j--;
        if (cur.datetime >= to) continue;
        if (q.after && !before(cur, q.after)) continue;
        if (takeSeeded) {
          const idx = i + 1;
          const view = {
            datetime: cur.datetime,
            id: cur.id,
            metricId: (s as SeededEvents).metricIds[(s as SeededEvents).metric[idx] as number] as string,
            profileId: (s as SeededEvents).profileIds[(s as SeededEvents).profile[idx] as number] as string,
          };
          if (accept(view)) yield this.materialize(idx);
        } else if (accept(av as EventRecord)) {
          yield av as EventRecord;
        }
      }
    }
  }
}
