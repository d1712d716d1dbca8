/**
 * Emulated Klaviyo OAuth: `GET /oauth/authorize` approves at once and redirects with a code;
 * `POST /oauth/token` exchanges a code (verifying PKCE S256 and HTTP Basic client credentials) or a
 * refresh token (rotating it: the old one stops working). Access tokens expire.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { Clock } from "../client/types.js";
import type { EmuResponse, Principal } from "./types.js";

interface Grant {
  clientId: string;
  scopes: Set<string>;
  principalId: string;
}

interface CodeEntry extends Grant {
  challenge: string;
  redirectUri: string;
  expiresAt: number;
}

function b64url(buf: Buffer): string {
  return buf.toString("base64url");
}

function token(prefix: string): string {
  return `${prefix}_${b64url(randomBytes(24))}`;
}

function oauthError(status: number, error: string, description: string): EmuResponse {
  return { status, body: { error, error_description: description } };
}

export class OAuthServer {
  private readonly clients = new Map<string, { secret: string; redirectUris?: string[] }>();
  private readonly codes = new Map<string, CodeEntry>();
  private readonly access = new Map<string, Grant & { expiresAt: number }>();
  private readonly refresh = new Map<string, Grant>();
  private grants = 0;

  constructor(
    private readonly clock: Clock,
    clients: Array<{ clientId: string; clientSecret: string; redirectUris?: string[] }>,
    private ttlSeconds: number,
  ) {
    for (const c of clients) this.addClient(c.clientId, c.clientSecret, c.redirectUris);
  }

  addClient(clientId: string, clientSecret: string, redirectUris?: string[]): void {
    this.clients.set(clientId, { secret: clientSecret, ...(redirectUris ? { redirectUris } : {}) });
  }

  setTokenTtl(seconds: number): void {
    this.ttlSeconds = seconds;
  }

  /** Revokes every token of a client (as uninstalling the app would). */
  revokeClient(clientId: string): void {
    for (const [k, g] of this.access) if (g.clientId === clientId) this.access.delete(k);
    for (const [k, g] of this.refresh) if (g.clientId === clientId) this.refresh.delete(k);
  }

  principalFor(accessToken: string): Principal | undefined {
    const g = this.access.get(accessToken);
    if (!g) return undefined;
    if (g.expiresAt <= this.clock.now()) {
      this.access.delete(accessToken);
      return undefined;
    }
    return { kind: "oauth", id: g.principalId, scopes: g.scopes };
  }

  handle(method: string, url: URL, raw: Buffer, headers: IncomingHttpHeaders): EmuResponse {
    if (method === "GET" && url.pathname === "/oauth/authorize") return this.authorize(url);
    if (method === "POST" && url.pathname === "/oauth/token") return this.token(raw, headers);
    return oauthError(404, "not_found", `No OAuth endpoint at ${method} ${url.pathname}.`);
  }

  private authorize(url: URL): EmuResponse {
    const q = url.searchParams;
    const clientId = q.get("client_id") ?? "";
    const redirectUri = q.get("redirect_uri") ?? "";
    const client = this.clients.get(clientId);
    if (!client) return oauthError(400, "invalid_client", "Unknown client_id.");
    if (q.get("response_type") !== "code")
      return oauthError(400, "unsupported_response_type", "response_type must be code.");
    if (q.get("code_challenge_method") !== "S256" || !q.get("code_challenge")) {
      return oauthError(
        400,
        "invalid_request",
        "PKCE is required: code_challenge with code_challenge_method=S256.",
      );
    }
    if (!redirectUri || (client.redirectUris && !client.redirectUris.includes(redirectUri))) {
      return oauthError(400, "invalid_request", "redirect_uri is missing or not registered for this client.");
    }
    const code = token("code");
    this.codes.set(code, {
      clientId,
      scopes: new Set((q.get("scope") ?? "").split(/[\s+]+/).filter(Boolean)),
      principalId: `oauth:${clientId}:${++this.grants}`,
      challenge: q.get("code_challenge") ?? "",
      redirectUri,
      expiresAt: this.clock.now() + 10 * 60_000,
    });
    const target = new URL(redirectUri);
    target.searchParams.set("code", code);
    const state = q.get("state");
    if (state) target.searchParams.set("state", state);
    return { status: 302, headers: { location: target.toString() } };
  }

  private clientFromBasic(headers: IncomingHttpHeaders): string | undefined {
    const auth = headers.authorization ?? "";
    const m = /^Basic\s+(\S+)$/i.exec(auth);
    if (!m) return undefined;
    const decoded = Buffer.from(m[1] as string, "base64").toString("utf8");
    const i = decoded.indexOf(":");
    if (i < 0) return undefined;
    const id = decodeURIComponent(decoded.slice(0, i));
    const secret = decodeURIComponent(decoded.slice(i + 1));
    const client = this.clients.get(id);
    if (!client) return undefined;
    const a = Buffer.from(client.secret);
    const b = Buffer.from(secret);
    return a.length === b.length && timingSafeEqual(a, b) ? id : undefined;
  }

  private issue(grant: Grant): EmuResponse {
    const access = token("at");
    const refresh = token("rt");
    this.access.set(access, { ...grant, expiresAt: this.clock.now() + this.ttlSeconds * 1000 });
    this.refresh.set(refresh, grant);
    return {
      status: 200,
      headers: { "cache-control": "no-store" },
      body: {
        access_token: access,
        token_type: "Bearer",
        expires_in: this.ttlSeconds,
        refresh_token: refresh,
        scope: [...grant.scopes].join(" "),
      },
    };
  }

  private token(raw: Buffer, headers: IncomingHttpHeaders): EmuResponse {
    const ct = (headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
    if (ct !== "application/x-www-form-urlencoded") {
      return oauthError(
        400,
        "invalid_request",
        "The token request must be application/x-www-form-urlencoded.",
      );
    }
    const clientId = this.clientFromBasic(headers);
    if (!clientId)
      return oauthError(
        401,
        "invalid_client",
        "Client authentication failed (HTTP Basic with client id and secret).",
      );
    const form = new URLSearchParams(raw.toString("utf8"));
    const grantType = form.get("grant_type");
    if (grantType === "authorization_code") {
      const code = form.get("code") ?? "";
      const entry = this.codes.get(code);
      this.codes.delete(code);
      if (!entry || entry.clientId !== clientId || entry.expiresAt <= this.clock.now()) {
        return oauthError(
          400,
          "invalid_grant",
          "The authorization code is invalid, expired or already used.",
        );
      }
      if ((form.get("redirect_uri") ?? entry.redirectUri) !== entry.redirectUri) {
        return oauthError(400, "invalid_grant", "redirect_uri does not match the authorization request.");
      }
      const verifier = form.get("code_verifier") ?? "";
      const challenge = b64url(createHash("sha256").update(verifier).digest());
      if (!verifier || challenge !== entry.challenge)
        return oauthError(400, "invalid_grant", "PKCE verification failed.");
      return this.issue({ clientId, scopes: entry.scopes, principalId: entry.principalId });
    }
    if (grantType === "refresh_token") {
      const rt = form.get("refresh_token") ?? "";
      const grant = this.refresh.get(rt);
      if (!grant || grant.clientId !== clientId)
        return oauthError(400, "invalid_grant", "The refresh token is invalid, revoked or already used.");
      this.refresh.delete(rt); // rotation: a refresh token works once
      return this.issue(grant);
    }
    return oauthError(
      400,
      "unsupported_grant_type",
      "grant_type must be authorization_code or refresh_token.",
    );
  }
}
