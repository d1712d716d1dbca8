import { FilterError } from "./errors.js";
import { formatScalar } from "./literals.js";
import { parseFilter } from "./parse.js";
import {
  FIELD_PATTERN,
  type FilterCondition,
  type FilterOperator,
  type FilterScalar,
  type FilterValue,
} from "./types.js";

/** A value the builder accepts. A Date becomes an unquoted ISO 8601 date-time. */
export type FilterScalarInput = string | number | boolean | null | Date;

function formatCondition(c: FilterCondition): string {
  switch (c.value.kind) {
    case "none":
      return `${c.operator}(${c.field})`;
    case "list":
      return `${c.operator}(${c.field},[${c.value.items.map(formatScalar).join(",")}])`;
    default:
      return `${c.operator}(${c.field},${formatScalar(c.value)})`;
  }
}

function freezeCondition(c: FilterCondition): FilterCondition {
  if (c.value.kind === "list") Object.freeze(c.value.items);
  Object.freeze(c.value);
  return Object.freeze(c);
}

/**
 * An immutable Klaviyo filter: the AND of its conditions. `toString()` gives the text for the
 * `filter` query parameter, with several conditions joined by commas.
 */
export class Filter {
  readonly conditions: readonly FilterCondition[];
  readonly #text: string;

  /** Prefer the `filter` builder; this trusts that the conditions are well formed. */
  constructor(conditions: readonly FilterCondition[]) {
    if (conditions.length === 0) throw new FilterError("A filter needs at least one condition.");
    this.conditions = Object.freeze(conditions.map(freezeCondition));
    this.#text = this.conditions.map(formatCondition).join(",");
    Object.freeze(this);
  }

  toString(): string {
    return this.#text;
  }

  toJSON(): string {
    return this.#text;
  }
}

/** A filter given either as built `Filter` or as raw Klaviyo filter text. */
export type FilterInput = Filter | string;

/** The filter text to send. Raw text is parsed first, so malformed filters fail before any request. */
export function filterToString(input: FilterInput): string {
  if (input instanceof Filter) return input.toString();
  if (typeof input !== "string") {
    throw new FilterError(
      `A filter must be built with filter.* or given as a string, not ${describeInput(input)}.`,
    );
  }
  parseFilter(input);
  return input;
}

function describeInput(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date)
    return `a Date (${Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString()})`;
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return `${typeof value} ${String(value)}`;
  return typeof value;
}

function checkField(operator: string, field: unknown): string {
  if (typeof field !== "string" || !FIELD_PATTERN.test(field)) {
    throw new FilterError(
      `Invalid field name ${typeof field === "string" ? JSON.stringify(field) : describeInput(field)} in ${operator}(...): a field starts with a letter, "_" or "$" and contains only letters, digits and _ . $ : -.`,
    );
  }
  return field;
}

function toScalar(operator: string, field: string, value: unknown): FilterScalar {
  if (typeof value === "string") return { kind: "string", value };
  if (typeof value === "boolean") return { kind: "boolean", value };
  if (value === null) return { kind: "null" };
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      throw new FilterError(`${operator}(${field}, …) got ${value}; filter numbers must be finite.`);
    }
    return { kind: "number", value: Object.is(value, -0) ? 0 : value };
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms))
      throw new FilterError(`${operator}(${field}, …) got an invalid Date (Invalid Date).`);
    const year = value.getUTCFullYear();
    if (year < 0 || year > 9999) {
      throw new FilterError(
        `${operator}(${field}, …) got a Date in the year ${year}; Klaviyo date-times need a year from 0000 to 9999.`,
      );
    }
    return { kind: "datetime", raw: value.toISOString(), epochMs: ms };
  }
  throw new FilterError(
    `${operator}(${field}, …) got ${describeInput(value)}; a filter value must be a string, number, boolean, null or Date.`,
  );
}

function one(
  operator: FilterOperator,
  field: unknown,
  value: FilterValue | ((f: string) => FilterValue),
): Filter {
  const f = checkField(operator, field);
  return new Filter([{ operator, field: f, value: typeof value === "function" ? value(f) : value }]);
}

function list(operator: FilterOperator, field: string, values: unknown): FilterValue {
  if (!Array.isArray(values) || values.length === 0) {
    throw new FilterError(
      `${operator}(${field}, …) needs a non-empty array of values, got ${Array.isArray(values) ? "an empty array" : describeInput(values)}.`,
    );
  }
  return {
    kind: "list",
    items: values.map((v: unknown) => {
      if (Array.isArray(v)) throw new FilterError(`${operator}(${field}, …): lists cannot be nested.`);
      return toScalar(operator, field, v);
    }),
  };
}

function single(operator: FilterOperator, field: string, value: unknown): FilterValue {
  if (Array.isArray(value))
    throw new FilterError(`${operator}(${field}, …) takes a single value, not an array.`);
  return toScalar(operator, field, value);
}

function text(operator: FilterOperator, field: string, value: unknown): FilterValue {
  if (typeof value !== "string")
    throw new FilterError(`${operator}(${field}, …) needs a string, got ${describeInput(value)}.`);
  return { kind: "string", value };
}

/**
 * Builds Klaviyo filters. Every method validates its arguments and throws FilterError at once.
 *
 *     filter.and(filter.equals("email", "a@b.com"), filter.greaterThan("updated", new Date(0)))
 *     // → equals(email,'a@b.com'),greater-than(updated,1970-01-01T00:00:00.000Z)
 */
export const filter = Object.freeze({
  /** `equals(field,value)`; an array gives `equals(field,['a','b'])`, which some fields accept. */
  equals(field: string, value: FilterScalarInput | readonly FilterScalarInput[]): Filter {
    return one("equals", field, (f) =>
      Array.isArray(value) ? list("equals", f, value) : single("equals", f, value),
    );
  },
  /** `any(field,['a','b'])`: matches any of the values. */
  any(field: string, values: readonly FilterScalarInput[]): Filter {
    return one("any", field, (f) => list("any", f, values));
  },
  greaterThan(field: string, value: number | Date | string): Filter {
    return one("greater-than", field, (f) => single("greater-than", f, value));
  },
  greaterOrEqual(field: string, value: number | Date | string): Filter {
    return one("greater-or-equal", field, (f) => single("greater-or-equal", f, value));
  },
  lessThan(field: string, value: number | Date | string): Filter {
    return one("less-than", field, (f) => single("less-than", f, value));
  },
  lessOrEqual(field: string, value: number | Date | string): Filter {
    return one("less-or-equal", field, (f) => single("less-or-equal", f, value));
  },
  contains(field: string, value: string): Filter {
    return one("contains", field, (f) => text("contains", f, value));
  },
  startsWith(field: string, value: string): Filter {
    return one("starts-with", field, (f) => text("starts-with", f, value));
  },
  endsWith(field: string, value: string): Filter {
    return one("ends-with", field, (f) => text("ends-with", f, value));
  },
  /** `has(field)`: the related resource exists (`has(profile)` on events). */
  has(field: string): Filter {
    return one("has", field, { kind: "none" });
  },
  /** All parts must hold. Raw strings are parsed (and so checked). */
  and(...parts: readonly FilterInput[]): Filter {
    if (parts.length === 0) throw new FilterError("filter.and() needs at least one condition.");
    const conditions: FilterCondition[] = [];
    for (const part of parts) {
      if (part instanceof Filter) conditions.push(...part.conditions);
      else if (typeof part === "string") conditions.push(...parseFilter(part));
      else throw new FilterError(`filter.and() takes filters or filter strings, not ${describeInput(part)}.`);
    }
    return new Filter(conditions);
  },
});
