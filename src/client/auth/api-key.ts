/**
 * Private API key authentication (`Authorization: Klaviyo-API-Key pk_...`) plus the helpers that keep
 * keys, secrets and tokens out of messages and logs.
 */
import { ConfigError } from "../errors.js";
import type { AuthProvider } from "../types.js";

const PRIVATE_KEY_PREFIX = "pk_";
const CREATE_KEY_HINT = "create one in Klaviyo under Settings > API keys > Create Private API Key";

/**
 * Checks that `key` looks like a Klaviyo private API key and returns it trimmed. Throws a
 * `ConfigError` that says what is wrong and what to do; the message never contains the key.
 *
 * @param what The name the user knows the key by, used in messages (default `KLAVIYO_API_KEY`).
 */
export function validateApiKey(key: string | undefined, what = "KLAVIYO_API_KEY"): string {
  const trimmed = key?.trim() ?? "";
  if (trimmed.length === 0) {
    throw new ConfigError(
      `No Klaviyo API key was given. Set ${what} to a private API key (it starts with ${PRIVATE_KEY_PREFIX}); ${CREATE_KEY_HINT}.`,
    );
  }
  if (/^(klaviyo-api-key|bearer)\s/i.test(trimmed)) {
    throw new ConfigError(
      `${what} includes an Authorization scheme word in front of the key. Set it to the private API key alone (the part starting with ${PRIVATE_KEY_PREFIX}).`,
    );
  }
  if (/^[A-Za-z0-9]{6}$/.test(trimmed)) {
    throw new ConfigError(
      `${what} holds a 6-character public API key (site ID). Public keys only work for Klaviyo's client-side endpoints (/client/*); this tool calls the server-side API and needs a private API key starting with ${PRIVATE_KEY_PREFIX}: ${CREATE_KEY_HINT}.`,
    );
  }
  if (!trimmed.startsWith(PRIVATE_KEY_PREFIX)) {
    throw new ConfigError(
      `${what} is not a private API key: Klaviyo private API keys start with ${PRIVATE_KEY_PREFIX}. Copy the private key itself (not the public key/site ID, an OAuth token or the key's label); ${CREATE_KEY_HINT}.`,
    );
  }
  if (trimmed.length === PRIVATE_KEY_PREFIX.length) {
    throw new ConfigError(
      `${what} holds only the ${PRIVATE_KEY_PREFIX} prefix, not a whole private API key. Copy the complete key; ${CREATE_KEY_HINT}.`,
    );
  }
  // Any whitespace or control character inside would corrupt the header (or be rejected by it).
  // biome-ignore lint/suspicious/noControlCharactersInRegex: detecting control characters is the point
  if (/[\s\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new ConfigError(
      `${what} contains whitespace or control characters inside the key. Copy the private API key again as a single unbroken string.`,
    );
  }
  return trimmed;
}

/**
 * An `AuthProvider` that sends `Authorization: Klaviyo-API-Key <key>`. The key is validated (and
 * trimmed) here, so a bad key fails when the client is built, not on the first request.
 * There is no `onUnauthorized`: a rejected private key cannot be renewed by the client.
 */
export function apiKeyAuth(key: string | undefined, what = "KLAVIYO_API_KEY"): AuthProvider {
  const header = `Klaviyo-API-Key ${validateApiKey(key, what)}`;
  return {
    kind: "api-key",
    authorization: async () => header,
  };
}

/**
 * A display form of a key that reveals nothing beyond the well-known prefix: `pk_****` for a
 * private key, `****` for anything else.
 */
export function maskKey(key: string | undefined): string {
  return key?.trim().startsWith(PRIVATE_KEY_PREFIX) ? `${PRIVATE_KEY_PREFIX}****` : "****";
}

/**
 * Replaces every occurrence of each secret in `text` (also in its URL-encoded form) with a mask:
 * `pk_****` for private API keys, `[redacted]` for anything else. Empty or missing secrets are
 * ignored; longer secrets are replaced first so one secret containing another is fully hidden.
 */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined | null>): string {
  const needles: Array<{ needle: string; mask: string }> = [];
  for (const raw of secrets) {
    const secret = raw?.trim();
    if (!secret) continue;
    const mask = secret.startsWith(PRIVATE_KEY_PREFIX) ? `${PRIVATE_KEY_PREFIX}****` : "[redacted]";
    needles.push({ needle: secret, mask });
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) needles.push({ needle: encoded, mask });
    const formEncoded = new URLSearchParams({ v: secret }).toString().slice(2);
    if (formEncoded !== secret && formEncoded !== encoded) needles.push({ needle: formEncoded, mask });
  }
  needles.sort((a, b) => b.needle.length - a.needle.length);
  let out = text;
  for (const { needle, mask } of needles) {
    out = out.split(needle).join(mask);
  }
  return out;
}
