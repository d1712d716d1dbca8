/** Profiles, and the email-suppressed profiles read through the suppression filters. */
import { attributesRow, coerce, columnsFromSpec } from "../schema.js";
import type { ApiResource, Column, StreamDefinition } from "../types.js";
import { maxPageSize } from "./shared.js";

const PROFILE_COLUMNS = columnsFromSpec("get_profiles");

export const profiles = {
  name: "profiles",
  description:
    "Profiles with their subscriptions (consent, suppressions). Predictive analytics are opt-in: they slow the read and lower its rate limit.",
  operation: "get_profiles",
  query: { "additional-fields[profile]": "subscriptions" },
  primaryKey: ["id"],
  // `updated` allows only greater-than / less-than on get_profiles.
  cursor: { field: "updated", column: "updated", lower: "greater-than", upper: "less-than", sort: "updated" },
  defaultMode: "incremental",
  // A first run reads every profile: in windows of `updated`, several at once (about 3 pages a
  // second through one cursor at 300 ms an answer, where get_profiles allows 12.5).
  windowed: true,
  // Pages of 100, and each window ends in a part-filled one: 20,000 profiles over years took 256
  // requests in 7-day windows, 212 in 30-day ones (200 through one cursor).
  windowDays: 30,
  pageSize: maxPageSize("get_profiles"),
  columns: PROFILE_COLUMNS,
  toRow: (resource) => attributesRow(resource, PROFILE_COLUMNS),
  options: {
    predictive_analytics: {
      description:
        "Adds predictive analytics (CLV, churn, next order date). Lowers get_profiles to 10/s, 150/m and has caused 503s: opt in only when needed.",
      // Replaces the stream's own `additional-fields[profile]`, so it keeps `subscriptions`.
      query: { "additional-fields[profile]": "subscriptions,predictive_analytics" },
    },
  },
} satisfies StreamDefinition;

const SUPPRESSION = "subscriptions.email.marketing.suppression";

const SUPPRESSION_COLUMNS: Column[] = [
  { name: "id", type: "VARCHAR" },
  { name: "email", type: "VARCHAR" },
  { name: "suppression_reason", type: "VARCHAR" },
  { name: "suppression_timestamp", type: "TIMESTAMPTZ" },
  { name: "list_suppressions", type: "JSON" },
];

interface SuppressionEntry {
  reason: unknown;
  timestamp: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `subscriptions.email.marketing` of a profile resource, or an empty object. */
function emailMarketing(resource: ApiResource): Record<string, unknown> {
  const subscriptions = resource.attributes?.subscriptions;
  const email = isRecord(subscriptions) ? subscriptions.email : undefined;
  const marketing = isRecord(email) ? email.marketing : undefined;
  return isRecord(marketing) ? marketing : {};
}

/** The most recent global suppression (the API returns a list, usually of one). */
function latestSuppression(marketing: Record<string, unknown>): SuppressionEntry | undefined {
  const list = Array.isArray(marketing.suppression) ? marketing.suppression.filter(isRecord) : [];
  let latest: SuppressionEntry | undefined;
  let latestMs = Number.NEGATIVE_INFINITY;
  for (const entry of list) {
    const ms = Date.parse(String(entry.timestamp));
    if (latest === undefined || ms > latestMs) {
      latest = { reason: entry.reason, timestamp: entry.timestamp };
      latestMs = ms;
    }
  }
  return latest;
}

export const suppressions = {
  name: "suppressions",
  description:
    "Profiles suppressed from email (unsubscribed, bounced, spam complaints...), read through the suppression filter: never a scan of every profile.",
  operation: "get_profiles",
  query: {
    "additional-fields[profile]": "subscriptions",
    // Sparse fieldset: only what the table holds, not whole profiles.
    "fields[profile]": "email,subscriptions.email.marketing",
  },
  primaryKey: ["id"],
  cursor: {
    field: `${SUPPRESSION}.timestamp`,
    column: "suppression_timestamp",
    lower: "greater-or-equal",
    upper: "less-than",
    sort: `${SUPPRESSION}.timestamp`,
    // The filter on the suppression timestamp is what selects suppressed profiles.
    floor: "1970-01-01T00:00:00+00:00",
  },
  defaultMode: "incremental",
  pageSize: maxPageSize("get_profiles"),
  columns: SUPPRESSION_COLUMNS,
  toRow: (resource) => {
    const marketing = emailMarketing(resource);
    const latest = latestSuppression(marketing);
    return {
      id: resource.id,
      email: coerce(resource.attributes?.email, "VARCHAR"),
      suppression_reason: coerce(latest?.reason, "VARCHAR"),
      suppression_timestamp: coerce(latest?.timestamp, "TIMESTAMPTZ"),
      list_suppressions: coerce(marketing.list_suppressions ?? [], "JSON"),
    };
  },
} satisfies StreamDefinition;
