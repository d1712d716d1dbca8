/** Coupons (not their codes). get_coupons has no filter: full refresh. */
import { attributesRow, columnsFromSpec } from "../schema.js";
import type { StreamDefinition } from "../types.js";
import { maxPageSize } from "./shared.js";

const COUPON_COLUMNS = columnsFromSpec("get_coupons");

export const coupons = {
  name: "coupons",
  description: "Coupons with their monitoring configuration.",
  operation: "get_coupons",
  primaryKey: ["id"],
  defaultMode: "full-refresh",
  pageSize: maxPageSize("get_coupons"),
  columns: COUPON_COLUMNS,
  toRow: (resource) => attributesRow(resource, COUPON_COLUMNS),
} satisfies StreamDefinition;
