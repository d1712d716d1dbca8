/** Campaigns (one sweep per channel, as the API requires) and their messages. */
import { coerce, columnsFromSpec } from "../schema.js";
import type { StreamDefinition } from "../types.js";
import { boundedCursor, maxPageSize, relatedId, requireParent, resourceRow } from "./shared.js";

/** get_campaigns requires a channel filter; `messages.channel` allows only `equals`. */
const CHANNELS = ["email", "sms", "mobile_push"] as const;

const CAMPAIGN_COLUMNS = columnsFromSpec("get_campaigns", {
  extra: [{ name: "channel", type: "VARCHAR" }],
});

export const campaigns = {
  name: "campaigns",
  description: "Campaigns of every channel (email, SMS, mobile push), with the channel as a column.",
  operation: "get_campaigns",
  partitions: CHANNELS.map((channel) => ({ key: channel, filter: `equals(messages.channel,'${channel}')` })),
  primaryKey: ["id"],
  cursor: boundedCursor("updated_at"),
  defaultMode: "incremental",
  pageSize: maxPageSize("get_campaigns"),
  columns: CAMPAIGN_COLUMNS,
  toRow: (resource, { partition }) => resourceRow(resource, CAMPAIGN_COLUMNS, { channel: partition ?? null }),
} satisfies StreamDefinition;

const MESSAGE_COLUMNS = columnsFromSpec("get_messages_for_campaign", {
  extra: [
    { name: "campaign_id", type: "VARCHAR" },
    { name: "channel", type: "VARCHAR" },
    { name: "template_id", type: "VARCHAR" },
    { name: "image_id", type: "VARCHAR" },
  ],
});

function definitionChannel(definition: unknown): unknown {
  return typeof definition === "object" && definition !== null && "channel" in definition
    ? definition.channel
    : null;
}

export const campaign_messages = {
  name: "campaign_messages",
  description: "The messages of each campaign (content, send times), with campaign, template and image ids.",
  operation: "get_messages_for_campaign",
  parent: { stream: "campaigns", param: "id", column: "campaign_id" },
  primaryKey: ["id"],
  // get_messages_for_campaign has no filter and no paging: one request per campaign.
  defaultMode: "full-refresh",
  columns: MESSAGE_COLUMNS,
  toRow: (resource, { parentId }) =>
    resourceRow(resource, MESSAGE_COLUMNS, {
      campaign_id:
        parentId ?? requireParent("campaign_messages", relatedId(resource, "campaign") ?? undefined),
      channel: coerce(definitionChannel(resource.attributes?.definition), "VARCHAR"),
      template_id: relatedId(resource, "template"),
      image_id: relatedId(resource, "image"),
    }),
} satisfies StreamDefinition;
