/**
 * Secrets never reach a log line, an error message, state or protocol output. Every secret the
 * process learns (API keys, OAuth client secrets, tokens) is registered here, and everything that
 * is printed passes through `redact`.
 */
const secrets = new Set<string>();

/** Registers a secret so that `redact` masks it. Very short values are ignored (they would mask noise). */
export function registerSecret(value: string | undefined | null): void {
  if (typeof value === "string" && value.trim().length >= 6) secrets.add(value.trim());
}

const PATTERNS: RegExp[] = [
  // Klaviyo private keys.
  /\bpk_[A-Za-z0-9_]{4,}/g,
  // Authorization header values.
  /(Klaviyo-API-Key|Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi,
  // OAuth fields in JSON or form bodies.
  /("?(?:access_token|refresh_token|client_secret|code_verifier)"?\s*[:=]\s*"?)[^"&\s,}]+/gi,
];

/** Masks only the registered secrets (for data such as protocol records, which the patterns below would rewrite). */
export function redactSecrets(text: string): string {
  let out = text;
  for (const s of secrets) {
    if (out.includes(s)) out = out.split(s).join("[REDACTED]");
  }
  return out;
}

export function redact(text: string): string {
  let out = redactSecrets(text);
  for (const re of PATTERNS) {
    out = out.replace(re, (match, prefix: string | undefined) => {
      if (match.startsWith("pk_")) return "pk_[REDACTED]";
      if (prefix && /access_token|refresh_token|client_secret|code_verifier/i.test(prefix))
        return `${prefix}[REDACTED]`;
      const scheme = /^(\S+)\s/.exec(match)?.[1];
      return scheme ? `${scheme} [REDACTED]` : "[REDACTED]";
    });
  }
  return out;
}
