import { loadSpec, type OpenApiResponse } from "./load.js";
import { specOperation } from "./operations.js";
import { problemsFromAjv, validatorFor } from "./schemas.js";
import type { SpecProblem } from "./types.js";

export interface ResponseToValidate {
  operationId: string;
  status: number;
  /** Defaults to no content type. */
  contentType?: string;
  /** Parsed JSON body; undefined (or an empty string) when there is none. */
  body?: unknown;
}

const API_MEDIA = "application/vnd.api+json";

interface ResolvedResponse {
  /** The key it was declared under: `200`, `4XX`, … */
  readonly key: string;
  /** JSON pointer of the body schema in the spec, when the response has a body. */
  readonly schemaRef: string | undefined;
}

const cache = new Map<string, ResolvedResponse | null>();

function escapePointer(s: string): string {
  return s.replace(/~/g, "~0").replace(/\//g, "~1");
}

function resolve(operationId: string, status: number): ResolvedResponse | undefined {
  const cacheKey = `${operationId} ${status}`;
  const hit = cache.get(cacheKey);
  if (hit !== undefined) return hit ?? undefined;
  const op = specOperation(operationId);
  let found: ResolvedResponse | undefined;
  if (op) {
    const exact = String(status);
    const range = `${Math.floor(status / 100)}XX`;
    const key =
      exact in op.op.responses ? exact : range in op.op.responses && status >= 400 ? range : undefined;
    if (key !== undefined) {
      let response = op.op.responses[key] as OpenApiResponse;
      let base = `#/paths/${escapePointer(op.path)}/${op.method.toLowerCase()}/responses/${key}`;
      if (response.$ref) {
        const name = response.$ref.replace("#/components/responses/", "");
        response = loadSpec().components.responses?.[name] ?? {};
        base = `#/components/responses/${escapePointer(name)}`;
      }
      const media = response.content ? Object.keys(response.content)[0] : undefined;
      const schema = media ? response.content?.[media]?.schema : undefined;
      let schemaRef: string | undefined;
      if (schema && typeof schema === "object" && "$ref" in schema && typeof schema.$ref === "string") {
        schemaRef = schema.$ref;
      } else if (schema && media) {
        // Inline schemas only occur under components.responses (ClientError / ServerError).
        schemaRef = `${base}/content/${escapePointer(media)}/schema`;
      }
      found = { key, schemaRef };
    }
  }
  cache.set(cacheKey, found ?? null);
  return found;
}

function isEmpty(body: unknown): boolean {
  return body === undefined || body === null || body === "";
}

/**
 * Checks a response against the vendored spec: the status is declared by the operation (exact
 * codes; 4xx/5xx through the `4XX`/`5XX` ranges), a response without content has an empty body,
 * and a body has the media type application/vnd.api+json and matches the declared schema.
 */
export function validateResponse(res: ResponseToValidate): SpecProblem[] {
  const op = specOperation(res.operationId);
  if (!op)
    return [{ kind: "operation", message: `no operation ${JSON.stringify(res.operationId)} in the spec` }];
  const declared = resolve(res.operationId, res.status);
  if (!declared) {
    return [
      {
        kind: "status",
        message: `${res.operationId} does not declare status ${res.status}; declared: ${Object.keys(op.op.responses).join(", ")}`,
      },
    ];
  }
  const problems: SpecProblem[] = [];
  if (!declared.schemaRef) {
    if (!isEmpty(res.body)) {
      problems.push({
        kind: "body",
        message: `${res.operationId} answers ${declared.key} without a body, but a body was sent`,
      });
    }
    return problems;
  }
  if (isEmpty(res.body)) {
    problems.push({
      kind: "body",
      message: `${res.operationId} answers ${declared.key} with a ${API_MEDIA} body, but none was sent`,
    });
    return problems;
  }
  const semi = res.contentType?.indexOf(";") ?? -1;
  const media =
    res.contentType === undefined
      ? undefined
      : (semi === -1 ? res.contentType : res.contentType.slice(0, semi)).trim().toLowerCase();
  if (media !== API_MEDIA) {
    problems.push({
      kind: "content-type",
      header: "content-type",
      message: `the response Content-Type must be ${API_MEDIA}, got ${media === undefined ? "none" : JSON.stringify(media)}`,
    });
  }
  const validate = validatorFor("response", declared.schemaRef);
  if (!validate(res.body)) problems.push(...problemsFromAjv(validate.errors, "response body"));
  return problems;
}
