/**
 * The connection check of `airbyte check` (and of the Docker image's health): the key is tried
 * against the account endpoint, and for a source also against a one-profile read, so a key
 * without the read scopes fails here rather than in the middle of a sync.
 */
import { AuthenticationError, NetworkError, PermissionError } from "../client/errors.js";
import type { KlaviyoClient } from "../client/index.js";
import { errorMessage } from "./failure.js";

export async function checkConnection(
  client: KlaviyoClient,
  side: "source" | "destination",
): Promise<{ ok: boolean; message: string }> {
  try {
    const body = (await client.request("GET", "/api/accounts")) as {
      data?: Array<{ id: string; attributes?: { contact_information?: { organization_name?: string } } }>;
    };
    const account = body.data?.[0];
    if (!account)
      return { ok: false, message: "The key was accepted, but GET /api/accounts returned no account." };
    if (side === "source") await client.request("GET", "/api/profiles", { query: { "page[size]": 1 } });
    const name = account.attributes?.contact_information?.organization_name ?? account.id;
    return {
      ok: true,
      message: `Connected to Klaviyo account "${name}" (${account.id}) at ${client.baseUrl}.`,
    };
  } catch (err) {
    const hint =
      err instanceof AuthenticationError
        ? "The API key was rejected. "
        : err instanceof PermissionError
          ? `The key lacks a scope this ${side} needs (accounts:read${side === "source" ? ", profiles:read" : ""}). `
          : err instanceof NetworkError
            ? `Could not reach ${client.baseUrl}. `
            : "";
    return { ok: false, message: `${hint}${errorMessage(err)}` };
  }
}
