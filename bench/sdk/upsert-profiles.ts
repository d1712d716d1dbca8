/**
 * SDK baseline, workload 1: upsert profiles with Klaviyo's official Node SDK (klaviyo-api), the
 * way its README shows: an ApiKeySession with the default retry settings, a ProfilesApi, and one
 * createOrUpdateProfile call (POST /api/profile-import, 75/s and 750/min) per row, one after
 * another, a failed call logged and skipped as the README's `.catch` does.
 *
 *   npx tsx bench/sdk/upsert-profiles.ts --config '{"url":"http://127.0.0.1:PORT","key":"pk_...","rows":1000,"seconds":10,"align":"second"}'
 *
 * Pointing the SDK at the emulator: every API class has a `basePath` setter (default
 * https://a.klaviyo.com); nothing else changes. The SDK sends its own `revision` header
 * (2026-07-15 for klaviyo-api 23), which the emulator accepts as Klaviyo does.
 */
import { ApiKeySession, ProfileEnum, ProfilesApi, type ProfileUpsertQuery } from "klaviyo-api";
import { baseline } from "./harness.js";
import { customer } from "./rows.js";

const { config, progress, run } = baseline("upsert-profiles");

const session = new ApiKeySession(config.key);
const profilesApi = new ProfilesApi(session);
profilesApi.basePath = config.url;

await run(async () => {
  for (let i = 1; i <= config.rows; i++) {
    const row = customer(i, "sdk.example.com");
    const profile: ProfileUpsertQuery = {
      data: {
        type: ProfileEnum.Profile,
        attributes: {
          email: row.email,
          firstName: row.first_name,
          lastName: row.last_name,
          location: { city: row.city, country: row.country },
          properties: {
            lifetime_value: row.ltv,
            tier: row.tier,
            signed_up_at: row.signed_up_at.toISOString(),
            source: "warehouse",
          },
        },
      },
    };
    progress.calls++;
    try {
      await profilesApi.createOrUpdateProfile(profile);
      progress.rows++;
    } catch (error) {
      progress.fail(error);
    }
  }
});
