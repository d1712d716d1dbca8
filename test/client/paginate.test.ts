import { describe, expect, it } from "vitest";
import {
  indexIncluded,
  type JsonApiResource,
  Paginator,
  resolveRelationship,
} from "../../src/client/paginate.js";

describe("Paginator and included resources", () => {
  it("resolves to-one and to-many relationships against included resources", async () => {
    const pages = [
      {
        data: [
          {
            type: "event",
            id: "e1",
            relationships: {
              metric: { data: { type: "metric", id: "m1" } },
              profile: { data: { type: "profile", id: "p9" } },
            },
          },
          { type: "event", id: "e2", relationships: { metric: { data: null } } },
        ],
        included: [{ type: "metric", id: "m1", attributes: { name: "Placed Order" } }],
        links: { self: "x" },
      },
    ];
    const p = new Paginator<JsonApiResource>(async () => pages[0]);
    const page = await p.first();
    const index = indexIncluded(page.included);
    const [e1, e2] = page.data as [JsonApiResource, JsonApiResource];
    expect((resolveRelationship(e1, "metric", index) as JsonApiResource).attributes?.name).toBe(
      "Placed Order",
    );
    expect(resolveRelationship(e1, "profile", index)).toBeUndefined(); // not included
    expect(resolveRelationship(e2, "metric", index)).toBeUndefined();
    const many: JsonApiResource = {
      type: "profile",
      id: "p1",
      relationships: {
        lists: {
          data: [
            { type: "list", id: "L1" },
            { type: "list", id: "L2" },
          ],
        },
      },
    };
    const listIndex = indexIncluded([{ type: "list", id: "L2", attributes: { name: "VIP" } }]);
    expect((resolveRelationship(many, "lists", listIndex) as JsonApiResource[]).map((r) => r.id)).toEqual([
      "L2",
    ]);
  });

  it("stops with an error when a server repeats the same next link", async () => {
    const p = new Paginator<unknown>(async () => ({
      data: [1],
      links: { next: "http://127.0.0.1/api/x?page%5Bcursor%5D=same" },
    }));
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const x of p) seen.push(x);
      })(),
    ).rejects.toThrow(/same next-page link twice/);
    expect(seen).toEqual([1, 1]);
  });

  it("stops after maxPages and collects with toArray(limit)", async () => {
    let n = 0;
    const p = new Paginator<number>(
      async () => ({ data: [n, n + 1], links: { next: `http://h/x?c=${++n}` } }),
      { maxPages: 3 },
    );
    expect(await p.toArray()).toHaveLength(6);
    const q = new Paginator<number>(async () => ({ data: [1, 2, 3], links: {} }));
    expect(await q.toArray(2)).toEqual([1, 2]);
  });
});
