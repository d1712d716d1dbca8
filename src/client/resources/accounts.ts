import type { BaseClient } from "../client.js";
import { methods } from "./shared.js";

/** The account the key belongs to. */
export function accountsResource(client: BaseClient) {
  const m = methods(client);
  return {
    list: m.list("get_accounts"),
    get: m.get("get_account"),
  };
}
