/**
 * The catalog: items, variants and categories. The catalog reads have no date filter (sort by
 * `created` only), so they are full refreshes. Item ↔ category links are not in the collection
 * responses (they would take one request per item) and are left out.
 */
import { attributesRow, columnsFromSpec } from "../schema.js";
import type { StreamDefinition } from "../types.js";
import { maxPageSize, relatedId, resourceRow } from "./shared.js";

const ITEM_COLUMNS = columnsFromSpec("get_catalog_items");

export const catalog_items = {
  name: "catalog_items",
  description: "Catalog items (products) with price, images and custom metadata.",
  operation: "get_catalog_items",
  primaryKey: ["id"],
  defaultMode: "full-refresh",
  pageSize: maxPageSize("get_catalog_items"),
  columns: ITEM_COLUMNS,
  toRow: (resource) => attributesRow(resource, ITEM_COLUMNS),
} satisfies StreamDefinition;

const VARIANT_COLUMNS = columnsFromSpec("get_catalog_variants", {
  extra: [{ name: "item_id", type: "VARCHAR" }],
});

export const catalog_variants = {
  name: "catalog_variants",
  description: "Catalog variants (SKUs) with inventory and price, and the id of their item.",
  operation: "get_catalog_variants",
  primaryKey: ["id"],
  defaultMode: "full-refresh",
  pageSize: maxPageSize("get_catalog_variants"),
  columns: VARIANT_COLUMNS,
  toRow: (resource) => resourceRow(resource, VARIANT_COLUMNS, { item_id: relatedId(resource, "item") }),
} satisfies StreamDefinition;

const CATEGORY_COLUMNS = columnsFromSpec("get_catalog_categories");

export const catalog_categories = {
  name: "catalog_categories",
  description: "Catalog categories.",
  operation: "get_catalog_categories",
  primaryKey: ["id"],
  defaultMode: "full-refresh",
  pageSize: maxPageSize("get_catalog_categories"),
  columns: CATEGORY_COLUMNS,
  toRow: (resource) => attributesRow(resource, CATEGORY_COLUMNS),
} satisfies StreamDefinition;
