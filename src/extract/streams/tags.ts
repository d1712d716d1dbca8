/** Tags and tag groups. Neither has a date filter: full refresh. */
import { attributesRow, columnsFromSpec } from "../schema.js";
import type { StreamDefinition } from "../types.js";
import { maxPageSize, relatedId, resourceRow } from "./shared.js";

const TAG_COLUMNS = columnsFromSpec("get_tags", { extra: [{ name: "tag_group_id", type: "VARCHAR" }] });

export const tags = {
  name: "tags",
  description: "Tags with their tag group id.",
  operation: "get_tags",
  // Asking for the tag group makes the relationship's id part of every tag.
  query: { include: "tag-group" },
  primaryKey: ["id"],
  defaultMode: "full-refresh",
  pageSize: maxPageSize("get_tags"),
  columns: TAG_COLUMNS,
  toRow: (resource) => resourceRow(resource, TAG_COLUMNS, { tag_group_id: relatedId(resource, "tag-group") }),
} satisfies StreamDefinition;

const TAG_GROUP_COLUMNS = columnsFromSpec("get_tag_groups");

export const tag_groups = {
  name: "tag_groups",
  description: "Tag groups (exclusive or not, default or not).",
  operation: "get_tag_groups",
  primaryKey: ["id"],
  defaultMode: "full-refresh",
  pageSize: maxPageSize("get_tag_groups"),
  columns: TAG_GROUP_COLUMNS,
  toRow: (resource) => attributesRow(resource, TAG_GROUP_COLUMNS),
} satisfies StreamDefinition;
