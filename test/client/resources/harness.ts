/**
 * Drives resource methods through a real BaseClient against a loopback server (which validates
 * every request against the spec) and checks what went over the wire.
 */
import { afterEach, beforeEach, expect, it } from "vitest";
import { BaseClient, type ClientOptions } from "../../../src/client/client.js";
import { getOperation } from "../../../src/client/operations.js";
import { createResources, type Resources } from "../../../src/client/resources/index.js";
import {
  type LoopbackHandler,
  type LoopbackReply,
  type LoopbackServer,
  type RecordedRequest,
  startLoopbackServer,
} from "../../helpers/loopback.js";

/** 202 answers the spec declares without a body. */
const EMPTY_202 = new Set([
  "bulk_create_events",
  "bulk_subscribe_profiles",
  "bulk_unsubscribe_profiles",
  "create_event",
  "request_profile_deletion",
]);

/** Answers like Klaviyo: 204 / empty 202 for jobs and relationships, a minimal JSON:API document otherwise. */
export function klaviyoLikeReply(req: RecordedRequest, baseUrl: string): LoopbackReply {
  const op = req.operationId === undefined ? undefined : getOperation(req.operationId);
  if (!op)
    return {
      status: 404,
      body: { errors: [{ id: "e", code: "not_found", title: "Not found", detail: req.pathname }] },
    };
  if (op.status === 204 || (op.status === 202 && EMPTY_202.has(op.id))) return { status: op.status };
  const self = `${baseUrl}${req.url}`;
  const resource = { type: "resource", id: `${op.id}-1`, attributes: {}, links: { self } };
  const collection = op.method === "GET" && !op.path.endsWith("}");
  return { status: op.status, body: { data: collection ? [resource] : resource, links: { self } } };
}

export interface ExpectedRequest {
  operationId: string;
  method: string;
  path: string;
  /** Exact query parameters (decoded); default none. */
  query?: Record<string, string>;
  /** Exact JSON body; default none. */
  body?: unknown;
}

export interface ResourceCase {
  /** The method's path in the resources object, e.g. `catalog.items.list`. */
  method: string;
  /** Calls the method; a returned Paginator is drained. */
  run(r: Resources): unknown;
  expect: ExpectedRequest | ExpectedRequest[];
  /** Custom answers (default `klaviyoLikeReply`). */
  reply?: LoopbackHandler;
}

export interface Harness {
  server: LoopbackServer;
  client: BaseClient;
  resources: Resources;
  /** Replaces the handler for the rest of the test. */
  handle(handler: LoopbackHandler): void;
}

/** Starts a server and client per test; the returned object is filled in `beforeEach`. */
export function useHarness(options: Partial<ClientOptions> = {}): Harness {
  const h = {} as Harness;
  let handler: LoopbackHandler | undefined;
  beforeEach(async () => {
    handler = undefined;
    h.server = await startLoopbackServer((req) =>
      handler ? handler(req) : klaviyoLikeReply(req, h.server.url),
    );
    h.client = new BaseClient({
      apiKey: "pk_test_resources",
      baseUrl: h.server.url,
      rateLimit: { enabled: false },
      retry: { baseDelayMs: 1 },
      env: {},
      ...options,
    });
    h.resources = createResources(h.client);
    h.handle = (next) => {
      handler = next;
    };
  });
  afterEach(async () => {
    await h.client.close();
    await h.server.close();
  });
  return h;
}

/** Drains a paginator (or awaits a promise) so every request is sent. */
export async function drain(value: unknown): Promise<unknown> {
  if (value && typeof value === "object" && Symbol.asyncIterator in value) {
    const out: unknown[] = [];
    for await (const item of value as AsyncIterable<unknown>) out.push(item);
    return out;
  }
  return await value;
}

export function expectRequests(
  requests: readonly RecordedRequest[],
  expected: ExpectedRequest | ExpectedRequest[],
): void {
  const list = Array.isArray(expected) ? expected : [expected];
  expect(
    requests.map((r) => ({
      operationId: r.operationId,
      method: r.method,
      path: r.pathname,
      query: Object.fromEntries(r.query),
      body: r.json,
    })),
  ).toEqual(list.map((e) => ({ query: {}, body: undefined, ...e })));
}

/** One `it` per case: run the method, then compare the requests the server received. */
export function runCases(h: Harness, cases: readonly ResourceCase[]): void {
  for (const c of cases) {
    it(`${c.method} sends ${describeExpected(c.expect)}`, async () => {
      if (c.reply) h.handle(c.reply);
      await drain(c.run(h.resources));
      expectRequests(h.server.requests, c.expect);
    });
  }
}

function describeExpected(expected: ExpectedRequest | ExpectedRequest[]): string {
  const first = Array.isArray(expected) ? expected[0] : expected;
  if (!first) return "nothing";
  const more = Array.isArray(expected) && expected.length > 1 ? ` (+${expected.length - 1})` : "";
  return `${first.method} ${first.path} [${first.operationId}]${more}`;
}
