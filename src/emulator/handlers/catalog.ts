/**
 * The catalog: items, variants and categories (ids `$custom:::$default:::<external_id>`), their
 * relationships, and the nine bulk create/update/delete jobs.
 *
 * Bulk jobs take at most 100 resources per request (at most 500 catalog jobs in progress); they
 * answer 202 with a job in `queued`, move to `processing` and complete shortly after, when their
 * effect is applied. Per-resource failures (duplicate external id, unknown id...) are listed in
 * the job's `errors`, not in the response. Deleting an item deletes its variants.
 */
import { attributeGetter, includes, pageSize, paginateRows, type Row } from "../jsonapi.js";
import {
  bodyData,
  collection,
  identifiers,
  noContent,
  type RenderOptions,
  type Resource,
  single,
} from "../render.js";
import { iso } from "../store/ids.js";
import type { EmulatorStore, JobRecord, ResourceRow } from "../store/store.js";
import type { Table } from "../store/table.js";
import { ApiError, type EmuRequest, type Handler, invalid, notFound } from "../types.js";
import { renderResource } from "./tags.js";

type Json = Record<string, unknown>;

const MAX_BULK = 100;
const MAX_JOBS_IN_PROGRESS = 500;
const JOB_QUEUED_MS = 100;
const JOB_BASE_MS = 500;
const JOB_EXPIRES_MS = 7 * 24 * 3600 * 1000;

export const ITEM_RENDER: RenderOptions = {
  path: "/api/catalog-items",
  relationships: { variants: { type: "catalog-variant", many: true, data: true } },
};
const VARIANT_RENDER: RenderOptions = {
  path: "/api/catalog-variants",
  relationships: { item: { type: "catalog-item", many: false, data: true } },
};
const CATEGORY_RENDER: RenderOptions = {
  path: "/api/catalog-categories",
  relationships: { items: { type: "catalog-item", many: true, data: true } },
};

const ITEM_FIELDS = [
  "title",
  "description",
  "price",
  "url",
  "image_full_url",
  "image_thumbnail_url",
  "images",
  "custom_metadata",
  "published",
] as const;
const VARIANT_FIELDS = [...ITEM_FIELDS, "sku", "inventory_policy", "inventory_quantity"] as const;

export const catalogId = (externalId: string) => `$custom:::$default:::${externalId}`;

function idsOf(row: ResourceRow, name: string): string[] {
  const v = row.relationships?.[name];
  return Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
}

function setIds(row: ResourceRow, name: string, ids: string[]): void {
  row.relationships = { ...(row.relationships ?? {}), [name]: ids };
}

/** Attributes of a job resource (catalog and coupon-code bulk jobs share the shape). */
export function jobAttributes(store: EmulatorStore, job: JobRecord): Json {
  const status = store.jobState(job);
  const done = status === "complete";
  return {
    status,
    created_at: iso(job.created),
    total_count: job.total,
    completed_count: done ? job.total - job.errors.length : 0,
    failed_count: done ? job.errors.length : 0,
    completed_at: done ? iso(job.completeAt) : null,
    errors: done
      ? job.errors.map((e) => ({
          id: e.id,
          code: e.code,
          title: e.title,
          detail: e.detail,
          source: { pointer: e.source?.pointer ?? null },
        }))
      : [],
    expires_at: iso(job.created + JOB_EXPIRES_MS),
  };
}

/** A job as a JSON:API resource; `rel` names its to-many relationship to the touched resources. */
export function jobResource(
  req: EmuRequest,
  store: EmulatorStore,
  job: JobRecord,
  path: string,
  rel?: { name: string; type: string },
): Resource {
  const self = `${req.origin}${path}/${encodeURIComponent(job.id)}`;
  const out: Resource = {
    type: job.type,
    id: job.id,
    attributes: jobAttributes(store, job),
    links: { self },
  };
  if (rel) {
    out.relationships = {
      [rel.name]: {
        data: job.resultIds.map((id) => ({ type: rel.type, id })),
        links: { self: `${self}/relationships/${rel.name}`, related: `${self}/${rel.name}` },
      },
    };
  }
  return out;
}

/** Timings of a new bulk job: queued briefly, then processing for a time growing with its size. */
export function jobTimes(now: number, count: number): { processingAt: number; completeAt: number } {
  return { processingAt: now + JOB_QUEUED_MS, completeAt: now + JOB_QUEUED_MS + JOB_BASE_MS + count * 5 };
}

/** Jobs of one type as rows for `paginateRows` (filter `equals(status,…)`, newest last). */
export function jobRows(store: EmulatorStore, type: string): Row[] {
  const rows: Row[] = [];
  for (const job of store.jobs.values())
    if (job.type === type)
      rows.push({ id: job.id, attributes: { status: store.jobState(job), created: job.created } });
  return rows;
}

type Kind = "item" | "variant" | "category";

const KIND: Record<
  Kind,
  { type: string; what: string; plural: string; render: RenderOptions; jobRel: string }
> = {
  item: { type: "catalog-item", what: "catalog item", plural: "items", render: ITEM_RENDER, jobRel: "items" },
  variant: {
    type: "catalog-variant",
    what: "catalog variant",
    plural: "variants",
    render: VARIANT_RENDER,
    jobRel: "variants",
  },
  category: {
    type: "catalog-category",
    what: "catalog category",
    plural: "categories",
    render: CATEGORY_RENDER,
    jobRel: "categories",
  },
};

export function catalogHandlers(store: EmulatorStore): Record<string, Handler> {
  const tableOf = (kind: Kind): Table<ResourceRow> =>
    kind === "item"
      ? store.catalogItems
      : kind === "variant"
        ? store.catalogVariants
        : store.catalogCategories;

  const get = (kind: Kind, id: string): ResourceRow => {
    const row = tableOf(kind).get(id);
    if (!row) throw notFound(KIND[kind].what, id);
    return row;
  };

  /** Categories have no `created` attribute; it is kept for sorting and not rendered. */
  const render = (req: EmuRequest, kind: Kind, row: ResourceRow): Resource => {
    if (kind === "category") {
      const { created: _c, ...attrs } = row.attributes;
      return renderResource(req, KIND.category.type, { ...row, attributes: attrs }, CATEGORY_RENDER);
    }
    return renderResource(req, KIND[kind].type, row, KIND[kind].render);
  };

  const getter = (r: ResourceRow, f: string): unknown => {
    switch (f) {
      case "ids":
        return r.id;
      case "category.id":
        return idsOf(r, "categories");
      case "item.id":
        return [...idsOf(r, "item"), ...idsOf(r, "items")];
      case "created":
        return r.attributes.created ?? r.attributes.updated;
      default:
        return attributeGetter(r, f);
    }
  };

  const list = (req: EmuRequest, _kind: Kind, rows: Iterable<ResourceRow>) =>
    paginateRows(req, rows, {
      get: getter,
      defaultSort: { field: "created", desc: false },
      size: pageSize(req, 100),
    });

  const variantIncludes = (req: EmuRequest, items: readonly ResourceRow[]): unknown[] => {
    if (!includes(req, "variants")) return [];
    return items.flatMap((i) =>
      idsOf(i, "variants").flatMap((v) => {
        const row = store.catalogVariants.get(v);
        return row ? [render(req, "variant", row)] : [];
      }),
    );
  };

  // Item ↔ category links are kept on both rows.
  const link = (item: ResourceRow, category: ResourceRow) => {
    if (!idsOf(item, "categories").includes(category.id))
      setIds(item, "categories", [...idsOf(item, "categories"), category.id]);
    if (!idsOf(category, "items").includes(item.id))
      setIds(category, "items", [...idsOf(category, "items"), item.id]);
  };
  const unlink = (item: ResourceRow, category: ResourceRow) => {
    setIds(
      item,
      "categories",
      idsOf(item, "categories").filter((c) => c !== category.id),
    );
    setIds(
      category,
      "items",
      idsOf(category, "items").filter((i) => i !== item.id),
    );
  };

  const relIds = (rel: unknown): string[] => {
    const data = (rel as { data?: Array<{ id: string }> } | undefined)?.data;
    return Array.isArray(data) ? data.map((d) => d.id) : [];
  };

  // --- Operations on one resource; each throws an ApiError (the pointer is relative to `at`). ---

  const createItem = (attrs: Json, rels: Json | undefined, now: number, at: string): ResourceRow => {
    const ext = String(attrs.external_id ?? "");
    const id = catalogId(ext);
    if (store.catalogItems.has(id))
      throw new ApiError(
        409,
        "conflict",
        "Conflict.",
        `A catalog item with external_id ${ext} already exists.`,
        {
          pointer: `${at}/attributes/external_id`,
        },
      );
    const categories = relIds(rels?.categories).map((cid, i) => {
      const c = store.catalogCategories.get(cid);
      if (!c)
        throw invalid(`Catalog category ${cid} does not exist.`, {
          pointer: `${at}/relationships/categories/data/${i}/id`,
        });
      return c;
    });
    const row = store.catalogItems.insert({
      id,
      attributes: {
        external_id: ext,
        title: attrs.title ?? null,
        description: attrs.description ?? null,
        price: attrs.price ?? null,
        url: attrs.url ?? null,
        image_full_url: attrs.image_full_url ?? null,
        image_thumbnail_url: attrs.image_thumbnail_url ?? null,
        images: attrs.images ?? [],
        custom_metadata: attrs.custom_metadata ?? {},
        published: attrs.published ?? true,
        created: iso(now),
        updated: iso(now),
      },
      relationships: { variants: [], categories: [] },
    });
    for (const c of categories) link(row, c);
    return row;
  };

  const updateItem = (
    id: string,
    attrs: Json,
    rels: Json | undefined,
    now: number,
    at: string,
  ): ResourceRow => {
    const row = store.catalogItems.get(id);
    if (!row)
      throw new ApiError(404, "not_found", "Not found.", `A catalog item with id ${id} does not exist.`, {
        pointer: `${at}/id`,
      });
    const next = { ...row.attributes };
    for (const k of ITEM_FIELDS) if (attrs[k] !== undefined) next[k] = attrs[k];
    if (rels?.categories !== undefined) {
      const wanted = relIds(rels.categories).map((cid, i) => {
        const c = store.catalogCategories.get(cid);
        if (!c)
          throw invalid(`Catalog category ${cid} does not exist.`, {
            pointer: `${at}/relationships/categories/data/${i}/id`,
          });
        return c;
      });
      for (const cid of idsOf(row, "categories")) {
        const c = store.catalogCategories.get(cid);
        if (c && !wanted.includes(c)) unlink(row, c);
      }
      for (const c of wanted) link(row, c);
    }
    next.updated = iso(now);
    row.attributes = next;
    return row;
  };

  const deleteItem = (id: string, at: string): void => {
    const row = store.catalogItems.get(id);
    if (!row)
      throw new ApiError(404, "not_found", "Not found.", `A catalog item with id ${id} does not exist.`, {
        pointer: `${at}/id`,
      });
    for (const v of idsOf(row, "variants")) store.catalogVariants.delete(v);
    for (const cid of idsOf(row, "categories")) {
      const c = store.catalogCategories.get(cid);
      if (c) unlink(row, c);
    }
    store.catalogItems.delete(id);
  };

  const createVariant = (attrs: Json, rels: Json | undefined, now: number, at: string): ResourceRow => {
    const ext = String(attrs.external_id ?? "");
    const id = catalogId(ext);
    if (store.catalogVariants.has(id))
      throw new ApiError(
        409,
        "conflict",
        "Conflict.",
        `A catalog variant with external_id ${ext} already exists.`,
        {
          pointer: `${at}/attributes/external_id`,
        },
      );
    const itemId = (rels?.item as { data?: { id?: string } } | undefined)?.data?.id;
    const item = itemId ? store.catalogItems.get(itemId) : undefined;
    if (!item)
      throw invalid(`Catalog item ${itemId ?? "(none)"} does not exist.`, {
        pointer: `${at}/relationships/item/data/id`,
      });
    const row = store.catalogVariants.insert({
      id,
      attributes: {
        external_id: ext,
        title: attrs.title ?? null,
        description: attrs.description ?? null,
        sku: attrs.sku ?? null,
        inventory_policy: attrs.inventory_policy ?? 0,
        inventory_quantity: attrs.inventory_quantity ?? null,
        price: attrs.price ?? null,
        url: attrs.url ?? null,
        image_full_url: attrs.image_full_url ?? null,
        image_thumbnail_url: attrs.image_thumbnail_url ?? null,
        images: attrs.images ?? [],
        custom_metadata: attrs.custom_metadata ?? {},
        published: attrs.published ?? true,
        created: iso(now),
        updated: iso(now),
      },
      relationships: { item: item.id },
    });
    setIds(item, "variants", [...idsOf(item, "variants"), id]);
    return row;
  };

  const updateVariant = (id: string, attrs: Json, now: number, at: string): ResourceRow => {
    const row = store.catalogVariants.get(id);
    if (!row)
      throw new ApiError(404, "not_found", "Not found.", `A catalog variant with id ${id} does not exist.`, {
        pointer: `${at}/id`,
      });
    const next = { ...row.attributes };
    for (const k of VARIANT_FIELDS) if (attrs[k] !== undefined) next[k] = attrs[k];
    next.updated = iso(now);
    row.attributes = next;
    return row;
  };

  const deleteVariant = (id: string, at: string): void => {
    const row = store.catalogVariants.get(id);
    if (!row)
      throw new ApiError(404, "not_found", "Not found.", `A catalog variant with id ${id} does not exist.`, {
        pointer: `${at}/id`,
      });
    const item = store.catalogItems.get(idsOf(row, "item")[0] ?? "");
    if (item)
      setIds(
        item,
        "variants",
        idsOf(item, "variants").filter((v) => v !== id),
      );
    store.catalogVariants.delete(id);
  };

  const createCategory = (attrs: Json, rels: Json | undefined, now: number, at: string): ResourceRow => {
    const ext = String(attrs.external_id ?? "");
    const id = catalogId(ext);
    if (store.catalogCategories.has(id))
      throw new ApiError(
        409,
        "conflict",
        "Conflict.",
        `A catalog category with external_id ${ext} already exists.`,
        {
          pointer: `${at}/attributes/external_id`,
        },
      );
    const items = relIds(rels?.items).map((iid, i) => {
      const it = store.catalogItems.get(iid);
      if (!it)
        throw invalid(`Catalog item ${iid} does not exist.`, {
          pointer: `${at}/relationships/items/data/${i}/id`,
        });
      return it;
    });
    const row = store.catalogCategories.insert({
      id,
      attributes: { external_id: ext, name: attrs.name ?? null, updated: iso(now), created: iso(now) },
      relationships: { items: [] },
    });
    for (const it of items) link(it, row);
    return row;
  };

  const updateCategory = (
    id: string,
    attrs: Json,
    rels: Json | undefined,
    now: number,
    at: string,
  ): ResourceRow => {
    const row = store.catalogCategories.get(id);
    if (!row)
      throw new ApiError(404, "not_found", "Not found.", `A catalog category with id ${id} does not exist.`, {
        pointer: `${at}/id`,
      });
    if (rels?.items !== undefined) {
      const wanted = relIds(rels.items).map((iid, i) => {
        const it = store.catalogItems.get(iid);
        if (!it)
          throw invalid(`Catalog item ${iid} does not exist.`, {
            pointer: `${at}/relationships/items/data/${i}/id`,
          });
        return it;
      });
      for (const iid of idsOf(row, "items")) {
        const it = store.catalogItems.get(iid);
        if (it && !wanted.includes(it)) unlink(it, row);
      }
      for (const it of wanted) link(it, row);
    }
    const next = { ...row.attributes };
    if (attrs.name !== undefined) next.name = attrs.name;
    next.updated = iso(now);
    row.attributes = next;
    return row;
  };

  const deleteCategory = (id: string, at: string): void => {
    const row = store.catalogCategories.get(id);
    if (!row)
      throw new ApiError(404, "not_found", "Not found.", `A catalog category with id ${id} does not exist.`, {
        pointer: `${at}/id`,
      });
    for (const iid of idsOf(row, "items")) {
      const it = store.catalogItems.get(iid);
      if (it) unlink(it, row);
    }
    store.catalogCategories.delete(id);
  };

  // --- Bulk jobs ---

  type Entry = { id?: string; attributes?: Json; relationships?: Json };
  type BulkOp = "create" | "update" | "delete";

  const JOB_PATHS: Record<Kind, Record<BulkOp, string>> = {
    item: {
      create: "/api/catalog-item-bulk-create-jobs",
      update: "/api/catalog-item-bulk-update-jobs",
      delete: "/api/catalog-item-bulk-delete-jobs",
    },
    variant: {
      create: "/api/catalog-variant-bulk-create-jobs",
      update: "/api/catalog-variant-bulk-update-jobs",
      delete: "/api/catalog-variant-bulk-delete-jobs",
    },
    category: {
      create: "/api/catalog-category-bulk-create-jobs",
      update: "/api/catalog-category-bulk-update-jobs",
      delete: "/api/catalog-category-bulk-delete-jobs",
    },
  };
  const jobType = (kind: Kind, op: BulkOp) => `${KIND[kind].type}-bulk-${op}-job`;
  const jobRel = (kind: Kind, _op: BulkOp): { name: string; type: string } | undefined => ({
    name: KIND[kind].jobRel,
    type: KIND[kind].type,
  });

  const applyOne = (kind: Kind, op: BulkOp, e: Entry, now: number, at: string): string => {
    const attrs = e.attributes ?? {};
    const rels = e.relationships;
    const id = e.id ?? "";
    if (op === "delete") {
      if (kind === "item") deleteItem(id, at);
      else if (kind === "variant") deleteVariant(id, at);
      else deleteCategory(id, at);
      return id;
    }
    if (op === "create") {
      if (kind === "item") return createItem(attrs, rels, now, at).id;
      if (kind === "variant") return createVariant(attrs, rels, now, at).id;
      return createCategory(attrs, rels, now, at).id;
    }
    if (kind === "item") return updateItem(id, attrs, rels, now, at).id;
    if (kind === "variant") return updateVariant(id, attrs, now, at).id;
    return updateCategory(id, attrs, rels, now, at).id;
  };

  const startJob =
    (kind: Kind, op: BulkOp): Handler =>
    (req) => {
      const plural = KIND[kind].plural;
      const entries = ((bodyData(req).attributes?.[plural] as { data?: Entry[] } | undefined)?.data ??
        []) as Entry[];
      if (entries.length > MAX_BULK)
        throw invalid(`A bulk job accepts at most ${MAX_BULK} ${plural}; this one has ${entries.length}.`, {
          pointer: `/data/attributes/${plural}/data`,
        });
      let inProgress = 0;
      for (const j of store.jobs.values())
        if (
          j.type.startsWith("catalog-") &&
          j.type.endsWith("-job") &&
          store.jobState(j) !== "complete" &&
          !j.cancelled
        )
          inProgress++;
      if (inProgress >= MAX_JOBS_IN_PROGRESS)
        throw invalid(`At most ${MAX_JOBS_IN_PROGRESS} catalog jobs can be in progress at once.`, {
          pointer: "/data",
        });
      const now = req.now;
      const id = store.ids.ulid(now);
      const job: JobRecord = {
        id,
        type: jobType(kind, op),
        created: now,
        ...jobTimes(now, entries.length),
        total: entries.length,
        errors: [],
        resultIds: [],
        listIds: [],
      };
      job.apply = () => {
        const at0 = store.now();
        entries.forEach((e, i) => {
          const at = `/data/attributes/${plural}/data/${i}`;
          try {
            job.resultIds.push(applyOne(kind, op, e, at0, at));
          } catch (err) {
            if (!(err instanceof ApiError)) throw err;
            job.errors.push({
              id: `${id}-${i}`,
              code: err.code,
              title: err.title,
              detail: err.detail,
              source: { pointer: err.source?.pointer ?? at },
              original: e,
            });
          }
        });
      };
      store.addJob(job);
      const doc = jobResource(req, store, job, JOB_PATHS[kind][op], jobRel(kind, op));
      return { status: 202, body: { data: doc, links: { self: doc.links.self } } };
    };

  const getJob =
    (kind: Kind, op: BulkOp): Handler =>
    (req) => {
      const id = req.params.job_id ?? "";
      const job = store.jobs.get(id);
      if (!job || job.type !== jobType(kind, op)) throw notFound(jobType(kind, op).replace(/-/g, " "), id);
      const rel = jobRel(kind, op);
      const included =
        rel && includes(req, rel.name)
          ? job.resultIds.flatMap((rid) => {
              const row = tableOf(kind).get(rid);
              return row ? [render(req, kind, row)] : [];
            })
          : [];
      return single(req, jobResource(req, store, job, JOB_PATHS[kind][op], rel), 200, included);
    };

  const listJobs =
    (kind: Kind, op: BulkOp): Handler =>
    (req) => {
      const page = paginateRows(req, jobRows(store, jobType(kind, op)), {
        get: attributeGetter,
        defaultSort: { field: "created", desc: false },
        size: pageSize(req, 100),
      });
      return collection(
        req,
        page.rows.flatMap((r) => {
          const job = store.jobs.get(r.id);
          return job ? [jobResource(req, store, job, JOB_PATHS[kind][op], jobRel(kind, op))] : [];
        }),
        page,
      );
    };

  const bulk = (kind: Kind, names: Record<BulkOp, [start: string, get: string, list: string]>) => {
    const out: Record<string, Handler> = {};
    for (const op of ["create", "update", "delete"] as const) {
      const [start, getName, listName] = names[op];
      out[start] = startJob(kind, op);
      out[getName] = getJob(kind, op);
      out[listName] = listJobs(kind, op);
    }
    return out;
  };

  const body = (req: EmuRequest) => bodyData(req) as Entry;
  const relBody = (req: EmuRequest, type: string): string[] => {
    const data = (req.body as { data?: Array<{ type: string; id: string }> } | undefined)?.data ?? [];
    return data.map((d, i) => {
      if (d.type !== type)
        throw invalid(`Expected resources of type ${type}.`, { pointer: `/data/${i}/type` });
      return d.id;
    });
  };

  const itemsOfCategory = (c: ResourceRow) =>
    idsOf(c, "items").flatMap((id) => {
      const r = store.catalogItems.get(id);
      return r ? [r] : [];
    });
  const categoriesOfItem = (i: ResourceRow) =>
    idsOf(i, "categories").flatMap((id) => {
      const r = store.catalogCategories.get(id);
      return r ? [r] : [];
    });
  const variantsOfItem = (i: ResourceRow) =>
    idsOf(i, "variants").flatMap((id) => {
      const r = store.catalogVariants.get(id);
      return r ? [r] : [];
    });

  /** add/replace/remove for the item ↔ category relationship endpoints. */
  const relate =
    (side: "category" | "item", mode: "add" | "replace" | "remove"): Handler =>
    (req) => {
      if (side === "category") {
        const c = get("category", req.params.id ?? "");
        const items = relBody(req, "catalog-item").map((iid, i) => {
          const it = store.catalogItems.get(iid);
          if (!it) throw invalid(`Catalog item ${iid} does not exist.`, { pointer: `/data/${i}/id` });
          return it;
        });
        if (mode === "replace") for (const it of itemsOfCategory(c)) if (!items.includes(it)) unlink(it, c);
        for (const it of items)
          if (mode === "remove") unlink(it, c);
          else link(it, c);
      } else {
        const it = get("item", req.params.id ?? "");
        const cats = relBody(req, "catalog-category").map((cid, i) => {
          const c = store.catalogCategories.get(cid);
          if (!c) throw invalid(`Catalog category ${cid} does not exist.`, { pointer: `/data/${i}/id` });
          return c;
        });
        if (mode === "replace") for (const c of categoriesOfItem(it)) if (!cats.includes(c)) unlink(it, c);
        for (const c of cats)
          if (mode === "remove") unlink(it, c);
          else link(it, c);
      }
      return noContent;
    };

  return {
    get_catalog_items: (req) => {
      const page = list(req, "item", store.catalogItems.values());
      return collection(
        req,
        page.rows.map((r) => render(req, "item", r)),
        page,
        variantIncludes(req, page.rows),
      );
    },
    get_catalog_item: (req) => {
      const row = get("item", req.params.id ?? "");
      return single(req, render(req, "item", row), 200, variantIncludes(req, [row]));
    },
    create_catalog_item: (req) => {
      const b = body(req);
      return single(
        req,
        render(req, "item", createItem(b.attributes ?? {}, b.relationships, req.now, "/data")),
        201,
      );
    },
    update_catalog_item: (req) => {
      const b = body(req);
      const row = updateItem(req.params.id ?? "", b.attributes ?? {}, b.relationships, req.now, "/data");
      return single(req, render(req, "item", row));
    },
    delete_catalog_item: (req) => {
      get("item", req.params.id ?? "");
      deleteItem(req.params.id ?? "", "/data");
      return noContent;
    },

    get_catalog_variants: (req) => {
      const page = list(req, "variant", store.catalogVariants.values());
      return collection(
        req,
        page.rows.map((r) => render(req, "variant", r)),
        page,
      );
    },
    get_catalog_variant: (req) => single(req, render(req, "variant", get("variant", req.params.id ?? ""))),
    create_catalog_variant: (req) => {
      const b = body(req);
      return single(
        req,
        render(req, "variant", createVariant(b.attributes ?? {}, b.relationships, req.now, "/data")),
        201,
      );
    },
    update_catalog_variant: (req) => {
      get("variant", req.params.id ?? "");
      const row = updateVariant(req.params.id ?? "", body(req).attributes ?? {}, req.now, "/data");
      return single(req, render(req, "variant", row));
    },
    delete_catalog_variant: (req) => {
      get("variant", req.params.id ?? "");
      deleteVariant(req.params.id ?? "", "/data");
      return noContent;
    },

    get_catalog_categories: (req) => {
      const page = list(req, "category", store.catalogCategories.values());
      return collection(
        req,
        page.rows.map((r) => render(req, "category", r)),
        page,
      );
    },
    get_catalog_category: (req) => single(req, render(req, "category", get("category", req.params.id ?? ""))),
    create_catalog_category: (req) => {
      const b = body(req);
      return single(
        req,
        render(req, "category", createCategory(b.attributes ?? {}, b.relationships, req.now, "/data")),
        201,
      );
    },
    update_catalog_category: (req) => {
      get("category", req.params.id ?? "");
      const b = body(req);
      const row = updateCategory(req.params.id ?? "", b.attributes ?? {}, b.relationships, req.now, "/data");
      return single(req, render(req, "category", row));
    },
    delete_catalog_category: (req) => {
      get("category", req.params.id ?? "");
      deleteCategory(req.params.id ?? "", "/data");
      return noContent;
    },

    get_items_for_catalog_category: (req) => {
      const c = get("category", req.params.id ?? "");
      const page = list(req, "item", itemsOfCategory(c));
      return collection(
        req,
        page.rows.map((r) => render(req, "item", r)),
        page,
        variantIncludes(req, page.rows),
      );
    },
    get_item_ids_for_catalog_category: (req) => {
      const c = get("category", req.params.id ?? "");
      const page = list(req, "item", itemsOfCategory(c));
      return identifiers(
        req,
        "catalog-item",
        page.rows.map((r) => r.id),
        page,
      );
    },
    add_items_to_catalog_category: relate("category", "add"),
    update_items_for_catalog_category: relate("category", "replace"),
    remove_items_from_catalog_category: relate("category", "remove"),

    get_variants_for_catalog_item: (req) => {
      const it = get("item", req.params.id ?? "");
      const page = list(req, "variant", variantsOfItem(it));
      return collection(
        req,
        page.rows.map((r) => render(req, "variant", r)),
        page,
      );
    },
    get_variant_ids_for_catalog_item: (req) => {
      const it = get("item", req.params.id ?? "");
      const page = list(req, "variant", variantsOfItem(it));
      return identifiers(
        req,
        "catalog-variant",
        page.rows.map((r) => r.id),
        page,
      );
    },
    get_categories_for_catalog_item: (req) => {
      const it = get("item", req.params.id ?? "");
      const page = list(req, "category", categoriesOfItem(it));
      return collection(
        req,
        page.rows.map((r) => render(req, "category", r)),
        page,
      );
    },
    get_category_ids_for_catalog_item: (req) => {
      const it = get("item", req.params.id ?? "");
      const page = list(req, "category", categoriesOfItem(it));
      return identifiers(
        req,
        "catalog-category",
        page.rows.map((r) => r.id),
        page,
      );
    },
    add_categories_to_catalog_item: relate("item", "add"),
    update_categories_for_catalog_item: relate("item", "replace"),
    remove_categories_from_catalog_item: relate("item", "remove"),

    ...bulk("item", {
      create: [
        "bulk_create_catalog_items",
        "get_bulk_create_catalog_items_job",
        "get_bulk_create_catalog_items_jobs",
      ],
      update: [
        "bulk_update_catalog_items",
        "get_bulk_update_catalog_items_job",
        "get_bulk_update_catalog_items_jobs",
      ],
      delete: [
        "bulk_delete_catalog_items",
        "get_bulk_delete_catalog_items_job",
        "get_bulk_delete_catalog_items_jobs",
      ],
    }),
    ...bulk("variant", {
      create: [
        "bulk_create_catalog_variants",
        "get_bulk_create_variants_job",
        "get_bulk_create_variants_jobs",
      ],
      update: [
        "bulk_update_catalog_variants",
        "get_bulk_update_variants_job",
        "get_bulk_update_variants_jobs",
      ],
      delete: [
        "bulk_delete_catalog_variants",
        "get_bulk_delete_variants_job",
        "get_bulk_delete_variants_jobs",
      ],
    }),
    ...bulk("category", {
      create: [
        "bulk_create_catalog_categories",
        "get_bulk_create_categories_job",
        "get_bulk_create_categories_jobs",
      ],
      update: [
        "bulk_update_catalog_categories",
        "get_bulk_update_categories_job",
        "get_bulk_update_categories_jobs",
      ],
      delete: [
        "bulk_delete_catalog_categories",
        "get_bulk_delete_categories_job",
        "get_bulk_delete_categories_jobs",
      ],
    }),
  };
}
