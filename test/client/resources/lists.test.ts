import { describe, expect, it } from "vitest";
import { NotFoundError } from "../../../src/client/errors.js";
import { useHarness } from "./harness.js";

const ids = (n: number, prefix = "p") => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

function sentIds(json: unknown): string[] {
  return (json as { data: { type: string; id: string }[] }).data.map((d) => {
    expect(d.type).toBe("profile");
    return d.id;
  });
}

describe("lists membership", () => {
  const h = useHarness();

  it("addProfiles splits 2,500 ids into 1,000 / 1,000 / 500, in order", async () => {
    const all = ids(2500);
    await expect(h.resources.lists.addProfiles("list1", all)).resolves.toBeUndefined();
    const reqs = h.server.requests;
    expect(reqs.map((r) => [r.method, r.pathname, r.operationId])).toEqual(
      Array(3).fill(["POST", "/api/lists/list1/relationships/profiles", "add_profiles_to_list"]),
    );
    const batches = reqs.map((r) => sentIds(r.json));
    expect(batches.map((b) => b.length)).toEqual([1000, 1000, 500]);
    expect(batches.flat()).toEqual(all);
  });

  it("removeProfiles splits too (1,001 ids → 1,000 + 1) with DELETE", async () => {
    await h.resources.lists.removeProfiles("list1", ids(1001));
    expect(h.server.requests.map((r) => [r.method, r.operationId, sentIds(r.json).length])).toEqual([
      ["DELETE", "remove_profiles_from_list", 1000],
      ["DELETE", "remove_profiles_from_list", 1],
    ]);
  });

  it("sends nothing for no ids", async () => {
    await h.resources.lists.addProfiles("list1", []);
    await h.resources.lists.removeProfiles("list1", []);
    expect(h.server.requests).toHaveLength(0);
  });

  it("sends chunks one after another, never two at once", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    h.handle(async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 15));
      inFlight--;
      return { status: 204 };
    });
    await h.resources.lists.addProfiles("list1", ids(3001));
    expect(h.server.requests).toHaveLength(4);
    expect(maxInFlight).toBe(1);
  });

  it("stops at the first failed chunk and rejects with the typed error", async () => {
    h.handle(() =>
      h.server.requests.length === 2
        ? {
            status: 404,
            body: {
              errors: [{ id: "e", code: "not_found", title: "Not found", detail: "List list1 not found" }],
            },
          }
        : { status: 204 },
    );
    await expect(h.resources.lists.addProfiles("list1", ids(2500))).rejects.toBeInstanceOf(NotFoundError);
    expect(h.server.requests).toHaveLength(2);
  });
});
