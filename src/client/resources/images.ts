import { readFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import type { BaseClient } from "../client.js";
import type { BodyOf, ResponseOf } from "../typed.js";
import { methods, type RequestOptions } from "./shared.js";

/** The optional form fields of a file upload (`name`, `hidden`). */
export type ImageUploadAttributes = Partial<Omit<BodyOf<"upload_image_from_file">, "file">>;
/** The optional attributes of an import from a URL (`name`, `hidden`). */
export type ImageImportAttributes = Partial<
  Omit<BodyOf<"upload_image_from_url">["data"]["attributes"], "import_from_url">
>;

/** An image held in memory. `contentType` defaults from the file name's extension. */
export interface ImageFile {
  data: Uint8Array;
  filename: string;
  contentType?: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".bmp": "image/bmp",
  ".svg": "image/svg+xml",
  ".tif": "image/tiff",
  ".tiff": "image/tiff",
  ".heic": "image/heic",
};

function contentTypeFor(filename: string): string {
  return CONTENT_TYPES[extname(filename).toLowerCase()] ?? "application/octet-stream";
}

async function toForm(file: ImageFile | string, attributes: ImageUploadAttributes = {}): Promise<FormData> {
  const f: ImageFile =
    typeof file === "string" ? { data: await readFile(file), filename: basename(file) } : file;
  const form = new FormData();
  // Copy into a fresh ArrayBuffer-backed view: a Node Buffer may sit on a shared pool.
  const blob = new Blob([new Uint8Array(f.data)], { type: f.contentType ?? contentTypeFor(f.filename) });
  form.append("file", blob, f.filename);
  if (attributes.name !== undefined) form.append("name", attributes.name);
  if (attributes.hidden !== undefined) form.append("hidden", String(attributes.hidden));
  return form;
}

/** Images in the account's library. */
export function imagesResource(client: BaseClient) {
  const m = methods(client);
  return {
    list: m.list("get_images"),
    get: m.get("get_image"),
    /** Imports an image Klaviyo downloads from a public URL (5 MB at most; 100 uploads a day). */
    uploadFromUrl: (
      url: string,
      attributes: ImageImportAttributes = {},
      options?: RequestOptions,
    ): Promise<ResponseOf<"upload_image_from_url">> =>
      client.call("upload_image_from_url", {
        ...options,
        body: {
          data: {
            type: "image",
            attributes: { ...attributes, import_from_url: url, hidden: attributes.hidden ?? false },
          },
        },
      }),
    /** Uploads an image from memory or from a file path, as multipart/form-data. */
    uploadFromFile: async (
      file: ImageFile | string,
      attributes?: ImageUploadAttributes,
      options?: RequestOptions,
    ): Promise<ResponseOf<"upload_image_from_file">> =>
      await client.call("upload_image_from_file", { ...options, body: await toForm(file, attributes) }),
    update: m.update("update_image"),
  };
}
