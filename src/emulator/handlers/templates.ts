/**
 * Email templates: CRUD, clone and render. `definition` (drag-and-drop templates) is stored with
 * the row but only returned with `additional-fields[template]=definition` (and on create).
 * Rendering substitutes `{{ name }}` / `{{ person.first_name }}` / `{{ x|default:'y' }}` variables
 * from the context (missing ones render as nothing, as Klaviyo's Django-like templates do); other
 * template tags are left as they are.
 */
import { additionalField, attributeGetter, getPath, pageSize, paginateRows } from "../jsonapi.js";
import {
  bodyAttributes,
  bodyData,
  collection,
  noContent,
  type Resource,
  renderRow,
  single,
} from "../render.js";
import { iso } from "../store/ids.js";
import type { EmulatorStore, ResourceRow } from "../store/store.js";
import { type EmuRequest, type Handler, invalid, notFound } from "../types.js";

/** Klaviyo caps templates created through the API at 1,000 per account. */
const MAX_TEMPLATES = 1000;

/** Renders a template row; `definition` only when asked for (or `withDefinition`). */
export function renderTemplate(req: EmuRequest, row: ResourceRow, withDefinition = false): Resource {
  const { definition, ...rest } = row.attributes;
  const attrs: Record<string, unknown> = { ...rest };
  if (definition !== undefined && (withDefinition || additionalField(req, "template", "definition")))
    attrs.definition = definition;
  return renderRow(req, "template", { id: row.id, attributes: attrs }, { path: "/api/templates" });
}

/** Replaces `{{ var }}` placeholders with values from `context` (dot paths, `|default:'x'`). */
export function renderTemplateText(text: string, context: Record<string, unknown>): string {
  return text.replace(
    /\{\{\s*([A-Za-z_$][\w$.]*)\s*((?:\|[^}]*)?)\}\}/g,
    (_m, path: string, filters: string) => {
      let value = getPath(context, path);
      if (value === undefined || value === null || value === "" || value === false) {
        const def = /\|\s*default\s*:\s*(?:'([^']*)'|"([^"]*)")/.exec(filters);
        return def ? (def[1] ?? def[2] ?? "") : "";
      }
      if (typeof value === "object") value = JSON.stringify(value);
      return String(value);
    },
  );
}

export function templateHandlers(store: EmulatorStore): Record<string, Handler> {
  const getTemplate = (id: string): ResourceRow => {
    const row = store.templates.get(id);
    if (!row) throw notFound("template", id);
    return row;
  };
  const checkLimit = () => {
    if (store.templates.size >= MAX_TEMPLATES)
      throw invalid(`An account can have at most ${MAX_TEMPLATES} templates created through the API.`, {
        pointer: "/data",
      });
  };

  return {
    get_templates: (req) => {
      const page = paginateRows(req, store.templates.values(), {
        get: attributeGetter,
        size: pageSize(req, 10),
      });
      return collection(
        req,
        page.rows.map((r) => renderTemplate(req, r)),
        page,
      );
    },

    get_template: (req) => single(req, renderTemplate(req, getTemplate(req.params.id ?? ""))),

    create_template: (req) => {
      const a = bodyAttributes(req);
      const name = String(a.name ?? "").trim();
      if (name === "")
        throw invalid("The template name cannot be empty.", { pointer: "/data/attributes/name" });
      const editorType = String(a.editor_type ?? "CODE");
      if (typeof a.html !== "string" && a.definition === undefined)
        throw invalid("A template needs `html` (or a `definition` for drag-and-drop templates).", {
          pointer: "/data/attributes/html",
        });
      checkLimit();
      const now = iso(req.now);
      const row = store.templates.insert({
        id: store.ids.short(),
        attributes: {
          name,
          editor_type: editorType,
          html: typeof a.html === "string" ? a.html : "",
          text: typeof a.text === "string" ? a.text : null,
          amp: typeof a.amp === "string" ? a.amp : null,
          created: now,
          updated: now,
          ...(a.definition !== undefined ? { definition: a.definition } : {}),
        },
      });
      return single(req, renderTemplate(req, row, true), 201);
    },

    update_template: (req) => {
      const row = getTemplate(req.params.id ?? "");
      const a = bodyAttributes(req);
      const next = { ...row.attributes };
      for (const k of ["name", "html", "text", "amp"] as const) {
        if (a[k] === undefined) continue;
        if (k === "name" && (a[k] === null || String(a[k]).trim() === ""))
          throw invalid("The template name cannot be empty.", { pointer: "/data/attributes/name" });
        if (k === "html" && a[k] === null) next.html = "";
        else next[k] = a[k];
      }
      if (a.definition !== undefined) next.definition = a.definition;
      next.updated = iso(req.now);
      row.attributes = next;
      return single(req, renderTemplate(req, row));
    },

    delete_template: (req) => {
      const row = getTemplate(req.params.id ?? "");
      store.templates.delete(row.id);
      return noContent;
    },

    clone_template: (req) => {
      const data = bodyData(req);
      const source = getTemplate(data.id ?? "");
      checkLimit();
      const now = iso(req.now);
      const name =
        typeof data.attributes?.name === "string" && data.attributes.name.trim() !== ""
          ? data.attributes.name
          : `Clone of ${String(source.attributes.name)}`;
      const row = store.templates.insert({
        id: store.ids.short(),
        attributes: { ...structuredClone(source.attributes), name, created: now, updated: now },
      });
      return single(req, renderTemplate(req, row), 201);
    },

    render_template: (req) => {
      const data = bodyData(req);
      const source = getTemplate(data.id ?? "");
      const context = (data.attributes?.context ?? {}) as Record<string, unknown>;
      const a = source.attributes;
      const rendered: ResourceRow = {
        id: source.id,
        attributes: {
          name: a.name,
          editor_type: a.editor_type,
          html: renderTemplateText(typeof a.html === "string" ? a.html : "", context),
          text: typeof a.text === "string" ? renderTemplateText(a.text, context) : null,
          amp: typeof a.amp === "string" ? renderTemplateText(a.amp, context) : null,
          created: a.created ?? null,
          updated: a.updated ?? null,
        },
      };
      return single(req, renderTemplate(req, rendered), 201);
    },
  };
}
