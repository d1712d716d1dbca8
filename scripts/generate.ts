/**
 * Generates the typed view of Klaviyo's OpenAPI spec:
 *   src/client/generated/openapi.ts     - request/response types (openapi-typescript)
 *   src/client/generated/operations.ts  - the operation table (method, path, rate limits, page sizes, filters)
 *
 * `npm run generate` writes them; `npm run generate:check` fails when they differ from the spec
 * (run in CI so the generated files can never drift from the vendored spec).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const specPath = join(root, "spec", "klaviyo-openapi.json");
const outDir = join(root, "src", "client", "generated");
const check = process.argv.includes("--check");

const HEADER =
  "// GENERATED FILE - DO NOT EDIT.\n// Produced by `npm run generate` from spec/klaviyo-openapi.json; CI checks it is up to date.\n";

interface RawOperation {
  operationId: string;
  description?: string;
  parameters?: Array<{
    name: string;
    in: string;
    required?: boolean;
    schema?: { default?: number; maximum?: number; minimum?: number };
  }>;
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, unknown>;
  "x-klaviyo-ratelimit"?: { burst?: string; steady?: string; daily?: string };
  "x-klaviyo-scopes"?: string[];
  "x-klaviyo-filters"?: Record<string, unknown>;
}

function perUnit(value: string | undefined, unit: "s" | "m" | "d"): number | null {
  if (!value) return null;
  const m = new RegExp(`^(\\d+)/${unit}$`).exec(value.trim());
  if (!m) throw new Error(`unexpected rate limit ${value}`);
  return Number(m[1]);
}

/** Conditional tiers are only stated in the descriptions ("Rate limits when using the `x=y` parameter"). */
function conditionalTiers(op: RawOperation) {
  const tiers: Array<{ param: string; value: string; burst: number; steady: number }> = [];
  const re =
    /Rate limits when using the `([^`=]+)=([^`]+)` parameter in your API request:<br>Burst: `(\d+)\/s`<br>Steady: `(\d+)\/m`/g;
  const includeEnum = (op.parameters ?? []).find((p) => p.name === "include") as
    | { schema?: { items?: { enum?: string[] } } }
    | undefined;
  const includes = includeEnum?.schema?.items?.enum ?? [];
  for (const m of (op.description ?? "").matchAll(re)) {
    let value = m[2] as string;
    // The descriptions say include=list / include=segment while the enum has lists / segments.
    if (m[1] === "include" && !includes.includes(value) && includes.includes(`${value}s`))
      value = `${value}s`;
    tiers.push({ param: m[1] as string, value, burst: Number(m[3]), steady: Number(m[4]) });
  }
  return tiers;
}

function dailyFromDescription(op: RawOperation): number | null {
  const m = /Daily: `(\d+)\/d`/.exec(op.description ?? "");
  return m ? Number(m[1]) : null;
}

function buildOperations(spec: { paths: Record<string, Record<string, unknown>> }) {
  const ops: unknown[] = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of ["get", "post", "patch", "put", "delete"]) {
      const op = item[method] as RawOperation | undefined;
      if (!op) continue;
      const rl = op["x-klaviyo-ratelimit"] ?? {};
      const burst = perUnit(rl.burst, "s");
      const steady = perUnit(rl.steady, "m");
      const dailyExt = perUnit(rl.daily, "d");
      const dailyDesc = dailyFromDescription(op);
      // Where the description and the extension disagree, keep the stricter figure.
      const daily =
        dailyExt !== null && dailyDesc !== null ? Math.min(dailyExt, dailyDesc) : (dailyExt ?? dailyDesc);
      const pageSize = (op.parameters ?? []).find((p) => p.name === "page[size]" && p.in === "query");
      const success = Object.keys(op.responses).find((s) => /^2\d\d$/.test(s)) ?? "200";
      const body = op.requestBody ? Object.keys(op.requestBody.content)[0] : null;
      ops.push({
        id: op.operationId,
        method: method.toUpperCase(),
        path,
        burst,
        steady,
        daily,
        tiers: conditionalTiers(op),
        scopes: op["x-klaviyo-scopes"] ?? [],
        pageSize: pageSize
          ? { default: pageSize.schema?.default ?? null, max: pageSize.schema?.maximum ?? null }
          : null,
        cursor: (op.parameters ?? []).some((p) => p.name === "page[cursor]"),
        filter: (op.parameters ?? []).some((p) => p.name === "filter" && p.in === "query"),
        filterRequired: (op.parameters ?? []).some((p) => p.name === "filter" && p.required === true),
        body,
        status: Number(success),
      });
    }
  }
  ops.sort((a, b) => String((a as { id: string }).id).localeCompare(String((b as { id: string }).id)));
  return ops;
}

function renderOperations(ops: unknown[]): string {
  return `${HEADER}
import type { OperationInfo } from "../operation-info.js";

/** Every operation of Klaviyo API revision 2026-07-15, with its rate limits and paging facts. */
export const OPERATIONS = ${JSON.stringify(ops, null, 1)} as const satisfies readonly OperationInfo[];

export type OperationId = (typeof OPERATIONS)[number]["id"];
`;
}

async function main() {
  const spec = JSON.parse(readFileSync(specPath, "utf8"));
  // emptyObjectsUnknown: free-form objects (event properties, profile properties) accept any keys;
  // defaultNonNullable false: a field with a default is optional in request bodies, as Klaviyo treats it.
  const ast = await openapiTS(spec, {
    alphabetize: false,
    emptyObjectsUnknown: true,
    defaultNonNullable: false,
  });
  const types = `${HEADER}/* eslint-disable */\n${astToString(ast)}`;
  const operations = renderOperations(buildOperations(spec));
  const files: Array<[string, string]> = [
    [join(outDir, "openapi.ts"), types],
    [join(outDir, "operations.ts"), operations],
  ];
  let stale = 0;
  for (const [file, content] of files) {
    if (check) {
      let current = "";
      try {
        current = readFileSync(file, "utf8");
      } catch {
        current = "";
      }
      if (current !== content) {
        stale++;
        console.error(`${file} is out of date with spec/klaviyo-openapi.json: run \`npm run generate\`.`);
      }
    } else {
      writeFileSync(file, content);
      console.log(`wrote ${file} (${content.length} bytes)`);
    }
  }
  if (stale > 0) process.exit(1);
  if (check) console.log("generated files match the spec");
}

await main();
