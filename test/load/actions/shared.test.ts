import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  AuthenticationError,
  ConfigError,
  ServerError,
  ValidationError,
} from "../../../src/client/errors.js";
import {
  batchRows,
  bisect,
  errorText,
  jsonBytes,
  normalizeIdentifiers,
  optionsParser,
  pointerIndex,
  profileAttributes,
  unknownFields,
} from "../../../src/load/actions/shared.js";

const rows = (n: number, size = 10) =>
  Array.from({ length: n }, (_, i) => ({ key: `k${i}`, body: "x".repeat(size) }));

const bad400 = (pointer?: string) =>
  new ValidationError("bad", {
    status: 400,
    errors: [{ code: "invalid", detail: "Bad thing.", ...(pointer ? { source: { pointer } } : {}) }],
  });

describe("batchRows", () => {
  it("splits by maxRows", () => {
    const { batches, invalid } = batchRows(rows(25), { maxRows: 10 }, (r) => r.body);
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(invalid).toEqual([]);
    expect(batches.flat().map((s) => s.row.key)).toEqual(rows(25).map((r) => r.key));
  });

  it("splits by maxBytes, counting the envelope", () => {
    // each payload is 1,002 bytes of JSON + 1 separator
    const { batches } = batchRows(rows(10, 1000), { maxRows: 100, maxBytes: 5000 }, (r) => r.body, {
      overheadBytes: 1000,
    });
    expect(batches.map((b) => b.length)).toEqual([3, 3, 3, 1]);
    for (const b of batches) expect(b.reduce((n, s) => n + s.bytes, 0)).toBeLessThanOrEqual(4000);
  });

  it("marks rows over maxRowBytes invalid with their size", () => {
    const input = [...rows(2), { key: "huge", body: "y".repeat(2000) }];
    const { batches, invalid } = batchRows(input, { maxRows: 10, maxRowBytes: 1000 }, (r) => r.body);
    expect(batches.flat().map((s) => s.row.key)).toEqual(["k0", "k1"]);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toMatchObject({ key: "huge", status: "invalid" });
    expect(invalid[0]?.reason).toContain("2,002 bytes");
  });

  it("weights rows and refuses one heavier than a batch", () => {
    const input = [
      { key: "a", body: "", w: 4 },
      { key: "b", body: "", w: 4 },
      { key: "c", body: "", w: 11 },
      { key: "d", body: "", w: 2 },
    ];
    const { batches, invalid } = batchRows(input, { maxRows: 10 }, (r) => r.body, { weight: (r) => r.w });
    expect(batches.map((b) => b.map((s) => s.row.key))).toEqual([["a", "b", "d"]]);
    expect(invalid.map((o) => o.key)).toEqual(["c"]);
  });

  it("never puts two rows with the same key in one batch", () => {
    const input = ["u1", "u2", "u1", "u3", "u1"].map((u, i) => ({ key: `r${i}`, body: "", u }));
    const { batches } = batchRows(input, { maxRows: 10 }, (r) => r.body, { keys: (r) => [r.u] });
    expect(batches.map((b) => b.map((s) => s.row.key))).toEqual([["r0", "r1", "r3"], ["r2"], ["r4"]]);
  });
});

describe("bisect", () => {
  it("sends once when all is well", async () => {
    const calls: number[] = [];
    const res = await bisect([1, 2, 3], async (items) => {
      calls.push(items.length);
      return "job";
    });
    expect(calls).toEqual([3]);
    expect(res.sent).toEqual([{ items: [1, 2, 3], result: "job" }]);
    expect(res.failed).toEqual([]);
  });

  it("isolates bad items without detail by halving, keeping the good halves", async () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const bad = new Set([17, 64]);
    const res = await bisect(items, async (part) => {
      if (part.some((i) => bad.has(i))) throw bad400();
      return part.length;
    });
    expect(res.failed.map((f) => f.item).sort((a, b) => a - b)).toEqual([17, 64]);
    expect(res.failed.every((f) => f.isolated && f.reason.includes("Bad thing"))).toBe(true);
    const sent = res.sent.flatMap((s) => s.items);
    expect(sent.sort((a, b) => a - b)).toEqual(items.filter((i) => !bad.has(i)));
    expect(res.requests).toBeLessThan(40);
  });

  it("goes straight to the item a pointer names", async () => {
    const items = ["a", "b", "c", "d"];
    let requests = 0;
    const res = await bisect(
      items,
      async (part) => {
        requests++;
        const i = part.indexOf("c");
        if (i >= 0) throw bad400(`/data/attributes/profiles/data/${i}/attributes/email`);
        return part.length;
      },
      {
        locate: (err) => [
          pointerIndex((err as ValidationError).pointer ?? "", "/data/attributes/profiles/data") ?? -1,
        ],
      },
    );
    expect(requests).toBe(2);
    expect(res.failed.map((f) => f.item)).toEqual(["c"]);
    expect(res.sent).toEqual([{ items: ["a", "b", "d"], result: 3 }]);
  });

  it("does not split errors splitting cannot help", async () => {
    const res = await bisect([1, 2, 3, 4], async () => {
      throw new ServerError("down", { status: 503 });
    });
    expect(res.requests).toBe(1);
    expect(res.failed).toHaveLength(4);
    expect(res.failed[0]?.isolated).toBe(false);
  });

  it("stops everything on a fatal error", async () => {
    const res = await bisect([1, 2, 3, 4], async () => {
      throw new AuthenticationError("no key", { status: 401 });
    });
    expect(res.fatal).toBeInstanceOf(AuthenticationError);
    expect(res.failed).toHaveLength(4);
    expect(res.failed[0]?.reason).toContain("not sent");
  });

  it("gives up when every part fails (the request, not the rows, is wrong)", async () => {
    const items = Array.from({ length: 1000 }, (_, i) => i);
    const res = await bisect(items, async () => {
      throw bad400();
    });
    expect(res.requests).toBeLessThan(40);
    expect(res.failed).toHaveLength(1000);
    expect(res.failed.filter((f) => !f.isolated)[0]?.reason).toContain("likely not in the rows");
  });

  it("respects the request budget", async () => {
    const items = Array.from({ length: 64 }, (_, i) => i);
    const res = await bisect(
      items,
      async (part) => {
        if (part.some((i) => i % 2 === 0) && part.length > 0) throw bad400();
        return 0;
      },
      { maxRequests: 10 },
    );
    expect(res.requests).toBe(10);
    expect(res.failed.length + res.sent.flatMap((s) => s.items).length).toBe(64);
  });

  it("rethrows aborts", async () => {
    const ac = new AbortController();
    const p = bisect(
      [1, 2],
      async () => {
        ac.abort();
        throw new DOMException("aborted", "AbortError");
      },
      { signal: ac.signal },
    );
    await expect(p).rejects.toThrow("aborted");
  });
});

describe("errors and pointers", () => {
  it("pointerIndex reads the index after the prefix", () => {
    expect(
      pointerIndex("/data/attributes/profiles/data/17/attributes/email", "/data/attributes/profiles/data"),
    ).toBe(17);
    expect(pointerIndex("/data/attributes/profiles/data/3", "/data/attributes/profiles/data")).toBe(3);
    expect(pointerIndex("/data/attributes/profiles/data", "/data/attributes/profiles/data")).toBeUndefined();
    expect(pointerIndex("/data/attributes/other/0", "/data/attributes/profiles/data")).toBeUndefined();
  });

  it("errorText gives Klaviyo's detail and pointer", () => {
    expect(errorText(bad400("/data/x"))).toBe("Klaviyo refused it (HTTP 400): Bad thing (at /data/x)");
    expect(errorText(new Error("boom"))).toBe("boom");
    expect(errorText("x".repeat(2000)).length).toBeLessThanOrEqual(600);
  });
});

describe("fields and options", () => {
  it("unknownFields honours prefixes", () => {
    const specs = [
      { name: "email", type: "email" as const, description: "" },
      { name: "properties", type: "json" as const, prefix: true, description: "" },
    ];
    expect(
      unknownFields({ email: 1, "properties.a": 1, "properties.": 1, propertiesx: 1, other: 1 }, specs),
    ).toEqual(["properties.", "propertiesx", "other"]);
  });

  it("normalizeIdentifiers rewrites in place and needs one", () => {
    const f: Record<string, unknown> = {
      email: " A@Example.com ",
      phone_number: "(415) 555-2671",
      external_id: 7,
    };
    expect(normalizeIdentifiers(f, "US")).toBeUndefined();
    expect(f).toEqual({ email: "A@Example.com", phone_number: "+14155552671", external_id: "7" });
    expect(normalizeIdentifiers({ email: "", phone_number: null })).toContain("no profile identifier");
  });

  it("profileAttributes builds location and properties, honouring nulls", () => {
    const fields = {
      first_name: "Ada",
      last_name: null,
      "location.city": "Paris",
      "location.latitude": "48.85",
      "properties.ltv": 10,
      "properties.gone": null,
    };
    expect(profileAttributes(fields, "", "skip")).toEqual({
      ok: { first_name: "Ada", location: { city: "Paris", latitude: 48.85 }, properties: { ltv: 10 } },
    });
    expect(profileAttributes(fields, "", "clear")).toEqual({
      ok: {
        first_name: "Ada",
        last_name: null,
        location: { city: "Paris", latitude: 48.85 },
        properties: { ltv: 10, gone: null },
      },
    });
    expect(profileAttributes({ "location.planet": "Mars" }, "", "skip")).toEqual({
      error: expect.stringContaining("location.planet is not a location field"),
    });
  });

  it("optionsParser throws ConfigError naming the problems and caches", () => {
    const p = optionsParser("demo", ["a", "b"], z.strictObject({ n: z.number().default(1) }));
    expect(p.parse({}, "a")).toEqual({ n: 1 });
    expect(() => p.parse({ n: "x" }, "a")).toThrow(ConfigError);
    expect(() => p.parse({ n: "x" }, "a")).toThrow(/n: /);
    expect(() => p.parse({ extra: 1 }, "a")).toThrow(/extra/);
    expect(() => p.parse({}, "c")).toThrow(/no mode "c"/);
    const o = { n: 2 };
    expect(p.get(o)).toBe(p.get(o));
  });

  it("jsonBytes counts UTF-8", () => {
    expect(jsonBytes("é")).toBe(4);
  });
});
