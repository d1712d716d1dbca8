/**
 * Campaigns, campaign messages, send jobs and recipient estimations.
 *
 * - `GET /api/campaigns` requires `equals(messages.channel,'email'|'sms'|'mobile_push')` (400
 *   naming `filter` otherwise); a campaign's channel is its messages' channel.
 * - A campaign is created in `Draft` with its messages; only drafts can be edited.
 * - `send_campaign` starts a send job whose id is the campaign id: an immediate send moves the
 *   campaign to `Sending` and, when the job completes, `Sent`; a scheduled strategy moves it to
 *   `Scheduled`. `cancel_campaign_send` cancels (`Cancelled`) or reverts to `Draft`.
 * - Recipient estimation jobs (id = campaign id) count the distinct members of the included lists
 *   and segments minus the excluded ones.
 */
import type { FilterCondition } from "../../filter/types.js";
import { attributeGetter, includes, pageSize, paginateRows, requestFilter } from "../jsonapi.js";
import {
  bodyAttributes,
  bodyData,
  collection,
  identifiers,
  noContent,
  type RenderOptions,
  type Resource,
  single,
} from "../render.js";
import { iso } from "../store/ids.js";
import type { EmulatorStore, JobRecord, ResourceRow } from "../store/store.js";
import { ApiError, type EmuRequest, type Handler, invalid, notFound } from "../types.js";
import { renderImage } from "./images.js";
import { renderResource, tagIdsOf, tagResources, untagEverywhere } from "./tags.js";
import { renderTemplate } from "./templates.js";

type Json = Record<string, unknown>;
export type Channel = "email" | "sms" | "mobile_push";

const CHANNELS: readonly Channel[] = ["email", "sms", "mobile_push"];
const SEND_JOB_MS = 2000;
const ESTIMATION_JOB_MS = 1000;

export const CAMPAIGN_RENDER: RenderOptions = {
  path: "/api/campaigns",
  relationships: {
    "campaign-messages": { type: "campaign-message", many: true, data: true },
    tags: { type: "tag", many: true, data: true },
  },
};

export const CAMPAIGN_MESSAGE_RENDER: RenderOptions = {
  path: "/api/campaign-messages",
  relationships: {
    campaign: { type: "campaign", many: false, data: true },
    template: { type: "template", many: false, data: true },
    image: { type: "image", many: false, data: true },
  },
};

const SEND_JOB = "campaign-send-job";
const ESTIMATION_JOB = "campaign-recipient-estimation-job";
const jobKey = (type: string, campaignId: string) => `${type}:${campaignId}`;

function idsOf(row: ResourceRow, name: string): string[] {
  const v = row.relationships?.[name];
  return Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
}

function oneId(row: ResourceRow, name: string): string | undefined {
  return idsOf(row, name)[0];
}

function asObject(v: unknown): Json {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {};
}

/** A message definition completed with the members Klaviyo always returns. */
function normalizeDefinition(
  def: Json,
  fallbackLabel: string,
  defaultFrom: { email: string; label: string },
): Json {
  const channel = def.channel as Channel;
  if (channel === "email") {
    const c = asObject(def.content);
    return {
      channel,
      label: typeof def.label === "string" ? def.label : fallbackLabel,
      content: {
        subject: c.subject ?? null,
        preview_text: c.preview_text ?? null,
        from_email: c.from_email ?? defaultFrom.email,
        from_label: c.from_label ?? defaultFrom.label,
        reply_to_email: c.reply_to_email ?? null,
        cc_email: c.cc_email ?? null,
        bcc_email: c.bcc_email ?? null,
      },
    };
  }
  if (channel === "sms") {
    const c = asObject(def.content);
    const r = asObject(def.render_options);
    return {
      channel,
      content: { body: c.body ?? null, media_url: c.media_url ?? null },
      render_options: {
        shorten_links: r.shorten_links ?? true,
        add_org_prefix: r.add_org_prefix ?? true,
        add_info_link: r.add_info_link ?? true,
        add_opt_out_language: r.add_opt_out_language ?? false,
      },
    };
  }
  const silent =
    def.notification_type === "silent" || (def.notification_type === undefined && def.content === undefined);
  if (silent) return { channel, notification_type: "silent", kv_pairs: def.kv_pairs ?? null };
  const c = asObject(def.content);
  return {
    channel,
    notification_type: "standard",
    content: {
      title: c.title ?? null,
      body: c.body ?? "",
      dynamic_image: c.dynamic_image ?? null,
      action_buttons: c.action_buttons ?? null,
    },
    kv_pairs: def.kv_pairs ?? null,
    options: def.options ?? {},
  };
}

/** Merges an update into a stored definition (nested `content` and `render_options` too). */
function mergeDefinition(stored: Json, update: Json): Json {
  const out: Json = { ...stored };
  for (const [k, v] of Object.entries(update)) {
    if (v === undefined) continue;
    if ((k === "content" || k === "render_options" || k === "options") && v !== null && typeof v === "object")
      out[k] = { ...asObject(stored[k]), ...(v as Json) };
    else out[k] = v;
  }
  return out;
}

function defaultTracking(channel: Channel): Json | null {
  if (channel === "email")
    return {
      add_tracking_params: false,
      custom_tracking_params: null,
      is_tracking_clicks: true,
      is_tracking_opens: true,
    };
  if (channel === "sms") return { add_tracking_params: false, custom_tracking_params: null };
  return null;
}

/** Strategies with a time: the time they send at. */
function strategyTime(strategy: Json): string | null {
  if (typeof strategy.datetime === "string") return iso(Date.parse(strategy.datetime));
  if (typeof strategy.date === "string") return iso(Date.parse(`${strategy.date}T00:00:00Z`));
  return null;
}

function normalizeStrategy(s: unknown): Json {
  const strategy = asObject(s);
  if (typeof strategy.method !== "string") return { method: "immediate" };
  if (
    (strategy.method === "static" || strategy.method === "throttled") &&
    typeof strategy.datetime === "string"
  )
    return {
      ...strategy,
      datetime: iso(Date.parse(strategy.datetime)),
      ...(strategy.method === "static" ? { options: strategy.options ?? null } : {}),
    };
  return strategy;
}

export function campaignHandlers(store: EmulatorStore): Record<string, Handler> {
  /** Last completed estimation per campaign (refreshed by estimation jobs). */
  const estimates = new Map<string, number>();
  const account = () => {
    const a = store.accounts.values().next().value as ResourceRow | undefined;
    const ci = asObject(a?.attributes.contact_information);
    return {
      email: typeof ci.default_sender_email === "string" ? ci.default_sender_email : "hello@example.com",
      label: typeof ci.default_sender_name === "string" ? ci.default_sender_name : "Store",
    };
  };

  const getCampaign = (id: string): ResourceRow => {
    const row = store.campaigns.get(id);
    if (!row) throw notFound("campaign", id);
    return row;
  };
  const getMessage = (id: string): ResourceRow => {
    const row = store.campaignMessages.get(id);
    if (!row) throw notFound("campaign message", id);
    return row;
  };

  const messagesOf = (c: ResourceRow): ResourceRow[] =>
    idsOf(c, "campaign-messages").flatMap((id) => {
      const m = store.campaignMessages.get(id);
      return m ? [m] : [];
    });

  const channelOf = (c: ResourceRow): Channel | undefined => {
    for (const m of messagesOf(c)) {
      const ch = asObject(m.attributes.definition).channel;
      if (typeof ch === "string") return ch as Channel;
    }
    const stored = c.attributes.channel;
    return typeof stored === "string" ? (stored as Channel) : undefined;
  };

  const campaignGetter = (r: ResourceRow, f: string): unknown =>
    f === "messages.channel" ? channelOf(r) : attributeGetter(r, f);

  const renderCampaign = (req: EmuRequest, c: ResourceRow): Resource => {
    const { channel: _hidden, ...attrs } = c.attributes;
    return renderResource(
      req,
      "campaign",
      {
        id: c.id,
        attributes: attrs,
        relationships: { ...c.relationships, tags: tagIdsOf(store, "campaigns", c.id) },
      },
      CAMPAIGN_RENDER,
    );
  };
  const renderMessage = (req: EmuRequest, m: ResourceRow): Resource =>
    renderResource(req, "campaign-message", m, CAMPAIGN_MESSAGE_RENDER);

  const campaignIncludes = (req: EmuRequest, rows: readonly ResourceRow[]): unknown[] => {
    const out: unknown[] = [];
    const seen = new Set<string>();
    for (const c of rows) {
      if (includes(req, "campaign-messages"))
        for (const m of messagesOf(c)) {
          if (seen.has(`m:${m.id}`)) continue;
          seen.add(`m:${m.id}`);
          out.push(renderMessage(req, m));
        }
      if (includes(req, "tags"))
        for (const t of tagResources(req, store, "campaigns", c.id) as Resource[]) {
          if (seen.has(`t:${t.id}`)) continue;
          seen.add(`t:${t.id}`);
          out.push(t);
        }
    }
    return out;
  };

  const messageIncludes = (req: EmuRequest, rows: readonly ResourceRow[]): unknown[] => {
    const out: unknown[] = [];
    const seen = new Set<string>();
    const push = (key: string, make: () => unknown) => {
      if (seen.has(key)) return;
      seen.add(key);
      out.push(make());
    };
    for (const m of rows) {
      const cid = oneId(m, "campaign");
      const c = cid ? store.campaigns.get(cid) : undefined;
      if (includes(req, "campaign") && c) push(`c:${c.id}`, () => renderCampaign(req, c));
      const tid = oneId(m, "template");
      const t = tid ? store.templates.get(tid) : undefined;
      if (includes(req, "template") && t) push(`t:${t.id}`, () => renderTemplate(req, t));
      const iid = oneId(m, "image");
      const i = iid ? store.images.get(iid) : undefined;
      if (includes(req, "image") && i) push(`i:${i.id}`, () => renderImage(req, i));
    }
    return out;
  };

  const requireChannelFilter = (conds: readonly FilterCondition[]): void => {
    const ok = conds.some(
      (c) =>
        c.field === "messages.channel" &&
        c.operator === "equals" &&
        c.value.kind === "string" &&
        (CHANNELS as readonly string[]).includes(c.value.value),
    );
    if (!ok)
      throw new ApiError(
        400,
        "invalid",
        "Invalid filter.",
        "A channel filter is required to list campaigns: filter=equals(messages.channel,'email'), 'sms' or 'mobile_push'.",
        { parameter: "filter" },
      );
  };

  const checkAudiences = (aud: Json, pointer: string): void => {
    for (const key of ["included", "excluded"] as const) {
      const ids = aud[key];
      if (!Array.isArray(ids)) continue;
      ids.forEach((id, i) => {
        if (typeof id !== "string" || (!store.lists.has(id) && !store.segments.has(id)))
          throw invalid(`The audience ${String(id)} is not a list or segment of this account.`, {
            pointer: `${pointer}/${key}/${i}`,
          });
      });
    }
  };

  const requireDraft = (c: ResourceRow, what: string): void => {
    if (c.attributes.status !== "Draft")
      throw invalid(
        `Only draft campaigns can be ${what}; campaign ${c.id} is "${String(c.attributes.status)}".`,
        {
          pointer: "/data/id",
        },
      );
  };

  const createMessage = (
    campaignId: string,
    def: Json,
    label: string,
    now: number,
    imageId?: string | null,
    templateId?: string | null,
  ): ResourceRow =>
    store.campaignMessages.insert({
      id: store.ids.ulid(now),
      attributes: {
        definition: normalizeDefinition(def, label, account()),
        send_times: [],
        created_at: iso(now),
        updated_at: iso(now),
      },
      relationships: { campaign: campaignId, template: templateId ?? null, image: imageId ?? null },
    });

  const deleteCampaign = (c: ResourceRow): void => {
    for (const id of idsOf(c, "campaign-messages")) store.campaignMessages.delete(id);
    untagEverywhere(store, "campaigns", c.id);
    const job = store.jobs.get(jobKey(SEND_JOB, c.id));
    if (job && store.jobState(job) !== "complete") job.cancelled = true;
    store.campaigns.delete(c.id);
  };

  const estimate = (c: ResourceRow): number => {
    const aud = asObject(c.attributes.audiences);
    const members = (id: string) => store.listMembers.get(id) ?? store.segmentMembers.get(id);
    const included = new Set<string>();
    for (const id of Array.isArray(aud.included) ? (aud.included as string[]) : [])
      for (const p of members(id)?.keys() ?? []) included.add(p);
    for (const id of Array.isArray(aud.excluded) ? (aud.excluded as string[]) : [])
      for (const p of members(id)?.keys() ?? []) included.delete(p);
    return included.size;
  };

  const jobResource = (req: EmuRequest, type: string, campaignId: string, job: JobRecord) => ({
    type,
    id: campaignId,
    attributes: { status: store.jobState(job) },
    links: {
      self: `${req.origin}/api/${type === SEND_JOB ? "campaign-send-jobs" : "campaign-recipient-estimation-jobs"}/${encodeURIComponent(campaignId)}`,
    },
  });

  const getJob = (type: string, id: string): JobRecord => {
    const job = store.jobs.get(jobKey(type, id));
    if (!job) throw notFound(type.replace(/-/g, " "), id);
    return job;
  };

  return {
    get_campaigns: (req) => {
      const conds = requestFilter(req);
      requireChannelFilter(conds);
      const page = paginateRows(req, store.campaigns.values(), {
        get: campaignGetter,
        conditions: conds,
        size: pageSize(req, 100),
      });
      return collection(
        req,
        page.rows.map((c) => renderCampaign(req, c)),
        page,
        campaignIncludes(req, page.rows),
      );
    },

    get_campaign: (req) => {
      const c = getCampaign(req.params.id ?? "");
      return single(req, renderCampaign(req, c), 200, campaignIncludes(req, [c]));
    },

    create_campaign: (req) => {
      const a = bodyAttributes(req);
      const name = String(a.name ?? "").trim();
      if (name === "")
        throw invalid("The campaign name cannot be empty.", { pointer: "/data/attributes/name" });
      const aud = asObject(a.audiences);
      if (!Array.isArray(aud.included) || aud.included.length === 0)
        throw invalid("A campaign needs at least one included list or segment.", {
          pointer: "/data/attributes/audiences/included",
        });
      checkAudiences(aud, "/data/attributes/audiences");
      const msgs = (asObject(a["campaign-messages"]).data ?? []) as Array<{
        attributes: { definition: Json };
        relationships?: { image?: { data?: { id: string } } };
      }>;
      if (msgs.length === 0)
        throw invalid("A campaign needs a campaign message.", {
          pointer: "/data/attributes/campaign-messages/data",
        });
      const channel = msgs[0]?.attributes.definition.channel as Channel;
      msgs.forEach((m, i) => {
        if (m.attributes.definition.channel !== channel)
          throw invalid("All messages of a campaign must use the same channel.", {
            pointer: `/data/attributes/campaign-messages/data/${i}/attributes/definition/channel`,
          });
        const img = m.relationships?.image?.data?.id;
        if (img && !store.images.has(img))
          throw invalid(`Image ${img} does not exist.`, {
            pointer: `/data/attributes/campaign-messages/data/${i}/relationships/image/data/id`,
          });
      });
      const now = req.now;
      const id = store.ids.ulid(now);
      const messageIds = msgs.map(
        (m) =>
          createMessage(id, m.attributes.definition, name, now, m.relationships?.image?.data?.id ?? null).id,
      );
      const strategy = normalizeStrategy(a.send_strategy);
      const row = store.campaigns.insert({
        id,
        attributes: {
          name,
          status: "Draft",
          archived: false,
          audiences: { included: aud.included, excluded: Array.isArray(aud.excluded) ? aud.excluded : [] },
          send_options: { use_smart_sending: asObject(a.send_options).use_smart_sending ?? true },
          tracking_options: a.tracking_options ?? defaultTracking(channel),
          send_strategy: strategy,
          created_at: iso(now),
          scheduled_at: null,
          updated_at: iso(now),
          send_time: strategyTime(strategy),
        },
        relationships: { "campaign-messages": messageIds, tags: [] },
      });
      return single(req, renderCampaign(req, row), 201);
    },

    update_campaign: (req) => {
      const c = getCampaign(req.params.id ?? "");
      requireDraft(c, "updated");
      const a = bodyAttributes(req);
      const next = { ...c.attributes };
      if (a.name !== undefined && a.name !== null) {
        if (String(a.name).trim() === "")
          throw invalid("The campaign name cannot be empty.", { pointer: "/data/attributes/name" });
        next.name = a.name;
      }
      if (a.audiences !== undefined) {
        const upd = asObject(a.audiences);
        checkAudiences(upd, "/data/attributes/audiences");
        const cur = asObject(c.attributes.audiences);
        next.audiences = {
          included: Array.isArray(upd.included) ? upd.included : cur.included,
          excluded: Array.isArray(upd.excluded) ? upd.excluded : (cur.excluded ?? []),
        };
      }
      if (a.send_options !== undefined && a.send_options !== null)
        next.send_options = { ...asObject(c.attributes.send_options), ...asObject(a.send_options) };
      if (a.tracking_options !== undefined) next.tracking_options = a.tracking_options;
      if (a.send_strategy !== undefined && a.send_strategy !== null) {
        next.send_strategy = normalizeStrategy(a.send_strategy);
        next.send_time = strategyTime(next.send_strategy as Json);
      }
      next.updated_at = iso(req.now);
      c.attributes = next;
      return single(req, renderCampaign(req, c));
    },

    delete_campaign: (req) => {
      deleteCampaign(getCampaign(req.params.id ?? ""));
      return noContent;
    },

    get_messages_for_campaign: (req) => {
      const c = getCampaign(req.params.id ?? "");
      const msgs = messagesOf(c);
      return collection(
        req,
        msgs.map((m) => renderMessage(req, m)),
        {},
        messageIncludes(req, msgs),
      );
    },

    get_message_ids_for_campaign: (req) =>
      identifiers(
        req,
        "campaign-message",
        messagesOf(getCampaign(req.params.id ?? "")).map((m) => m.id),
      ),

    get_campaign_message: (req) => {
      const m = getMessage(req.params.id ?? "");
      return single(req, renderMessage(req, m), 200, messageIncludes(req, [m]));
    },

    update_campaign_message: (req) => {
      const m = getMessage(req.params.id ?? "");
      const c = store.campaigns.get(oneId(m, "campaign") ?? "");
      if (c) requireDraft(c, "edited");
      const data = bodyData(req);
      const def = data.attributes?.definition as Json | undefined | null;
      const stored = asObject(m.attributes.definition);
      const next = { ...m.attributes };
      if (def) {
        if (def.channel !== stored.channel)
          throw invalid(`The message channel is ${String(stored.channel)} and cannot be changed.`, {
            pointer: "/data/attributes/definition/channel",
          });
        next.definition = normalizeDefinition(
          mergeDefinition(stored, def),
          String(stored.label ?? c?.attributes.name ?? ""),
          account(),
        );
      }
      const img = (data.relationships?.image?.data as { id?: string } | undefined)?.id;
      if (img !== undefined) {
        if (!store.images.has(img))
          throw invalid(`Image ${img} does not exist.`, { pointer: "/data/relationships/image/data/id" });
        m.relationships = { ...m.relationships, image: img };
      }
      next.updated_at = iso(req.now);
      m.attributes = next;
      return single(req, renderMessage(req, m));
    },

    assign_template_to_campaign_message: (req) => {
      const data = bodyData(req);
      const m = getMessage(data.id ?? "");
      const tid = (data.relationships?.template?.data as { id?: string } | undefined)?.id;
      if (!tid || !store.templates.has(tid))
        throw new ApiError(
          404,
          "not_found",
          "Not found.",
          `A template with id ${tid ?? "(none)"} does not exist.`,
          {
            pointer: "/data/relationships/template/data/id",
          },
        );
      const c = store.campaigns.get(oneId(m, "campaign") ?? "");
      if (c) requireDraft(c, "edited");
      m.relationships = { ...m.relationships, template: tid };
      m.attributes = { ...m.attributes, updated_at: iso(req.now) };
      const def = asObject(m.attributes.definition);
      const self = `${req.origin}/api/campaign-messages/${encodeURIComponent(m.id)}`;
      return single(req, {
        type: "campaign-message",
        id: m.id,
        attributes: {
          label: typeof def.label === "string" ? def.label : String(c?.attributes.name ?? ""),
          channel: def.channel,
          content: asObject(def.content),
          send_times: m.attributes.send_times ?? [],
          ...(def.render_options ? { render_options: def.render_options } : {}),
          created_at: m.attributes.created_at ?? null,
          updated_at: m.attributes.updated_at ?? null,
        },
        relationships: {
          campaign: {
            data: { type: "campaign", id: oneId(m, "campaign") ?? "" },
            links: { self: `${self}/relationships/campaign`, related: `${self}/campaign` },
          },
          template: {
            data: { type: "template", id: tid },
            links: { self: `${self}/relationships/template`, related: `${self}/template` },
          },
        },
        links: { self },
      });
    },

    get_campaign_for_campaign_message: (req) => {
      const c = store.campaigns.get(oneId(getMessage(req.params.id ?? ""), "campaign") ?? "");
      return single(req, c ? renderCampaign(req, c) : null);
    },
    get_campaign_id_for_campaign_message: (req) => {
      const cid = oneId(getMessage(req.params.id ?? ""), "campaign");
      return single(req, cid ? { type: "campaign", id: cid } : null);
    },
    get_template_for_campaign_message: (req) => {
      const t = store.templates.get(oneId(getMessage(req.params.id ?? ""), "template") ?? "");
      return single(req, t ? renderTemplate(req, t) : null);
    },
    get_template_id_for_campaign_message: (req) => {
      const tid = oneId(getMessage(req.params.id ?? ""), "template");
      return single(req, tid ? { type: "template", id: tid } : null);
    },
    get_image_for_campaign_message: (req) => {
      const i = store.images.get(oneId(getMessage(req.params.id ?? ""), "image") ?? "");
      return single(req, i ? renderImage(req, i) : null);
    },
    get_image_id_for_campaign_message: (req) => {
      const iid = oneId(getMessage(req.params.id ?? ""), "image");
      return single(req, iid ? { type: "image", id: iid } : null);
    },
    update_image_for_campaign_message: (req) => {
      const m = getMessage(req.params.id ?? "");
      const iid = (bodyData(req) as { id?: string }).id ?? "";
      if (!store.images.has(iid)) throw invalid(`Image ${iid} does not exist.`, { pointer: "/data/id" });
      m.relationships = { ...m.relationships, image: iid };
      m.attributes = { ...m.attributes, updated_at: iso(req.now) };
      return noContent;
    },

    get_tags_for_campaign: (req) => {
      const c = getCampaign(req.params.id ?? "");
      return collection(req, tagResources(req, store, "campaigns", c.id), {});
    },
    get_tag_ids_for_campaign: (req) => {
      const c = getCampaign(req.params.id ?? "");
      return identifiers(req, "tag", tagIdsOf(store, "campaigns", c.id));
    },

    send_campaign: (req) => {
      const id = bodyData(req).id ?? "";
      const c = getCampaign(id);
      requireDraft(c, "sent");
      if (messagesOf(c).length === 0)
        throw invalid("The campaign has no message to send.", { pointer: "/data/id" });
      const strategy = asObject(c.attributes.send_strategy);
      const scheduled = strategy.method !== "immediate" && strategy.method !== undefined;
      const now = req.now;
      c.attributes = {
        ...c.attributes,
        status: scheduled ? "Scheduled" : "Sending",
        scheduled_at: iso(now),
        send_time: scheduled ? strategyTime(strategy) : iso(now),
        updated_at: iso(now),
      };
      const job = store.addJob({
        id: jobKey(SEND_JOB, c.id),
        type: SEND_JOB,
        created: now,
        processingAt: now,
        completeAt: now + SEND_JOB_MS,
        total: 1,
        errors: [],
        resultIds: [c.id],
        listIds: [],
        apply: () => {
          const cur = store.campaigns.get(c.id);
          if (cur && cur.attributes.status === "Sending")
            cur.attributes = { ...cur.attributes, status: "Sent", updated_at: iso(store.now()) };
        },
      });
      const doc = jobResource(req, SEND_JOB, c.id, job);
      return { status: 202, body: { data: doc, links: { self: doc.links.self } } };
    },

    get_campaign_send_job: (req) => {
      const id = req.params.id ?? "";
      return single(req, jobResource(req, SEND_JOB, id, getJob(SEND_JOB, id)));
    },

    cancel_campaign_send: (req) => {
      const id = req.params.id ?? "";
      const job = getJob(SEND_JOB, id);
      const c = getCampaign(id);
      const status = String(c.attributes.status);
      if (status === "Sent" || status === "Draft" || status.startsWith("Cancelled"))
        throw invalid(`Campaign ${id} is "${status}" and its send cannot be cancelled.`, {
          pointer: "/data/id",
        });
      const action = String(bodyAttributes(req).action);
      job.cancelled = true;
      c.attributes = {
        ...c.attributes,
        status: action === "revert" ? "Draft" : "Cancelled",
        ...(action === "revert" ? { scheduled_at: null } : {}),
        updated_at: iso(req.now),
      };
      return noContent;
    },

    create_campaign_clone: (req) => {
      const data = bodyData(req);
      const src = getCampaign(data.id ?? "");
      const now = req.now;
      const id = store.ids.ulid(now);
      const newName = data.attributes?.new_name;
      const name =
        typeof newName === "string" && newName.trim() !== ""
          ? newName
          : `${String(src.attributes.name)} (Clone)`;
      const messageIds = messagesOf(src).map((m) => {
        const copy = createMessage(
          id,
          structuredClone(asObject(m.attributes.definition)),
          name,
          now,
          oneId(m, "image") ?? null,
          oneId(m, "template") ?? null,
        );
        return copy.id;
      });
      const strategy = asObject(src.attributes.send_strategy);
      const row = store.campaigns.insert({
        id,
        attributes: {
          ...structuredClone(src.attributes),
          name,
          status: "Draft",
          archived: false,
          created_at: iso(now),
          updated_at: iso(now),
          scheduled_at: null,
          send_time: strategyTime(strategy),
        },
        relationships: { "campaign-messages": messageIds, tags: [] },
      });
      return single(req, renderCampaign(req, row), 201);
    },

    refresh_campaign_recipient_estimation: (req) => {
      const c = getCampaign(bodyData(req).id ?? "");
      const now = req.now;
      const job = store.addJob({
        id: jobKey(ESTIMATION_JOB, c.id),
        type: ESTIMATION_JOB,
        created: now,
        processingAt: now,
        completeAt: now + ESTIMATION_JOB_MS,
        total: 1,
        errors: [],
        resultIds: [c.id],
        listIds: [],
        apply: () => {
          const cur = store.campaigns.get(c.id);
          if (cur) estimates.set(c.id, estimate(cur));
        },
      });
      const doc = jobResource(req, ESTIMATION_JOB, c.id, job);
      return { status: 202, body: { data: doc, links: { self: doc.links.self } } };
    },

    get_campaign_recipient_estimation_job: (req) => {
      const id = req.params.id ?? "";
      return single(req, jobResource(req, ESTIMATION_JOB, id, getJob(ESTIMATION_JOB, id)));
    },

    get_campaign_recipient_estimation: (req) => {
      const c = getCampaign(req.params.id ?? "");
      const count = estimates.get(c.id) ?? estimate(c);
      return single(req, {
        type: "campaign-recipient-estimation",
        id: c.id,
        attributes: { estimated_recipient_count: count },
        links: { self: `${req.origin}/api/campaign-recipient-estimations/${encodeURIComponent(c.id)}` },
      });
    },
  };
}
