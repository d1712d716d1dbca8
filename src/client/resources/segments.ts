import type { BaseClient } from "../client.js";
import { methods } from "./shared.js";

/** Segments and their members. */
export function segmentsResource(client: BaseClient) {
  const m = methods(client);
  return {
    list: m.list("get_segments"),
    get: m.get("get_segment"),
    create: m.create("create_segment"),
    update: m.update("update_segment"),
    delete: m.remove("delete_segment"),
    /** Members of a segment, each profile with `joined_group_at`. */
    profiles: m.listOf("get_profiles_for_segment"),
    /** Ids of the members of a segment. */
    profileIds: m.listOf("get_profile_ids_for_segment"),
  };
}
