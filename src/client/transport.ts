import { Agent, errors as undiciErrors, request as undiciRequest } from "undici";
import { NetworkError } from "./errors.js";
import { jsonBodyText } from "./json-text.js";
import type { Transport, TransportRequest, TransportResponse } from "./types.js";

export interface HttpTransportOptions {
  /** Connections kept per origin (default 64). */
  connections?: number;
  /** Keep-alive time for idle sockets, ms (default 30 s). */
  keepAliveTimeoutMs?: number;
}

/** Classifies low-level failures into the kinds the retry policy and the user care about. */
export function classifyNetworkError(err: unknown): { kind: string; text: string } {
  const e = err as { code?: string; message?: string; cause?: { code?: string } } | undefined;
  const code = e?.code ?? e?.cause?.code ?? "";
  const text = e?.message ?? String(err);
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET" || code === "EPIPE" || code === "UND_ERR_CLOSED")
    return { kind: "reset", text };
  if (code === "ECONNREFUSED") return { kind: "refused", text };
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return { kind: "dns", text };
  if (
    code === "UND_ERR_HEADERS_TIMEOUT" ||
    code === "UND_ERR_BODY_TIMEOUT" ||
    code === "UND_ERR_CONNECT_TIMEOUT" ||
    code === "ETIMEDOUT"
  )
    return { kind: "timeout", text };
  if (code === "UND_ERR_RES_CONTENT_LENGTH_MISMATCH" || code === "UND_ERR_REQ_CONTENT_LENGTH_MISMATCH")
    return { kind: "truncated", text };
  return { kind: "other", text };
}

/** The default transport: undici with a keep-alive connection pool, owned by one client. */
export function createHttpTransport(
  options: HttpTransportOptions = {},
): Transport & { close(): Promise<void> } {
  const agent = new Agent({
    connections: options.connections ?? 64,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    // The client applies its own per-request timeout through the AbortSignal.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  const send = async (req: TransportRequest): Promise<TransportResponse> => {
    try {
      let payload = req.body ?? null;
      let sendHeaders = req.headers;
      if (payload instanceof FormData) {
        // Encode multipart with the platform's encoder (it picks the boundary), then send bytes.
        const encoded = new Response(payload);
        sendHeaders = {
          ...sendHeaders,
          "content-type": encoded.headers.get("content-type") ?? "multipart/form-data",
        };
        payload = new Uint8Array(await encoded.arrayBuffer());
      }
      const res = await undiciRequest(req.url, {
        method: req.method,
        headers: sendHeaders,
        body: payload,
        signal: req.signal,
        dispatcher: agent,
      });
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) {
        if (v === undefined) continue;
        headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
      }
      const bytes = Buffer.from(await res.body.arrayBuffer());
      const type = headers["content-type"];
      const json = !type || /json/i.test(type);
      // Decoded when first read: a caller that takes the bytes (the extractor's page decoder,
      // on its worker thread) never pays for it here.
      let text: string | undefined;
      return {
        status: res.statusCode,
        headers,
        bytes,
        get body(): string {
          text ??= json ? jsonBodyText(bytes) : bytes.toString("utf8");
          return text;
        },
      };
    } catch (err) {
      if (req.signal.aborted) throw req.signal.reason ?? err;
      if (err instanceof undiciErrors.RequestAbortedError) throw err;
      const { kind, text } = classifyNetworkError(err);
      throw new NetworkError(`Network error talking to Klaviyo (${kind}): ${text}`, { kind, cause: err });
    }
  };
  return Object.assign(send, { close: () => agent.close() });
}
