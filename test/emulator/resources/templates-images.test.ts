import { afterEach, describe, expect, it } from "vitest";
import { NotFoundError, type ValidationError } from "../../../src/client/errors.js";
import { startTestEmulator, type TestEmulator } from "../../helpers/emulator.js";
import { failure, ManualClock } from "./helpers.js";

let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

describe("emulated templates", () => {
  it("creates, lists ten per page, filters, updates, clones, renders and deletes", async () => {
    const clock = new ManualClock();
    emu = await startTestEmulator({ clock });
    const c = emu.client();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const t = await c.templates.create({
        data: {
          type: "template",
          attributes: {
            name: `Template ${String(i).padStart(2, "0")}`,
            editor_type: "CODE",
            html: `<p>${i}</p>`,
          },
        },
      });
      ids.push(t.data.id);
      clock.advance(1000);
    }
    const first = await c.templates.list().first();
    expect(first.data).toHaveLength(10);
    expect(first.links.next).toBeDefined();
    const all = await c.templates.list({ sort: "-created" }).toArray();
    expect(all.map((t) => t.id)).toEqual([...ids].reverse());
    const some = await c.templates.list({ filter: "any(name,['Template 03','Template 07'])" }).toArray();
    expect(some.map((t) => t.attributes.name).sort()).toEqual(["Template 03", "Template 07"]);
    const contains = await c.templates.list({ filter: "contains(name,'template 1')" }).toArray();
    expect(contains).toHaveLength(2);

    const dnd = await c.templates.create({
      data: {
        type: "template",
        attributes: {
          name: "Welcome",
          editor_type: "SYSTEM_DRAGGABLE",
          html: "<p>Hello {{ first_name }}, from {{ organization.name }}{{ missing|default:'!' }}</p>",
          text: "Hello {{ first_name }}",
          definition: { body: { properties: {}, styles: {}, sections: [] }, styles: [] },
        },
      },
    });
    expect(dnd.data.attributes.definition).toBeDefined();
    const got = await c.templates.get(dnd.data.id);
    expect(got.data.attributes).not.toHaveProperty("definition");
    const withDef = await c.templates.get(dnd.data.id, { "additional-fields[template]": ["definition"] });
    expect(withDef.data.attributes.definition).toMatchObject({ styles: [] });

    const rendered = await c.templates.render({
      data: {
        type: "template",
        id: dnd.data.id,
        attributes: { context: { first_name: "Ada", organization: { name: "Analytical Engines" } } },
      },
    });
    expect(rendered.data.attributes.html).toBe("<p>Hello Ada, from Analytical Engines!</p>");
    expect(rendered.data.attributes.text).toBe("Hello Ada");

    const updated = await c.templates.update(dnd.data.id, {
      data: { type: "template", id: dnd.data.id, attributes: { name: "Welcome v2", html: "<p>v2</p>" } },
    });
    expect(updated.data.attributes).toMatchObject({ name: "Welcome v2", html: "<p>v2</p>" });
    const clone = await c.templates.clone({
      data: { type: "template", id: dnd.data.id, attributes: { name: "Copy" } },
    });
    expect(clone.data.id).not.toBe(dnd.data.id);
    expect(clone.data.attributes).toMatchObject({ name: "Copy", html: "<p>v2</p>" });

    await c.templates.delete(dnd.data.id);
    await expect(c.templates.get(dnd.data.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      c.templates.render({ data: { type: "template", id: dnd.data.id, attributes: { context: {} } } }),
    ).rejects.toBeInstanceOf(NotFoundError);
    const noHtml = await failure<ValidationError>(
      c.templates.create({ data: { type: "template", attributes: { name: "Empty", editor_type: "CODE" } } }),
    );
    expect(noHtml.pointer).toBe("/data/attributes/html");
  });
});

describe("emulated images", () => {
  it("imports from a URL, uploads a file, lists with filters and sorts, and updates", async () => {
    const clock = new ManualClock();
    emu = await startTestEmulator({ clock });
    const c = emu.client();
    const fromUrl = await c.images.uploadFromUrl("https://cdn.example.com/img/hero.jpg", { name: "Hero" });
    expect(fromUrl.data.attributes).toMatchObject({
      name: "Hero",
      image_url: "https://cdn.example.com/img/hero.jpg",
      format: "jpeg",
      hidden: false,
    });
    clock.advance(1000);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
    const uploaded = await c.images.uploadFromFile(
      { data: png, filename: "logo.png" },
      { name: "Logo", hidden: true },
    );
    expect(uploaded.data.attributes).toMatchObject({
      name: "Logo",
      format: "png",
      size: png.length,
      hidden: true,
    });
    expect(uploaded.data.attributes.image_url).toBe(`${emu.url}/images/${uploaded.data.id}`);
    clock.advance(1000);
    const dataUri = await c.images.uploadFromUrl(
      `data:image/gif;base64,${Buffer.from("GIF89a").toString("base64")}`,
    );
    expect(dataUri.data.attributes).toMatchObject({ format: "gif", size: 6 });

    const all = await c.images.list({ sort: "-updated_at", "page[size]": 2 }).toArray();
    expect(all.map((i) => i.id)).toEqual([dataUri.data.id, uploaded.data.id, fromUrl.data.id]);
    const visible = await c.images
      .list({ filter: "equals(hidden,false),any(format,['jpeg','gif'])" })
      .toArray();
    expect(visible.map((i) => i.id).sort()).toEqual([fromUrl.data.id, dataUri.data.id].sort());
    const big = await c.images.list({ filter: "greater-than(size,10)" }).toArray();
    expect(big.map((i) => i.id)).toEqual([uploaded.data.id]);

    const updated = await c.images.update(fromUrl.data.id, {
      data: { type: "image", id: fromUrl.data.id, attributes: { name: "Hero banner", hidden: true } },
    });
    expect(updated.data.attributes).toMatchObject({ name: "Hero banner", hidden: true });
    expect((await c.images.get(fromUrl.data.id)).data.attributes.name).toBe("Hero banner");
    await expect(c.images.get("999")).rejects.toBeInstanceOf(NotFoundError);
    const bad = await failure<ValidationError>(c.images.uploadFromUrl("ftp://example.com/a.png"));
    expect(bad.pointer).toBe("/data/attributes/import_from_url");
  });
});
