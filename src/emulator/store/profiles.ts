/**
 * Profiles, held for scale: one compact record per profile in id order (ids are time-ordered, so
 * new profiles append), hash indexes on the identifiers, and keyset paging by binary search.
 * Timestamps are kept as epoch ms and rendered as ISO 8601 only on the way out.
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
    return p;
  }

  /** Applies a change to a record's identifiers (keeps the indexes right). */
  mutate(p: ProfileRecord, change: (p: ProfileRecord) => void): void {
    this.unindex(p);
    change(p);
    p.rev = (p.rev ?? 0) + 1;
    this.index(p);
  }

  remove(p: ProfileRecord): void {
    if (p.deleted) return;
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
