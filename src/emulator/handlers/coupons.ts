/**
 * Coupons (id = external_id) and coupon codes (id = `<coupon>-<unique_code>`), and the bulk
 * coupon-code create job (at most 1,000 codes per job, at most 100 jobs queued at once).
 * `GET /api/coupon-codes` requires a filter on `coupon.id` or `profile.id`. Deleting a coupon
 * deletes its codes.
 */
import type { FilterCondition } from "../../filter/types.js";
import { attributeGetter, includes, pageSize, paginateRows, requestFilter } from "../jsonapi.js";
import {
  bodyAttributes,
  bodyData,
  collection,
  identifiers,
  noContent,
  type Resource,
  single,
} from "../render.js";
import type { EmulatorStore, JobRecord, ResourceRow } from "../store/store.js";
import { ApiError, type EmuRequest, type Handler, invalid, notFound } from "../types.js";
import { jobResource, jobRows, jobTimes } from "./catalog.js";
import { renderResource } from "./tags.js";

type Json = Record<string, unknown>;

const MAX_CODES_PER_JOB = 1000;
const MAX_QUEUED_JOBS = 100;
const JOB_TYPE = "coupon-code-bulk-create-job";
const JOB_PATH = "/api/coupon-code-bulk-create-jobs";

const COUPON_RENDER = { path: "/api/coupons" };
const CODE_RENDER = {
  path: "/api/coupon-codes",
  relationships: {
    coupon: { type: "coupon", many: false, data: true },
    profile: { type: "profile", many: false, data: true },
  },
};

function oneId(row: ResourceRow, name: string): string | undefined {
  const v = row.relationships?.[name];
  return Array.isArray(v) ? v[0] : (v ?? undefined);
}

export function couponHandlers(store: EmulatorStore): Record<string, Handler> {
  const getCoupon = (id: string): ResourceRow => {
    const row = store.coupons.get(id);
    if (!row) throw notFound("coupon", id);
    return row;
  };
  const getCode = (id: string): ResourceRow => {
    const row = store.couponCodes.get(id);
    if (!row) throw notFound("coupon code", id);
    return row;
  };

  const renderCoupon = (req: EmuRequest, row: ResourceRow): Resource =>
    renderResource(req, "coupon", row, COUPON_RENDER);
  const renderCode = (req: EmuRequest, row: ResourceRow): Resource =>
    renderResource(req, "coupon-code", row, CODE_RENDER);

  const codeGetter = (r: ResourceRow, f: string): unknown =>
    f === "coupon.id" ? oneId(r, "coupon") : f === "profile.id" ? oneId(r, "profile") : attributeGetter(r, f);

  const codesOf = (couponId: string): ResourceRow[] =>
    [...store.couponCodes.values()].filter((c) => oneId(c, "coupon") === couponId);

  const couponIncludes = (req: EmuRequest, codes: readonly ResourceRow[]): unknown[] => {
    if (!includes(req, "coupon")) return [];
    const seen = new Set<string>();
    const out: unknown[] = [];
    for (const c of codes) {
      const id = oneId(c, "coupon");
      const row = id ? store.coupons.get(id) : undefined;
      if (row && !seen.has(row.id)) {
        seen.add(row.id);
        out.push(renderCoupon(req, row));
      }
    }
    return out;
  };

  /** Creates one code; throws an ApiError whose pointer is under `at`. */
  const createCode = (attrs: Json, couponId: string | undefined, at: string): ResourceRow => {
    const code = String(attrs.unique_code ?? "").trim();
    if (code === "")
      throw invalid("unique_code cannot be empty.", { pointer: `${at}/attributes/unique_code` });
    if (!couponId || !store.coupons.has(couponId))
      throw new ApiError(
        404,
        "not_found",
        "Not found.",
        `A coupon with id ${couponId ?? "(none)"} does not exist.`,
        {
          pointer: `${at}/relationships/coupon/data/id`,
        },
      );
    const id = `${couponId}-${code}`;
    if (store.couponCodes.has(id))
      throw new ApiError(
        409,
        "conflict",
        "Conflict.",
        `The coupon code ${code} already exists for coupon ${couponId}.`,
        {
          pointer: `${at}/attributes/unique_code`,
        },
      );
    return store.couponCodes.insert({
      id,
      attributes: { unique_code: code, expires_at: attrs.expires_at ?? null, status: "UNASSIGNED" },
      relationships: { coupon: couponId, profile: null },
    });
  };

  const hasOwnerFilter = (conds: readonly FilterCondition[]) =>
    conds.some((c) => c.field === "coupon.id" || c.field === "profile.id");

  return {
    get_coupons: (req) => {
      const page = paginateRows(req, store.coupons.values(), {
        get: attributeGetter,
        size: pageSize(req, 100),
      });
      return collection(
        req,
        page.rows.map((r) => renderCoupon(req, r)),
        page,
      );
    },

    get_coupon: (req) => single(req, renderCoupon(req, getCoupon(req.params.id ?? ""))),

    create_coupon: (req) => {
      const a = bodyAttributes(req);
      const ext = String(a.external_id ?? "").trim();
      if (!/^[A-Za-z0-9_]{1,64}$/.test(ext))
        throw invalid("external_id must be 1 to 64 letters, digits or underscores.", {
          pointer: "/data/attributes/external_id",
        });
      if (store.coupons.has(ext))
        throw new ApiError(409, "conflict", "Conflict.", `A coupon with external_id ${ext} already exists.`, {
          pointer: "/data/attributes/external_id",
        });
      const row = store.coupons.insert({
        id: ext,
        attributes: {
          external_id: ext,
          description: a.description ?? null,
          monitor_configuration: a.monitor_configuration ?? null,
        },
      });
      return single(req, renderCoupon(req, row), 201);
    },

    update_coupon: (req) => {
      const row = getCoupon(req.params.id ?? "");
      const a = bodyAttributes(req);
      const next = { ...row.attributes };
      if (a.description !== undefined) next.description = a.description;
      if (a.monitor_configuration !== undefined) next.monitor_configuration = a.monitor_configuration;
      row.attributes = next;
      return single(req, renderCoupon(req, row));
    },

    delete_coupon: (req) => {
      const row = getCoupon(req.params.id ?? "");
      for (const c of codesOf(row.id)) store.couponCodes.delete(c.id);
      store.coupons.delete(row.id);
      return noContent;
    },

    get_coupon_codes: (req) => {
      const conds = requestFilter(req);
      if (!hasOwnerFilter(conds))
        throw new ApiError(
          400,
          "invalid",
          "Invalid filter.",
          "A filter on coupon.id or profile.id is required, e.g. filter=equals(coupon.id,'10OFF').",
          { parameter: "filter" },
        );
      const page = paginateRows(req, store.couponCodes.values(), {
        get: codeGetter,
        conditions: conds,
        size: pageSize(req, 100),
      });
      return collection(
        req,
        page.rows.map((r) => renderCode(req, r)),
        page,
        couponIncludes(req, page.rows),
      );
    },

    get_coupon_code: (req) => {
      const row = getCode(req.params.id ?? "");
      return single(req, renderCode(req, row), 200, couponIncludes(req, [row]));
    },

    create_coupon_code: (req) => {
      const d = bodyData(req);
      const couponId = (d.relationships?.coupon?.data as { id?: string } | undefined)?.id;
      const row = createCode(d.attributes ?? {}, couponId, "/data");
      return single(req, renderCode(req, row));
    },

    update_coupon_code: (req) => {
      const row = getCode(req.params.id ?? "");
      const a = bodyAttributes(req);
      const next = { ...row.attributes };
      if (a.status !== undefined && a.status !== null) next.status = a.status;
      if (a.expires_at !== undefined) next.expires_at = a.expires_at;
      row.attributes = next;
      return single(req, renderCode(req, row));
    },

    delete_coupon_code: (req) => {
      const row = getCode(req.params.id ?? "");
      store.couponCodes.delete(row.id);
      return noContent;
    },

    get_coupon_codes_for_coupon: (req) => {
      const c = getCoupon(req.params.id ?? "");
      const page = paginateRows(req, codesOf(c.id), { get: codeGetter, size: pageSize(req, 100) });
      return collection(
        req,
        page.rows.map((r) => renderCode(req, r)),
        page,
      );
    },

    get_coupon_code_ids_for_coupon: (req) => {
      const c = getCoupon(req.params.id ?? "");
      const page = paginateRows(req, codesOf(c.id), { get: codeGetter, size: pageSize(req, 100) });
      return identifiers(
        req,
        "coupon-code",
        page.rows.map((r) => r.id),
        page,
      );
    },

    get_coupon_for_coupon_code: (req) => {
      const c = store.coupons.get(oneId(getCode(req.params.id ?? ""), "coupon") ?? "");
      return single(req, c ? renderCoupon(req, c) : null);
    },

    get_coupon_id_for_coupon_code: (req) => {
      const id = oneId(getCode(req.params.id ?? ""), "coupon");
      return single(req, id ? { type: "coupon", id } : null);
    },

    bulk_create_coupon_codes: (req) => {
      const entries = ((bodyAttributes(req)["coupon-codes"] as { data?: unknown[] } | undefined)?.data ??
        []) as Array<{ attributes?: Json; relationships?: { coupon?: { data?: { id?: string } } } }>;
      if (entries.length > MAX_CODES_PER_JOB)
        throw invalid(
          `A job accepts at most ${MAX_CODES_PER_JOB} coupon codes; this one has ${entries.length}.`,
          {
            pointer: "/data/attributes/coupon-codes/data",
          },
        );
      let queued = 0;
      for (const j of store.jobs.values())
        if (j.type === JOB_TYPE && !j.cancelled && store.jobState(j) !== "complete") queued++;
      if (queued >= MAX_QUEUED_JOBS)
        throw invalid(`At most ${MAX_QUEUED_JOBS} coupon code jobs can be queued at once.`, {
          pointer: "/data",
        });
      const now = req.now;
      const id = store.ids.ulid(now);
      const job: JobRecord = {
        id,
        type: JOB_TYPE,
        created: now,
        ...jobTimes(now, entries.length),
        total: entries.length,
        errors: [],
        resultIds: [],
        listIds: [],
      };
      job.apply = () => {
        entries.forEach((e, i) => {
          const at = `/data/attributes/coupon-codes/data/${i}`;
          try {
            job.resultIds.push(createCode(e.attributes ?? {}, e.relationships?.coupon?.data?.id, at).id);
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
      const doc = jobResource(req, store, job, JOB_PATH, { name: "coupon-codes", type: "coupon-code" });
      return { status: 202, body: { data: doc, links: { self: doc.links.self } } };
    },

    get_bulk_create_coupon_codes_job: (req) => {
      const id = req.params.job_id ?? "";
      const job = store.jobs.get(id);
      if (!job || job.type !== JOB_TYPE) throw notFound("coupon code bulk create job", id);
      const included = includes(req, "coupon-codes")
        ? job.resultIds.flatMap((cid) => {
            const row = store.couponCodes.get(cid);
            return row ? [renderCode(req, row)] : [];
          })
        : [];
      return single(
        req,
        jobResource(req, store, job, JOB_PATH, { name: "coupon-codes", type: "coupon-code" }),
        200,
        included,
      );
    },

    get_bulk_create_coupon_code_jobs: (req) => {
      const page = paginateRows(req, jobRows(store, JOB_TYPE), {
        get: attributeGetter,
        defaultSort: { field: "created", desc: false },
        size: pageSize(req, 100),
      });
      return collection(
        req,
        page.rows.flatMap((r) => {
          const job = store.jobs.get(r.id);
          return job
            ? [jobResource(req, store, job, JOB_PATH, { name: "coupon-codes", type: "coupon-code" })]
            : [];
        }),
        page,
      );
    },
  };
}
