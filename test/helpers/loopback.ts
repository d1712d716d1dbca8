/**
 * A real HTTP server on 127.0.0.1 for client tests. Every request it receives is recorded and
 * validated against the vendored spec; violations go to the spec harness and fail the test
 * (see test/setup.ts) unless the server was started with `{ expectInvalid: true }`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type SpecProblem, validateRequest, validateResponse } from "../../src/spec/index.js";
import { recordViolation } from "./spec-harness.js";

export interface RecordedRequest {
  readonly method: string;
  /** Path and query as received, e.g. `/api/profiles?page%5Bsize%5D=10`. */
  readonly url: string;
  readonly pathname: string;
  readonly query: URLSearchParams;
  /** Lower-case header names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body as UTF-8 ("" when there was none). */
  readonly body: string;
  readonly bytes: Buffer;
  /** The parsed JSON body, when the body is JSON. */
  readonly json: unknown;
  /** The spec operation the request matched. */
  readonly operationId: string | undefined;
  /** What the spec validation found (empty for a valid request). */
  readonly problems: readonly SpecProblem[];
}

export type LoopbackReply =
  | {
      status: number;
      headers?: Record<string, string>;
      /** An object is sent as JSON with content-type application/vnd.api+json; a string as is. */
      body?: unknown;
      /** Wait this long before answering. */
      delayMs?: number;
    }
  | {
      /** Reset the connection instead of answering (after `delayMs`, if given). */
      destroy: true;
      delayMs?: number;
    };

export type LoopbackHandler = (req: RecordedRequest) => LoopbackReply | Promise<LoopbackReply>;

export interface LoopbackOptions {
  /** The test sends invalid requests on purpose: record their problems but do not fail the test. */
  expectInvalid?: boolean;
  /** Also validate the handler's answers against the spec (off by default: many tests answer with stubs). */
  validateResponses?: boolean;
}

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

function headerRecord(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

function isJsonMedia(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const media = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return media === "application/json" || media.endsWith("+json");
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export async function startLoopbackServer(
  handler: LoopbackHandler,
  options: LoopbackOptions = {},
): Promise<LoopbackServer> {
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const bytes = await readBody(req);
    const rawUrl = req.url ?? "/";
    const parsed = new URL(rawUrl, "http://127.0.0.1");
    const headers = headerRecord(req);
    const body = bytes.toString("utf8");
    let json: unknown;
    if (body.length > 0 && isJsonMedia(headers["content-type"])) {
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
    }
    const method = req.method ?? "GET";
    const validation = validateRequest({
      method,
      url: rawUrl,
      headers,
      body: json,
      ...(json === undefined && body.length > 0 ? { rawBody: body } : {}),
    });
    const recorded: RecordedRequest = {
      method,
      url: rawUrl,
      pathname: parsed.pathname,
      query: parsed.searchParams,
      headers,
      body,
      bytes,
      json,
      operationId: validation.operationId,
      problems: validation.problems,
    };
    requests.push(recorded);
    if (!options.expectInvalid) recordViolation(`${method} ${decodeForDisplay(rawUrl)}`, validation.problems);

    let reply: LoopbackReply;
    try {
      reply = await handler(recorded);
    } catch (e) {
      recordViolation(`loopback handler for ${method} ${rawUrl}`, [
        { message: `the test's handler threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` },
      ]);
      reply = {
        status: 500,
        body: { errors: [{ id: "loopback", code: "error", title: "Handler failed", detail: String(e) }] },
      };
    }
    if (reply.delayMs !== undefined && reply.delayMs > 0) await sleep(reply.delayMs);
    if (closed || res.destroyed) return;
    if ("destroy" in reply) {
      req.socket.destroy();
      return;
    }
    const outHeaders: Record<string, string> = { ...(reply.headers ?? {}) };
    const hasContentType = Object.keys(outHeaders).some((h) => h.toLowerCase() === "content-type");
    let payload: string | undefined;
    if (typeof reply.body === "string") payload = reply.body;
    else if (reply.body !== undefined) {
      payload = JSON.stringify(reply.body);
      if (!hasContentType) outHeaders["content-type"] = "application/vnd.api+json";
    }
    if (options.validateResponses && validation.operationId) {
      const problems = validateResponse({
        operationId: validation.operationId,
        status: reply.status,
        body: typeof reply.body === "string" && reply.body.length > 0 ? safeParse(reply.body) : reply.body,
        ...(payload === undefined
          ? {}
          : {
              contentType:
                Object.entries(outHeaders).find(([h]) => h.toLowerCase() === "content-type")?.[1] ?? "",
            }),
      });
      recordViolation(`response ${reply.status} to ${method} ${decodeForDisplay(rawUrl)}`, problems);
    }
    res.writeHead(reply.status, outHeaders);
    res.end(payload);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      recordViolation(`loopback server`, [
        { message: `internal error: ${e instanceof Error ? e.message : String(e)}` },
      ]);
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500);
        res.end();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) {
          resolve();
          return;
        }
        closed = true;
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function decodeForDisplay(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}
