/**
 * A tiny Klaviyo-like OAuth server on a loopback port, plus a fetch-based Transport and a fake
 * clock, for the auth tests. It verifies PKCE, Basic client auth and rotates refresh tokens.
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { NetworkError } from "../../../src/client/errors.js";
import type { Clock, Transport } from "../../../src/client/types.js";
import { validateRequest } from "../../../src/spec/index.js";
import { recordViolation } from "../../helpers/spec-harness.js";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  form: URLSearchParams;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  scope: string;
  used: boolean;
}

export interface FakeOAuthServerOptions {
  clientId?: string;
  clientSecret?: string;
  expiresIn?: number;
  /** Delay before answering a token request (ms), to make concurrent requests overlap. */
  tokenDelayMs?: number;
}

export class FakeOAuthServer {
  readonly clientId: string;
  readonly clientSecret: string;
  expiresIn: number;
  tokenDelayMs: number;
  readonly requests: RecordedRequest[] = [];
  /** Statuses to answer the next token requests with, before any processing. */
  readonly failNext: number[] = [];
  readonly codes = new Map<string, PendingCode>();
  readonly refreshTokens = new Map<string, string>(); // refresh token -> scope
  readonly accessTokens = new Set<string>();
  private server: Server | undefined;
  url = "";

  constructor(options: FakeOAuthServerOptions = {}) {
    this.clientId = options.clientId ?? "client-abc";
    this.clientSecret = options.clientSecret ?? "s3cret-Value-XYZ";
    this.expiresIn = options.expiresIn ?? 3600;
    this.tokenDelayMs = options.tokenDelayMs ?? 0;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  tokenRequests(grantType?: string): RecordedRequest[] {
    return this.requests.filter(
      (r) => r.path === "/oauth/token" && (grantType === undefined || r.form.get("grant_type") === grantType),
    );
  }

  /** Registers a grant as if an earlier authorization happened; returns its tokens. */
  seedGrant(scope = "accounts:read"): { accessToken: string; refreshToken: string } {
    const accessToken = `at_${randomBytes(12).toString("hex")}`;
    const refreshToken = `rt_${randomBytes(12).toString("hex")}`;
    this.accessTokens.add(accessToken);
    this.refreshTokens.set(refreshToken, scope);
    return { accessToken, refreshToken };
  }

  /** The user disconnected the app: every token of the grant dies. */
  revokeGrant(): void {
    this.refreshTokens.clear();
    this.accessTokens.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<ServerResponse> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", this.url);
    const record: RecordedRequest = {
      method: req.method ?? "",
      path: url.pathname,
      headers: req.headers,
      body,
      form: new URLSearchParams(body),
    };
    this.requests.push(record);

    if (req.method === "GET" && url.pathname === "/oauth/authorize") return this.authorize(url, res);
    if (req.method === "POST" && url.pathname === "/oauth/token") {
      if (this.tokenDelayMs > 0) await new Promise((r) => setTimeout(r, this.tokenDelayMs));
      return this.token(record, res);
    }
    if (url.pathname.startsWith("/api/")) {
      // API calls made in these tests are held to the spec like every other request of the suite.
      const { problems } = validateRequest({
        method: req.method ?? "GET",
        pathname: url.pathname,
        query: url.searchParams,
        headers: req.headers as Record<string, string>,
      });
      if (problems.length > 0) recordViolation(`fake OAuth server: ${req.method} ${url.pathname}`, problems);
    }
    if (req.method === "GET" && url.pathname === "/api/accounts") {
      const auth = req.headers.authorization ?? "";
      const token = auth.startsWith("Bearer ") ? auth.slice(7) : "";
      if (!this.accessTokens.has(token)) {
        return json(res, 401, { errors: [{ status: 401, code: "not_authenticated", detail: "bad token" }] });
      }
      return json(res, 200, { data: [] });
    }
    return json(res, 404, { errors: [{ status: 404, code: "not_found" }] });
  }

  private authorize(url: URL, res: ServerResponse): ServerResponse {
    const q = url.searchParams;
    const redirectUri = q.get("redirect_uri") ?? "";
    if (
      q.get("response_type") !== "code" ||
      q.get("client_id") !== this.clientId ||
      q.get("code_challenge_method") !== "S256" ||
      !q.get("code_challenge") ||
      !redirectUri
    ) {
      return json(res, 400, { error: "invalid_request" });
    }
    const code = `code_${randomBytes(10).toString("hex")}`;
    this.codes.set(code, {
      clientId: this.clientId,
      redirectUri,
      challenge: q.get("code_challenge") ?? "",
      scope: q.get("scope") ?? "",
      used: false,
    });
    const target = new URL(redirectUri);
    target.searchParams.set("code", code);
    target.searchParams.set("state", q.get("state") ?? "");
    res.writeHead(302, { location: target.toString() });
    return res.end();
  }

  private token(req: RecordedRequest, res: ServerResponse): ServerResponse {
    const fail = this.failNext.shift();
    if (fail !== undefined) return json(res, fail, { error: "server_error", error_description: "try again" });
    if (req.headers["content-type"] !== "application/x-www-form-urlencoded") {
      return json(res, 400, { error: "invalid_request", error_description: "form body expected" });
    }
    const expected = `Basic ${Buffer.from(`${this.clientId}:${this.clientSecret}`).toString("base64")}`;
    if (req.headers.authorization !== expected) {
      return json(res, 401, { error: "invalid_client", error_description: "Client authentication failed" });
    }
    const form = req.form;
    const grantType = form.get("grant_type");
    if (grantType === "authorization_code") {
      const code = form.get("code") ?? "";
      const pending = this.codes.get(code);
      if (!pending || pending.used) {
        return json(res, 400, { error: "invalid_grant", error_description: `code ${code} is invalid` });
      }
      pending.used = true;
      if (pending.redirectUri !== form.get("redirect_uri")) {
        return json(res, 400, { error: "invalid_grant", error_description: "redirect_uri mismatch" });
      }
      const verifier = form.get("code_verifier") ?? "";
      const challenge = createHash("sha256").update(verifier).digest("base64url");
      if (challenge !== pending.challenge) {
        return json(res, 400, {
          error: "invalid_grant",
          error_description: `PKCE verification failed for verifier ${verifier}`,
        });
      }
      return json(res, 200, this.issue(pending.scope));
    }
    if (grantType === "refresh_token") {
      const refreshToken = form.get("refresh_token") ?? "";
      const scope = this.refreshTokens.get(refreshToken);
      if (scope === undefined) {
        return json(res, 400, {
          error: "invalid_grant",
          error_description: `refresh token ${refreshToken} is invalid or was already used`,
        });
      }
      this.refreshTokens.delete(refreshToken); // rotation
      return json(res, 200, this.issue(scope));
    }
    return json(res, 400, { error: "unsupported_grant_type" });
  }

  private issue(scope: string): Record<string, unknown> {
    const { accessToken, refreshToken } = this.seedGrant(scope);
    return {
      access_token: accessToken,
      token_type: "Bearer",
      expires_in: this.expiresIn,
      refresh_token: refreshToken,
      scope,
    };
  }
}

function json(res: ServerResponse, status: number, body: unknown): ServerResponse {
  res.writeHead(status, { "content-type": "application/json" });
  return res.end(JSON.stringify(body));
}

/** A Transport on global fetch, enough for tests. */
export function fetchTransport(): Transport & { calls: number } {
  const transport = async (req: Parameters<Transport>[0]) => {
    transport.calls++;
    try {
      const res = await fetch(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body ?? null,
        signal: req.signal,
        redirect: "manual",
      });
      const headers: Record<string, string> = {};
      res.headers.forEach((value, key) => {
        headers[key.toLowerCase()] = value;
      });
      return { status: res.status, headers, body: await res.text() };
    } catch (err) {
      if (req.signal.aborted) throw req.signal.reason;
      throw new NetworkError(`Network error: ${err instanceof Error ? err.message : String(err)}`, {
        kind: "other",
        cause: err,
      });
    }
  };
  transport.calls = 0;
  return transport;
}

export interface FakeClock extends Clock {
  advance(ms: number): void;
  readonly sleeps: number[];
}

/** A clock whose time only moves when told to (or by `sleep`, which returns at once). */
export function fakeClock(start = Date.UTC(2025, 0, 1)): FakeClock {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      sleeps.push(ms);
      t += ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
    sleeps,
  };
}
