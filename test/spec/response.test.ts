import { describe, expect, it } from "vitest";
import { validateResponse } from "../../src/spec/index.js";

const API = "application/vnd.api+json";
const BASE = "https://a.klaviyo.com";

function profile(id: string, attributes: Record<string, unknown> = {}) {
  return {
    type: "profile",
    id,
    attributes: { email: `${id}@example.com`, created: "2024-01-01T00:00:00+00:00", ...attributes },
    links: { self: `${BASE}/api/profiles/${id}` },
  };
}

const collection = (data: unknown[]) => ({
  data,
  links: { self: `${BASE}/api/profiles`, next: `${BASE}/api/profiles?page%5Bcursor%5D=abc` },
});

const error = {
  errors: [
    { id: "e1", code: "invalid", title: "Invalid input.", detail: "bad", source: { parameter: "filter" } },
  ],
};

describe("validateResponse", () => {
  it("accepts a get_profiles collection", () => {
    const body = collection([
      profile("p1"),
      profile("p2", { phone_number: null, location: { latitude: 1.5 } }),
    ]);
    expect(validateResponse({ operationId: "get_profiles", status: 200, contentType: API, body })).toEqual(
      [],
    );
  });

  it("rejects a collection missing links.self", () => {
    const body = { data: [profile("p1")], links: { next: `${BASE}/x` } };
    const problems = validateResponse({ operationId: "get_profiles", status: 200, contentType: API, body });
    expect(problems).toEqual([
      { kind: "body", pointer: "/links/self", message: "response body /links/self is required" },
    ]);
  });

  it("names the pointer of a bad resource", () => {
    const body = collection([profile("p1"), { ...profile("p2"), type: "list" }]);
    const problems = validateResponse({ operationId: "get_profiles", status: 200, contentType: API, body });
    expect(problems.map((p) => p.pointer)).toEqual(["/data/1/type"]);
  });

  it("requires RFC 3339 date-times in responses", () => {
    const body = collection([profile("p1", { created: "2024-01-01T00:00:00" })]);
    const problems = validateResponse({ operationId: "get_profiles", status: 200, contentType: API, body });
    expect(problems.map((p) => p.pointer)).toEqual(["/data/0/attributes/created"]);
  });

  it("accepts a ClientError body for 4xx and a ServerError body for 5xx", () => {
    for (const status of [400, 401, 403, 404, 409, 429]) {
      expect(
        validateResponse({ operationId: "get_profiles", status, contentType: API, body: error }),
      ).toEqual([]);
    }
    expect(
      validateResponse({
        operationId: "create_or_update_profile",
        status: 503,
        contentType: API,
        body: error,
      }),
    ).toEqual([]);
  });

  it("rejects an error body without the required members", () => {
    const body = { errors: [{ id: "e1", code: "invalid", title: "Invalid" }] };
    const problems = validateResponse({ operationId: "get_profiles", status: 400, contentType: API, body });
    expect(problems).toMatchObject([{ pointer: "/errors/0/detail" }]);
    expect(
      validateResponse({ operationId: "get_profiles", status: 400, contentType: API, body: {} }),
    ).toMatchObject([{ pointer: "/errors" }]);
  });

  it("rejects undeclared statuses", () => {
    const [p] = validateResponse({
      operationId: "get_profiles",
      status: 201,
      contentType: API,
      body: collection([]),
    });
    expect(p).toMatchObject({ kind: "status", message: expect.stringMatching(/declared: 200, 4XX, 5XX/) });
    expect(validateResponse({ operationId: "get_profiles", status: 302 })[0]?.kind).toBe("status");
  });

  it("responses without content must have an empty body", () => {
    expect(validateResponse({ operationId: "delete_campaign", status: 204 })).toEqual([]);
    expect(validateResponse({ operationId: "delete_campaign", status: 204, body: "" })).toEqual([]);
    expect(
      validateResponse({ operationId: "delete_campaign", status: 204, body: { data: null } })[0]?.message,
    ).toMatch(/without a body/);
    expect(validateResponse({ operationId: "create_back_in_stock_subscription", status: 202 })).toEqual([]);
  });

  it("responses with content need a body and the JSON:API media type", () => {
    expect(
      validateResponse({ operationId: "get_profiles", status: 200, contentType: API })[0]?.message,
    ).toMatch(/none was sent/);
    const [p] = validateResponse({
      operationId: "get_profiles",
      status: 200,
      contentType: "application/json",
      body: collection([]),
    });
    expect(p).toMatchObject({ kind: "content-type" });
    expect(
      validateResponse({
        operationId: "get_profiles",
        status: 200,
        contentType: `${API}; charset=utf-8`,
        body: collection([]),
      }),
    ).toEqual([]);
  });

  it("rejects unknown operations", () => {
    expect(validateResponse({ operationId: "get_nothing", status: 200 })[0]?.kind).toBe("operation");
  });
});
