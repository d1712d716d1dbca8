/** Flows, their actions (per flow) and the actions' messages (per action). */
import { attributesRow, coerce, columnsFromSpec } from "../schema.js";
import type { StreamDefinition } from "../types.js";
import { boundedCursor, maxPageSize, relatedId, requireParent, resourceRow } from "./shared.js";

const FLOW_COLUMNS = columnsFromSpec("get_flows");

export const flows = {
  name: "flows",
  description: "Flows (automations) with status and trigger type.",
  operation: "get_flows",
  primaryKey: ["id"],
  cursor: boundedCursor("updated"),
  defaultMode: "incremental",
  pageSize: maxPageSize("get_flows"),
  columns: FLOW_COLUMNS,
  toRow: (resource) => attributesRow(resource, FLOW_COLUMNS),
} satisfies StreamDefinition;

const ACTION_COLUMNS = columnsFromSpec("get_actions_for_flow", {
  extra: [
    { name: "flow_id", type: "VARCHAR" },
    { name: "action_type", type: "VARCHAR" },
  ],
});

function definitionType(definition: unknown): unknown {
  return typeof definition === "object" && definition !== null && "type" in definition
    ? definition.type
    : null;
}

export const flow_actions = {
  name: "flow_actions",
  description: "The actions (emails, SMS, delays, splits...) of each flow, with their definitions.",
  operation: "get_actions_for_flow",
  parent: { stream: "flows", param: "id", column: "flow_id" },
  primaryKey: ["id"],
  // Read per flow either way; a full refresh also drops actions removed from a flow.
  defaultMode: "full-refresh",
  pageSize: maxPageSize("get_actions_for_flow"),
  columns: ACTION_COLUMNS,
  toRow: (resource, { parentId }) =>
    resourceRow(resource, ACTION_COLUMNS, {
      flow_id: parentId ?? requireParent("flow_actions", relatedId(resource, "flow") ?? undefined),
      action_type: coerce(definitionType(resource.attributes?.definition), "VARCHAR"),
    }),
} satisfies StreamDefinition;

const MESSAGE_COLUMNS = columnsFromSpec("get_flow_action_messages", {
  extra: [
    { name: "flow_action_id", type: "VARCHAR" },
    { name: "template_id", type: "VARCHAR" },
  ],
});

export const flow_messages = {
  name: "flow_messages",
  description: "The messages of each flow action (content and settings), with their template ids.",
  operation: "get_flow_action_messages",
  parent: { stream: "flow_actions", param: "id", column: "flow_action_id" },
  primaryKey: ["id"],
  defaultMode: "full-refresh",
  pageSize: maxPageSize("get_flow_action_messages"),
  columns: MESSAGE_COLUMNS,
  toRow: (resource, { parentId }) =>
    resourceRow(resource, MESSAGE_COLUMNS, {
      flow_action_id:
        parentId ?? requireParent("flow_messages", relatedId(resource, "flow-action") ?? undefined),
      template_id: relatedId(resource, "template"),
    }),
} satisfies StreamDefinition;
