/** `for await` pagination over Klaviyo's cursor-based collections (follows `links.next`). */

export interface ResourceIdentifier {
  type: string;
  id: string;
}

export interface JsonApiResource extends ResourceIdentifier {
  attributes?: Record<string, unknown>;
  relationships?: Record<
    string,
    { data?: ResourceIdentifier | ResourceIdentifier[] | null; links?: unknown }
  >;
  links?: { self?: string };
}

export interface PageLinks {
  self?: string;
  next?: string | null;
  prev?: string | null;
}

export interface Page<T> {
  data: T[];
  included: JsonApiResource[];
  links: PageLinks;
  meta?: unknown;
  /** Number of this page, from 1. */
  number: number;
}

/** Fetches one page: `url` undefined means the first page. */
export type PageFetcher = (url: string | undefined, signal?: AbortSignal) => Promise<unknown>;

export class PaginationError extends Error {}

/**
 * A lazily-fetched sequence of pages. Iterate it directly for items, or `.pages()` for pages
 * (with `included` and `links`). Memory stays bounded: one page at a time.
 */
export class Paginator<T> implements AsyncIterable<T> {
  constructor(
    private readonly fetchPage: PageFetcher,
    private readonly options: { signal?: AbortSignal; maxPages?: number } = {},
  ) {}

  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    let url: string | undefined;
    const seen = new Set<string>();
    for (let n = 1; ; n++) {
      if (this.options.maxPages !== undefined && n > this.options.maxPages) return;
      const body = (await this.fetchPage(url, this.options.signal)) as {
        data?: unknown;
        included?: JsonApiResource[];
        links?: PageLinks;
        meta?: unknown;
      };
      const data = Array.isArray(body?.data)
        ? (body.data as T[])
        : body?.data == null
          ? []
          : [body.data as T];
      const links = body?.links ?? {};
      yield { data, included: body?.included ?? [], links, meta: body?.meta, number: n };
      const next = links.next;
      if (!next) return;
      if (seen.has(next)) {
        throw new PaginationError(
          `Klaviyo returned the same next-page link twice (${redactCursor(next)}); stopping to avoid an endless loop.`,
        );
      }
      seen.add(next);
      url = next;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.data;
  }

  /** The first page only. */
  async first(): Promise<Page<T>> {
    for await (const page of this.pages()) return page;
    return { data: [], included: [], links: {}, number: 1 };
  }

  /** Every item, into memory. Use for small collections; iterate for large ones. */
  async toArray(limit = Number.POSITIVE_INFINITY): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this) {
      if (out.length >= limit) break;
      out.push(item);
    }
    return out;
  }
}

function redactCursor(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname;
  } catch {
    return "(unparseable link)";
  }
}

/** Indexes a page's `included` resources by `type:id`. */
export function indexIncluded(included: readonly JsonApiResource[]): Map<string, JsonApiResource> {
  const map = new Map<string, JsonApiResource>();
  for (const r of included) map.set(`${r.type}:${r.id}`, r);
  return map;
}

/**
 * Resolves a relationship of `resource` against the included resources: one resource, a list, or
 * undefined when the relationship or the included resource is absent.
 */
export function resolveRelationship(
  resource: JsonApiResource,
  name: string,
  index: Map<string, JsonApiResource>,
): JsonApiResource | JsonApiResource[] | undefined {
  const rel = resource.relationships?.[name]?.data;
  if (rel == null) return undefined;
  if (Array.isArray(rel)) {
    return rel
      .map((r) => index.get(`${r.type}:${r.id}`))
      .filter((r): r is JsonApiResource => r !== undefined);
  }
  return index.get(`${rel.type}:${rel.id}`);
}
