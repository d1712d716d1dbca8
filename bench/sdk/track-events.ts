/**
 * SDK baseline, workload 2: track events with Klaviyo's official Node SDK, the way its README
 * shows: an ApiKeySession with the default retry settings, an EventsApi, and one createEvent call
 * (POST /api/events, 350/s and 3,500/min) per row, one after another, a failed call logged and
 * skipped.
 *
 *   npx tsx bench/sdk/track-events.ts --config '{"url":...,"key":...,"rows":N,"seconds":S,"align":"second"}'
 *
 * The SDK is pointed at the emulator with the API class's `basePath` setter.
 */
import {
  ApiKeySession,
  type EventCreateQueryV2,
  EventEnum,
  EventsApi,
  MetricEnum,
  ProfileEnum,
} from "klaviyo-api";
import { baseline } from "./harness.js";
import { order } from "./rows.js";

const { config, progress, run } = baseline("track-events");

const session = new ApiKeySession(config.key);
const eventsApi = new EventsApi(session);
eventsApi.basePath = config.url;

await run(async () => {
  for (let i = 1; i <= config.rows; i++) {
    const row = order(i, config.rows, "sdk.example.com");
    const event: EventCreateQueryV2 = {
      data: {
        type: EventEnum.Event,
        attributes: {
          properties: { sku: row.sku, quantity: row.quantity },
          time: row.ordered_at,
          value: row.amount,
          uniqueId: String(row.order_id),
          metric: { data: { type: MetricEnum.Metric, attributes: { name: "Bench Order" } } },
          profile: { data: { type: ProfileEnum.Profile, attributes: { email: row.email } } },
        },
      },
    };
    progress.calls++;
    try {
      await eventsApi.createEvent(event);
      progress.rows++;
    } catch (error) {
      progress.fail(error);
    }
  }
});
