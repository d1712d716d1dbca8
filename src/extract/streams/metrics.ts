/** Metrics (event types). No date filter exists on get_metrics: always a full refresh. */
import { attributesRow, columnsFromSpec } from "../schema.js";
import type { StreamDefinition } from "../types.js";

// `created` / `updated` are plain strings in the spec although documented as ISO 8601.
const METRIC_COLUMNS = columnsFromSpec("get_metrics", {
  overrides: { created: "TIMESTAMPTZ", updated: "TIMESTAMPTZ" },
});

export const metrics = {
  name: "metrics",
  description: "Metrics (event types such as Placed Order) with their integration.",
  operation: "get_metrics",
  primaryKey: ["id"],
  defaultMode: "full-refresh",
  // get_metrics takes no page[size].
  columns: METRIC_COLUMNS,
  toRow: (resource) => attributesRow(resource, METRIC_COLUMNS),
} satisfies StreamDefinition;
