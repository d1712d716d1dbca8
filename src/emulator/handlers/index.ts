/** Every implemented operation, by operationId. One module per area of the API. */
import type { EmulatorStore } from "../store/store.js";
import type { Handler } from "../types.js";
import { accountMetricHandlers } from "./accounts-metrics.js";
import { campaignHandlers } from "./campaigns.js";
import { catalogHandlers } from "./catalog.js";
import { couponHandlers } from "./coupons.js";
import { eventHandlers } from "./events.js";
import { flowHandlers } from "./flows.js";
import { imageHandlers } from "./images.js";
import { listSegmentHandlers } from "./lists-segments.js";
import { profileHandlers } from "./profiles.js";
import { subscriptionHandlers } from "./subscriptions.js";
import { tagHandlers } from "./tags.js";
import { templateHandlers } from "./templates.js";

export function buildHandlers(store: EmulatorStore): Map<string, Handler> {
  const all: Record<string, Handler> = {
    ...accountMetricHandlers(store),
    ...campaignHandlers(store),
    ...catalogHandlers(store),
    ...couponHandlers(store),
    ...eventHandlers(store),
    ...flowHandlers(store),
    ...imageHandlers(store),
    ...listSegmentHandlers(store),
    ...profileHandlers(store),
    ...subscriptionHandlers(store),
    ...tagHandlers(store),
    ...templateHandlers(store),
  };
  return new Map(Object.entries(all));
}
