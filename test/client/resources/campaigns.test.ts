import { describe, expect, it } from "vitest";
import { FilterError, filter } from "../../../src/filter/index.js";
import { useHarness } from "./harness.js";

describe("campaigns.list", () => {
  const h = useHarness();

  it("sends the channel filter Klaviyo requires", async () => {
    for (const channel of ["email", "sms", "mobile_push"] as const) {
      await h.resources.campaigns.list(channel).toArray();
    }
    expect(h.server.requests.map((r) => r.query.get("filter"))).toEqual([
      "equals(messages.channel,'email')",
      "equals(messages.channel,'sms')",
      "equals(messages.channel,'mobile_push')",
    ]);
  });

  it("ANDs the caller's filter (built or raw text) to the channel filter and keeps the other parameters", async () => {
    await h.resources.campaigns
      .list("email", { filter: filter.equals("archived", false), sort: "-updated_at" })
      .toArray();
    await h.resources.campaigns
      .list("sms", { filter: "greater-than(updated_at,2024-01-01T00:00:00Z)" })
      .toArray();
    expect(h.server.requests.map((r) => Object.fromEntries(r.query))).toEqual([
      { filter: "equals(messages.channel,'email'),equals(archived,false)", sort: "-updated_at" },
      { filter: "equals(messages.channel,'sms'),greater-than(updated_at,2024-01-01T00:00:00Z)" },
    ]);
  });

  it("follows links.next to the last page", async () => {
    h.handle((req) => {
      const page = req.query.get("page[cursor]");
      const self = `${h.server.url}${req.url}`;
      if (page === null) {
        return {
          status: 200,
          body: {
            data: [{ type: "campaign", id: "c1", attributes: {} }],
            links: {
              self,
              next: `${h.server.url}/api/campaigns?filter=${encodeURIComponent("equals(messages.channel,'email')")}&page%5Bcursor%5D=p2`,
            },
          },
        };
      }
      return {
        status: 200,
        body: { data: [{ type: "campaign", id: "c2", attributes: {} }], links: { self } },
      };
    });
    const ids = (await h.resources.campaigns.list("email").toArray()).map((c) => c.id);
    expect(ids).toEqual(["c1", "c2"]);
    expect(h.server.requests.map((r) => r.query.get("filter"))).toEqual([
      "equals(messages.channel,'email')",
      "equals(messages.channel,'email')",
    ]);
  });

  it("rejects a malformed extra filter before sending anything", () => {
    expect(() => h.resources.campaigns.list("email", { filter: "equals(name" })).toThrow(FilterError);
    expect(h.server.requests).toHaveLength(0);
  });
});
