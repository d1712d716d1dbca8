import type { ValidateFunction } from "ajv";
import { findOperation } from "../client/operations.js";
import { checkFilterForOperation } from "../filter/check.js";
import { FilterSyntaxError } from "../filter/errors.js";
import { parseFilter } from "../filter/parse.js";
import type { XKlaviyoFilters } from "../filter/types.js";
import { loadSpec, type OpenApiParameter, type OpenApiParameterSchema } from "./load.js";
import { type SpecOperation, specOperation } from "./operations.js";
import { problemsFromAjv, validatorFor } from "./schemas.js";
import type { SpecProblem } from "./types.js";

export type HeaderValue = string | readonly string[] | undefined;

export interface RequestToValidate {
  method: string;
  /** Absolute URL or path with query (`/api/profiles?page[size]=10`). Alternative to pathname + query. */
  url?: string;
  pathname?: string;
  query?: URLSearchParams | string;
  /** Header names are matched case-insensitively. */
  headers?: Readonly<Record<string, HeaderValue>>;
  /** The parsed JSON body, or undefined when there is none. */
  body?: unknown;
  /** The raw body, used when `body` is undefined (it is then parsed here when the media type is JSON). */
  rawBody?: string;
  /** Defaults to the content-type header. */
  contentType?: string;
}

export interface RequestValidation {
  operationId?: string;
  /** Decoded path parameters of the matched operation. */
  pathParams?: Record<string, string>;
  problems: SpecProblem[];
}

const REVISION = /^\d{4}-\d{2}-\d{2}(\.\w+)?$/;
const AUTHORIZATION = /^(Klaviyo-API-Key|Bearer) \S+$/;
const JSON_MEDIA = new Set(["application/vnd.api+json", "application/json"]);
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const MAX_LISTED = 25;

interface QueryParamPlan {
  readonly name: string;
  readonly required: boolean;
  readonly schema: OpenApiParameterSchema;
  /** `explode: false` arrays are comma separated. */
  readonly array: boolean;
}

interface Plan {
  readonly spec: SpecOperation;
  readonly query: ReadonlyMap<string, QueryParamPlan>;
  readonly requiredQuery: readonly string[];
  readonly revision: "required" | "optional" | "absent";
  readonly needsAuth: boolean;
  readonly filters: XKlaviyoFilters | undefined;
  readonly body:
    | {
        readonly required: boolean;
        readonly media: readonly string[];
        readonly schemaRef: string | undefined;
      }
    | undefined;
}

const plans = new Map<string, Plan>();

function planFor(id: string): Plan | undefined {
  const cached = plans.get(id);
  if (cached) return cached;
  const spec = specOperation(id);
  if (!spec) return undefined;
  const params: readonly OpenApiParameter[] = spec.op.parameters ?? [];
  const query = new Map<string, QueryParamPlan>();
  for (const p of params) {
    if (p.in !== "query") continue;
    const schema = p.schema ?? {};
    query.set(p.name, {
      name: p.name,
      required: p.required === true,
      schema,
      array: schema.type === "array",
    });
  }
  const revisionParam = params.find((p) => p.in === "header" && p.name.toLowerCase() === "revision");
  const security = spec.op.security ?? loadSpec().security ?? [];
  let body: Plan["body"];
  if (spec.op.requestBody) {
    const content = spec.op.requestBody.content;
    const media = Object.keys(content);
    const json = media.find((m) => JSON_MEDIA.has(m));
    const schema = json ? content[json]?.schema : undefined;
    const ref =
      schema && typeof schema === "object" && "$ref" in schema
        ? (schema as { $ref: unknown }).$ref
        : undefined;
    body = {
      required: spec.op.requestBody.required === true,
      media: json ? [...JSON_MEDIA] : media,
      schemaRef: typeof ref === "string" ? ref : undefined,
    };
  }
  const plan: Plan = {
    spec,
    query,
    requiredQuery: [...query.values()].filter((q) => q.required).map((q) => q.name),
    revision: revisionParam ? (revisionParam.required ? "required" : "optional") : "absent",
    needsAuth: security.some((s) => Object.keys(s).length > 0),
    filters: spec.op["x-klaviyo-filters"] as XKlaviyoFilters | undefined,
    body,
  };
  plans.set(id, plan);
  return plan;
}

function listValues(values: readonly unknown[]): string {
  const shown = values.slice(0, MAX_LISTED).map((v) => JSON.stringify(v));
  return values.length > MAX_LISTED
    ? `${shown.join(", ")}, … (${values.length - MAX_LISTED} more)`
    : shown.join(", ");
}

/** Problems with one (non-array) value against a parameter schema. */
function checkScalar(name: string, value: string, schema: OpenApiParameterSchema): string | undefined {
  const type = schema.type ?? "string";
  if (type === "integer" || type === "number") {
    const ok =
      type === "integer" ? /^[+-]?\d+$/.test(value) : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value);
    if (!ok)
      return `${name} must be ${type === "integer" ? "an integer" : "a number"}, got ${JSON.stringify(value)}`;
    const n = Number(value);
    if (schema.minimum !== undefined && n < schema.minimum)
      return `${name} must be at least ${schema.minimum}, got ${value}`;
    if (schema.maximum !== undefined && n > schema.maximum)
      return `${name} must be at most ${schema.maximum}, got ${value}`;
    return undefined;
  }
  if (type === "boolean" && value !== "true" && value !== "false") {
    return `${name} must be true or false, got ${JSON.stringify(value)}`;
  }
  if (schema.enum && !schema.enum.includes(value)) {
    return `${name}: ${JSON.stringify(value)} is not allowed; allowed values: ${listValues(schema.enum)}`;
  }
  return undefined;
}

function checkQuery(plan: Plan, query: URLSearchParams, problems: SpecProblem[]): void {
  const counts = new Map<string, number>();
  for (const [name, value] of query) {
    counts.set(name, (counts.get(name) ?? 0) + 1);
    const p = plan.query.get(name);
    if (!p) {
      const known = [...plan.query.keys()];
      problems.push({
        kind: "query",
        parameter: name,
        message: `${plan.spec.id} has no query parameter ${JSON.stringify(name)}; ${known.length === 0 ? "it takes no query parameters" : `known: ${listValues(known)}`}`,
      });
      continue;
    }
    if (counts.get(name) === 2) {
      problems.push({
        kind: "query",
        parameter: name,
        message: `${name} is given more than once; give it once`,
      });
    }
    if (name === "filter") {
      checkFilterParam(plan, value, problems);
      continue;
    }
    if (p.array) {
      const items = value.split(",");
      const itemSchema = p.schema.items ?? {};
      for (const item of items) {
        if (item === "") {
          problems.push({
            kind: "query",
            parameter: name,
            message: `${name} has an empty item in ${JSON.stringify(value)}`,
          });
          continue;
        }
        const problem = checkScalar(name, item, itemSchema);
        if (problem) problems.push({ kind: "query", parameter: name, message: problem });
      }
      continue;
    }
    const problem = checkScalar(name, value, p.schema);
    if (problem) problems.push({ kind: "query", parameter: name, message: problem });
  }
  for (const name of plan.requiredQuery) {
    if (!counts.has(name)) {
      const example = name === "filter" ? ` (for example ${exampleFilter(plan)})` : "";
      problems.push({
        kind: "query",
        parameter: name,
        message: `${plan.spec.id} requires the query parameter ${name}${example}`,
      });
    }
  }
}

function exampleFilter(plan: Plan): string {
  const p = plan.spec.op.parameters?.find((q) => q.name === "filter");
  const ex = p?.schema && "example" in p.schema ? (p.schema as { example?: unknown }).example : undefined;
  return typeof ex === "string" ? ex : "equals(field,'value')";
}

function checkFilterParam(plan: Plan, value: string, problems: SpecProblem[]): void {
  let conditions: ReturnType<typeof parseFilter>;
  try {
    conditions = parseFilter(value);
  } catch (e) {
    const message = e instanceof FilterSyntaxError ? e.message : String(e);
    problems.push({ kind: "query", parameter: "filter", message });
    return;
  }
  for (const message of checkFilterForOperation(conditions, plan.filters)) {
    problems.push({ kind: "query", parameter: "filter", message: `filter: ${message}` });
  }
}

function headerValue(
  headers: Readonly<Record<string, HeaderValue>> | undefined,
  name: string,
): string | undefined {
  if (!headers) return undefined;
  let v = headers[name];
  if (v === undefined) {
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === name) {
        v = headers[key];
        break;
      }
    }
  }
  if (v === undefined) return undefined;
  return typeof v === "string" ? v : v.join(", ");
}

function mediaType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const semi = contentType.indexOf(";");
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

function checkHeaders(plan: Plan, req: RequestToValidate, problems: SpecProblem[]): void {
  const revision = headerValue(req.headers, "revision");
  if (revision === undefined) {
    if (plan.revision === "required") {
      problems.push({
        kind: "header",
        header: "revision",
        message: `the revision header is required (format YYYY-MM-DD[.suffix], e.g. ${loadSpec().info.version})`,
      });
    }
  } else if (!REVISION.test(revision)) {
    problems.push({
      kind: "header",
      header: "revision",
      message: `the revision header ${JSON.stringify(revision)} is malformed; use YYYY-MM-DD[.suffix], e.g. ${loadSpec().info.version}`,
    });
  }
  if (plan.needsAuth) {
    const auth = headerValue(req.headers, "authorization");
    if (auth === undefined) {
      problems.push({
        kind: "authorization",
        header: "authorization",
        message:
          "the Authorization header is required: `Klaviyo-API-Key <private key>` or `Bearer <OAuth access token>`",
      });
    } else if (!AUTHORIZATION.test(auth)) {
      problems.push({
        kind: "authorization",
        header: "authorization",
        message:
          "the Authorization header must be `Klaviyo-API-Key <private key>` or `Bearer <OAuth access token>`",
      });
    }
  }
}

function checkBody(plan: Plan, req: RequestToValidate, problems: SpecProblem[]): void {
  const hasRaw = req.rawBody !== undefined && req.rawBody.length > 0;
  const present = req.body !== undefined || hasRaw;
  const media = mediaType(req.contentType ?? headerValue(req.headers, "content-type"));
  if (!plan.body) {
    if (present) {
      problems.push({
        kind: "body",
        message: `${plan.spec.id} (${plan.spec.method} ${plan.spec.path}) takes no request body`,
      });
    }
    return;
  }
  if (!present) {
    if (plan.body.required) {
      const isJson = plan.body.schemaRef !== undefined;
      problems.push({
        kind: "body",
        ...(isJson ? { pointer: "/data" } : {}),
        message: `${plan.spec.id} requires a request body${isJson ? " (a JSON:API document with data)" : ""}`,
      });
    }
    return;
  }
  if (media === undefined || !plan.body.media.includes(media)) {
    problems.push({
      kind: "content-type",
      header: "content-type",
      message: `${plan.spec.id} takes a body of type ${plan.body.media.join(" or ")}, but the Content-Type is ${media === undefined ? "missing" : JSON.stringify(media)}`,
    });
    if (media === undefined || !JSON_MEDIA.has(media)) return;
  }
  if (!plan.body.schemaRef) return; // multipart upload: nothing more to check
  let body = req.body;
  if (body === undefined && req.rawBody !== undefined) {
    try {
      body = JSON.parse(req.rawBody);
    } catch (e) {
      problems.push({
        kind: "body",
        pointer: "",
        message: `the request body is not valid JSON (${(e as Error).message})`,
      });
      return;
    }
  }
  const validate: ValidateFunction = validatorFor("request", plan.body.schemaRef);
  if (!validate(body)) problems.push(...problemsFromAjv(validate.errors, "request body"));
}

function safeFind(method: string, pathname: string): boolean {
  try {
    return findOperation(method, pathname) !== undefined;
  } catch {
    return false;
  }
}

function splitUrl(req: RequestToValidate): { pathname: string; query: URLSearchParams } {
  if (req.url !== undefined) {
    const url = new URL(req.url, "http://localhost");
    return { pathname: url.pathname, query: url.searchParams };
  }
  const query = req.query instanceof URLSearchParams ? req.query : new URLSearchParams(req.query ?? "");
  return { pathname: req.pathname ?? "/", query };
}

/**
 * Checks one request against the vendored spec: operation, query parameters (names, integer bounds,
 * enums, sort, filter against `x-klaviyo-filters`, required ones), headers (revision, authorization),
 * media type and the JSON body against the operation's request schema.
 */
export function validateRequest(req: RequestToValidate): RequestValidation {
  const problems: SpecProblem[] = [];
  const method = req.method.toUpperCase();
  let pathname: string;
  let query: URLSearchParams;
  let match: ReturnType<typeof findOperation>;
  try {
    ({ pathname, query } = splitUrl(req));
    match = findOperation(method, pathname);
  } catch (e) {
    problems.push({ kind: "path", message: `the request URL cannot be parsed: ${(e as Error).message}` });
    return { problems };
  }
  if (!match) {
    const path = pathname;
    const others = METHODS.filter((m) => m !== method && safeFind(m, path));
    problems.push(
      others.length > 0
        ? {
            kind: "method",
            message: `${method} is not allowed on ${pathname}; allowed: ${others.join(", ")}`,
          }
        : { kind: "path", message: `no operation in the spec matches ${method} ${pathname}` },
    );
    return { problems };
  }
  const plan = planFor(match.op.id);
  if (!plan) {
    problems.push({
      kind: "path",
      message: `operation ${match.op.id} is in the operation table but not in the spec`,
    });
    return { operationId: match.op.id, problems };
  }
  checkQuery(plan, query, problems);
  checkHeaders(plan, req, problems);
  checkBody(plan, req, problems);
  return { operationId: plan.spec.id, pathParams: match.params, problems };
}
