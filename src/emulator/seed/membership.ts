/**
 * Who belongs to which list and segment (with joined_group_at), derived from each profile's
 * consent and purchase history, and coupon codes handed out to profiles.
 */

import { iso } from "../store/ids.js";
import type { ProfileRecord } from "../store/profiles.js";
import type { EmulatorStore } from "../store/store.js";
import type { ListKey, Marketing, SegmentKey } from "./marketing.js";
import { type Population, SUBSCRIBED, UNSUBSCRIBED } from "./model.js";
import { canEmail } from "./people.js";
import { DAY, HOUR, Rng } from "./random.js";

const SALT_MEMBERS = 0x3e3b;

export class Membership {
  private readonly rng: Rng;
  private readonly groups = new Map<string, Map<string, number>>();
  private readonly lists: Record<ListKey, Map<string, number>>;
  private readonly segments: Record<SegmentKey, Map<string, number>>;
  private readonly earlyAccessOpened: number;
  private testMembers = 0;

  constructor(
    private readonly store: EmulatorStore,
    mk: Marketing,
    private readonly pop: Population,
    private readonly now: number,
    seed: number,
  ) {
    this.rng = new Rng(seed ^ SALT_MEMBERS);
    const group = (id: string) => {
      const members = new Map<string, number>();
      this.groups.set(id, members);
      return members;
    };
    this.lists = Object.fromEntries(Object.entries(mk.lists).map(([key, id]) => [key, group(id)])) as Record<
      ListKey,
      Map<string, number>
    >;
    this.segments = Object.fromEntries(
      Object.entries(mk.segments).map(([key, id]) => [key, group(id)]),
    ) as Record<SegmentKey, Map<string, number>>;
    const created = store.lists.get(mk.lists.earlyAccess)?.attributes.created;
    this.earlyAccessOpened = typeof created === "string" ? Date.parse(created) : now;
  }

  private add(members: Map<string, number>, profileId: string, at: number): void {
    members.set(profileId, Math.min(this.now, Math.floor(at)));
  }

  /** Records the memberships of profile `k` (call in index order). */
  profile(k: number, p: ProfileRecord): void {
    const { pop, rng, now, lists, segments } = this;
    const created = pop.created[k] as number;
    const orders = pop.orders[k] as number;
    const spend = pop.spend[k] as number;
    const firstOrder = pop.firstOrder[k] as number;
    const lastOrder = pop.lastOrder[k] as number;
    const lastEngaged = pop.lastEngaged[k] as number;
    const email = pop.email[k] as number;

    // Unsubscribed profiles often stay on the list (suppressed); they joined when they signed up.
    if (email === SUBSCRIBED) this.add(lists.newsletter, p.id, p.subscriptions.email.consentAt ?? created);
    else if (email === UNSUBSCRIBED && rng.chance(0.4)) this.add(lists.newsletter, p.id, created);
    if (pop.sms[k] === SUBSCRIBED) this.add(lists.sms, p.id, p.subscriptions.sms.consentAt ?? created);
    if (orders >= 3 || spend >= 500) {
      const at = firstOrder + (lastOrder - firstOrder) * 0.7 + HOUR;
      this.add(lists.vip, p.id, at);
      this.add(segments.vipMembers, p.id, at + HOUR);
    }
    if (orders > 0 && lastOrder < now - 180 * DAY) {
      this.add(lists.winback, p.id, lastOrder + 181 * DAY);
      this.add(segments.lapsed, p.id, lastOrder + 180 * DAY);
    }
    if (canEmail(pop, k) && created < now - 10 * DAY && rng.chance(0.1)) {
      this.add(lists.earlyAccess, p.id, Math.max(created, this.earlyAccessOpened) + rng.next() * 20 * DAY);
    }
    if (this.testMembers < 5 && p.email !== null && canEmail(pop, k)) {
      this.testMembers++;
      this.add(lists.test, p.id, created + HOUR);
    }
    if (p.organization !== null && rng.chance(0.6))
      this.add(lists.wholesale, p.id, created + rng.next() * 5 * DAY);

    if (lastEngaged > 0 && lastEngaged >= now - 90 * DAY) this.add(segments.engaged, p.id, lastEngaged);
    if (orders >= 2) this.add(segments.repeat, p.id, firstOrder + (lastOrder - firstOrder) / (orders - 1));
    if (orders === 0) this.add(segments.never, p.id, created + 10 * 60_000);
    if (spend >= 500) this.add(segments.highValue, p.id, lastOrder);
    if (canEmail(pop, k) && created < now - 180 * DAY && lastEngaged < now - 180 * DAY) {
      this.add(segments.unengaged, p.id, Math.max(created, lastEngaged) + 180 * DAY);
    }
  }

  /** Hands the memberships to the store. */
  finish(): void {
    for (const [id, members] of this.groups) {
      if (this.store.lists.has(id)) this.store.listMembers.set(id, members);
      else this.store.segmentMembers.set(id, members);
    }
  }
}

/** Unique coupon codes per coupon, some assigned to (or used by) profiles. */
export function seedCouponCodes(
  store: EmulatorStore,
  coupons: readonly string[],
  profileIds: readonly string[],
  perCoupon: number,
  now: number,
  seed: number,
): void {
  const rng = new Rng(seed ^ 0xc0de);
  for (const coupon of coupons) {
    for (let i = 0; i < perCoupon; i++) {
      const unique = rng.code(12);
      const r = rng.next();
      const status =
        profileIds.length === 0 || r < 0.45 ? "UNASSIGNED" : r < 0.8 ? "ASSIGNED_TO_PROFILE" : "USED";
      const profile = status === "UNASSIGNED" ? null : (profileIds[rng.int(profileIds.length)] as string);
      store.couponCodes.insert({
        id: `${coupon}-${unique}`,
        attributes: {
          unique_code: unique,
          expires_at: rng.chance(0.6)
            ? null
            : iso(Math.floor((now + rng.between(-20, 180) * DAY) / 1000) * 1000),
          status,
        },
        relationships: { coupon, profile },
      });
    }
  }
}
