/** The account the key belongs to (one row). */
import { attributesRow, columnsFromSpec } from "../schema.js";
import type { StreamDefinition } from "../types.js";

const ACCOUNT_COLUMNS = columnsFromSpec("get_accounts");

export const accounts = {
  name: "accounts",
  description: "The account: contact information, industry, timezone, currency, locale.",
  operation: "get_accounts",
  primaryKey: ["id"],
  // get_accounts takes no filter and no paging.
  defaultMode: "full-refresh",
  columns: ACCOUNT_COLUMNS,
  toRow: (resource) => attributesRow(resource, ACCOUNT_COLUMNS),
} satisfies StreamDefinition;
