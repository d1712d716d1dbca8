import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CURRENCY_CODES,
  checkCurrency,
  checkEventProperties,
  checkEventTime,
  checkExternalId,
  checkNumber,
  checkSize,
  normalizePhone,
  parseTime,
  preview,
  setPath,
  validateEmail,
} from "../../../src/load/validate.js";

const ok = <T>(r: { ok: T } | { error: string }): T => {
  if ("error" in r) throw new Error(`expected ok, got error: ${r.error}`);
  return r.ok;
};
const err = (r: { ok: unknown } | { error: string }): string => {
  if (!("error" in r)) throw new Error(`expected an error, got ${JSON.stringify(r.ok)}`);
  return r.error;
};

describe("validateEmail", () => {
  it.each([
    "a@b.co",
    "first.last@example.com",
    "x+tag@sub.domain.example.org",
    "o'brien@example.ie",
    "user@xn--bcher-kva.example",
    "josé@exämple.de",
    "  padded@example.com  ",
  ])("accepts %s", (s) => {
    expect(ok(validateEmail(s))).toBe(s.trim());
  });

  it.each([
    ["", "empty"],
    ["plain", "not a valid email"],
    ["a@b", "not a valid email"],
    ["a@b.c", "not a valid email"],
    ["a b@example.com", "not a valid email"],
    ["a@@example.com", "not a valid email"],
    [".a@example.com", "not a valid email"],
    ["a..b@example.com", "not a valid email"],
    ["a@-example.com", "not a valid email"],
    ['"quoted"@example.com', "not a valid email"],
    ["a@[127.0.0.1]", "not a valid email"],
    [`${"x".repeat(65)}@example.com`, "before @ is longer than 64"],
    [`a@${"b".repeat(250)}.com`, "longer than 254"],
  ])("rejects %j", (s, why) => {
    expect(err(validateEmail(s))).toContain(why);
  });

  it("names the field and refuses non-text", () => {
    expect(err(validateEmail(42, "work_email"))).toBe("work_email must be text, got 42");
  });

  it("never dumps a huge value", () => {
    const msg = err(validateEmail(`${"a".repeat(200_000)}@x.com`));
    expect(msg.length).toBeLessThan(200);
    expect(msg).toContain("200,006 characters");
  });

  it("never throws, on any string (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 300 }), (s) => {
        const r = validateEmail(s);
        if ("ok" in r) {
          expect(r.ok).toContain("@");
          expect(r.ok.length).toBeLessThanOrEqual(254);
          expect(/\s/.test(r.ok)).toBe(false);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("accepts every address built from the grammar (property)", () => {
    const atom = fc.stringMatching(/^[a-z0-9!#$%&'*+/=?^_`{|}~-]{1,10}$/);
    const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/);
    const tld = fc.stringMatching(/^[a-z]{2,6}$/);
    fc.assert(
      fc.property(
        fc.array(atom, { minLength: 1, maxLength: 3 }),
        fc.array(label, { minLength: 1, maxLength: 3 }),
        tld,
        (local, host, t) => {
          const s = `${local.join(".")}@${host.join(".")}.${t}`;
          expect(validateEmail(s)).toEqual({ ok: s });
        },
      ),
    );
  });
});

describe("normalizePhone", () => {
  it.each([
    ["+1 415 555 2671", undefined, "+14155552671"],
    ["(415) 555-2671", "US", "+14155552671"],
    ["415.555.2671", "us", "+14155552671"],
    ["020 7946 0958", "GB", "+442079460958"],
    ["+44 7911 123456", undefined, "+447911123456"],
    ["0044 7911 123456", undefined, "+447911123456"],
    ["030 12345678", "DE", "+493012345678"],
    ["06 12 34 56 78", "FR", "+33612345678"],
    ["+33 6 12 34 56 78", "US", "+33612345678"],
    ["+81 3-1234-5678", undefined, "+81312345678"],
    ["(02) 9876 5432", "AU", "+61298765432"],
    ["+55 11 91234-5678", undefined, "+5511912345678"],
    ["98765 43210", "IN", "+919876543210"],
    ["+44 7911 123456 ext. 5", undefined, "+447911123456"],
  ])("%s (%s) → %s", (raw, country, e164) => {
    expect(ok(normalizePhone(raw, country))).toBe(e164);
  });

  it("accepts a number value", () => {
    expect(ok(normalizePhone(4155552671, "US"))).toBe("+14155552671");
  });

  it("asks for a country when the number has none", () => {
    expect(err(normalizePhone("415 555 2671"))).toContain("has no country code");
    expect(err(normalizePhone("415 555 2671"))).toContain("default_country");
  });

  it.each([
    ["+1 555 555 5555", "not a valid phone number for"],
    ["12", "not a valid phone number"],
    ["abc", "not a phone number"],
    ["", "is empty"],
    ["+0000", "not a phone number"],
  ])("rejects %j", (raw, why) => {
    expect(err(normalizePhone(raw, raw === "abc" || raw === "12" ? "US" : undefined))).toContain(why);
  });

  it("rejects an unknown default country", () => {
    expect(err(normalizePhone("415 555 2671", "XX"))).toContain("default_country");
  });

  it("names the field", () => {
    expect(err(normalizePhone(null, undefined, "mobile"))).toBe("mobile must be text, got null");
  });

  it("never throws and always returns E.164 (property)", () => {
    const countries = fc.constantFrom(undefined, "US", "GB", "DE", "FR", "JP", "BR", "IN");
    const phoneish = fc.stringMatching(/^[+0-9 ()\-.x]{0,25}$/);
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), phoneish), countries, (s, c) => {
        const r = normalizePhone(s, c);
        if ("ok" in r) expect(r.ok).toMatch(/^\+[1-9]\d{6,14}$/);
        else expect(r.error.length).toBeLessThan(300);
      }),
      { numRuns: 3000 },
    );
  });

  it("is idempotent on its own output (property)", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{10}$/), (digits) => {
        const r = normalizePhone(digits, "US");
        if ("ok" in r) expect(normalizePhone(r.ok)).toEqual(r);
      }),
    );
  });
});

describe("checkExternalId", () => {
  it("accepts up to 255 characters and numbers", () => {
    expect(ok(checkExternalId("x".repeat(255)))).toHaveLength(255);
    expect(ok(checkExternalId(12345))).toBe("12345");
  });
  it("refuses 256 characters, blank and objects", () => {
    expect(err(checkExternalId("x".repeat(256)))).toContain("longer than 255 characters (256)");
    expect(err(checkExternalId("  "))).toContain("empty");
    expect(err(checkExternalId({}))).toContain("must be text");
  });
});

describe("checkSize", () => {
  const nest = (levels: number): unknown => {
    let v: unknown = "leaf";
    for (let i = 0; i < levels; i++) v = { k: v };
    return v;
  };

  it("allows 10 levels of nesting and refuses 11", () => {
    expect("ok" in checkSize(nest(10), "properties.deep")).toBe(true);
    expect(err(checkSize(nest(11), "properties.deep"))).toBe(
      "properties.deep.k.k.k.k.k.k.k.k.k.k is nested more than 10 levels deep",
    );
  });

  it("refuses a string over 100 KB, with a short message", () => {
    const big = "é".repeat(60_000);
    const msg = err(checkSize({ a: [1, big] }, "properties.x"));
    expect(msg).toContain("properties.x.a[1]");
    expect(msg).toContain("larger than 100 KB (120000 bytes)");
    expect(msg.length).toBeLessThan(200);
    expect("ok" in checkSize("a".repeat(100 * 1024))).toBe(true);
  });

  it("refuses arrays over 4,000 items", () => {
    expect("ok" in checkSize(new Array(4000).fill(1))).toBe(true);
    expect(err(checkSize(new Array(4001).fill(1), "tags"))).toContain("tags has 4,001 items");
  });

  it("normalises dates and bigints, refuses what JSON would lose", () => {
    expect(ok(checkSize({ d: new Date(0), n: 5n, big: 2n ** 70n }))).toEqual({
      d: "1970-01-01T00:00:00.000Z",
      n: 5,
      big: "1180591620717411303424",
    });
    expect(err(checkSize({ x: Number.NaN }, "p"))).toBe("p.x must be a finite number, got NaN");
    expect(err(checkSize({ f: () => 1 }, "p"))).toContain("cannot be sent as JSON");
    expect(err(checkSize(new Uint8Array(3), "p"))).toContain("binary");
  });

  it("stops on cycles", () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(err(checkSize(a))).toContain("nested more than 10 levels");
  });
});

describe("checkEventProperties", () => {
  it("allows 400 properties and refuses 401", () => {
    const props = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, i]));
    expect("ok" in checkEventProperties(props(400))).toBe(true);
    expect(err(checkEventProperties(props(401)))).toContain("401 properties; an event may have at most 400");
  });
});

describe("checkEventTime", () => {
  const now = Date.UTC(2026, 5, 1, 12, 0, 0);
  it.each([
    ["2024-05-01T12:34:56.789Z", "2024-05-01T12:34:56Z"],
    ["2024-05-01T12:34:56", "2024-05-01T12:34:56Z"],
    ["2024-05-01 12:34:56", "2024-05-01T12:34:56Z"],
    ["2024-05-01T12:34:56+02:00", "2024-05-01T10:34:56Z"],
    ["2024-05-01 12:34:56+02", "2024-05-01T10:34:56Z"],
    ["2024-05-01T12:34:56-0530", "2024-05-01T18:04:56Z"],
    ["2024-05-01", "2024-05-01T00:00:00Z"],
    [1714566896, "2024-05-01T12:34:56Z"],
    [1714566896789, "2024-05-01T12:34:56Z"],
    ["1714566896", "2024-05-01T12:34:56Z"],
    [new Date("2024-05-01T12:34:56.5Z"), "2024-05-01T12:34:56Z"],
    ["2000-01-01T00:00:00Z", "2000-01-01T00:00:00Z"],
  ])("%j → %s", (v, iso) => {
    expect(ok(checkEventTime(v, now))).toBe(iso);
  });

  it.each([
    ["1999-12-31T23:59:59Z", "before the year 2000"],
    ["2027-06-02T12:00:00Z", "more than one year in the future"],
    ["yesterday", "not a date-time"],
    ["2024-02-30", "not a date-time"],
    ["2024-05-01T25:00:00Z", "not a date-time"],
    ["March 7, 2024", "not a date-time"],
    [null, "not a date-time"],
    [Number.NaN, "not a date-time"],
  ])("%j is refused", (v, why) => {
    expect(err(checkEventTime(v, now, "ordered_at"))).toContain(why);
  });

  it("accepts exactly one year ahead", () => {
    expect("ok" in checkEventTime(now + 365 * 86_400_000, now)).toBe(true);
  });

  it("parseTime never throws (property)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.double(), fc.integer()), (v) => {
        const t = parseTime(v);
        expect(typeof t).toBe("number");
      }),
    );
  });
});

describe("checkCurrency", () => {
  it("accepts ISO 4217 codes case-insensitively", () => {
    expect(ok(checkCurrency("usd"))).toBe("USD");
    expect(ok(checkCurrency(" EUR "))).toBe("EUR");
    expect(ok(checkCurrency("JPY"))).toBe("JPY");
  });
  it("refuses unknown codes", () => {
    expect(err(checkCurrency("XYZ"))).toContain('value_currency "XYZ" is not an ISO 4217 currency code');
    expect(err(checkCurrency("US"))).toContain("not an ISO 4217");
    expect(err(checkCurrency(5))).toContain("must be a currency code");
  });
  it("covers every currency the runtime knows", () => {
    const runtime = (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf(
      "currency",
    );
    const missing = runtime.filter((c) => !CURRENCY_CODES.has(c));
    expect(missing).toEqual([]);
  });
});

describe("checkNumber", () => {
  it("reads numbers and numeric text", () => {
    expect(ok(checkNumber("12.50", "value"))).toBe(12.5);
    expect(ok(checkNumber(3, "value"))).toBe(3);
    expect(ok(checkNumber(7n, "value"))).toBe(7);
    expect(err(checkNumber("12,50", "value"))).toBe('value must be a number, got "12,50"');
    expect(err(checkNumber(Number.POSITIVE_INFINITY, "value"))).toContain("finite");
  });
});

describe("setPath", () => {
  it("sets nested paths and replaces non-objects on the way", () => {
    const o: Record<string, unknown> = { location: "x" };
    setPath(o, "location.city", "Paris");
    setPath(o, "location.zip", "75001");
    setPath(o, "a.b.c", 1);
    expect(o).toEqual({ location: { city: "Paris", zip: "75001" }, a: { b: { c: 1 } } });
  });
  it("does not pollute prototypes", () => {
    const o: Record<string, unknown> = {};
    setPath(o, "__proto__.polluted", true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.parse(JSON.stringify(o))).toEqual({ ["__proto__"]: { polluted: true } });
  });
});

describe("preview", () => {
  it("cuts long strings and describes other values", () => {
    expect(preview("x".repeat(100))).toBe(`"${"x".repeat(60)}"… (100 characters)`);
    expect(preview([1, 2])).toBe("an array of 2 item(s)");
    expect(preview({})).toBe("an object");
  });
});
