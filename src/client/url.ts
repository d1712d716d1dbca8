import { ConfigError } from "./errors.js";

export const DEFAULT_BASE_URL = "https://a.klaviyo.com";

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * Normalises a base URL and refuses plain HTTP to anything but loopback (an API key or token must
 * never travel unencrypted over a network).
 */
export function checkBaseUrl(raw: string, what = "KLAVIYO_BASE_URL"): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      `${what} is not a valid URL: "${raw}". Use e.g. https://a.klaviyo.com or http://127.0.0.1:8787 for the emulator.`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigError(`${what} must be an http(s) URL, got "${url.protocol}".`);
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new ConfigError(
      `${what} uses plain http:// to ${url.hostname}, which would send credentials unencrypted. Use https://, or http:// only to a loopback address (127.0.0.1, localhost, [::1]) such as the local emulator.`,
    );
  }
  if (url.username || url.password) {
    throw new ConfigError(`${what} must not contain credentials.`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}
