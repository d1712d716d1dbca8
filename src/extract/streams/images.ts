/** Images uploaded to the account. */
import { attributesRow, columnsFromSpec } from "../schema.js";
import type { StreamDefinition } from "../types.js";
import { boundedCursor, maxPageSize } from "./shared.js";

const IMAGE_COLUMNS = columnsFromSpec("get_images");

export const images = {
  name: "images",
  description: "Images in the account's library (URL, format, size, hidden).",
  operation: "get_images",
  primaryKey: ["id"],
  cursor: boundedCursor("updated_at"),
  defaultMode: "incremental",
  pageSize: maxPageSize("get_images"),
  columns: IMAGE_COLUMNS,
  toRow: (resource) => attributesRow(resource, IMAGE_COLUMNS),
} satisfies StreamDefinition;
