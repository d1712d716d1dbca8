/**
 * The account's marketing objects: metrics, tags and tag groups, lists, segments, templates,
 * campaigns (email, SMS, push) with their messages, flows with actions and messages, coupons and
 * images. Attributes are complete for the GET response schema of each type (date-times as
 * `2024-01-01T00:00:00+00:00`); related ids go in `relationships`.
 */
import { iso } from "../store/ids.js";
import type { EmulatorStore, ResourceRow } from "../store/store.js";
import type { CatalogModel } from "./catalog.js";
import {
  EMAIL_THEMES,
  PUSH_MESSAGES,
  SEASONAL_CAMPAIGNS,
  SENDER_EMAIL,
  SENDER_NAME,
  SMS_BODIES,
  STORE_URL,
} from "./data.js";
import { DISCOUNTS } from "./events.js";
import {
  ACTIVE_ON_SITE,
  CLICKED_EMAIL,
  type EmailSend,
  METRICS,
  OPENED_EMAIL,
  PLACED_ORDER,
  VIEWED_PRODUCT,
} from "./model.js";
import { DAY, HOUR, type Rng } from "./random.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function season(month: number): string {
  return month <= 1 || month === 11 ? "winter" : month <= 4 ? "spring" : month <= 7 ? "summer" : "autumn";
}

/** Inserts the metrics, in metric-code order; returns their ids. */
export function seedMetrics(store: EmulatorStore, start: number, now: number): string[] {
  return METRICS.map((m, i) => {
    const row = store.metrics.insert({
      id: store.ids.short(),
      attributes: {
        name: m.name,
        created: iso(start - 45 * DAY + i * HOUR),
        updated: iso(now - DAY + i * HOUR),
        integration: { ...m.integration },
      },
      relationships: { "flow-triggers": [] },
    });
    return row.id;
  });
}

export type Channel = "email" | "sms" | "mobile_push";

export interface CampaignPlan {
  channel: Channel;
  name: string;
  subject: string;
  preview: string;
  body: string;
  /** Send time (past for sent, future for scheduled); drafts have none. */
  time: number | null;
  status: "Sent" | "Scheduled" | "Draft" | "Cancelled";
  audience: "newsletter" | "vip" | "sms" | "engaged";
  tags: string[];
}

/** The campaign calendar over the window (computed in every shape: email events refer to it). */
export function planCampaigns(rng: Rng, catalog: CatalogModel, start: number, now: number): CampaignPlan[] {
  const plans: CampaignPlan[] = [];
  const fill = (s: string, t: number) => {
    const d = new Date(t);
    return s
      .replace("{season}", season(d.getUTCMonth()))
      .replace("{year}", String(d.getUTCFullYear()))
      .replace("{product}", rng.pick(catalog.products).title)
      .replace("{url}", "emu.st/s/x7Kq");
  };
  const label = (stem: string, t: number) => {
    const d = new Date(t);
    return `${stem} – ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
  };
  const sendAt = (day: number) => Math.floor(day / DAY) * DAY + 15 * HOUR;
  // Regular email every ~2 weeks.
  for (let t = sendAt(start + 9 * DAY); t < now - DAY; t = sendAt(t + rng.between(11, 17) * DAY)) {
    const [stem, subject, preview] = rng.pick(EMAIL_THEMES);
    const vip = stem === "Members Early Access";
    plans.push({
      channel: "email",
      name: label(stem, t),
      subject: fill(subject, t),
      preview: fill(preview, t),
      body: "",
      time: t,
      status: "Sent",
      audience: vip ? "vip" : "newsletter",
      tags: vip ? ["Promotional", "Email"] : ["Newsletter", "Email"],
    });
  }
  // Seasonal moments in every year of the window.
  for (let y = new Date(start).getUTCFullYear(); y <= new Date(now).getUTCFullYear(); y++) {
    for (const s of SEASONAL_CAMPAIGNS) {
      const t = Date.UTC(y, s.month, s.day, 14);
      if (t <= start + DAY || t >= now - DAY) continue;
      plans.push({
        channel: "email",
        name: `${s.name} ${y}`,
        subject: s.subject,
        preview: s.preview,
        body: "",
        time: t,
        status: "Sent",
        audience: s.name.includes("Preview") ? "vip" : "newsletter",
        tags: ["Holiday", "Promotional", "Email"],
      });
    }
  }
  // SMS roughly every two months, push every four.
  for (
    let t = sendAt(start + 20 * DAY) + 2 * HOUR;
    t < now - DAY;
    t = sendAt(t + rng.between(45, 65) * DAY) + 2 * HOUR
  ) {
    plans.push({
      channel: "sms",
      name: label("SMS Flash Sale", t),
      subject: "",
      preview: "",
      body: rng.pick(SMS_BODIES).replace("{url}", "emu.st/s/x7Kq"),
      time: t,
      status: "Sent",
      audience: "sms",
      tags: ["Promotional", "SMS"],
    });
  }
  for (
    let t = sendAt(start + 35 * DAY) + 4 * HOUR;
    t < now - DAY;
    t = sendAt(t + rng.between(100, 130) * DAY) + 4 * HOUR
  ) {
    const [title, body] = rng.pick(PUSH_MESSAGES);
    plans.push({
      channel: "mobile_push",
      name: label(`Push: ${title}`, t),
      subject: title,
      preview: "",
      body: fill(body, t),
      time: t,
      status: "Sent",
      audience: "engaged",
      tags: ["Push"],
    });
  }
  plans.sort((a, b) => (a.time as number) - (b.time as number));
  // A few sends were cancelled.
  for (const p of plans) if (rng.chance(0.04)) p.status = "Cancelled";
  const future = (days: number) => sendAt(now + days * DAY);
  const upcoming: CampaignPlan[] = [
    {
      channel: "email",
      name: label("New Arrivals", future(3)),
      subject: "First look: new arrivals",
      preview: "See them before anyone else.",
      body: "",
      time: future(3),
      status: "Scheduled",
      audience: "newsletter",
      tags: ["Newsletter", "Email"],
    },
    {
      channel: "email",
      name: label("Weekend Sale", future(10)),
      subject: "This weekend only: 20% off everything",
      preview: "Use code WEEKEND20.",
      body: "",
      time: future(10),
      status: "Scheduled",
      audience: "newsletter",
      tags: ["Promotional", "Email"],
    },
    {
      channel: "sms",
      name: label("SMS Flash Sale", future(5)),
      subject: "",
      preview: "",
      body: (SMS_BODIES[0] as string).replace("{url}", "emu.st/s/x7Kq"),
      time: future(5),
      status: "Scheduled",
      audience: "sms",
      tags: ["Promotional", "SMS"],
    },
    {
      channel: "email",
      name: "Spring Lookbook (draft)",
      subject: "The spring lookbook",
      preview: "Ten looks we love.",
      body: "",
      time: null,
      status: "Draft",
      audience: "newsletter",
      tags: ["Newsletter", "Email"],
    },
    {
      channel: "email",
      name: "Loyalty Program Launch (draft)",
      subject: "Introducing rewards",
      preview: "Earn points on every order.",
      body: "",
      time: null,
      status: "Draft",
      audience: "vip",
      tags: ["Promotional", "Email"],
    },
    {
      channel: "sms",
      name: "SMS Restock (draft)",
      subject: "",
      preview: "",
      body: "Emulated Store: Your favourites are back in stock! emu.st/s/x7Kq",
      time: null,
      status: "Draft",
      audience: "sms",
      tags: ["SMS"],
    },
    {
      channel: "mobile_push",
      name: "Push: App Exclusive (draft)",
      subject: "App exclusive",
      preview: "",
      body: "Members get 15% off in the app today.",
      time: null,
      status: "Draft",
      audience: "engaged",
      tags: ["Push"],
    },
  ];
  return [...plans, ...upcoming];
}

/** Sent email campaigns as email events refer to them (ids filled in when rows are seeded). */
export function emailSendsOf(plans: readonly CampaignPlan[]): EmailSend[] {
  return plans
    .filter((p) => p.channel === "email" && p.status === "Sent" && p.time !== null)
    .map((p) => ({ time: p.time as number, name: p.name, subject: p.subject }));
}

interface FlowStep {
  email?: { name: string; subject: string; preview: string };
  sms?: string;
  push?: { title: string; body: string };
  delay?: { value: number; unit: "days" | "hours" };
}

interface FlowSeed {
  name: string;
  trigger: "Added to List" | "Date Based" | "Low Inventory" | "Metric" | "Price Drop";
  triggerRef?: "newsletter" | typeof PLACED_ORDER | typeof VIEWED_PRODUCT | typeof ACTIVE_ON_SITE;
  status: "live" | "draft" | "manual";
  archived?: boolean;
  tags: string[];
  steps: FlowStep[];
}

// biome-ignore format: a compact table
const FLOWS: readonly FlowSeed[] = [
  { name: "Welcome Series", trigger: "Added to List", triggerRef: "newsletter", status: "live", tags: ["Welcome", "Email"], steps: [
    { email: { name: "Welcome Email 1", subject: "Welcome to Emulated Store: here's 10% off", preview: "Your code WELCOME10 is inside." } },
    { delay: { value: 2, unit: "days" } },
    { email: { name: "Welcome Email 2", subject: "Our story (and our best sellers)", preview: "Made to last, since day one." } },
    { delay: { value: 3, unit: "days" } },
    { sms: "Emulated Store: Thanks for joining! Your code WELCOME10 expires soon: emu.st/s/w10" },
  ] },
  { name: "Browse Abandonment", trigger: "Metric", triggerRef: VIEWED_PRODUCT, status: "live", tags: ["Retention", "Email"], steps: [
    { delay: { value: 4, unit: "hours" } },
    { email: { name: "Browse Abandonment Email", subject: "Still thinking it over?", preview: "It's still here, for now." } },
  ] },
  { name: "Post-Purchase Thank You", trigger: "Metric", triggerRef: PLACED_ORDER, status: "live", tags: ["Post-purchase", "Email"], steps: [
    { delay: { value: 1, unit: "days" } },
    { email: { name: "Thank You Email", subject: "Thanks for your order!", preview: "Here's what happens next." } },
    { delay: { value: 14, unit: "days" } },
    { email: { name: "Review Request", subject: "How are you liking it?", preview: "Leave a review, get 10% off." } },
  ] },
  { name: "Customer Winback", trigger: "Metric", triggerRef: PLACED_ORDER, status: "manual", tags: ["Winback", "Email"], steps: [
    { delay: { value: 90, unit: "days" } },
    { email: { name: "We Miss You", subject: "It's been a while: 20% off to welcome you back", preview: "Code WINBACK20, this week only." } },
    { delay: { value: 7, unit: "days" } },
    { sms: "Emulated Store: We miss you! Take 20% off with WINBACK20: emu.st/s/wb20" },
  ] },
  { name: "Happy Birthday", trigger: "Date Based", status: "live", tags: ["Retention", "Email"], steps: [
    { email: { name: "Birthday Email", subject: "Happy birthday! A gift inside 🎁", preview: "15% off, all month long." } },
    { sms: "Emulated Store: Happy birthday! Enjoy 15% off with BDAY15: emu.st/s/bd15" },
  ] },
  { name: "Price Drop Alert", trigger: "Price Drop", status: "draft", tags: ["Retention", "Email"], steps: [
    { email: { name: "Price Drop Email", subject: "Good news: a price just dropped", preview: "Something you viewed is now on sale." } },
  ] },
  { name: "Low Inventory Reminder", trigger: "Low Inventory", status: "draft", tags: ["Retention", "Email"], steps: [
    { email: { name: "Low Inventory Email", subject: "Almost gone: grab it while you can", preview: "Only a few left in stock." } },
  ] },
  { name: "App Re-engagement", trigger: "Metric", triggerRef: ACTIVE_ON_SITE, status: "live", tags: ["Retention", "Push"], steps: [
    { delay: { value: 7, unit: "days" } },
    { push: { title: "We saved your favourites", body: "Come back and see what's new." } },
  ] },
  { name: "Welcome Series (2023, retired)", trigger: "Added to List", triggerRef: "newsletter", status: "draft", archived: true, tags: ["Welcome", "Email"], steps: [
    { email: { name: "Old Welcome Email", subject: "Welcome!", preview: "Thanks for signing up." } },
  ] },
];

/** Emails sent by flows, for email events (ids filled in when rows are seeded). */
export function flowEmailsOf(): EmailSend[] {
  const out: EmailSend[] = [];
  for (const f of FLOWS) {
    if (f.status === "draft") continue;
    for (const s of f.steps) if (s.email) out.push({ time: 0, name: f.name, subject: s.email.subject });
  }
  return out;
}

export type ListKey =
  | "newsletter"
  | "sms"
  | "vip"
  | "winback"
  | "earlyAccess"
  | "test"
  | "wholesale"
  | "preview";
export type SegmentKey = "engaged" | "repeat" | "lapsed" | "never" | "highValue" | "vipMembers" | "unengaged";

export interface Marketing {
  lists: Record<ListKey, string>;
  segments: Record<SegmentKey, string>;
  /** Sent email campaigns (with message ids), by time. */
  emailSends: EmailSend[];
  flowEmails: EmailSend[];
  /** Coupon ids (= codes) in DISCOUNTS order. */
  coupons: string[];
}

// biome-ignore format: a compact table
const LISTS: ReadonlyArray<{ key: ListKey; name: string; opt: "double_opt_in" | "single_opt_in"; tags: string[] }> = [
  { key: "newsletter", name: "Newsletter", opt: "double_opt_in", tags: ["Newsletter"] },
  { key: "sms", name: "SMS Subscribers", opt: "single_opt_in", tags: ["SMS"] },
  { key: "vip", name: "VIP Customers", opt: "single_opt_in", tags: ["Retention"] },
  { key: "winback", name: "Winback Targets", opt: "single_opt_in", tags: ["Winback"] },
  { key: "earlyAccess", name: "Black Friday Early Access", opt: "single_opt_in", tags: ["Holiday"] },
  { key: "test", name: "Internal Test Recipients", opt: "single_opt_in", tags: [] },
  { key: "wholesale", name: "Wholesale Inquiries", opt: "double_opt_in", tags: [] },
  { key: "preview", name: "Preview List", opt: "single_opt_in", tags: [] },
];

// biome-ignore format: a compact table
const TAG_GROUPS: ReadonlyArray<{ name: string; exclusive: boolean; default: boolean; tags: string[] }> = [
  { name: "Default", exclusive: false, default: true, tags: ["Newsletter", "Promotional", "Holiday"] },
  { name: "Lifecycle", exclusive: false, default: false, tags: ["Welcome", "Retention", "Winback", "Post-purchase"] },
  { name: "Channel", exclusive: true, default: false, tags: ["Email", "SMS", "Push"] },
];

interface TagLinks {
  lists: string[];
  segments: string[];
  campaigns: string[];
  flows: string[];
}

const count = (n: number) => ({ type: "numeric", operator: "greater-than-or-equal", value: n });
const metricCondition = (
  metricId: string,
  filter: Record<string, unknown>,
  timeframe: Record<string, unknown>,
  measurement: "count" | "sum" = "count",
) => ({
  type: "profile-metric",
  metric_id: metricId,
  measurement,
  measurement_filter: filter,
  timeframe_filter: timeframe,
  metric_filters: null,
});
const ALLTIME = { type: "date", operator: "alltime" };
const lastDays = (n: number) => ({ type: "date", operator: "in-the-last", unit: "day", quantity: n });

function templateHtml(title: string, preview: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title></head><body style="margin:0;font-family:Helvetica,Arial,sans-serif;background:#f6f4f0"><div style="display:none">${preview}</div><table role="presentation" width="100%"><tr><td align="center"><table role="presentation" width="600" style="background:#ffffff"><tr><td style="padding:24px;text-align:center"><img src="${STORE_URL}/cdn/logo.png" alt="Emulated Store" width="160"></td></tr><tr><td style="padding:0 32px"><h1 style="font-size:28px">${title}</h1><p>Hi {{ first_name|default:'there' }},</p><p>${preview}</p><p><a href="${STORE_URL}" style="background:#1f3a2e;color:#fff;padding:12px 24px;text-decoration:none">Shop now</a></p></td></tr><tr><td style="padding:24px;font-size:12px;color:#777;text-align:center">Emulated Store, 1 Emulator Way, Boston, MA 02110<br>{% unsubscribe 'Unsubscribe' %} | {% manage_preferences 'Manage preferences' %}</td></tr></table></td></tr></table></body></html>`;
}

function templateText(title: string, preview: string): string {
  return `${title}\n\nHi {{ first_name|default:'there' }},\n\n${preview}\n\nShop now: ${STORE_URL}\n\nEmulated Store, 1 Emulator Way, Boston, MA 02110\nUnsubscribe: {% unsubscribe_url %}`;
}

/** Inserts every marketing object of the full (demo) shape. */
export function seedMarketing(
  store: EmulatorStore,
  rng: Rng,
  metricIds: readonly string[],
  plans: readonly CampaignPlan[],
  start: number,
  now: number,
): Marketing {
  const ids = store.ids;
  const at = (t: number) => iso(Math.floor(t / 1000) * 1000);
  const betweenTimes = (a: number, b: number) => a + Math.floor(rng.next() * Math.max(0, b - a));

  // Tags and tag groups.
  const tagIds = new Map<string, string>();
  const tagLinks = new Map<string, TagLinks>();
  for (const g of TAG_GROUPS) {
    const groupId = rng.uuid();
    const members: string[] = [];
    for (const name of g.tags) {
      const id = rng.uuid();
      tagIds.set(name, id);
      tagLinks.set(id, { lists: [], segments: [], campaigns: [], flows: [] });
      members.push(id);
      store.tags.insert({ id, attributes: { name }, relationships: { "tag-group": groupId } });
    }
    store.tagGroups.insert({
      id: groupId,
      attributes: { name: g.name, exclusive: g.exclusive, default: g.default },
      relationships: { tags: members },
    });
  }
  const tagsFor = (names: readonly string[], kind: keyof TagLinks, id: string): string[] => {
    const out: string[] = [];
    for (const n of names) {
      const tagId = tagIds.get(n);
      if (!tagId) continue;
      out.push(tagId);
      tagLinks.get(tagId)?.[kind].push(id);
    }
    return out;
  };

  // Lists.
  const lists = {} as Record<ListKey, string>;
  const listRows = new Map<ListKey, ResourceRow>();
  for (const l of LISTS) {
    const id = ids.short();
    lists[l.key] = id;
    const created = l.key === "earlyAccess" ? start + 200 * DAY : start - rng.between(20, 120) * DAY;
    const row = store.lists.insert({
      id,
      attributes: {
        name: l.name,
        created: at(created),
        updated: at(betweenTimes(Math.max(created, now - 60 * DAY), now)),
        opt_in_process: l.opt,
      },
      relationships: { tags: tagsFor(l.tags, "lists", id), "flow-triggers": [] },
    });
    listRows.set(l.key, row);
  }

  // Segments.
  const placed = metricIds[PLACED_ORDER] as string;
  const opened = metricIds[OPENED_EMAIL] as string;
  const clicked = metricIds[CLICKED_EMAIL] as string;
  const segmentSeeds: ReadonlyArray<{
    key: SegmentKey;
    name: string;
    groups: unknown[][];
    starred?: boolean;
    active?: boolean;
    tags: string[];
  }> = [
    {
      key: "engaged",
      name: "Engaged (last 90 days)",
      groups: [
        [metricCondition(opened, count(1), lastDays(90)), metricCondition(clicked, count(1), lastDays(90))],
      ],
      starred: true,
      tags: ["Retention"],
    },
    {
      key: "repeat",
      name: "Repeat Customers",
      groups: [[metricCondition(placed, count(2), ALLTIME)]],
      tags: ["Retention"],
    },
    {
      key: "lapsed",
      name: "Lapsed Customers (180 days)",
      groups: [
        [metricCondition(placed, count(1), ALLTIME)],
        [metricCondition(placed, { type: "numeric", operator: "equals", value: 0 }, lastDays(180))],
      ],
      tags: ["Winback"],
    },
    {
      key: "never",
      name: "Never Purchased",
      groups: [[metricCondition(placed, { type: "numeric", operator: "equals", value: 0 }, ALLTIME)]],
      tags: [],
    },
    {
      key: "highValue",
      name: "High Value Customers",
      groups: [[metricCondition(placed, count(500), ALLTIME, "sum")]],
      starred: true,
      tags: ["Retention"],
    },
    {
      key: "vipMembers",
      name: "VIP List Members",
      groups: [
        [
          {
            type: "profile-group-membership",
            is_member: true,
            group_ids: [lists.vip],
            timeframe_filter: null,
          },
        ],
      ],
      tags: [],
    },
    {
      key: "unengaged",
      name: "Unengaged Subscribers (180 days)",
      groups: [[metricCondition(opened, { type: "numeric", operator: "equals", value: 0 }, lastDays(180))]],
      active: false,
      tags: [],
    },
  ];
  const segments = {} as Record<SegmentKey, string>;
  for (const s of segmentSeeds) {
    const id = ids.short();
    segments[s.key] = id;
    const created = start + rng.between(5, 200) * DAY;
    store.segments.insert({
      id,
      attributes: {
        name: s.name,
        definition: { condition_groups: s.groups.map((conditions) => ({ conditions })) },
        created: at(created),
        updated: at(betweenTimes(created, now)),
        is_active: s.active ?? true,
        is_processing: false,
        is_starred: s.starred ?? false,
      },
      relationships: { tags: tagsFor(s.tags, "segments", id), "flow-triggers": [] },
    });
  }

  // Images.
  const imageIds: string[] = [];
  let imageNo = 1000 + rng.between(0, 500);
  for (const [name, format, size] of [
    ["hero-new-arrivals.jpg", "jpeg", 284_113],
    ["logo.png", "png", 18_244],
    ["holiday-banner.png", "png", 402_991],
  ] as const) {
    const id = String(imageNo);
    imageNo += rng.between(1, 40);
    imageIds.push(id);
    store.images.insert({
      id,
      attributes: {
        name,
        image_url: `${STORE_URL}/cdn/images/${name}`,
        format,
        size,
        hidden: name.startsWith("holiday") && rng.chance(0.5),
        updated_at: at(start + rng.between(10, 600) * DAY),
      },
    });
  }

  // Templates: a few campaign bases, then one per flow email.
  const templates: string[] = [];
  const addTemplate = (
    name: string,
    title: string,
    preview: string,
    created: number,
    editor = "CODE",
  ): string => {
    const id = ids.short();
    store.templates.insert({
      id,
      attributes: {
        name,
        editor_type: editor,
        html: templateHtml(title, preview),
        text: templateText(title, preview),
        amp: null,
        created: at(created),
        updated: at(betweenTimes(created, now)),
      },
    });
    return id;
  };
  for (const [name, title] of [
    ["Newsletter Base", "This week at Emulated Store"],
    ["Sale Announcement", "The sale is on"],
    ["Product Spotlight", "Meet our latest favourite"],
    ["Holiday Gift Guide", "Gifts they'll love"],
  ] as const) {
    templates.push(
      addTemplate(
        name,
        title,
        "News, new arrivals and offers.",
        start - rng.between(5, 60) * DAY,
        "USER_DRAGGABLE",
      ),
    );
  }

  // Campaigns and their messages.
  const audienceIds = (a: CampaignPlan["audience"]): { included: string[]; excluded: string[] } => {
    switch (a) {
      case "newsletter":
        return { included: [lists.newsletter], excluded: [segments.unengaged] };
      case "vip":
        return { included: [lists.vip, lists.earlyAccess], excluded: [] };
      case "sms":
        return { included: [lists.sms], excluded: [] };
      case "engaged":
        return { included: [segments.engaged], excluded: [] };
    }
  };
  const emailSends: EmailSend[] = [];
  let smsWithImage = false;
  for (const p of plans) {
    const created = p.time === null ? now - rng.between(1, 20) * DAY : p.time - rng.between(2, 9) * DAY;
    const updated =
      p.time === null ? betweenTimes(created, now) : Math.min(now, p.time + rng.between(0, 3) * HOUR);
    const campaignId = ids.ulid(created);
    const messageId = ids.ulid(created + 1000);
    const sent = p.status === "Sent" || p.status === "Cancelled";
    const sendStrategy =
      p.time === null
        ? { method: "immediate" }
        : rng.chance(0.15) && p.channel === "email"
          ? { method: "smart_send_time", date: iso(p.time).slice(0, 10) }
          : { method: "static", datetime: at(p.time), options: { is_local: false } };
    const trackingOptions =
      p.channel === "email"
        ? {
            add_tracking_params: true,
            custom_tracking_params: [
              { type: "dynamic", value: "campaign_name", name: "utm_campaign" },
              { type: "static", value: "klaviyo", name: "utm_source" },
              { type: "static", value: "email", name: "utm_medium" },
            ],
            is_tracking_clicks: true,
            is_tracking_opens: true,
          }
        : p.channel === "sms"
          ? { add_tracking_params: true, custom_tracking_params: null }
          : null;
    const tags = tagsFor(p.tags, "campaigns", campaignId);
    store.campaigns.insert({
      id: campaignId,
      attributes: {
        name: p.name,
        status: p.status,
        archived: sent && p.time !== null && p.time < now - 540 * DAY && rng.chance(0.3),
        audiences: audienceIds(p.audience),
        send_options: { use_smart_sending: p.channel !== "mobile_push" },
        tracking_options: trackingOptions,
        send_strategy: sendStrategy,
        created_at: at(created),
        scheduled_at: p.time === null ? null : at(Math.min(now, p.time - rng.between(1, 48) * HOUR)),
        updated_at: at(updated),
        send_time: p.time === null ? null : at(p.time),
      },
      relationships: { "campaign-messages": [messageId], tags },
    });
    let definition: Record<string, unknown>;
    const relationships: Record<string, string | string[] | null> = {
      campaign: campaignId,
      template: null,
      image: null,
    };
    if (p.channel === "email") {
      definition = {
        channel: "email",
        label: p.name,
        content: {
          subject: p.subject,
          preview_text: p.preview,
          from_email: SENDER_EMAIL,
          from_label: SENDER_NAME,
          reply_to_email: null,
          cc_email: null,
          bcc_email: null,
        },
      };
      relationships.template = templates[p.tags.includes("Holiday") ? 3 : rng.int(3)] as string;
    } else if (p.channel === "sms") {
      const image: boolean = !smsWithImage && p.status === "Sent";
      smsWithImage ||= image;
      definition = {
        channel: "sms",
        content: { body: p.body, media_url: image ? `${STORE_URL}/cdn/images/hero-new-arrivals.jpg` : null },
        render_options: {
          shorten_links: true,
          add_org_prefix: true,
          add_info_link: true,
          add_opt_out_language: false,
        },
      };
      if (image) relationships.image = imageIds[0] as string;
    } else {
      definition = {
        channel: "mobile_push",
        notification_type: "standard",
        content: { title: p.subject, body: p.body, dynamic_image: null, action_buttons: null },
        kv_pairs: null,
        options: { on_open: { type: "open_app" }, badge: { display: false }, play_sound: false },
      };
    }
    store.campaignMessages.insert({
      id: messageId,
      attributes: {
        definition,
        send_times: p.time === null ? [] : [{ datetime: at(p.time), is_local: false }],
        created_at: at(created),
        updated_at: at(updated),
      },
      relationships,
    });
    if (p.channel === "email" && p.status === "Sent" && p.time !== null)
      emailSends.push({ time: p.time, name: p.name, subject: p.subject, messageId });
  }

  // Flows, their actions and messages.
  const flowEmails: EmailSend[] = [];
  let actionNo = 91_000_000 + rng.between(0, 900_000);
  const metricTriggers = new Map<string, string[]>();
  for (const f of FLOWS) {
    const flowId = ids.short();
    const created = start + rng.between(3, 120) * DAY;
    const updated = betweenTimes(created, now);
    const actionIds = f.steps.map(() => {
      actionNo += rng.between(1, 9);
      return String(actionNo);
    });
    f.steps.forEach((step, i) => {
      const actionId = actionIds[i] as string;
      const next = actionIds[i + 1] ?? null;
      const status = f.status;
      const messageIds: string[] = [];
      let definition: Record<string, unknown>;
      if (step.delay) {
        definition = {
          id: actionId,
          type: "time-delay",
          links: { next },
          data: { unit: step.delay.unit, value: step.delay.value },
        };
      } else {
        const messageId = ids.short();
        messageIds.push(messageId);
        let channel: string;
        let message: Record<string, unknown>;
        let templateId: string | null = null;
        let type: string;
        if (step.email) {
          channel = "email";
          type = "send-email";
          templateId = addTemplate(
            `${f.name}: ${step.email.name}`,
            step.email.subject,
            step.email.preview,
            created,
          );
          message = {
            from_email: SENDER_EMAIL,
            from_label: SENDER_NAME,
            reply_to_email: null,
            cc_email: null,
            bcc_email: null,
            subject_line: step.email.subject,
            preview_text: step.email.preview,
            template_id: templateId,
            smart_sending_enabled: true,
            transactional: false,
            add_tracking_params: true,
            custom_tracking_params: null,
            additional_filters: null,
            name: step.email.name,
            id: messageId,
          };
          if (f.status !== "draft")
            flowEmails.push({ time: 0, name: f.name, subject: step.email.subject, messageId, flowId });
        } else if (step.sms) {
          channel = "sms";
          type = "send-sms";
          message = {
            body: step.sms,
            image_id: null,
            dynamic_image: null,
            shorten_links: true,
            include_contact_card: false,
            add_org_prefix: true,
            add_info_link: true,
            add_opt_out_language: false,
            smart_sending_enabled: true,
            sms_quiet_hours_enabled: true,
            transactional: false,
            add_tracking_params: true,
            custom_tracking_params: null,
            additional_filters: null,
            name: `${f.name} SMS`,
            id: messageId,
          };
        } else {
          const push = step.push as { title: string; body: string };
          channel = "push";
          type = "send-mobile-push";
          message = {
            title: push.title,
            body: push.body,
            sound: false,
            badge: false,
            image_id: null,
            dynamic_image: null,
            on_open: "home",
            ios_link: null,
            android_link: null,
            web_url: null,
            push_type: "standard",
            kv_pairs: null,
            conversion_metric_id: null,
            smart_sending_enabled: true,
            additional_filters: null,
            action_buttons: null,
            name: `${f.name} Push`,
            id: messageId,
          };
        }
        definition = { id: actionId, type, links: { next }, data: { message, status } };
        store.flowMessages.insert({
          id: messageId,
          attributes: { channel, created: at(created), updated: at(updated), definition: { ...message } },
          relationships: { "flow-action": actionId, template: templateId },
        });
      }
      store.flowActions.insert({
        id: actionId,
        attributes: { created: at(created), updated: at(updated), definition },
        relationships: { flow: flowId, "flow-messages": messageIds },
      });
    });
    store.flows.insert({
      id: flowId,
      attributes: {
        name: f.name,
        status: f.status,
        archived: f.archived ?? false,
        created: at(created),
        updated: at(updated),
        trigger_type: f.trigger,
      },
      relationships: { "flow-actions": actionIds, tags: tagsFor(f.tags, "flows", flowId) },
    });
    if (f.triggerRef === "newsletter") {
      const triggers = (listRows.get("newsletter") as ResourceRow).relationships?.["flow-triggers"];
      if (Array.isArray(triggers)) triggers.push(flowId);
    } else if (typeof f.triggerRef === "number") {
      const metricId = metricIds[f.triggerRef] as string;
      metricTriggers.set(metricId, [...(metricTriggers.get(metricId) ?? []), flowId]);
    }
  }
  for (const [metricId, flows] of metricTriggers) {
    const row = store.metrics.get(metricId);
    if (row) row.relationships = { ...row.relationships, "flow-triggers": flows };
  }

  // Tag relationships, now that everything tagged exists.
  for (const [tagId, links] of tagLinks) {
    const row = store.tags.get(tagId);
    if (row) row.relationships = { ...row.relationships, ...links };
  }

  // Coupons (codes come after profiles).
  const coupons = DISCOUNTS.map((d) => {
    store.coupons.insert({
      id: d.code,
      attributes: {
        external_id: d.code,
        monitor_configuration: d.code === "WELCOME10" ? { low_balance_threshold: 100 } : null,
      },
    });
    return d.code;
  });

  return { lists, segments, emailSends, flowEmails, coupons };
}
