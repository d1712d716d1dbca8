/**
 * The building blocks every resource group is made of: each turns an operationId into a typed
 * method (`list`, `get`, `create`, `update`, `remove`...) over `BaseClient.call` / `paginate`.
 * Parameter and return types all come from the generated OpenAPI types via typed.ts.
 */
import type { BaseClient } from "../client.js";
import type { Paginator } from "../paginate.js";
import type { BodyOf, ItemOf, OperationKey, QueryOf, ResponseOf } from "../typed.js";

/** Per-call options every resource method accepts last. */
export interface RequestOptions {
  signal?: AbortSignal;
  /** Per-attempt timeout, ms. */
  timeoutMs?: number;
  headers?: Record<string, string>;
  /** `false`: do not retry failures after which Klaviyo may have acted (see SendOptions.idempotent). */
  idempotent?: boolean;
}

/** Options for collection methods: stop after `maxPages` pages. */
export interface ListOptions extends RequestOptions {
  maxPages?: number;
}

/** The `data` resource of a single-resource response (`get_profile` → the profile). */
export type DataOf<K extends OperationKey> = ResponseOf<K> extends { data: infer D } ? D : never;

/** Method factories bound to one client. `param` names the path placeholder (`id` or `job_id`). */
export function methods(client: BaseClient) {
  return {
    /** `list(query?)` → pages of a top-level collection. */
    list:
      <K extends OperationKey>(op: K) =>
      (query?: QueryOf<K>, options?: ListOptions): Paginator<ItemOf<K>> =>
        client.paginate(op, { ...options, query }),

    /** `fn(parentId, query?)` → pages of a collection under a parent resource. */
    listOf:
      <K extends OperationKey>(op: K, param = "id") =>
      (parentId: string, query?: QueryOf<K>, options?: ListOptions): Paginator<ItemOf<K>> =>
        client.paginate(op, { ...options, path: { [param]: parentId }, query }),

    /** `get(id, query?)` → one resource document. */
    get:
      <K extends OperationKey>(op: K, param = "id") =>
      (id: string, query?: QueryOf<K>, options?: RequestOptions): Promise<ResponseOf<K>> =>
        client.call(op, { ...options, path: { [param]: id }, query }),

    /** `create(body)`, or any POST that takes a body and no path parameter. */
    create:
      <K extends OperationKey>(op: K) =>
      (body: BodyOf<K>, options?: RequestOptions): Promise<ResponseOf<K>> =>
        client.call(op, { ...options, body }),

    /** `update(id, body)`: PATCH with the id in the path. */
    update:
      <K extends OperationKey>(op: K) =>
      (id: string, body: BodyOf<K>, options?: RequestOptions): Promise<ResponseOf<K>> =>
        client.call(op, { ...options, path: { id }, body }),

    /** `delete(id)`. */
    remove:
      <K extends OperationKey>(op: K) =>
      (id: string, options?: RequestOptions): Promise<ResponseOf<K>> =>
        client.call(op, { ...options, path: { id } }),
  };
}

export type Methods = ReturnType<typeof methods>;

/** Splits `items` into consecutive chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `{ data: [{ type, id }, …] }`: the body of every relationship endpoint. */
export function identifiers<T extends string>(
  type: T,
  ids: readonly string[],
): { data: { type: T; id: string }[] } {
  return { data: ids.map((id) => ({ type, id })) };
}
