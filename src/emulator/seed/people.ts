/**
 * Profiles. Seeding plans the population first in typed arrays (creation times, consent, city,
 * phone slots) so event generation can use it cheaply; after the events exist, each profile is
 * built as one compact ProfileRecord from a PRNG keyed by (seed, index), with repeated strings
 * shared, and inserted in id order so every insert appends.
 */
import type { ProfileRecord, ProfileSubscriptions } from "../store/profiles.js";
import type { EmulatorStore } from "../store/store.js";
import {
  asciiLower,
  CATEGORIES,
  CITIES,
  COMPANIES,
  EMAIL_DOMAIN_WEIGHTS,
  EMAIL_DOMAINS,
  FIRST_NAMES,
  LAST_NAMES,
  STREETS,
  TITLES,
} from "./data.js";
import { NEVER, type Population, SUBSCRIBED, SUPPRESSION_REASONS, UNSUBSCRIBED } from "./model.js";
import { cumulative, DAY, HOUR, hash2, money, Rng } from "./random.js";
import { Timeline } from "./timeline.js";

const SALT_PLAN = 0x51a7e;
const SALT_BUILD = 0xb01d;
const NO_CONTACT = 255;

const CITY_CUM = cumulative(CITIES.map((c) => c.weight));
const DOMAIN_CUM = cumulative(EMAIL_DOMAIN_WEIGHTS);

/** Fictional phone ranges: NANP `555-0100`–`555-0199` per area code, Ofcom `07700 900000`–`900999`. */
const AREA_CODES: readonly string[] = [...new Set(CITIES.flatMap((c) => c.areaCodes))];
const CITY_CODES: readonly (readonly number[])[] = CITIES.map((c) =>
  c.areaCodes.map((a) => AREA_CODES.indexOf(a)),
);

function phoneFromSlot(slot: number): string {
  const code = AREA_CODES[Math.floor(slot / 1000)] as string;
  const n = slot % 1000;
  if (code === "uk") return `+447700900${String(n).padStart(3, "0")}`;
  return `+1${code}55501${String(n).padStart(2, "0")}`;
}

/** Decides who exists, when they joined, where they live and what they consented to. */
export function planPopulation(seed: number, count: number, start: number, now: number): Population {
  const created = new Float64Array(count);
  const email = new Uint8Array(count);
  const suppression = new Uint8Array(count);
  const sms = new Uint8Array(count);
  const city = new Uint8Array(count);
  const phoneSlot = new Int32Array(count).fill(-1);
  const used = new Uint16Array(AREA_CODES.length);
  const rng = new Rng(0);
  // A migration import on the first two days, then sign-ups following traffic (growing over time).
  const imported = Math.floor(count * 0.08);
  const importSpan = Math.min(2 * DAY, now - start);
  for (let k = 0; k < imported; k++) created[k] = start + Math.floor(((k + 0.5) / imported) * importSpan);
  const timeline = new Timeline(start, now, { growth: 1.5 });
  const at = timeline.cursor();
  const rest = count - imported;
  const seq = new Rng(hash2(seed, 0x7e1));
  let prev = imported > 0 ? (created[imported - 1] as number) : start;
  for (let j = 0; j < rest; j++) {
    const t = Math.max(prev, Math.floor(at((j + seq.next()) / rest)));
    created[imported + j] = t;
    prev = t;
  }
  for (let k = 0; k < count; k++) {
    rng.key(seed, SALT_PLAN, k);
    const c = rng.weighted(CITY_CUM);
    city[k] = c;
    const hasEmail = rng.chance(0.97);
    if (hasEmail) {
      const r = rng.next();
      const consent = r < 0.58 ? SUBSCRIBED : r < 0.67 ? UNSUBSCRIBED : NEVER;
      email[k] = consent;
      if (consent === UNSUBSCRIBED) suppression[k] = 1;
      else {
        const s = rng.next();
        suppression[k] = s < 0.014 ? 2 : s < 0.017 ? 3 : s < 0.022 ? 4 : s < 0.025 ? 5 : 0;
      }
    } else {
      email[k] = NO_CONTACT;
    }
    sms[k] = NO_CONTACT;
    const codes = CITY_CODES[c] as readonly number[];
    if (codes.length > 0 && (rng.chance(0.45) || !hasEmail)) {
      const code = codes[rng.int(codes.length)] as number;
      const limit = AREA_CODES[code] === "uk" ? 1000 : 100;
      const n = used[code] as number;
      if (n < limit) {
        used[code] = n + 1;
        phoneSlot[k] = code * 1000 + n;
        const r = rng.next();
        sms[k] = r < 0.45 ? SUBSCRIBED : r < 0.55 ? UNSUBSCRIBED : NEVER;
      }
    }
  }
  return {
    count,
    created,
    email,
    suppression,
    sms,
    city,
    phoneSlot,
    lastEvent: new Float64Array(count),
    lastOrder: new Float64Array(count),
    firstOrder: new Float64Array(count),
    lastEngaged: new Float64Array(count),
    orders: new Uint16Array(count),
    spend: new Float64Array(count),
  };
}

export function canEmail(pop: Population, k: number): boolean {
  return pop.email[k] === SUBSCRIBED && pop.suppression[k] === 0;
}

const EMAIL_METHODS = ["FORM", "FORM", "FORM", "CHECKOUT", "CHECKOUT", "API", "MANUAL_IMPORT"] as const;
const FORM_DETAILS = [
  "Welcome popup",
  "Footer signup form",
  "Spin-to-win popup",
  "Exit intent popup",
] as const;
const SMS_METHODS = ["FORM", "CHECKOUT", "INBOUND_MESSAGE"] as const;
const SOURCES = ["Shopify", "Popup Form", "Footer Form", "Checkout", "Import"] as const;
const CHANNELS = [
  ["email", "sms", "push"],
  ["email", "push", "sms"],
  ["sms", "email", "push"],
] as const;

/** Shared strings and objects for building many profiles. */
export class ProfileBuilder {
  private readonly rng = new Rng(0);
  /** Repeated strings built once, by an integer key (no hashing on the hot path). */
  private readonly addresses: string[] = [];
  private readonly apartments: string[] = [];
  private readonly birthdays: string[] = [];
  private readonly firstLower = FIRST_NAMES.map(asciiLower);
  private readonly lastLower = LAST_NAMES.map(asciiLower);

  constructor(
    private readonly store: EmulatorStore,
    private readonly seed: number,
    private readonly pop: Population,
    private readonly now: number,
    /** The Newsletter list, for list suppressions of unsubscribed profiles (full shape only). */
    private readonly newsletterId: string | undefined,
  ) {}

  /** Builds and inserts profile `k` (call in index order). */
  build(k: number): ProfileRecord {
    const { rng, pop, now } = this;
    rng.key(this.seed, SALT_BUILD, k);
    const created = pop.created[k] as number;
    const fi = rng.int(FIRST_NAMES.length);
    const li = rng.int(LAST_NAMES.length);
    const first = FIRST_NAMES[fi] as string;
    const last = LAST_NAMES[li] as string;
    const city = CITIES[pop.city[k] as number] as (typeof CITIES)[number];
    const b2b = rng.chance(0.03);
    const company = b2b ? rng.pick(COMPANIES) : undefined;
    const orders = pop.orders[k] as number;
    const spend = pop.spend[k] as number;

    let email: string | null = null;
    if (pop.email[k] !== NO_CONTACT) email = this.email(k, fi, li, company?.domain);

    const slot = pop.phoneSlot[k] as number;
    const phone = slot >= 0 ? phoneFromSlot(slot) : null;
    const externalId =
      orders > 0 || rng.chance(0.45) || (!email && !phone)
        ? String(7_100_000_000_000 + k * 1013 + rng.int(1000))
        : null;

    const location = rng.chance(0.85)
      ? {
          address1: rng.chance(0.4) ? this.address(rng.int(2400 * STREETS.length)) : null,
          address2: rng.chance(0.06) ? this.apartment(rng.int(120)) : null,
          city: city.city,
          country: city.country,
          latitude: city.latitude,
          longitude: city.longitude,
          region: city.region,
          zip: rng.pick(city.zips),
          timezone: city.timezone,
          ip: rng.chance(0.3)
            ? `${rng.between(24, 223)}.${rng.between(0, 255)}.${rng.between(0, 255)}.${rng.between(1, 254)}`
            : null,
        }
      : null;

    const subscriptions = this.subscriptions(k, created);
    const consentTimes = Math.max(
      created,
      subscriptions.email.consentAt ?? 0,
      subscriptions.email.suppression?.timestamp ?? 0,
      subscriptions.sms.consentAt ?? 0,
    );

    const tier =
      spend >= 1000
        ? "Platinum"
        : spend >= 500
          ? "Gold"
          : spend >= 150
            ? "Silver"
            : orders > 0
              ? "Bronze"
              : "Member";
    const loyalty_tier = tier;
    const lifetime_value = money(spend);
    const accepts_marketing = pop.email[k] === SUBSCRIBED;
    const signup_source = orders > 0 && rng.chance(0.5) ? "Shopify" : rng.pick(SOURCES);
    const favourite_category =
      orders > 0 || rng.chance(0.6) ? (rng.pick(CATEGORIES) as { name: string }).name : undefined;
    const birthday = rng.chance(0.55) ? this.birthday(rng.int(49 * 12 * 28)) : undefined;
    // One literal per shape keeps every key in-object (no out-of-object property arrays).
    const properties: Record<string, unknown> =
      favourite_category !== undefined && birthday !== undefined
        ? { loyalty_tier, lifetime_value, accepts_marketing, signup_source, favourite_category, birthday }
        : favourite_category !== undefined
          ? { loyalty_tier, lifetime_value, accepts_marketing, signup_source, favourite_category }
          : birthday !== undefined
            ? { loyalty_tier, lifetime_value, accepts_marketing, signup_source, birthday }
            : { loyalty_tier, lifetime_value, accepts_marketing, signup_source };

    const lastOrder = pop.lastOrder[k] as number;
    const lastEvent = pop.lastEvent[k] as number;
    let predictive: Record<string, unknown> | null = null;
    if (orders > 0) {
      const firstOrder = pop.firstOrder[k] as number;
      const aov = spend / orders;
      const gapDays = orders > 1 ? (lastOrder - firstOrder) / DAY / (orders - 1) : null;
      const sinceLast = (now - lastOrder) / DAY;
      const churn = Math.min(0.98, Math.max(0.02, sinceLast / (sinceLast + (gapDays ?? 120))));
      const predictedOrders = Math.round((1 - churn) * (1 + orders * 0.6) * 10) / 10;
      predictive = {
        historic_clv: money(spend),
        predicted_clv: money(aov * predictedOrders),
        total_clv: money(spend + aov * predictedOrders),
        historic_number_of_orders: orders,
        predicted_number_of_orders: predictedOrders,
        average_days_between_orders: gapDays === null ? null : Math.round(gapDays * 10) / 10,
        average_order_value: money(aov),
        churn_probability: Math.round(churn * 100) / 100,
        expected_date_of_next_order:
          gapDays === null ? null : isoSeconds(Math.max(now + DAY, lastOrder + gapDays * DAY)),
        ranked_channel_affinity: rng.pick(CHANNELS),
      };
    }

    const updated = Math.min(
      now,
      Math.max(consentTimes, lastOrder, created + Math.floor(rng.next() * Math.max(0, lastEvent - created))),
    );
    const id = this.store.ids.ulid(created);
    const record: ProfileRecord = {
      id,
      email,
      phone_number: phone,
      external_id: externalId,
      anonymous_id: null,
      first_name: first,
      last_name: last,
      organization: company ? company.name : null,
      locale: city.locale,
      title: b2b ? rng.pick(TITLES) : null,
      image: null,
      created,
      updated,
      last_event_date: lastEvent > 0 ? lastEvent : null,
      location,
      properties,
      subscriptions,
      predictive,
    };
    return this.store.profiles.insert(record);
  }

  private address(n: number): string {
    let s = this.addresses[n];
    if (s === undefined) {
      s = `${1 + Math.floor(n / STREETS.length)} ${STREETS[n % STREETS.length]}`;
      this.addresses[n] = s;
    }
    return s;
  }

  private apartment(n: number): string {
    let s = this.apartments[n];
    if (s === undefined) {
      s = `Apt ${1 + Math.floor(n / 3)}${"ABC"[n % 3]}`;
      this.apartments[n] = s;
    }
    return s;
  }

  /** A date of birth between 1958 and 2006 (day 1–28), as `YYYY-MM-DD`. */
  private birthday(n: number): string {
    let s = this.birthdays[n];
    if (s === undefined) {
      const y = 1958 + Math.floor(n / 336);
      const m = 1 + (Math.floor(n / 28) % 12);
      const d = 1 + (n % 28);
      s = `${y}-${m < 10 ? "0" : ""}${m}-${d < 10 ? "0" : ""}${d}`;
      this.birthdays[n] = s;
    }
    return s;
  }

  private email(k: number, fi: number, li: number, companyDomain: string | undefined): string {
    const { rng } = this;
    const f = this.firstLower[fi] as string;
    const l = this.lastLower[li] as string;
    const domain = companyDomain ?? (EMAIL_DOMAINS[rng.weighted(DOMAIN_CUM)] as string);
    let local: string;
    switch (rng.int(6)) {
      case 0:
        local = `${f}.${l}`;
        break;
      case 1:
        local = `${f}${l}${rng.between(1, 99)}`;
        break;
      case 2:
        local = `${f[0]}${l}`;
        break;
      case 3:
        local = `${f}_${l}${rng.between(1960, 2005)}`;
        break;
      case 4:
        local = `${f}${rng.between(100, 999)}`;
        break;
      default:
        local = `${l}.${f}`;
    }
    let candidate = `${local}@${domain}`;
    const profiles = this.store.profiles;
    let attempt = 0;
    while (profiles.byEmailAddress(candidate)) {
      candidate = `${local}.${k.toString(36)}${attempt > 0 ? attempt : ""}@${domain}`;
      attempt++;
    }
    return candidate;
  }

  private subscriptions(k: number, created: number): ProfileSubscriptions {
    const { rng, pop, now } = this;
    const span = Math.max(HOUR, now - created);
    const code = pop.email[k] as number;
    const reason = SUPPRESSION_REASONS[pop.suppression[k] as number] as string;
    let consentAt: number | null = null;
    let method: string | null = null;
    let methodDetail: string | null = null;
    if (code === SUBSCRIBED) {
      consentAt = rng.chance(0.7) ? created : created + Math.floor(rng.next() * Math.min(span, 30 * DAY));
      method = rng.pick(EMAIL_METHODS);
      methodDetail = method === "FORM" ? rng.pick(FORM_DETAILS) : null;
    } else if (code === UNSUBSCRIBED) {
      consentAt = created + Math.floor((0.1 + 0.9 * rng.next()) * span);
      method = "PREFERENCE_PAGE";
      methodDetail = "Unsubscribe link";
    }
    let suppression: { reason: string; timestamp: number } | null = null;
    if (reason === "UNSUBSCRIBE" && consentAt !== null) suppression = { reason, timestamp: consentAt };
    else if (reason)
      suppression = { reason, timestamp: created + Math.floor((0.2 + 0.8 * rng.next()) * span) };
    const listSuppressions: Array<{ listId: string; reason: string; timestamp: number }> = [];
    if (code === UNSUBSCRIBED && this.newsletterId && consentAt !== null && rng.chance(0.3)) {
      listSuppressions.push({ listId: this.newsletterId, reason: "USER_SUPPRESSED", timestamp: consentAt });
    }
    const smsCode = pop.sms[k] as number;
    let smsConsent: "SUBSCRIBED" | "UNSUBSCRIBED" | "NEVER_SUBSCRIBED" = "NEVER_SUBSCRIBED";
    let smsAt: number | null = null;
    let smsMethod: string | null = null;
    if (smsCode === SUBSCRIBED) {
      smsConsent = "SUBSCRIBED";
      smsAt = created + Math.floor(rng.next() * Math.min(span, 10 * DAY));
      smsMethod = rng.pick(SMS_METHODS);
    } else if (smsCode === UNSUBSCRIBED) {
      smsConsent = "UNSUBSCRIBED";
      smsAt = created + Math.floor((0.1 + 0.9 * rng.next()) * span);
      smsMethod = "INBOUND_MESSAGE";
    }
    return {
      email: {
        consent:
          code === SUBSCRIBED ? "SUBSCRIBED" : code === UNSUBSCRIBED ? "UNSUBSCRIBED" : "NEVER_SUBSCRIBED",
        consentAt,
        method,
        methodDetail,
        suppression,
        listSuppressions,
      },
      sms: {
        consent: smsConsent,
        consentAt: smsAt,
        method: smsMethod,
        transactional: smsCode === SUBSCRIBED && rng.chance(0.6) ? "SUBSCRIBED" : "NEVER_SUBSCRIBED",
      },
    };
  }
}

/** `2024-01-01T00:00:00+00:00` for a time in ms (seconds precision). */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "+00:00");
}
