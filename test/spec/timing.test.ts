import { describe, expect, it } from "vitest";
import { validateRequest, validateResponse } from "../../src/spec/index.js";

const HEADERS = { revision: "2026-07-15", authorization: "Klaviyo-API-Key pk_test_123" };
const GET_URL =
  "/api/profiles?page%5Bsize%5D=100&filter=equals(email,'a@b.com')&fields%5Bprofile%5D=email,first_name&sort=-updated";
const BODY = {
  data: { type: "profile", attributes: { email: "a@b.com", first_name: "Ada", properties: { x: 1 } } },
};

function perCallMicros(n: number, fn: () => void): number {
  const start = performance.now();
  for (let i = 0; i < n; i++) fn();
  return ((performance.now() - start) / n) * 1000;
}

// Generous bounds so a loaded CI machine does not flake; the measured numbers are printed.
describe("validation cost", () => {
  it("first call (load + compile one operation) is well under a second; later calls are cheap", () => {
    const t0 = performance.now();
    expect(validateRequest({ method: "GET", url: GET_URL, headers: HEADERS }).problems).toEqual([]);
    const t1 = performance.now();
    const post = () =>
      validateRequest({
        method: "POST",
        url: "/api/profile-import",
        headers: { ...HEADERS, "content-type": "application/vnd.api+json" },
        body: BODY,
      });
    expect(post().problems).toEqual([]);
    const t2 = performance.now();
    const response = { data: [], links: { self: "https://a.klaviyo.com/api/profiles" } };
    const resp = () =>
      validateResponse({
        operationId: "get_profiles",
        status: 200,
        contentType: "application/vnd.api+json",
        body: response,
      });
    expect(resp()).toEqual([]);
    const t3 = performance.now();

    const get = perCallMicros(5000, () => validateRequest({ method: "GET", url: GET_URL, headers: HEADERS }));
    const postMicros = perCallMicros(5000, post);
    const respMicros = perCallMicros(5000, resp);
    console.log(
      `spec validation: first GET ${(t1 - t0).toFixed(1)} ms (load spec), first POST ${(t2 - t1).toFixed(1)} ms (compile), ` +
        `first response ${(t3 - t2).toFixed(1)} ms (compile); per call: GET ${get.toFixed(1)} µs, POST ${postMicros.toFixed(1)} µs, ` +
        `response ${respMicros.toFixed(1)} µs`,
    );
    expect(t1 - t0 + (t2 - t1)).toBeLessThan(3000);
    expect(get).toBeLessThan(500);
    expect(postMicros).toBeLessThan(500);
    expect(respMicros).toBeLessThan(500);
  });
});
