import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { fullFormats } from "ajv-formats/dist/formats.js";
import { loadSpec } from "./load.js";
import type { SpecProblem } from "./types.js";

/** `$id` under which the (adapted) components of the spec are registered with Ajv. */
const DOC_ID = "https://klaviyo-sync.invalid/openapi.json";

/** Keywords that hold one subschema / an array of subschemas / a map of subschemas. */
const SUB_ONE = ["items", "additionalProperties", "not"] as const;
const SUB_MANY = ["allOf", "anyOf", "oneOf"] as const;
/** Annotations Ajv does not need; dropping them makes compiling faster and the copy smaller. */
const DROP = new Set([
  "description",
  "example",
  "examples",
  "readOnly",
  "writeOnly",
  "title",
  "externalDocs",
]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Adapts one OpenAPI 3.0 schema for Ajv (a new object; the spec is not modified):
 *  - `oneOf` → `anyOf`: Klaviyo uses oneOf as a plain union, and several unions overlap
 *    (`integer|number`, `string enum|string`, `integer|number|string|boolean`), so a valid value
 *    would match two branches and fail oneOf.
 *  - `nullable: true` without `type` (306 places: beside `$ref`, `allOf`, `oneOf`) → `anyOf: [null, …]`;
 *    Ajv's native `nullable` needs `type` and throws otherwise.
 *  - `nullable: true` with `enum` (186 places, none listing null) → null appended to the enum,
 *    since Ajv's `nullable` admits the null type but the enum would still reject it.
 *  - `x-*` extensions and annotations dropped.
 */
export function adaptSchema(schema: unknown): unknown {
  if (!isObject(schema)) return schema;
  const out: Record<string, unknown> = {};
  const extra: Record<string, unknown>[] = [];
  for (const [key, value] of Object.entries(schema)) {
    if (DROP.has(key) || key.startsWith("x-")) continue;
    if (key === "properties" && isObject(value)) {
      const props: Record<string, unknown> = {};
      for (const [name, sub] of Object.entries(value)) props[name] = adaptSchema(sub);
      out[key] = props;
    } else if ((SUB_ONE as readonly string[]).includes(key)) {
      out[key] = adaptSchema(value);
    } else if ((SUB_MANY as readonly string[]).includes(key) && Array.isArray(value)) {
      const target = key === "oneOf" ? "anyOf" : key;
      const adapted = value.map(adaptSchema);
      // A schema carrying both anyOf and oneOf keeps both constraints.
      if (target in out) extra.push({ [target]: adapted });
      else out[target] = adapted;
    } else {
      out[key] = value;
    }
  }
  if (extra.length > 0) out.allOf = [...(Array.isArray(out.allOf) ? out.allOf : []), ...extra];
  if (out.nullable === true) {
    if (typeof out.type === "string") {
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    } else {
      delete out.nullable;
      return { anyOf: [{ type: "null" }, out] };
    }
  } else if (out.nullable === false) {
    delete out.nullable;
  }
  return out;
}

/** The components of the spec, adapted once. */
let adaptedDoc: Record<string, unknown> | undefined;

function adaptedDocument(): Record<string, unknown> {
  if (adaptedDoc) return adaptedDoc;
  const spec = loadSpec();
  const schemas: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(spec.components.schemas)) schemas[name] = adaptSchema(s);
  const responses: Record<string, unknown> = {};
  for (const [name, r] of Object.entries(spec.components.responses ?? {})) {
    const content: Record<string, unknown> = {};
    for (const [media, m] of Object.entries(r.content ?? {}))
      content[media] = { schema: adaptSchema(m.schema) };
    responses[name] = { content };
  }
  adaptedDoc = { $id: DOC_ID, components: { schemas, responses } };
  return adaptedDoc;
}

const ALWAYS_VALID = () => true;

function createAjv(lenientDates: boolean): Ajv {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    // The spec is vendored and known to compile; skipping meta-validation saves time on first use.
    validateSchema: false,
  });
  ajv.addFormat("date-time", lenientDates ? fullFormats["iso-date-time"] : fullFormats["date-time"]);
  ajv.addFormat("time", lenientDates ? fullFormats["iso-time"] : fullFormats.time);
  ajv.addFormat("date", fullFormats.date);
  ajv.addFormat("uri", fullFormats.uri);
  ajv.addFormat("binary", ALWAYS_VALID);
  ajv.addSchema(adaptedDocument());
  return ajv;
}

let requestAjv: Ajv | undefined;
let responseAjv: Ajv | undefined;

/**
 * Requests accept ISO 8601 date-times without an offset (Klaviyo documents "ISO 8601" and its own
 * examples omit offsets); responses must be strict RFC 3339, as Klaviyo sends them.
 */
function ajvFor(side: "request" | "response"): Ajv {
  if (side === "request") {
    requestAjv ??= createAjv(true);
    return requestAjv;
  }
  responseAjv ??= createAjv(false);
  return responseAjv;
}

/** Turns a spec `$ref` (`#/components/...`) or a JSON pointer into the Ajv key of the adapted document. */
export function schemaKey(ref: string): string {
  return `${DOC_ID}${ref.startsWith("#") ? ref : `#${ref}`}`;
}

const validators = new Map<string, ValidateFunction>();

/** A compiled validator for a schema of the spec, compiled on first use and cached. */
export function validatorFor(side: "request" | "response", ref: string): ValidateFunction {
  const key = `${side} ${ref}`;
  let v = validators.get(key);
  if (!v) {
    const found = ajvFor(side).getSchema(schemaKey(ref));
    if (!found) throw new Error(`The spec has no schema at ${ref}.`);
    v = found;
    validators.set(key, v);
  }
  return v;
}

/** Prepares the validators (loads and adapts the spec) without compiling any operation. */
export function warmUp(): void {
  ajvFor("request");
  ajvFor("response");
}

function escapePointer(s: string): string {
  return s.replace(/~/g, "~0").replace(/\//g, "~1");
}

const MAX_LISTED = 12;

function describeError(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "enum": {
      const allowed = Array.isArray(p.allowedValues) ? (p.allowedValues as unknown[]) : [];
      const shown = allowed
        .filter((a) => a !== null)
        .slice(0, MAX_LISTED)
        .map((a) => JSON.stringify(a));
      const more = allowed.length > MAX_LISTED ? `, … (${allowed.length - MAX_LISTED} more)` : "";
      return `must be one of ${shown.join(", ")}${more}`;
    }
    case "required":
      return "is required";
    case "anyOf":
      return "does not match any of the allowed shapes";
    default:
      return e.message ?? e.keyword;
  }
}

/** Maps Ajv errors to problems with JSON pointers, dropping the noise of `nullable` unions. */
export function problemsFromAjv(
  errors: readonly ErrorObject[] | null | undefined,
  what: string,
): SpecProblem[] {
  if (!errors || errors.length === 0) return [];
  const list = errors.filter(
    (e) => !(e.keyword === "type" && (e.params as { type?: unknown }).type === "null"),
  );
  const out: SpecProblem[] = [];
  const seen = new Set<string>();
  for (const e of list) {
    if (e.keyword === "anyOf") {
      // Only report the union itself when none of its branches said anything more precise.
      const precise = list.some(
        (o) => o !== e && o.keyword !== "anyOf" && o.instancePath.startsWith(e.instancePath),
      );
      if (precise) continue;
    }
    const missing =
      e.keyword === "required" ? (e.params as { missingProperty?: unknown }).missingProperty : undefined;
    const pointer =
      typeof missing === "string" ? `${e.instancePath}/${escapePointer(missing)}` : e.instancePath;
    const message = `${what} ${pointer === "" ? "(the whole document)" : pointer} ${describeError(e)}`;
    const key = `${pointer}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ kind: "body", message, pointer });
  }
  return out;
}
