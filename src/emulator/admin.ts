/**
 * The emulator's admin API (outside /api, no auth; the emulator only listens on loopback by
 * default): reset, seed, counters, faults, rate-limit mode, and inspection of stored data.
 */
import type { Clock } from "../client/types.js";
import { ensureAccount } from "./account.js";
import type { FaultConfig, FaultInjector } from "./faults.js";
import type { OAuthServer } from "./oauth.js";
import type { RateLimiter } from "./rate-limiter.js";
import type { SeedOptions, SeedSummary } from "./seed.js";
import { iso } from "./store/ids.js";
import type { EmulatorStore } from "./store/store.js";
import type { EmuResponse, Handler } from "./types.js";

export interface AdminContext {
  store: EmulatorStore;
  limiter: RateLimiter;
  faults: FaultInjector;
  oauth: OAuthServer;
  handlers: Map<string, Handler>;
  clock: Clock;
  /** The private keys the emulator accepts (`POST /admin/api-keys`, `DELETE /admin/api-keys/KEY`). */
  apiKeys: { add(key: { key: string; scopes?: string[] }): void; revoke(key: string): boolean };
  reseed: (options: SeedOptions) => SeedSummary;
}

const json = (status: number, body: unknown): EmuResponse => ({ status, body });

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return {};
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    return undefined;
  }
}

export function parseRateLimitMode(mode: string): { enabled: boolean; scale: number } | undefined {
  const v = mode.trim().toLowerCase();
  if (v === "real") return { enabled: true, scale: 1 };
  if (v === "off") return { enabled: false, scale: 1 };
  const m = /^(\d+(?:\.\d+)?)x$/.exec(v);
  return m && Number(m[1]) > 0 ? { enabled: true, scale: Number(m[1]) } : undefined;
}

export async function handleAdmin(
  ctx: AdminContext,
  method: string,
  url: URL,
  raw: Buffer,
): Promise<EmuResponse> {
  const { store } = ctx;
  const route = `${method.toUpperCase()} ${url.pathname.replace(/\/+$/, "")}`;
  switch (route) {
    case "GET /admin/health":
      return json(200, { ok: true });
    case "POST /admin/reset": {
      store.reset();
      ensureAccount(store);
      ctx.limiter.reset();
      return json(200, { ok: true });
    }
    case "POST /admin/seed": {
      const body = parseJson(raw) as SeedOptions | undefined;
      if (!body || typeof body !== "object")
        return json(400, {
          error: 'body must be JSON like {"preset":"demo"} or {"profiles":1000,"events":5000}',
        });
      const summary = ctx.reseed(body);
      return json(200, summary);
    }
    case "GET /admin/counters":
      return json(200, {
        operations: Object.fromEntries(ctx.limiter.counters),
        faults: ctx.faults.injected,
        store: {
          profiles: store.profiles.size,
          events: store.events.size,
          lists: store.lists.size,
          segments: store.segments.size,
          jobs: store.jobs.size,
          ...store.counters,
        },
      });
    case "PUT /admin/faults": {
      const body = parseJson(raw) as FaultConfig | undefined;
      if (!body || typeof body !== "object")
        return json(400, {
          error: 'body must be a JSON fault config: {"rate":0.1,"kinds":["503"],"plan":[...]}',
        });
      ctx.faults.configure(body, ctx.clock.now());
      return json(200, { ok: true, faults: body });
    }
    case "PUT /admin/rate-limits": {
      const body = parseJson(raw) as { mode?: string } | undefined;
      const cfg = body?.mode ? parseRateLimitMode(body.mode) : undefined;
      if (!cfg) return json(400, { error: 'body must be {"mode":"real"|"off"|"10x"}' });
      ctx.limiter.configure(cfg);
      return json(200, { ok: true, ...cfg });
    }
    case "GET /admin/operations":
      return json(200, { implemented: [...ctx.handlers.keys()].sort() });
    case "POST /admin/oauth-clients": {
      const body = parseJson(raw) as
        | { clientId?: string; clientSecret?: string; redirectUris?: string[] }
        | undefined;
      if (!body?.clientId || !body.clientSecret)
        return json(400, { error: 'body must be {"clientId":...,"clientSecret":...}' });
      ctx.oauth.addClient(body.clientId, body.clientSecret, body.redirectUris);
      return json(200, { ok: true });
    }
    case "GET /admin/profiles": {
      const email = url.searchParams.get("email");
      const id = url.searchParams.get("id");
      const p = id ? store.profiles.get(id) : email ? store.profiles.byEmailAddress(email) : undefined;
      if (!id && !email) return json(200, { count: store.profiles.size });
      return p
        ? json(200, { ...p, created: iso(p.created), updated: iso(p.updated) })
        : json(404, { error: "no such profile" });
    }
    case "GET /admin/lists": {
      const out = [...store.lists.values()].map((l) => ({
        id: l.id,
        name: l.attributes.name,
        members: store.listMembers.get(l.id)?.size ?? 0,
      }));
      return json(200, { lists: out });
    }
    case "POST /admin/api-keys": {
      const body = parseJson(raw) as { key?: unknown; scopes?: unknown } | undefined;
      if (
        typeof body?.key !== "string" ||
        body.key.length === 0 ||
        (body.scopes !== undefined &&
          !(Array.isArray(body.scopes) && body.scopes.every((x) => typeof x === "string")))
      )
        return json(400, {
          error: 'body must be {"key":"pk_...","scopes":["profiles:read",...]} (scopes optional)',
        });
      ctx.apiKeys.add({ key: body.key, ...(body.scopes ? { scopes: body.scopes as string[] } : {}) });
      return json(200, { ok: true });
    }
    default:
      if (method.toUpperCase() === "DELETE" && url.pathname.startsWith("/admin/api-keys/")) {
        // Revoking a key: the next request with it is 401, as in Klaviyo after a key is deleted.
        const key = decodeURIComponent(url.pathname.slice("/admin/api-keys/".length));
        return ctx.apiKeys.revoke(key) ? json(200, { ok: true }) : json(404, { error: "no such key" });
      }
      return json(404, { error: `no admin endpoint ${route}` });
  }
}
