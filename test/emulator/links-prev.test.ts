import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../helpers/emulator.js";

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ seed: "demo" });
});
afterAll(async () => {
  await emu.close();
});

interface Doc {
  data: Array<{ id: string }>;
  links: { self: string; next?: string; prev?: string };
}

async function get(url: string): Promise<Doc> {
  const res = await fetch(url, {
    headers: { authorization: `Klaviyo-API-Key ${TEST_KEY}`, revision: "2026-07-15" },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Doc;
}

/** Walks forward by links.next, then back from the last page by links.prev: both must list the same pages. */
async function walkBothWays(first: string, maxPages = 12) {
  const forward: string[][] = [];
  let doc = await get(first);
  expect(doc.links.prev).toBeUndefined();
  forward.push(doc.data.map((r) => r.id));
  while (doc.links.next && forward.length < maxPages) {
    expect(doc.links.next).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    doc = await get(doc.links.next);
    forward.push(doc.data.map((r) => r.id));
  }
  const backward: string[][] = [doc.data.map((r) => r.id)];
  while (doc.links.prev) {
    doc = await get(doc.links.prev);
    backward.unshift(doc.data.map((r) => r.id));
  }
  return { forward, backward };
}

describe("links.prev", () => {
  it("walks profiles (id order and a sorted order) back the way it came", async () => {
    for (const q of [
      "page%5Bsize%5D=50",
      "page%5Bsize%5D=50&sort=-updated",
      "page%5Bsize%5D=50&sort=email",
    ]) {
      const { forward, backward } = await walkBothWays(`${emu.url}/api/profiles?${q}`);
      expect(forward.length).toBeGreaterThan(2);
      expect(backward).toEqual(forward);
    }
  });

  it("walks events back the way it came, ascending and descending", async () => {
    for (const q of ["page%5Bsize%5D=200", "page%5Bsize%5D=200&sort=-datetime"]) {
      const { forward, backward } = await walkBothWays(`${emu.url}/api/events?${q}`, 6);
      expect(forward.length).toBe(6);
      expect(backward).toEqual(forward);
    }
  });

  it("walks a small collection (campaigns, page size 10) back the way it came", async () => {
    const { forward, backward } = await walkBothWays(
      `${emu.url}/api/campaigns?filter=${encodeURIComponent("equals(messages.channel,'email')")}&page%5Bsize%5D=10`,
    );
    expect(forward.length).toBeGreaterThan(2);
    expect(backward).toEqual(forward);
  });
});
