/** Lists and segments, and their memberships (one read per list or segment). */
import { attributesRow, coerce, columnsFromSpec } from "../schema.js";
import type { ApiResource, Column, Row, StreamDefinition } from "../types.js";
import { boundedCursor, maxPageSize, requireParent } from "./shared.js";

const LIST_COLUMNS = columnsFromSpec("get_lists");
const SEGMENT_COLUMNS = columnsFromSpec("get_segments");

export const lists = {
  name: "lists",
  description: "Lists (static audiences).",
  operation: "get_lists",
  primaryKey: ["id"],
  // get_lists allows only greater-than on `updated`: no upper bound.
  cursor: { field: "updated", column: "updated", lower: "greater-than", sort: "updated" },
  defaultMode: "incremental",
  pageSize: maxPageSize("get_lists"),
  columns: LIST_COLUMNS,
  toRow: (resource) => attributesRow(resource, LIST_COLUMNS),
} satisfies StreamDefinition;

export const segments = {
  name: "segments",
  description: "Segments (dynamic audiences) with their definitions.",
  operation: "get_segments",
  primaryKey: ["id"],
  // get_segments allows only greater-than on `updated`: no upper bound.
  cursor: { field: "updated", column: "updated", lower: "greater-than", sort: "updated" },
  defaultMode: "incremental",
  pageSize: maxPageSize("get_segments"),
  columns: SEGMENT_COLUMNS,
  toRow: (resource) => attributesRow(resource, SEGMENT_COLUMNS),
} satisfies StreamDefinition;

function membershipColumns(parentColumn: string): Column[] {
  return [
    { name: parentColumn, type: "VARCHAR" },
    { name: "profile_id", type: "VARCHAR" },
    { name: "joined_group_at", type: "TIMESTAMPTZ" },
    { name: "email", type: "VARCHAR" },
  ];
}

function membershipRow(stream: string, parentColumn: string, resource: ApiResource, parentId?: string): Row {
  return {
    [parentColumn]: requireParent(stream, parentId),
    profile_id: resource.id,
    joined_group_at: coerce(resource.attributes?.joined_group_at, "TIMESTAMPTZ"),
    email: coerce(resource.attributes?.email, "VARCHAR"),
  };
}

/** Sparse fieldset: a membership row needs two attributes, not whole profiles. */
const MEMBER_FIELDS = { "fields[profile]": "email,joined_group_at" };

export const list_memberships = {
  name: "list_memberships",
  description:
    "Which profiles are on which list, and since when. New members are read incrementally by joined_group_at; periodic full passes mark removals in _deleted_at.",
  operation: "get_profiles_for_list",
  query: MEMBER_FIELDS,
  parent: { stream: "lists", param: "id", column: "list_id" },
  primaryKey: ["list_id", "profile_id"],
  cursor: boundedCursor("joined_group_at"),
  defaultMode: "incremental",
  tracksDeletions: true,
  pageSize: maxPageSize("get_profiles_for_list"),
  columns: membershipColumns("list_id"),
  toRow: (resource, { parentId }) => membershipRow("list_memberships", "list_id", resource, parentId),
} satisfies StreamDefinition;

export const segment_memberships = {
  name: "segment_memberships",
  description:
    "Which profiles are in which segment, and since when. New members are read incrementally by joined_group_at; periodic full passes mark removals in _deleted_at.",
  operation: "get_profiles_for_segment",
  query: MEMBER_FIELDS,
  parent: { stream: "segments", param: "id", column: "segment_id" },
  primaryKey: ["segment_id", "profile_id"],
  cursor: boundedCursor("joined_group_at"),
  defaultMode: "incremental",
  tracksDeletions: true,
  pageSize: maxPageSize("get_profiles_for_segment"),
  columns: membershipColumns("segment_id"),
  toRow: (resource, { parentId }) => membershipRow("segment_memberships", "segment_id", resource, parentId),
} satisfies StreamDefinition;
