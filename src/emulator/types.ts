import type { OperationInfo } from "../client/operation-info.js";

/** Who is calling: a private key (with optional scopes) or an OAuth access token. */
export interface Principal {
  kind: "api-key" | "oauth";
  /** Stable identifier for rate limiting and counters (never the secret itself). */
  id: string;
  /** Scopes the credential carries; undefined means full access. */
  scopes: ReadonlySet<string> | undefined;
}

/** A validated request handed to an operation handler. */
export interface EmuRequest {
  op: OperationInfo;
  method: string;
  pathname: string;
  /** Decoded path parameters (`id`, `job_id`...). */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body (undefined without a body); multipart uploads arrive as `multipart`. */
  body: unknown;
  multipart?: {
    fields: Record<string, string>;
    files: Array<{ name: string; filename: string; contentType: string; data: Buffer }>;
  };
  headers: Record<string, string>;
  principal: Principal;
  /** `http://host:port`, for absolute links. */
  origin: string;
  /** Emulator time, ms since epoch. */
  now: number;
}

export interface EmuResponse {
  status: number;
  body?: unknown;
  /** The body already serialised as JSON, whole or in chunks (hot paths); `body` is then ignored. */
  raw?: string | Buffer[];
  headers?: Record<string, string>;
}

export type Handler = (req: EmuRequest) => EmuResponse | Promise<EmuResponse>;

/** A JSON:API error thrown by handlers; the server turns it into the error document. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly source?: { pointer?: string; parameter?: string },
    readonly meta?: Record<string, unknown>,
  ) {
    super(detail);
  }
}

export const notFound = (what: string, id: string) =>
  new ApiError(404, "not_found", "Not found.", `A ${what} with id ${id} does not exist.`);

export const invalid = (detail: string, source?: { pointer?: string; parameter?: string }) =>
  new ApiError(400, "invalid", "Invalid input.", detail, source);
