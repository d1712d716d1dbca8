/**
 * Typed columns from the spec: the attributes of an operation's response resource become columns
 * (date-times → TIMESTAMPTZ, integers → BIGINT, numbers → DOUBLE, booleans, nested objects and
 * arrays → JSON), so tables match what Klaviyo documents rather than what one page happened to hold.
 */
import { loadSpec } from "../spec/index.js";
import type { Column, ColumnType, Row } from "./types.js";

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  nullable?: boolean;
}

function resolve(s: Schema | undefined, depth = 0): Schema {
  if (!s || depth > 20) return {};
  if (s.$ref) {
    const name = s.$ref.replace("#/components/schemas/", "");
    const target = (loadSpec().components.schemas as Record<string, Schema> | undefined)?.[name];
    return resolve(target, depth + 1);
  }
  if (s.allOf) {
    const merged: Schema = { type: "object", properties: {} };
    for (const part of s.allOf) {
      const r = resolve(part, depth + 1);
      if (r.properties) {
        for (const [k, v] of Object.entries(r.properties)) {
          const prev = merged.properties?.[k];
          (merged.properties as Record<string, Schema>)[k] = prev ? { allOf: [prev, v] } : v;
        }
      }
      if (r.type && r.type !== "object") merged.type = r.type;
    }
    return merged;
  }
  return s;
}

function typeOf(s: Schema | undefined): ColumnType {
  const r = resolve(s);
  const variants = r.oneOf ?? r.anyOf;
  if (variants) {
    const types = new Set(variants.map((v) => typeOf(v)));
    return types.size === 1 ? ([...types][0] as ColumnType) : "JSON";
  }
  switch (r.type) {
    case "string":
      return r.format === "date-time" ? "TIMESTAMPTZ" : r.format === "date" ? "DATE" : "VARCHAR";
    case "integer":
      return "BIGINT";
    case "number":
      return "DOUBLE";
    case "boolean":
      return "BOOLEAN";
    case "array":
    case "object":
      return "JSON";
    default:
      return r.properties ? "JSON" : "VARCHAR";
  }
}

/** The attribute schemas of the resources a collection operation returns. */
export function attributeSchemas(operationId: string): Record<string, Schema> {
  const spec = loadSpec();
  for (const item of Object.values(spec.paths)) {
    for (const op of Object.values(
      item as Record<string, { operationId?: string; responses?: Record<string, unknown> }>,
    )) {
      if (op?.operationId !== operationId) continue;
      const ok = op.responses?.["200"] as { content?: Record<string, { schema?: Schema }> } | undefined;
      const doc = resolve(ok?.content?.["application/vnd.api+json"]?.schema);
      const data = resolve(doc.properties?.data);
      const resource = resolve(data.type === "array" ? data.items : data);
      const attrs = resolve(resource.properties?.attributes);
      return attrs.properties ?? {};
    }
  }
  throw new Error(`no operation ${operationId} in the spec`);
}

/**
 * Columns for a stream: `id`, then every documented attribute (dotted names are not flattened:
 * nested objects stay one JSON column), minus `exclude`, with `overrides` applied.
 */
export function columnsFromSpec(
  operationId: string,
  options: { exclude?: string[]; overrides?: Record<string, ColumnType>; extra?: Column[] } = {},
): Column[] {
  const cols: Column[] = [{ name: "id", type: "VARCHAR" }];
  for (const [name, schema] of Object.entries(attributeSchemas(operationId))) {
    if (options.exclude?.includes(name)) continue;
    cols.push({ name, type: options.overrides?.[name] ?? typeOf(schema) });
  }
  for (const c of options.extra ?? []) if (!cols.some((x) => x.name === c.name)) cols.push(c);
  return cols;
}

import { coerce } from "./row-spec.js";

export { coerce };

/** The default row for a resource: `id` plus its attributes, coerced to the columns' types. */
export function attributesRow(
  resource: { id: string; attributes?: Record<string, unknown> },
  columns: readonly Column[],
): Row {
  const row: Row = {};
  const attrs = resource.attributes ?? {};
  for (const c of columns) {
    row[c.name] = c.name === "id" ? resource.id : coerce(attrs[c.name], c.type);
  }
  return row;
}
