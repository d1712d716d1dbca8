import { describe, expect, it } from "vitest";
import { type SpecProblem, validateRequest } from "../../src/spec/index.js";

const HEADERS = { revision: "2026-07-15", authorization: "Klaviyo-API-Key pk_test_123" };
const JSON_HEADERS = { ...HEADERS, "content-type": "application/vnd.api+json" };

const GOOD_PROFILES_URL =
  "/api/profiles?page%5Bsize%5D=100&filter=equals(email,'a@b.com')&fields%5Bprofile%5D=email,first_name&sort=-updated";

function get(url: string, headers: Record<string, string> = HEADERS) {
  return validateRequest({ method: "GET", url, headers });
}

function only(problems: SpecProblem[]): SpecProblem {
  expect(problems, JSON.stringify(problems, null, 2)).toHaveLength(1);
  return problems[0] as SpecProblem;
}

const upsert = (attributes: Record<string, unknown>) => ({ data: { type: "profile", attributes } });

describe("validateRequest: valid requests", () => {
  it("accepts a GET /api/profiles with page size, filter, sparse fields and sort", () => {
    const r = get(GOOD_PROFILES_URL);
    expect(r).toEqual({ operationId: "get_profiles", pathParams: {}, problems: [] });
  });

  it("accepts pathname + URLSearchParams and an absolute URL alike", () => {
    const query = new URLSearchParams({ "page[size]": "20", include: "push-tokens,conversations" });
    expect(
      validateRequest({ method: "get", pathname: "/api/profiles", query, headers: HEADERS }).problems,
    ).toEqual([]);
    expect(get(`https://a.klaviyo.com${GOOD_PROFILES_URL}`).problems).toEqual([]);
  });

  it("decodes path parameters", () => {
    const r = get("/api/profiles/01H%2FX?additional-fields%5Bprofile%5D=subscriptions,predictive_analytics");
    expect(r.operationId).toBe("get_profile");
    expect(r.pathParams).toEqual({ id: "01H/X" });
    expect(r.problems).toEqual([]);
  });

  it("accepts a POST /api/profile-import with a valid body (nulls and unions included)", () => {
    const body = upsert({
      email: "a@b.com",
      phone_number: null,
      first_name: "Ada",
      location: { city: "London", latitude: 51.5, longitude: "-0.12" },
      properties: { plan: "pro", seats: 3 },
    });
    const r = validateRequest({ method: "POST", url: "/api/profile-import", headers: JSON_HEADERS, body });
    expect(r).toEqual({ operationId: "create_or_update_profile", pathParams: {}, problems: [] });
  });

  it("accepts plain application/json and a raw JSON body", () => {
    const r = validateRequest({
      method: "POST",
      url: "/api/profile-import",
      headers: { ...HEADERS, "Content-Type": "application/json; charset=utf-8" },
      rawBody: JSON.stringify(upsert({ email: "a@b.com" })),
    });
    expect(r.problems).toEqual([]);
  });

  it("accepts a required filter, a revision with suffix and a Bearer token", () => {
    const r = get("/api/campaigns?filter=equals(messages.channel,'email')", {
      revision: "2026-07-15.pre",
      authorization: "Bearer abc.def",
    });
    expect(r.problems).toEqual([]);
  });

  it("lets /client/ operations go without authorization", () => {
    const r = validateRequest({
      method: "POST",
      url: "/client/profiles?company_id=AbC123",
      headers: { revision: "2026-07-15", "content-type": "application/vnd.api+json" },
      body: upsert({ email: "a@b.com" }),
    });
    expect(r.problems).toEqual([]);
  });

  it("accepts DELETE with a relationship body and no-body DELETEs", () => {
    expect(
      validateRequest({
        method: "DELETE",
        url: "/api/lists/L1/relationships/profiles",
        headers: JSON_HEADERS,
        body: { data: [{ type: "profile", id: "P1" }] },
      }).problems,
    ).toEqual([]);
    expect(validateRequest({ method: "DELETE", url: "/api/lists/L1", headers: HEADERS }).problems).toEqual(
      [],
    );
  });
});

describe("validateRequest: violations", () => {
  it("page[size] above the maximum", () => {
    const p = only(get("/api/profiles?page%5Bsize%5D=101").problems);
    expect(p).toMatchObject({ kind: "query", parameter: "page[size]" });
    expect(p.message).toMatch(/at most 100, got 101/);
  });

  it("page[size] below the minimum or not an integer", () => {
    expect(only(get("/api/profiles?page[size]=0").problems).message).toMatch(/at least 1/);
    expect(only(get("/api/profiles?page[size]=ten").problems).message).toMatch(/must be an integer/);
    expect(only(get("/api/lists?page[size]=11").problems).message).toMatch(/at most 10/);
  });

  it("unknown query parameter", () => {
    const p = only(get("/api/profiles?pagesize=10").problems);
    expect(p).toMatchObject({ kind: "query", parameter: "pagesize" });
    expect(p.message).toMatch(/no query parameter "pagesize"/);
  });

  it("a parameter given twice", () => {
    const p = only(get("/api/profiles?sort=id&sort=email").problems);
    expect(p).toMatchObject({ parameter: "sort" });
    expect(p.message).toMatch(/more than once/);
  });

  it("bad sort", () => {
    const p = only(get("/api/profiles?sort=-first_name").problems);
    expect(p).toMatchObject({ kind: "query", parameter: "sort" });
    expect(p.message).toMatch(/"-first_name" is not allowed; allowed values: "created", "-created"/);
  });

  it("bad include and sparse fieldset items, each item checked", () => {
    expect(only(get("/api/profiles?include=lists").problems)).toMatchObject({ parameter: "include" });
    const p = get("/api/profiles?fields%5Bprofile%5D=email,nickname,,first_name").problems;
    expect(p.map((x) => x.parameter)).toEqual(["fields[profile]", "fields[profile]"]);
    expect(p[0]?.message).toMatch(/"nickname" is not allowed/);
    expect(p[1]?.message).toMatch(/empty item/);
  });

  it("bad filter field and bad operator", () => {
    const field = only(get("/api/profiles?filter=equals(nickname,'x')").problems);
    expect(field).toMatchObject({ kind: "query", parameter: "filter" });
    expect(field.message).toMatch(/"nickname" cannot be filtered on here/);
    const op = only(get("/api/profiles?filter=contains(email,'x')").problems);
    expect(op).toMatchObject({ parameter: "filter" });
    expect(op.message).toMatch(/operator "contains" is not allowed on "email"/);
  });

  it("malformed filter and a filter where none is accepted", () => {
    const p = only(get("/api/profiles?filter=equals(email,a@b.com)").problems);
    expect(p).toMatchObject({ parameter: "filter" });
    expect(p.message).toMatch(/Malformed filter at character 13/);
    // An unencoded "+" in the offset arrives as a space.
    const plus = only(get("/api/profiles?filter=greater-than(updated,2024-01-01T00:00:00+00:00)").problems);
    expect(plus.message).toMatch(/%2B/);
    expect(only(get("/api/accounts?filter=equals(a,1)").problems).parameter).toBe("filter");
  });

  it("missing required query parameter", () => {
    const p = only(get("/api/campaigns").problems);
    expect(p).toMatchObject({ kind: "query", parameter: "filter" });
    expect(p.message).toMatch(
      /requires the query parameter filter \(for example equals\(messages.channel,'email'\)\)/,
    );
    expect(
      only(
        validateRequest({ method: "GET", url: "/client/reviews", headers: { revision: "2026-07-15" } })
          .problems,
      ),
    ).toMatchObject({ parameter: "company_id" });
  });

  it("missing or malformed revision", () => {
    const missing = only(get("/api/profiles", { authorization: HEADERS.authorization }).problems);
    expect(missing).toMatchObject({ kind: "header", header: "revision" });
    const bad = only(get("/api/profiles", { ...HEADERS, revision: "2026-7-15" }).problems);
    expect(bad.message).toMatch(/malformed/);
  });

  it("missing or malformed authorization on /api/", () => {
    expect(only(get("/api/profiles", { revision: "2026-07-15" }).problems)).toMatchObject({
      kind: "authorization",
      header: "authorization",
    });
    expect(only(get("/api/profiles", { ...HEADERS, authorization: "pk_123" }).problems).kind).toBe(
      "authorization",
    );
  });

  it("body missing required data.type", () => {
    const r = validateRequest({
      method: "POST",
      url: "/api/profile-import",
      headers: JSON_HEADERS,
      body: { data: { attributes: { email: "a@b.com" } } },
    });
    const p = only(r.problems);
    expect(p).toMatchObject({ kind: "body", pointer: "/data/type" });
    expect(p.message).toMatch(/\/data\/type is required/);
  });

  it("wrong attribute type", () => {
    const r = validateRequest({
      method: "POST",
      url: "/api/profile-import",
      headers: JSON_HEADERS,
      body: upsert({ email: 42 }),
    });
    const p = only(r.problems);
    expect(p).toMatchObject({ kind: "body", pointer: "/data/attributes/email" });
    expect(p.message).toMatch(/must be string/);
  });

  it("wrong resource type names the enum", () => {
    const r = validateRequest({
      method: "POST",
      url: "/api/profile-import",
      headers: JSON_HEADERS,
      body: { data: { type: "profiles", attributes: {} } },
    });
    expect(only(r.problems)).toMatchObject({
      pointer: "/data/type",
      message: expect.stringMatching(/must be one of "profile"/),
    });
  });

  it("missing body, body not JSON, wrong content type, body where none is taken", () => {
    const missing = only(
      validateRequest({ method: "POST", url: "/api/profile-import", headers: JSON_HEADERS }).problems,
    );
    expect(missing).toMatchObject({ kind: "body", pointer: "/data" });
    const notJson = only(
      validateRequest({ method: "POST", url: "/api/profile-import", headers: JSON_HEADERS, rawBody: "{nope" })
        .problems,
    );
    expect(notJson).toMatchObject({ kind: "body", pointer: "" });
    const wrongType = validateRequest({
      method: "POST",
      url: "/api/profile-import",
      headers: { ...HEADERS, "content-type": "text/plain" },
      rawBody: "email=a@b.com",
    }).problems;
    expect(only(wrongType)).toMatchObject({ kind: "content-type", header: "content-type" });
    const extra = only(
      validateRequest({ method: "GET", url: "/api/profiles", headers: JSON_HEADERS, body: { data: {} } })
        .problems,
    );
    expect(extra.message).toMatch(/takes no request body/);
  });

  it("multipart upload: only the media type is checked", () => {
    const ok = validateRequest({
      method: "POST",
      url: "/api/image-upload",
      headers: { ...HEADERS, "content-type": "multipart/form-data; boundary=x" },
      rawBody: "--x\r\n...",
    });
    expect(ok.problems).toEqual([]);
    const bad = validateRequest({
      method: "POST",
      url: "/api/image-upload",
      headers: JSON_HEADERS,
      body: {},
    });
    expect(only(bad.problems).kind).toBe("content-type");
  });

  it("unknown path and wrong method", () => {
    const path = validateRequest({ method: "GET", url: "/api/profilez", headers: HEADERS });
    expect(path.operationId).toBeUndefined();
    expect(only(path.problems)).toMatchObject({
      kind: "path",
      message: expect.stringMatching(/no operation/),
    });
    const method = validateRequest({ method: "PUT", url: "/api/profiles", headers: HEADERS });
    expect(only(method.problems)).toMatchObject({
      kind: "method",
      message: expect.stringMatching(/allowed: GET, POST/),
    });
    const broken = validateRequest({ method: "GET", url: "/api/profiles/%E0%A4%A", headers: HEADERS });
    expect(only(broken.problems).kind).toBe("path");
  });

  it("reports several problems at once", () => {
    const r = validateRequest({
      method: "POST",
      url: "/api/profile-import?bogus=1",
      headers: { "content-type": "application/vnd.api+json" },
      body: { data: { attributes: { email: 1 } } },
    });
    expect(r.problems.map((p) => p.parameter ?? p.header ?? p.pointer)).toEqual([
      "bogus",
      "revision",
      "authorization",
      "/data/type",
      "/data/attributes/email",
    ]);
  });
});
