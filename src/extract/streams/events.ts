/** Events, read in time windows by `datetime` (events have no `updated`, and never change). */
import { type RowSpec, rowFromResource } from "../row-spec.js";
import { columnsFromSpec } from "../schema.js";
import type { StreamDefinition } from "../types.js";
import { maxPageSize } from "./shared.js";

const EVENT_COLUMNS = columnsFromSpec("get_events", {
  extra: [
    { name: "metric_id", type: "VARCHAR" },
    { name: "profile_id", type: "VARCHAR" },
  ],
});

/** Id, attributes, and the metric and profile ids: pages are decoded off the main thread. */
const EVENT_ROW: RowSpec = {
  columns: EVENT_COLUMNS,
  relationships: { metric_id: "metric", profile_id: "profile" },
};

export const events = {
  name: "events",
  description: "Every tracked event with its properties, metric id and profile id.",
  operation: "get_events",
  primaryKey: ["id"],
  cursor: {
    field: "datetime",
    column: "datetime",
    lower: "greater-or-equal",
    upper: "less-than",
    sort: "datetime",
  },
  defaultMode: "incremental",
  windowed: true,
  // Events can arrive with a time before the last run (late delivery, backfills): re-read an hour.
  defaultLookbackMs: 3_600_000,
  // The spec's page[size] maximum (1000); the description still says 200. A server that caps
  // pages lower just returns more pages, all followed through links.next.
  pageSize: maxPageSize("get_events"),
  columns: EVENT_COLUMNS,
  rowSpec: EVENT_ROW,
  toRow: (resource) => rowFromResource(resource, EVENT_ROW),
} satisfies StreamDefinition;
