import { describeScalar, formatScalar } from "./literals.js";
import type { FilterCondition, FilterScalar, XKlaviyoFilterField, XKlaviyoFilters } from "./types.js";

function shapeOf(c: FilterCondition): "single" | "list" | "none" {
  if (c.value.kind === "list") return "list";
  if (c.value.kind === "none") return "none";
  return "single";
}

function quoteList(items: readonly string[]): string {
  return items.map((s) => JSON.stringify(s)).join(", ");
}

function allowedOperators(spec: XKlaviyoFilterField): string[] {
  const ops = new Set<string>();
  for (const shape of ["single", "list", "none"] as const)
    for (const op of spec.operators[shape] ?? []) ops.add(op);
  return [...ops].sort();
}

function example(operator: string, field: string, shape: "single" | "list" | "none"): string {
  if (shape === "none") return `${operator}(${field})`;
  if (shape === "list") return `${operator}(${field},['a','b'])`;
  return `${operator}(${field},value)`;
}

/** Problems with one literal against the field's declared value type (empty when it fits). */
function checkScalar(c: FilterCondition, v: FilterScalar, spec: XKlaviyoFilterField): string | undefined {
  const type = spec.value?.type;
  const format = spec.value?.format;
  const where = `${c.operator}(${c.field}, …)`;
  if (v.kind === "null") {
    // Klaviyo does not document null in filters; allow it only as "equals null".
    return c.operator === "equals" ? undefined : `${where}: null can only be used with equals`;
  }
  if (type === "string" && format === "date-time") {
    if (v.kind === "datetime") return undefined;
    return `${where} needs an unquoted ISO 8601 date-time such as 2024-01-01T00:00:00Z, got ${describeScalar(v)}`;
  }
  if (type === "boolean") {
    return v.kind === "boolean" ? undefined : `${where} needs true or false, got ${describeScalar(v)}`;
  }
  if (type === "integer") {
    return v.kind === "number" && Number.isInteger(v.value)
      ? undefined
      : `${where} needs an integer, got ${describeScalar(v)}`;
  }
  if (type === "number") {
    return v.kind === "number" ? undefined : `${where} needs a number, got ${describeScalar(v)}`;
  }
  if (type === "string") {
    if (v.kind !== "string") return `${where} needs a quoted string such as 'text', got ${describeScalar(v)}`;
    const allowed = spec.value?.enum;
    if (allowed && !allowed.includes(v.value)) {
      return `${where}: ${formatScalar(v)} is not one of the allowed values ${allowed.map((a) => JSON.stringify(a)).join(", ")}`;
    }
  }
  return undefined;
}

/**
 * Checks parsed filter conditions against an operation's `x-klaviyo-filters`. Returns human-readable
 * problems (empty when the filter is acceptable): unknown fields, operators the field does not allow,
 * a list where a single value is expected (or the reverse), and values of the wrong type.
 */
export function checkFilterForOperation(
  conditions: readonly FilterCondition[],
  xKlaviyoFilters: XKlaviyoFilters | undefined,
): string[] {
  const problems: string[] = [];
  if (!xKlaviyoFilters) {
    if (conditions.length > 0) problems.push("this operation does not accept a filter");
    return problems;
  }
  const fields = Object.keys(xKlaviyoFilters);
  for (const c of conditions) {
    const spec = Object.hasOwn(xKlaviyoFilters, c.field) ? xKlaviyoFilters[c.field] : undefined;
    if (!spec) {
      problems.push(
        `${JSON.stringify(c.field)} cannot be filtered on here; filterable fields: ${quoteList(fields)}`,
      );
      continue;
    }
    const allowed = allowedOperators(spec);
    if (!allowed.includes(c.operator)) {
      problems.push(
        `operator ${JSON.stringify(c.operator)} is not allowed on ${JSON.stringify(c.field)}; allowed: ${quoteList(allowed)}`,
      );
      continue;
    }
    const shape = shapeOf(c);
    if (!(spec.operators[shape] ?? []).includes(c.operator)) {
      const shapes = (["single", "list", "none"] as const).filter((s) =>
        (spec.operators[s] ?? []).includes(c.operator),
      );
      const wanted = shapes.map((s) =>
        s === "single" ? "a single value" : s === "list" ? "a list" : "no value",
      );
      problems.push(
        `${c.operator} on ${JSON.stringify(c.field)} takes ${wanted.join(" or ")}, not ${shape === "single" ? "a single value" : shape === "list" ? "a list" : "no value"}: write ${example(c.operator, c.field, shapes[0] ?? "single")}`,
      );
      continue;
    }
    if (c.value.kind === "none") continue;
    const items = c.value.kind === "list" ? c.value.items : [c.value];
    for (const item of items) {
      const problem = checkScalar(c, item, spec);
      if (problem) problems.push(problem);
    }
  }
  return problems;
}
