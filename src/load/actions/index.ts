/** Every load action, by name. One folder per action. */
import type { ActionDefinition } from "../types.js";
import { deleteProfilesAction } from "./delete_profiles/index.js";
import { eventsAction } from "./events/index.js";
import { listMembershipAction } from "./list_membership/index.js";
import { orderCompletedAction } from "./order_completed/index.js";
import { profilesAction } from "./profiles/index.js";
import { subscriptionsAction } from "./subscriptions/index.js";
import { suppressionsAction } from "./suppressions/index.js";

export const ACTIONS: readonly ActionDefinition[] = [
  profilesAction,
  eventsAction,
  orderCompletedAction,
  listMembershipAction,
  subscriptionsAction,
  suppressionsAction,
  deleteProfilesAction,
];

export function getAction(name: string): ActionDefinition | undefined {
  return ACTIONS.find((a) => a.name === name);
}
