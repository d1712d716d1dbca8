import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  buildAuthorizationUrl,
  createOAuthClient,
  createPkcePair,
  DEFAULT_AUTHORIZE_URL,
  type OAuthClient,
  type OAuthClientOptions,
  parseAuthorizationCallback,
  pkceChallenge,
  startAuthorization,
} from "../../../src/client/auth/oauth.js";
import {
  FileTokenStore,
  MemoryTokenStore,
  type TokenSet,
  type TokenStore,
} from "../../../src/client/auth/token-store.js";
import {
  AuthenticationError,
  ConfigError,
  type KlaviyoError,
  NetworkError,
  ServerError,
} from "../../../src/client/errors.js";
import type { Logger, Transport } from "../../../src/client/types.js";
import { type FakeClock, FakeOAuthServer, fakeClock, fetchTransport } from "./fake-oauth-server.js";

const REDIRECT = "http://127.0.0.1:53682/callback";

describe("PKCE", () => {
  it("creates a verifier of 43-128 unreserved characters and challenge = base64url(sha256(verifier))", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const pair = createPkcePair();
      expect(pair.method).toBe("S256");
      expect(pair.verifier).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
      const expected = createHash("sha256")
        .update(pair.verifier)
        .digest("base64")
        .replace(/\+/g, "-")
        .replace(/\//g, "_")
        .replace(/=+$/, "");
      expect(pair.challenge).toBe(expected);
      expect(pair.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
      seen.add(pair.verifier);
    }
    expect(seen.size).toBe(50);
  });

  it("matches the RFC 7636 appendix B example", () => {
    expect(pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe(
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
  });

  it("refuses verifiers that are too short or use other characters", () => {
    expect(() => pkceChallenge("short")).toThrow(ConfigError);
    expect(() => pkceChallenge(`${"a".repeat(42)}!`)).toThrow(ConfigError);
    expect(() => pkceChallenge("a".repeat(129))).toThrow(ConfigError);
  });
});

describe("authorization URL", () => {
  it("carries every parameter Klaviyo needs, with space-separated scopes", () => {
    const { challenge } = createPkcePair();
    const raw = buildAuthorizationUrl({
      clientId: "client-abc",
      redirectUri: REDIRECT,
      scopes: ["accounts:read", "profiles:read", "accounts:read"],
      state: "st-123",
      codeChallenge: challenge,
    });
    expect(raw).toContain("scope=accounts%3Aread%20profiles%3Aread");
    const url = new URL(raw);
    expect(`${url.origin}${url.pathname}`).toBe(DEFAULT_AUTHORIZE_URL);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: "code",
      client_id: "client-abc",
      redirect_uri: REDIRECT,
      scope: "accounts:read profiles:read",
      state: "st-123",
      code_challenge_method: "S256",
      code_challenge: challenge,
    });
  });

  it("generates a random state when none is given, and startAuthorization returns it with the verifier", () => {
    const { challenge } = createPkcePair();
    const a = new URL(
      buildAuthorizationUrl({
        clientId: "c",
        redirectUri: REDIRECT,
        scopes: "accounts:read",
        codeChallenge: challenge,
      }),
    );
    const b = new URL(
      buildAuthorizationUrl({
        clientId: "c",
        redirectUri: REDIRECT,
        scopes: "accounts:read",
        codeChallenge: challenge,
      }),
    );
    expect(a.searchParams.get("state")?.length).toBeGreaterThanOrEqual(32);
    expect(a.searchParams.get("state")).not.toBe(b.searchParams.get("state"));

    const start = startAuthorization({
      clientId: "c",
      redirectUri: REDIRECT,
      scopes: "accounts:read profiles:read",
    });
    const url = new URL(start.url);
    expect(url.searchParams.get("state")).toBe(start.state);
    expect(url.searchParams.get("code_challenge")).toBe(pkceChallenge(start.verifier));
    expect(url.searchParams.get("scope")).toBe("accounts:read profiles:read");
  });

  it("refuses missing scopes, a bad challenge and a plain-http authorize URL", () => {
    const { challenge } = createPkcePair();
    const base = { clientId: "c", redirectUri: REDIRECT, codeChallenge: challenge };
    expect(() => buildAuthorizationUrl({ ...base, scopes: [] })).toThrow(/scope/);
    expect(() => buildAuthorizationUrl({ ...base, scopes: "a:read", codeChallenge: "plain" })).toThrow(
      ConfigError,
    );
    expect(() =>
      buildAuthorizationUrl({
        ...base,
        scopes: "a:read",
        authorizeUrl: "http://example.com/oauth/authorize",
      }),
    ).toThrow(/plain http/);
    expect(() => buildAuthorizationUrl({ ...base, scopes: "a:read", clientId: "" })).toThrow(/client id/);
  });

  it("parses the redirect, checking state and reporting declines", () => {
    expect(parseAuthorizationCallback(`${REDIRECT}?code=abc&state=s1`, "s1")).toBe("abc");
    expect(parseAuthorizationCallback("code=abc&state=s1", "s1")).toBe("abc");
    expect(() => parseAuthorizationCallback(`${REDIRECT}?code=abc&state=other`, "s1")).toThrow(
      /state does not match/,
    );
    expect(() => parseAuthorizationCallback(`${REDIRECT}?error=access_denied&state=s1`, "s1")).toThrow(
      /declined/,
    );
    expect(() => parseAuthorizationCallback(`${REDIRECT}?state=s1`, "s1")).toThrow(AuthenticationError);
  });
});

describe("OAuthClient against a loopback OAuth server", () => {
  let server: FakeOAuthServer;
  let clock: FakeClock;
  let transport: Transport & { calls: number };
  let store: MemoryTokenStore;
  const warnings: string[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn(message) {
      warnings.push(message);
    },
  };

  beforeEach(async () => {
    server = await new FakeOAuthServer().start();
    clock = fakeClock();
    transport = fetchTransport();
    store = new MemoryTokenStore();
    warnings.length = 0;
  });
  afterEach(async () => {
    await server.stop();
  });

  function client(overrides: Partial<OAuthClientOptions> = {}): OAuthClient {
    return createOAuthClient({
      clientId: server.clientId,
      clientSecret: server.clientSecret,
      redirectUri: REDIRECT,
      baseUrl: server.url,
      authorizeUrl: `${server.url}/oauth/authorize`,
      transport,
      clock,
      tokenStore: store,
      logger,
      ...overrides,
    });
  }

  /** Stores a grant the server knows, expiring `inMs` from the fake now. */
  async function seed(inMs: number, target: TokenStore = store): Promise<TokenSet> {
    const { accessToken, refreshToken } = server.seedGrant("accounts:read");
    const tokens: TokenSet = {
      accessToken,
      refreshToken,
      expiresAt: clock.now() + inMs,
      tokenType: "Bearer",
      scope: "accounts:read",
    };
    await target.save(tokens);
    return tokens;
  }

  async function authorizeInBrowser(c: OAuthClient): Promise<{ code: string; verifier: string }> {
    const start = c.startAuthorization(["accounts:read", "profiles:read"]);
    const res = await fetch(start.url, { redirect: "manual" });
    expect(res.status).toBe(302);
    const location = res.headers.get("location") ?? "";
    return { code: parseAuthorizationCallback(location, start.state), verifier: start.verifier };
  }

  it("exchanges a code with form body, Basic auth and the PKCE verifier, and saves the tokens", async () => {
    const c = client();
    const { code, verifier } = await authorizeInBrowser(c);
    const tokens = await c.exchangeCode(code, verifier);

    const [req] = server.tokenRequests("authorization_code");
    expect(req).toBeDefined();
    expect(req?.method).toBe("POST");
    expect(req?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(req?.headers.accept).toBe("application/json");
    expect(req?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${server.clientId}:${server.clientSecret}`).toString("base64")}`,
    );
    expect(Object.fromEntries(req?.form ?? [])).toEqual({
      grant_type: "authorization_code",
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT,
    });

    expect(server.accessTokens.has(tokens.accessToken)).toBe(true);
    expect(tokens).toMatchObject({
      tokenType: "Bearer",
      scope: "accounts:read profiles:read",
      expiresAt: clock.now() + 3600_000,
    });
    expect(await store.load()).toEqual(tokens);
    expect(await c.authProvider().authorization()).toBe(`Bearer ${tokens.accessToken}`);
  });

  it("fails the exchange with an AuthenticationError when the verifier does not match, leaking nothing", async () => {
    const c = client();
    const { code } = await authorizeInBrowser(c);
    const wrongVerifier = createPkcePair().verifier;
    const err = await c.exchangeCode(code, wrongVerifier).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    const message = (err as Error).message;
    expect((err as AuthenticationError).code).toBe("invalid_grant");
    expect(message).toMatch(/authorization again/);
    for (const secret of [code, wrongVerifier, server.clientSecret]) expect(message).not.toContain(secret);
    expect(JSON.stringify((err as KlaviyoError).errors)).not.toContain(wrongVerifier);
    expect(await store.load()).toBeUndefined();
  });

  it("reports a wrong client secret as invalid_client without the secret", async () => {
    const c = client({ clientSecret: "wrong-secret-value" });
    const { code, verifier } = await authorizeInBrowser(c);
    const err = await c.exchangeCode(code, verifier).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toMatch(/client id and client secret/);
    expect((err as Error).message).not.toContain("wrong-secret-value");
  });

  it("does not refresh a token that is still fresh, and refreshes once it is within the skew", async () => {
    const seeded = await seed(120_000);
    const auth = client().authProvider();
    expect(auth.kind).toBe("oauth");
    expect(await auth.authorization()).toBe(`Bearer ${seeded.accessToken}`);
    clock.advance(59_000);
    expect(await auth.authorization()).toBe(`Bearer ${seeded.accessToken}`);
    expect(server.tokenRequests("refresh_token")).toHaveLength(0);

    clock.advance(2_000); // now 59 s before expiry: inside the 60 s skew
    const header = await auth.authorization();
    expect(header).not.toBe(`Bearer ${seeded.accessToken}`);
    const refreshes = server.tokenRequests("refresh_token");
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]?.form.get("refresh_token")).toBe(seeded.refreshToken);
    const saved = await store.load();
    expect(header).toBe(`Bearer ${saved?.accessToken}`);
    expect(saved?.expiresAt).toBe(clock.now() + 3600_000);
    expect(await auth.authorization()).toBe(header);
    expect(server.tokenRequests("refresh_token")).toHaveLength(1);
  });

  it("rotates refresh tokens: the old one is rejected after use, the new one is saved before returning", async () => {
    const seeded = await seed(-1);
    const c = client();
    const first = await c.refresh();
    expect(first.refreshToken).not.toBe(seeded.refreshToken);
    expect((await store.load())?.refreshToken).toBe(first.refreshToken);

    // The server no longer accepts the old refresh token.
    const replay = await fetch(`${server.url}/oauth/token`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from(`${server.clientId}:${server.clientSecret}`).toString("base64")}`,
      },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: seeded.refreshToken,
      }).toString(),
    });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: "invalid_grant" });

    const second = await c.refresh();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    // Client refresh, the manual replay, then the client's second refresh with the rotated token.
    expect(server.tokenRequests("refresh_token").map((r) => r.form.get("refresh_token"))).toEqual([
      seeded.refreshToken,
      seeded.refreshToken,
      first.refreshToken,
    ]);
  });

  it("20 concurrent authorization() calls with an expired token make exactly one refresh request", async () => {
    server.tokenDelayMs = 30;
    await seed(-1000);
    const auth = client().authProvider();
    const headers = await Promise.all(Array.from({ length: 20 }, () => auth.authorization()));
    expect(server.tokenRequests("refresh_token")).toHaveLength(1);
    expect(new Set(headers).size).toBe(1);
    expect(headers[0]).toBe(`Bearer ${(await store.load())?.accessToken}`);
  });

  it("a second client sharing the token file picks up the rotated tokens instead of spending the old refresh token", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ks-oauth-"));
    try {
      const path = join(dir, "oauth-tokens.json");
      const fileStore = new FileTokenStore(path);
      await seed(60_000 * 5, fileStore);
      const a = client({ tokenStore: fileStore }).authProvider();
      const b = client({ tokenStore: new FileTokenStore(path) }).authProvider();
      const before = await b.authorization(); // b caches the current tokens
      clock.advance(60_000 * 5);
      const afterA = await a.authorization();
      const afterB = await b.authorization();
      expect(afterA).not.toBe(before);
      expect(afterB).toBe(afterA);
      expect(server.tokenRequests("refresh_token")).toHaveLength(1);
      expect(statSync(path).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("onUnauthorized refreshes once, and returns true without a refresh when another caller already did", async () => {
    const seeded = await seed(3600_000);
    const auth = client().authProvider();
    const used = await auth.authorization();
    expect(used).toBe(`Bearer ${seeded.accessToken}`);
    server.accessTokens.delete(seeded.accessToken); // the API now answers 401 for it

    const results = await Promise.all(Array.from({ length: 5 }, () => auth.onUnauthorized?.(used)));
    expect(results).toEqual([true, true, true, true, true]);
    expect(server.tokenRequests("refresh_token")).toHaveLength(1);

    // A late caller reporting the same stale token does not refresh again.
    expect(await auth.onUnauthorized?.(used)).toBe(true);
    expect(server.tokenRequests("refresh_token")).toHaveLength(1);

    const fresh = await auth.authorization();
    expect(fresh).not.toBe(used);
    const api = await fetch(`${server.url}/api/accounts`, {
      headers: { authorization: fresh, revision: "2026-07-15" },
    });
    expect(api.status).toBe(200);
  });

  it("when the grant was revoked: onUnauthorized returns false, authorization() throws a clear AuthenticationError", async () => {
    const seeded = await seed(3600_000);
    const auth = client().authProvider();
    const used = await auth.authorization();
    server.revokeGrant();

    expect(await auth.onUnauthorized?.(used)).toBe(false);
    expect(warnings.some((w) => w.includes("authorization again"))).toBe(true);
    expect(server.tokenRequests("refresh_token")).toHaveLength(1);

    clock.advance(3600_000);
    const err = await auth.authorization().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toMatch(/authorization again/);
    expect((err as Error).message).not.toContain(seeded.refreshToken);
    // The rejected refresh token is never sent again.
    expect(server.tokenRequests("refresh_token")).toHaveLength(1);
  });

  it("redacts tokens the server echoes in error_description", async () => {
    const seeded = await seed(-1);
    server.revokeGrant();
    const err = await client()
      .refresh()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toContain("[redacted]");
    expect((err as Error).message).not.toContain(seeded.refreshToken);
    expect(JSON.stringify((err as KlaviyoError).errors)).not.toContain(seeded.refreshToken);
  });

  it("retries 5xx twice with backoff on the injected clock, then succeeds", async () => {
    await seed(-1);
    server.failNext.push(503, 502);
    const tokens = await client().refresh();
    expect(server.tokenRequests()).toHaveLength(3);
    expect(clock.sleeps).toEqual([250, 500]);
    expect((await store.load())?.accessToken).toBe(tokens.accessToken);
  });

  it("gives up with a ServerError after two retries", async () => {
    await seed(-1);
    server.failNext.push(500, 500, 500);
    const err = await client()
      .refresh()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(server.tokenRequests()).toHaveLength(3);
  });

  it("retries network errors and then reports a NetworkError", async () => {
    await seed(-1);
    await server.stop();
    const err = await client()
      .refresh()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(transport.calls).toBe(3);
    expect(clock.sleeps).toEqual([250, 500]);
  });

  it("a caller that aborts stops waiting, but the shared refresh completes and is saved", async () => {
    server.tokenDelayMs = 50;
    const seeded = await seed(-1);
    const auth = client().authProvider();
    const controller = new AbortController();
    const waiting = auth.authorization(controller.signal);
    const other = auth.authorization();
    setTimeout(() => controller.abort(new Error("caller gave up")), 10);
    await expect(waiting).rejects.toThrow("caller gave up");
    const header = await other;
    expect(header).not.toBe(`Bearer ${seeded.accessToken}`);
    expect(header).toBe(`Bearer ${(await store.load())?.accessToken}`);
    expect(server.tokenRequests("refresh_token")).toHaveLength(1);
  });

  it("throws a clear AuthenticationError when no tokens are stored", async () => {
    await expect(client().authProvider().authorization()).rejects.toThrow(/No OAuth tokens/);
    expect(transport.calls).toBe(0);
  });

  it("checks the token endpoint's base URL", () => {
    expect(() => client({ baseUrl: "http://example.com" })).toThrow(ConfigError);
    expect(() => client({ baseUrl: "http://example.com" })).toThrow(/plain http/);
    expect(client({ baseUrl: undefined }).tokenUrl).toBe("https://a.klaviyo.com/oauth/token");
    expect(client({ baseUrl: "https://a.klaviyo.com/" }).tokenUrl).toBe("https://a.klaviyo.com/oauth/token");
  });

  it("refuses a missing client secret without echoing anything", () => {
    expect(() => client({ clientSecret: "" })).toThrow(/client secret is missing/);
    expect(() => client({ clientId: "" })).toThrow(/client id is missing/);
  });

  it("does not show the client secret or tokens when the client is inspected", async () => {
    await seed(3600_000);
    const c = client();
    await c.authProvider().authorization();
    const { inspect } = await import("node:util");
    const shown = inspect(c, { depth: 5 }) + JSON.stringify(c);
    expect(shown).not.toContain(server.clientSecret);
    expect(shown).not.toContain((await store.load())?.accessToken ?? "missing");
  });
});
