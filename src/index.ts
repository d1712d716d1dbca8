/** klaviyo-sync: the public API of the package. */
export * from "./client/index.js";
export { Filter, type FilterInput, filter } from "./filter/index.js";
