import type { FilterInput } from "../../filter/index.js";
import type { BaseClient } from "../client.js";
import type { Paginator } from "../paginate.js";
import type { ItemOf, QueryOf } from "../typed.js";
import { type ListOptions, methods } from "./shared.js";

/** Query of `codes.list` besides its required filter. */
export type CouponCodesQuery = Omit<QueryOf<"get_coupon_codes">, "filter">;

/** Coupons and their codes. */
export function couponsResource(client: BaseClient) {
  const m = methods(client);
  return {
    list: m.list("get_coupons"),
    get: m.get("get_coupon"),
    create: m.create("create_coupon"),
    update: m.update("update_coupon"),
    delete: m.remove("delete_coupon"),
    codes: {
      /**
       * Coupon codes matching a filter, which Klaviyo requires: on `coupon.id` or `profile.id`
       * (`any` or `equals`, both with a list), `status` (`equals`) or `expires_at`; e.g.
       * `filter.any("coupon.id", ["10OFF"])`. For every code of one coupon use `forCoupon(couponId)`.
       */
      list: (
        where: FilterInput,
        query?: CouponCodesQuery,
        options?: ListOptions,
      ): Paginator<ItemOf<"get_coupon_codes">> =>
        client.paginate("get_coupon_codes", { ...options, query: { ...query, filter: where } }),
      /** The codes of one coupon. */
      forCoupon: m.listOf("get_coupon_codes_for_coupon"),
      get: m.get("get_coupon_code"),
      create: m.create("create_coupon_code"),
      update: m.update("update_coupon_code"),
      delete: m.remove("delete_coupon_code"),
    },
    /** Creates up to 1,000 codes in one job (at most 100 jobs queued). */
    bulkCreateCodes: m.create("bulk_create_coupon_codes"),
    getBulkCreateCodesJob: m.get("get_bulk_create_coupon_codes_job", "job_id"),
  };
}
