/**
 * SDK baseline, workload 4a: read every profile with Klaviyo's official Node SDK, the way its
 * README shows: an ApiKeySession with the default retry settings, a ProfilesApi, and getProfiles
 * in a loop that follows `links.next` with `pageCursor` (GET /api/profiles, 75/s and 750/min), one
 * page after another. It asks for the largest page (100) and for `subscriptions`, as klaviyo-sync's
 * profiles stream does, and keeps nothing (klaviyo-sync writes every row to DuckDB).
 *
 *   npx tsx bench/sdk/extract-profiles.ts --config '{"url":...,"key":...,"rows":N,"seconds":S,"align":"second"}'
 *
 * The SDK is pointed at the emulator with the API class's `basePath` setter. One difference from
 * the README: it says `pageCursor` may be the whole `links.next` URL, but the SDK only takes the
 * cursor out of URLs that start with https:// (queryParamPreProcessor) and the emulator is served
 * over plain http, so the loop passes the cursor itself, read from the URL. Same requests.
 */
import { ApiKeySession, ProfilesApi } from "klaviyo-api";
import { baseline } from "./harness.js";

const { config, progress, run } = baseline("extract-profiles");

const session = new ApiKeySession(config.key);
const profilesApi = new ProfilesApi(session);
profilesApi.basePath = config.url;

await run(async () => {
  let pageCursor: string | undefined;
  do {
    progress.calls++;
    const page = await profilesApi.getProfiles({
      pageSize: 100,
      additionalFieldsProfile: ["subscriptions"],
      ...(pageCursor ? { pageCursor } : {}),
    });
    progress.rows += page.body.data.length;
    const next = page.body.links?.next;
    pageCursor = next ? (new URL(next).searchParams.get("page[cursor]") ?? undefined) : undefined;
  } while (pageCursor && progress.rows < config.rows);
});
