/**
 * Lists, segments and their members. Members carry `joined_group_at` and page by keyset on
 * (joined_group_at, profile id), so members added during a walk never shift it. Segment
 * membership is whatever `store.segmentMembers` holds (seeded); segments created through the
 * API start empty, as the emulator does not evaluate segment definitions.
 */
import type { FilterCondition } from "../../filter/types.js";
import {
  additionalField,
  attributeGetter,
  includes,
  pageSize,
  paginateRows,
  requestFilter,
  requestSort,
} from "../jsonapi.js";
import { bodyData, collection, identifiers, noContent, single } from "../render.js";
import { iso } from "../store/ids.js";
import type { ProfileRecord } from "../store/profiles.js";
import type { EmulatorStore, ResourceRow } from "../store/store.js";
import { ApiError, type EmuRequest, type EmuResponse, type Handler, invalid, notFound } from "../types.js";
import {
  addListMember,
  indexedProfiles,
  keysetPage,
  listIdsOfProfile,
  matchValue,
  normalizeConditions,
  profileField,
  renderList,
  renderProfile,
  renderSegment,
  segmentAttributes,
  segmentIdsOfProfile,
} from "./profiles.js";

/** Klaviyo accepts at most 1,000 profile ids per list add/remove call. */
export const LIST_MEMBERSHIP_MAX = 1000;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

interface Member {
  p: ProfileRecord;
  joined: number;
}

const memberField = (m: Member, field: string): unknown =>
  field === "joined_group_at" ? m.joined : profileField(m.p, field);

/** One keyset page of a list's or segment's members, filtered as the spec allows. */
function memberPage(store: EmulatorStore, req: EmuRequest, members: ReadonlyMap<string, number>) {
  const conds: FilterCondition[] = normalizeConditions(requestFilter(req));
  const sort = requestSort(req, { field: "joined_group_at", desc: false });
  const indexed = indexedProfiles(store, conds);
  let source: Iterable<Member>;
  if (indexed) {
    source = indexed.flatMap((p) => {
      const joined = members.get(p.id);
      return joined === undefined ? [] : [{ p, joined }];
    });
  } else {
    source = (function* () {
      for (const [id, joined] of members) {
        const p = store.profiles.get(id);
        if (p) yield { p, joined };
      }
    })();
  }
  return keysetPage(req, source, {
    sort,
    size: pageSize(req),
    id: (m) => m.p.id,
    key: (m) => memberField(m, sort.field),
    accept: (m) => conds.every((c) => matchValue(memberField(m, c.field), c)),
  });
}

function renderMembers(req: EmuRequest, page: { rows: Member[]; next?: string }): EmuResponse {
  return collection(
    req,
    page.rows.map((m) => renderProfile(req, m.p, { extra: { joined_group_at: iso(m.joined) } })),
    page,
  );
}

function relatedIds(row: ResourceRow, name: string): string[] {
  const v = row.relationships?.[name];
  return Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
}

/** Ids of tags on a list/segment: from the row's relationships or from the tags' own. */
function tagIds(store: EmulatorStore, row: ResourceRow, kind: "lists" | "segments"): string[] {
  const ids = new Set(relatedIds(row, "tags"));
  for (const tag of store.tags.values()) if (relatedIds(tag, kind).includes(row.id)) ids.add(tag.id);
  return [...ids].filter((id) => store.tags.has(id)).sort();
}

function renderTag(req: EmuRequest, row: ResourceRow) {
  const self = `${req.origin}/api/tags/${encodeURIComponent(row.id)}`;
  return {
    type: "tag",
    id: row.id,
    attributes: { name: typeof row.attributes.name === "string" ? row.attributes.name : "" },
    links: { self },
  };
}

function renderFlow(req: EmuRequest, row: ResourceRow) {
  const a = row.attributes;
  const attributes: Record<string, unknown> = {};
  for (const k of ["name", "status", "archived", "created", "updated", "trigger_type"])
    if (k in a) attributes[k] = a[k];
  return {
    type: "flow",
    id: row.id,
    attributes,
    links: { self: `${req.origin}/api/flows/${encodeURIComponent(row.id)}` },
  };
}

/** Relationship data and included resources for `include=tags,flow-triggers` on lists/segments. */
function groupIncludes(
  store: EmulatorStore,
  req: EmuRequest,
  rows: readonly ResourceRow[],
  kind: "lists" | "segments",
): { data: Map<string, Record<string, unknown>>; included: unknown[] } {
  const data = new Map<string, Record<string, unknown>>();
  const included: unknown[] = [];
  const seen = new Set<string>();
  const wantTags = includes(req, "tags");
  const wantFlows = includes(req, "flow-triggers");
  if (!wantTags && !wantFlows) return { data, included };
  for (const row of rows) {
    const d: Record<string, unknown> = {};
    if (wantTags) {
      const ids = tagIds(store, row, kind);
      d.tags = ids.map((id) => ({ type: "tag", id }));
      for (const id of ids) {
        const tag = store.tags.get(id);
        if (tag && !seen.has(`tag:${id}`)) {
          seen.add(`tag:${id}`);
          included.push(renderTag(req, tag));
        }
      }
    }
    if (wantFlows) {
      const ids = relatedIds(row, "flow-triggers").filter((id) => store.flows.has(id));
      d["flow-triggers"] = ids.map((id) => ({ type: "flow", id }));
      for (const id of ids) {
        const flow = store.flows.get(id);
        if (flow && !seen.has(`flow:${id}`)) {
          seen.add(`flow:${id}`);
          included.push(renderFlow(req, flow));
        }
      }
    }
    data.set(row.id, d);
  }
  return { data, included };
}

function idMismatch(req: EmuRequest, id: string): void {
  const bodyId = bodyData(req).id;
  if (bodyId !== id)
    throw invalid(`The body's data.id (${String(bodyId)}) must match the id in the URL (${id}).`, {
      pointer: "/data/id",
    });
}

/** The profile ids of a list add/remove body, at most 1,000. */
function membershipIds(req: EmuRequest): string[] {
  const data = (req.body as { data?: unknown } | undefined)?.data;
  const items = Array.isArray(data) ? data : [];
  if (items.length > LIST_MEMBERSHIP_MAX)
    throw invalid(
      `This endpoint accepts at most ${LIST_MEMBERSHIP_MAX} profiles per call; got ${items.length}. Send them in batches.`,
      { pointer: "/data" },
    );
  return items.map((it) => (isRecord(it) && typeof it.id === "string" ? it.id : ""));
}

export function listSegmentHandlers(store: EmulatorStore): Record<string, Handler> {
  const listOr404 = (id: string | undefined): ResourceRow => {
    const row = id ? store.lists.get(id) : undefined;
    if (!row) throw notFound("list", id ?? "");
    return row;
  };
  const segmentOr404 = (id: string | undefined): ResourceRow => {
    const row = id ? store.segments.get(id) : undefined;
    if (!row) throw notFound("segment", id ?? "");
    return row;
  };
  const profileOr404 = (id: string | undefined): ProfileRecord => {
    const p = id ? store.profiles.get(id) : undefined;
    if (!p) throw notFound("profile", id ?? "");
    return p;
  };
  const members = (groups: Map<string, Map<string, number>>, id: string) =>
    groups.get(id) ?? new Map<string, number>();
  const liveCount = (m: ReadonlyMap<string, number>) => {
    let n = 0;
    for (const id of m.keys()) if (store.profiles.get(id)) n++;
    return n;
  };

  return {
    // ---- lists
    get_lists: (req) => {
      const page = paginateRows(req, store.lists.values(), { get: attributeGetter });
      const inc = groupIncludes(store, req, page.rows, "lists");
      return collection(
        req,
        page.rows.map((r) => renderList(req, r, undefined, inc.data.get(r.id))),
        page,
        inc.included,
      );
    },

    get_list: (req) => {
      const row = listOr404(req.params.id);
      const extra = additionalField(req, "list", "profile_count")
        ? { profile_count: liveCount(members(store.listMembers, row.id)) }
        : undefined;
      const inc = groupIncludes(store, req, [row], "lists");
      return single(req, renderList(req, row, extra, inc.data.get(row.id)), 200, inc.included);
    },

    create_list: (req) => {
      const a = bodyData(req).attributes ?? {};
      const name = typeof a.name === "string" ? a.name.trim() : "";
      if (!name) throw invalid("A list needs a name.", { pointer: "/data/attributes/name" });
      const now = iso(req.now);
      const row = store.lists.insert({
        id: store.ids.short(),
        attributes: {
          name,
          created: now,
          updated: now,
          opt_in_process: a.opt_in_process === "double_opt_in" ? "double_opt_in" : "single_opt_in",
        },
      });
      store.listMembers.set(row.id, new Map());
      return single(req, renderList(req, row), 201);
    },

    update_list: (req) => {
      const row = listOr404(req.params.id);
      idMismatch(req, row.id);
      const a = bodyData(req).attributes ?? {};
      if ("name" in a) {
        const name = typeof a.name === "string" ? a.name.trim() : "";
        if (!name) throw invalid("A list name cannot be empty.", { pointer: "/data/attributes/name" });
        row.attributes.name = name;
      }
      if (a.opt_in_process === "double_opt_in" || a.opt_in_process === "single_opt_in")
        row.attributes.opt_in_process = a.opt_in_process;
      row.attributes.updated = iso(req.now);
      return single(req, renderList(req, row));
    },

    delete_list: (req) => {
      const row = listOr404(req.params.id);
      store.lists.delete(row.id);
      store.listMembers.delete(row.id);
      return noContent;
    },

    get_profiles_for_list: (req) => {
      const row = listOr404(req.params.id);
      return renderMembers(req, memberPage(store, req, members(store.listMembers, row.id)));
    },

    get_profile_ids_for_list: (req) => {
      const row = listOr404(req.params.id);
      const page = memberPage(store, req, members(store.listMembers, row.id));
      return identifiers(
        req,
        "profile",
        page.rows.map((m) => m.p.id),
        page,
      );
    },

    add_profiles_to_list: (req) => {
      const row = listOr404(req.params.id);
      const ids = membershipIds(req);
      ids.forEach((id, i) => {
        if (!store.profiles.get(id))
          throw new ApiError(404, "not_found", "Not found.", `A profile with id ${id} does not exist.`, {
            pointer: `/data/${i}/id`,
          });
      });
      // Existing members keep their joined_group_at; consent and suppressions are untouched.
      for (const id of ids) addListMember(store, row.id, id, req.now);
      return noContent;
    },

    remove_profiles_from_list: (req) => {
      const row = listOr404(req.params.id);
      const ids = membershipIds(req);
      const m = store.listMembers.get(row.id);
      if (m) for (const id of ids) m.delete(id);
      return noContent;
    },

    // ---- segments
    get_segments: (req) => {
      const page = paginateRows(req, store.segments.values(), {
        get: (r, f) => (f === "id" ? r.id : segmentAttributes(r)[f]),
      });
      const inc = groupIncludes(store, req, page.rows, "segments");
      return collection(
        req,
        page.rows.map((r) => renderSegment(req, r, undefined, inc.data.get(r.id))),
        page,
        inc.included,
      );
    },

    get_segment: (req) => {
      const row = segmentOr404(req.params.id);
      const extra = additionalField(req, "segment", "profile_count")
        ? { profile_count: liveCount(members(store.segmentMembers, row.id)) }
        : undefined;
      const inc = groupIncludes(store, req, [row], "segments");
      return single(req, renderSegment(req, row, extra, inc.data.get(row.id)), 200, inc.included);
    },

    create_segment: (req) => {
      const a = bodyData(req).attributes ?? {};
      const name = typeof a.name === "string" ? a.name.trim() : "";
      if (!name) throw invalid("A segment needs a name.", { pointer: "/data/attributes/name" });
      const now = iso(req.now);
      const row = store.segments.insert({
        id: store.ids.short(),
        attributes: {
          name,
          definition: isRecord(a.definition) ? a.definition : null,
          created: now,
          updated: now,
          is_active: true,
          is_processing: false,
          is_starred: a.is_starred === true,
        },
      });
      store.segmentMembers.set(row.id, new Map());
      return single(req, renderSegment(req, row), 201);
    },

    update_segment: (req) => {
      const row = segmentOr404(req.params.id);
      idMismatch(req, row.id);
      const a = bodyData(req).attributes ?? {};
      if (typeof a.name === "string" && a.name.trim()) row.attributes.name = a.name.trim();
      if (isRecord(a.definition)) row.attributes.definition = a.definition;
      if (typeof a.is_starred === "boolean") row.attributes.is_starred = a.is_starred;
      row.attributes.updated = iso(req.now);
      return single(req, renderSegment(req, row));
    },

    delete_segment: (req) => {
      const row = segmentOr404(req.params.id);
      store.segments.delete(row.id);
      store.segmentMembers.delete(row.id);
      return noContent;
    },

    get_profiles_for_segment: (req) => {
      const row = segmentOr404(req.params.id);
      return renderMembers(req, memberPage(store, req, members(store.segmentMembers, row.id)));
    },

    get_profile_ids_for_segment: (req) => {
      const row = segmentOr404(req.params.id);
      const page = memberPage(store, req, members(store.segmentMembers, row.id));
      return identifiers(
        req,
        "profile",
        page.rows.map((m) => m.p.id),
        page,
      );
    },

    // ---- a profile's lists and segments
    get_lists_for_profile: (req) => {
      const p = profileOr404(req.params.id);
      const rows = listIdsOfProfile(store, p.id)
        .map((id) => store.lists.get(id))
        .filter((r): r is ResourceRow => !!r);
      return collection(
        req,
        rows.map((r) => renderList(req, r)),
        {},
      );
    },

    get_list_ids_for_profile: (req) => {
      const p = profileOr404(req.params.id);
      return identifiers(req, "list", listIdsOfProfile(store, p.id));
    },

    get_segments_for_profile: (req) => {
      const p = profileOr404(req.params.id);
      const rows = segmentIdsOfProfile(store, p.id)
        .map((id) => store.segments.get(id))
        .filter((r): r is ResourceRow => !!r);
      return collection(
        req,
        rows.map((r) => renderSegment(req, r)),
        {},
      );
    },

    get_segment_ids_for_profile: (req) => {
      const p = profileOr404(req.params.id);
      return identifiers(req, "segment", segmentIdsOfProfile(store, p.id));
    },
  };
}
