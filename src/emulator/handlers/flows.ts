/**
 * Flows, their actions and their messages.
 *
 * `create_flow` takes an encoded definition whose actions carry `temporary_id`s; they become real
 * ids (also inside `links` and `entry_action_id`), each action becomes a `flow-action`, and each
 * send action's `data.message` a `flow-message`. The flow's `definition` is stored without its
 * actions (those live in the action rows, in order) and returned by `create_flow` and by
 * `get_flow` with `additional-fields[flow]=definition`. `update_flow` sets the status of the flow
 * and of every action (`draft`, `manual` or `live`).
 */
import { additionalField, attributeGetter, includes, pageSize, paginateRows } from "../jsonapi.js";
import {
  bodyAttributes,
  collection,
  identifiers,
  noContent,
  type RenderOptions,
  type Resource,
  single,
} from "../render.js";
import { iso } from "../store/ids.js";
import type { EmulatorStore, ResourceRow } from "../store/store.js";
import { type EmuRequest, type Handler, invalid, notFound } from "../types.js";
import { renderResource, tagIdsOf, tagResources, untagEverywhere } from "./tags.js";
import { renderTemplate } from "./templates.js";

type Json = Record<string, unknown>;

const FLOW_STATUSES = ["draft", "manual", "live"] as const;

export const FLOW_RENDER: RenderOptions = {
  path: "/api/flows",
  relationships: {
    "flow-actions": { type: "flow-action", many: true, data: true },
    tags: { type: "tag", many: true, data: true },
  },
};
const ACTION_RENDER: RenderOptions = {
  path: "/api/flow-actions",
  relationships: {
    flow: { type: "flow", many: false, data: true },
    "flow-messages": { type: "flow-message", many: true, data: true },
  },
};
const MESSAGE_RENDER: RenderOptions = {
  path: "/api/flow-messages",
  relationships: {
    "flow-action": { type: "flow-action", many: false, data: true },
    template: { type: "template", many: false, data: true },
  },
};

/** The channel of the message a send action carries. */
const MESSAGE_CHANNEL: Record<string, string> = {
  "send-email": "email",
  "send-sms": "sms",
  "send-mobile-push": "push",
  "send-internal-alert": "internal_alert",
  "send-whatsapp": "whatsapp",
};

const TRIGGER_TYPES: Record<string, string> = {
  list: "Added to List",
  segment: "Added to List",
  metric: "Metric",
  "profile-property-date": "Date Based",
  "custom-object-date": "Date Based",
  "price-drop": "Price Drop",
  "low-inventory": "Low Inventory",
};

function asObject(v: unknown): Json {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {};
}

function idsOf(row: ResourceRow, name: string): string[] {
  const v = row.relationships?.[name];
  return Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
}

/** Replaces temporary ids by real ones in every string under `links` (and nested branches). */
function remapLinks(v: unknown, ids: ReadonlyMap<string, string>): unknown {
  if (typeof v === "string") return ids.get(v) ?? v;
  if (Array.isArray(v)) return v.map((x) => remapLinks(x, ids));
  if (v !== null && typeof v === "object")
    return Object.fromEntries(Object.entries(v as Json).map(([k, x]) => [k, remapLinks(x, ids)]));
  return v;
}

export function flowHandlers(store: EmulatorStore): Record<string, Handler> {
  /** Flow action ids are numeric strings, as Klaviyo's are. */
  let actionCounter = 100_000_000;
  const nextActionId = (): string => {
    do actionCounter++;
    while (store.flowActions.has(String(actionCounter)));
    return String(actionCounter);
  };
  const getFlow = (id: string): ResourceRow => {
    const row = store.flows.get(id);
    if (!row) throw notFound("flow", id);
    return row;
  };
  const getAction = (id: string): ResourceRow => {
    const row = store.flowActions.get(id);
    if (!row) throw notFound("flow action", id);
    return row;
  };
  const getMessage = (id: string): ResourceRow => {
    const row = store.flowMessages.get(id);
    if (!row) throw notFound("flow message", id);
    return row;
  };

  const actionsOf = (flow: ResourceRow): ResourceRow[] =>
    idsOf(flow, "flow-actions").flatMap((id) => {
      const a = store.flowActions.get(id);
      return a ? [a] : [];
    });
  const messagesOf = (action: ResourceRow): ResourceRow[] =>
    idsOf(action, "flow-messages").flatMap((id) => {
      const m = store.flowMessages.get(id);
      return m ? [m] : [];
    });

  /** The flow's full definition: stored triggers etc. plus its actions in order. */
  const definitionOf = (flow: ResourceRow): Json => {
    const stored = asObject(flow.attributes.definition);
    const actions = actionsOf(flow);
    return {
      triggers: [],
      profile_filter: null,
      ...stored,
      actions: actions.map((a) => a.attributes.definition),
      entry_action_id:
        typeof stored.entry_action_id === "string" ? stored.entry_action_id : (actions[0]?.id ?? null),
    };
  };

  const renderFlow = (req: EmuRequest, flow: ResourceRow, withDefinition = false): Resource => {
    const { definition: _def, ...attrs } = flow.attributes;
    if (withDefinition || (req.op.id === "get_flow" && additionalField(req, "flow", "definition")))
      attrs.definition = definitionOf(flow);
    return renderResource(
      req,
      "flow",
      {
        id: flow.id,
        attributes: attrs,
        relationships: { ...flow.relationships, tags: tagIdsOf(store, "flows", flow.id) },
      },
      FLOW_RENDER,
    );
  };
  const renderAction = (req: EmuRequest, a: ResourceRow) =>
    renderResource(req, "flow-action", a, ACTION_RENDER);
  const renderMessage = (req: EmuRequest, m: ResourceRow) =>
    renderResource(req, "flow-message", m, MESSAGE_RENDER);

  const flowIncludes = (req: EmuRequest, flows: readonly ResourceRow[]): unknown[] => {
    const out: unknown[] = [];
    const seen = new Set<string>();
    for (const f of flows) {
      if (includes(req, "flow-actions"))
        for (const a of actionsOf(f))
          if (!seen.has(`a:${a.id}`)) {
            seen.add(`a:${a.id}`);
            out.push(renderAction(req, a));
          }
      if (includes(req, "tags"))
        for (const t of tagResources(req, store, "flows", f.id) as Resource[])
          if (!seen.has(`t:${t.id}`)) {
            seen.add(`t:${t.id}`);
            out.push(t);
          }
    }
    return out;
  };

  const actionGetter = (r: ResourceRow, f: string): unknown => {
    const def = asObject(r.attributes.definition);
    if (f === "action_type") return def.type;
    if (f === "status") return asObject(def.data).status;
    return attributeGetter(r, f);
  };
  const messageGetter = (r: ResourceRow, f: string): unknown =>
    f === "name" ? asObject(r.attributes.definition).name : attributeGetter(r, f);

  /** Creates or updates the message of a send action; returns the message ids of the action. */
  const syncMessage = (actionId: string, def: Json, now: number): string[] => {
    const channel = MESSAGE_CHANNEL[String(def.type)];
    const data = asObject(def.data);
    const message = data.message;
    if (!channel || message === undefined || message === null) return [];
    const msg = asObject(message);
    const existingId = typeof msg.id === "string" && store.flowMessages.has(msg.id) ? msg.id : undefined;
    const id = existingId ?? store.ids.short();
    const stored: Json = { ...msg, id };
    data.message = stored;
    const existing = existingId ? store.flowMessages.get(existingId) : undefined;
    const templateId = typeof stored.template_id === "string" ? stored.template_id : null;
    store.flowMessages.insert({
      id,
      attributes: {
        channel,
        created: existing?.attributes.created ?? iso(now),
        updated: iso(now),
        definition: stored,
      },
      relationships: { "flow-action": actionId, template: templateId },
    });
    return [id];
  };

  const deleteAction = (a: ResourceRow): void => {
    for (const m of idsOf(a, "flow-messages")) store.flowMessages.delete(m);
    store.flowActions.delete(a.id);
  };

  const setStatus = (flow: ResourceRow, status: string, now: number): void => {
    flow.attributes = { ...flow.attributes, status, updated: iso(now) };
    for (const a of actionsOf(flow)) {
      const def = asObject(a.attributes.definition);
      if (
        def.data !== undefined &&
        def.data !== null &&
        typeof def.data === "object" &&
        "status" in asObject(def.data)
      ) {
        a.attributes = {
          ...a.attributes,
          definition: { ...def, data: { ...asObject(def.data), status } },
          updated: iso(now),
        };
      }
    }
  };

  return {
    get_flows: (req) => {
      const page = paginateRows(req, store.flows.values(), { get: attributeGetter, size: pageSize(req, 50) });
      return collection(
        req,
        page.rows.map((f) => renderFlow(req, f)),
        page,
        flowIncludes(req, page.rows),
      );
    },

    get_flow: (req) => {
      const f = getFlow(req.params.id ?? "");
      return single(req, renderFlow(req, f), 200, flowIncludes(req, [f]));
    },

    create_flow: (req) => {
      const a = bodyAttributes(req);
      const name = String(a.name ?? "").trim();
      if (name === "") throw invalid("The flow name cannot be empty.", { pointer: "/data/attributes/name" });
      const definition = structuredClone(asObject(a.definition));
      const actions = (Array.isArray(definition.actions) ? definition.actions : []) as Json[];
      const now = req.now;
      const ids = new Map<string, string>();
      actions.forEach((act, i) => {
        if (act.id !== undefined && act.id !== null)
          throw invalid("Actions of a new flow take a temporary_id, not an id.", {
            pointer: `/data/attributes/definition/actions/${i}/id`,
          });
        const id = nextActionId();
        if (typeof act.temporary_id === "string") {
          if (ids.has(act.temporary_id))
            throw invalid(`temporary_id "${act.temporary_id}" is used twice.`, {
              pointer: `/data/attributes/definition/actions/${i}/temporary_id`,
            });
          ids.set(act.temporary_id, id);
        }
        act.id = id;
      });
      const entry = definition.entry_action_id;
      if (typeof entry === "string" && !ids.has(entry) && ![...ids.values()].includes(entry))
        throw invalid(`entry_action_id "${entry}" does not name an action of the definition.`, {
          pointer: "/data/attributes/definition/entry_action_id",
        });
      const flowId = store.ids.short();
      const actionIds: string[] = [];
      for (const act of actions) {
        const { temporary_id: _tmp, ...rest } = act;
        const def: Json = { ...rest };
        if (def.links !== undefined) def.links = remapLinks(def.links, ids);
        if (def.data && typeof def.data === "object") def.data = structuredClone(def.data);
        const id = String(def.id);
        const messageIds = syncMessage(id, def, now);
        store.flowActions.insert({
          id,
          attributes: { created: iso(now), updated: iso(now), definition: def },
          relationships: { flow: flowId, "flow-messages": messageIds },
        });
        actionIds.push(id);
      }
      const triggers = Array.isArray(definition.triggers) ? (definition.triggers as Json[]) : [];
      const { actions: _actions, ...stored } = definition;
      stored.entry_action_id = typeof entry === "string" ? (ids.get(entry) ?? entry) : (actionIds[0] ?? null);
      const row = store.flows.insert({
        id: flowId,
        attributes: {
          name,
          status: "draft",
          archived: false,
          created: iso(now),
          updated: iso(now),
          trigger_type: TRIGGER_TYPES[String(triggers[0]?.type)] ?? "Unconfigured",
          definition: stored,
        },
        relationships: { "flow-actions": actionIds, tags: [] },
      });
      return single(req, renderFlow(req, row, true), 201);
    },

    update_flow: (req) => {
      const flow = getFlow(req.params.id ?? "");
      const status = String(bodyAttributes(req).status ?? "");
      if (!(FLOW_STATUSES as readonly string[]).includes(status))
        throw invalid(`status must be one of ${FLOW_STATUSES.join(", ")}.`, {
          pointer: "/data/attributes/status",
        });
      setStatus(flow, status, req.now);
      return single(req, renderFlow(req, flow));
    },

    delete_flow: (req) => {
      const flow = getFlow(req.params.id ?? "");
      for (const a of actionsOf(flow)) deleteAction(a);
      untagEverywhere(store, "flows", flow.id);
      store.flows.delete(flow.id);
      return noContent;
    },

    get_actions_for_flow: (req) => {
      const flow = getFlow(req.params.id ?? "");
      const page = paginateRows(req, actionsOf(flow), { get: actionGetter, size: pageSize(req, 50) });
      return collection(
        req,
        page.rows.map((a) => renderAction(req, a)),
        page,
      );
    },

    get_action_ids_for_flow: (req) => {
      const flow = getFlow(req.params.id ?? "");
      const page = paginateRows(req, actionsOf(flow), { get: actionGetter, size: pageSize(req, 50) });
      return identifiers(
        req,
        "flow-action",
        page.rows.map((a) => a.id),
        page,
      );
    },

    get_flow_action: (req) => {
      const a = getAction(req.params.id ?? "");
      const included: unknown[] = [];
      const flow = store.flows.get(idsOf(a, "flow")[0] ?? "");
      if (includes(req, "flow") && flow) included.push(renderFlow(req, flow));
      if (includes(req, "flow-messages")) for (const m of messagesOf(a)) included.push(renderMessage(req, m));
      return single(req, renderAction(req, a), 200, included);
    },

    update_flow_action: (req) => {
      const a = getAction(req.params.id ?? "");
      const def = structuredClone(asObject(bodyAttributes(req).definition));
      const stored = asObject(a.attributes.definition);
      if (def.type !== stored.type)
        throw invalid(`The action type is ${String(stored.type)} and cannot be changed.`, {
          pointer: "/data/attributes/definition/type",
        });
      const { temporary_id: _tmp, ...rest } = def;
      const next: Json = { ...stored, ...rest, id: a.id };
      // `data` is merged member by member (an edit of the message keeps the action's status).
      if (rest.data && typeof rest.data === "object" && stored.data && typeof stored.data === "object")
        next.data = { ...asObject(stored.data), ...asObject(rest.data) };
      const prevMessage = asObject(asObject(stored.data).message);
      const newData = asObject(next.data);
      if (newData.message && typeof newData.message === "object" && typeof prevMessage.id === "string")
        newData.message = { ...prevMessage, ...asObject(newData.message), id: prevMessage.id };
      const messageIds = syncMessage(a.id, next, req.now);
      for (const old of idsOf(a, "flow-messages"))
        if (!messageIds.includes(old)) store.flowMessages.delete(old);
      a.attributes = { ...a.attributes, definition: next, updated: iso(req.now) };
      a.relationships = { ...a.relationships, "flow-messages": messageIds };
      return single(req, renderAction(req, a));
    },

    delete_flow_action: (req) => {
      const a = getAction(req.params.id ?? "");
      const flow = store.flows.get(idsOf(a, "flow")[0] ?? "");
      if (flow) {
        flow.relationships = {
          ...flow.relationships,
          "flow-actions": idsOf(flow, "flow-actions").filter((id) => id !== a.id),
        };
        const def = asObject(flow.attributes.definition);
        if (def.entry_action_id === a.id)
          flow.attributes = {
            ...flow.attributes,
            definition: { ...def, entry_action_id: idsOf(flow, "flow-actions")[0] ?? null },
          };
      }
      deleteAction(a);
      return noContent;
    },

    get_flow_for_flow_action: (req) => {
      const flow = store.flows.get(idsOf(getAction(req.params.id ?? ""), "flow")[0] ?? "");
      return single(req, flow ? renderFlow(req, flow) : null);
    },
    get_flow_id_for_flow_action: (req) => {
      const id = idsOf(getAction(req.params.id ?? ""), "flow")[0];
      return single(req, id ? { type: "flow", id } : null);
    },

    get_flow_action_messages: (req) => {
      const a = getAction(req.params.id ?? "");
      const page = paginateRows(req, messagesOf(a), { get: messageGetter, size: pageSize(req, 50) });
      return collection(
        req,
        page.rows.map((m) => renderMessage(req, m)),
        page,
      );
    },
    get_message_ids_for_flow_action: (req) => {
      const a = getAction(req.params.id ?? "");
      const page = paginateRows(req, messagesOf(a), { get: messageGetter, size: pageSize(req, 50) });
      return identifiers(
        req,
        "flow-message",
        page.rows.map((m) => m.id),
        page,
      );
    },

    get_flow_message: (req) => {
      const m = getMessage(req.params.id ?? "");
      const included: unknown[] = [];
      const a = store.flowActions.get(idsOf(m, "flow-action")[0] ?? "");
      if (includes(req, "flow-action") && a) included.push(renderAction(req, a));
      const t = store.templates.get(idsOf(m, "template")[0] ?? "");
      if (includes(req, "template") && t) included.push(renderTemplate(req, t));
      return single(req, renderMessage(req, m), 200, included);
    },
    get_action_for_flow_message: (req) => {
      const a = store.flowActions.get(idsOf(getMessage(req.params.id ?? ""), "flow-action")[0] ?? "");
      return single(req, a ? renderAction(req, a) : null);
    },
    get_action_id_for_flow_message: (req) => {
      const id = idsOf(getMessage(req.params.id ?? ""), "flow-action")[0];
      return single(req, id ? { type: "flow-action", id } : null);
    },
    get_template_for_flow_message: (req) => {
      const t = store.templates.get(idsOf(getMessage(req.params.id ?? ""), "template")[0] ?? "");
      return single(req, t ? renderTemplate(req, t) : null);
    },
    get_template_id_for_flow_message: (req) => {
      const id = idsOf(getMessage(req.params.id ?? ""), "template")[0];
      return single(req, id ? { type: "template", id } : null);
    },

    get_tags_for_flow: (req) => {
      const f = getFlow(req.params.id ?? "");
      return collection(req, tagResources(req, store, "flows", f.id), {});
    },
    get_tag_ids_for_flow: (req) =>
      identifiers(req, "tag", tagIdsOf(store, "flows", getFlow(req.params.id ?? "").id)),
  };
}
