/** The product catalog: categories, items and variants, and the product facts events refer to. */
import { iso } from "../store/ids.js";
import type { EmulatorStore } from "../store/store.js";
import { CATEGORIES, PRODUCTS, STORE_URL } from "./data.js";
import { DAY, type Rng } from "./random.js";

export interface VariantInfo {
  sku: string;
  title: string;
  option: string;
  price: number;
}

/** A product as events describe it (`ProductID`, `SKU`, `ProductName`, `Categories`...). */
export interface ProductInfo {
  externalId: string;
  title: string;
  brand: string;
  price: number;
  url: string;
  imageUrl: string;
  categories: readonly string[];
  variants: readonly VariantInfo[];
  /** Relative popularity (a few best sellers). */
  weight: number;
}

export interface CatalogModel {
  products: readonly ProductInfo[];
  /** Cumulative product weights, for `Rng.weighted`. */
  cumulative: readonly number[];
}

const PREFIX = "$custom:::$default:::";

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

function initials(s: string): string {
  return s
    .split(/[^A-Za-z]+/)
    .filter(Boolean)
    .map((w) => w[0])
    .join("")
    .toUpperCase()
    .slice(0, 3);
}

export function catalogModel(): CatalogModel {
  const products: ProductInfo[] = PRODUCTS.map((p, i) => {
    const externalId = `PROD-${1001 + i}`;
    const s = slug(p.title);
    const stem = `${initials(p.brand)}-${1001 + i}`;
    const variants = p.options.map((option) => {
      const amount = /^\$(\d+)$/.exec(option);
      return {
        sku: option === "Default" ? stem : `${stem}-${option.replace(/[^A-Za-z0-9]+/g, "").toUpperCase()}`,
        title: option === "Default" ? p.title : `${p.title} - ${option}`,
        option,
        price: amount ? Number(amount[1]) : p.price,
      };
    });
    return {
      externalId,
      title: p.title,
      brand: p.brand,
      price: p.price,
      url: `${STORE_URL}/products/${s}`,
      imageUrl: `${STORE_URL}/cdn/products/${s}.jpg`,
      categories: p.categories.map((c) => (CATEGORIES[c] as { name: string }).name),
      variants,
      // Cheaper products sell more; the first few of each category are best sellers.
      weight: (i % 6 === 0 ? 3 : 1) * (p.price < 50 ? 2 : p.price < 120 ? 1.4 : 1),
    };
  });
  const cumulative: number[] = [];
  let sum = 0;
  for (const p of products) {
    sum += p.weight;
    cumulative.push(sum);
  }
  return { products, cumulative };
}

/** Inserts catalog categories, items and variants (ids in Klaviyo's compound format). */
export function seedCatalog(
  store: EmulatorStore,
  model: CatalogModel,
  rng: Rng,
  start: number,
  now: number,
): void {
  const categoryItems = new Map<string, string[]>();
  const categoryId = (name: string) => {
    const c = CATEGORIES.find((x) => x.name === name) as { key: string };
    return `${PREFIX}${c.key}`;
  };
  PRODUCTS.forEach((seed, i) => {
    const p = model.products[i] as ProductInfo;
    const itemId = `${PREFIX}${p.externalId}`;
    const created = start + Math.floor(rng.next() * 30 * DAY) + (i < 30 ? 0 : 300 * DAY);
    const updated = Math.min(now - DAY, created + Math.floor(rng.next() * (now - created)));
    const variantIds: string[] = [];
    for (const v of p.variants) {
      const code = v.option === "Default" ? "DEFAULT" : v.option.replace(/[^A-Za-z0-9]+/g, "").toUpperCase();
      const id = `${PREFIX}${p.externalId}-${code}`;
      variantIds.push(id);
      store.catalogVariants.insert({
        id,
        attributes: {
          external_id: id.slice(PREFIX.length),
          title: v.title,
          description: `${v.title} by ${p.brand}.`,
          sku: v.sku,
          inventory_policy: rng.chance(0.8) ? 1 : 0,
          inventory_quantity: rng.chance(0.08) ? 0 : rng.between(3, 400),
          price: v.price,
          url: p.url,
          image_full_url: p.imageUrl,
          image_thumbnail_url: p.imageUrl.replace(/\.jpg$/, "_thumb.jpg"),
          images: [p.imageUrl],
          custom_metadata: { option: v.option },
          published: true,
          created: iso(created),
          updated: iso(updated),
        },
        relationships: { item: itemId },
      });
    }
    const categoryIds = p.categories.map(categoryId);
    for (const c of categoryIds) {
      const items = categoryItems.get(c) ?? [];
      items.push(itemId);
      categoryItems.set(c, items);
    }
    store.catalogItems.insert({
      id: itemId,
      attributes: {
        external_id: p.externalId,
        title: p.title,
        description: `The ${p.title.toLowerCase()} from ${p.brand}${seed.material ? `, in ${seed.material.toLowerCase()}` : ""}.`,
        price: p.price,
        url: p.url,
        image_full_url: p.imageUrl,
        image_thumbnail_url: p.imageUrl.replace(/\.jpg$/, "_thumb.jpg"),
        images: [p.imageUrl, p.imageUrl.replace(/\.jpg$/, "_2.jpg")],
        custom_metadata: { brand: p.brand, ...(seed.material ? { material: seed.material } : {}) },
        published: i % 17 !== 16,
        created: iso(created),
        updated: iso(updated),
      },
      relationships: { variants: variantIds, categories: categoryIds },
    });
  });
  for (const c of CATEGORIES) {
    const id = `${PREFIX}${c.key}`;
    store.catalogCategories.insert({
      id,
      attributes: { external_id: c.key, name: c.name, updated: iso(start + 2 * DAY) },
      relationships: { items: categoryItems.get(id) ?? [] },
    });
  }
}
