import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_EVENTS, DEMO_PROFILES, scaledDemo } from "../../../src/emulator/seed.js";
import type { ProfileRecord } from "../../../src/emulator/store/profiles.js";
import type { EmulatorStore, ResourceRow } from "../../../src/emulator/store/store.js";
import { allEvents, metricName, NOW, seeded } from "./helpers.js";

let store: EmulatorStore;
let profiles: ProfileRecord[];

beforeAll(() => {
  store = seeded({ preset: "demo" });
  profiles = [...store.profiles.values()];
});

const byName = (rows: Iterable<ResourceRow>) =>
  new Map([...rows].map((r) => [String(r.attributes.name), r] as const));
const ids = (v: string | string[] | null | undefined): string[] => (Array.isArray(v) ? v : v ? [v] : []);

describe("the demo preset", () => {
  it("has a few thousand profiles and ~50,000 events", () => {
    expect(store.profiles.size).toBe(DEMO_PROFILES);
    expect(store.events.size).toBe(DEMO_EVENTS);
    expect(DEMO_PROFILES).toBeGreaterThanOrEqual(2_000);
    expect(DEMO_PROFILES).toBeLessThanOrEqual(5_000);
  });

  it("has profiles with names, unique emails, E.164 phones, external ids and locations", () => {
    const emails = profiles.map((p) => p.email).filter((e): e is string => e !== null);
    expect(new Set(emails).size).toBe(emails.length);
    expect(emails.length / profiles.length).toBeGreaterThan(0.9);
    for (const e of emails) expect(e).toMatch(/^[a-z0-9._]+@[a-z0-9.-]+\.(com|net|org|example)$/);
    const phones = profiles.map((p) => p.phone_number).filter((p): p is string => p !== null);
    expect(phones.length).toBeGreaterThan(profiles.length * 0.2);
    for (const p of phones) expect(p).toMatch(/^\+[1-9]\d{7,14}$/);
    expect(new Set(phones).size).toBe(phones.length);
    const externals = profiles.map((p) => p.external_id).filter((x): x is string => x !== null);
    expect(new Set(externals).size).toBe(externals.length);
    expect(externals.length).toBeGreaterThan(profiles.length * 0.4);
    for (const p of profiles) {
      expect(p.first_name).toBeTruthy();
      expect(p.last_name).toBeTruthy();
      expect(p.email ?? p.phone_number ?? p.external_id).toBeTruthy();
      expect(p.updated).toBeGreaterThanOrEqual(p.created);
    }
    const located = profiles.filter((p) => p.location);
    expect(located.length).toBeGreaterThan(profiles.length * 0.7);
    for (const p of located) {
      expect(typeof p.location?.latitude).toBe("number");
      expect(Math.abs(Number(p.location?.latitude))).toBeLessThanOrEqual(90);
      expect(p.location?.timezone).toMatch(/^[A-Z][a-z]+\/[A-Za-z_]+$/);
    }
    expect(new Set(located.map((p) => p.location?.country)).size).toBeGreaterThanOrEqual(4);
    // Ids are time-ordered: the store's order is creation order.
    for (let i = 1; i < profiles.length; i++) {
      expect((profiles[i] as ProfileRecord).id > (profiles[i - 1] as ProfileRecord).id).toBe(true);
      expect((profiles[i] as ProfileRecord).created).toBeGreaterThanOrEqual(
        (profiles[i - 1] as ProfileRecord).created,
      );
    }
  });

  it("spreads profile creation over two years and fills custom properties", () => {
    const created = profiles.map((p) => p.created);
    expect(Math.max(...created) - Math.min(...created)).toBeGreaterThan(700 * 86_400_000);
    const tiers = new Set(profiles.map((p) => p.properties.loyalty_tier));
    expect([...tiers].sort()).toEqual(["Bronze", "Gold", "Member", "Platinum", "Silver"]);
    expect(profiles.filter((p) => typeof p.properties.birthday === "string").length).toBeGreaterThan(1_000);
    for (const p of profiles) {
      expect(typeof p.properties.lifetime_value).toBe("number");
      if (p.properties.birthday !== undefined) expect(p.properties.birthday).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(new Set(profiles.map((p) => p.properties.favourite_category)).size).toBeGreaterThanOrEqual(6);
    const customers = profiles.filter((p) => p.predictive);
    expect(customers.length).toBeGreaterThan(300);
    for (const p of customers) expect(p.properties.lifetime_value).toBe(p.predictive?.historic_clv);
  });

  it("mixes consent: subscribed, unsubscribed, never subscribed, suppressed, SMS", () => {
    const count = (f: (p: ProfileRecord) => boolean) => profiles.filter(f).length;
    const n = profiles.length;
    expect(count((p) => p.subscriptions.email.consent === "SUBSCRIBED") / n).toBeGreaterThan(0.45);
    expect(count((p) => p.subscriptions.email.consent === "UNSUBSCRIBED") / n).toBeGreaterThan(0.05);
    expect(count((p) => p.subscriptions.email.consent === "NEVER_SUBSCRIBED") / n).toBeGreaterThan(0.2);
    const suppressed = profiles.filter((p) => p.subscriptions.email.suppression);
    expect(suppressed.length).toBeGreaterThan(n * 0.05);
    const reasons = new Set(suppressed.map((p) => p.subscriptions.email.suppression?.reason));
    for (const r of ["UNSUBSCRIBE", "HARD_BOUNCE", "SPAM_COMPLAINT", "USER_SUPPRESSED", "INVALID_EMAIL"])
      expect(reasons.has(r)).toBe(true);
    for (const p of suppressed) {
      expect(p.subscriptions.email.suppression?.timestamp).toBeGreaterThanOrEqual(p.created);
      expect(p.subscriptions.email.suppression?.timestamp).toBeLessThanOrEqual(NOW);
    }
    expect(count((p) => p.subscriptions.email.listSuppressions.length > 0)).toBeGreaterThan(0);
    for (const p of profiles) {
      const e = p.subscriptions.email;
      if (e.consent === "NEVER_SUBSCRIBED") expect(e.consentAt).toBeNull();
      else expect(e.consentAt).toBeGreaterThanOrEqual(p.created);
      if (p.subscriptions.sms.consent !== "NEVER_SUBSCRIBED") expect(p.phone_number).not.toBeNull();
    }
    expect(count((p) => p.subscriptions.sms.consent === "SUBSCRIBED")).toBeGreaterThan(n * 0.1);
    expect(count((p) => p.subscriptions.sms.transactional === "SUBSCRIBED")).toBeGreaterThan(0);
  });

  it("has the commerce and email metrics, and events of every one", () => {
    const names = [...store.metrics.values()].map((m) => m.attributes.name);
    expect(names).toEqual([
      "Placed Order",
      "Ordered Product",
      "Viewed Product",
      "Received Email",
      "Opened Email",
      "Clicked Email",
      "Active on Site",
    ]);
    const seen = new Map<string, number>();
    for (const e of allEvents(store)) {
      const name = metricName(store, e.metricId);
      seen.set(name, (seen.get(name) ?? 0) + 1);
    }
    for (const name of names) expect(seen.get(String(name)) ?? 0).toBeGreaterThan(500);
    const integrations = new Set(
      [...store.metrics.values()].map((m) => (m.attributes.integration as { name: string }).name),
    );
    expect(integrations).toEqual(new Set(["Shopify", "API", "Klaviyo"]));
  });

  it("has lists and segments with members who joined after they were created", () => {
    const lists = byName(store.lists.values());
    for (const name of ["Newsletter", "VIP Customers", "Winback Targets", "SMS Subscribers"]) {
      const list = lists.get(name);
      expect(list, name).toBeDefined();
      const members = store.listMembers.get(list?.id ?? "");
      expect(members?.size ?? 0, name).toBeGreaterThan(20);
    }
    expect(store.listMembers.get(lists.get("Preview List")?.id ?? "")?.size).toBe(0);
    expect(store.segments.size).toBeGreaterThanOrEqual(5);
    for (const [groupId, members] of [...store.listMembers, ...store.segmentMembers]) {
      expect(store.lists.has(groupId) || store.segments.has(groupId)).toBe(true);
      for (const [profileId, joined] of members) {
        const p = store.profiles.get(profileId);
        expect(p).toBeDefined();
        expect(joined).toBeGreaterThanOrEqual(p?.created ?? Number.POSITIVE_INFINITY);
        expect(joined).toBeLessThanOrEqual(NOW);
      }
    }
    const newsletter = store.listMembers.get(lists.get("Newsletter")?.id ?? "") ?? new Map();
    const subscribed = profiles.filter((p) => p.subscriptions.email.consent === "SUBSCRIBED");
    expect(subscribed.every((p) => newsletter.has(p.id))).toBe(true);
  });

  it("has email, SMS and push campaigns with messages, sent, scheduled and draft", () => {
    const channels = new Map<string, number>();
    const statuses = new Set<unknown>();
    for (const c of store.campaigns.values()) {
      statuses.add(c.attributes.status);
      const messages = ids(c.relationships?.["campaign-messages"]);
      expect(messages.length).toBeGreaterThan(0);
      for (const m of messages) {
        const message = store.campaignMessages.get(m);
        expect(message?.relationships?.campaign).toBe(c.id);
        const channel = String((message?.attributes.definition as { channel?: string } | undefined)?.channel);
        channels.set(channel, (channels.get(channel) ?? 0) + 1);
      }
      for (const t of ids(c.relationships?.tags))
        expect(ids(store.tags.get(t)?.relationships?.campaigns)).toContain(c.id);
    }
    expect(channels.get("email")).toBeGreaterThan(20);
    expect(channels.get("sms")).toBeGreaterThan(3);
    expect(channels.get("mobile_push")).toBeGreaterThan(1);
    for (const s of ["Sent", "Scheduled", "Draft"]) expect(statuses.has(s)).toBe(true);
  });

  it("links flows to actions to messages to templates, and triggers to lists and metrics", () => {
    expect(store.flows.size).toBeGreaterThanOrEqual(6);
    for (const f of store.flows.values()) {
      const actions = ids(f.relationships?.["flow-actions"]);
      expect(actions.length).toBeGreaterThan(0);
      for (const a of actions) {
        const action = store.flowActions.get(a);
        expect(action?.relationships?.flow).toBe(f.id);
        for (const m of ids(action?.relationships?.["flow-messages"])) {
          const message = store.flowMessages.get(m);
          expect(message?.relationships?.["flow-action"]).toBe(a);
          const template = message?.relationships?.template;
          if (typeof template === "string") expect(store.templates.has(template)).toBe(true);
        }
      }
    }
    const newsletter = byName(store.lists.values()).get("Newsletter");
    expect(ids(newsletter?.relationships?.["flow-triggers"]).length).toBeGreaterThan(0);
    const placed = byName(store.metrics.values()).get("Placed Order");
    expect(ids(placed?.relationships?.["flow-triggers"]).length).toBeGreaterThan(0);
    expect(store.templates.size).toBeGreaterThan(5);
  });

  it("has a catalog, tags, coupons with codes and images", () => {
    expect(store.catalogItems.size).toBeGreaterThan(20);
    for (const item of store.catalogItems.values()) {
      for (const v of ids(item.relationships?.variants))
        expect(store.catalogVariants.get(v)?.relationships?.item).toBe(item.id);
      for (const c of ids(item.relationships?.categories))
        expect(ids(store.catalogCategories.get(c)?.relationships?.items)).toContain(item.id);
    }
    expect(store.tagGroups.size).toBeGreaterThanOrEqual(2);
    for (const t of store.tags.values())
      expect(store.tagGroups.has(String(t.relationships?.["tag-group"]))).toBe(true);
    expect(store.coupons.size).toBeGreaterThanOrEqual(3);
    const statuses = new Set<unknown>();
    for (const code of store.couponCodes.values()) {
      expect(store.coupons.has(String(code.relationships?.coupon))).toBe(true);
      expect(code.id.startsWith(`${code.relationships?.coupon}-`)).toBe(true);
      const profile = code.relationships?.profile;
      if (typeof profile === "string") expect(store.profiles.get(profile)).toBeDefined();
      statuses.add(code.attributes.status);
    }
    expect(statuses).toEqual(new Set(["UNASSIGNED", "ASSIGNED_TO_PROFILE", "USED"]));
    expect(store.images.size).toBeGreaterThanOrEqual(2);
  });

  it("scales the demo shape for the CLI's --profiles/--events", () => {
    expect(scaledDemo(5_000, 20_000)).toEqual({ preset: "demo", profiles: 5_000, events: 20_000 });
    const bigger = seeded(scaledDemo(4_000, 9_000));
    expect(bigger.profiles.size).toBe(4_000);
    expect(bigger.events.size).toBe(9_000);
    expect(bigger.campaigns.size).toBe(store.campaigns.size);
    const bare = seeded({ preset: "empty", profiles: 500, events: 2_000 });
    expect(bare.profiles.size).toBe(500);
    expect(bare.events.size).toBe(2_000);
    expect(bare.metrics.size).toBe(7);
    expect(bare.lists.size).toBe(0);
    expect(bare.campaigns.size).toBe(0);
    expect(bare.accounts.size).toBe(1);
    const empty = seeded({ preset: "empty" });
    expect(empty.profiles.size + empty.events.size + empty.metrics.size).toBe(0);
  });
});
