/** accounts and metrics: read-only resources. */
import { attributeGetter, paginateRows } from "../jsonapi.js";
import { collection, renderRow, single } from "../render.js";
import type { EmulatorStore, ResourceRow } from "../store/store.js";
import { type Handler, notFound } from "../types.js";

const ACCOUNT = { path: "/api/accounts" };
const METRIC = { path: "/api/metrics" };

export function accountMetricHandlers(store: EmulatorStore): Record<string, Handler> {
  const getRow = (table: { get(id: string): ResourceRow | undefined }, what: string, id: string) => {
    const row = table.get(id);
    if (!row) throw notFound(what, id);
    return row;
  };
  return {
    get_accounts: (req) => {
      const rows = [...store.accounts.values()];
      return collection(
        req,
        rows.map((r) => renderRow(req, "account", r, ACCOUNT)),
        {},
      );
    },
    get_account: (req) =>
      single(req, renderRow(req, "account", getRow(store.accounts, "account", req.params.id ?? ""), ACCOUNT)),
    get_metrics: (req) => {
      const page = paginateRows(req, store.metrics.values(), {
        get: (r, f) =>
          f === "integration.name"
            ? (r.attributes.integration as { name?: string } | undefined)?.name
            : f === "integration.category"
              ? (r.attributes.integration as { category?: string } | undefined)?.category
              : attributeGetter(r, f),
        size: 200,
      });
      return collection(
        req,
        page.rows.map((r) => renderRow(req, "metric", r, METRIC)),
        page,
      );
    },
    get_metric: (req) =>
      single(req, renderRow(req, "metric", getRow(store.metrics, "metric", req.params.id ?? ""), METRIC)),
  };
}
