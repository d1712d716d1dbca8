/**
 * Extract streams as protocol streams: a JSON Schema per stream built from its typed columns, and
 * a row turned into the JSON record a RECORD message carries (timestamps as ISO 8601 UTC text).
 *
 * Only the stream's own columns travel: `_extracted_at` is the message's `emitted_at` /
 * `time_extracted`, and the run id and `_deleted_at` belong to the warehouse targets (membership
 * removals are found by comparing with what a table holds, which a record stream has not got).
 */
import type { Column, ColumnType, Row, StreamDefinition } from "../extract/types.js";

export type JsonSchema = Record<string, unknown>;

/** The JSON Schema of one column's values (always nullable: Klaviyo leaves attributes out). */
export function columnSchema(type: ColumnType): JsonSchema {
  switch (type) {
    case "VARCHAR":
      return { type: ["null", "string"] };
    case "BIGINT":
      return { type: ["null", "integer"] };
    case "DOUBLE":
      return { type: ["null", "number"] };
    case "BOOLEAN":
      return { type: ["null", "boolean"] };
    case "TIMESTAMPTZ":
      return { type: ["null", "string"], format: "date-time", airbyte_type: "timestamp_with_timezone" };
    case "DATE":
      return { type: ["null", "string"], format: "date" };
    case "JSON":
      // Objects, lists or scalars as Klaviyo returns them.
      return { type: ["null", "object", "array", "string", "number", "integer", "boolean"] };
  }
}

/** The JSON Schema of a stream's records. */
export function streamSchema(def: StreamDefinition, columns: readonly Column[] = def.columns): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const c of columns) properties[c.name] = columnSchema(c.type);
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    type: "object",
    additionalProperties: true,
    properties,
  };
}

function jsonValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === "bigint")
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === "number" && !Number.isFinite(value)) return null;
  return value;
}

/** The record of a row: the stream's columns (those in `only`, when given), JSON-ready. */
export function recordOf(
  row: Row,
  def: StreamDefinition,
  only?: ReadonlySet<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of def.columns) {
    if (only && !only.has(c.name)) continue;
    out[c.name] = jsonValue(row[c.name]);
  }
  return out;
}
