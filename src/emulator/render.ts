/** Rendering stored rows as JSON:API documents with absolute links. */

import { type PageResult, selfLink, sparseAttributes } from "./jsonapi.js";
import { iso } from "./store/ids.js";
import type { ResourceRow } from "./store/store.js";
import type { EmuRequest, EmuResponse } from "./types.js";

export interface RenderOptions {
  /** Collection path of this type, e.g. `/api/lists` (for links). */
  path: string;
  /** Relationship names to emit links for; those with stored ids also get `data`. */
  relationships?: Record<string, { type: string; many: boolean; data?: boolean }>;
}

export interface Resource {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  relationships?: Record<string, unknown>;
  links: { self: string };
}

export function renderRow(req: EmuRequest, type: string, row: ResourceRow, options: RenderOptions): Resource {
  const self = `${req.origin}${options.path}/${encodeURIComponent(row.id)}`;
  const out: Resource = {
    type,
    id: row.id,
    attributes: sparseAttributes(req, type, row.attributes),
    links: { self },
  };
  if (options.relationships) {
    const rels: Record<string, unknown> = {};
    for (const [name, rel] of Object.entries(options.relationships)) {
      const entry: Record<string, unknown> = {
        links: { self: `${self}/relationships/${name}`, related: `${self}/${name}` },
      };
      if (rel.data) {
        const stored = row.relationships?.[name];
        if (rel.many) {
          const ids = Array.isArray(stored) ? stored : stored ? [stored] : [];
          entry.data = ids.map((id) => ({ type: rel.type, id }));
        } else {
          const id = Array.isArray(stored) ? stored[0] : stored;
          // The spec's to-one relationship objects do not allow `data: null`: leave it out.
          if (id) entry.data = { type: rel.type, id };
        }
      }
      rels[name] = entry;
    }
    out.relationships = rels;
  }
  return out;
}

export function collection(
  req: EmuRequest,
  data: unknown[],
  page: Pick<PageResult<unknown>, "next" | "prev">,
  included?: unknown[],
): EmuResponse {
  const links: Record<string, string> = { self: selfLink(req) };
  if (page.next) links.next = page.next;
  if (page.prev) links.prev = page.prev;
  return { status: 200, body: { data, links, ...(included && included.length > 0 ? { included } : {}) } };
}

export function single(req: EmuRequest, data: unknown, status = 200, included?: unknown[]): EmuResponse {
  return {
    status,
    body: { data, links: { self: selfLink(req) }, ...(included && included.length > 0 ? { included } : {}) },
  };
}

/** `{ data: [{ type, id }], links }` for relationship endpoints. */
export function identifiers(
  req: EmuRequest,
  type: string,
  ids: string[],
  page: Pick<PageResult<unknown>, "next" | "prev"> = {},
): EmuResponse {
  return collection(
    req,
    ids.map((id) => ({ type, id })),
    page,
  );
}

export const noContent: EmuResponse = { status: 204 };
export const accepted: EmuResponse = { status: 202 };

export const isoOrNull = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : iso(ms);

/** Reads `data.attributes` of a request body (already validated against the spec). */
export function bodyAttributes(req: EmuRequest): Record<string, unknown> {
  const data = (req.body as { data?: { attributes?: Record<string, unknown> } } | undefined)?.data;
  return data?.attributes ?? {};
}

export function bodyData(req: EmuRequest): {
  id?: string;
  type?: string;
  attributes?: Record<string, unknown>;
  relationships?: Record<string, { data?: unknown }>;
} {
  return ((req.body as { data?: unknown } | undefined)?.data ?? {}) as {
    id?: string;
    type?: string;
    attributes?: Record<string, unknown>;
    relationships?: Record<string, { data?: unknown }>;
  };
}
