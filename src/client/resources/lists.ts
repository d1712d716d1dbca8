import type { BaseClient } from "../client.js";
import { chunk, identifiers, methods, type RequestOptions } from "./shared.js";

/** Klaviyo accepts at most 1,000 profile ids per list add/remove call. */
export const LIST_MEMBERSHIP_BATCH = 1000;

/** Lists and their members. */
export function listsResource(client: BaseClient) {
  const m = methods(client);
  /** Sends `profileIds` in chunks of 1,000, one call after another. */
  const membership =
    (op: "add_profiles_to_list" | "remove_profiles_from_list") =>
    async (listId: string, profileIds: readonly string[], options?: RequestOptions): Promise<void> => {
      for (const ids of chunk(profileIds, LIST_MEMBERSHIP_BATCH)) {
        await client.call(op, { ...options, path: { id: listId }, body: identifiers("profile", ids) });
      }
    };
  return {
    list: m.list("get_lists"),
    get: m.get("get_list"),
    create: m.create("create_list"),
    update: m.update("update_list"),
    delete: m.remove("delete_list"),
    /** Members of a list, each profile with `joined_group_at`. */
    profiles: m.listOf("get_profiles_for_list"),
    /** Ids of the members of a list. */
    profileIds: m.listOf("get_profile_ids_for_list"),
    /** Adds profiles (by id) to a list; does not change their consent. */
    addProfiles: membership("add_profiles_to_list"),
    /** Removes profiles (by id) from a list; does not unsubscribe them. */
    removeProfiles: membership("remove_profiles_from_list"),
  };
}
