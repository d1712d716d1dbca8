import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OPERATIONS } from "../../src/client/operations.js";
import { adaptSchema, loadSpec, packageRoot, specOperations } from "../../src/spec/index.js";

describe("loadSpec", () => {
  it("finds the package root and reads the vendored spec once", () => {
    expect(existsSync(join(packageRoot(), "package.json"))).toBe(true);
    const spec = loadSpec();
    expect(spec.openapi).toBe("3.0.2");
    expect(spec.info.version).toBe("2026-07-15");
    expect(loadSpec()).toBe(spec);
  });

  it("indexes all 345 operations, in agreement with the generated operation table", () => {
    const ops = specOperations();
    expect(ops.size).toBe(345);
    for (const op of OPERATIONS) {
      expect(ops.get(op.id), op.id).toMatchObject({ method: op.method, path: op.path });
    }
  });
});

describe("adaptSchema", () => {
  it("turns oneOf into anyOf (overlapping unions like integer|number)", () => {
    expect(adaptSchema({ oneOf: [{ type: "integer" }, { type: "number" }] })).toEqual({
      anyOf: [{ type: "integer" }, { type: "number" }],
    });
  });

  it("wraps nullable without type, adds null to nullable enums, keeps plain nullable", () => {
    expect(adaptSchema({ $ref: "#/components/schemas/X", nullable: true, description: "d" })).toEqual({
      anyOf: [{ type: "null" }, { $ref: "#/components/schemas/X" }],
    });
    expect(adaptSchema({ type: "string", enum: ["a"], nullable: true })).toEqual({
      type: "string",
      enum: ["a", null],
      nullable: true,
    });
    expect(adaptSchema({ type: "string", nullable: true, example: "x", "x-foo": 1 })).toEqual({
      type: "string",
      nullable: true,
    });
  });

  it("leaves data keywords alone and recurses into subschemas", () => {
    const adapted = adaptSchema({
      type: "object",
      properties: {
        description: { type: "string" },
        a: { type: "array", items: { oneOf: [{ type: "string" }] } },
      },
      required: ["description"],
      default: { description: "kept" },
    });
    expect(adapted).toEqual({
      type: "object",
      properties: {
        description: { type: "string" },
        a: { type: "array", items: { anyOf: [{ type: "string" }] } },
      },
      required: ["description"],
      default: { description: "kept" },
    });
  });
});
