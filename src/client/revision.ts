/** The one Klaviyo API revision this release is built and tested against. */
export const REVISION = "2026-07-15";

export const JSON_API = "application/vnd.api+json";

export interface HeaderInput {
  authorization: string;
  revision?: string;
  /** Media type of the body, when there is one (omit for multipart: the transport sets the boundary). */
  contentType?: string;
  userAgent?: string;
  extra?: Record<string, string>;
}

/** The one place request headers are built. Names are lower case. */
export function buildHeaders(input: HeaderInput): Record<string, string> {
  const headers: Record<string, string> = {
    accept: JSON_API,
    revision: input.revision ?? REVISION,
    authorization: input.authorization,
    "user-agent": input.userAgent ?? "klaviyo-sync",
  };
  if (input.contentType) headers["content-type"] = input.contentType;
  for (const [k, v] of Object.entries(input.extra ?? {})) {
    const key = k.toLowerCase();
    if (key === "authorization" || key === "revision") continue;
    headers[key] = v;
  }
  return headers;
}
