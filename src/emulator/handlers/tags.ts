/**
 * Tags and tag groups, and tagging of flows, campaigns, lists and segments.
 *
 * Associations are kept on both sides: the tag row's `relationships.{flows,campaigns,lists,segments}`
 * and the tagged row's `relationships.tags`, so any handler rendering a list, segment, campaign
 * or flow with `renderRow(..., { relationships: { tags: { type: "tag", many: true, data: true } } })`
 * shows its tags. Every account has a default tag group (created on first use); tags created
 * without a group go there. Limits: 500 tags, 50 tag groups, 100 tags per tagged resource; a
 * resource can carry only one tag of an exclusive group.
 */
import { attributeGetter, includes, pageSize, paginateRows } from "../jsonapi.js";
import {
  bodyAttributes,
  bodyData,
  collection,
  identifiers,
  noContent,
  type RenderOptions,
  type Resource,
  renderRow,
  single,
} from "../render.js";
import type { EmulatorStore, ResourceRow } from "../store/store.js";
import type { Table } from "../store/table.js";
import { ApiError, type EmuRequest, type Handler, invalid, notFound } from "../types.js";
import { uuidFrom } from "./events.js";

export type Taggable = "campaigns" | "flows" | "lists" | "segments";

const TAGGABLE: Record<Taggable, string> = {
  campaigns: "campaign",
  flows: "flow",
  lists: "list",
  segments: "segment",
};

const MAX_TAGS = 500;
const MAX_GROUPS = 50;
const MAX_TAGS_PER_RESOURCE = 100;

export const TAG_RENDER: RenderOptions = {
  path: "/api/tags",
  relationships: {
    "tag-group": { type: "tag-group", many: false, data: true },
    lists: { type: "list", many: true },
    segments: { type: "segment", many: true },
    campaigns: { type: "campaign", many: true },
    flows: { type: "flow", many: true },
  },
};

export const TAG_GROUP_RENDER: RenderOptions = {
  path: "/api/tag-groups",
  relationships: { tags: { type: "tag", many: true } },
};

/**
 * Renders a row like `renderRow`, leaving out `data` of empty to-one relationships: the spec's
 * to-one relationship data is an object, never null.
 */
export function renderResource(
  req: EmuRequest,
  type: string,
  row: ResourceRow,
  options: RenderOptions,
): Resource {
  const out = renderRow(req, type, row, options);
  for (const rel of Object.values(out.relationships ?? {}) as Array<{ data?: unknown }>)
    if (rel.data === null) delete rel.data;
  return out;
}

function tableFor(store: EmulatorStore, kind: Taggable): Table<ResourceRow> {
  switch (kind) {
    case "campaigns":
      return store.campaigns;
    case "flows":
      return store.flows;
    case "lists":
      return store.lists;
    case "segments":
      return store.segments;
  }
}

function idsOf(row: ResourceRow, name: string): string[] {
  const v = row.relationships?.[name];
  return Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
}

function setIds(row: ResourceRow, name: string, ids: string[]): void {
  row.relationships = { ...(row.relationships ?? {}), [name]: ids };
}

/** The tag ids on a campaign, flow, list or segment row. */
export function tagIdsOf(store: EmulatorStore, kind: Taggable, id: string): string[] {
  const row = tableFor(store, kind).get(id);
  return row ? idsOf(row, "tags").filter((t) => store.tags.has(t)) : [];
}

/** Tag resources of a tagged row (for `include=tags` and the `…/tags` endpoints). */
export function tagResources(req: EmuRequest, store: EmulatorStore, kind: Taggable, id: string): unknown[] {
  return tagIdsOf(store, kind, id).flatMap((t) => {
    const row = store.tags.get(t);
    return row ? [renderResource(req, "tag", row, TAG_RENDER)] : [];
  });
}

/** Forgets a deleted campaign, flow, list or segment in every tag. */
export function untagEverywhere(store: EmulatorStore, kind: Taggable, id: string): void {
  for (const tag of store.tags.values()) {
    const ids = idsOf(tag, kind);
    if (ids.includes(id))
      setIds(
        tag,
        kind,
        ids.filter((x) => x !== id),
      );
  }
}

export function tagHandlers(store: EmulatorStore): Record<string, Handler> {
  const defaultGroup = (): ResourceRow => {
    const found = store.tagGroups.find((g) => g.attributes.default === true);
    if (found) return found;
    return store.tagGroups.insert({
      id: uuidFrom(`tag-group:default:${store.seed}`),
      attributes: { name: "Default", exclusive: false, default: true },
    });
  };

  const getTag = (id: string): ResourceRow => {
    const row = store.tags.get(id);
    if (!row) throw notFound("tag", id);
    return row;
  };
  const getGroup = (id: string): ResourceRow => {
    if (store.tagGroups.size === 0) defaultGroup();
    const row = store.tagGroups.get(id);
    if (!row) throw notFound("tag group", id);
    return row;
  };
  const groupOf = (tag: ResourceRow): string | undefined => idsOf(tag, "tag-group")[0];
  const tagsInGroup = (groupId: string): ResourceRow[] =>
    [...store.tags.values()].filter((t) => groupOf(t) === groupId);

  const renderTag = (req: EmuRequest, row: ResourceRow) => renderResource(req, "tag", row, TAG_RENDER);
  const renderGroup = (req: EmuRequest, row: ResourceRow) =>
    renderRow(req, "tag-group", row, TAG_GROUP_RENDER);

  const checkUniqueName = (name: string, groupId: string, exceptId?: string) => {
    const clash = store.tags.find(
      (t) =>
        t.id !== exceptId &&
        groupOf(t) === groupId &&
        String(t.attributes.name).toLowerCase() === name.toLowerCase(),
    );
    if (clash)
      throw new ApiError(
        409,
        "conflict",
        "Conflict.",
        `A tag named "${name}" already exists in this tag group.`,
        {
          pointer: "/data/attributes/name",
        },
      );
  };

  const relationshipBody = (req: EmuRequest, kind: Taggable): string[] => {
    const data = (req.body as { data?: Array<{ type: string; id: string }> } | undefined)?.data ?? [];
    return data.map((d, i) => {
      if (d.type !== TAGGABLE[kind])
        throw invalid(`Expected resources of type ${TAGGABLE[kind]}.`, { pointer: `/data/${i}/type` });
      return d.id;
    });
  };

  const tagResourcesOp =
    (kind: Taggable): Handler =>
    (req) => {
      const tag = getTag(req.params.id ?? "");
      const ids = relationshipBody(req, kind);
      const table = tableFor(store, kind);
      const group = store.tagGroups.get(groupOf(tag) ?? "");
      const rows = ids.map((id, i) => {
        const row = table.get(id);
        if (!row)
          throw new ApiError(
            404,
            "not_found",
            "Not found.",
            `A ${TAGGABLE[kind]} with id ${id} does not exist.`,
            { pointer: `/data/${i}/id` },
          );
        return row;
      });
      rows.forEach((row, i) => {
        const current = idsOf(row, "tags").filter((t) => store.tags.has(t));
        if (current.includes(tag.id)) return;
        if (current.length >= MAX_TAGS_PER_RESOURCE)
          throw invalid(`A ${TAGGABLE[kind]} cannot have more than ${MAX_TAGS_PER_RESOURCE} tags.`, {
            pointer: `/data/${i}/id`,
          });
        if (group?.attributes.exclusive === true) {
          const other = current.find((t) => {
            const tr = store.tags.get(t);
            return tr !== undefined && groupOf(tr) === group.id;
          });
          if (other)
            throw invalid(
              `The tag group "${String(group.attributes.name)}" is exclusive and ${TAGGABLE[kind]} ${row.id} already has a tag from it.`,
              { pointer: `/data/${i}/id` },
            );
        }
      });
      for (const row of rows) {
        const current = idsOf(row, "tags");
        if (!current.includes(tag.id)) setIds(row, "tags", [...current, tag.id]);
      }
      const onTag = idsOf(tag, kind);
      setIds(tag, kind, [...onTag, ...ids.filter((id, i) => !onTag.includes(id) && ids.indexOf(id) === i)]);
      return noContent;
    };

  const untagResourcesOp =
    (kind: Taggable): Handler =>
    (req) => {
      const tag = getTag(req.params.id ?? "");
      const ids = new Set(relationshipBody(req, kind));
      const table = tableFor(store, kind);
      for (const id of ids) {
        const row = table.get(id);
        if (row)
          setIds(
            row,
            "tags",
            idsOf(row, "tags").filter((t) => t !== tag.id),
          );
      }
      setIds(
        tag,
        kind,
        idsOf(tag, kind).filter((id) => !ids.has(id)),
      );
      return noContent;
    };

  const idsForTag =
    (kind: Taggable): Handler =>
    (req) => {
      const tag = getTag(req.params.id ?? "");
      const table = tableFor(store, kind);
      return identifiers(
        req,
        TAGGABLE[kind],
        idsOf(tag, kind).filter((id) => table.has(id)),
      );
    };

  const deleteTag = (tag: ResourceRow) => {
    for (const kind of Object.keys(TAGGABLE) as Taggable[]) {
      const table = tableFor(store, kind);
      for (const id of idsOf(tag, kind)) {
        const row = table.get(id);
        if (row)
          setIds(
            row,
            "tags",
            idsOf(row, "tags").filter((t) => t !== tag.id),
          );
      }
    }
    store.tags.delete(tag.id);
  };

  return {
    get_tags: (req) => {
      if (store.tagGroups.size === 0) defaultGroup();
      const page = paginateRows(req, store.tags.values(), { get: attributeGetter, size: pageSize(req, 50) });
      const included: unknown[] = [];
      if (includes(req, "tag-group")) {
        const seen = new Set<string>();
        for (const t of page.rows) {
          const g = groupOf(t);
          const row = g ? store.tagGroups.get(g) : undefined;
          if (row && !seen.has(row.id)) {
            seen.add(row.id);
            included.push(renderGroup(req, row));
          }
        }
      }
      return collection(
        req,
        page.rows.map((r) => renderTag(req, r)),
        page,
        included,
      );
    },

    get_tag: (req) => {
      const tag = getTag(req.params.id ?? "");
      const g = groupOf(tag);
      const group = g ? store.tagGroups.get(g) : undefined;
      return single(
        req,
        renderTag(req, tag),
        200,
        includes(req, "tag-group") && group ? [renderGroup(req, group)] : [],
      );
    },

    create_tag: (req) => {
      const data = bodyData(req);
      const name = String(data.attributes?.name ?? "").trim();
      if (name === "") throw invalid("The tag name cannot be empty.", { pointer: "/data/attributes/name" });
      if (store.tags.size >= MAX_TAGS)
        throw invalid(`An account cannot have more than ${MAX_TAGS} tags.`, { pointer: "/data" });
      const rel = data.relationships?.["tag-group"]?.data as { id?: string } | undefined;
      const group = rel?.id ? store.tagGroups.get(rel.id) : defaultGroup();
      if (!group)
        throw new ApiError(404, "not_found", "Not found.", `A tag group with id ${rel?.id} does not exist.`, {
          pointer: "/data/relationships/tag-group/data/id",
        });
      checkUniqueName(name, group.id);
      const row = store.tags.insert({
        id: uuidFrom(`tag:${store.ids.ulid(req.now)}`),
        attributes: { name },
        relationships: { "tag-group": group.id, lists: [], segments: [], campaigns: [], flows: [] },
      });
      return single(req, renderTag(req, row), 201);
    },

    update_tag: (req) => {
      const tag = getTag(req.params.id ?? "");
      const name = String(bodyAttributes(req).name ?? "").trim();
      if (name === "") throw invalid("The tag name cannot be empty.", { pointer: "/data/attributes/name" });
      checkUniqueName(name, groupOf(tag) ?? "", tag.id);
      tag.attributes = { ...tag.attributes, name };
      return noContent;
    },

    delete_tag: (req) => {
      deleteTag(getTag(req.params.id ?? ""));
      return noContent;
    },

    get_tag_groups: (req) => {
      defaultGroup();
      const page = paginateRows(req, store.tagGroups.values(), {
        get: attributeGetter,
        size: pageSize(req, 25),
      });
      return collection(
        req,
        page.rows.map((r) => renderGroup(req, r)),
        page,
      );
    },

    get_tag_group: (req) => single(req, renderGroup(req, getGroup(req.params.id ?? ""))),

    create_tag_group: (req) => {
      defaultGroup();
      const a = bodyAttributes(req);
      const name = String(a.name ?? "").trim();
      if (name === "")
        throw invalid("The tag group name cannot be empty.", { pointer: "/data/attributes/name" });
      if (store.tagGroups.size >= MAX_GROUPS)
        throw invalid(`An account cannot have more than ${MAX_GROUPS} tag groups.`, { pointer: "/data" });
      if (store.tagGroups.find((g) => String(g.attributes.name).toLowerCase() === name.toLowerCase()))
        throw new ApiError(409, "conflict", "Conflict.", `A tag group named "${name}" already exists.`, {
          pointer: "/data/attributes/name",
        });
      const row = store.tagGroups.insert({
        id: uuidFrom(`tag-group:${store.ids.ulid(req.now)}`),
        attributes: { name, exclusive: a.exclusive === true, default: false },
      });
      return single(req, renderGroup(req, row), 201);
    },

    update_tag_group: (req) => {
      const group = getGroup(req.params.id ?? "");
      const name = String(bodyAttributes(req).name ?? "").trim();
      if (name === "")
        throw invalid("The tag group name cannot be empty.", { pointer: "/data/attributes/name" });
      group.attributes = { ...group.attributes, name };
      return noContent;
    },

    delete_tag_group: (req) => {
      const group = getGroup(req.params.id ?? "");
      if (group.attributes.default === true)
        throw invalid("The default tag group cannot be deleted.", { parameter: "id" });
      for (const t of tagsInGroup(group.id)) deleteTag(t);
      store.tagGroups.delete(group.id);
      return noContent;
    },

    get_tag_group_for_tag: (req) => {
      const tag = getTag(req.params.id ?? "");
      const g = store.tagGroups.get(groupOf(tag) ?? "");
      return single(req, g ? renderGroup(req, g) : null);
    },

    get_tag_group_id_for_tag: (req) => {
      const tag = getTag(req.params.id ?? "");
      const g = groupOf(tag);
      return single(req, g && store.tagGroups.has(g) ? { type: "tag-group", id: g } : null);
    },

    get_tags_for_tag_group: (req) => {
      const group = getGroup(req.params.id ?? "");
      return collection(
        req,
        tagsInGroup(group.id).map((t) => renderTag(req, t)),
        {},
      );
    },

    get_tag_ids_for_tag_group: (req) => {
      const group = getGroup(req.params.id ?? "");
      return identifiers(
        req,
        "tag",
        tagsInGroup(group.id).map((t) => t.id),
      );
    },

    tag_flows: tagResourcesOp("flows"),
    tag_campaigns: tagResourcesOp("campaigns"),
    tag_lists: tagResourcesOp("lists"),
    tag_segments: tagResourcesOp("segments"),
    remove_tag_from_flows: untagResourcesOp("flows"),
    remove_tag_from_campaigns: untagResourcesOp("campaigns"),
    remove_tag_from_lists: untagResourcesOp("lists"),
    remove_tag_from_segments: untagResourcesOp("segments"),
    get_flow_ids_for_tag: idsForTag("flows"),
    get_campaign_ids_for_tag: idsForTag("campaigns"),
    get_list_ids_for_tag: idsForTag("lists"),
    get_segment_ids_for_tag: idsForTag("segments"),
  };
}
