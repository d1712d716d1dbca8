import type { BaseClient } from "../client.js";
import { identifiers, methods, type RequestOptions } from "./shared.js";

/**
 * The catalog: items, variants and categories. Bulk jobs take up to 100 resources per request
 * (5 MB), with at most 500 jobs in progress; poll them with the matching `get…Job(jobId)`.
 */
export function catalogResource(client: BaseClient) {
  const m = methods(client);
  return {
    items: {
      list: m.list("get_catalog_items"),
      get: m.get("get_catalog_item"),
      create: m.create("create_catalog_item"),
      update: m.update("update_catalog_item"),
      delete: m.remove("delete_catalog_item"),
      /** The variants of an item. */
      variants: m.listOf("get_variants_for_catalog_item"),
      /** The categories an item belongs to. */
      categories: m.listOf("get_categories_for_catalog_item"),
      bulkCreate: m.create("bulk_create_catalog_items"),
      bulkUpdate: m.create("bulk_update_catalog_items"),
      bulkDelete: m.create("bulk_delete_catalog_items"),
      getBulkCreateJob: m.get("get_bulk_create_catalog_items_job", "job_id"),
      getBulkUpdateJob: m.get("get_bulk_update_catalog_items_job", "job_id"),
      getBulkDeleteJob: m.get("get_bulk_delete_catalog_items_job", "job_id"),
    },
    variants: {
      list: m.list("get_catalog_variants"),
      get: m.get("get_catalog_variant"),
      create: m.create("create_catalog_variant"),
      update: m.update("update_catalog_variant"),
      delete: m.remove("delete_catalog_variant"),
      bulkCreate: m.create("bulk_create_catalog_variants"),
      bulkUpdate: m.create("bulk_update_catalog_variants"),
      bulkDelete: m.create("bulk_delete_catalog_variants"),
      getBulkCreateJob: m.get("get_bulk_create_variants_job", "job_id"),
      getBulkUpdateJob: m.get("get_bulk_update_variants_job", "job_id"),
      getBulkDeleteJob: m.get("get_bulk_delete_variants_job", "job_id"),
    },
    categories: {
      list: m.list("get_catalog_categories"),
      get: m.get("get_catalog_category"),
      create: m.create("create_catalog_category"),
      update: m.update("update_catalog_category"),
      delete: m.remove("delete_catalog_category"),
      /** The items in a category. */
      items: m.listOf("get_items_for_catalog_category"),
      addItems: (categoryId: string, itemIds: readonly string[], options?: RequestOptions) =>
        client.call("add_items_to_catalog_category", {
          ...options,
          path: { id: categoryId },
          body: identifiers("catalog-item", itemIds),
        }),
      removeItems: (categoryId: string, itemIds: readonly string[], options?: RequestOptions) =>
        client.call("remove_items_from_catalog_category", {
          ...options,
          path: { id: categoryId },
          body: identifiers("catalog-item", itemIds),
        }),
      bulkCreate: m.create("bulk_create_catalog_categories"),
      bulkUpdate: m.create("bulk_update_catalog_categories"),
      bulkDelete: m.create("bulk_delete_catalog_categories"),
      getBulkCreateJob: m.get("get_bulk_create_categories_job", "job_id"),
      getBulkUpdateJob: m.get("get_bulk_update_categories_job", "job_id"),
      getBulkDeleteJob: m.get("get_bulk_delete_categories_job", "job_id"),
    },
  };
}
