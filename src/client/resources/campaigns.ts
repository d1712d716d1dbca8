import { filter } from "../../filter/index.js";
import type { BaseClient } from "../client.js";
import type { Paginator } from "../paginate.js";
import type { BodyOf, ItemOf, QueryOf, ResponseOf } from "../typed.js";
import { type ListOptions, methods, type RequestOptions } from "./shared.js";

/** The channel `GET /api/campaigns` requires a filter on (one sweep per channel). */
export type CampaignChannel = "email" | "sms" | "mobile_push";
export type CampaignSendAction = BodyOf<"cancel_campaign_send">["data"]["attributes"]["action"];

/** Campaigns, their messages, send jobs and recipient estimations. */
export function campaignsResource(client: BaseClient) {
  const m = methods(client);
  return {
    /**
     * Campaigns of one channel. Klaviyo requires `equals(messages.channel,…)`; any `filter` in
     * `query` is ANDed to it.
     */
    list: (
      channel: CampaignChannel,
      query?: QueryOf<"get_campaigns">,
      options?: ListOptions,
    ): Paginator<ItemOf<"get_campaigns">> => {
      const channelFilter = filter.equals("messages.channel", channel);
      const combined = query?.filter === undefined ? channelFilter : filter.and(channelFilter, query.filter);
      return client.paginate("get_campaigns", { ...options, query: { ...query, filter: combined } });
    },
    get: m.get("get_campaign"),
    create: m.create("create_campaign"),
    update: m.update("update_campaign"),
    delete: m.remove("delete_campaign"),
    /** The messages of a campaign. */
    messages: m.listOf("get_messages_for_campaign"),
    getMessage: m.get("get_campaign_message"),
    updateMessage: m.update("update_campaign_message"),
    /** Assigns a template to a campaign message (Klaviyo copies it into the message). */
    assignTemplate: (
      messageId: string,
      templateId: string,
      options?: RequestOptions,
    ): Promise<ResponseOf<"assign_template_to_campaign_message">> =>
      client.call("assign_template_to_campaign_message", {
        ...options,
        body: {
          data: {
            type: "campaign-message",
            id: messageId,
            relationships: { template: { data: { type: "template", id: templateId } } },
          },
        },
      }),
    /** Starts sending a campaign (creates a send job whose id is the campaign id). */
    send: (campaignId: string, options?: RequestOptions): Promise<ResponseOf<"send_campaign">> =>
      client.call("send_campaign", {
        ...options,
        body: { data: { type: "campaign-send-job", id: campaignId } },
      }),
    getSendJob: m.get("get_campaign_send_job"),
    /** Cancels a send (`cancel`, the default) or reverts the campaign to draft (`revert`). */
    cancelSend: (
      jobId: string,
      action: CampaignSendAction = "cancel",
      options?: RequestOptions,
    ): Promise<ResponseOf<"cancel_campaign_send">> =>
      client.call("cancel_campaign_send", {
        ...options,
        path: { id: jobId },
        body: { data: { type: "campaign-send-job", id: jobId, attributes: { action } } },
      }),
    /** Clones a campaign, optionally under a new name. */
    clone: (
      campaignId: string,
      newName?: string,
      options?: RequestOptions,
    ): Promise<ResponseOf<"create_campaign_clone">> =>
      client.call("create_campaign_clone", {
        ...options,
        body: {
          data: {
            type: "campaign",
            id: campaignId,
            attributes: newName === undefined ? {} : { new_name: newName },
          },
        },
      }),
    /** Starts a recipient estimation job for a campaign (the job id is the campaign id). */
    refreshRecipientEstimate: (
      campaignId: string,
      options?: RequestOptions,
    ): Promise<ResponseOf<"refresh_campaign_recipient_estimation">> =>
      client.call("refresh_campaign_recipient_estimation", {
        ...options,
        body: { data: { type: "campaign-recipient-estimation-job", id: campaignId } },
      }),
    getRecipientEstimation: m.get("get_campaign_recipient_estimation"),
    getRecipientEstimationJob: m.get("get_campaign_recipient_estimation_job"),
  };
}
