/**
 * Klaviyo's filter language (`?filter=equals(email,'a@b.com'),greater-than(updated,2024-01-01T00:00:00Z)`):
 * a builder, a parser and a checker against an operation's `x-klaviyo-filters`.
 */
export { Filter, type FilterInput, type FilterScalarInput, filter, filterToString } from "./builder.js";
export { checkFilterForOperation } from "./check.js";
export { FilterError, FilterSyntaxError } from "./errors.js";
export { formatScalar, parseIsoDateTime, quoteString } from "./literals.js";
export { parseFilter } from "./parse.js";
export {
  FIELD_PATTERN,
  FILTER_OPERATORS,
  type FilterCondition,
  type FilterOperator,
  type FilterScalar,
  type FilterValue,
  type XKlaviyoFilterField,
  type XKlaviyoFilters,
} from "./types.js";
