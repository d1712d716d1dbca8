import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonBodyText } from "../../src/client/json-text.js";

/** A JSON document padded past the size at which the fast path applies. */
function page(values: unknown[]): Buffer {
  return Buffer.from(JSON.stringify({ data: values, pad: "x".repeat(20_000) }), "utf8");
}

describe("jsonBodyText", () => {
  it("gives the values a UTF-8 decode gives, for any strings (accents, emoji, CJK, controls)", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "grapheme", maxLength: 40 }), { maxLength: 60 }), (strings) => {
        const body = page(strings);
        expect(JSON.parse(jsonBodyText(body))).toEqual(JSON.parse(body.toString("utf8")));
      }),
      { numRuns: 200 },
    );
  });

  it("escapes the few non-ASCII characters of a large body so it decodes as a one-byte string", () => {
    const values = Array.from({ length: 300 }, (_, i) => ({
      name: i % 50 === 0 ? "Crème brûlée 😀" : "plain",
    }));
    const body = page(values);
    const text = jsonBodyText(body);
    expect([...text].every((ch) => ch.charCodeAt(0) < 0x80)).toBe(true);
    expect(text).toContain("\\u00e8");
    expect(text).toContain("\\ud83d\\ude00");
    expect(JSON.parse(text)).toEqual(JSON.parse(body.toString("utf8")));
  });

  it("decodes a body mostly in another script as UTF-8", () => {
    const body = page(Array.from({ length: 2000 }, () => "こんにちは世界"));
    const text = jsonBodyText(body);
    expect(text).toBe(body.toString("utf8"));
  });

  it("turns invalid UTF-8 into U+FFFD exactly as a UTF-8 decode does", () => {
    const bad = [0xc3, 0x28, 0xe2, 0x82, 0xff, 0xf0, 0x9f, 0x98, 0xc3, 0xa9, 0xa9];
    for (let at = 0; at < 600; at += 37) {
      const pre = Buffer.from(`{"s":"${"a".repeat(at)}`);
      const body = Buffer.concat([pre, Buffer.from(bad), Buffer.from(`","pad":"${"y".repeat(20_000)}"}`)]);
      expect(JSON.parse(jsonBodyText(body))).toEqual(JSON.parse(body.toString("utf8")));
    }
  });

  it("keeps sequences that cross the scanning blocks whole", () => {
    for (let at = 0; at < 270; at++) {
      const body = Buffer.from(`{"s":"${"a".repeat(at)}😀é","pad":"${"z".repeat(20_000)}"}`, "utf8");
      expect(JSON.parse(jsonBodyText(body)).s).toBe(`${"a".repeat(at)}😀é`);
    }
  });

  it("reads a body that starts at any offset of its memory (a slice of a larger buffer)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: "grapheme", maxLength: 12 }), { maxLength: 40 }),
        fc.integer({ min: 0, max: 7 }),
        (strings, offset) => {
          const inner = page(strings);
          const room = Buffer.alloc(inner.length + 16, 0xe9);
          inner.copy(room, offset);
          const body = room.subarray(offset, offset + inner.length);
          expect(JSON.parse(jsonBodyText(body))).toEqual(JSON.parse(inner.toString("utf8")));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("leaves small and pure-ASCII bodies as they are", () => {
    expect(jsonBodyText(Buffer.from('{"a":"é"}'))).toBe('{"a":"é"}');
    const ascii = page(["a", "b"]);
    expect(jsonBodyText(ascii)).toBe(ascii.toString("utf8"));
  });
});
