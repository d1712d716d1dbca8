/**
 * Profiles, held for scale: one compact record per profile in id order (ids are time-ordered, so
 * new profiles append), hash indexes on the identifiers, and keyset paging by binary search.
 * Timestamps are kept as epoch ms and rendered as ISO 8601 only on the way out.
 *
 * `created` and `updated` get an ordered index on first use (see `scanByTime`), kept up to date
 * from `insert`, `mutate`, `touch` and `remove`: a change made through them is noted and applied
 * to the index on the next read. Change those two fields only inside `mutate` or with `touch`
 * (or right after a `mutate` of the same record, before the next read).
 */

export type Consent = "SUBSCRIBED" | "UNSUBSCRIBED" | "NEVER_SUBSCRIBED";

export interface ProfileSubscriptions {
  email: {
    consent: Consent;
    consentAt: number | null;
    method: string | null;
    methodDetail: string | null;
    /** Global suppression: `USER_SUPPRESSED`, `HARD_BOUNCE`, `SPAM_COMPLAINT`, `UNSUBSCRIBE`, `INVALID_EMAIL`. */
    suppression: { reason: string; timestamp: number } | null;
    listSuppressions: Array<{ listId: string; reason: string; timestamp: number }>;
  };
  sms: { consent: Consent; consentAt: number | null; method: string | null; transactional: Consent };
}

export interface ProfileLocation {
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  country?: string | null;
  latitude?: number | string | null;
  longitude?: number | string | null;
  region?: string | null;
  zip?: string | null;
  timezone?: string | null;
  ip?: string | null;
}

export interface ProfileRecord {
  id: string;
  email: string | null;
  phone_number: string | null;
  external_id: string | null;
  anonymous_id: string | null;
  first_name: string | null;
  last_name: string | null;
  organization: string | null;
  locale: string | null;
  title: string | null;
  image: string | null;
  created: number;
  updated: number;
  last_event_date: number | null;
  location: ProfileLocation | null;
  properties: Record<string, unknown>;
  subscriptions: ProfileSubscriptions;
  /** Predictive analytics, when seeded. */
  predictive?: Record<string, unknown> | null;
  deleted?: boolean;
  /** Bumped on every change made through `ProfileStore.mutate` (render caches key on it). */
  rev?: number;
  /** The default JSON rendering, cached while `rev`, `updated` and the origin are unchanged. */
  rendered?: { rev: number; updated: number; lastEvent: number | null; origin: string; bytes: Buffer };
}

export function defaultSubscriptions(): ProfileSubscriptions {
  return {
    email: {
      consent: "NEVER_SUBSCRIBED",
      consentAt: null,
      method: null,
      methodDetail: null,
      suppression: null,
      listSuppressions: [],
    },
    sms: { consent: "NEVER_SUBSCRIBED", consentAt: null, method: null, transactional: "NEVER_SUBSCRIBED" },
  };
}

/** The timestamp fields with an ordered index. */
export type TimeField = "created" | "updated";

/** Bounds on a timestamp (epoch ms); `incl: false` excludes the bound itself. */
export interface TimeBound {
  t: number;
  incl: boolean;
}

export interface TimeRange {
  lo?: TimeBound;
  hi?: TimeBound;
}

/** A position in a `TimeIndex`: chunk and offset. */
type Pos = [number, number];

/**
 * Live records in (timestamp, id) order: sorted chunks of at most `2 * chunk` entries, each entry
 * the timestamp the record had when indexed and the record. Seeks are two binary searches; an
 * insert or removal moves at most one chunk's entries.
 */
class TimeIndex {
  private keys: number[][] = [];
  private recs: ProfileRecord[][] = [];

  /** `chunk`: entries per chunk when built; a chunk splits past twice that. */
  constructor(
    readonly field: TimeField,
    private readonly chunk: number,
  ) {}

  /** Replaces the contents with `sorted` (in (field, id) order). */
  build(sorted: readonly ProfileRecord[]): void {
    this.keys = [];
    this.recs = [];
    const f = this.field;
    for (let i = 0; i < sorted.length; i += this.chunk) {
      const recs = sorted.slice(i, i + this.chunk);
      this.recs.push(recs);
      this.keys.push(recs.map((p) => p[f]));
    }
  }

  /** The first position whose entry is not `before` the target (`before` is monotone). */
  private seek(before: (k: number, id: string) => boolean): Pos {
    const keys = this.keys;
    const recs = this.recs;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const ks = keys[mid] as number[];
      const last = ks.length - 1;
      if (before(ks[last] as number, ((recs[mid] as ProfileRecord[])[last] as ProfileRecord).id))
        lo = mid + 1;
      else hi = mid;
    }
    if (lo === keys.length) return [lo, 0];
    const ks = keys[lo] as number[];
    const rs = recs[lo] as ProfileRecord[];
    let a = 0;
    let b = ks.length;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (before(ks[mid] as number, (rs[mid] as ProfileRecord).id)) a = mid + 1;
      else b = mid;
    }
    return [lo, a];
  }

  /** The first position at or after (k, id). */
  private at(k: number, id: string): Pos {
    return this.seek((ek, eid) => ek < k || (ek === k && eid < id));
  }

  insert(k: number, p: ProfileRecord): void {
    if (this.keys.length === 0) {
      this.keys.push([k]);
      this.recs.push([p]);
      return;
    }
    let [c, o] = this.at(k, p.id);
    if (c === this.keys.length) {
      c--;
      o = (this.keys[c] as number[]).length;
    }
    const ks = this.keys[c] as number[];
    const rs = this.recs[c] as ProfileRecord[];
    ks.splice(o, 0, k);
    rs.splice(o, 0, p);
    if (ks.length > 2 * this.chunk) {
      this.keys.splice(c + 1, 0, ks.splice(this.chunk));
      this.recs.splice(c + 1, 0, rs.splice(this.chunk));
    }
  }

  /** Removes the entry (k, p); false when it is not there. */
  remove(k: number, p: ProfileRecord): boolean {
    const [c, o] = this.at(k, p.id);
    const rs = this.recs[c];
    if (!rs || rs[o] !== p) return false;
    const ks = this.keys[c] as number[];
    ks.splice(o, 1);
    rs.splice(o, 1);
    if (ks.length === 0) {
      this.keys.splice(c, 1);
      this.recs.splice(c, 1);
    }
    return true;
  }

  /**
   * Up to `limit` records `accept` takes, in (field, id) order (reversed with `desc`), strictly
   * after the boundary `after` in that order and within `range`; undefined when an entry no longer
   * matches its record (a change the store was not told about).
   */
  collect(options: {
    desc: boolean;
    after?: { k: number; id: string } | undefined;
    range?: TimeRange | undefined;
    accept?: ((p: ProfileRecord) => boolean) | undefined;
    limit: number;
  }): ProfileRecord[] | undefined {
    const { desc, after, accept, limit } = options;
    const lo = options.range?.lo;
    const hi = options.range?.hi;
    const f = this.field;
    const keys = this.keys;
    const recs = this.recs;
    const out: ProfileRecord[] = [];
    if (limit <= 0) return out;
    const later = (a: Pos, b: Pos) => (a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]) ? a : b);
    if (!desc) {
      // First entry after the cursor and inside the lower bound; stop past the upper bound.
      let start: Pos = [0, 0];
      if (after)
        start = later(
          start,
          this.seek((ek, eid) => ek < after.k || (ek === after.k && eid <= after.id)),
        );
      if (lo) start = later(start, this.seek(lo.incl ? (ek) => ek < lo.t : (ek) => ek <= lo.t));
      let [c, o] = start;
      for (; c < keys.length; c++, o = 0) {
        const ks = keys[c] as number[];
        const rs = recs[c] as ProfileRecord[];
        for (; o < ks.length; o++) {
          const k = ks[o] as number;
          if (hi && (hi.incl ? k > hi.t : k >= hi.t)) return out;
          const p = rs[o] as ProfileRecord;
          if (p.deleted || p[f] !== k) return undefined;
          if (accept && !accept(p)) continue;
          out.push(p);
          if (out.length >= limit) return out;
        }
      }
      return out;
    }
    // Last entry before the cursor and inside the upper bound; stop past the lower bound.
    let end: Pos = [keys.length, 0];
    const earlier = (a: Pos, b: Pos) => (later(a, b) === a ? b : a);
    if (after) end = earlier(end, this.at(after.k, after.id));
    if (hi) end = earlier(end, this.seek(hi.incl ? (ek) => ek <= hi.t : (ek) => ek < hi.t));
    let [c, o] = end;
    for (;;) {
      while (o === 0) {
        if (c === 0) return out;
        c--;
        o = (keys[c] as number[]).length;
      }
      o--;
      const k = (keys[c] as number[])[o] as number;
      if (lo && (lo.incl ? k < lo.t : k <= lo.t)) return out;
      const p = (recs[c] as ProfileRecord[])[o] as ProfileRecord;
      if (p.deleted || p[f] !== k) return undefined;
      if (accept && !accept(p)) continue;
      out.push(p);
      if (out.length >= limit) return out;
    }
  }
}

/** What a record's indexed timestamps were before a change (null: not indexed yet). */
type Snapshot = { created: number; updated: number } | null;

function norm(s: string | null | undefined): string | null {
  return s === null || s === undefined || s === "" ? null : s.toLowerCase();
}

export class ProfileStore {
  /** Live and deleted records in id order; deleted ones are skipped and compacted occasionally. */
  private order: ProfileRecord[] = [];
  private readonly byId = new Map<string, ProfileRecord>();
  private readonly byEmail = new Map<string, ProfileRecord>();
  private readonly byPhone = new Map<string, ProfileRecord>();
  private readonly byExternal = new Map<string, ProfileRecord>();
  private deletedCount = 0;
  /** Ordered indexes on `created` / `updated`, built on first use. */
  private readonly timeIndexes = new Map<TimeField, TimeIndex>();
  /** Records changed since the indexes were last brought up to date, with their indexed timestamps. */
  private readonly pending = new Map<ProfileRecord, Snapshot>();
  /** Times an index was found out of date on a read (a change made behind the store's back) and rebuilt. */
  timeIndexRepairs = 0;
  /** Entries per chunk of a timestamp index (a tuning knob; tests make it small). */
  timeIndexChunk = 512;
  /** Bytes held in `rendered` caches; caching stops at `renderCacheLimit` so memory stays bounded. */
  renderCacheBytes = 0;
  renderCacheLimit = 512 * 1024 * 1024;

  get size(): number {
    return this.byId.size;
  }

  get(id: string): ProfileRecord | undefined {
    return this.byId.get(id);
  }

  byEmailAddress(email: string): ProfileRecord | undefined {
    const k = norm(email);
    return k ? this.byEmail.get(k) : undefined;
  }

  byPhoneNumber(phone: string): ProfileRecord | undefined {
    return this.byPhone.get(phone);
  }

  byExternalId(externalId: string): ProfileRecord | undefined {
    return this.byExternal.get(externalId);
  }

  /** The profile any of the identifiers points to (id, then email, phone, external id). */
  findByIdentifiers(ids: {
    id?: string | null;
    email?: string | null;
    phone_number?: string | null;
    external_id?: string | null;
  }): ProfileRecord | undefined {
    if (ids.id) {
      const p = this.byId.get(ids.id);
      if (p) return p;
    }
    if (ids.email) {
      const p = this.byEmailAddress(ids.email);
      if (p) return p;
    }
    if (ids.phone_number) {
      const p = this.byPhone.get(ids.phone_number);
      if (p) return p;
    }
    if (ids.external_id) {
      const p = this.byExternal.get(ids.external_id);
      if (p) return p;
    }
    return undefined;
  }

  private index(p: ProfileRecord): void {
    const e = norm(p.email);
    if (e) this.byEmail.set(e, p);
    if (p.phone_number) this.byPhone.set(p.phone_number, p);
    if (p.external_id) this.byExternal.set(p.external_id, p);
  }

  private unindex(p: ProfileRecord): void {
    const e = norm(p.email);
    if (e && this.byEmail.get(e) === p) this.byEmail.delete(e);
    if (p.phone_number && this.byPhone.get(p.phone_number) === p) this.byPhone.delete(p.phone_number);
    if (p.external_id && this.byExternal.get(p.external_id) === p) this.byExternal.delete(p.external_id);
  }

  /** Adds a record whose id sorts after every existing one (ids are time-ordered). */
  insert(p: ProfileRecord): ProfileRecord {
    const last = this.order[this.order.length - 1];
    if (last && last.id >= p.id) {
      // Out of order (e.g. an explicit id): insert at its place to keep id order.
      const i = this.lowerBound(p.id);
      this.order.splice(i, 0, p);
    } else {
      this.order.push(p);
    }
    this.byId.set(p.id, p);
    this.index(p);
    if (this.timeIndexes.size > 0 && !this.pending.has(p)) this.noted(p, null);
    return p;
  }

  /**
   * Applies a change to a record's identifiers or timestamps (keeps the indexes right; `updated`
   * may also be set right after, before the next read).
   */
  mutate(p: ProfileRecord, change: (p: ProfileRecord) => void): void {
    this.noteChange(p);
    this.unindex(p);
    change(p);
    p.rev = (p.rev ?? 0) + 1;
    this.index(p);
  }

  /** Moves a record's `updated` forward to `at` (never back). */
  touch(p: ProfileRecord, at: number): void {
    this.noteChange(p);
    p.updated = Math.max(at, p.updated);
  }

  remove(p: ProfileRecord): void {
    if (p.deleted) return;
    this.noteChange(p);
    this.unindex(p);
    this.byId.delete(p.id);
    p.deleted = true;
    this.deletedCount++;
    if (this.deletedCount > 1000 && this.deletedCount * 4 > this.order.length) {
      this.order = this.order.filter((r) => !r.deleted);
      this.deletedCount = 0;
    }
  }

  clear(): void {
    this.order = [];
    this.byId.clear();
    this.byEmail.clear();
    this.byPhone.clear();
    this.byExternal.clear();
    this.deletedCount = 0;
    this.renderCacheBytes = 0;
    this.timeIndexes.clear();
    this.pending.clear();
  }

  /** Remembers the indexed timestamps of a record about to change (once until the next read). */
  private noteChange(p: ProfileRecord): void {
    if (this.timeIndexes.size === 0 || this.pending.has(p)) return;
    this.noted(p, { created: p.created, updated: p.updated });
  }

  private noted(p: ProfileRecord, before: Snapshot): void {
    this.pending.set(p, before);
    // Past an eighth of the store, rebuilding beats catching up: drop the indexes until next used.
    if (this.pending.size > 1000 && this.pending.size * 8 > this.byId.size) {
      this.timeIndexes.clear();
      this.pending.clear();
    }
  }

  /** Live records sorted by (field, id). */
  private sortedBy(field: TimeField): ProfileRecord[] {
    const live: ProfileRecord[] = [];
    for (const p of this.order) if (!p.deleted) live.push(p);
    // Sort positions by a packed copy of the keys (no record reads while sorting); `live` is in
    // id order, so ties between positions are ties broken by id.
    const keys = new Float64Array(live.length);
    const at: number[] = [];
    for (let i = 0; i < live.length; i++) {
      keys[i] = (live[i] as ProfileRecord)[field];
      at.push(i);
    }
    at.sort((a, b) => (keys[a] as number) - (keys[b] as number) || a - b);
    return at.map((i) => live[i] as ProfileRecord);
  }

  private rebuildTimeIndexes(): void {
    for (const [field, index] of this.timeIndexes) index.build(this.sortedBy(field));
    this.pending.clear();
  }

  /** Applies the noted changes to the indexes (a rebuild when one does not fit). */
  private syncTimeIndexes(): void {
    const pending = this.pending;
    if (pending.size === 0) return;
    for (const index of this.timeIndexes.values()) {
      const f = index.field;
      for (const [p, before] of pending) {
        const live = !p.deleted && this.byId.get(p.id) === p;
        if (before !== null && live && before[f] === p[f]) continue;
        if (before !== null && !index.remove(before[f], p)) {
          this.timeIndexRepairs++;
          this.rebuildTimeIndexes();
          return;
        }
        if (live) index.insert(p[f], p);
      }
    }
    pending.clear();
  }

  private timeIndex(field: TimeField): TimeIndex {
    this.syncTimeIndexes();
    let index = this.timeIndexes.get(field);
    if (!index) {
      index = new TimeIndex(field, Math.max(1, Math.floor(this.timeIndexChunk)));
      index.build(this.sortedBy(field));
      this.timeIndexes.set(field, index);
    }
    return index;
  }

  /**
   * Up to `limit` live records `accept` takes, in (field, id) order (descending with `desc`),
   * strictly after the boundary `after` (a sort key and id) in that order and within `range`:
   * two binary searches, then one step per record visited. Undefined when the index cannot be
   * trusted even after a rebuild (a timestamp that is not a number).
   */
  scanByTime(
    field: TimeField,
    options: {
      desc: boolean;
      after?: { k: number; id: string } | undefined;
      range?: TimeRange | undefined;
      accept?: ((p: ProfileRecord) => boolean) | undefined;
      limit: number;
    },
  ): ProfileRecord[] | undefined {
    const rows = this.timeIndex(field).collect(options);
    if (rows) return rows;
    // An entry no longer matches its record: something changed a timestamp without telling.
    this.timeIndexRepairs++;
    this.rebuildTimeIndexes();
    return this.timeIndex(field).collect(options);
  }

  private lowerBound(id: string): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.order[mid] as ProfileRecord).id < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Live records in id order, starting after `afterId` (exclusive) or `fromEnd` for descending. */
  *ascending(afterId?: string): Generator<ProfileRecord> {
    let i = afterId === undefined ? 0 : this.lowerBound(afterId);
    const order = this.order;
    for (; i < order.length; i++) {
      const p = order[i] as ProfileRecord;
      if (p.deleted || (afterId !== undefined && p.id <= afterId)) continue;
      yield p;
    }
  }

  *descending(beforeId?: string): Generator<ProfileRecord> {
    const order = this.order;
    let i = beforeId === undefined ? order.length - 1 : this.lowerBound(beforeId) - 1;
    for (; i >= 0; i--) {
      const p = order[i] as ProfileRecord;
      if (p.deleted) continue;
      yield p;
    }
  }

  values(): Generator<ProfileRecord> {
    return this.ascending();
  }
}
