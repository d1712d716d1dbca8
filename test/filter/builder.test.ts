import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/client/errors.js";
import {
  Filter,
  FilterError,
  FilterSyntaxError,
  filter,
  filterToString,
  parseFilter,
} from "../../src/filter/index.js";

describe("filter builder", () => {
  it("writes Klaviyo syntax for each operator", () => {
    expect(filter.equals("email", "a@b.com").toString()).toBe("equals(email,'a@b.com')");
    expect(filter.any("id", ["a", "b"]).toString()).toBe("any(id,['a','b'])");
    expect(filter.equals("name", ["x"]).toString()).toBe("equals(name,['x'])");
    expect(filter.greaterThan("updated", new Date("2024-01-01T00:00:00Z")).toString()).toBe(
      "greater-than(updated,2024-01-01T00:00:00.000Z)",
    );
    expect(filter.greaterOrEqual("timestamp", 1700000000).toString()).toBe(
      "greater-or-equal(timestamp,1700000000)",
    );
    expect(filter.lessThan("x", -1.5).toString()).toBe("less-than(x,-1.5)");
    expect(filter.lessOrEqual("x", new Date(0)).toString()).toBe("less-or-equal(x,1970-01-01T00:00:00.000Z)");
    expect(filter.contains("name", "sale").toString()).toBe("contains(name,'sale')");
    expect(filter.startsWith("name", "Wel").toString()).toBe("starts-with(name,'Wel')");
    expect(filter.endsWith("name", "ome").toString()).toBe("ends-with(name,'ome')");
    expect(filter.has("profile").toString()).toBe("has(profile)");
    expect(filter.equals("archived", false).toString()).toBe("equals(archived,false)");
    expect(filter.equals("x", null).toString()).toBe("equals(x,null)");
    expect(filter.equals("messages.channel", "email").toString()).toBe("equals(messages.channel,'email')");
    expect(filter.equals("$custom_field", 1).toString()).toBe("equals($custom_field,1)");
  });

  it("joins several conditions with commas and flattens nested and()", () => {
    const f = filter.and(
      filter.equals("a", "x"),
      filter.and(filter.greaterThan("b", 1), "less-than(b,10)"),
      "and(has(profile),equals(c,true))",
    );
    expect(f.toString()).toBe("equals(a,'x'),greater-than(b,1),less-than(b,10),has(profile),equals(c,true)");
    expect(f.conditions).toHaveLength(5);
  });

  it("escapes quotes and backslashes in strings", () => {
    expect(filter.equals("last_name", "O'Brien").toString()).toBe("equals(last_name,'O\\'Brien')");
    expect(filter.equals("p", "a\\b").toString()).toBe("equals(p,'a\\\\b')");
    expect(filter.equals("p", "a,b)c[d]'e\"").toString()).toBe("equals(p,'a,b)c[d]\\'e\"')");
  });

  it("is immutable", () => {
    const f = filter.and(filter.equals("a", "x"), filter.any("b", [1, 2]));
    expect(Object.isFrozen(f)).toBe(true);
    expect(Object.isFrozen(f.conditions)).toBe(true);
    expect(Object.isFrozen(f.conditions[0])).toBe(true);
    expect(() => {
      (f.conditions as unknown as unknown[]).push(1);
    }).toThrow(TypeError);
    const items = f.conditions[1]?.value;
    expect(items?.kind === "list" && Object.isFrozen(items.items)).toBe(true);
  });

  it("validates eagerly, with FilterError (a ConfigError) saying what is wrong", () => {
    const cases: [() => unknown, RegExp][] = [
      [() => filter.equals("bad field", "x"), /Invalid field name "bad field"/],
      [() => filter.equals("1abc", "x"), /Invalid field name "1abc"/],
      [() => filter.equals("", "x"), /Invalid field name ""/],
      [() => filter.any("id", []), /non-empty array.*empty array/],
      [() => filter.any("id", "a" as unknown as string[]), /non-empty array/],
      [() => filter.greaterThan("updated", new Date("nope")), /invalid Date/],
      [() => filter.greaterThan("updated", new Date(Date.UTC(10000, 0, 1))), /year 10000/],
      [() => filter.equals("n", Number.NaN), /must be finite/],
      [() => filter.equals("n", Number.POSITIVE_INFINITY), /must be finite/],
      [() => filter.equals("n", undefined as unknown as string), /got undefined/],
      [() => filter.equals("n", {} as unknown as string), /got object/],
      [() => filter.any("n", [["a"]] as unknown as string[]), /cannot be nested/],
      [() => filter.greaterThan("n", [1] as unknown as number), /single value, not an array/],
      [() => filter.contains("n", 5 as unknown as string), /needs a string/],
      [() => filter.and(), /at least one condition/],
      [() => filter.and("equals(a,"), /Malformed filter/],
      [() => filter.and(5 as unknown as string), /takes filters or filter strings/],
    ];
    for (const [fn, message] of cases) {
      let caught: unknown;
      try {
        fn();
      } catch (e) {
        caught = e;
      }
      expect(caught, String(message)).toBeInstanceOf(FilterError);
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as Error).message).toMatch(message);
    }
  });

  it("normalises -0 and keeps dates at millisecond precision", () => {
    expect(filter.equals("n", -0).toString()).toBe("equals(n,0)");
    const d = new Date("2024-05-06T07:08:09.123Z");
    const f = filter.greaterThan("t", d);
    expect(f.conditions[0]?.value).toEqual({
      kind: "datetime",
      raw: "2024-05-06T07:08:09.123Z",
      epochMs: d.getTime(),
    });
  });
});

describe("filterToString", () => {
  it("returns a built filter's text", () => {
    expect(filterToString(filter.has("metric"))).toBe("has(metric)");
  });

  it("checks raw strings and returns them unchanged", () => {
    const raw = "equals(messages.channel,'email')";
    expect(filterToString(raw)).toBe(raw);
    expect(filterToString(' and( equals(a,"x") , less-than(b,2022-12-01T00:00:00) ) ')).toBe(
      ' and( equals(a,"x") , less-than(b,2022-12-01T00:00:00) ) ',
    );
  });

  it("throws FilterSyntaxError on malformed raw strings, before anything is sent", () => {
    expect(() => filterToString("equals(email,a@b.com)")).toThrow(FilterSyntaxError);
    expect(() => filterToString("")).toThrow(FilterSyntaxError);
    expect(() => filterToString(42 as unknown as string)).toThrow(FilterError);
  });

  it("Filter instances also come from parsed conditions", () => {
    const conditions = parseFilter("any(id,['a','b']),has(profile)");
    expect(new Filter(conditions).toString()).toBe("any(id,['a','b']),has(profile)");
    expect(() => new Filter([])).toThrow(FilterError);
  });
});
