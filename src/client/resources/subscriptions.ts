import type { BaseClient } from "../client.js";
import { methods } from "./shared.js";

/**
 * Consent and suppression jobs. Limits per request: subscribe 1,000 profiles, unsubscribe 100,
 * suppress/unsuppress 100 emails. Subscribe and unsubscribe jobs have no status endpoint.
 */
export function subscriptionsResource(client: BaseClient) {
  const m = methods(client);
  return {
    subscribe: m.create("bulk_subscribe_profiles"),
    unsubscribe: m.create("bulk_unsubscribe_profiles"),
    suppress: m.create("bulk_suppress_profiles"),
    unsuppress: m.create("bulk_unsuppress_profiles"),
    getSuppressJob: m.get("get_bulk_suppress_profiles_job", "job_id"),
    getUnsuppressJob: m.get("get_bulk_unsuppress_profiles_job", "job_id"),
    listSuppressJobs: m.list("get_bulk_suppress_profiles_jobs"),
    listUnsuppressJobs: m.list("get_bulk_unsuppress_profiles_jobs"),
  };
}
