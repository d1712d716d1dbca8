import type { BaseClient } from "../client.js";
import { ConfigError } from "../errors.js";
import type { BodyOf, ResponseOf } from "../typed.js";
import type { RequestOptions } from "./shared.js";

/** Exactly one identifier of the profile(s) to delete. */
export type DeletionTarget = { email: string } | { phoneNumber: string } | { id: string };

type DeletionProfile = BodyOf<"request_profile_deletion">["data"]["attributes"]["profile"]["data"];

function deletionProfile(target: DeletionTarget): DeletionProfile {
  const fields = target as { email?: unknown; phoneNumber?: unknown; id?: unknown };
  const given = (["email", "phoneNumber", "id"] as const).filter((key) => {
    const value = fields[key];
    return value !== undefined && value !== null && value !== "";
  });
  if (given.length !== 1) {
    throw new ConfigError(
      `requestProfileDeletion needs exactly one identifier (email, phoneNumber or id); got ${given.length === 0 ? "none" : given.join(" and ")}. Klaviyo rejects a request with several.`,
    );
  }
  if ("email" in target && target.email) return { type: "profile", attributes: { email: target.email } };
  if ("phoneNumber" in target && target.phoneNumber) {
    return { type: "profile", attributes: { phone_number: target.phoneNumber } };
  }
  return { type: "profile", id: (target as { id: string }).id, attributes: {} };
}

/** Data-privacy requests. */
export function dataPrivacyResource(client: BaseClient) {
  return {
    /**
     * Asks Klaviyo to delete every profile matching one identifier. Asynchronous (202) and final;
     * there is no status endpoint.
     */
    requestProfileDeletion: async (
      target: DeletionTarget,
      options?: RequestOptions,
    ): Promise<ResponseOf<"request_profile_deletion">> =>
      await client.call("request_profile_deletion", {
        ...options,
        body: {
          data: {
            type: "data-privacy-deletion-job",
            attributes: { profile: { data: deletionProfile(target) } },
          },
        },
      }),
  };
}
