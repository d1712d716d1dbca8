import { describe, expect, it } from "vitest";
import { checkFilterForOperation, parseFilter, type XKlaviyoFilters } from "../../src/filter/index.js";
import { specOperation } from "../../src/spec/index.js";

function filtersOf(id: string): XKlaviyoFilters {
  const f = specOperation(id)?.op["x-klaviyo-filters"];
  if (!f) throw new Error(`${id} has no x-klaviyo-filters`);
  return f as XKlaviyoFilters;
}

const check = (id: string, text: string) => checkFilterForOperation(parseFilter(text), filtersOf(id));

describe("checkFilterForOperation", () => {
  it("accepts filters the operation allows", () => {
    expect(check("get_profiles", "equals(email,'a@b.com')")).toEqual([]);
    expect(check("get_profiles", "any(email,['a@b.com','c@d.com'])")).toEqual([]);
    expect(check("get_profiles", "equals(email,['a@b.com'])")).toEqual([]);
    expect(
      check("get_profiles", "greater-than(updated,2024-01-01T00:00:00Z),less-than(updated,2024-02-01)"),
    ).toEqual([]);
    expect(check("get_events", "has(profile),greater-or-equal(datetime,2022-11-08T00:00:00+00:00)")).toEqual(
      [],
    );
    expect(check("get_events", "greater-than(timestamp,1700000000)")).toEqual([]);
    expect(check("get_campaigns", "equals(messages.channel,'email'),equals(archived,false)")).toEqual([]);
    expect(check("get_campaigns", "any(status,['Sent','Draft'])")).toEqual([]);
  });

  it("reports unknown fields with the allowed ones", () => {
    const [p] = check("get_profiles", "equals(nickname,'x')");
    expect(p).toMatch(/"nickname" cannot be filtered on here/);
    expect(p).toMatch(/"email"/);
  });

  it("reports operators the field does not allow", () => {
    expect(check("get_profiles", "contains(email,'x')")).toEqual([
      'operator "contains" is not allowed on "email"; allowed: "any", "equals"',
    ]);
    expect(check("get_lists", "less-than(updated,2024-01-01T00:00:00Z)")[0]).toMatch(
      /allowed: "greater-than"/,
    );
  });

  it("reports a list where a single value is expected and the reverse", () => {
    expect(check("get_profiles", "equals(_kx,['a'])")[0]).toMatch(
      /equals on "_kx" takes a single value, not a list/,
    );
    expect(check("get_events", "equals(metric_id,['a'])")).toEqual([]); // this field takes both
    // coupon.id on get_coupon_codes takes equals only with a list.
    expect(check("get_coupon_codes", "equals(coupon.id,'10OFF')")[0]).toMatch(
      /equals on "coupon.id" takes a list, not a single value: write equals\(coupon.id,\['a','b'\]\)/,
    );
    expect(check("get_coupon_codes", "equals(coupon.id,['10OFF'])")).toEqual([]);
  });

  it("reports values of the wrong type", () => {
    expect(check("get_profiles", "greater-than(updated,'2024-01-01')")[0]).toMatch(
      /unquoted ISO 8601 date-time/,
    );
    expect(check("get_profiles", "greater-than(updated,1700000000)")[0]).toMatch(/date-time/);
    expect(check("get_campaigns", "equals(archived,'false')")[0]).toMatch(/needs true or false/);
    expect(check("get_profiles", "equals(email,5)")[0]).toMatch(/needs a quoted string/);
    expect(check("get_events", "greater-than(timestamp,'x')")[0]).toMatch(/needs a number/);
    expect(check("get_profiles", "any(email,['a',true])")).toHaveLength(1);
  });

  it("checks enums", () => {
    expect(check("get_campaigns", "equals(messages.channel,'fax')")[0]).toMatch(
      /"email", "sms", "mobile_push"/,
    );
  });

  it("allows null only with equals", () => {
    expect(check("get_profiles", "equals(email,null)")).toEqual([]);
    expect(check("get_profiles", "greater-than(updated,null)")[0]).toMatch(
      /null can only be used with equals/,
    );
  });

  it("reports every problem, one per condition", () => {
    expect(check("get_profiles", "equals(nope,1),contains(email,'x'),equals(email,'ok')")).toHaveLength(2);
  });

  it("rejects any filter when the operation has none", () => {
    expect(checkFilterForOperation(parseFilter("equals(a,1)"), undefined)).toEqual([
      "this operation does not accept a filter",
    ]);
  });

  it("does not trip over inherited property names", () => {
    expect(check("get_profiles", "equals(constructor,'x')")[0]).toMatch(/cannot be filtered/);
    expect(check("get_profiles", "equals(__proto__,'x')")[0]).toMatch(/cannot be filtered/);
  });
});
