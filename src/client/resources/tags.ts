import type { BaseClient } from "../client.js";
import { identifiers, methods, type RequestOptions } from "./shared.js";

/** Tags (at most 500 per account) and tagging of flows, campaigns, lists and segments. */
export function tagsResource(client: BaseClient) {
  const m = methods(client);
  const on = (tagId: string, options: RequestOptions | undefined) => ({ ...options, path: { id: tagId } });
  return {
    list: m.list("get_tags"),
    get: m.get("get_tag"),
    create: m.create("create_tag"),
    update: m.update("update_tag"),
    delete: m.remove("delete_tag"),
    tagFlows: (tagId: string, flowIds: readonly string[], options?: RequestOptions) =>
      client.call("tag_flows", { ...on(tagId, options), body: identifiers("flow", flowIds) }),
    untagFlows: (tagId: string, flowIds: readonly string[], options?: RequestOptions) =>
      client.call("remove_tag_from_flows", { ...on(tagId, options), body: identifiers("flow", flowIds) }),
    tagCampaigns: (tagId: string, campaignIds: readonly string[], options?: RequestOptions) =>
      client.call("tag_campaigns", { ...on(tagId, options), body: identifiers("campaign", campaignIds) }),
    untagCampaigns: (tagId: string, campaignIds: readonly string[], options?: RequestOptions) =>
      client.call("remove_tag_from_campaigns", {
        ...on(tagId, options),
        body: identifiers("campaign", campaignIds),
      }),
    tagLists: (tagId: string, listIds: readonly string[], options?: RequestOptions) =>
      client.call("tag_lists", { ...on(tagId, options), body: identifiers("list", listIds) }),
    untagLists: (tagId: string, listIds: readonly string[], options?: RequestOptions) =>
      client.call("remove_tag_from_lists", { ...on(tagId, options), body: identifiers("list", listIds) }),
    tagSegments: (tagId: string, segmentIds: readonly string[], options?: RequestOptions) =>
      client.call("tag_segments", { ...on(tagId, options), body: identifiers("segment", segmentIds) }),
    untagSegments: (tagId: string, segmentIds: readonly string[], options?: RequestOptions) =>
      client.call("remove_tag_from_segments", {
        ...on(tagId, options),
        body: identifiers("segment", segmentIds),
      }),
  };
}

/** Tag groups (at most 50 per account). */
export function tagGroupsResource(client: BaseClient) {
  const m = methods(client);
  return {
    list: m.list("get_tag_groups"),
    get: m.get("get_tag_group"),
    create: m.create("create_tag_group"),
    update: m.update("update_tag_group"),
    delete: m.remove("delete_tag_group"),
    /** The tags of a group. */
    tags: m.listOf("get_tags_for_tag_group"),
  };
}
