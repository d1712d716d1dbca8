import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Transport } from "../../../src/client/types.js";
import type { RecordedRequest } from "../../helpers/loopback.js";
import { useHarness } from "./harness.js";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);

/** Parses the multipart body the server received. */
async function formOf(req: RecordedRequest): Promise<FormData> {
  expect(req.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
  return await new Response(new Uint8Array(req.bytes), {
    headers: { "content-type": req.headers["content-type"] ?? "" },
  }).formData();
}

async function fileOf(form: FormData): Promise<{ name: string; type: string; bytes: number[] }> {
  const file = form.get("file");
  if (!(file instanceof Blob)) throw new Error("no file part");
  return { name: (file as File).name, type: file.type, bytes: [...new Uint8Array(await file.arrayBuffer())] };
}

/** Sends with the platform's fetch: checks the form independently of the default transport. */
const fetchTransport: Transport = async (req) => {
  const res = await fetch(req.url, {
    method: req.method,
    headers: req.headers,
    body: req.body ?? null,
    signal: req.signal,
  });
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    headers[k] = v;
  });
  return { status: res.status, headers, body: await res.text() };
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "klaviyo-images-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("images.uploadFromFile (default transport)", () => {
  const h = useHarness();

  it("sends the bytes as multipart/form-data to /api/image-upload", async () => {
    await h.resources.images.uploadFromFile(
      { data: PNG, filename: "logo.png" },
      { name: "Logo", hidden: true },
    );
    const [req] = h.server.requests;
    if (!req) throw new Error("no request");
    expect([req.method, req.pathname, req.operationId]).toEqual([
      "POST",
      "/api/image-upload",
      "upload_image_from_file",
    ]);
    const form = await formOf(req);
    expect(await fileOf(form)).toEqual({ name: "logo.png", type: "image/png", bytes: [...PNG] });
    expect(form.get("name")).toBe("Logo");
    expect(form.get("hidden")).toBe("true");
  });
});

describe("images.uploadFromFile (form contents)", () => {
  const h = useHarness({ transport: fetchTransport });

  it("reads a file path, names the part after the file and guesses the content type", async () => {
    const path = join(dir, "hero.JPG");
    await writeFile(path, PNG);
    await h.resources.images.uploadFromFile(path);
    const [req] = h.server.requests;
    if (!req) throw new Error("no request");
    expect([req.method, req.pathname]).toEqual(["POST", "/api/image-upload"]);
    const form = await formOf(req);
    expect(await fileOf(form)).toEqual({ name: "hero.JPG", type: "image/jpeg", bytes: [...PNG] });
    expect(form.has("name")).toBe(false);
    expect(form.has("hidden")).toBe(false);
  });

  it("uses the given content type and accepts a Node Buffer", async () => {
    await h.resources.images.uploadFromFile(
      { data: Buffer.from(PNG), filename: "banner", contentType: "image/gif" },
      { name: "Banner", hidden: false },
    );
    const [req] = h.server.requests;
    if (!req) throw new Error("no request");
    const form = await formOf(req);
    expect(await fileOf(form)).toEqual({ name: "banner", type: "image/gif", bytes: [...PNG] });
    expect(form.get("name")).toBe("Banner");
    expect(form.get("hidden")).toBe("false");
  });
});
