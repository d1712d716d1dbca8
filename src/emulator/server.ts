/**
 * The Klaviyo emulator's HTTP server. Every /api request goes through the same pipeline as on the
 * real service: route by the spec, authenticate, check the revision and media type, apply the rate
 * limits, validate against the spec (400 with the culprit named), check scopes, then run the
 * operation's handler. Operations without a handler answer 501 naming the operation.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { OperationInfo } from "../client/operation-info.js";
import { findOperation, OPERATIONS } from "../client/operations.js";
import { type Clock, systemClock } from "../client/types.js";
import { validateRequest } from "../spec/index.js";
import { ensureAccount } from "./account.js";
import { handleAdmin } from "./admin.js";
import { type FaultConfig, FaultInjector, type FaultPlanStep } from "./faults.js";
import { buildHandlers } from "./handlers/index.js";
import { OAuthServer } from "./oauth.js";
import { RateLimiter } from "./rate-limiter.js";
import { type SeedOptions, seedStore } from "./seed.js";
import { EmulatorStore } from "./store/store.js";
import { ApiError, type EmuRequest, type EmuResponse, type Handler, type Principal } from "./types.js";

export interface EmulatorKey {
  key: string;
  /** Scopes like `profiles:read`; omitted = full access. */
  scopes?: string[];
}

export interface EmulatorOptions {
  host?: string;
  /** 0 picks a free port. Default 0 for in-process use (the CLI defaults to 8787). */
  port?: number;
  /** Accepted private keys. When none are given, one is generated (see `generatedKey`). */
  apiKeys?: Array<string | EmulatorKey>;
  /** Seed data: `demo` (a small realistic store), `none`, or counts. Default `none`. */
  seed?: SeedOptions | "demo" | "none";
  /** Random seed for deterministic data. Default 1. */
  seedNumber?: number;
  rateLimits?: { enabled: boolean; scale: number };
  faults?: FaultConfig;
  /** Added latency per response, ms. */
  latencyMs?: number;
  /**
   * Memory for cached renderings of profiles and of seeded events, MB each (default 512): pages
   * whose records are cached are written from memory. Benchmarks raise it so that the emulator,
   * standing in for Klaviyo's servers, leaves the machine's cores to the client being measured.
   */
  renderCacheMb?: number;
  clock?: Clock;
  /** OAuth clients the emulated `/oauth/token` accepts. */
  oauthClients?: Array<{ clientId: string; clientSecret: string; redirectUris?: string[] }>;
  /** Access-token lifetime for OAuth, seconds (default 3600). */
  oauthTokenTtlSeconds?: number;
  /** Called for every /api response (tests validate responses against the spec with it). */
  onResponse?: (info: {
    op: OperationInfo | undefined;
    status: number;
    body: unknown;
    contentType: string | undefined;
    request: { method: string; url: string };
  }) => void;
}

export interface Emulator {
  url: string;
  /** The key to use when none was configured. */
  generatedKey: string | undefined;
  store: EmulatorStore;
  limiter: RateLimiter;
  faults: FaultInjector;
  oauth: OAuthServer;
  /** The operationIds with a handler. */
  implemented: string[];
  close(): Promise<void>;
  /** Requests served per operation (and 429s), for tests and benchmarks. */
  counters(): Record<string, { requests: number; throttled: number }>;
}

const JSON_API = "application/vnd.api+json";
const REVISION_RE = /^\d{4}-\d{2}-\d{2}(\.[A-Za-z0-9_-]+)?$/;

function errorBody(
  errors: Array<{
    status: number;
    code: string;
    title: string;
    detail: string;
    source?: { pointer?: string; parameter?: string };
    meta?: Record<string, unknown>;
  }>,
) {
  return {
    errors: errors.map((e, i) => ({
      id: `${Date.now().toString(36)}-${i}`,
      status: e.status,
      code: e.code,
      title: e.title,
      detail: e.detail,
      ...(e.source ? { source: e.source } : {}),
      ...(e.meta ? { meta: e.meta } : {}),
    })),
  };
}

function apiErrorResponse(err: ApiError): EmuResponse {
  return {
    status: err.status,
    body: errorBody([
      {
        status: err.status,
        code: err.code,
        title: err.title,
        detail: err.detail,
        ...(err.source ? { source: err.source } : {}),
        ...(err.meta ? { meta: err.meta } : {}),
      },
    ]),
  };
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit)
      throw new ApiError(
        413,
        "payload_too_large",
        "Payload too large.",
        `The request body is larger than ${Math.round(limit / 1024 / 1024)} MB.`,
      );
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Minimal multipart/form-data parser for the image upload operation. */
function parseMultipart(body: Buffer, contentType: string): NonNullable<EmuRequest["multipart"]> {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary)
    throw new ApiError(400, "invalid", "Invalid multipart body.", "The multipart body has no boundary.");
  const delim = Buffer.from(`--${boundary}`);
  const fields: Record<string, string> = {};
  const files: NonNullable<EmuRequest["multipart"]>["files"] = [];
  let pos = body.indexOf(delim);
  while (pos >= 0) {
    const start = pos + delim.length;
    if (body.subarray(start, start + 2).toString() === "--") break;
    const next = body.indexOf(delim, start);
    if (next < 0) break;
    const part = body.subarray(start + 2, next - 2);
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd >= 0) {
      const headers = part.subarray(0, headerEnd).toString("utf8");
      const data = part.subarray(headerEnd + 4);
      const name = /name="([^"]*)"/i.exec(headers)?.[1] ?? "";
      const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
      const ct = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1] ?? "application/octet-stream";
      if (filename !== undefined)
        files.push({ name, filename, contentType: ct.trim(), data: Buffer.from(data) });
      else fields[name] = data.toString("utf8");
    }
    pos = next;
  }
  return { fields, files };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const clock = options.clock ?? systemClock;
  const seedNumber = options.seedNumber ?? 1;
  const store = new EmulatorStore(seedNumber, clock);
  if (options.renderCacheMb !== undefined) {
    store.profiles.renderCacheLimit = options.renderCacheMb * 1024 * 1024;
    store.events.renderCacheLimit = options.renderCacheMb * 1024 * 1024;
  }
  if (options.seed && options.seed !== "none")
    seedStore(store, options.seed === "demo" ? { preset: "demo" } : options.seed);
  ensureAccount(store);
  const limiter = new RateLimiter(options.rateLimits ?? { enabled: true, scale: 1 });
  const faults = new FaultInjector(options.faults ?? {}, seedNumber);
  const keys = new Map<string, Principal>();
  let generatedKey: string | undefined;
  const configured = options.apiKeys ?? [];
  if (configured.length === 0) {
    generatedKey = `pk_emulator_${Math.random().toString(36).slice(2, 12)}`;
    configured.push(generatedKey);
  }
  let keyCount = 0;
  const addKey = (k: string | EmulatorKey) => {
    const entry = typeof k === "string" ? { key: k } : k;
    keys.set(entry.key, {
      kind: "api-key",
      id: `key${++keyCount}`,
      scopes: entry.scopes ? new Set(entry.scopes) : undefined,
    });
  };
  for (const k of configured) addKey(k);
  const apiKeys = { add: addKey, revoke: (key: string) => keys.delete(key) };
  const oauth = new OAuthServer(clock, options.oauthClients ?? [], options.oauthTokenTtlSeconds ?? 3600);
  const handlers: Map<string, Handler> = buildHandlers(store);
  const sockets = new Set<Socket>();

  const authenticate = (header: string | undefined): Principal => {
    if (!header) {
      throw new ApiError(
        401,
        "not_authenticated",
        "Authentication credentials were not provided.",
        "Missing Authorization header: send `Authorization: Klaviyo-API-Key <private key>`.",
      );
    }
    const [scheme, ...rest] = header.trim().split(/\s+/);
    const value = rest.join(" ");
    if (scheme?.toLowerCase() === "klaviyo-api-key") {
      const p = keys.get(value);
      if (p) return p;
      if (/^[A-Za-z0-9]{6}$/.test(value)) {
        throw new ApiError(
          401,
          "not_authenticated",
          "Incorrect authentication credentials.",
          "A public API key cannot be used with /api endpoints; use a private API key.",
        );
      }
      throw new ApiError(
        401,
        "not_authenticated",
        "Incorrect authentication credentials.",
        "The private API key is invalid or has been revoked.",
      );
    }
    if (scheme?.toLowerCase() === "bearer") {
      const p = oauth.principalFor(value);
      if (p) return p;
      throw new ApiError(
        401,
        "not_authenticated",
        "Incorrect authentication credentials.",
        "The access token is invalid or has expired.",
      );
    }
    throw new ApiError(
      401,
      "not_authenticated",
      "Incorrect authentication credentials.",
      "Unsupported Authorization scheme.",
    );
  };

  const dispatch = async (
    req: IncomingMessage,
    origin: string,
    url: URL,
    raw: Buffer,
    onOperation: (op: OperationInfo) => void,
  ): Promise<{ res: EmuResponse; op?: OperationInfo }> => {
    const method = (req.method ?? "GET").toUpperCase();
    const match = findOperation(method, url.pathname);
    if (!match) {
      const other = OPERATIONS.some((o) => findOperation(o.method, url.pathname)?.op.id === o.id);
      if (other)
        return {
          res: apiErrorResponse(
            new ApiError(
              405,
              "method_not_allowed",
              "Method not allowed.",
              `${method} is not allowed on ${url.pathname}.`,
            ),
          ),
        };
      return {
        res: apiErrorResponse(
          new ApiError(404, "not_found", "Not found.", `No API operation at ${method} ${url.pathname}.`),
        ),
      };
    }
    const op = match.op;
    // Known from here on, so errors thrown below are still attributed (and validated) per operation.
    onOperation(op);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k.toLowerCase()] = v;
    const principal = authenticate(headers.authorization);
    const revision = headers.revision;
    if (!revision || !REVISION_RE.test(revision)) {
      throw new ApiError(
        400,
        "invalid",
        "Invalid revision.",
        revision
          ? `The revision header "${revision}" is not in the format YYYY-MM-DD[.suffix].`
          : "The revision header is required (e.g. revision: 2026-07-15).",
        { parameter: "revision" },
      );
    }
    const contentType = headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
    let body: unknown;
    let multipart: EmuRequest["multipart"];
    if (raw.length > 0 || op.body) {
      const expected =
        op.body === "multipart/form-data"
          ? ["multipart/form-data"]
          : ["application/vnd.api+json", "application/json"];
      if (raw.length > 0 && (!contentType || !expected.includes(contentType))) {
        throw new ApiError(
          415,
          "unsupported_media_type",
          "Unsupported media type.",
          `Send the body as ${expected[0]}${contentType ? `, not ${contentType}` : ""}.`,
        );
      }
      if (contentType === "multipart/form-data")
        multipart = parseMultipart(raw, headers["content-type"] ?? "");
      else if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString("utf8"));
        } catch {
          throw new ApiError(400, "parse_error", "Malformed JSON.", "The request body is not valid JSON.", {
            pointer: "/",
          });
        }
      }
    }
    const decision = limiter.check(principal.id, op, url.searchParams, clock.now());
    if (!decision.ok) {
      return {
        op,
        res: {
          status: 429,
          headers: { "retry-after": String(decision.retryAfter) },
          body: errorBody([
            {
              status: 429,
              code: "throttled",
              title: "Request was throttled.",
              detail: `Request was throttled (${decision.window} limit of ${decision.limit} for ${op.id}). Expected available in ${decision.retryAfter} seconds.`,
            },
          ]),
        },
      };
    }
    const validation = validateRequest({
      method,
      pathname: url.pathname,
      query: url.searchParams,
      headers,
      body: multipart ? undefined : body,
      ...(contentType ? { contentType } : {}),
      ...(multipart ? { rawBody: raw.length > 0 ? "(multipart body)" : "" } : {}),
    });
    const problems = validation.problems.filter((p) => !(multipart && p.pointer !== undefined));
    if (problems.length > 0) {
      return {
        op,
        res: {
          status: 400,
          headers: decision.headers,
          body: errorBody(
            problems.map((p) => ({
              status: 400,
              code: "invalid",
              title: "Invalid input.",
              detail: p.message,
              ...(p.parameter || p.pointer
                ? {
                    source: {
                      ...(p.parameter ? { parameter: p.parameter } : {}),
                      ...(p.pointer !== undefined ? { pointer: p.pointer || "/" } : {}),
                    },
                  }
                : {}),
            })),
          ),
        },
      };
    }
    if (principal.scopes) {
      const missing = op.scopes.filter(
        (s) => !principal.scopes?.has(s) && !principal.scopes?.has(s.replace(/:read$/, ":write")),
      );
      if (missing.length > 0) {
        throw new ApiError(
          403,
          "permission_denied",
          "You do not have permission to perform this action.",
          `This operation (${op.id}) needs the scope ${missing.join(", ")}.`,
        );
      }
    }
    const handler = handlers.get(op.id);
    if (!handler) {
      return {
        op,
        res: {
          ...apiErrorResponse(
            new ApiError(
              501,
              "not_implemented",
              "Not implemented by the emulator.",
              `The Klaviyo emulator does not implement ${op.id} (${op.method} ${op.path}). See docs/emulator.md for the implemented operations.`,
            ),
          ),
          headers: decision.headers,
        },
      };
    }
    const emuReq: EmuRequest = {
      op,
      method,
      pathname: url.pathname,
      params: match.params,
      query: url.searchParams,
      body,
      ...(multipart ? { multipart } : {}),
      headers,
      principal,
      origin,
      now: clock.now(),
    };
    const res = await handler(emuReq);
    return { op, res: { ...res, headers: { ...decision.headers, ...res.headers } } };
  };

  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const host = req.headers.host ?? "127.0.0.1";
    const origin = `http://${host}`;
    const url = new URL(req.url ?? "/", origin);
    let op: OperationInfo | undefined;
    let out: EmuResponse;
    try {
      const raw = await readBody(req, 6 * 1024 * 1024);
      store.tick();
      if (url.pathname.startsWith("/admin/")) {
        out = await handleAdmin(
          { store, limiter, faults, oauth, handlers, clock, apiKeys, reseed: (s) => seedStore(store, s) },
          req.method ?? "GET",
          url,
          raw,
        );
      } else if (url.pathname.startsWith("/oauth/")) {
        out = oauth.handle(req.method ?? "GET", url, raw, req.headers);
      } else {
        const fault = faults.before(url.pathname, req.method ?? "GET", clock.now());
        if (fault?.kind === "reset") {
          req.socket.destroy();
          return;
        }
        if (fault && (fault.kind === "status" || fault.kind === "storm")) {
          out =
            fault.kind === "storm"
              ? {
                  status: 429,
                  headers: { "retry-after": String(fault.retryAfter ?? 1) },
                  body: errorBody([
                    {
                      status: 429,
                      code: "throttled",
                      title: "Request was throttled.",
                      detail: "Request was throttled (injected 429 storm).",
                    },
                  ]),
                }
              : {
                  status: fault.status ?? 503,
                  body: errorBody([
                    {
                      status: fault.status ?? 503,
                      code: "error",
                      title: "Server error.",
                      detail: "Injected server error.",
                    },
                  ]),
                };
        } else {
          const r = await dispatch(req, origin, url, raw, (o) => {
            op = o;
          });
          op = r.op;
          out = r.res;
          if (fault?.kind === "slow") await new Promise((r2) => setTimeout(r2, fault.delayMs ?? 0));
          if (fault?.kind === "truncate") {
            const text = Array.isArray(out.raw)
              ? Buffer.concat(out.raw).toString("utf8")
              : (out.raw ?? (out.body === undefined ? "" : JSON.stringify(out.body)));
            res.writeHead(out.status, {
              "content-type": JSON_API,
              "content-length": String(Buffer.byteLength(text)),
            });
            res.write(text.slice(0, Math.floor(text.length / 2)));
            req.socket.destroy();
            return;
          }
        }
      }
    } catch (err) {
      if (err instanceof ApiError) out = apiErrorResponse(err);
      else {
        out = {
          status: 500,
          body: errorBody([
            {
              status: 500,
              code: "error",
              title: "Internal error.",
              detail: `The emulator failed: ${(err as Error).message}`,
            },
          ]),
        };
      }
    }
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    const headers: Record<string, string> = { ...out.headers };
    const payload: string | Buffer[] = Array.isArray(out.raw)
      ? out.raw
      : out.raw !== undefined
        ? out.raw
        : out.body === undefined
          ? ""
          : typeof out.body === "string"
            ? out.body
            : JSON.stringify(out.body);
    const length = Array.isArray(payload)
      ? payload.reduce((n, b) => n + b.length, 0)
      : Buffer.byteLength(payload);
    if (length > 0 && !headers["content-type"])
      headers["content-type"] =
        url.pathname.startsWith("/oauth/") || url.pathname.startsWith("/admin/")
          ? "application/json"
          : JSON_API;
    headers["content-length"] = String(length);
    if (options.onResponse) {
      const text = Array.isArray(payload) ? Buffer.concat(payload).toString("utf8") : payload;
      options.onResponse({
        op,
        status: out.status,
        body: out.raw !== undefined ? (text ? JSON.parse(text) : undefined) : out.body,
        contentType: headers["content-type"],
        request: { method: req.method ?? "GET", url: url.pathname + url.search },
      });
    }
    res.writeHead(out.status, headers);
    if (Array.isArray(payload)) {
      // Pre-serialised chunks (cached renderings) go out without being joined or re-encoded.
      res.cork();
      for (const chunk of payload) res.write(chunk);
      res.uncork();
      res.end();
    } else {
      res.end(payload);
    }
  });
  server.keepAliveTimeout = 65_000;
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const ticker = setInterval(() => store.tick(), 50);
  ticker.unref();
  const addr = server.address() as AddressInfo;
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    generatedKey,
    store,
    limiter,
    faults,
    oauth,
    implemented: [...handlers.keys()].sort(),
    counters: () => Object.fromEntries(limiter.counters),
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(ticker);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export type { FaultConfig, FaultPlanStep };
