/**
 * Images of the account's library. Importing from a URL stores the URL as `image_url` (nothing is
 * downloaded; `size` is 0 unless the URL is a data URI). Uploading a file stores its size and
 * format and answers an `image_url` under the emulator's origin (`/images/<id>`, not served).
 * Ids are numeric strings, as Klaviyo's are. Images are at most 5 MB.
 */
import { attributeGetter, pageSize, paginateRows } from "../jsonapi.js";
import { bodyAttributes, collection, type Resource, renderRow, single } from "../render.js";
import { iso } from "../store/ids.js";
import type { EmulatorStore, ResourceRow } from "../store/store.js";
import { type EmuRequest, type Handler, invalid, notFound } from "../types.js";

const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const IMAGE_RENDER = { path: "/api/images" };

const FORMATS: Record<string, string> = {
  jpg: "jpeg",
  jpeg: "jpeg",
  png: "png",
  gif: "gif",
  webp: "webp",
  bmp: "bmp",
  svg: "svg",
  tif: "tiff",
  tiff: "tiff",
  heic: "heic",
};

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function renderImage(req: EmuRequest, row: ResourceRow): Resource {
  return renderRow(req, "image", row, IMAGE_RENDER);
}

function formatFrom(nameOrType: string): string | undefined {
  const s = nameOrType.toLowerCase();
  const mime = /^image\/([a-z0-9.+-]+)/.exec(s)?.[1];
  if (mime) return FORMATS[mime.replace(/\+xml$/, "")] ?? mime;
  const ext = /\.([a-z0-9]+)(?:$|[?#])/.exec(s)?.[1];
  return ext ? FORMATS[ext] : undefined;
}

export function imageHandlers(store: EmulatorStore): Record<string, Handler> {
  const nextId = (): string => {
    let max = 0;
    for (const r of store.images.values()) {
      const n = Number(r.id);
      if (Number.isInteger(n) && n > max) max = n;
    }
    return String(max + 1);
  };
  const getImage = (id: string): ResourceRow => {
    const row = store.images.get(id);
    if (!row) throw notFound("image", id);
    return row;
  };

  return {
    get_images: (req) => {
      const page = paginateRows(req, store.images.values(), {
        get: attributeGetter,
        size: pageSize(req, 20),
      });
      return collection(
        req,
        page.rows.map((r) => renderImage(req, r)),
        page,
      );
    },

    get_image: (req) => single(req, renderImage(req, getImage(req.params.id ?? ""))),

    upload_image_from_url: (req) => {
      const a = bodyAttributes(req);
      const url = String(a.import_from_url ?? "").trim();
      const pointer = "/data/attributes/import_from_url";
      let size = 0;
      let format: string | undefined;
      let imageUrl = url;
      const dataUri = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(url);
      const id = nextId();
      if (dataUri) {
        format = formatFrom(dataUri[1] ?? "");
        const payload = dataUri[3] ?? "";
        size = dataUri[2] ? Buffer.from(payload, "base64").length : Buffer.byteLength(safeDecode(payload));
        imageUrl = `${req.origin}/images/${id}`;
      } else {
        let parsed: URL;
        try {
          parsed = new URL(url);
        } catch {
          throw invalid(`"${url}" is not a URL or a data URI.`, { pointer });
        }
        if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
          throw invalid("Images can be imported from http(s) URLs and data URIs only.", { pointer });
        format = formatFrom(parsed.pathname);
      }
      if (!format)
        throw invalid("The image format is not supported (use JPEG, PNG, GIF, WebP...).", { pointer });
      if (size > MAX_IMAGE_BYTES) throw invalid("Images can be at most 5 MB.", { pointer });
      const name =
        typeof a.name === "string" && a.name !== ""
          ? a.name
          : dataUri
            ? `image-${id}`
            : safeDecode(new URL(url).pathname.split("/").pop() || `image-${id}`);
      const row = store.images.insert({
        id,
        attributes: {
          name,
          image_url: imageUrl,
          format,
          size,
          hidden: a.hidden === true,
          updated_at: iso(req.now),
        },
      });
      return single(req, renderImage(req, row), 201);
    },

    upload_image_from_file: (req) => {
      const file = req.multipart?.files[0];
      if (!file) throw invalid("The multipart body needs a `file` part.", { pointer: "/file" });
      if (file.data.length === 0) throw invalid("The uploaded file is empty.", { pointer: "/file" });
      if (file.data.length > MAX_IMAGE_BYTES)
        throw invalid("Images can be at most 5 MB.", { pointer: "/file" });
      const format = formatFrom(file.contentType) ?? formatFrom(file.filename);
      if (!format)
        throw invalid("The image format is not supported (use JPEG, PNG, GIF, WebP...).", {
          pointer: "/file",
        });
      const fields = req.multipart?.fields ?? {};
      const id = nextId();
      const row = store.images.insert({
        id,
        attributes: {
          name: fields.name && fields.name !== "" ? fields.name : file.filename || `image-${id}`,
          image_url: `${req.origin}/images/${id}`,
          format,
          size: file.data.length,
          hidden: fields.hidden === "true",
          updated_at: iso(req.now),
        },
      });
      return single(req, renderImage(req, row), 201);
    },

    update_image: (req) => {
      const row = getImage(req.params.id ?? "");
      const a = bodyAttributes(req);
      const next = { ...row.attributes };
      if (typeof a.name === "string") next.name = a.name;
      if (typeof a.hidden === "boolean") next.hidden = a.hidden;
      next.updated_at = iso(req.now);
      row.attributes = next;
      return single(req, renderImage(req, row));
    },
  };
}
