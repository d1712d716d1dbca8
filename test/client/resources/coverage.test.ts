/** Guards the suite itself: every method of every resource group has a case in cases.ts. */
import { describe, expect, it } from "vitest";
import { BaseClient } from "../../../src/client/client.js";
import { createResources } from "../../../src/client/resources/index.js";
import { allCases } from "./cases.js";

/** Methods tested in their own files instead of cases.ts. */
const TESTED_ELSEWHERE = new Set([
  "profiles.waitForBulkImportJob", // profiles.test.ts
  "images.uploadFromFile", // images.test.ts (multipart body)
]);

function methodPaths(value: unknown, prefix: string): string[] {
  if (typeof value === "function") return [prefix];
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, v]) => methodPaths(v, prefix ? `${prefix}.${key}` : key));
  }
  return [];
}

describe("resource coverage", () => {
  const resources = createResources(
    new BaseClient({ apiKey: "pk_test_resources", baseUrl: "http://127.0.0.1:9", env: {} }),
  );

  it("exposes the sixteen groups", () => {
    expect(Object.keys(resources).sort()).toEqual(
      [
        "accounts",
        "campaigns",
        "catalog",
        "coupons",
        "dataPrivacy",
        "events",
        "flows",
        "images",
        "lists",
        "metrics",
        "profiles",
        "segments",
        "subscriptions",
        "tagGroups",
        "tags",
        "templates",
      ].sort(),
    );
  });

  it("has a wire-level case for every method", () => {
    const methods = methodPaths(resources, "").filter((m) => !TESTED_ELSEWHERE.has(m));
    const covered = Object.values(allCases).flatMap((cases) => cases.map((c) => c.method));
    expect(methods.filter((m) => !covered.includes(m))).toEqual([]);
    expect(covered.filter((m) => !methods.includes(m))).toEqual([]);
  });
});
