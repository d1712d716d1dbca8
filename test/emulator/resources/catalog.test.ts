import { afterEach, describe, expect, it } from "vitest";
import { ConflictError, NotFoundError, type ValidationError } from "../../../src/client/errors.js";
import type { KlaviyoClient } from "../../../src/client/index.js";
import type { BodyOf } from "../../../src/client/typed.js";
import { startTestEmulator, type TestEmulator } from "../../helpers/emulator.js";
import { failure, ManualClock } from "./helpers.js";

let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const id = (ext: string) => `$custom:::$default:::${ext}`;

type ItemAttrs = BodyOf<"create_catalog_item">["data"]["attributes"];
const item = (ext: string, extra: Partial<ItemAttrs> = {}): ItemAttrs => ({
  external_id: ext,
  title: `Item ${ext}`,
  description: `About ${ext}`,
  url: `https://shop.example.com/${ext}`,
  price: 10,
  ...extra,
});

type VariantAttrs = BodyOf<"create_catalog_variant">["data"]["attributes"];
const variant = (ext: string, extra: Partial<VariantAttrs> = {}): VariantAttrs => ({
  external_id: ext,
  title: `Variant ${ext}`,
  description: "A variant",
  sku: `SKU-${ext}`,
  inventory_quantity: 5,
  price: 12,
  url: `https://shop.example.com/v/${ext}`,
  ...extra,
});

async function category(c: KlaviyoClient, ext: string, name: string, items: string[] = []) {
  return c.catalog.categories.create({
    data: {
      type: "catalog-category",
      attributes: { external_id: ext, name },
      relationships: { items: { data: items.map((i) => ({ type: "catalog-item" as const, id: i })) } },
    },
  });
}

describe("emulated catalog", () => {
  it("creates, reads, filters, updates and deletes items, variants and categories", async () => {
    const clock = new ManualClock();
    emu = await startTestEmulator({ clock });
    const c = emu.client();
    const shoes = await category(c, "SHOES", "Shoes");
    clock.advance(1000);
    const boot = await c.catalog.items.create({
      data: {
        type: "catalog-item",
        attributes: item("BOOT", { title: "Leather boot" }),
        relationships: { categories: { data: [{ type: "catalog-category", id: shoes.data.id }] } },
      },
    });
    expect(boot.data.id).toBe(id("BOOT"));
    clock.advance(1000);
    await c.catalog.items.create({
      data: { type: "catalog-item", attributes: item("SANDAL", { published: false }) },
    });
    clock.advance(1000);
    await c.catalog.items.create({
      data: { type: "catalog-item", attributes: item("HAT", { title: "Sun hat" }) },
    });
    const dup = await failure(
      c.catalog.items.create({ data: { type: "catalog-item", attributes: item("HAT") } }),
    );
    expect(dup).toBeInstanceOf(ConflictError);

    const v1 = await c.catalog.variants.create({
      data: {
        type: "catalog-variant",
        attributes: variant("BOOT-42"),
        relationships: { item: { data: { type: "catalog-item", id: id("BOOT") } } },
      },
    });
    expect(v1.data.relationships?.item?.data?.id).toBe(id("BOOT"));
    clock.advance(1000);
    await c.catalog.variants.create({
      data: {
        type: "catalog-variant",
        attributes: variant("BOOT-43", { title: "Boot 43" }),
        relationships: { item: { data: { type: "catalog-item", id: id("BOOT") } } },
      },
    });
    const orphan = await failure<ValidationError>(
      c.catalog.variants.create({
        data: {
          type: "catalog-variant",
          attributes: variant("X"),
          relationships: { item: { data: { type: "catalog-item", id: id("NOPE") } } },
        },
      }),
    );
    expect(orphan.pointer).toBe("/data/relationships/item/data/id");

    const newest = await c.catalog.items.list({ sort: "-created", "page[size]": 2 }).toArray();
    expect(newest.map((i) => i.id)).toEqual([id("HAT"), id("SANDAL"), id("BOOT")]);
    const inShoes = await c.catalog.items
      .list({ filter: `equals(category.id,'${shoes.data.id}')` })
      .toArray();
    expect(inShoes.map((i) => i.id)).toEqual([id("BOOT")]);
    const titled = await c.catalog.items
      .list({ filter: "contains(title,'HAT'),equals(published,true)" })
      .toArray();
    expect(titled.map((i) => i.id)).toEqual([id("HAT")]);
    const some = await c.catalog.items
      .list({ filter: `any(ids,['${id("HAT")}','${id("SANDAL")}'])` })
      .toArray();
    expect(some).toHaveLength(2);
    const withVariants = await c.catalog.items.get(id("BOOT"), { include: ["variants"] });
    expect(withVariants.included?.map((v) => v.id)).toEqual([id("BOOT-42"), id("BOOT-43")]);
    const listedWithVariants = await c.catalog.items.list({ include: ["variants"] }).first();
    expect(listedWithVariants.included).toHaveLength(2);

    const bySku = await c.catalog.variants.list({ filter: "equals(sku,'SKU-BOOT-43')" }).toArray();
    expect(bySku.map((v) => v.id)).toEqual([id("BOOT-43")]);
    const ofItem = await c.catalog.variants.list({ filter: `equals(item.id,'${id("BOOT")}')` }).toArray();
    expect(ofItem).toHaveLength(2);
    expect((await c.catalog.variants.get(id("BOOT-42"))).data.attributes.sku).toBe("SKU-BOOT-42");
    const vUpd = await c.catalog.variants.update(id("BOOT-42"), {
      data: { type: "catalog-variant", id: id("BOOT-42"), attributes: { inventory_quantity: 0, price: 9.5 } },
    });
    expect(vUpd.data.attributes).toMatchObject({ inventory_quantity: 0, price: 9.5, sku: "SKU-BOOT-42" });

    const hats = await category(c, "HATS", "Hats", [id("HAT")]);
    const cats = await c.catalog.categories.list({ filter: "contains(name,'hat')" }).toArray();
    expect(cats.map((x) => x.id)).toEqual([hats.data.id]);
    const catsOfHat = await c.catalog.categories.list({ filter: `equals(item.id,'${id("HAT")}')` }).toArray();
    expect(catsOfHat.map((x) => x.id)).toEqual([hats.data.id]);
    expect((await c.catalog.categories.get(hats.data.id)).data.attributes).not.toHaveProperty("created");
    const renamed = await c.catalog.categories.update(hats.data.id, {
      data: {
        type: "catalog-category",
        id: hats.data.id,
        attributes: { name: "Headwear" },
        relationships: {
          items: {
            data: [
              { type: "catalog-item", id: id("HAT") },
              { type: "catalog-item", id: id("BOOT") },
            ],
          },
        },
      },
    });
    expect(renamed.data.attributes.name).toBe("Headwear");

    const iUpd = await c.catalog.items.update(id("BOOT"), {
      data: {
        type: "catalog-item",
        id: id("BOOT"),
        attributes: { price: 99, custom_metadata: { color: "brown" } },
        relationships: { categories: { data: [{ type: "catalog-category", id: hats.data.id }] } },
      },
    });
    expect(iUpd.data.attributes).toMatchObject({
      price: 99,
      title: "Leather boot",
      custom_metadata: { color: "brown" },
    });
    expect((await c.catalog.items.categories(id("BOOT")).toArray()).map((x) => x.id)).toEqual([hats.data.id]);

    await c.catalog.variants.delete(id("BOOT-43"));
    await expect(c.catalog.variants.get(id("BOOT-43"))).rejects.toBeInstanceOf(NotFoundError);
    await c.catalog.categories.delete(shoes.data.id);
    await expect(c.catalog.categories.get(shoes.data.id)).rejects.toBeInstanceOf(NotFoundError);
    await c.catalog.items.delete(id("BOOT"));
    await expect(c.catalog.items.get(id("BOOT"))).rejects.toBeInstanceOf(NotFoundError);
    await expect(c.catalog.variants.get(id("BOOT-42"))).rejects.toBeInstanceOf(NotFoundError);
    expect((await c.catalog.categories.items(hats.data.id).toArray()).map((x) => x.id)).toEqual([id("HAT")]);
  });

  it("relates items and categories from both sides", async () => {
    emu = await startTestEmulator();
    const c = emu.client();
    for (const ext of ["A", "B", "C"])
      await c.catalog.items.create({ data: { type: "catalog-item", attributes: item(ext) } });
    const cat = await category(c, "CAT", "Cat");
    const other = await category(c, "OTHER", "Other");
    await c.catalog.categories.addItems(cat.data.id, [id("A"), id("B")]);
    const itemIds = await c.call("get_item_ids_for_catalog_category", { path: { id: cat.data.id } });
    expect(itemIds.data.map((r) => r.id)).toEqual([id("A"), id("B")]);
    await c.call("update_items_for_catalog_category", {
      path: { id: cat.data.id },
      body: { data: [{ type: "catalog-item", id: id("C") }] },
    });
    expect(
      (await c.catalog.categories.items(cat.data.id, { include: ["variants"] }).toArray()).map((x) => x.id),
    ).toEqual([id("C")]);
    await c.catalog.categories.removeItems(cat.data.id, [id("C")]);
    expect(await c.catalog.categories.items(cat.data.id).toArray()).toEqual([]);

    await c.call("add_categories_to_catalog_item", {
      path: { id: id("A") },
      body: {
        data: [
          { type: "catalog-category", id: cat.data.id },
          { type: "catalog-category", id: other.data.id },
        ],
      },
    });
    const catIds = await c.call("get_category_ids_for_catalog_item", { path: { id: id("A") } });
    expect(catIds.data.map((r) => r.id).sort()).toEqual([cat.data.id, other.data.id].sort());
    await c.call("update_categories_for_catalog_item", {
      path: { id: id("A") },
      body: { data: [{ type: "catalog-category", id: other.data.id }] },
    });
    await c.call("remove_categories_from_catalog_item", {
      path: { id: id("A") },
      body: { data: [{ type: "catalog-category", id: other.data.id }] },
    });
    expect((await c.catalog.items.categories(id("A")).toArray()).length).toBe(0);

    await c.catalog.variants.create({
      data: {
        type: "catalog-variant",
        attributes: variant("A-1"),
        relationships: { item: { data: { type: "catalog-item", id: id("A") } } },
      },
    });
    expect((await c.catalog.items.variants(id("A")).toArray()).map((v) => v.id)).toEqual([id("A-1")]);
    const variantIds = await c.call("get_variant_ids_for_catalog_item", { path: { id: id("A") } });
    expect(variantIds.data).toEqual([{ type: "catalog-variant", id: id("A-1") }]);
    const bad = await failure<ValidationError>(c.catalog.categories.addItems(cat.data.id, [id("ZZZ")]));
    expect(bad.pointer).toBe("/data/0/id");
  });

  it("runs bulk create, update and delete jobs for items, variants and categories", async () => {
    const clock = new ManualClock();
    emu = await startTestEmulator({ clock });
    const c = emu.client();
    const tooMany = await failure<ValidationError>(
      c.catalog.items.bulkCreate({
        data: {
          type: "catalog-item-bulk-create-job",
          attributes: {
            items: {
              data: Array.from({ length: 101 }, (_, i) => ({
                type: "catalog-item" as const,
                attributes: item(`T${i}`),
              })),
            },
          },
        },
      }),
    );
    expect(tooMany.pointer).toBe("/data/attributes/items/data");

    const settle = () => clock.advance(10_000);

    // Categories first, so items can join them.
    const catJob = await c.catalog.categories.bulkCreate({
      data: {
        type: "catalog-category-bulk-create-job",
        attributes: {
          categories: {
            data: ["K1", "K2"].map((ext) => ({
              type: "catalog-category" as const,
              attributes: { external_id: ext, name: `Cat ${ext}` },
            })),
          },
        },
      },
    });
    expect(catJob.data.attributes).toMatchObject({ status: "queued", total_count: 2 });
    settle();
    const catDone = await c.catalog.categories.getBulkCreateJob(catJob.data.id, { include: ["categories"] });
    expect(catDone.data.attributes).toMatchObject({
      status: "complete",
      completed_count: 2,
      failed_count: 0,
    });
    expect(catDone.included?.map((r) => r.id)).toEqual([id("K1"), id("K2")]);

    const itemJob = await c.catalog.items.bulkCreate({
      data: {
        type: "catalog-item-bulk-create-job",
        attributes: {
          items: {
            data: [
              {
                type: "catalog-item",
                attributes: item("I1"),
                relationships: { categories: { data: [{ type: "catalog-category", id: id("K1") }] } },
              },
              { type: "catalog-item", attributes: item("I2") },
              { type: "catalog-item", attributes: item("I1") },
            ],
          },
        },
      },
    });
    clock.advance(150);
    expect((await c.catalog.items.getBulkCreateJob(itemJob.data.id)).data.attributes.status).toBe(
      "processing",
    );
    settle();
    const itemDone = await c.catalog.items.getBulkCreateJob(itemJob.data.id, { include: ["items"] });
    expect(itemDone.data.attributes).toMatchObject({
      status: "complete",
      completed_count: 2,
      failed_count: 1,
    });
    expect(itemDone.data.attributes.errors?.[0]?.source.pointer).toBe(
      "/data/attributes/items/data/2/attributes/external_id",
    );
    expect(itemDone.included).toHaveLength(2);
    expect((await c.catalog.items.categories(id("I1")).toArray()).map((x) => x.id)).toEqual([id("K1")]);

    const varJob = await c.catalog.variants.bulkCreate({
      data: {
        type: "catalog-variant-bulk-create-job",
        attributes: {
          variants: {
            data: ["I1-S", "I1-M"].map((ext) => ({
              type: "catalog-variant" as const,
              attributes: variant(ext),
              relationships: { item: { data: { type: "catalog-item" as const, id: id("I1") } } },
            })),
          },
        },
      },
    });
    settle();
    const varDone = await c.catalog.variants.getBulkCreateJob(varJob.data.id, { include: ["variants"] });
    expect(varDone.data.attributes.completed_count).toBe(2);
    expect(varDone.included).toHaveLength(2);

    const itemUpd = await c.catalog.items.bulkUpdate({
      data: {
        type: "catalog-item-bulk-update-job",
        attributes: {
          items: {
            data: [
              { type: "catalog-item", id: id("I1"), attributes: { title: "Renamed" } },
              { type: "catalog-item", id: id("MISSING"), attributes: { title: "x" } },
            ],
          },
        },
      },
    });
    const varUpd = await c.catalog.variants.bulkUpdate({
      data: {
        type: "catalog-variant-bulk-update-job",
        attributes: {
          variants: {
            data: [{ type: "catalog-variant", id: id("I1-S"), attributes: { inventory_quantity: 1 } }],
          },
        },
      },
    });
    const catUpd = await c.catalog.categories.bulkUpdate({
      data: {
        type: "catalog-category-bulk-update-job",
        attributes: {
          categories: { data: [{ type: "catalog-category", id: id("K2"), attributes: { name: "Second" } }] },
        },
      },
    });
    settle();
    const itemUpdDone = await c.catalog.items.getBulkUpdateJob(itemUpd.data.id, { include: ["items"] });
    expect(itemUpdDone.data.attributes).toMatchObject({ completed_count: 1, failed_count: 1 });
    expect((await c.catalog.items.get(id("I1"))).data.attributes.title).toBe("Renamed");
    expect(
      (await c.catalog.variants.getBulkUpdateJob(varUpd.data.id, { include: ["variants"] })).data.attributes
        .status,
    ).toBe("complete");
    expect((await c.catalog.variants.get(id("I1-S"))).data.attributes.inventory_quantity).toBe(1);
    expect(
      (await c.catalog.categories.getBulkUpdateJob(catUpd.data.id, { include: ["categories"] })).data
        .attributes.status,
    ).toBe("complete");
    expect((await c.catalog.categories.get(id("K2"))).data.attributes.name).toBe("Second");

    const varDel = await c.catalog.variants.bulkDelete({
      data: {
        type: "catalog-variant-bulk-delete-job",
        attributes: { variants: { data: [{ type: "catalog-variant", id: id("I1-M") }] } },
      },
    });
    const itemDel = await c.catalog.items.bulkDelete({
      data: {
        type: "catalog-item-bulk-delete-job",
        attributes: { items: { data: [{ type: "catalog-item", id: id("I2") }] } },
      },
    });
    const catDel = await c.catalog.categories.bulkDelete({
      data: {
        type: "catalog-category-bulk-delete-job",
        attributes: { categories: { data: [{ type: "catalog-category", id: id("K2") }] } },
      },
    });
    settle();
    expect((await c.catalog.variants.getBulkDeleteJob(varDel.data.id)).data.attributes.completed_count).toBe(
      1,
    );
    expect((await c.catalog.items.getBulkDeleteJob(itemDel.data.id)).data.attributes.completed_count).toBe(1);
    expect(
      (await c.catalog.categories.getBulkDeleteJob(catDel.data.id)).data.attributes.completed_count,
    ).toBe(1);
    await expect(c.catalog.items.get(id("I2"))).rejects.toBeInstanceOf(NotFoundError);
    await expect(c.catalog.variants.get(id("I1-M"))).rejects.toBeInstanceOf(NotFoundError);
    await expect(c.catalog.categories.get(id("K2"))).rejects.toBeInstanceOf(NotFoundError);

    const listOps = [
      ["get_bulk_create_catalog_items_jobs", itemJob.data.id],
      ["get_bulk_update_catalog_items_jobs", itemUpd.data.id],
      ["get_bulk_delete_catalog_items_jobs", itemDel.data.id],
      ["get_bulk_create_variants_jobs", varJob.data.id],
      ["get_bulk_update_variants_jobs", varUpd.data.id],
      ["get_bulk_delete_variants_jobs", varDel.data.id],
      ["get_bulk_create_categories_jobs", catJob.data.id],
      ["get_bulk_update_categories_jobs", catUpd.data.id],
      ["get_bulk_delete_categories_jobs", catDel.data.id],
    ] as const;
    for (const [op, jobId] of listOps) {
      const jobs = await c.call(op, { query: { filter: "equals(status,'complete')" } });
      expect(
        jobs.data.map((j) => j.id),
        op,
      ).toEqual([jobId]);
    }
    const queued = await c.call("get_bulk_create_catalog_items_jobs", {
      query: { filter: "equals(status,'queued')" },
    });
    expect(queued.data).toEqual([]);
    await expect(c.catalog.items.getBulkCreateJob("01NOPE")).rejects.toBeInstanceOf(NotFoundError);
  });
});
