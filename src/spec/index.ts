/** Validation of Klaviyo API traffic against the vendored OpenAPI spec (spec/klaviyo-openapi.json). */
export {
  loadSpec,
  type OpenApiDocument,
  type OpenApiOperation,
  type OpenApiParameter,
  packageRoot,
  SPEC_FILE,
} from "./load.js";
export { type SpecOperation, specOperation, specOperations } from "./operations.js";
export {
  type HeaderValue,
  type RequestToValidate,
  type RequestValidation,
  validateRequest,
} from "./request.js";
export { type ResponseToValidate, validateResponse } from "./response.js";
export { adaptSchema, warmUp } from "./schemas.js";
export type { SpecProblem, SpecProblemKind } from "./types.js";
