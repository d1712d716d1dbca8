/**
 * SDK baseline, workload 4b: read every event with Klaviyo's official Node SDK, the way its README
 * shows: an ApiKeySession with the default retry settings, an EventsApi, and getEvents sorted by
 * datetime in a loop that follows `links.next` with `pageCursor` (GET /api/events, 350/s and
 * 3,500/min), one page after another, 1,000 events a page (the spec's largest, which klaviyo-sync
 * asks for too). It keeps nothing (klaviyo-sync writes every row to a DuckDB file).
 *
 *   npx tsx bench/sdk/extract-events.ts --config '{"url":...,"key":...,"rows":N,"seconds":S,"align":"second"}'
 *
 * The SDK is pointed at the emulator with the API class's `basePath` setter; the cursor is read
 * from `links.next` as in extract-profiles.ts (the SDK only parses https:// links).
 */
import { ApiKeySession, EventsApi } from "klaviyo-api";
import { baseline } from "./harness.js";

const { config, progress, run } = baseline("extract-events");

const session = new ApiKeySession(config.key);
const eventsApi = new EventsApi(session);
eventsApi.basePath = config.url;

await run(async () => {
  let pageCursor: string | undefined;
  do {
    progress.calls++;
    const page = await eventsApi.getEvents({
      pageSize: 1000,
      sort: "datetime",
      ...(pageCursor ? { pageCursor } : {}),
    });
    progress.rows += page.body.data.length;
    const next = page.body.links?.next;
    pageCursor = next ? (new URL(next).searchParams.get("page[cursor]") ?? undefined) : undefined;
  } while (pageCursor && progress.rows < config.rows);
});
