// GENERATED FILE - DO NOT EDIT.
// Produced by `npm run generate` from spec/klaviyo-openapi.json; CI checks it is up to date.

import type { OperationInfo } from "../operation-info.js";

/** Every operation of Klaviyo API revision 2026-07-15, with its rate limits and paging facts. */
export const OPERATIONS = [
 {
  "id": "add_categories_to_catalog_item",
  "method": "POST",
  "path": "/api/catalog-items/{id}/relationships/categories",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "add_items_to_catalog_category",
  "method": "POST",
  "path": "/api/catalog-categories/{id}/relationships/items",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "add_profiles_to_list",
  "method": "POST",
  "path": "/api/lists/{id}/relationships/profiles",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "lists:write",
   "profiles:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "assign_template_to_campaign_message",
  "method": "POST",
  "path": "/api/campaign-message-assign-template",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "bulk_create_catalog_categories",
  "method": "POST",
  "path": "/api/catalog-category-bulk-create-jobs",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "bulk_create_catalog_items",
  "method": "POST",
  "path": "/api/catalog-item-bulk-create-jobs",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "bulk_create_catalog_variants",
  "method": "POST",
  "path": "/api/catalog-variant-bulk-create-jobs",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "bulk_create_client_events",
  "method": "POST",
  "path": "/client/event-bulk-create",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "events:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "bulk_create_coupon_codes",
  "method": "POST",
  "path": "/api/coupon-code-bulk-create-jobs",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "coupon-codes:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "bulk_create_data_source_records",
  "method": "POST",
  "path": "/api/data-source-record-bulk-create-jobs",
  "burst": 3,
  "steady": 15,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "bulk_create_events",
  "method": "POST",
  "path": "/api/event-bulk-create-jobs",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "events:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "bulk_delete_catalog_categories",
  "method": "POST",
  "path": "/api/catalog-category-bulk-delete-jobs",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "bulk_delete_catalog_items",
  "method": "POST",
  "path": "/api/catalog-item-bulk-delete-jobs",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "bulk_delete_catalog_variants",
  "method": "POST",
  "path": "/api/catalog-variant-bulk-delete-jobs",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "bulk_delete_object_records",
  "method": "POST",
  "path": "/api/object-record-bulk-delete-jobs",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "bulk_import_profiles",
  "method": "POST",
  "path": "/api/profile-bulk-import-jobs",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "lists:write",
   "profiles:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "bulk_subscribe_profiles",
  "method": "POST",
  "path": "/api/profile-subscription-bulk-create-jobs",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "lists:write",
   "profiles:write",
   "subscriptions:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "bulk_suppress_profiles",
  "method": "POST",
  "path": "/api/profile-suppression-bulk-create-jobs",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "profiles:write",
   "subscriptions:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "bulk_unsubscribe_profiles",
  "method": "POST",
  "path": "/api/profile-subscription-bulk-delete-jobs",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "lists:write",
   "profiles:write",
   "subscriptions:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "bulk_unsuppress_profiles",
  "method": "POST",
  "path": "/api/profile-suppression-bulk-delete-jobs",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "subscriptions:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "bulk_update_catalog_categories",
  "method": "POST",
  "path": "/api/catalog-category-bulk-update-jobs",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "bulk_update_catalog_items",
  "method": "POST",
  "path": "/api/catalog-item-bulk-update-jobs",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "bulk_update_catalog_variants",
  "method": "POST",
  "path": "/api/catalog-variant-bulk-update-jobs",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "cancel_campaign_send",
  "method": "PATCH",
  "path": "/api/campaign-send-jobs/{id}",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "clone_template",
  "method": "POST",
  "path": "/api/template-clone",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "templates:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 201
 },
 {
  "id": "create_back_in_stock_subscription",
  "method": "POST",
  "path": "/api/back-in-stock-subscriptions",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:write",
   "profiles:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "create_campaign",
  "method": "POST",
  "path": "/api/campaigns",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 201
 },
 {
  "id": "create_campaign_clone",
  "method": "POST",
  "path": "/api/campaign-clone",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 201
 },
 {
  "id": "create_catalog_category",
  "method": "POST",
  "path": "/api/catalog-categories",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 201
 },
 {
  "id": "create_catalog_item",
  "method": "POST",
  "path": "/api/catalog-items",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 201
 },
 {
  "id": "create_catalog_variant",
  "method": "POST",
  "path": "/api/catalog-variants",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 201
 },
 {
  "id": "create_client_back_in_stock_subscription",
  "method": "POST",
  "path": "/client/back-in-stock-subscriptions",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:write",
   "profiles:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "create_client_event",
  "method": "POST",
  "path": "/client/events",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "events:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "create_client_profile",
  "method": "POST",
  "path": "/client/profiles",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "profiles:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "create_client_push_token",
  "method": "POST",
  "path": "/client/push-tokens",
  "burst": 150,
  "steady": 1400,
  "daily": null,
  "tiers": [],
  "scopes": [],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "create_client_review",
  "method": "POST",
  "path": "/client/reviews",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "create_client_subscription",
  "method": "POST",
  "path": "/client/subscriptions",
  "burst": 350,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "subscriptions:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "create_conversation_message",
  "method": "POST",
  "path": "/api/conversation-messages",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "conversations:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "create_coupon",
  "method": "POST",
  "path": "/api/coupons",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "coupons:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 201
 },
 {
  "id": "create_coupon_code",
  "method": "POST",
  "path": "/api/coupon-codes",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "coupon-codes:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "create_custom_metric",
  "method": "POST",
  "path": "/api/custom-metrics",
  "burst": 1,
  "steady": 15,
  "daily": 15,
  "tiers": [],
  "scopes": [
   "metrics:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 201
 },
 {
  "id": "create_data_source",
  "method": "POST",
  "path": "/api/data-sources",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 201
 },
 {
  "id": "create_data_source_record",
  "method": "POST",
  "path": "/api/data-source-record-create-jobs",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "create_event",
  "method": "POST",
  "path": "/api/events",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "events:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "create_flow",
  "method": "POST",
  "path": "/api/flows",
  "burst": 1,
  "steady": 15,
  "daily": 100,
  "tiers": [],
  "scopes": [
   "flows:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 201
 },
 {
  "id": "create_form",
  "method": "POST",
  "path": "/api/forms",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "forms:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 201
 },
 {
  "id": "create_list",
  "method": "POST",
  "path": "/api/lists",
  "burst": 10,
  "steady": 150,
  "daily": 150,
  "tiers": [],
  "scopes": [
   "lists:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 201
 },
 {
  "id": "create_object_schema",
  "method": "POST",
  "path": "/api/object-schemas",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 201
 },
 {
  "id": "create_object_schema_relationship",
  "method": "POST",
  "path": "/api/object-schemas/{id}/relationships/object-schemas",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "create_object_type",
  "method": "POST",
  "path": "/api/object-types",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 201
 },
 {
  "id": "create_or_update_profile",
  "method": "POST",
  "path": "/api/profile-import",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "profiles:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "create_profile",
  "method": "POST",
  "path": "/api/profiles",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "profiles:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 201
 },
 {
  "id": "create_profile_schema_relationship",
  "method": "POST",
  "path": "/api/object-schemas/{id}/relationships/profile-object-schemas",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "create_push_token",
  "method": "POST",
  "path": "/api/push-tokens",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "profiles:write",
   "push-tokens:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "create_segment",
  "method": "POST",
  "path": "/api/segments",
  "burst": 1,
  "steady": 15,
  "daily": 100,
  "tiers": [],
  "scopes": [
   "segments:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 201
 },
 {
  "id": "create_tag",
  "method": "POST",
  "path": "/api/tags",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "tags:read",
   "tags:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 201
 },
 {
  "id": "create_tag_group",
  "method": "POST",
  "path": "/api/tag-groups",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "tags:read",
   "tags:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 201
 },
 {
  "id": "create_template",
  "method": "POST",
  "path": "/api/templates",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "templates:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 201
 },
 {
  "id": "create_universal_content",
  "method": "POST",
  "path": "/api/template-universal-content",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "templates:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 201
 },
 {
  "id": "create_web_feed",
  "method": "POST",
  "path": "/api/web-feeds",
  "burst": 1,
  "steady": 15,
  "daily": null,
  "tiers": [],
  "scopes": [
   "web-feeds:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 201
 },
 {
  "id": "create_webhook",
  "method": "POST",
  "path": "/api/webhooks",
  "burst": 1,
  "steady": 15,
  "daily": null,
  "tiers": [],
  "scopes": [
   "webhooks:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 201
 },
 {
  "id": "delete_campaign",
  "method": "DELETE",
  "path": "/api/campaigns/{id}",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 204
 },
 {
  "id": "delete_catalog_category",
  "method": "DELETE",
  "path": "/api/catalog-categories/{id}",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 204
 },
 {
  "id": "delete_catalog_item",
  "method": "DELETE",
  "path": "/api/catalog-items/{id}",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 204
 },
 {
  "id": "delete_catalog_variant",
  "method": "DELETE",
  "path": "/api/catalog-variants/{id}",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 204
 },
 {
  "id": "delete_coupon",
  "method": "DELETE",
  "path": "/api/coupons/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "coupons:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 204
 },
 {
  "id": "delete_coupon_code",
  "method": "DELETE",
  "path": "/api/coupon-codes/{id}",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "coupon-codes:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 204
 },
 {
  "id": "delete_custom_metric",
  "method": "DELETE",
  "path": "/api/custom-metrics/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "metrics:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 204
 },
 {
  "id": "delete_data_source",
  "method": "DELETE",
  "path": "/api/data-sources/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 204
 },
 {
  "id": "delete_flow",
  "method": "DELETE",
  "path": "/api/flows/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "flows:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 204
 },
 {
  "id": "delete_flow_action",
  "method": "DELETE",
  "path": "/api/flow-actions/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "flows:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 204
 },
 {
  "id": "delete_form",
  "method": "DELETE",
  "path": "/api/forms/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "forms:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 204
 },
 {
  "id": "delete_list",
  "method": "DELETE",
  "path": "/api/lists/{id}",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "lists:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 204
 },
 {
  "id": "delete_object_schema_relationship",
  "method": "DELETE",
  "path": "/api/object-schemas/{id}/relationships/object-schemas",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "delete_object_type",
  "method": "DELETE",
  "path": "/api/object-types/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 204
 },
 {
  "id": "delete_profile_schema_relationship",
  "method": "DELETE",
  "path": "/api/object-schemas/{id}/relationships/profile-object-schemas",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "delete_push_token",
  "method": "DELETE",
  "path": "/api/push-tokens/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "push-tokens:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 204
 },
 {
  "id": "delete_segment",
  "method": "DELETE",
  "path": "/api/segments/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "segments:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 204
 },
 {
  "id": "delete_tag",
  "method": "DELETE",
  "path": "/api/tags/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "tags:read",
   "tags:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 204
 },
 {
  "id": "delete_tag_group",
  "method": "DELETE",
  "path": "/api/tag-groups/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "tags:read",
   "tags:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 204
 },
 {
  "id": "delete_template",
  "method": "DELETE",
  "path": "/api/templates/{id}",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "templates:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 204
 },
 {
  "id": "delete_universal_content",
  "method": "DELETE",
  "path": "/api/template-universal-content/{id}",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "templates:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 204
 },
 {
  "id": "delete_web_feed",
  "method": "DELETE",
  "path": "/api/web-feeds/{id}",
  "burst": 1,
  "steady": 15,
  "daily": null,
  "tiers": [],
  "scopes": [
   "web-feeds:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 204
 },
 {
  "id": "delete_webhook",
  "method": "DELETE",
  "path": "/api/webhooks/{id}",
  "burst": 1,
  "steady": 15,
  "daily": null,
  "tiers": [],
  "scopes": [
   "webhooks:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 204
 },
 {
  "id": "get_account",
  "method": "GET",
  "path": "/api/accounts/{id}",
  "burst": 1,
  "steady": 15,
  "daily": null,
  "tiers": [],
  "scopes": [
   "accounts:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_accounts",
  "method": "GET",
  "path": "/api/accounts",
  "burst": 1,
  "steady": 15,
  "daily": null,
  "tiers": [],
  "scopes": [
   "accounts:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_action_for_flow_message",
  "method": "GET",
  "path": "/api/flow-messages/{id}/flow-action",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "flows:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_action_id_for_flow_message",
  "method": "GET",
  "path": "/api/flow-messages/{id}/relationships/flow-action",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "flows:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_action_ids_for_flow",
  "method": "GET",
  "path": "/api/flows/{id}/relationships/flow-actions",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "flows:read"
  ],
  "pageSize": {
   "default": 50,
   "max": 50
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_actions_for_flow",
  "method": "GET",
  "path": "/api/flows/{id}/flow-actions",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "flows:read"
  ],
  "pageSize": {
   "default": 50,
   "max": 50
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_all_universal_content",
  "method": "GET",
  "path": "/api/template-universal-content",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "templates:read"
  ],
  "pageSize": {
   "default": 20,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_bulk_create_catalog_items_job",
  "method": "GET",
  "path": "/api/catalog-item-bulk-create-jobs/{job_id}",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_bulk_create_catalog_items_jobs",
  "method": "GET",
  "path": "/api/catalog-item-bulk-create-jobs",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": null,
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_bulk_create_categories_job",
  "method": "GET",
  "path": "/api/catalog-category-bulk-create-jobs/{job_id}",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_bulk_create_categories_jobs",
  "method": "GET",
  "path": "/api/catalog-category-bulk-create-jobs",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": null,
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_bulk_create_coupon_code_jobs",
  "method": "GET",
  "path": "/api/coupon-code-bulk-create-jobs",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "coupon-codes:read"
  ],
  "pageSize": null,
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_bulk_create_coupon_codes_job",
  "method": "GET",
  "path": "/api/coupon-code-bulk-create-jobs/{job_id}",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "coupon-codes:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_bulk_create_variants_job",
  "method": "GET",
  "path": "/api/catalog-variant-bulk-create-jobs/{job_id}",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_bulk_create_variants_jobs",
  "method": "GET",
  "path": "/api/catalog-variant-bulk-create-jobs",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": null,
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_bulk_delete_catalog_items_job",
  "method": "GET",
  "path": "/api/catalog-item-bulk-delete-jobs/{job_id}",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_bulk_delete_catalog_items_jobs",
  "method": "GET",
  "path": "/api/catalog-item-bulk-delete-jobs",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": null,
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_bulk_delete_categories_job",
  "method": "GET",
  "path": "/api/catalog-category-bulk-delete-jobs/{job_id}",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_bulk_delete_categories_jobs",
  "method": "GET",
  "path": "/api/catalog-category-bulk-delete-jobs",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": null,
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_bulk_delete_variants_job",
  "method": "GET",
  "path": "/api/catalog-variant-bulk-delete-jobs/{job_id}",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_bulk_delete_variants_jobs",
  "method": "GET",
  "path": "/api/catalog-variant-bulk-delete-jobs",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": null,
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_bulk_import_profiles_job",
  "method": "GET",
  "path": "/api/profile-bulk-import-jobs/{job_id}",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "lists:read",
   "profiles:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_bulk_import_profiles_jobs",
  "method": "GET",
  "path": "/api/profile-bulk-import-jobs",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "lists:read",
   "profiles:read"
  ],
  "pageSize": {
   "default": 20,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_bulk_suppress_profiles_job",
  "method": "GET",
  "path": "/api/profile-suppression-bulk-create-jobs/{job_id}",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "subscriptions:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_bulk_suppress_profiles_jobs",
  "method": "GET",
  "path": "/api/profile-suppression-bulk-create-jobs",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "subscriptions:read"
  ],
  "pageSize": null,
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_bulk_unsuppress_profiles_job",
  "method": "GET",
  "path": "/api/profile-suppression-bulk-delete-jobs/{job_id}",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "subscriptions:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_bulk_unsuppress_profiles_jobs",
  "method": "GET",
  "path": "/api/profile-suppression-bulk-delete-jobs",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "subscriptions:read"
  ],
  "pageSize": null,
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_bulk_update_catalog_items_job",
  "method": "GET",
  "path": "/api/catalog-item-bulk-update-jobs/{job_id}",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_bulk_update_catalog_items_jobs",
  "method": "GET",
  "path": "/api/catalog-item-bulk-update-jobs",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": null,
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_bulk_update_categories_job",
  "method": "GET",
  "path": "/api/catalog-category-bulk-update-jobs/{job_id}",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_bulk_update_categories_jobs",
  "method": "GET",
  "path": "/api/catalog-category-bulk-update-jobs",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": null,
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_bulk_update_variants_job",
  "method": "GET",
  "path": "/api/catalog-variant-bulk-update-jobs/{job_id}",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_bulk_update_variants_jobs",
  "method": "GET",
  "path": "/api/catalog-variant-bulk-update-jobs",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": null,
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_campaign",
  "method": "GET",
  "path": "/api/campaigns/{id}",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_campaign_for_campaign_message",
  "method": "GET",
  "path": "/api/campaign-messages/{id}/campaign",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_campaign_id_for_campaign_message",
  "method": "GET",
  "path": "/api/campaign-messages/{id}/relationships/campaign",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_campaign_ids_for_tag",
  "method": "GET",
  "path": "/api/tags/{id}/relationships/campaigns",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:read",
   "tags:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_campaign_message",
  "method": "GET",
  "path": "/api/campaign-messages/{id}",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_campaign_recipient_estimation",
  "method": "GET",
  "path": "/api/campaign-recipient-estimations/{id}",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_campaign_recipient_estimation_job",
  "method": "GET",
  "path": "/api/campaign-recipient-estimation-jobs/{id}",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_campaign_send_job",
  "method": "GET",
  "path": "/api/campaign-send-jobs/{id}",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_campaigns",
  "method": "GET",
  "path": "/api/campaigns",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:read"
  ],
  "pageSize": {
   "default": 100,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": true,
  "body": null,
  "status": 200
 },
 {
  "id": "get_catalog_categories",
  "method": "GET",
  "path": "/api/catalog-categories",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": {
   "default": 100,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_catalog_category",
  "method": "GET",
  "path": "/api/catalog-categories/{id}",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_catalog_item",
  "method": "GET",
  "path": "/api/catalog-items/{id}",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_catalog_items",
  "method": "GET",
  "path": "/api/catalog-items",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": {
   "default": 100,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_catalog_variant",
  "method": "GET",
  "path": "/api/catalog-variants/{id}",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_catalog_variants",
  "method": "GET",
  "path": "/api/catalog-variants",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": {
   "default": 100,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_categories_for_catalog_item",
  "method": "GET",
  "path": "/api/catalog-items/{id}/categories",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": {
   "default": 100,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_category_ids_for_catalog_item",
  "method": "GET",
  "path": "/api/catalog-items/{id}/relationships/categories",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": {
   "default": 100,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_client_geofences",
  "method": "GET",
  "path": "/client/geofences",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [],
  "pageSize": {
   "default": 20,
   "max": 100
  },
  "cursor": true,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_client_ip_allowlist",
  "method": "GET",
  "path": "/client/ip-allowlists/{id}",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_client_review_values_reports",
  "method": "GET",
  "path": "/client/review-values-reports",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [],
  "pageSize": {
   "default": 20,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_client_reviews",
  "method": "GET",
  "path": "/client/reviews",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [],
  "pageSize": {
   "default": 20,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_conversation_for_profile",
  "method": "GET",
  "path": "/api/profiles/{id}/conversation",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "conversations:read",
   "profiles:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_conversation_id_for_profile",
  "method": "GET",
  "path": "/api/profiles/{id}/relationships/conversation",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "conversations:read",
   "profiles:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_conversation_ids_for_profile",
  "method": "GET",
  "path": "/api/profiles/{id}/relationships/conversations",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "conversations:read",
   "profiles:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_conversations_for_profile",
  "method": "GET",
  "path": "/api/profiles/{id}/conversations",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "conversations:read",
   "profiles:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_coupon",
  "method": "GET",
  "path": "/api/coupons/{id}",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "coupons:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_coupon_code",
  "method": "GET",
  "path": "/api/coupon-codes/{id}",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "coupon-codes:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_coupon_code_ids_for_coupon",
  "method": "GET",
  "path": "/api/coupons/{id}/relationships/coupon-codes",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "coupon-codes:read"
  ],
  "pageSize": {
   "default": 100,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_coupon_codes",
  "method": "GET",
  "path": "/api/coupon-codes",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "coupon-codes:read"
  ],
  "pageSize": {
   "default": 100,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": true,
  "body": null,
  "status": 200
 },
 {
  "id": "get_coupon_codes_for_coupon",
  "method": "GET",
  "path": "/api/coupons/{id}/coupon-codes",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "coupon-codes:read"
  ],
  "pageSize": {
   "default": 100,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_coupon_for_coupon_code",
  "method": "GET",
  "path": "/api/coupon-codes/{id}/coupon",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "coupons:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_coupon_id_for_coupon_code",
  "method": "GET",
  "path": "/api/coupon-codes/{id}/relationships/coupon",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "coupons:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_coupons",
  "method": "GET",
  "path": "/api/coupons",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "coupons:read"
  ],
  "pageSize": {
   "default": 100,
   "max": 100
  },
  "cursor": true,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_current_schema_for_object_type",
  "method": "GET",
  "path": "/api/object-types/{id}/current-schema",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_current_schema_id_for_object_type",
  "method": "GET",
  "path": "/api/object-types/{id}/relationships/current-schema",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_custom_metric",
  "method": "GET",
  "path": "/api/custom-metrics/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "metrics:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_custom_metric_for_mapped_metric",
  "method": "GET",
  "path": "/api/mapped-metrics/{id}/custom-metric",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "metrics:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_custom_metric_id_for_mapped_metric",
  "method": "GET",
  "path": "/api/mapped-metrics/{id}/relationships/custom-metric",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "metrics:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_custom_metrics",
  "method": "GET",
  "path": "/api/custom-metrics",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "metrics:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_data_source",
  "method": "GET",
  "path": "/api/data-sources/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_data_sources",
  "method": "GET",
  "path": "/api/data-sources",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:read"
  ],
  "pageSize": {
   "default": 20,
   "max": 100
  },
  "cursor": true,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_draft_schema_for_object_type",
  "method": "GET",
  "path": "/api/object-types/{id}/draft-schema",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_draft_schema_id_for_object_type",
  "method": "GET",
  "path": "/api/object-types/{id}/relationships/draft-schema",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_errors_for_bulk_import_profiles_job",
  "method": "GET",
  "path": "/api/profile-bulk-import-jobs/{id}/import-errors",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "profiles:read"
  ],
  "pageSize": {
   "default": 20,
   "max": 100
  },
  "cursor": true,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_event",
  "method": "GET",
  "path": "/api/events/{id}",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "events:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_events",
  "method": "GET",
  "path": "/api/events",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "events:read"
  ],
  "pageSize": {
   "default": 200,
   "max": 1000
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_flow",
  "method": "GET",
  "path": "/api/flows/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "flows:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_flow_action",
  "method": "GET",
  "path": "/api/flow-actions/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "flows:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_flow_action_messages",
  "method": "GET",
  "path": "/api/flow-actions/{id}/flow-messages",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "flows:read"
  ],
  "pageSize": {
   "default": 50,
   "max": 50
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_flow_for_flow_action",
  "method": "GET",
  "path": "/api/flow-actions/{id}/flow",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "flows:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_flow_id_for_flow_action",
  "method": "GET",
  "path": "/api/flow-actions/{id}/relationships/flow",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "flows:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_flow_ids_for_tag",
  "method": "GET",
  "path": "/api/tags/{id}/relationships/flows",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "flows:read",
   "tags:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_flow_message",
  "method": "GET",
  "path": "/api/flow-messages/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "flows:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_flows",
  "method": "GET",
  "path": "/api/flows",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "flows:read"
  ],
  "pageSize": {
   "default": 50,
   "max": 50
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_flows_triggered_by_list",
  "method": "GET",
  "path": "/api/lists/{id}/flow-triggers",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "flows:read",
   "lists:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_flows_triggered_by_metric",
  "method": "GET",
  "path": "/api/metrics/{id}/flow-triggers",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "flows:read",
   "metrics:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_flows_triggered_by_segment",
  "method": "GET",
  "path": "/api/segments/{id}/flow-triggers",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "flows:read",
   "segments:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_form",
  "method": "GET",
  "path": "/api/forms/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "forms:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_form_for_form_version",
  "method": "GET",
  "path": "/api/form-versions/{id}/form",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "forms:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_form_id_for_form_version",
  "method": "GET",
  "path": "/api/form-versions/{id}/relationships/form",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "forms:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_form_version",
  "method": "GET",
  "path": "/api/form-versions/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "forms:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_forms",
  "method": "GET",
  "path": "/api/forms",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "forms:read"
  ],
  "pageSize": {
   "default": 20,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_ids_for_flows_triggered_by_list",
  "method": "GET",
  "path": "/api/lists/{id}/relationships/flow-triggers",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "flows:read",
   "lists:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_ids_for_flows_triggered_by_metric",
  "method": "GET",
  "path": "/api/metrics/{id}/relationships/flow-triggers",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "flows:read",
   "metrics:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_ids_for_flows_triggered_by_segment",
  "method": "GET",
  "path": "/api/segments/{id}/relationships/flow-triggers",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "flows:read",
   "segments:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_image",
  "method": "GET",
  "path": "/api/images/{id}",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "images:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_image_for_campaign_message",
  "method": "GET",
  "path": "/api/campaign-messages/{id}/image",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:read",
   "images:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_image_id_for_campaign_message",
  "method": "GET",
  "path": "/api/campaign-messages/{id}/relationships/image",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:read",
   "images:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_images",
  "method": "GET",
  "path": "/api/images",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "images:read"
  ],
  "pageSize": {
   "default": 20,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_ingestion_log_ids_for_object_type",
  "method": "GET",
  "path": "/api/object-types/{id}/relationships/object-ingestion-logs",
  "burst": 1,
  "steady": 15,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:read"
  ],
  "pageSize": null,
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_ingestion_logs_for_object_type",
  "method": "GET",
  "path": "/api/object-types/{id}/object-ingestion-logs",
  "burst": 1,
  "steady": 15,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:read"
  ],
  "pageSize": null,
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_item_ids_for_catalog_category",
  "method": "GET",
  "path": "/api/catalog-categories/{id}/relationships/items",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": {
   "default": 100,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_items_for_catalog_category",
  "method": "GET",
  "path": "/api/catalog-categories/{id}/items",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": {
   "default": 100,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_list",
  "method": "GET",
  "path": "/api/lists/{id}",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [
   {
    "param": "additional-fields[list]",
    "value": "profile_count",
    "burst": 1,
    "steady": 15
   }
  ],
  "scopes": [
   "lists:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_list_for_bulk_import_profiles_job",
  "method": "GET",
  "path": "/api/profile-bulk-import-jobs/{id}/lists",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "lists:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_list_ids_for_bulk_import_profiles_job",
  "method": "GET",
  "path": "/api/profile-bulk-import-jobs/{id}/relationships/lists",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "lists:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_list_ids_for_profile",
  "method": "GET",
  "path": "/api/profiles/{id}/relationships/lists",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "lists:read",
   "profiles:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_list_ids_for_tag",
  "method": "GET",
  "path": "/api/tags/{id}/relationships/lists",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "lists:read",
   "tags:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_lists",
  "method": "GET",
  "path": "/api/lists",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "lists:read"
  ],
  "pageSize": {
   "default": 10,
   "max": 10
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_lists_for_profile",
  "method": "GET",
  "path": "/api/profiles/{id}/lists",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "lists:read",
   "profiles:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_mapped_metric",
  "method": "GET",
  "path": "/api/mapped-metrics/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "metrics:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_mapped_metrics",
  "method": "GET",
  "path": "/api/mapped-metrics",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "metrics:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_message_ids_for_campaign",
  "method": "GET",
  "path": "/api/campaigns/{id}/relationships/campaign-messages",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_message_ids_for_flow_action",
  "method": "GET",
  "path": "/api/flow-actions/{id}/relationships/flow-messages",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "flows:read"
  ],
  "pageSize": {
   "default": 50,
   "max": 50
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_messages_for_campaign",
  "method": "GET",
  "path": "/api/campaigns/{id}/campaign-messages",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_metric",
  "method": "GET",
  "path": "/api/metrics/{id}",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "metrics:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_metric_for_event",
  "method": "GET",
  "path": "/api/events/{id}/metric",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "events:read",
   "metrics:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_metric_for_mapped_metric",
  "method": "GET",
  "path": "/api/mapped-metrics/{id}/metric",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "metrics:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_metric_for_metric_property",
  "method": "GET",
  "path": "/api/metric-properties/{id}/metric",
  "burst": 1,
  "steady": 15,
  "daily": null,
  "tiers": [],
  "scopes": [
   "metrics:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_metric_id_for_event",
  "method": "GET",
  "path": "/api/events/{id}/relationships/metric",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "events:read",
   "metrics:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_metric_id_for_mapped_metric",
  "method": "GET",
  "path": "/api/mapped-metrics/{id}/relationships/metric",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "metrics:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_metric_id_for_metric_property",
  "method": "GET",
  "path": "/api/metric-properties/{id}/relationships/metric",
  "burst": 1,
  "steady": 15,
  "daily": null,
  "tiers": [],
  "scopes": [
   "metrics:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_metric_ids_for_custom_metric",
  "method": "GET",
  "path": "/api/custom-metrics/{id}/relationships/metrics",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "metrics:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_metric_property",
  "method": "GET",
  "path": "/api/metric-properties/{id}",
  "burst": 1,
  "steady": 15,
  "daily": null,
  "tiers": [],
  "scopes": [
   "metrics:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_metrics",
  "method": "GET",
  "path": "/api/metrics",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "metrics:read"
  ],
  "pageSize": null,
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_metrics_for_custom_metric",
  "method": "GET",
  "path": "/api/custom-metrics/{id}/metrics",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "metrics:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_object_record",
  "method": "GET",
  "path": "/api/object-records/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_object_schema",
  "method": "GET",
  "path": "/api/object-schemas/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_object_schema_relationships",
  "method": "GET",
  "path": "/api/object-schemas/{id}/relationships/object-schemas",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_object_type",
  "method": "GET",
  "path": "/api/object-types/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_object_type_relationships",
  "method": "GET",
  "path": "/api/object-types/{id}/relationships/object-types",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_object_types",
  "method": "GET",
  "path": "/api/object-types",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_profile",
  "method": "GET",
  "path": "/api/profiles/{id}",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [
   {
    "param": "include",
    "value": "lists",
    "burst": 1,
    "steady": 15
   },
   {
    "param": "include",
    "value": "segments",
    "burst": 1,
    "steady": 15
   }
  ],
  "scopes": [
   "profiles:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_profile_for_event",
  "method": "GET",
  "path": "/api/events/{id}/profile",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "events:read",
   "profiles:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_profile_for_push_token",
  "method": "GET",
  "path": "/api/push-tokens/{id}/profile",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "profiles:read",
   "push-tokens:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_profile_id_for_event",
  "method": "GET",
  "path": "/api/events/{id}/relationships/profile",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "events:read",
   "profiles:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_profile_id_for_push_token",
  "method": "GET",
  "path": "/api/push-tokens/{id}/relationships/profile",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "profiles:read",
   "push-tokens:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_profile_ids_for_bulk_import_profiles_job",
  "method": "GET",
  "path": "/api/profile-bulk-import-jobs/{id}/relationships/profiles",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "profiles:read"
  ],
  "pageSize": {
   "default": 20,
   "max": 100
  },
  "cursor": true,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_profile_ids_for_list",
  "method": "GET",
  "path": "/api/lists/{id}/relationships/profiles",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [
   {
    "param": "additional-fields[profile]",
    "value": "predictive_analytics",
    "burst": 10,
    "steady": 150
   }
  ],
  "scopes": [
   "lists:read",
   "profiles:read"
  ],
  "pageSize": {
   "default": 20,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_profile_ids_for_segment",
  "method": "GET",
  "path": "/api/segments/{id}/relationships/profiles",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "profiles:read",
   "segments:read"
  ],
  "pageSize": {
   "default": 20,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_profile_schema_relationships",
  "method": "GET",
  "path": "/api/object-schemas/{id}/relationships/profile-object-schemas",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_profile_type_relationships",
  "method": "GET",
  "path": "/api/object-types/{id}/relationships/profile-object-types",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_profiles",
  "method": "GET",
  "path": "/api/profiles",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [
   {
    "param": "additional-fields[profile]",
    "value": "predictive_analytics",
    "burst": 10,
    "steady": 150
   }
  ],
  "scopes": [
   "profiles:read"
  ],
  "pageSize": {
   "default": 20,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_profiles_for_bulk_import_profiles_job",
  "method": "GET",
  "path": "/api/profile-bulk-import-jobs/{id}/profiles",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "profiles:read"
  ],
  "pageSize": {
   "default": 20,
   "max": 100
  },
  "cursor": true,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_profiles_for_list",
  "method": "GET",
  "path": "/api/lists/{id}/profiles",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [
   {
    "param": "additional-fields[profile]",
    "value": "predictive_analytics",
    "burst": 10,
    "steady": 150
   }
  ],
  "scopes": [
   "lists:read",
   "profiles:read"
  ],
  "pageSize": {
   "default": 20,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_profiles_for_segment",
  "method": "GET",
  "path": "/api/segments/{id}/profiles",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "profiles:read",
   "segments:read"
  ],
  "pageSize": {
   "default": 20,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_properties_for_metric",
  "method": "GET",
  "path": "/api/metrics/{id}/metric-properties",
  "burst": 1,
  "steady": 15,
  "daily": null,
  "tiers": [],
  "scopes": [
   "metrics:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_property_ids_for_metric",
  "method": "GET",
  "path": "/api/metrics/{id}/relationships/metric-properties",
  "burst": 1,
  "steady": 15,
  "daily": null,
  "tiers": [],
  "scopes": [
   "metrics:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_push_token",
  "method": "GET",
  "path": "/api/push-tokens/{id}",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "profiles:read",
   "push-tokens:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_push_token_ids_for_profile",
  "method": "GET",
  "path": "/api/profiles/{id}/relationships/push-tokens",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "profiles:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_push_tokens",
  "method": "GET",
  "path": "/api/push-tokens",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "profiles:read",
   "push-tokens:read"
  ],
  "pageSize": {
   "default": 20,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_push_tokens_for_profile",
  "method": "GET",
  "path": "/api/profiles/{id}/push-tokens",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "profiles:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_record_ids_for_object_type",
  "method": "GET",
  "path": "/api/object-types/{id}/relationships/object-records",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:read"
  ],
  "pageSize": {
   "default": 20,
   "max": 100
  },
  "cursor": true,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_records_for_object_type",
  "method": "GET",
  "path": "/api/object-types/{id}/object-records",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:read"
  ],
  "pageSize": {
   "default": 20,
   "max": 100
  },
  "cursor": true,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_review",
  "method": "GET",
  "path": "/api/reviews/{id}",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "reviews:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_reviews",
  "method": "GET",
  "path": "/api/reviews",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "reviews:read"
  ],
  "pageSize": {
   "default": 20,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_schema_version_ids_for_object_type",
  "method": "GET",
  "path": "/api/object-types/{id}/relationships/schema-versions",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_schema_versions_for_object_type",
  "method": "GET",
  "path": "/api/object-types/{id}/schema-versions",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_segment",
  "method": "GET",
  "path": "/api/segments/{id}",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [
   {
    "param": "additional-fields[segment]",
    "value": "profile_count",
    "burst": 1,
    "steady": 15
   }
  ],
  "scopes": [
   "segments:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_segment_ids_for_profile",
  "method": "GET",
  "path": "/api/profiles/{id}/relationships/segments",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "profiles:read",
   "segments:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_segment_ids_for_tag",
  "method": "GET",
  "path": "/api/tags/{id}/relationships/segments",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "segments:read",
   "tags:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_segments",
  "method": "GET",
  "path": "/api/segments",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "segments:read"
  ],
  "pageSize": {
   "default": 10,
   "max": 10
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_segments_for_profile",
  "method": "GET",
  "path": "/api/profiles/{id}/segments",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "profiles:read",
   "segments:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_source_mapping",
  "method": "GET",
  "path": "/api/source-mappings/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_source_mapping_for_object_schema",
  "method": "GET",
  "path": "/api/object-schemas/{id}/source-mapping",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_source_mapping_id_for_object_schema",
  "method": "GET",
  "path": "/api/object-schemas/{id}/relationships/source-mapping",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_tag",
  "method": "GET",
  "path": "/api/tags/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "tags:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_tag_group",
  "method": "GET",
  "path": "/api/tag-groups/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "tags:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_tag_group_for_tag",
  "method": "GET",
  "path": "/api/tags/{id}/tag-group",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "tags:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_tag_group_id_for_tag",
  "method": "GET",
  "path": "/api/tags/{id}/relationships/tag-group",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "tags:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_tag_groups",
  "method": "GET",
  "path": "/api/tag-groups",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "tags:read"
  ],
  "pageSize": {
   "default": 25,
   "max": 25
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_tag_ids_for_campaign",
  "method": "GET",
  "path": "/api/campaigns/{id}/relationships/tags",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:read",
   "tags:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_tag_ids_for_flow",
  "method": "GET",
  "path": "/api/flows/{id}/relationships/tags",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "flows:read",
   "tags:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_tag_ids_for_list",
  "method": "GET",
  "path": "/api/lists/{id}/relationships/tags",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "lists:read",
   "tags:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_tag_ids_for_segment",
  "method": "GET",
  "path": "/api/segments/{id}/relationships/tags",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "segments:read",
   "tags:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_tag_ids_for_tag_group",
  "method": "GET",
  "path": "/api/tag-groups/{id}/relationships/tags",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "tags:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_tags",
  "method": "GET",
  "path": "/api/tags",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "tags:read"
  ],
  "pageSize": {
   "default": 50,
   "max": 50
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_tags_for_campaign",
  "method": "GET",
  "path": "/api/campaigns/{id}/tags",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:read",
   "tags:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_tags_for_flow",
  "method": "GET",
  "path": "/api/flows/{id}/tags",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "flows:read",
   "tags:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_tags_for_list",
  "method": "GET",
  "path": "/api/lists/{id}/tags",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "lists:read",
   "tags:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_tags_for_segment",
  "method": "GET",
  "path": "/api/segments/{id}/tags",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "segments:read",
   "tags:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_tags_for_tag_group",
  "method": "GET",
  "path": "/api/tag-groups/{id}/tags",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "tags:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_template",
  "method": "GET",
  "path": "/api/templates/{id}",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "templates:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_template_for_campaign_message",
  "method": "GET",
  "path": "/api/campaign-messages/{id}/template",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:read",
   "templates:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_template_for_flow_message",
  "method": "GET",
  "path": "/api/flow-messages/{id}/template",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "templates:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_template_id_for_campaign_message",
  "method": "GET",
  "path": "/api/campaign-messages/{id}/relationships/template",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:read",
   "templates:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_template_id_for_flow_message",
  "method": "GET",
  "path": "/api/flow-messages/{id}/relationships/template",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "templates:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_templates",
  "method": "GET",
  "path": "/api/templates",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "templates:read"
  ],
  "pageSize": {
   "default": 10,
   "max": 10
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_tracking_setting",
  "method": "GET",
  "path": "/api/tracking-settings/{id}",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "tracking-settings:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_tracking_settings",
  "method": "GET",
  "path": "/api/tracking-settings",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "tracking-settings:read"
  ],
  "pageSize": {
   "default": 1,
   "max": 1
  },
  "cursor": true,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_universal_content",
  "method": "GET",
  "path": "/api/template-universal-content/{id}",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "templates:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_variant_ids_for_catalog_item",
  "method": "GET",
  "path": "/api/catalog-items/{id}/relationships/variants",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": {
   "default": 100,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_variants_for_catalog_item",
  "method": "GET",
  "path": "/api/catalog-items/{id}/variants",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:read"
  ],
  "pageSize": {
   "default": 100,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_version_ids_for_form",
  "method": "GET",
  "path": "/api/forms/{id}/relationships/form-versions",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "forms:read"
  ],
  "pageSize": {
   "default": 20,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_versions_for_form",
  "method": "GET",
  "path": "/api/forms/{id}/form-versions",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "forms:read"
  ],
  "pageSize": {
   "default": 20,
   "max": 100
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_web_feed",
  "method": "GET",
  "path": "/api/web-feeds/{id}",
  "burst": 1,
  "steady": 15,
  "daily": null,
  "tiers": [],
  "scopes": [
   "web-feeds:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_web_feeds",
  "method": "GET",
  "path": "/api/web-feeds",
  "burst": 1,
  "steady": 15,
  "daily": null,
  "tiers": [],
  "scopes": [
   "web-feeds:read"
  ],
  "pageSize": {
   "default": 5,
   "max": 20
  },
  "cursor": true,
  "filter": true,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_webhook",
  "method": "GET",
  "path": "/api/webhooks/{id}",
  "burst": 1,
  "steady": 15,
  "daily": null,
  "tiers": [],
  "scopes": [
   "webhooks:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_webhook_topic",
  "method": "GET",
  "path": "/api/webhook-topics/{id}",
  "burst": 1,
  "steady": 15,
  "daily": null,
  "tiers": [],
  "scopes": [
   "webhooks:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_webhook_topics",
  "method": "GET",
  "path": "/api/webhook-topics",
  "burst": 1,
  "steady": 15,
  "daily": null,
  "tiers": [],
  "scopes": [
   "webhooks:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "get_webhooks",
  "method": "GET",
  "path": "/api/webhooks",
  "burst": 1,
  "steady": 15,
  "daily": null,
  "tiers": [],
  "scopes": [
   "webhooks:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": null,
  "status": 200
 },
 {
  "id": "merge_profiles",
  "method": "POST",
  "path": "/api/profile-merge",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "profiles:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 201
 },
 {
  "id": "query_campaign_values",
  "method": "POST",
  "path": "/api/campaign-values-reports",
  "burst": 1,
  "steady": 2,
  "daily": 225,
  "tiers": [],
  "scopes": [
   "campaigns:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "query_flow_series",
  "method": "POST",
  "path": "/api/flow-series-reports",
  "burst": 1,
  "steady": 2,
  "daily": 225,
  "tiers": [],
  "scopes": [
   "flows:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "query_flow_values",
  "method": "POST",
  "path": "/api/flow-values-reports",
  "burst": 1,
  "steady": 2,
  "daily": 225,
  "tiers": [],
  "scopes": [
   "flows:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "query_form_series",
  "method": "POST",
  "path": "/api/form-series-reports",
  "burst": 1,
  "steady": 2,
  "daily": 225,
  "tiers": [],
  "scopes": [
   "forms:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "query_form_values",
  "method": "POST",
  "path": "/api/form-values-reports",
  "burst": 1,
  "steady": 2,
  "daily": 225,
  "tiers": [],
  "scopes": [
   "forms:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "query_metric_aggregates",
  "method": "POST",
  "path": "/api/metric-aggregates",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "metrics:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "query_segment_series",
  "method": "POST",
  "path": "/api/segment-series-reports",
  "burst": 1,
  "steady": 2,
  "daily": 225,
  "tiers": [],
  "scopes": [
   "segments:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "query_segment_values",
  "method": "POST",
  "path": "/api/segment-values-reports",
  "burst": 1,
  "steady": 2,
  "daily": 225,
  "tiers": [],
  "scopes": [
   "segments:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "refresh_campaign_recipient_estimation",
  "method": "POST",
  "path": "/api/campaign-recipient-estimation-jobs",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "remove_categories_from_catalog_item",
  "method": "DELETE",
  "path": "/api/catalog-items/{id}/relationships/categories",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "remove_items_from_catalog_category",
  "method": "DELETE",
  "path": "/api/catalog-categories/{id}/relationships/items",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "remove_profiles_from_list",
  "method": "DELETE",
  "path": "/api/lists/{id}/relationships/profiles",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "lists:write",
   "profiles:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "remove_tag_from_campaigns",
  "method": "DELETE",
  "path": "/api/tags/{id}/relationships/campaigns",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:write",
   "tags:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "remove_tag_from_flows",
  "method": "DELETE",
  "path": "/api/tags/{id}/relationships/flows",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "flows:write",
   "tags:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "remove_tag_from_lists",
  "method": "DELETE",
  "path": "/api/tags/{id}/relationships/lists",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "lists:write",
   "tags:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "remove_tag_from_segments",
  "method": "DELETE",
  "path": "/api/tags/{id}/relationships/segments",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "segments:write",
   "tags:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "render_template",
  "method": "POST",
  "path": "/api/template-render",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "templates:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 201
 },
 {
  "id": "request_profile_deletion",
  "method": "POST",
  "path": "/api/data-privacy-deletion-jobs",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "data-privacy:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "send_campaign",
  "method": "POST",
  "path": "/api/campaign-send-jobs",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "tag_campaigns",
  "method": "POST",
  "path": "/api/tags/{id}/relationships/campaigns",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:write",
   "tags:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "tag_flows",
  "method": "POST",
  "path": "/api/tags/{id}/relationships/flows",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "flows:write",
   "tags:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "tag_lists",
  "method": "POST",
  "path": "/api/tags/{id}/relationships/lists",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "lists:write",
   "tags:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "tag_segments",
  "method": "POST",
  "path": "/api/tags/{id}/relationships/segments",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "segments:write",
   "tags:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "unregister_client_push_token",
  "method": "POST",
  "path": "/client/push-token-unregister",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 202
 },
 {
  "id": "update_campaign",
  "method": "PATCH",
  "path": "/api/campaigns/{id}",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "update_campaign_message",
  "method": "PATCH",
  "path": "/api/campaign-messages/{id}",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "update_catalog_category",
  "method": "PATCH",
  "path": "/api/catalog-categories/{id}",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "update_catalog_item",
  "method": "PATCH",
  "path": "/api/catalog-items/{id}",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "update_catalog_variant",
  "method": "PATCH",
  "path": "/api/catalog-variants/{id}",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "update_categories_for_catalog_item",
  "method": "PATCH",
  "path": "/api/catalog-items/{id}/relationships/categories",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "update_coupon",
  "method": "PATCH",
  "path": "/api/coupons/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "coupons:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "update_coupon_code",
  "method": "PATCH",
  "path": "/api/coupon-codes/{id}",
  "burst": 350,
  "steady": 3500,
  "daily": null,
  "tiers": [],
  "scopes": [
   "coupon-codes:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "update_custom_metric",
  "method": "PATCH",
  "path": "/api/custom-metrics/{id}",
  "burst": 1,
  "steady": 15,
  "daily": 15,
  "tiers": [],
  "scopes": [
   "metrics:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "update_flow",
  "method": "PATCH",
  "path": "/api/flows/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "flows:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "update_flow_action",
  "method": "PATCH",
  "path": "/api/flow-actions/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "flows:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "update_image",
  "method": "PATCH",
  "path": "/api/images/{id}",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "images:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "update_image_for_campaign_message",
  "method": "PATCH",
  "path": "/api/campaign-messages/{id}/relationships/image",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "campaigns:write",
   "images:read"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "update_items_for_catalog_category",
  "method": "PATCH",
  "path": "/api/catalog-categories/{id}/relationships/items",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "catalogs:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "update_list",
  "method": "PATCH",
  "path": "/api/lists/{id}",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "lists:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "update_mapped_metric",
  "method": "PATCH",
  "path": "/api/mapped-metrics/{id}",
  "burst": 1,
  "steady": 15,
  "daily": 30,
  "tiers": [],
  "scopes": [
   "metrics:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "update_object_schema",
  "method": "PATCH",
  "path": "/api/object-schemas/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "update_object_schema_relationship",
  "method": "PATCH",
  "path": "/api/object-schemas/{id}/relationships/object-schemas",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "update_profile",
  "method": "PATCH",
  "path": "/api/profiles/{id}",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "profiles:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "update_profile_schema_relationship",
  "method": "PATCH",
  "path": "/api/object-schemas/{id}/relationships/profile-object-schemas",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "update_review",
  "method": "PATCH",
  "path": "/api/reviews/{id}",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "reviews:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "update_segment",
  "method": "PATCH",
  "path": "/api/segments/{id}",
  "burst": 1,
  "steady": 15,
  "daily": 100,
  "tiers": [],
  "scopes": [
   "segments:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "update_source_mapping",
  "method": "PATCH",
  "path": "/api/source-mappings/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "custom-objects:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "update_tag",
  "method": "PATCH",
  "path": "/api/tags/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "tags:read",
   "tags:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "update_tag_group",
  "method": "PATCH",
  "path": "/api/tag-groups/{id}",
  "burst": 3,
  "steady": 60,
  "daily": null,
  "tiers": [],
  "scopes": [
   "tags:read",
   "tags:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 204
 },
 {
  "id": "update_template",
  "method": "PATCH",
  "path": "/api/templates/{id}",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "templates:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "update_tracking_setting",
  "method": "PATCH",
  "path": "/api/tracking-settings/{id}",
  "burst": 10,
  "steady": 150,
  "daily": null,
  "tiers": [],
  "scopes": [
   "tracking-settings:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "update_universal_content",
  "method": "PATCH",
  "path": "/api/template-universal-content/{id}",
  "burst": 75,
  "steady": 750,
  "daily": null,
  "tiers": [],
  "scopes": [
   "templates:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "update_web_feed",
  "method": "PATCH",
  "path": "/api/web-feeds/{id}",
  "burst": 1,
  "steady": 15,
  "daily": null,
  "tiers": [],
  "scopes": [
   "web-feeds:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "update_webhook",
  "method": "PATCH",
  "path": "/api/webhooks/{id}",
  "burst": 1,
  "steady": 15,
  "daily": null,
  "tiers": [],
  "scopes": [
   "webhooks:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 200
 },
 {
  "id": "upload_image_from_file",
  "method": "POST",
  "path": "/api/image-upload",
  "burst": 3,
  "steady": 100,
  "daily": 100,
  "tiers": [],
  "scopes": [
   "images:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "multipart/form-data",
  "status": 201
 },
 {
  "id": "upload_image_from_url",
  "method": "POST",
  "path": "/api/images",
  "burst": 3,
  "steady": 100,
  "daily": 100,
  "tiers": [],
  "scopes": [
   "images:write"
  ],
  "pageSize": null,
  "cursor": false,
  "filter": false,
  "filterRequired": false,
  "body": "application/vnd.api+json",
  "status": 201
 }
] as const satisfies readonly OperationInfo[];

export type OperationId = (typeof OPERATIONS)[number]["id"];
