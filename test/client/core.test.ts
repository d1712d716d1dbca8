import { afterEach, describe, expect, it } from "vitest";
import { BaseClient, type ClientOptions } from "../../src/client/client.js";
import {
  AuthenticationError,
  ClientRequestError,
  ConfigError,
  ConflictError,
  NetworkError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ServerError,
  ValidationError,
} from "../../src/client/errors.js";
import { filter } from "../../src/filter/index.js";
import { JumpClock } from "../helpers/fake-clock.js";
import { type LoopbackServer, startLoopbackServer } from "../helpers/loopback.js";

const KEY = "pk_test_core";
let server: LoopbackServer | undefined;
const clients: BaseClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await server?.close();
  server = undefined;
});

type Handler = Parameters<typeof startLoopbackServer>[0];

async function setup(handler: Handler, options: Partial<ClientOptions> = {}) {
  server = await startLoopbackServer(handler);
  const clock = new JumpClock();
  const client = new BaseClient({
    apiKey: KEY,
    baseUrl: server.url,
    clock,
    retry: { maxRetries: 3, baseDelayMs: 100 },
    env: {},
    ...options,
  });
  clients.push(client);
  return { client, clock, server };
}

const profile = (id: string) => ({
  type: "profile",
  id,
  attributes: { email: `${id}@example.com` },
  links: { self: `https://x/api/profiles/${id}` },
});

function collection(url: string, data: unknown[], next?: string) {
  return { data, links: { self: url, ...(next ? { next } : {}) } };
}

describe("request pipeline", () => {
  it("sends the pinned revision, the key and JSON:API headers", async () => {
    const { client, server } = await setup((req) => ({
      status: 200,
      body: collection(`${server?.url}${req.pathname}`, []),
    }));
    await client.request("GET", "/api/accounts");
    const h = server.requests[0]?.headers ?? {};
    expect(h.revision).toBe("2026-07-15");
    expect(h.authorization).toBe(`Klaviyo-API-Key ${KEY}`);
    expect(h.accept).toBe("application/vnd.api+json");
  });

  it("sends a JSON:API body with its content type, and fills path templates", async () => {
    const { client, server } = await setup(() => ({
      status: 200,
      body: { data: profile("p1"), links: { self: "http://127.0.0.1/x" } },
    }));
    await client.request("PATCH", "/api/profiles/{id}", {
      path: { id: "p1" },
      body: { data: { type: "profile", id: "p1", attributes: { first_name: "Ada" } } },
    });
    const r = server.requests[0];
    expect(r?.pathname).toBe("/api/profiles/p1");
    expect(r?.headers["content-type"]).toBe("application/vnd.api+json");
    expect(r?.json).toEqual({ data: { type: "profile", id: "p1", attributes: { first_name: "Ada" } } });
  });

  it("encodes arrays comma-separated and checks filters before sending", async () => {
    const { client, server } = await setup((req) => ({
      status: 200,
      body: collection(`${server?.url}${req.pathname}`, []),
    }));
    await client.call("get_profiles", {
      query: {
        "fields[profile]": ["email", "first_name"],
        "page[size]": 100,
        filter: filter.and(
          filter.equals("email", "o'brien@example.com"),
          filter.greaterThan("updated", new Date("2024-01-01T00:00:00Z")),
        ),
      },
    });
    const q = server.requests[0]?.query;
    expect(q?.get("fields[profile]")).toBe("email,first_name");
    expect(q?.get("filter")).toContain("equals(email,'o\\'brien@example.com')");
    await expect(
      client.call("get_profiles", { query: { filter: "equals(email,'unterminated" } }),
    ).rejects.toThrow(ConfigError);
    expect(server.requests).toHaveLength(1);
  });

  it("waits Retry-After on 429 (header name in any case), then succeeds", async () => {
    let n = 0;
    const { client, clock, server } = await setup((req) =>
      n++ === 0
        ? {
            status: 429,
            headers: { "RETRY-AFTER": "3" },
            body: { errors: [{ id: "1", code: "throttled", title: "Throttled", detail: "slow down" }] },
          }
        : { status: 200, body: collection(`${server?.url}${req.pathname}`, []) },
    );
    await client.request("GET", "/api/profiles");
    expect(server.requests).toHaveLength(2);
    expect(Math.max(...clock.sleeps)).toBeGreaterThan(2900);
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(3000);
    expect(client.stats.rateLimited).toBe(1);
  });

  it("a throttled request does not use a slot of the budget: a minute's quota still fits in the minute", async () => {
    let n = 0;
    const { client, clock, server } = await setup(() =>
      n++ === 0
        ? {
            status: 429,
            headers: { "retry-after": "1" },
            body: { errors: [{ id: "1", code: "throttled", title: "T", detail: "d" }] },
          }
        : { status: 200, body: { data: [], links: { self: "x" } } },
    );
    const start = clock.now();
    // get_accounts allows 15 a minute (1 a second): 15 calls, the first throttled once.
    for (let i = 0; i < 15; i++) await client.request("GET", "/api/accounts");
    expect(server.requests).toHaveLength(16);
    expect(clock.now() - start).toBeLessThan(60_000);
  });

  it("rides out a long 429 storm instead of giving up after a second", async () => {
    let n = 0;
    const { client, server } = await setup((req) =>
      n++ < 30
        ? {
            status: 429,
            headers: { "retry-after": "3" },
            body: { errors: [{ id: "1", code: "throttled", title: "T", detail: "d" }] },
          }
        : { status: 200, body: collection(`${server?.url}${req.pathname}`, []) },
    );
    await client.request("GET", "/api/profiles");
    expect(server.requests).toHaveLength(31); // 90 s of 429s
  });

  it("gives up with RateLimitError once 429s exceed the allowed wait", async () => {
    const { client } = await setup(
      () => ({
        status: 429,
        headers: { "retry-after": "60" },
        body: { errors: [{ id: "1", code: "throttled", title: "T", detail: "d" }] },
      }),
      { retry: { maxRateLimitWaitMs: 150_000 } },
    );
    const err = await client.request("GET", "/api/profiles").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).retryAfter).toBe(60);
  });

  for (const status of [500, 502, 503, 504]) {
    it(`retries ${status} with backoff, then succeeds`, async () => {
      let n = 0;
      const { client, clock, server } = await setup((req) =>
        n++ < 2
          ? { status, body: { errors: [{ id: "e", code: "error", title: "Server error", detail: "oops" }] } }
          : { status: 200, body: collection(`${server?.url}${req.pathname}`, []) },
      );
      await client.request("GET", "/api/profiles");
      expect(server.requests).toHaveLength(3);
      expect(clock.sleeps).toHaveLength(2);
      // Capped exponential with jitter: step 1 in [50,100], step 2 in [100,200].
      expect(clock.sleeps[0]).toBeGreaterThanOrEqual(50);
      expect(clock.sleeps[0]).toBeLessThanOrEqual(100);
      expect(clock.sleeps[1]).toBeGreaterThanOrEqual(100);
      expect(clock.sleeps[1]).toBeLessThanOrEqual(200);
    });
  }

  it("stops retrying a persistent 503 after maxRetries with a ServerError", async () => {
    const { client, server } = await setup(() => ({
      status: 503,
      body: { errors: [{ id: "e", code: "unavailable", title: "Unavailable", detail: "down" }] },
    }));
    const err = await client.request("GET", "/api/profiles").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as ServerError).status).toBe(503);
    expect(server.requests).toHaveLength(4);
  });

  const cases: Array<[number, string, new (...a: never[]) => Error, Record<string, unknown>]> = [
    [400, "invalid", ValidationError, { source: { pointer: "/data/attributes/email" } }],
    [401, "not_authenticated", AuthenticationError, {}],
    [403, "permission_denied", PermissionError, {}],
    [404, "not_found", NotFoundError, {}],
    [405, "method_not_allowed", ClientRequestError, {}],
    [409, "duplicate_profile", ConflictError, { meta: { duplicate_profile_id: "01DUP" } }],
    [415, "unsupported_media_type", ClientRequestError, {}],
  ];
  for (const [status, code, Type, extra] of cases) {
    it(`maps ${status} ${code} to ${Type.name} without retrying`, async () => {
      const { client, server } = await setup(() => ({
        status,
        body: { errors: [{ id: "e1", code, title: "Problem", detail: `detail for ${code}`, ...extra }] },
      }));
      const err = await client
        .request("POST", "/api/profiles", {
          body: { data: { type: "profile", attributes: { email: "a@example.com" } } },
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Type);
      expect(server.requests).toHaveLength(1);
      expect((err as Error).message).toContain(`detail for ${code}`);
      expect((err as Error).message).not.toContain(KEY);
      if (err instanceof ValidationError) expect(err.pointer).toBe("/data/attributes/email");
      if (err instanceof ConflictError) expect(err.duplicateProfileId).toBe("01DUP");
    });
  }

  it("treats a 400 not_authenticated (older behaviour) as an authentication failure", async () => {
    const { client } = await setup(() => ({
      status: 400,
      body: {
        errors: [
          {
            id: "e",
            code: "not_authenticated",
            title: "Bad key",
            detail: "Incorrect authentication credentials.",
          },
        ],
      },
    }));
    await expect(client.request("GET", "/api/accounts")).rejects.toBeInstanceOf(AuthenticationError);
  });

  it("names the culprit parameter of a 400", async () => {
    const { client } = await setup(() => ({
      status: 400,
      body: {
        errors: [
          {
            id: "e",
            code: "invalid",
            title: "Invalid input",
            detail: "page size too big",
            source: { parameter: "page[size]" },
          },
        ],
      },
    }));
    const err = (await client.request("GET", "/api/profiles").catch((e: unknown) => e)) as ValidationError;
    expect(err.parameter).toBe("page[size]");
    expect(err.message).toContain("page[size]");
  });

  it("retries a connection reset", async () => {
    let n = 0;
    const { client, server } = await setup((req) =>
      n++ === 0 ? { destroy: true } : { status: 200, body: collection(`${server?.url}${req.pathname}`, []) },
    );
    await client.request("GET", "/api/profiles");
    expect(server.requests).toHaveLength(2);
    expect(client.stats.networkErrors).toBe(1);
  });

  it("times out a slow response and retries it", async () => {
    let n = 0;
    const { client, server } = await setup(
      (req) =>
        n++ === 0
          ? { status: 200, delayMs: 1000, body: {} }
          : { status: 200, body: collection(`${server?.url}${req.pathname}`, []) },
      { timeoutMs: 100 },
    );
    await client.request("GET", "/api/profiles");
    expect(server.requests).toHaveLength(2);
  });

  it("reports a persistent network failure as NetworkError with its kind", async () => {
    const { client } = await setup(() => ({ destroy: true }));
    const err = (await client.request("GET", "/api/profiles").catch((e: unknown) => e)) as NetworkError;
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.kind).toBe("reset");
  });

  it("retries a truncated JSON body", async () => {
    let n = 0;
    const { client, server } = await setup((req) =>
      n++ === 0
        ? { status: 200, body: '{"data": [', headers: { "content-type": "application/vnd.api+json" } }
        : { status: 200, body: collection(`${server?.url}${req.pathname}`, []) },
    );
    await client.request("GET", "/api/profiles");
    expect(server.requests).toHaveLength(2);
  });

  it("honours an AbortSignal without retrying", async () => {
    const { client, server } = await setup(() => ({ status: 200, delayMs: 2000, body: {} }));
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("cancelled by caller")), 50);
    await expect(client.request("GET", "/api/profiles", { signal: ac.signal })).rejects.toThrow(
      "cancelled by caller",
    );
    expect(server.requests).toHaveLength(1);
  });

  it("refuses plain http to a non-loopback host, and a missing key", () => {
    expect(() => new BaseClient({ apiKey: KEY, baseUrl: "http://example.com", env: {} })).toThrow(
      /plain http/,
    );
    expect(() => new BaseClient({ env: {} })).toThrow(/KLAVIYO_API_KEY/);
    expect(() => new BaseClient({ apiKey: "AbC123", env: {} })).toThrow(/public/);
  });
});

describe("pagination", () => {
  it("iterates items across pages by following links.next, and pages with included", async () => {
    const { client, server } = await setup((req) => {
      const base = server?.url ?? "";
      const cursor = req.query.get("page[cursor]");
      if (!cursor)
        return {
          status: 200,
          body: {
            ...collection(
              `${base}/api/profiles`,
              [profile("a"), profile("b")],
              `${base}/api/profiles?page%5Bcursor%5D=c2`,
            ),
            included: [],
          },
        };
      if (cursor === "c2")
        return {
          status: 200,
          body: collection(
            `${base}/api/profiles`,
            [profile("c")],
            `${base}/api/profiles?page%5Bcursor%5D=c3`,
          ),
        };
      return { status: 200, body: collection(`${base}/api/profiles`, [profile("d")]) };
    });
    const ids: string[] = [];
    for await (const p of client.paginate("get_profiles", { query: { "page[size]": 2 } }))
      ids.push(p.id as string);
    expect(ids).toEqual(["a", "b", "c", "d"]);
    expect(server.requests).toHaveLength(3);
    const pages = [];
    for await (const page of client.paginate("get_profiles").pages()) pages.push(page.data.length);
    expect(pages).toEqual([2, 1, 1]);
  });

  it("never follows a next link to another origin", async () => {
    const { client } = await setup(() => ({
      status: 200,
      body: collection(
        "https://evil.example/api/profiles",
        [profile("a")],
        "https://evil.example/api/profiles?page%5Bcursor%5D=x",
      ),
    }));
    const seen: string[] = [];
    const run = async () => {
      for await (const p of client.paginate("get_profiles")) seen.push(p.id as string);
    };
    await expect(run()).rejects.toThrow(/Refusing to send credentials/);
    expect(seen).toEqual(["a"]);
  });
});
