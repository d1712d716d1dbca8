/** The per-call options every resource method takes last reach the client. */
import { describe, expect, it } from "vitest";
import { useHarness } from "./harness.js";

describe("resource method options", () => {
  const h = useHarness();

  it("maxPages stops a collection early", async () => {
    h.handle((req) => ({
      status: 200,
      body: {
        data: [{ type: "profile", id: `p${h.server.requests.length}`, attributes: {} }],
        links: {
          self: `${h.server.url}${req.url}`,
          next: `${h.server.url}/api/profiles?page%5Bcursor%5D=n${h.server.requests.length}`,
        },
      },
    }));
    const items = await h.resources.profiles.list({ "page[size]": 1 }, { maxPages: 2 }).toArray();
    expect(items.map((p) => p.id)).toEqual(["p1", "p2"]);
    expect(h.server.requests).toHaveLength(2);
  });

  it("an aborted signal stops a call before it is sent", async () => {
    const controller = new AbortController();
    controller.abort(new Error("cancelled by caller"));
    await expect(h.resources.lists.get("list1", undefined, { signal: controller.signal })).rejects.toThrow(
      "cancelled by caller",
    );
    await expect(
      h.resources.lists.addProfiles("list1", ["p1"], { signal: controller.signal }),
    ).rejects.toThrow("cancelled by caller");
    expect(h.server.requests).toHaveLength(0);
  });

  it("extra headers are sent", async () => {
    await h.resources.metrics.get("met1", undefined, { headers: { "x-trace-id": "t-1" } });
    expect(h.server.requests[0]?.headers["x-trace-id"]).toBe("t-1");
  });
});
