/** Email templates. */
import { attributesRow, columnsFromSpec } from "../schema.js";
import type { StreamDefinition } from "../types.js";
import { boundedCursor, maxPageSize } from "./shared.js";

const TEMPLATE_COLUMNS = columnsFromSpec("get_templates");

export const templates = {
  name: "templates",
  description:
    "Templates with their HTML, text and AMP; the drag-and-drop definition is opt-in (`definition`).",
  operation: "get_templates",
  primaryKey: ["id"],
  cursor: boundedCursor("updated"),
  defaultMode: "incremental",
  pageSize: maxPageSize("get_templates"),
  columns: TEMPLATE_COLUMNS,
  toRow: (resource) => attributesRow(resource, TEMPLATE_COLUMNS),
  options: {
    definition: {
      description: "Adds the drag-and-drop editor's definition (large) to the `definition` column.",
      query: { "additional-fields[template]": "definition" },
    },
  },
} satisfies StreamDefinition;
