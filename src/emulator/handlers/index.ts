/** Every implemented operation, by operationId. One module per area of the API. */
import type { EmulatorStore } from "../store/store.js";
import type { Handler } from "../types.js";
import { accountMetricHandlers } from "./accounts-metrics.js";

export function buildHandlers(store: EmulatorStore): Map<string, Handler> {
  const all: Record<string, Handler> = {
    ...accountMetricHandlers(store),
  };
  return new Map(Object.entries(all));
}
