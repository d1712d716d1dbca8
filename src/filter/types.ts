/** Operators of Klaviyo's filter language (`contains-any` / `contains-all` occur only in Reporting bodies). */
export const FILTER_OPERATORS = [
  "equals",
  "any",
  "greater-than",
  "greater-or-equal",
  "less-than",
  "less-or-equal",
  "contains",
  "contains-any",
  "contains-all",
  "starts-with",
  "ends-with",
  "has",
] as const;

export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** Operators whose value must be a list (`any(id,['a','b'])`). */
export const LIST_OPERATORS: ReadonlySet<FilterOperator> = new Set(["any", "contains-any", "contains-all"]);
/** Operators that take no value (`has(profile)`). */
export const NO_VALUE_OPERATORS: ReadonlySet<FilterOperator> = new Set(["has"]);
/** Operators that take a single value, never a list. `equals` takes either. */
export const SINGLE_OPERATORS: ReadonlySet<FilterOperator> = new Set([
  "greater-than",
  "greater-or-equal",
  "less-than",
  "less-or-equal",
  "contains",
  "starts-with",
  "ends-with",
]);

/** A field name as Klaviyo writes it: `email`, `messages.channel`, `$custom_field`. */
export const FIELD_PATTERN = /^[A-Za-z_$][\w.$:-]*$/;

/** One literal of a filter. Date-times are unquoted ISO 8601 in the filter text. */
export type FilterScalar =
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "number"; readonly value: number }
  | { readonly kind: "boolean"; readonly value: boolean }
  | { readonly kind: "null" }
  | {
      readonly kind: "datetime";
      /** The literal exactly as written, e.g. `2022-11-08T00:00:00+00:00`. */
      readonly raw: string;
      /** Milliseconds since the epoch; a date-time without an offset is read as UTC. */
      readonly epochMs: number;
    };

export type FilterValue =
  | FilterScalar
  | { readonly kind: "list"; readonly items: readonly FilterScalar[] }
  /** For `has(field)`. */
  | { readonly kind: "none" };

/** One `operator(field,value)` condition. A filter is the AND of its conditions. */
export interface FilterCondition {
  readonly operator: FilterOperator;
  readonly field: string;
  readonly value: FilterValue;
}

/** The `x-klaviyo-filters` extension of one operation in the OpenAPI spec. */
export type XKlaviyoFilters = Readonly<Record<string, XKlaviyoFilterField>>;

export interface XKlaviyoFilterField {
  readonly operators: {
    readonly single?: readonly string[];
    readonly list?: readonly string[];
    readonly none?: readonly string[];
  };
  readonly value?: {
    readonly type?: string;
    readonly format?: string;
    readonly enum?: readonly unknown[];
  };
}
