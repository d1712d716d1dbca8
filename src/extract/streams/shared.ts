/** Small helpers the stream definitions share: page sizes from the spec and relationship ids. */
import { getOperation } from "../../client/operations.js";
import type { OperationKey } from "../../client/typed.js";
import { attributesRow, coerce } from "../schema.js";
import type { ApiResource, Column, CursorSpec, Row } from "../types.js";

/** The largest `page[size]` the operation accepts; undefined when it takes none. */
export function maxPageSize(operation: OperationKey): number | undefined {
  return getOperation(operation)?.pageSize?.max ?? undefined;
}

/** The id of a to-one relationship (`relationships.metric.data.id`), or null when absent. */
export function relatedId(resource: ApiResource, relationship: string): string | null {
  const data = resource.relationships?.[relationship]?.data;
  return data && !Array.isArray(data) ? data.id : null;
}

/**
 * `id` and the attributes coerced to the columns' types, then `extra` values (relationship ids,
 * parent ids) coerced to theirs.
 */
export function resourceRow(
  resource: ApiResource,
  columns: readonly Column[],
  extra: Record<string, unknown> = {},
): Row {
  const row = attributesRow(resource, columns);
  for (const [name, value] of Object.entries(extra)) {
    const column = columns.find((c) => c.name === name);
    row[name] = column ? coerce(value, column.type) : value;
  }
  return row;
}

/** A child row needs its parent's id; reading it without one is a runner bug, not data. */
export function requireParent(stream: string, parentId: string | undefined): string {
  if (!parentId) throw new Error(`Stream "${stream}" reads per parent and needs the parent id for each row.`);
  return parentId;
}

/**
 * The cursor most streams use: an `updated`-style attribute read with a lower bound that
 * includes the boundary (rows are merged by primary key, so re-reading it is harmless and no row
 * sharing the last committed timestamp is skipped), an upper bound at the run's start, in order.
 */
export function boundedCursor(field: string): CursorSpec {
  return { field, column: field, lower: "greater-or-equal", upper: "less-than", sort: field };
}
