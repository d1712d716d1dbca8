import { afterEach, describe, expect, it } from "vitest";
import { type LoopbackServer, startLoopbackServer } from "../helpers/loopback.js";
import { takeViolations } from "../helpers/spec-harness.js";

const HEADERS = {
  revision: "2026-07-15",
  authorization: "Klaviyo-API-Key pk_test_harness",
  accept: "application/vnd.api+json",
};

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const emptyCollection = (url: string) => ({ status: 200, body: { data: [], links: { self: url } } });

describe("spec harness", () => {
  it("records a violation for an invalid request (and the afterEach would fail the test)", async () => {
    server = await startLoopbackServer((req) => emptyCollection(`${server?.url}${req.pathname}`));
    const res = await fetch(`${server.url}/api/profiles?page%5Bsize%5D=1000`, { headers: HEADERS });
    expect(res.status).toBe(200);
    await res.json();
    const violations = takeViolations();
    expect(violations).toHaveLength(1);
    expect(violations[0]?.context).toBe("GET /api/profiles?page[size]=1000");
    expect(violations[0]?.problems).toEqual([
      { kind: "query", parameter: "page[size]", message: "page[size] must be at most 100, got 1000" },
    ]);
    expect(server.requests[0]?.problems).toHaveLength(1);
  });

  it("records nothing for a valid request", async () => {
    server = await startLoopbackServer(
      (req) =>
        req.method === "POST"
          ? {
              status: 200,
              body: {
                data: {
                  type: "profile",
                  id: "P1",
                  attributes: { email: "a@b.com" },
                  links: { self: `${server?.url}/api/profiles/P1` },
                },
              },
            }
          : emptyCollection(`${server?.url}${req.pathname}`),
      { validateResponses: true },
    );
    const url = `${server.url}/api/profiles?page%5Bsize%5D=100&filter=${encodeURIComponent("greater-than(updated,2024-01-01T00:00:00+00:00)")}`;
    const res = await fetch(url, { headers: HEADERS });
    expect(res.headers.get("content-type")).toBe("application/vnd.api+json");
    expect(await res.json()).toEqual({ data: [], links: { self: `${server.url}/api/profiles` } });
    const post = await fetch(`${server.url}/api/profile-import`, {
      method: "POST",
      headers: { ...HEADERS, "content-type": "application/vnd.api+json" },
      body: JSON.stringify({ data: { type: "profile", attributes: { email: "a@b.com" } } }),
    });
    expect(post.status).toBe(200);
    await post.text();
    expect(takeViolations()).toEqual([]);
    const [get, sent] = server.requests;
    expect(get?.operationId).toBe("get_profiles");
    expect(get?.query.get("filter")).toBe("greater-than(updated,2024-01-01T00:00:00+00:00)");
    expect(get?.headers.revision).toBe("2026-07-15");
    expect(sent?.json).toEqual({ data: { type: "profile", attributes: { email: "a@b.com" } } });
    expect(sent?.body).toBe(JSON.stringify(sent?.json));
  });

  it("with expectInvalid, records the problems on the request but not as violations", async () => {
    server = await startLoopbackServer(() => ({ status: 400, body: { errors: [] } }), {
      expectInvalid: true,
    });
    const res = await fetch(`${server.url}/api/profiles?filter=equals(nickname,'x')`, {
      headers: { revision: "2026-07-15" },
    });
    expect(res.status).toBe(400);
    await res.text();
    expect(takeViolations()).toEqual([]);
    expect(server.requests[0]?.problems.map((p) => p.parameter ?? p.header)).toEqual([
      "filter",
      "authorization",
    ]);
  });

  it("validates the handler's answers when asked to", async () => {
    server = await startLoopbackServer(() => ({ status: 200, body: { data: [], links: {} } }), {
      validateResponses: true,
    });
    await (await fetch(`${server.url}/api/profiles`, { headers: HEADERS })).text();
    const violations = takeViolations();
    expect(violations[0]?.context).toBe("response 200 to GET /api/profiles");
    expect(violations[0]?.problems[0]?.pointer).toBe("/links/self");
  });

  it("resets the connection on { destroy: true } and answers late on { delayMs }", async () => {
    let n = 0;
    server = await startLoopbackServer(() => (n++ === 0 ? { destroy: true } : { status: 204, delayMs: 150 }));
    await expect(
      fetch(`${server.url}/api/lists/L1`, { method: "DELETE", headers: HEADERS }),
    ).rejects.toThrow();
    const started = Date.now();
    const res = await fetch(`${server.url}/api/lists/L1`, { method: "DELETE", headers: HEADERS });
    expect(res.status).toBe(204);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(server.requests).toHaveLength(2);
    expect(takeViolations()).toEqual([]);
  });

  it("reports a handler that throws", async () => {
    server = await startLoopbackServer(() => {
      throw new Error("boom");
    });
    const res = await fetch(`${server.url}/api/accounts`, { headers: HEADERS });
    expect(res.status).toBe(500);
    await res.text();
    const violations = takeViolations();
    expect(violations[0]?.problems[0]?.message).toMatch(/handler threw: Error: boom/);
  });

  it("close() does not wait for a slow answer", async () => {
    const s = await startLoopbackServer(() => ({ status: 200, delayMs: 10_000, body: {} }));
    const pending = fetch(`${s.url}/api/accounts`, { headers: HEADERS }).catch((e: unknown) => e);
    while (s.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    const started = Date.now();
    await s.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });
});
