import { describe, expect, it } from "vitest";
import {
  type FilterCondition,
  FilterSyntaxError,
  parseFilter,
  parseIsoDateTime,
} from "../../src/filter/index.js";

function syntaxError(text: string): FilterSyntaxError {
  try {
    parseFilter(text);
  } catch (e) {
    if (e instanceof FilterSyntaxError) return e;
    throw new Error(`expected FilterSyntaxError, got ${String(e)}`);
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe("parseFilter", () => {
  it("parses the spec's examples", () => {
    expect(parseFilter("equals(messages.channel,'email')")).toEqual([
      { operator: "equals", field: "messages.channel", value: { kind: "string", value: "email" } },
    ]);
    expect(parseFilter("any(ids,['$custom:::$default:::SAMPLE-DATA-ITEM-1'])")).toEqual([
      {
        operator: "any",
        field: "ids",
        value: {
          kind: "list",
          items: [{ kind: "string", value: "$custom:::$default:::SAMPLE-DATA-ITEM-1" }],
        },
      },
    ]);
    expect(parseFilter("less-than(expires_at,2022-11-08T00:00:00+00:00)")).toEqual([
      {
        operator: "less-than",
        field: "expires_at",
        value: { kind: "datetime", raw: "2022-11-08T00:00:00+00:00", epochMs: Date.UTC(2022, 10, 8) },
      },
    ]);
    expect(parseFilter("and(equals(lat,40.7128),equals(lng,-74.0060))")).toEqual([
      { operator: "equals", field: "lat", value: { kind: "number", value: 40.7128 } },
      { operator: "equals", field: "lng", value: { kind: "number", value: -74.006 } },
    ]);
    expect(
      parseFilter('and(equals(campaign_id,"abc123"),contains-any(send_channel,["email","sms"]))'),
    ).toEqual([
      { operator: "equals", field: "campaign_id", value: { kind: "string", value: "abc123" } },
      {
        operator: "contains-any",
        field: "send_channel",
        value: {
          kind: "list",
          items: [
            { kind: "string", value: "email" },
            { kind: "string", value: "sms" },
          ],
        },
      },
    ]);
  });

  it("reads every literal kind", () => {
    const c = parseFilter(
      "equals(a,true),equals(b,false),equals(c,null),equals(d,1e3),equals(e,'x'),has(f),equals(g,2024-01-01)",
    );
    expect(c.map((x) => x.value)).toEqual([
      { kind: "boolean", value: true },
      { kind: "boolean", value: false },
      { kind: "null" },
      { kind: "number", value: 1000 },
      { kind: "string", value: "x" },
      { kind: "none" },
      { kind: "datetime", raw: "2024-01-01", epochMs: Date.UTC(2024, 0, 1) },
    ]);
  });

  it("flattens top-level commas and nested and()", () => {
    const flat = (t: string) => parseFilter(t).map((c: FilterCondition) => c.field);
    expect(flat("equals(a,1),equals(b,2)")).toEqual(["a", "b"]);
    expect(flat("and(equals(a,1),equals(b,2))")).toEqual(["a", "b"]);
    expect(flat("and(equals(a,1),and(equals(b,2),equals(c,3))),equals(d,4)")).toEqual(["a", "b", "c", "d"]);
  });

  it("tolerates whitespace between tokens", () => {
    expect(parseFilter(" equals ( email , 'a' ) ,\n any( id ,[ 'x' , 'y' ] ) ")).toEqual(
      parseFilter("equals(email,'a'),any(id,['x','y'])"),
    );
  });

  it("unescapes backslash escapes in both quote styles", () => {
    expect(parseFilter("equals(n,'O\\'Brien')")[0]?.value).toEqual({ kind: "string", value: "O'Brien" });
    expect(parseFilter('equals(n,"say \\"hi\\"")')[0]?.value).toEqual({ kind: "string", value: 'say "hi"' });
    expect(parseFilter("equals(n,'a\\\\b')")[0]?.value).toEqual({ kind: "string", value: "a\\b" });
    expect(parseFilter("equals(n,'it\"s')")[0]?.value).toEqual({ kind: "string", value: 'it"s' });
    expect(parseFilter("equals(n,'(a,[b])')")[0]?.value).toEqual({ kind: "string", value: "(a,[b])" });
  });

  it("rejects malformed filters with the offset and an explanation", () => {
    const cases: [string, number, RegExp][] = [
      ["", 0, /empty/],
      ["   ", 3, /empty/],
      ["equals(email,a@b.com)", 13, /"a@b.com" is not a value: quote strings/],
      ["equals(email,'a'", 16, /expected "\)" to close equals\(/],
      ["equals(email,'a", 13, /never closed/],
      ["equals(email)", 12, /expected "," and a value/],
      ["has(profile,'x')", 11, /takes only a field name/],
      ["any(id,'a')", 7, /needs a list/],
      ["greater-than(x,[1])", 15, /single value, not a list/],
      ["any(id,[])", 8, /at least one value/],
      ["any(id,[['a']])", 8, /cannot be nested/],
      ["any(id,['a' 'b'])", 12, /expected "," or "]"/],
      ["or(equals(a,1),equals(b,2))", 0, /no or\(/],
      ["not(equals(a,1))", 0, /no not\(/],
      ["like(a,'x')", 0, /unknown operator "like"/],
      ["equals(a,'x'),", 14, /expected a condition/],
      ["equals(a,'x') equals(b,'y')", 14, /expected "," between conditions/],
      ["equals(a,'x'))", 13, /expected "," between conditions/],
      ["equals(9a,1)", 7, /not a field name/],
      ["equals(,1)", 7, /expected a field name/],
      ["and()", 4, /at least one condition/],
      ["equals(a,2024-13-01)", 9, /not a value/],
      ["equals(a,2023-02-29)", 9, /not a value/],
      ["equals(a,1e999)", 9, /not a value/],
      ["less-than(x,2022-11-08T00:00:00 00:00)", 31, /percent-encode it as %2B/],
      ["equals(a,'x')garbage", 13, /expected "," between conditions/],
    ];
    for (const [text, offset, reason] of cases) {
      const e = syntaxError(text);
      expect(e.reason, text).toMatch(reason);
      expect(e.offset, text).toBe(offset);
      expect(e.message).toContain(`at character ${offset}`);
    }
  });

  it("gives up on absurd nesting instead of overflowing the stack", () => {
    const deep = `${"and(".repeat(100_000)}equals(a,1)${")".repeat(100_000)}`;
    expect(syntaxError(deep).reason).toMatch(/nested more than/);
    expect(parseFilter(`${"and(".repeat(10)}equals(a,1)${")".repeat(10)}`)).toHaveLength(1);
  });

  it("is linear on long inputs", () => {
    const long = `equals(a,'${"x\\'".repeat(200_000)}')`;
    const started = performance.now();
    const [c] = parseFilter(long);
    expect(c?.value.kind === "string" && c.value.value.length).toBe(400_000);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("cuts long filters in error messages", () => {
    const e = syntaxError(`equals(a,'${"x".repeat(5000)}`);
    expect(e.message.length).toBeLessThan(400);
  });

  it("rejects non-string input with FilterSyntaxError", () => {
    expect(() => parseFilter(undefined as unknown as string)).toThrow(FilterSyntaxError);
  });
});

describe("parseIsoDateTime", () => {
  it("accepts ISO 8601 with or without offset and fraction, and date-only", () => {
    expect(parseIsoDateTime("2022-11-08T00:00:00+00:00")).toBe(Date.UTC(2022, 10, 8));
    expect(parseIsoDateTime("2022-12-01T00:00:00")).toBe(Date.UTC(2022, 11, 1));
    expect(parseIsoDateTime("2024-01-01T00:00:00.000Z")).toBe(Date.UTC(2024, 0, 1));
    expect(parseIsoDateTime("2024-01-01")).toBe(Date.UTC(2024, 0, 1));
    expect(parseIsoDateTime("2024-01-01T10:30")).toBe(Date.UTC(2024, 0, 1, 10, 30));
    expect(parseIsoDateTime("2024-01-01T00:00:00.123456-05:00")).toBe(Date.UTC(2024, 0, 1, 5, 0, 0, 123));
    expect(parseIsoDateTime("2024-01-01T00:00:00+0530")).toBe(Date.UTC(2023, 11, 31, 18, 30));
    expect(parseIsoDateTime("2024-02-29")).toBe(Date.UTC(2024, 1, 29));
    expect(parseIsoDateTime("0001-01-01")).toBe(new Date("0001-01-01T00:00:00Z").getTime());
  });

  it("rejects impossible dates and other text", () => {
    for (const bad of [
      "2023-02-29",
      "2024-00-10",
      "2024-01-32",
      "2024-01-01T24:00:00",
      "2024-01-01T00:60",
      "2024-1-1",
      "yesterday",
      "1700000000",
      "2024-01-01T00:00:00+25:00",
    ]) {
      expect(parseIsoDateTime(bad), bad).toBeUndefined();
    }
  });
});
