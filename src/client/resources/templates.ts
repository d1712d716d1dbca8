import type { BaseClient } from "../client.js";
import { methods } from "./shared.js";

/** Email templates. */
export function templatesResource(client: BaseClient) {
  const m = methods(client);
  return {
    list: m.list("get_templates"),
    get: m.get("get_template"),
    create: m.create("create_template"),
    update: m.update("update_template"),
    delete: m.remove("delete_template"),
    clone: m.create("clone_template"),
    /** Renders a template with a context; returns the HTML and text. */
    render: m.create("render_template"),
  };
}
