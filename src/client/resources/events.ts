import type { BaseClient } from "../client.js";
import { methods } from "./shared.js";

/** Events. Bulk bodies are grouped per profile by the caller (the load engine builds them). */
export function eventsResource(client: BaseClient) {
  const m = methods(client);
  return {
    list: m.list("get_events"),
    get: m.get("get_event"),
    /** Accepted (202) is not processed: Klaviyo validates and queues the event. */
    create: m.create("create_event"),
    /** Up to 1,000 events and 5 MB per request; 202 with no job to poll. */
    bulkCreate: m.create("bulk_create_events"),
  };
}
