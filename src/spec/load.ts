import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The parts of an OpenAPI 3.0 document this module reads. Schemas stay `unknown` until Ajv sees them. */
export interface OpenApiParameter {
  readonly name: string;
  readonly in: "query" | "header" | "path" | "cookie";
  readonly required?: boolean;
  readonly explode?: boolean;
  readonly schema?: OpenApiParameterSchema;
  readonly description?: string;
}

export interface OpenApiParameterSchema {
  readonly type?: string;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly items?: OpenApiParameterSchema;
  readonly default?: unknown;
}

export interface OpenApiMediaType {
  readonly schema?: unknown;
}

export interface OpenApiResponse {
  readonly $ref?: string;
  readonly description?: string;
  readonly content?: Readonly<Record<string, OpenApiMediaType>>;
}

export interface OpenApiOperation {
  readonly operationId: string;
  readonly parameters?: readonly OpenApiParameter[];
  readonly requestBody?: {
    readonly required?: boolean;
    readonly content: Readonly<Record<string, OpenApiMediaType>>;
  };
  readonly responses: Readonly<Record<string, OpenApiResponse>>;
  readonly security?: readonly Readonly<Record<string, readonly string[]>>[];
  readonly "x-klaviyo-filters"?: unknown;
}

export interface OpenApiDocument {
  readonly openapi: string;
  readonly info: { readonly version: string; readonly title?: string };
  readonly paths: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, unknown>>;
    readonly responses?: Readonly<Record<string, OpenApiResponse>>;
  };
  readonly security?: readonly Readonly<Record<string, readonly string[]>>[];
}

/** Relative to the package root. */
export const SPEC_FILE = join("spec", "klaviyo-openapi.json");

let cached: OpenApiDocument | undefined;
let cachedRoot: string | undefined;

/**
 * The directory holding package.json, found by walking up from this module. Works from
 * `src/spec/*.ts` (tsx, vitest) and from `dist/spec/*.js` alike.
 */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  const start = dirname(fileURLToPath(import.meta.url));
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, SPEC_FILE))) {
      cachedRoot = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(
        `Cannot find ${SPEC_FILE}: no directory above ${start} has package.json and the vendored spec.`,
      );
    }
    dir = parent;
  }
}

/** The vendored Klaviyo OpenAPI document, read and parsed once per process. Treat it as read-only. */
export function loadSpec(): OpenApiDocument {
  if (cached) return cached;
  const file = join(packageRoot(), SPEC_FILE);
  const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
  if (
    !parsed ||
    typeof parsed !== "object" ||
    !("paths" in parsed) ||
    !("components" in parsed) ||
    typeof (parsed as { openapi?: unknown }).openapi !== "string"
  ) {
    throw new Error(`${file} is not an OpenAPI document.`);
  }
  cached = parsed as OpenApiDocument;
  return cached;
}
