import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Filter,
  type FilterScalarInput,
  FilterSyntaxError,
  filter,
  parseFilter,
} from "../../src/filter/index.js";

const field = fc.stringMatching(/^[A-Za-z_$][\w.$:-]{0,24}$/);

/** Strings heavy in the characters that matter to the grammar. */
const nastyString = fc.string({
  unit: fc.oneof(
    fc.constantFrom(
      "'",
      '"',
      ",",
      "(",
      ")",
      "[",
      "]",
      "\\",
      " ",
      "\n",
      "é",
      "😀",
      "\u0000",
      "\u2028",
      "a",
      "0",
      "-",
      ":",
    ),
    fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  ),
  maxLength: 40,
});

const date = fc.date({
  min: new Date("0000-01-01T00:00:00.000Z"),
  max: new Date("9999-12-31T23:59:59.999Z"),
  noInvalidDate: true,
});

const number = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));

const scalar: fc.Arbitrary<FilterScalarInput> = fc.oneof(
  nastyString,
  fc.string({ unit: "binary" }),
  number,
  fc.boolean(),
  fc.constant(null),
  date,
);

const condition: fc.Arbitrary<Filter> = fc.oneof(
  fc.tuple(field, scalar).map(([f, v]) => filter.equals(f, v)),
  fc.tuple(field, fc.array(scalar, { minLength: 1, maxLength: 5 })).map(([f, v]) => filter.equals(f, v)),
  fc.tuple(field, fc.array(scalar, { minLength: 1, maxLength: 5 })).map(([f, v]) => filter.any(f, v)),
  fc.tuple(field, fc.oneof(number, date, nastyString)).map(([f, v]) => filter.greaterThan(f, v)),
  fc.tuple(field, fc.oneof(number, date, nastyString)).map(([f, v]) => filter.greaterOrEqual(f, v)),
  fc.tuple(field, fc.oneof(number, date)).map(([f, v]) => filter.lessThan(f, v)),
  fc.tuple(field, fc.oneof(number, date)).map(([f, v]) => filter.lessOrEqual(f, v)),
  fc.tuple(field, nastyString).map(([f, v]) => filter.contains(f, v)),
  fc.tuple(field, nastyString).map(([f, v]) => filter.startsWith(f, v)),
  fc.tuple(field, nastyString).map(([f, v]) => filter.endsWith(f, v)),
  field.map((f) => filter.has(f)),
);

const built: fc.Arbitrary<Filter> = fc
  .array(
    fc.oneof(
      condition,
      fc.array(condition, { minLength: 1, maxLength: 3 }).map((cs) => filter.and(...cs)),
    ),
    {
      minLength: 1,
      maxLength: 5,
    },
  )
  .map((parts) => (parts.length === 1 ? (parts[0] as Filter) : filter.and(...parts)));

/** Parses, or returns the FilterSyntaxError; anything else thrown fails the property. */
function parseOrSyntaxError(text: string): ReturnType<typeof parseFilter> | FilterSyntaxError {
  try {
    return parseFilter(text);
  } catch (e) {
    if (e instanceof FilterSyntaxError) {
      expect(e.offset).toBeGreaterThanOrEqual(0);
      expect(e.offset).toBeLessThanOrEqual(text.length);
      expect(e.reason.length).toBeGreaterThan(0);
      return e;
    }
    throw e;
  }
}

const tokens = fc.constantFrom(
  "equals",
  "any",
  "and",
  "or",
  "has",
  "greater-than",
  "less-or-equal",
  "contains",
  "(",
  ")",
  ",",
  "[",
  "]",
  "'",
  '"',
  "\\",
  " ",
  "email",
  "messages.channel",
  "$x",
  "'a@b.com'",
  '"x"',
  "2024-01-01T00:00:00Z",
  "2022-11-08T00:00:00+00:00",
  "2024-01-01",
  "1",
  "-2.5",
  "1e3",
  "true",
  "false",
  "null",
  "equals(a,'x')",
  "and(",
);

describe("filter properties", () => {
  it("(a) a built filter's text parses back to the same conditions", () => {
    fc.assert(
      fc.property(built, (f) => {
        expect(parseFilter(f.toString())).toEqual(f.conditions);
        // Re-building from the text gives the same text.
        expect(filter.and(f.toString()).toString()).toBe(f.toString());
      }),
      { numRuns: 2000 },
    );
  });

  it("(a) and(...) text parses to the same conditions as the comma-joined text", () => {
    fc.assert(
      fc.property(fc.array(condition, { minLength: 1, maxLength: 4 }), (cs) => {
        const joined = filter.and(...cs);
        const wrapped = `and(${cs.map((c) => c.toString()).join(",")})`;
        expect(parseFilter(wrapped)).toEqual(joined.conditions);
      }),
      { numRuns: 500 },
    );
  });

  it("(b) never throws anything but FilterSyntaxError, and terminates, on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 200 }), nastyString), (text) => {
        parseOrSyntaxError(text);
      }),
      { numRuns: 5000 },
    );
  });

  it("(b) ... and on strings made from grammar tokens; what parses is stable when re-written", () => {
    let parsed = 0;
    fc.assert(
      fc.property(fc.array(tokens, { maxLength: 30 }), (parts) => {
        const text = parts.join("");
        const result = parseOrSyntaxError(text);
        if (result instanceof FilterSyntaxError) return;
        parsed++;
        const rewritten = new Filter(result).toString();
        expect(parseFilter(rewritten)).toEqual(result);
      }),
      { numRuns: 5000 },
    );
    expect(parsed).toBeGreaterThan(0);
  });

  it("(b) ... and on mutations of valid filters", () => {
    fc.assert(
      fc.property(built, fc.nat(), fc.nat(), tokens, (f, a, b, token) => {
        const text = f.toString();
        const i = a % (text.length + 1);
        const j = Math.min(text.length, i + (b % 5));
        parseOrSyntaxError(text.slice(0, i) + token + text.slice(j));
        parseOrSyntaxError(text.slice(0, i));
      }),
      { numRuns: 3000 },
    );
  });

  it("(c) strings with quotes, commas, parentheses, brackets, backslashes and unicode survive quoting", () => {
    fc.assert(
      fc.property(field, nastyString, fc.array(nastyString, { minLength: 1, maxLength: 4 }), (f, s, list) => {
        const one = filter.equals(f, s).toString();
        expect(parseFilter(one)).toEqual([
          { operator: "equals", field: f, value: { kind: "string", value: s } },
        ]);
        const many = filter.any(f, list).toString();
        expect(parseFilter(many)[0]?.value).toEqual({
          kind: "list",
          items: list.map((value) => ({ kind: "string", value })),
        });
        // The same string double-quoted (as in Reporting bodies) reads the same.
        const doubleQuoted = `equals(${f},"${s.replace(/[\\"]/g, "\\$&")}")`;
        expect(parseFilter(doubleQuoted)[0]?.value).toEqual({ kind: "string", value: s });
      }),
      { numRuns: 2000 },
    );
  });

  it("(c) a quoted string never ends early: the text after it is still parsed as a following condition", () => {
    fc.assert(
      fc.property(nastyString, (s) => {
        const conditions = parseFilter(`${filter.contains("a", s).toString()},has(b)`);
        expect(conditions).toHaveLength(2);
        expect(conditions[1]).toEqual({ operator: "has", field: "b", value: { kind: "none" } });
      }),
      { numRuns: 1000 },
    );
  });
});
