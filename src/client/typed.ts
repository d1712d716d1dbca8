/** Types that tie calls to the generated OpenAPI types: parameters, bodies and responses per operation. */
import type { FilterInput } from "../filter/index.js";
import type { operations, paths } from "./generated/openapi.js";
import type { HttpMethod } from "./types.js";

export type Operations = operations;
export type Paths = paths;
export type OperationKey = keyof operations;

type WithFilter<Q> = "filter" extends keyof Q ? Omit<Q, "filter"> & { filter?: FilterInput } : Q;

/** Query parameters of an operation, with `filter` accepting a built `Filter` too. */
export type QueryOf<K extends OperationKey> = operations[K]["parameters"] extends { query?: infer Q }
  ? [Q] extends [object]
    ? WithFilter<NonNullable<Q>>
    : Record<string, never>
  : Record<string, never>;

export type PathParamsOf<K extends OperationKey> = operations[K]["parameters"] extends { path: infer P }
  ? P extends object
    ? P
    : never
  : never;

export type BodyOf<K extends OperationKey> = operations[K]["requestBody"] extends { content: infer C }
  ? C[keyof C]
  : never;

type ContentOf<R> = R extends { content: infer C } ? C[keyof C] : undefined;

/** The success body an operation returns (`undefined` for 202/204 without content). */
export type ResponseOf<K extends OperationKey> = operations[K]["responses"] extends infer R
  ? R extends { 200: infer S }
    ? ContentOf<S>
    : R extends { 201: infer S }
      ? ContentOf<S>
      : R extends { 202: infer S }
        ? ContentOf<S>
        : undefined
  : never;

/** The `data` items of a collection response. */
export type ItemOf<K extends OperationKey> =
  ResponseOf<K> extends { data: infer D } ? (D extends readonly (infer I)[] ? I : D) : never;

/** The operation behind a path template and method, for `client.request`. */
export type PathOperation<P extends keyof paths, M extends HttpMethod> = paths[P][Lowercase<M> &
  keyof paths[P]] extends infer O
  ? O extends { responses: unknown }
    ? O
    : never
  : never;

export type PathResponse<P extends keyof paths, M extends HttpMethod> = PathOperation<
  P,
  M
>["responses"] extends infer R
  ? R extends { 200: infer S }
    ? ContentOf<S>
    : R extends { 201: infer S }
      ? ContentOf<S>
      : R extends { 202: infer S }
        ? ContentOf<S>
        : undefined
  : never;

export type PathQuery<P extends keyof paths, M extends HttpMethod> = PathOperation<
  P,
  M
>["parameters"] extends {
  query?: infer Q;
}
  ? [Q] extends [object]
    ? WithFilter<NonNullable<Q>>
    : Record<string, never>
  : Record<string, never>;

export type PathBody<P extends keyof paths, M extends HttpMethod> = PathOperation<
  P,
  M
>["requestBody"] extends {
  content: infer C;
}
  ? C[keyof C]
  : never;
