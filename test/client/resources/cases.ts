/**
 * One case per resource method: how to call it and the exact request(s) it must send. The bodies
 * are realistic (the loopback server validates them against the spec's request schemas).
 */

import type { BodyOf } from "../../../src/client/typed.js";
import { filter } from "../../../src/filter/index.js";
import type { ResourceCase } from "./harness.js";

const ID = "01HZX0K3V8Q2ZJ4C0Y3Q4M5N6P";

// ---------------------------------------------------------------- bodies

const createCampaign: BodyOf<"create_campaign"> = {
  data: {
    type: "campaign",
    attributes: {
      name: "Spring sale",
      audiences: { included: ["Y6nRLr"], excluded: [] },
      "campaign-messages": {
        data: [
          {
            type: "campaign-message",
            attributes: {
              definition: {
                channel: "email",
                label: "Spring sale email",
                content: {
                  subject: "20% off everything",
                  from_email: "shop@example.com",
                  from_label: "Shop",
                },
              },
            },
          },
        ],
      },
    },
  },
};
const updateCampaign: BodyOf<"update_campaign"> = {
  data: { type: "campaign", id: "cmp1", attributes: { name: "Spring sale (final)" } },
};
const updateCampaignMessage: BodyOf<"update_campaign_message"> = {
  data: {
    type: "campaign-message",
    id: "msg1",
    attributes: { definition: { channel: "email", label: "New label", content: { subject: "Last chance" } } },
  },
};
const createEvent: BodyOf<"create_event"> = {
  data: {
    type: "event",
    attributes: {
      properties: {},
      time: "2024-05-01T10:00:00Z",
      value: 42.5,
      unique_id: "order-1001",
      backfill: false,
      metric: { data: { type: "metric", attributes: { name: "Placed Order" } } },
      profile: { data: { type: "profile", attributes: { email: "ada@example.com" } } },
    },
  },
};
const bulkCreateEvents: BodyOf<"bulk_create_events"> = {
  data: {
    type: "event-bulk-create-job",
    attributes: {
      "events-bulk-create": {
        data: [
          {
            type: "event-bulk-create",
            attributes: {
              backfill: true,
              profile: { data: { type: "profile", attributes: { email: "ada@example.com" } } },
              events: {
                data: [
                  {
                    type: "event",
                    attributes: {
                      properties: {},
                      time: "2024-05-02T10:00:00Z",
                      backfill: true,
                      metric: { data: { type: "metric", attributes: { name: "Placed Order" } } },
                    },
                  },
                ],
              },
            },
          },
        ],
      },
    },
  },
};
const createFlow: BodyOf<"create_flow"> = {
  data: {
    type: "flow",
    attributes: {
      name: "Welcome series",
      definition: {
        triggers: [{ type: "list", id: "Y6nRLr" }],
        actions: [
          {
            type: "time-delay",
            temporary_id: "delay-1",
            data: { value: 1, unit: "days", timezone: "profile" },
          },
        ],
        entry_action_id: "delay-1",
      },
    },
  },
};
const updateFlow: BodyOf<"update_flow"> = {
  data: { type: "flow", id: "flow1", attributes: { status: "manual" } },
};
const updateImage: BodyOf<"update_image"> = {
  data: { type: "image", id: "img1", attributes: { name: "hero.png", hidden: false } },
};
const createList: BodyOf<"create_list"> = {
  data: { type: "list", attributes: { name: "Newsletter", opt_in_process: "single_opt_in" } },
};
const updateList: BodyOf<"update_list"> = {
  data: { type: "list", id: "list1", attributes: { name: "Newsletter (EU)" } },
};
const createProfile: BodyOf<"create_profile"> = {
  data: {
    type: "profile",
    attributes: { email: "ada@example.com", first_name: "Ada", location: { city: "London", country: "GB" } },
  },
};
const updateProfile: BodyOf<"update_profile"> = {
  data: { type: "profile", id: "prof1", attributes: { last_name: "Lovelace" } },
};
const upsertProfile: BodyOf<"create_or_update_profile"> = {
  data: { type: "profile", attributes: { external_id: "crm-7", phone_number: "+15005550006" } },
};
const mergeProfiles: BodyOf<"merge_profiles"> = {
  data: {
    type: "profile-merge",
    id: "prof-dest",
    relationships: { profiles: { data: [{ type: "profile", id: "prof-src" }] } },
  },
};
const bulkImport: BodyOf<"bulk_import_profiles"> = {
  data: {
    type: "profile-bulk-import-job",
    attributes: {
      profiles: {
        data: [
          { type: "profile", attributes: { email: "ada@example.com", first_name: "Ada" } },
          { type: "profile", attributes: { email: "bob@example.com" } },
        ],
      },
    },
    relationships: { lists: { data: [{ type: "list", id: "list1" }] } },
  },
};
const subscribe: BodyOf<"bulk_subscribe_profiles"> = {
  data: {
    type: "profile-subscription-bulk-create-job",
    attributes: {
      custom_source: "warehouse sync",
      historical_import: false,
      profiles: {
        data: [
          {
            type: "profile",
            attributes: {
              email: "ada@example.com",
              subscriptions: { email: { marketing: { consent: "SUBSCRIBED" } } },
            },
          },
        ],
      },
    },
    relationships: { list: { data: { type: "list", id: "list1" } } },
  },
};
const unsubscribe: BodyOf<"bulk_unsubscribe_profiles"> = {
  data: {
    type: "profile-subscription-bulk-delete-job",
    attributes: {
      profiles: {
        data: [
          {
            type: "profile",
            attributes: {
              email: "ada@example.com",
              subscriptions: { email: { marketing: { consent: "UNSUBSCRIBED" } } },
            },
          },
        ],
      },
    },
  },
};
const suppress: BodyOf<"bulk_suppress_profiles"> = {
  data: {
    type: "profile-suppression-bulk-create-job",
    attributes: { profiles: { data: [{ type: "profile", attributes: { email: "ada@example.com" } }] } },
  },
};
const unsuppress: BodyOf<"bulk_unsuppress_profiles"> = {
  data: {
    type: "profile-suppression-bulk-delete-job",
    attributes: { profiles: { data: [{ type: "profile", attributes: { email: "ada@example.com" } }] } },
  },
};
const createSegment: BodyOf<"create_segment"> = {
  data: {
    type: "segment",
    attributes: {
      name: "Newsletter members",
      is_starred: false,
      definition: {
        condition_groups: [
          { conditions: [{ type: "profile-group-membership", is_member: true, group_ids: ["list1"] }] },
        ],
      },
    },
  },
};
const updateSegment: BodyOf<"update_segment"> = {
  data: { type: "segment", id: "seg1", attributes: { name: "Members", is_starred: true } },
};
const createTemplate: BodyOf<"create_template"> = {
  data: {
    type: "template",
    attributes: { name: "Receipt", editor_type: "CODE", html: "<p>Thanks {{ first_name }}</p>" },
  },
};
const updateTemplate: BodyOf<"update_template"> = {
  data: { type: "template", id: "tpl1", attributes: { name: "Receipt v2" } },
};
const cloneTemplate: BodyOf<"clone_template"> = {
  data: { type: "template", id: "tpl1", attributes: { name: "Receipt copy" } },
};
const renderTemplate: BodyOf<"render_template"> = {
  data: { type: "template", id: "tpl1", attributes: { context: {} } },
};
const createTag: BodyOf<"create_tag"> = {
  data: {
    type: "tag",
    attributes: { name: "Q2" },
    relationships: { "tag-group": { data: { type: "tag-group", id: "grp1" } } },
  },
};
const updateTag: BodyOf<"update_tag"> = { data: { type: "tag", id: "tag1", attributes: { name: "Q3" } } };
const createTagGroup: BodyOf<"create_tag_group"> = {
  data: { type: "tag-group", attributes: { name: "Quarters", exclusive: true } },
};
const updateTagGroup: BodyOf<"update_tag_group"> = {
  data: { type: "tag-group", id: "grp1", attributes: { name: "Seasons" } },
};

const itemAttributes = {
  external_id: "SKU-1",
  integration_type: "$custom" as const,
  catalog_type: "$default",
  title: "Shoe",
  description: "A comfortable shoe",
  url: "https://shop.example.com/shoe",
  price: 80,
  published: true,
};
const createItem: BodyOf<"create_catalog_item"> = {
  data: { type: "catalog-item", attributes: itemAttributes },
};
const updateItem: BodyOf<"update_catalog_item"> = {
  data: { type: "catalog-item", id: "$custom:::$default:::SKU-1", attributes: { price: 75 } },
};
const variantAttributes = {
  external_id: "SKU-1-42",
  catalog_type: "$default",
  integration_type: "$custom" as const,
  title: "Shoe 42",
  description: "A comfortable shoe, size 42",
  inventory_policy: 0 as const,
  published: true,
  sku: "SKU-1-42",
  inventory_quantity: 3,
  price: 80,
  url: "https://shop.example.com/shoe?size=42",
};
const variantItem = { item: { data: { type: "catalog-item" as const, id: "$custom:::$default:::SKU-1" } } };
const createVariant: BodyOf<"create_catalog_variant"> = {
  data: { type: "catalog-variant", attributes: variantAttributes, relationships: variantItem },
};
const updateVariant: BodyOf<"update_catalog_variant"> = {
  data: {
    type: "catalog-variant",
    id: "$custom:::$default:::SKU-1-42",
    attributes: { inventory_quantity: 2 },
  },
};
const createCategory: BodyOf<"create_catalog_category"> = {
  data: {
    type: "catalog-category",
    attributes: {
      external_id: "shoes",
      name: "Shoes",
      integration_type: "$custom",
      catalog_type: "$default",
    },
  },
};
const updateCategory: BodyOf<"update_catalog_category"> = {
  data: { type: "catalog-category", id: "$custom:::$default:::shoes", attributes: { name: "All shoes" } },
};
const bulkCreateItems: BodyOf<"bulk_create_catalog_items"> = {
  data: {
    type: "catalog-item-bulk-create-job",
    attributes: { items: { data: [{ type: "catalog-item", attributes: itemAttributes }] } },
  },
};
const bulkUpdateItems: BodyOf<"bulk_update_catalog_items"> = {
  data: {
    type: "catalog-item-bulk-update-job",
    attributes: {
      items: {
        data: [{ type: "catalog-item", id: "$custom:::$default:::SKU-1", attributes: { price: 70 } }],
      },
    },
  },
};
const bulkDeleteItems: BodyOf<"bulk_delete_catalog_items"> = {
  data: {
    type: "catalog-item-bulk-delete-job",
    attributes: { items: { data: [{ type: "catalog-item", id: "$custom:::$default:::SKU-1" }] } },
  },
};
const bulkCreateVariants: BodyOf<"bulk_create_catalog_variants"> = {
  data: {
    type: "catalog-variant-bulk-create-job",
    attributes: {
      variants: {
        data: [{ type: "catalog-variant", attributes: variantAttributes, relationships: variantItem }],
      },
    },
  },
};
const bulkUpdateVariants: BodyOf<"bulk_update_catalog_variants"> = {
  data: {
    type: "catalog-variant-bulk-update-job",
    attributes: {
      variants: {
        data: [{ type: "catalog-variant", id: "$custom:::$default:::SKU-1-42", attributes: { price: 60 } }],
      },
    },
  },
};
const bulkDeleteVariants: BodyOf<"bulk_delete_catalog_variants"> = {
  data: {
    type: "catalog-variant-bulk-delete-job",
    attributes: { variants: { data: [{ type: "catalog-variant", id: "$custom:::$default:::SKU-1-42" }] } },
  },
};
const bulkCreateCategories: BodyOf<"bulk_create_catalog_categories"> = {
  data: {
    type: "catalog-category-bulk-create-job",
    attributes: {
      categories: {
        data: [
          {
            type: "catalog-category",
            attributes: {
              external_id: "boots",
              name: "Boots",
              integration_type: "$custom",
              catalog_type: "$default",
            },
          },
        ],
      },
    },
  },
};
const bulkUpdateCategories: BodyOf<"bulk_update_catalog_categories"> = {
  data: {
    type: "catalog-category-bulk-update-job",
    attributes: {
      categories: {
        data: [
          {
            type: "catalog-category",
            id: "$custom:::$default:::boots",
            attributes: { name: "Winter boots" },
          },
        ],
      },
    },
  },
};
const bulkDeleteCategories: BodyOf<"bulk_delete_catalog_categories"> = {
  data: {
    type: "catalog-category-bulk-delete-job",
    attributes: { categories: { data: [{ type: "catalog-category", id: "$custom:::$default:::boots" }] } },
  },
};
const createCoupon: BodyOf<"create_coupon"> = {
  data: { type: "coupon", attributes: { external_id: "10OFF" } },
};
const updateCoupon: BodyOf<"update_coupon"> = {
  data: { type: "coupon", id: "10OFF", attributes: { monitor_configuration: {} } },
};
const couponOf = { coupon: { data: { type: "coupon" as const, id: "10OFF" } } };
const createCouponCode: BodyOf<"create_coupon_code"> = {
  data: {
    type: "coupon-code",
    attributes: { unique_code: "ABC-123", expires_at: "2030-01-01T00:00:00Z" },
    relationships: couponOf,
  },
};
const updateCouponCode: BodyOf<"update_coupon_code"> = {
  data: { type: "coupon-code", id: "code1", attributes: { status: "UNASSIGNED" } },
};
const bulkCreateCodes: BodyOf<"bulk_create_coupon_codes"> = {
  data: {
    type: "coupon-code-bulk-create-job",
    attributes: {
      "coupon-codes": {
        data: [{ type: "coupon-code", attributes: { unique_code: "XYZ-9" }, relationships: couponOf }],
      },
    },
  },
};

// ---------------------------------------------------------------- cases

const GET = "GET";
const POST = "POST";
const PATCH = "PATCH";
const DELETE = "DELETE";

export const accountsCases: ResourceCase[] = [
  {
    method: "accounts.list",
    run: (r) => r.accounts.list(),
    expect: { operationId: "get_accounts", method: GET, path: "/api/accounts" },
  },
  {
    method: "accounts.get",
    run: (r) => r.accounts.get("acc1", { "fields[account]": ["contact_information", "timezone"] }),
    expect: {
      operationId: "get_account",
      method: GET,
      path: "/api/accounts/acc1",
      query: { "fields[account]": "contact_information,timezone" },
    },
  },
];

export const metricsCases: ResourceCase[] = [
  {
    method: "metrics.list",
    run: (r) => r.metrics.list({ filter: filter.equals("integration.name", "Shopify") }),
    expect: {
      operationId: "get_metrics",
      method: GET,
      path: "/api/metrics",
      query: { filter: "equals(integration.name,'Shopify')" },
    },
  },
  {
    method: "metrics.get",
    run: (r) => r.metrics.get("met1"),
    expect: { operationId: "get_metric", method: GET, path: "/api/metrics/met1" },
  },
];

export const eventsCases: ResourceCase[] = [
  {
    method: "events.list",
    run: (r) => r.events.list({ "page[size]": 500, sort: "-datetime", include: ["metric", "profile"] }),
    expect: {
      operationId: "get_events",
      method: GET,
      path: "/api/events",
      query: { "page[size]": "500", sort: "-datetime", include: "metric,profile" },
    },
  },
  {
    method: "events.get",
    run: (r) => r.events.get("evt1"),
    expect: { operationId: "get_event", method: GET, path: "/api/events/evt1" },
  },
  {
    method: "events.create",
    run: (r) => r.events.create(createEvent),
    expect: { operationId: "create_event", method: POST, path: "/api/events", body: createEvent },
  },
  {
    method: "events.bulkCreate",
    run: (r) => r.events.bulkCreate(bulkCreateEvents),
    expect: {
      operationId: "bulk_create_events",
      method: POST,
      path: "/api/event-bulk-create-jobs",
      body: bulkCreateEvents,
    },
  },
];

export const campaignsCases: ResourceCase[] = [
  {
    method: "campaigns.list",
    run: (r) => r.campaigns.list("sms"),
    expect: {
      operationId: "get_campaigns",
      method: GET,
      path: "/api/campaigns",
      query: { filter: "equals(messages.channel,'sms')" },
    },
  },
  {
    method: "campaigns.get",
    run: (r) => r.campaigns.get("cmp1"),
    expect: { operationId: "get_campaign", method: GET, path: "/api/campaigns/cmp1" },
  },
  {
    method: "campaigns.create",
    run: (r) => r.campaigns.create(createCampaign),
    expect: { operationId: "create_campaign", method: POST, path: "/api/campaigns", body: createCampaign },
  },
  {
    method: "campaigns.update",
    run: (r) => r.campaigns.update("cmp1", updateCampaign),
    expect: {
      operationId: "update_campaign",
      method: PATCH,
      path: "/api/campaigns/cmp1",
      body: updateCampaign,
    },
  },
  {
    method: "campaigns.delete",
    run: (r) => r.campaigns.delete("cmp1"),
    expect: { operationId: "delete_campaign", method: DELETE, path: "/api/campaigns/cmp1" },
  },
  {
    method: "campaigns.messages",
    run: (r) => r.campaigns.messages("cmp1", { include: ["template"] }),
    expect: {
      operationId: "get_messages_for_campaign",
      method: GET,
      path: "/api/campaigns/cmp1/campaign-messages",
      query: { include: "template" },
    },
  },
  {
    method: "campaigns.getMessage",
    run: (r) => r.campaigns.getMessage("msg1"),
    expect: { operationId: "get_campaign_message", method: GET, path: "/api/campaign-messages/msg1" },
  },
  {
    method: "campaigns.updateMessage",
    run: (r) => r.campaigns.updateMessage("msg1", updateCampaignMessage),
    expect: {
      operationId: "update_campaign_message",
      method: PATCH,
      path: "/api/campaign-messages/msg1",
      body: updateCampaignMessage,
    },
  },
  {
    method: "campaigns.assignTemplate",
    run: (r) => r.campaigns.assignTemplate("msg1", "tpl1"),
    expect: {
      operationId: "assign_template_to_campaign_message",
      method: POST,
      path: "/api/campaign-message-assign-template",
      body: {
        data: {
          type: "campaign-message",
          id: "msg1",
          relationships: { template: { data: { type: "template", id: "tpl1" } } },
        },
      },
    },
  },
  {
    method: "campaigns.send",
    run: (r) => r.campaigns.send("cmp1"),
    expect: {
      operationId: "send_campaign",
      method: POST,
      path: "/api/campaign-send-jobs",
      body: { data: { type: "campaign-send-job", id: "cmp1" } },
    },
  },
  {
    method: "campaigns.getSendJob",
    run: (r) => r.campaigns.getSendJob("cmp1"),
    expect: { operationId: "get_campaign_send_job", method: GET, path: "/api/campaign-send-jobs/cmp1" },
  },
  {
    method: "campaigns.cancelSend",
    run: (r) => r.campaigns.cancelSend("cmp1", "revert"),
    expect: {
      operationId: "cancel_campaign_send",
      method: PATCH,
      path: "/api/campaign-send-jobs/cmp1",
      body: { data: { type: "campaign-send-job", id: "cmp1", attributes: { action: "revert" } } },
    },
  },
  {
    method: "campaigns.clone",
    run: (r) => r.campaigns.clone("cmp1", "Spring sale (copy)"),
    expect: {
      operationId: "create_campaign_clone",
      method: POST,
      path: "/api/campaign-clone",
      body: { data: { type: "campaign", id: "cmp1", attributes: { new_name: "Spring sale (copy)" } } },
    },
  },
  {
    method: "campaigns.refreshRecipientEstimate",
    run: (r) => r.campaigns.refreshRecipientEstimate("cmp1"),
    expect: {
      operationId: "refresh_campaign_recipient_estimation",
      method: POST,
      path: "/api/campaign-recipient-estimation-jobs",
      body: { data: { type: "campaign-recipient-estimation-job", id: "cmp1" } },
    },
  },
  {
    method: "campaigns.getRecipientEstimation",
    run: (r) => r.campaigns.getRecipientEstimation("cmp1"),
    expect: {
      operationId: "get_campaign_recipient_estimation",
      method: GET,
      path: "/api/campaign-recipient-estimations/cmp1",
    },
  },
  {
    method: "campaigns.getRecipientEstimationJob",
    run: (r) => r.campaigns.getRecipientEstimationJob("cmp1"),
    expect: {
      operationId: "get_campaign_recipient_estimation_job",
      method: GET,
      path: "/api/campaign-recipient-estimation-jobs/cmp1",
    },
  },
];

export const flowsCases: ResourceCase[] = [
  {
    method: "flows.list",
    run: (r) => r.flows.list({ filter: "equals(status,'live')", sort: "-updated" }),
    expect: {
      operationId: "get_flows",
      method: GET,
      path: "/api/flows",
      query: { filter: "equals(status,'live')", sort: "-updated" },
    },
  },
  {
    method: "flows.get",
    run: (r) => r.flows.get("flow1", { "additional-fields[flow]": ["definition"] }),
    expect: {
      operationId: "get_flow",
      method: GET,
      path: "/api/flows/flow1",
      query: { "additional-fields[flow]": "definition" },
    },
  },
  {
    method: "flows.create",
    run: (r) => r.flows.create(createFlow),
    expect: { operationId: "create_flow", method: POST, path: "/api/flows", body: createFlow },
  },
  {
    method: "flows.update",
    run: (r) => r.flows.update("flow1", updateFlow),
    expect: { operationId: "update_flow", method: PATCH, path: "/api/flows/flow1", body: updateFlow },
  },
  {
    method: "flows.updateStatus",
    run: (r) => r.flows.updateStatus("flow1", "live"),
    expect: {
      operationId: "update_flow",
      method: PATCH,
      path: "/api/flows/flow1",
      body: { data: { type: "flow", id: "flow1", attributes: { status: "live" } } },
    },
  },
  {
    method: "flows.delete",
    run: (r) => r.flows.delete("flow1"),
    expect: { operationId: "delete_flow", method: DELETE, path: "/api/flows/flow1" },
  },
  {
    method: "flows.actions",
    run: (r) => r.flows.actions("flow1"),
    expect: { operationId: "get_actions_for_flow", method: GET, path: "/api/flows/flow1/flow-actions" },
  },
  {
    method: "flows.getAction",
    run: (r) => r.flows.getAction("act1"),
    expect: { operationId: "get_flow_action", method: GET, path: "/api/flow-actions/act1" },
  },
  {
    method: "flows.messages",
    run: (r) => r.flows.messages("act1", { "page[size]": 50 }),
    expect: {
      operationId: "get_flow_action_messages",
      method: GET,
      path: "/api/flow-actions/act1/flow-messages",
      query: { "page[size]": "50" },
    },
  },
  {
    method: "flows.getMessage",
    run: (r) => r.flows.getMessage("fmsg1"),
    expect: { operationId: "get_flow_message", method: GET, path: "/api/flow-messages/fmsg1" },
  },
];

export const imagesCases: ResourceCase[] = [
  {
    method: "images.list",
    run: (r) => r.images.list(),
    expect: { operationId: "get_images", method: GET, path: "/api/images" },
  },
  {
    method: "images.get",
    run: (r) => r.images.get("img1"),
    expect: { operationId: "get_image", method: GET, path: "/api/images/img1" },
  },
  {
    method: "images.uploadFromUrl",
    run: (r) => r.images.uploadFromUrl("https://cdn.example.com/hero.png", { name: "Hero" }),
    expect: {
      operationId: "upload_image_from_url",
      method: POST,
      path: "/api/images",
      body: {
        data: {
          type: "image",
          attributes: { name: "Hero", import_from_url: "https://cdn.example.com/hero.png", hidden: false },
        },
      },
    },
  },
  {
    method: "images.update",
    run: (r) => r.images.update("img1", updateImage),
    expect: { operationId: "update_image", method: PATCH, path: "/api/images/img1", body: updateImage },
  },
];

export const listsCases: ResourceCase[] = [
  {
    method: "lists.list",
    run: (r) => r.lists.list({ filter: filter.greaterThan("updated", new Date("2024-01-01T00:00:00Z")) }),
    expect: {
      operationId: "get_lists",
      method: GET,
      path: "/api/lists",
      query: { filter: "greater-than(updated,2024-01-01T00:00:00.000Z)" },
    },
  },
  {
    method: "lists.get",
    run: (r) => r.lists.get("list1", { "additional-fields[list]": ["profile_count"] }),
    expect: {
      operationId: "get_list",
      method: GET,
      path: "/api/lists/list1",
      query: { "additional-fields[list]": "profile_count" },
    },
  },
  {
    method: "lists.create",
    run: (r) => r.lists.create(createList),
    expect: { operationId: "create_list", method: POST, path: "/api/lists", body: createList },
  },
  {
    method: "lists.update",
    run: (r) => r.lists.update("list1", updateList),
    expect: { operationId: "update_list", method: PATCH, path: "/api/lists/list1", body: updateList },
  },
  {
    method: "lists.delete",
    run: (r) => r.lists.delete("list1"),
    expect: { operationId: "delete_list", method: DELETE, path: "/api/lists/list1" },
  },
  {
    method: "lists.profiles",
    run: (r) => r.lists.profiles("list1", { "page[size]": 100, sort: "joined_group_at" }),
    expect: {
      operationId: "get_profiles_for_list",
      method: GET,
      path: "/api/lists/list1/profiles",
      query: { "page[size]": "100", sort: "joined_group_at" },
    },
  },
  {
    method: "lists.profileIds",
    run: (r) => r.lists.profileIds("list1"),
    expect: {
      operationId: "get_profile_ids_for_list",
      method: GET,
      path: "/api/lists/list1/relationships/profiles",
    },
  },
  {
    method: "lists.addProfiles",
    run: (r) => r.lists.addProfiles("list1", ["p1", "p2"]),
    expect: {
      operationId: "add_profiles_to_list",
      method: POST,
      path: "/api/lists/list1/relationships/profiles",
      body: {
        data: [
          { type: "profile", id: "p1" },
          { type: "profile", id: "p2" },
        ],
      },
    },
  },
  {
    method: "lists.removeProfiles",
    run: (r) => r.lists.removeProfiles("list1", ["p1"]),
    expect: {
      operationId: "remove_profiles_from_list",
      method: DELETE,
      path: "/api/lists/list1/relationships/profiles",
      body: { data: [{ type: "profile", id: "p1" }] },
    },
  },
];

export const profilesCases: ResourceCase[] = [
  {
    method: "profiles.list",
    run: (r) => r.profiles.list({ filter: filter.equals("email", "ada@example.com"), "page[size]": 100 }),
    expect: {
      operationId: "get_profiles",
      method: GET,
      path: "/api/profiles",
      query: { filter: "equals(email,'ada@example.com')", "page[size]": "100" },
    },
  },
  {
    method: "profiles.get",
    run: (r) => r.profiles.get(ID, { include: ["lists"] }),
    expect: {
      operationId: "get_profile",
      method: GET,
      path: `/api/profiles/${ID}`,
      query: { include: "lists" },
    },
  },
  {
    method: "profiles.create",
    run: (r) => r.profiles.create(createProfile),
    expect: { operationId: "create_profile", method: POST, path: "/api/profiles", body: createProfile },
  },
  {
    method: "profiles.update",
    run: (r) => r.profiles.update("prof1", updateProfile),
    expect: {
      operationId: "update_profile",
      method: PATCH,
      path: "/api/profiles/prof1",
      body: updateProfile,
    },
  },
  {
    method: "profiles.createOrUpdate",
    run: (r) => r.profiles.createOrUpdate(upsertProfile),
    expect: {
      operationId: "create_or_update_profile",
      method: POST,
      path: "/api/profile-import",
      body: upsertProfile,
    },
  },
  {
    method: "profiles.merge",
    run: (r) => r.profiles.merge(mergeProfiles),
    expect: { operationId: "merge_profiles", method: POST, path: "/api/profile-merge", body: mergeProfiles },
  },
  {
    method: "profiles.bulkImport",
    run: (r) => r.profiles.bulkImport(bulkImport),
    expect: {
      operationId: "bulk_import_profiles",
      method: POST,
      path: "/api/profile-bulk-import-jobs",
      body: bulkImport,
    },
  },
  {
    method: "profiles.getBulkImportJob",
    run: (r) => r.profiles.getBulkImportJob("job1"),
    expect: {
      operationId: "get_bulk_import_profiles_job",
      method: GET,
      path: "/api/profile-bulk-import-jobs/job1",
    },
  },
  {
    method: "profiles.listBulkImportJobs",
    run: (r) => r.profiles.listBulkImportJobs({ filter: "equals(status,'processing')" }),
    expect: {
      operationId: "get_bulk_import_profiles_jobs",
      method: GET,
      path: "/api/profile-bulk-import-jobs",
      query: { filter: "equals(status,'processing')" },
    },
  },
  {
    method: "profiles.importErrors",
    run: (r) => r.profiles.importErrors("job1", { "page[size]": 100 }),
    expect: {
      operationId: "get_errors_for_bulk_import_profiles_job",
      method: GET,
      path: "/api/profile-bulk-import-jobs/job1/import-errors",
      query: { "page[size]": "100" },
    },
  },
  // waitForBulkImportJob is covered in profiles.test.ts (it needs a job that changes state).
];

export const subscriptionsCases: ResourceCase[] = [
  {
    method: "subscriptions.subscribe",
    run: (r) => r.subscriptions.subscribe(subscribe),
    expect: {
      operationId: "bulk_subscribe_profiles",
      method: POST,
      path: "/api/profile-subscription-bulk-create-jobs",
      body: subscribe,
    },
  },
  {
    method: "subscriptions.unsubscribe",
    run: (r) => r.subscriptions.unsubscribe(unsubscribe),
    expect: {
      operationId: "bulk_unsubscribe_profiles",
      method: POST,
      path: "/api/profile-subscription-bulk-delete-jobs",
      body: unsubscribe,
    },
  },
  {
    method: "subscriptions.suppress",
    run: (r) => r.subscriptions.suppress(suppress),
    expect: {
      operationId: "bulk_suppress_profiles",
      method: POST,
      path: "/api/profile-suppression-bulk-create-jobs",
      body: suppress,
    },
  },
  {
    method: "subscriptions.unsuppress",
    run: (r) => r.subscriptions.unsuppress(unsuppress),
    expect: {
      operationId: "bulk_unsuppress_profiles",
      method: POST,
      path: "/api/profile-suppression-bulk-delete-jobs",
      body: unsuppress,
    },
  },
  {
    method: "subscriptions.getSuppressJob",
    run: (r) => r.subscriptions.getSuppressJob("sjob1"),
    expect: {
      operationId: "get_bulk_suppress_profiles_job",
      method: GET,
      path: "/api/profile-suppression-bulk-create-jobs/sjob1",
    },
  },
  {
    method: "subscriptions.getUnsuppressJob",
    run: (r) => r.subscriptions.getUnsuppressJob("ujob1"),
    expect: {
      operationId: "get_bulk_unsuppress_profiles_job",
      method: GET,
      path: "/api/profile-suppression-bulk-delete-jobs/ujob1",
    },
  },
  {
    method: "subscriptions.listSuppressJobs",
    run: (r) => r.subscriptions.listSuppressJobs(),
    expect: {
      operationId: "get_bulk_suppress_profiles_jobs",
      method: GET,
      path: "/api/profile-suppression-bulk-create-jobs",
    },
  },
  {
    method: "subscriptions.listUnsuppressJobs",
    run: (r) => r.subscriptions.listUnsuppressJobs(),
    expect: {
      operationId: "get_bulk_unsuppress_profiles_jobs",
      method: GET,
      path: "/api/profile-suppression-bulk-delete-jobs",
    },
  },
];

export const segmentsCases: ResourceCase[] = [
  {
    method: "segments.list",
    run: (r) => r.segments.list(),
    expect: { operationId: "get_segments", method: GET, path: "/api/segments" },
  },
  {
    method: "segments.get",
    run: (r) => r.segments.get("seg1"),
    expect: { operationId: "get_segment", method: GET, path: "/api/segments/seg1" },
  },
  {
    method: "segments.create",
    run: (r) => r.segments.create(createSegment),
    expect: { operationId: "create_segment", method: POST, path: "/api/segments", body: createSegment },
  },
  {
    method: "segments.update",
    run: (r) => r.segments.update("seg1", updateSegment),
    expect: { operationId: "update_segment", method: PATCH, path: "/api/segments/seg1", body: updateSegment },
  },
  {
    method: "segments.delete",
    run: (r) => r.segments.delete("seg1"),
    expect: { operationId: "delete_segment", method: DELETE, path: "/api/segments/seg1" },
  },
  {
    method: "segments.profiles",
    run: (r) =>
      r.segments.profiles("seg1", {
        filter: filter.greaterThan("joined_group_at", new Date("2024-02-01T00:00:00Z")),
      }),
    expect: {
      operationId: "get_profiles_for_segment",
      method: GET,
      path: "/api/segments/seg1/profiles",
      query: { filter: "greater-than(joined_group_at,2024-02-01T00:00:00.000Z)" },
    },
  },
  {
    method: "segments.profileIds",
    run: (r) => r.segments.profileIds("seg1"),
    expect: {
      operationId: "get_profile_ids_for_segment",
      method: GET,
      path: "/api/segments/seg1/relationships/profiles",
    },
  },
];

export const templatesCases: ResourceCase[] = [
  {
    method: "templates.list",
    run: (r) => r.templates.list(),
    expect: { operationId: "get_templates", method: GET, path: "/api/templates" },
  },
  {
    method: "templates.get",
    run: (r) => r.templates.get("tpl1"),
    expect: { operationId: "get_template", method: GET, path: "/api/templates/tpl1" },
  },
  {
    method: "templates.create",
    run: (r) => r.templates.create(createTemplate),
    expect: { operationId: "create_template", method: POST, path: "/api/templates", body: createTemplate },
  },
  {
    method: "templates.update",
    run: (r) => r.templates.update("tpl1", updateTemplate),
    expect: {
      operationId: "update_template",
      method: PATCH,
      path: "/api/templates/tpl1",
      body: updateTemplate,
    },
  },
  {
    method: "templates.delete",
    run: (r) => r.templates.delete("tpl1"),
    expect: { operationId: "delete_template", method: DELETE, path: "/api/templates/tpl1" },
  },
  {
    method: "templates.clone",
    run: (r) => r.templates.clone(cloneTemplate),
    expect: { operationId: "clone_template", method: POST, path: "/api/template-clone", body: cloneTemplate },
  },
  {
    method: "templates.render",
    run: (r) => r.templates.render(renderTemplate),
    expect: {
      operationId: "render_template",
      method: POST,
      path: "/api/template-render",
      body: renderTemplate,
    },
  },
];

function tagRelation(
  method: string,
  operationId: string,
  httpMethod: string,
  kind: string,
  type: string,
  run: ResourceCase["run"],
): ResourceCase {
  return {
    method,
    run,
    expect: {
      operationId,
      method: httpMethod,
      path: `/api/tags/tag1/relationships/${kind}`,
      body: {
        data: [
          { type, id: `${type}-a` },
          { type, id: `${type}-b` },
        ],
      },
    },
  };
}

export const tagsCases: ResourceCase[] = [
  {
    method: "tags.list",
    run: (r) => r.tags.list(),
    expect: { operationId: "get_tags", method: GET, path: "/api/tags" },
  },
  {
    method: "tags.get",
    run: (r) => r.tags.get("tag1"),
    expect: { operationId: "get_tag", method: GET, path: "/api/tags/tag1" },
  },
  {
    method: "tags.create",
    run: (r) => r.tags.create(createTag),
    expect: { operationId: "create_tag", method: POST, path: "/api/tags", body: createTag },
  },
  {
    method: "tags.update",
    run: (r) => r.tags.update("tag1", updateTag),
    expect: { operationId: "update_tag", method: PATCH, path: "/api/tags/tag1", body: updateTag },
  },
  {
    method: "tags.delete",
    run: (r) => r.tags.delete("tag1"),
    expect: { operationId: "delete_tag", method: DELETE, path: "/api/tags/tag1" },
  },
  tagRelation("tags.tagFlows", "tag_flows", POST, "flows", "flow", (r) =>
    r.tags.tagFlows("tag1", ["flow-a", "flow-b"]),
  ),
  tagRelation("tags.untagFlows", "remove_tag_from_flows", DELETE, "flows", "flow", (r) =>
    r.tags.untagFlows("tag1", ["flow-a", "flow-b"]),
  ),
  tagRelation("tags.tagCampaigns", "tag_campaigns", POST, "campaigns", "campaign", (r) =>
    r.tags.tagCampaigns("tag1", ["campaign-a", "campaign-b"]),
  ),
  tagRelation("tags.untagCampaigns", "remove_tag_from_campaigns", DELETE, "campaigns", "campaign", (r) =>
    r.tags.untagCampaigns("tag1", ["campaign-a", "campaign-b"]),
  ),
  tagRelation("tags.tagLists", "tag_lists", POST, "lists", "list", (r) =>
    r.tags.tagLists("tag1", ["list-a", "list-b"]),
  ),
  tagRelation("tags.untagLists", "remove_tag_from_lists", DELETE, "lists", "list", (r) =>
    r.tags.untagLists("tag1", ["list-a", "list-b"]),
  ),
  tagRelation("tags.tagSegments", "tag_segments", POST, "segments", "segment", (r) =>
    r.tags.tagSegments("tag1", ["segment-a", "segment-b"]),
  ),
  tagRelation("tags.untagSegments", "remove_tag_from_segments", DELETE, "segments", "segment", (r) =>
    r.tags.untagSegments("tag1", ["segment-a", "segment-b"]),
  ),
];

export const tagGroupsCases: ResourceCase[] = [
  {
    method: "tagGroups.list",
    run: (r) => r.tagGroups.list(),
    expect: { operationId: "get_tag_groups", method: GET, path: "/api/tag-groups" },
  },
  {
    method: "tagGroups.get",
    run: (r) => r.tagGroups.get("grp1"),
    expect: { operationId: "get_tag_group", method: GET, path: "/api/tag-groups/grp1" },
  },
  {
    method: "tagGroups.create",
    run: (r) => r.tagGroups.create(createTagGroup),
    expect: { operationId: "create_tag_group", method: POST, path: "/api/tag-groups", body: createTagGroup },
  },
  {
    method: "tagGroups.update",
    run: (r) => r.tagGroups.update("grp1", updateTagGroup),
    expect: {
      operationId: "update_tag_group",
      method: PATCH,
      path: "/api/tag-groups/grp1",
      body: updateTagGroup,
    },
  },
  {
    method: "tagGroups.delete",
    run: (r) => r.tagGroups.delete("grp1"),
    expect: { operationId: "delete_tag_group", method: DELETE, path: "/api/tag-groups/grp1" },
  },
  {
    method: "tagGroups.tags",
    run: (r) => r.tagGroups.tags("grp1"),
    expect: { operationId: "get_tags_for_tag_group", method: GET, path: "/api/tag-groups/grp1/tags" },
  },
];

const ITEM = "$custom:::$default:::SKU-1";
const VARIANT = "$custom:::$default:::SKU-1-42";
const CATEGORY = "$custom:::$default:::shoes";
const enc = encodeURIComponent;

export const catalogCases: ResourceCase[] = [
  {
    method: "catalog.items.list",
    run: (r) => r.catalog.items.list({ filter: filter.any("ids", [ITEM]) }),
    expect: {
      operationId: "get_catalog_items",
      method: GET,
      path: "/api/catalog-items",
      query: { filter: `any(ids,['${ITEM}'])` },
    },
  },
  {
    method: "catalog.items.get",
    run: (r) => r.catalog.items.get(ITEM),
    expect: { operationId: "get_catalog_item", method: GET, path: `/api/catalog-items/${enc(ITEM)}` },
  },
  {
    method: "catalog.items.create",
    run: (r) => r.catalog.items.create(createItem),
    expect: {
      operationId: "create_catalog_item",
      method: POST,
      path: "/api/catalog-items",
      body: createItem,
    },
  },
  {
    method: "catalog.items.update",
    run: (r) => r.catalog.items.update(ITEM, updateItem),
    expect: {
      operationId: "update_catalog_item",
      method: PATCH,
      path: `/api/catalog-items/${enc(ITEM)}`,
      body: updateItem,
    },
  },
  {
    method: "catalog.items.delete",
    run: (r) => r.catalog.items.delete(ITEM),
    expect: { operationId: "delete_catalog_item", method: DELETE, path: `/api/catalog-items/${enc(ITEM)}` },
  },
  {
    method: "catalog.items.variants",
    run: (r) => r.catalog.items.variants(ITEM),
    expect: {
      operationId: "get_variants_for_catalog_item",
      method: GET,
      path: `/api/catalog-items/${enc(ITEM)}/variants`,
    },
  },
  {
    method: "catalog.items.categories",
    run: (r) => r.catalog.items.categories(ITEM),
    expect: {
      operationId: "get_categories_for_catalog_item",
      method: GET,
      path: `/api/catalog-items/${enc(ITEM)}/categories`,
    },
  },
  {
    method: "catalog.items.bulkCreate",
    run: (r) => r.catalog.items.bulkCreate(bulkCreateItems),
    expect: {
      operationId: "bulk_create_catalog_items",
      method: POST,
      path: "/api/catalog-item-bulk-create-jobs",
      body: bulkCreateItems,
    },
  },
  {
    method: "catalog.items.bulkUpdate",
    run: (r) => r.catalog.items.bulkUpdate(bulkUpdateItems),
    expect: {
      operationId: "bulk_update_catalog_items",
      method: POST,
      path: "/api/catalog-item-bulk-update-jobs",
      body: bulkUpdateItems,
    },
  },
  {
    method: "catalog.items.bulkDelete",
    run: (r) => r.catalog.items.bulkDelete(bulkDeleteItems),
    expect: {
      operationId: "bulk_delete_catalog_items",
      method: POST,
      path: "/api/catalog-item-bulk-delete-jobs",
      body: bulkDeleteItems,
    },
  },
  {
    method: "catalog.items.getBulkCreateJob",
    run: (r) => r.catalog.items.getBulkCreateJob("j1"),
    expect: {
      operationId: "get_bulk_create_catalog_items_job",
      method: GET,
      path: "/api/catalog-item-bulk-create-jobs/j1",
    },
  },
  {
    method: "catalog.items.getBulkUpdateJob",
    run: (r) => r.catalog.items.getBulkUpdateJob("j2"),
    expect: {
      operationId: "get_bulk_update_catalog_items_job",
      method: GET,
      path: "/api/catalog-item-bulk-update-jobs/j2",
    },
  },
  {
    method: "catalog.items.getBulkDeleteJob",
    run: (r) => r.catalog.items.getBulkDeleteJob("j3"),
    expect: {
      operationId: "get_bulk_delete_catalog_items_job",
      method: GET,
      path: "/api/catalog-item-bulk-delete-jobs/j3",
    },
  },
  {
    method: "catalog.variants.list",
    run: (r) => r.catalog.variants.list(),
    expect: { operationId: "get_catalog_variants", method: GET, path: "/api/catalog-variants" },
  },
  {
    method: "catalog.variants.get",
    run: (r) => r.catalog.variants.get(VARIANT),
    expect: {
      operationId: "get_catalog_variant",
      method: GET,
      path: `/api/catalog-variants/${enc(VARIANT)}`,
    },
  },
  {
    method: "catalog.variants.create",
    run: (r) => r.catalog.variants.create(createVariant),
    expect: {
      operationId: "create_catalog_variant",
      method: POST,
      path: "/api/catalog-variants",
      body: createVariant,
    },
  },
  {
    method: "catalog.variants.update",
    run: (r) => r.catalog.variants.update(VARIANT, updateVariant),
    expect: {
      operationId: "update_catalog_variant",
      method: PATCH,
      path: `/api/catalog-variants/${enc(VARIANT)}`,
      body: updateVariant,
    },
  },
  {
    method: "catalog.variants.delete",
    run: (r) => r.catalog.variants.delete(VARIANT),
    expect: {
      operationId: "delete_catalog_variant",
      method: DELETE,
      path: `/api/catalog-variants/${enc(VARIANT)}`,
    },
  },
  {
    method: "catalog.variants.bulkCreate",
    run: (r) => r.catalog.variants.bulkCreate(bulkCreateVariants),
    expect: {
      operationId: "bulk_create_catalog_variants",
      method: POST,
      path: "/api/catalog-variant-bulk-create-jobs",
      body: bulkCreateVariants,
    },
  },
  {
    method: "catalog.variants.bulkUpdate",
    run: (r) => r.catalog.variants.bulkUpdate(bulkUpdateVariants),
    expect: {
      operationId: "bulk_update_catalog_variants",
      method: POST,
      path: "/api/catalog-variant-bulk-update-jobs",
      body: bulkUpdateVariants,
    },
  },
  {
    method: "catalog.variants.bulkDelete",
    run: (r) => r.catalog.variants.bulkDelete(bulkDeleteVariants),
    expect: {
      operationId: "bulk_delete_catalog_variants",
      method: POST,
      path: "/api/catalog-variant-bulk-delete-jobs",
      body: bulkDeleteVariants,
    },
  },
  {
    method: "catalog.variants.getBulkCreateJob",
    run: (r) => r.catalog.variants.getBulkCreateJob("j4"),
    expect: {
      operationId: "get_bulk_create_variants_job",
      method: GET,
      path: "/api/catalog-variant-bulk-create-jobs/j4",
    },
  },
  {
    method: "catalog.variants.getBulkUpdateJob",
    run: (r) => r.catalog.variants.getBulkUpdateJob("j5"),
    expect: {
      operationId: "get_bulk_update_variants_job",
      method: GET,
      path: "/api/catalog-variant-bulk-update-jobs/j5",
    },
  },
  {
    method: "catalog.variants.getBulkDeleteJob",
    run: (r) => r.catalog.variants.getBulkDeleteJob("j6"),
    expect: {
      operationId: "get_bulk_delete_variants_job",
      method: GET,
      path: "/api/catalog-variant-bulk-delete-jobs/j6",
    },
  },
  {
    method: "catalog.categories.list",
    run: (r) => r.catalog.categories.list(),
    expect: { operationId: "get_catalog_categories", method: GET, path: "/api/catalog-categories" },
  },
  {
    method: "catalog.categories.get",
    run: (r) => r.catalog.categories.get(CATEGORY),
    expect: {
      operationId: "get_catalog_category",
      method: GET,
      path: `/api/catalog-categories/${enc(CATEGORY)}`,
    },
  },
  {
    method: "catalog.categories.create",
    run: (r) => r.catalog.categories.create(createCategory),
    expect: {
      operationId: "create_catalog_category",
      method: POST,
      path: "/api/catalog-categories",
      body: createCategory,
    },
  },
  {
    method: "catalog.categories.update",
    run: (r) => r.catalog.categories.update(CATEGORY, updateCategory),
    expect: {
      operationId: "update_catalog_category",
      method: PATCH,
      path: `/api/catalog-categories/${enc(CATEGORY)}`,
      body: updateCategory,
    },
  },
  {
    method: "catalog.categories.delete",
    run: (r) => r.catalog.categories.delete(CATEGORY),
    expect: {
      operationId: "delete_catalog_category",
      method: DELETE,
      path: `/api/catalog-categories/${enc(CATEGORY)}`,
    },
  },
  {
    method: "catalog.categories.items",
    run: (r) => r.catalog.categories.items(CATEGORY, { sort: "created" }),
    expect: {
      operationId: "get_items_for_catalog_category",
      method: GET,
      path: `/api/catalog-categories/${enc(CATEGORY)}/items`,
      query: { sort: "created" },
    },
  },
  {
    method: "catalog.categories.addItems",
    run: (r) => r.catalog.categories.addItems(CATEGORY, [ITEM]),
    expect: {
      operationId: "add_items_to_catalog_category",
      method: POST,
      path: `/api/catalog-categories/${enc(CATEGORY)}/relationships/items`,
      body: { data: [{ type: "catalog-item", id: ITEM }] },
    },
  },
  {
    method: "catalog.categories.removeItems",
    run: (r) => r.catalog.categories.removeItems(CATEGORY, [ITEM]),
    expect: {
      operationId: "remove_items_from_catalog_category",
      method: DELETE,
      path: `/api/catalog-categories/${enc(CATEGORY)}/relationships/items`,
      body: { data: [{ type: "catalog-item", id: ITEM }] },
    },
  },
  {
    method: "catalog.categories.bulkCreate",
    run: (r) => r.catalog.categories.bulkCreate(bulkCreateCategories),
    expect: {
      operationId: "bulk_create_catalog_categories",
      method: POST,
      path: "/api/catalog-category-bulk-create-jobs",
      body: bulkCreateCategories,
    },
  },
  {
    method: "catalog.categories.bulkUpdate",
    run: (r) => r.catalog.categories.bulkUpdate(bulkUpdateCategories),
    expect: {
      operationId: "bulk_update_catalog_categories",
      method: POST,
      path: "/api/catalog-category-bulk-update-jobs",
      body: bulkUpdateCategories,
    },
  },
  {
    method: "catalog.categories.bulkDelete",
    run: (r) => r.catalog.categories.bulkDelete(bulkDeleteCategories),
    expect: {
      operationId: "bulk_delete_catalog_categories",
      method: POST,
      path: "/api/catalog-category-bulk-delete-jobs",
      body: bulkDeleteCategories,
    },
  },
  {
    method: "catalog.categories.getBulkCreateJob",
    run: (r) => r.catalog.categories.getBulkCreateJob("j7"),
    expect: {
      operationId: "get_bulk_create_categories_job",
      method: GET,
      path: "/api/catalog-category-bulk-create-jobs/j7",
    },
  },
  {
    method: "catalog.categories.getBulkUpdateJob",
    run: (r) => r.catalog.categories.getBulkUpdateJob("j8"),
    expect: {
      operationId: "get_bulk_update_categories_job",
      method: GET,
      path: "/api/catalog-category-bulk-update-jobs/j8",
    },
  },
  {
    method: "catalog.categories.getBulkDeleteJob",
    run: (r) => r.catalog.categories.getBulkDeleteJob("j9"),
    expect: {
      operationId: "get_bulk_delete_categories_job",
      method: GET,
      path: "/api/catalog-category-bulk-delete-jobs/j9",
    },
  },
];

export const couponsCases: ResourceCase[] = [
  {
    method: "coupons.list",
    run: (r) => r.coupons.list(),
    expect: { operationId: "get_coupons", method: GET, path: "/api/coupons" },
  },
  {
    method: "coupons.get",
    run: (r) => r.coupons.get("10OFF"),
    expect: { operationId: "get_coupon", method: GET, path: "/api/coupons/10OFF" },
  },
  {
    method: "coupons.create",
    run: (r) => r.coupons.create(createCoupon),
    expect: { operationId: "create_coupon", method: POST, path: "/api/coupons", body: createCoupon },
  },
  {
    method: "coupons.update",
    run: (r) => r.coupons.update("10OFF", updateCoupon),
    expect: { operationId: "update_coupon", method: PATCH, path: "/api/coupons/10OFF", body: updateCoupon },
  },
  {
    method: "coupons.delete",
    run: (r) => r.coupons.delete("10OFF"),
    expect: { operationId: "delete_coupon", method: DELETE, path: "/api/coupons/10OFF" },
  },
  {
    method: "coupons.codes.list",
    run: (r) => r.coupons.codes.list(filter.any("coupon.id", ["10OFF", "20OFF"]), { include: ["coupon"] }),
    expect: {
      operationId: "get_coupon_codes",
      method: GET,
      path: "/api/coupon-codes",
      query: { filter: "any(coupon.id,['10OFF','20OFF'])", include: "coupon" },
    },
  },
  {
    method: "coupons.codes.forCoupon",
    run: (r) => r.coupons.codes.forCoupon("10OFF"),
    expect: {
      operationId: "get_coupon_codes_for_coupon",
      method: GET,
      path: "/api/coupons/10OFF/coupon-codes",
    },
  },
  {
    method: "coupons.codes.get",
    run: (r) => r.coupons.codes.get("code1"),
    expect: { operationId: "get_coupon_code", method: GET, path: "/api/coupon-codes/code1" },
  },
  {
    method: "coupons.codes.create",
    run: (r) => r.coupons.codes.create(createCouponCode),
    expect: {
      operationId: "create_coupon_code",
      method: POST,
      path: "/api/coupon-codes",
      body: createCouponCode,
    },
  },
  {
    method: "coupons.codes.update",
    run: (r) => r.coupons.codes.update("code1", updateCouponCode),
    expect: {
      operationId: "update_coupon_code",
      method: PATCH,
      path: "/api/coupon-codes/code1",
      body: updateCouponCode,
    },
  },
  {
    method: "coupons.codes.delete",
    run: (r) => r.coupons.codes.delete("code1"),
    expect: { operationId: "delete_coupon_code", method: DELETE, path: "/api/coupon-codes/code1" },
  },
  {
    method: "coupons.bulkCreateCodes",
    run: (r) => r.coupons.bulkCreateCodes(bulkCreateCodes),
    expect: {
      operationId: "bulk_create_coupon_codes",
      method: POST,
      path: "/api/coupon-code-bulk-create-jobs",
      body: bulkCreateCodes,
    },
  },
  {
    method: "coupons.getBulkCreateCodesJob",
    run: (r) => r.coupons.getBulkCreateCodesJob("cj1"),
    expect: {
      operationId: "get_bulk_create_coupon_codes_job",
      method: GET,
      path: "/api/coupon-code-bulk-create-jobs/cj1",
    },
  },
];

export const dataPrivacyCases: ResourceCase[] = [
  {
    method: "dataPrivacy.requestProfileDeletion",
    run: (r) => r.dataPrivacy.requestProfileDeletion({ email: "ada@example.com" }),
    expect: {
      operationId: "request_profile_deletion",
      method: POST,
      path: "/api/data-privacy-deletion-jobs",
      body: {
        data: {
          type: "data-privacy-deletion-job",
          attributes: { profile: { data: { type: "profile", attributes: { email: "ada@example.com" } } } },
        },
      },
    },
  },
];

/** Every case, by group (for the coverage check). */
export const allCases: Record<string, ResourceCase[]> = {
  accounts: accountsCases,
  campaigns: campaignsCases,
  events: eventsCases,
  flows: flowsCases,
  images: imagesCases,
  lists: listsCases,
  metrics: metricsCases,
  profiles: profilesCases,
  subscriptions: subscriptionsCases,
  segments: segmentsCases,
  templates: templatesCases,
  tags: tagsCases,
  tagGroups: tagGroupsCases,
  catalog: catalogCases,
  coupons: couponsCases,
  dataPrivacy: dataPrivacyCases,
};
