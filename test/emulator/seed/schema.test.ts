/**
 * Seeded rows render as schema-valid responses: every table is rendered the way handlers do
 * (`renderRow`: attributes as stored, relationship ids as `data`) and validated against the spec's
 * GET response schema for its type; then the running emulator serves them through the client
 * (operations whose handlers do not exist yet answer 501 and are skipped).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServerError } from "../../../src/client/errors.js";
import type { KlaviyoClient } from "../../../src/client/index.js";
import type { OperationKey } from "../../../src/client/typed.js";
import { renderRow } from "../../../src/emulator/render.js";
import { iso } from "../../../src/emulator/store/ids.js";
import type { ProfileRecord } from "../../../src/emulator/store/profiles.js";
import type { EmulatorStore, ResourceRow } from "../../../src/emulator/store/store.js";
import type { Table } from "../../../src/emulator/store/table.js";
import type { EmuRequest } from "../../../src/emulator/types.js";
import { validateResponse } from "../../../src/spec/index.js";
import { startTestEmulator, type TestEmulator } from "../../helpers/emulator.js";
import { allEvents, seeded } from "./helpers.js";

const ORIGIN = "http://127.0.0.1:8787";
const request = { origin: ORIGIN, query: new URLSearchParams() } as unknown as EmuRequest;

interface Shape {
  table: (s: EmulatorStore) => Table<ResourceRow>;
  type: string;
  path: string;
  /** A collection operation, or a single-resource one (`single: true`). */
  op: string;
  single?: boolean;
  rels: Record<string, { type: string; many: boolean }>;
}

const many = (type: string) => ({ type, many: true });
const one = (type: string) => ({ type, many: false });

const SHAPES: Shape[] = [
  { table: (s) => s.accounts, type: "account", path: "/api/accounts", op: "get_accounts", rels: {} },
  {
    table: (s) => s.metrics,
    type: "metric",
    path: "/api/metrics",
    op: "get_metrics",
    rels: { "flow-triggers": many("flow") },
  },
  {
    table: (s) => s.lists,
    type: "list",
    path: "/api/lists",
    op: "get_lists",
    rels: { tags: many("tag"), "flow-triggers": many("flow") },
  },
  {
    table: (s) => s.segments,
    type: "segment",
    path: "/api/segments",
    op: "get_segments",
    rels: { tags: many("tag"), "flow-triggers": many("flow") },
  },
  {
    table: (s) => s.campaigns,
    type: "campaign",
    path: "/api/campaigns",
    op: "get_campaigns",
    rels: { "campaign-messages": many("campaign-message"), tags: many("tag") },
  },
  {
    table: (s) => s.campaignMessages,
    type: "campaign-message",
    path: "/api/campaign-messages",
    op: "get_campaign_message",
    single: true,
    rels: { campaign: one("campaign"), template: one("template"), image: one("image") },
  },
  {
    table: (s) => s.flows,
    type: "flow",
    path: "/api/flows",
    op: "get_flows",
    rels: { "flow-actions": many("flow-action"), tags: many("tag") },
  },
  {
    table: (s) => s.flowActions,
    type: "flow-action",
    path: "/api/flow-actions",
    op: "get_flow_action",
    single: true,
    rels: { flow: one("flow"), "flow-messages": many("flow-message") },
  },
  {
    table: (s) => s.flowMessages,
    type: "flow-message",
    path: "/api/flow-messages",
    op: "get_flow_message",
    single: true,
    rels: { "flow-action": one("flow-action"), template: one("template") },
  },
  { table: (s) => s.templates, type: "template", path: "/api/templates", op: "get_templates", rels: {} },
  {
    table: (s) => s.tags,
    type: "tag",
    path: "/api/tags",
    op: "get_tags",
    rels: {
      "tag-group": one("tag-group"),
      lists: many("list"),
      segments: many("segment"),
      campaigns: many("campaign"),
      flows: many("flow"),
    },
  },
  {
    table: (s) => s.tagGroups,
    type: "tag-group",
    path: "/api/tag-groups",
    op: "get_tag_groups",
    rels: { tags: many("tag") },
  },
  {
    table: (s) => s.catalogItems,
    type: "catalog-item",
    path: "/api/catalog-items",
    op: "get_catalog_items",
    rels: { variants: many("catalog-variant") },
  },
  {
    table: (s) => s.catalogVariants,
    type: "catalog-variant",
    path: "/api/catalog-variants",
    op: "get_catalog_variants",
    rels: { item: one("catalog-item") },
  },
  {
    table: (s) => s.catalogCategories,
    type: "catalog-category",
    path: "/api/catalog-categories",
    op: "get_catalog_categories",
    rels: { items: many("catalog-item") },
  },
  { table: (s) => s.coupons, type: "coupon", path: "/api/coupons", op: "get_coupons", rels: {} },
  {
    table: (s) => s.couponCodes,
    type: "coupon-code",
    path: "/api/coupon-codes",
    op: "get_coupon_codes",
    rels: { coupon: one("coupon"), profile: one("profile") },
  },
  { table: (s) => s.images, type: "image", path: "/api/images", op: "get_images", rels: {} },
];

/** Renders a row as a handler would, with `data` for the relationships that hold ids. */
function render(shape: Shape, row: ResourceRow) {
  const rels: Record<string, { type: string; many: boolean; data: boolean }> = {};
  for (const [name, rel] of Object.entries(shape.rels)) {
    const stored = row.relationships?.[name];
    if (stored !== undefined && stored !== null) rels[name] = { ...rel, data: true };
  }
  return renderRow(request, shape.type, row, { path: shape.path, relationships: rels });
}

describe("seeded rows match the spec's response schemas", () => {
  const store = seeded({ preset: "demo" });
  for (const shape of SHAPES) {
    it(`${shape.type} rows validate against ${shape.op}`, () => {
      const rows = [...shape.table(store).values()];
      expect(rows.length).toBeGreaterThan(0);
      const docs = shape.single
        ? rows.map((r) => ({ data: render(shape, r), links: { self: `${ORIGIN}${shape.path}/${r.id}` } }))
        : [{ data: rows.map((r) => render(shape, r)), links: { self: `${ORIGIN}${shape.path}` } }];
      for (const body of docs) {
        const problems = validateResponse({
          operationId: shape.op,
          status: 200,
          contentType: "application/vnd.api+json",
          body,
        });
        expect(problems, JSON.stringify(problems.slice(0, 5))).toEqual([]);
      }
    });
  }
});

const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** The profile as GET /api/profiles shows it (with subscriptions and predictive analytics). */
function profileResource(p: ProfileRecord) {
  const e = p.subscriptions.email;
  const s = p.subscriptions.sms;
  return {
    type: "profile",
    id: p.id,
    attributes: {
      email: p.email,
      phone_number: p.phone_number,
      external_id: p.external_id,
      anonymous_id: p.anonymous_id,
      first_name: p.first_name,
      last_name: p.last_name,
      organization: p.organization,
      locale: p.locale,
      title: p.title,
      image: p.image,
      created: iso(p.created),
      updated: iso(p.updated),
      last_event_date: isoOrNull(p.last_event_date),
      location: p.location,
      properties: p.properties,
      subscriptions: {
        email: {
          marketing: {
            can_receive_email_marketing: e.consent === "SUBSCRIBED" && e.suppression === null,
            consent: e.consent,
            consent_timestamp: isoOrNull(e.consentAt),
            last_updated: isoOrNull(e.consentAt),
            method: e.method,
            method_detail: e.methodDetail,
            suppression: e.suppression
              ? [{ reason: e.suppression.reason, timestamp: iso(e.suppression.timestamp) }]
              : [],
            list_suppressions: e.listSuppressions.map((l) => ({
              list_id: l.listId,
              reason: l.reason,
              timestamp: iso(l.timestamp),
            })),
          },
        },
        sms: {
          marketing: {
            can_receive_sms_marketing: s.consent === "SUBSCRIBED",
            consent: s.consent,
            consent_timestamp: isoOrNull(s.consentAt),
            method: s.method,
            method_detail: null,
            last_updated: isoOrNull(s.consentAt),
          },
          transactional: {
            can_receive_sms_transactional: s.transactional === "SUBSCRIBED",
            consent: s.transactional,
          },
        },
      },
      predictive_analytics: p.predictive ?? null,
    },
    links: { self: `${ORIGIN}/api/profiles/${p.id}` },
  };
}

describe("seeded profiles and events render as schema-valid documents", () => {
  const store = seeded({ preset: "demo", profiles: 2_000, events: 10_000 });
  it("profiles validate against get_profiles", () => {
    const data = [...store.profiles.values()].map(profileResource);
    const problems = validateResponse({
      operationId: "get_profiles",
      status: 200,
      contentType: "application/vnd.api+json",
      body: { data, links: { self: `${ORIGIN}/api/profiles` } },
    });
    expect(problems, JSON.stringify(problems.slice(0, 5))).toEqual([]);
  });

  it("events validate against get_events", () => {
    const data = allEvents(store).map((e) => ({
      type: "event",
      id: e.id,
      attributes: {
        timestamp: Math.floor(e.datetime / 1000),
        event_properties: e.properties,
        datetime: iso(e.datetime),
        uuid: "00000000-0000-4000-8000-000000000000",
      },
      relationships: {
        profile: { data: { type: "profile", id: e.profileId } },
        metric: { data: { type: "metric", id: e.metricId } },
      },
      links: { self: `${ORIGIN}/api/events/${e.id}` },
    }));
    const problems = validateResponse({
      operationId: "get_events",
      status: 200,
      contentType: "application/vnd.api+json",
      body: { data, links: { self: `${ORIGIN}/api/events` } },
    });
    expect(problems, JSON.stringify(problems.slice(0, 5))).toEqual([]);
  });
});

describe("the demo-seeded emulator serves schema-valid collections", () => {
  let emu: TestEmulator;
  let client: KlaviyoClient;
  beforeAll(async () => {
    emu = await startTestEmulator({ seed: "demo" });
    client = emu.client({ retry: { maxRetries: 0, baseDelayMs: 1 } });
  });
  afterAll(async () => {
    await emu?.close();
  });

  /** Calls a GET collection; undefined when the handler is not implemented yet (501). */
  async function list(op: OperationKey, query?: Record<string, string>): Promise<unknown[] | undefined> {
    try {
      const res = (await client.call(op, query ? ({ query } as never) : {})) as { data: unknown };
      expect(Array.isArray(res.data)).toBe(true);
      return res.data as unknown[];
    } catch (err) {
      if (err instanceof ServerError && err.status === 501) return undefined;
      throw err;
    }
  }

  it("serves the account and the seeded metrics", async () => {
    const accounts = await client.call("get_accounts");
    expect(accounts.data).toHaveLength(1);
    const metrics = await client.call("get_metrics");
    expect(metrics.data.map((m) => m.attributes.name)).toEqual(
      expect.arrayContaining([
        "Placed Order",
        "Ordered Product",
        "Viewed Product",
        "Received Email",
        "Active on Site",
      ]),
    );
    const shopify = await client.call("get_metrics", {
      query: { filter: "equals(integration.name,'Shopify')" },
    });
    expect(shopify.data.map((m) => m.attributes.name).sort()).toEqual(["Ordered Product", "Placed Order"]);
    const one = await client.call("get_metric", { path: { id: metrics.data[0]?.id ?? "" } });
    expect(one.data.id).toBe(metrics.data[0]?.id);
  });

  it("serves the other collections when their handlers exist (501 is skipped)", async () => {
    const calls: Array<[OperationKey, Record<string, string>?]> = [
      ["get_lists"],
      ["get_segments"],
      ["get_campaigns", { filter: "equals(messages.channel,'email')" }],
      ["get_campaigns", { filter: "equals(messages.channel,'sms')" }],
      ["get_campaigns", { filter: "equals(messages.channel,'mobile_push')" }],
      ["get_flows"],
      ["get_templates"],
      ["get_tags"],
      ["get_tag_groups"],
      ["get_catalog_items"],
      ["get_catalog_variants"],
      ["get_catalog_categories"],
      ["get_coupons"],
      ["get_coupon_codes", { filter: "equals(coupon.id,['WELCOME10','VIP25'])" }],
      ["get_images"],
      ["get_profiles", { "additional-fields[profile]": "subscriptions,predictive_analytics" }],
      ["get_events"],
    ];
    const served: string[] = [];
    for (const [op, query] of calls) {
      const data = await list(op, query);
      if (data === undefined) continue;
      served.push(op);
      expect(data.length, `${op} ${JSON.stringify(query ?? {})}`).toBeGreaterThan(0);
    }
    // Every response that came back was validated against the spec by the test emulator.
    expect(emu.validated).toBeGreaterThanOrEqual(served.length);
  });
});
