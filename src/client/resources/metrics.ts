import type { BaseClient } from "../client.js";
import { methods } from "./shared.js";

/** Metrics (event types such as "Placed Order"). */
export function metricsResource(client: BaseClient) {
  const m = methods(client);
  return {
    list: m.list("get_metrics"),
    get: m.get("get_metric"),
  };
}
