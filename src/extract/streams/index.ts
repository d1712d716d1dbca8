/**
 * Every stream extract can read, in an order where parents come before their children, with
 * lookup by name and a did-you-mean for typos.
 */
import type { StreamDefinition } from "../types.js";
import { accounts } from "./accounts.js";
import { campaign_messages, campaigns } from "./campaigns.js";
import { catalog_categories, catalog_items, catalog_variants } from "./catalog.js";
import { coupons } from "./coupons.js";
import { events } from "./events.js";
import { flow_actions, flow_messages, flows } from "./flows.js";
import { images } from "./images.js";
import { list_memberships, lists, segment_memberships, segments } from "./lists-segments.js";
import { metrics } from "./metrics.js";
import { profiles, suppressions } from "./profiles.js";
import { tag_groups, tags } from "./tags.js";
import { templates } from "./templates.js";

export const STREAMS: StreamDefinition[] = [
  profiles,
  suppressions,
  events,
  metrics,
  lists,
  list_memberships,
  segments,
  segment_memberships,
  campaigns,
  campaign_messages,
  flows,
  flow_actions,
  flow_messages,
  templates,
  tags,
  tag_groups,
  catalog_items,
  catalog_variants,
  catalog_categories,
  coupons,
  images,
  accounts,
];

export const STREAM_NAMES: readonly string[] = STREAMS.map((s) => s.name);

const byName = new Map(STREAMS.map((s) => [s.name, s]));

export function getStream(name: string): StreamDefinition | undefined {
  return byName.get(name);
}

/** Levenshtein distance (insertions, deletions, substitutions). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/**
 * The stream name closest to `name` by edit distance (ignoring case, `-` read as `_`), or
 * undefined when nothing is close enough to be what was meant.
 */
export function suggestStream(name: string): string | undefined {
  const wanted = name.trim().toLowerCase().replace(/-/g, "_");
  if (wanted.length === 0) return undefined;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of STREAM_NAMES) {
    const d = editDistance(wanted, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/** The stream called `name`; otherwise an error naming the closest stream, or all of them. */
export function requireStream(name: string): StreamDefinition {
  const stream = getStream(name);
  if (stream) return stream;
  const suggestion = suggestStream(name);
  throw new Error(
    suggestion
      ? `Unknown stream "${name}". Did you mean "${suggestion}"?`
      : `Unknown stream "${name}". Streams: ${STREAM_NAMES.join(", ")}.`,
  );
}

export {
  accounts,
  campaign_messages,
  campaigns,
  catalog_categories,
  catalog_items,
  catalog_variants,
  coupons,
  events,
  flow_actions,
  flow_messages,
  flows,
  images,
  list_memberships,
  lists,
  metrics,
  profiles,
  segment_memberships,
  segments,
  suppressions,
  tag_groups,
  tags,
  templates,
};
