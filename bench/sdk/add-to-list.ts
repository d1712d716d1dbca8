/**
 * SDK baseline, workload 3: add profiles, known by email, to a list with Klaviyo's official Node
 * SDK, the way its README shows: an ApiKeySession with the default retry settings, a ListsApi and
 * a ProfilesApi. List membership takes profile ids, so for every 1,000 emails the script looks up
 * the ids 100 at a time with getProfiles and an `any(email, [...])` filter built by the SDK's
 * FilterBuilder (GET /api/profiles, 75/s and 750/min; the README's filtering example), then adds
 * them in one addProfilesToList call (POST /api/lists/{id}/relationships/profiles, 10/s and
 * 150/min, at most 1,000 ids). Batching is what these two SDK methods are made for, so the
 * baseline uses it: this is the SDK at its best, one call after another.
 *
 *   npx tsx bench/sdk/add-to-list.ts --config '{"url":...,"key":...,"rows":N,"seconds":S,"align":"second"}'
 *
 * The profiles (member1..memberN@example.com) exist before the run. The SDK is pointed at the
 * emulator with each API class's `basePath` setter.
 */
import { ApiKeySession, FilterBuilder, ListEnum, ListsApi, ProfileEnum, ProfilesApi } from "klaviyo-api";
import { baseline } from "./harness.js";
import { memberEmail } from "./rows.js";

const { config, progress, run } = baseline("add-to-list");

const session = new ApiKeySession(config.key);
const listsApi = new ListsApi(session);
const profilesApi = new ProfilesApi(session);
listsApi.basePath = config.url;
profilesApi.basePath = config.url;

await run(async () => {
  progress.calls++;
  const list = await listsApi.createList({
    data: { type: ListEnum.List, attributes: { name: "SDK members" } },
  });
  const listId = list.body.data.id as string;
  for (let start = 1; start <= config.rows; start += 1000) {
    const end = Math.min(config.rows, start + 999);
    const ids: string[] = [];
    for (let i = start; i <= end; i += 100) {
      const emails: string[] = [];
      for (let j = i; j <= Math.min(end, i + 99); j++) emails.push(memberEmail(j));
      const filter = new FilterBuilder().any("email", emails).build();
      progress.calls++;
      try {
        const found = await profilesApi.getProfiles({ filter, pageSize: 100 });
        for (const p of found.body.data) if (p.id) ids.push(p.id);
      } catch (error) {
        progress.fail(error, emails.length);
      }
    }
    progress.calls++;
    try {
      await listsApi.addProfilesToList(listId, {
        data: ids.map((id) => ({ type: ProfileEnum.Profile, id })),
      });
      progress.rows += ids.length;
    } catch (error) {
      progress.fail(error, ids.length);
    }
  }
});
