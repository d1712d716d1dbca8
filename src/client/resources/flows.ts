import type { BaseClient } from "../client.js";
import type { ResponseOf } from "../typed.js";
import { methods, type RequestOptions } from "./shared.js";

/** A flow's status: `draft` (off), `manual` (actions need approval) or `live`. */
export type FlowStatus = "draft" | "manual" | "live";

/** Flows, their actions and their messages. */
export function flowsResource(client: BaseClient) {
  const m = methods(client);
  return {
    list: m.list("get_flows"),
    get: m.get("get_flow"),
    create: m.create("create_flow"),
    update: m.update("update_flow"),
    /** Turns a flow on (`live`), to manual approval (`manual`) or off (`draft`). */
    updateStatus: (
      flowId: string,
      status: FlowStatus,
      options?: RequestOptions,
    ): Promise<ResponseOf<"update_flow">> =>
      client.call("update_flow", {
        ...options,
        path: { id: flowId },
        body: { data: { type: "flow", id: flowId, attributes: { status } } },
      }),
    delete: m.remove("delete_flow"),
    /** The actions of a flow. */
    actions: m.listOf("get_actions_for_flow"),
    getAction: m.get("get_flow_action"),
    /** The messages of a flow action. */
    messages: m.listOf("get_flow_action_messages"),
    getMessage: m.get("get_flow_message"),
  };
}
