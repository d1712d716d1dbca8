/**
 * What an emulated Klaviyo account holds, in a canonical form two accounts can be compared by: no
 * ids (two emulators, or a run with retries, allocate them differently) and no times the server
 * chose (`created`, `updated`, a consent or suppression given "now"). Times the data carries (an
 * event's time, a historical consent time) stay.
 */
import type { EmulatorStore } from "../../../src/emulator/store/store.js";

export interface KlaviyoState {
  /** One line per live profile, sorted. */
  profiles: string[];
  /** List name → sorted member identities; a name held by two lists appears twice. */
  lists: Array<{ name: string; members: string[] }>;
  /** One line per event created through the API (seeded ones excluded), sorted. */
  events: string[];
  metrics: string[];
}

function identity(store: EmulatorStore, profileId: string): string {
  const p = store.profiles.get(profileId);
  if (!p) return `(missing ${profileId})`;
  return p.email ?? p.phone_number ?? p.external_id ?? `(anonymous ${p.anonymous_id ?? ""})`;
}

/** Replaces the times the server chose (epoch ms numbers under these keys) by "set". */
function withoutServerTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutServerTimes);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    )) {
      if ((k === "timestamp" || k === "consentAt") && typeof v === "number") out[k] = "set";
      else if (k === "listId") out[k] = "(list)";
      else out[k] = withoutServerTimes(v);
    }
    return out;
  }
  return value;
}

export function klaviyoState(store: EmulatorStore): KlaviyoState {
  store.tick();
  const profiles: string[] = [];
  for (const p of store.profiles.values()) {
    if (p.deleted) continue;
    profiles.push(
      JSON.stringify(
        withoutServerTimes({
          email: p.email,
          phone_number: p.phone_number,
          external_id: p.external_id,
          first_name: p.first_name,
          last_name: p.last_name,
          location: p.location,
          properties: p.properties,
          subscriptions: p.subscriptions,
        }),
      ),
    );
  }
  const lists = [...store.lists.values()]
    .map((l) => ({
      name: String(l.attributes.name),
      members: [...(store.listMembers.get(l.id)?.keys() ?? [])].map((id) => identity(store, id)).sort(),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.members.length - b.members.length));
  const metricName = new Map([...store.metrics.values()].map((m) => [m.id, String(m.attributes.name)]));
  const events: string[] = [];
  for (const e of store.events.scan({}, (v) => !v.id.startsWith("S"))) {
    if (e.id.startsWith("S")) continue;
    events.push(
      JSON.stringify([
        metricName.get(e.metricId),
        identity(store, e.profileId),
        new Date(e.datetime).toISOString(),
        e.value,
        e.valueCurrency,
        e.uniqueId,
        withoutServerTimes(e.properties),
      ]),
    );
  }
  return {
    profiles: profiles.sort(),
    lists,
    events: events.sort(),
    metrics: [...metricName.values()].sort(),
  };
}

/** Events that share metric, profile and unique_id (Klaviyo would count such an order twice). */
export function duplicateEvents(state: KlaviyoState): string[] {
  const seen = new Map<string, number>();
  for (const line of state.events) {
    const [metric, who, , , , uniqueId] = JSON.parse(line) as unknown[];
    const k = JSON.stringify([metric, who, uniqueId]);
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
}

/** Lines in one state and not the other, a few of each, for a readable failure. */
export function diffStates(expected: KlaviyoState, actual: KlaviyoState, limit = 5): string[] {
  const out: string[] = [];
  const lines = (s: KlaviyoState) => ({
    profiles: s.profiles,
    lists: s.lists.map((l) => JSON.stringify(l)),
    events: s.events,
    metrics: s.metrics,
  });
  const e = lines(expected);
  const a = lines(actual);
  for (const key of Object.keys(e) as Array<keyof typeof e>) {
    const count = (xs: string[]) => {
      const m = new Map<string, number>();
      for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
      return m;
    };
    const ce = count(e[key]);
    const ca = count(a[key]);
    const missing = [...ce].filter(([x, n]) => (ca.get(x) ?? 0) < n).map(([x]) => x);
    const extra = [...ca].filter(([x, n]) => (ce.get(x) ?? 0) < n).map(([x]) => x);
    if (missing.length > 0)
      out.push(`${key}: ${missing.length} missing, e.g. ${missing.slice(0, limit).join(" | ")}`);
    if (extra.length > 0)
      out.push(`${key}: ${extra.length} extra, e.g. ${extra.slice(0, limit).join(" | ")}`);
  }
  return out;
}
