/** What part of the exchange a problem is about; the emulator maps it to an HTTP status. */
export type SpecProblemKind =
  /** No operation has this path (404). */
  | "path"
  /** The path exists but not with this method (405). */
  | "method"
  /** A query parameter is unknown, missing or has a bad value (400, `source.parameter`). */
  | "query"
  /** A required header is missing or malformed (400). */
  | "header"
  /** The Authorization header is missing or malformed (401). */
  | "authorization"
  /** The request or response has the wrong media type (415 for requests). */
  | "content-type"
  /** The body is missing, not JSON, or does not match the schema (400, `source.pointer`). */
  | "body"
  /** The response status is not one the operation declares. */
  | "status"
  /** The operation id given to validateResponse is unknown. */
  | "operation";

export interface SpecProblem {
  /** Human-readable; says what is wrong and, where it can, what is allowed. */
  message: string;
  /** Query parameter at fault, for JSON:API `source.parameter` (e.g. `page[size]`, `filter`). */
  parameter?: string;
  /** JSON pointer into the body at fault, for JSON:API `source.pointer` (e.g. `/data/attributes/email`). */
  pointer?: string;
  /** Header at fault (lower-case), e.g. `revision`. */
  header?: string;
  kind?: SpecProblemKind;
}
