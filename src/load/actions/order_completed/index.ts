/**
 * Action `order_completed`: each row is an order with its line items in a JSON column
 * (`items_column`, default `items`, or a mapped `items` field). It becomes Klaviyo's e-commerce
 * events, with Klaviyo's property names:
 *
 *  - one `Placed Order` (value = order total, or the sum of the line totals): OrderId, Categories,
 *    ItemNames, Brands, DiscountCode, DiscountValue, Items[] (ProductID, SKU, ProductName,
 *    Quantity, ItemPrice, RowTotal, ProductURL, ImageURL, Categories, Brand), plus `properties.*`;
 *  - one `Ordered Product` per line (value = line total; unique_id `<order unique_id>:<line index>`):
 *    OrderId, ProductID, SKU, ProductName, Quantity, ItemPrice, RowTotal, ProductURL, ImageURL,
 *    Categories, ProductBrand.
 *
 * An order's events succeed or fail together; replays are deduplicated by their unique_ids.
 * Line item keys are read loosely: `product_id`/`ProductID`/`id`, `name`/`product_name`/`title`,
 * `quantity`/`qty`, `price`/`item_price`/`unit_price`, `row_total`/`line_total`/`total`,
 * `url`/`product_url`, `image_url`/`image`, `categories`/`category`, `brand`; other keys are kept.
 */
import { z } from "zod";
import type { ActionContext, ActionDefinition, FieldSpec, LoadRow, RowOutcome } from "../../types.js";
import {
  assignKey,
  type Check,
  checkEventProperties,
  checkNumber,
  checkString,
  isBlank,
  preview,
} from "../../validate.js";
import { TRACK_FIELDS } from "../events/index.js";
import {
  checkUniqueIdSource,
  EVENT_LIMITS,
  type EventSpec,
  type EventUnit,
  eventProfile,
  normalizeEventScalars,
  scalarAttributes,
  trackOptionShape,
  trackUnits,
  uniqueIdOf,
} from "../events/track.js";
import { normalizeIdentifiers, optionsParser, profileAttributes, unknownFields } from "../shared.js";

const MODES = ["track"] as const;
export const PLACED_ORDER = "Placed Order";
export const ORDERED_PRODUCT = "Ordered Product";
/** Lines per order: the order and its lines must fit in one request of 1,000 events. */
export const MAX_LINES = EVENT_LIMITS.maxRows - 1;

const optionsSchema = z.strictObject({
  items_column: z.string().trim().min(1).default("items"),
  ...trackOptionShape,
});
export type OrderOptions = z.output<typeof optionsSchema>;

const options = optionsParser("order_completed", MODES, optionsSchema);

export const ORDER_FIELDS: readonly FieldSpec[] = [
  ...TRACK_FIELDS.map((f) =>
    f.name === "value"
      ? { ...f, description: "Order total; default: the sum of the line totals." }
      : f.name === "time"
        ? { ...f, description: `When the order was placed. ${f.description}` }
        : f,
  ),
  { name: "order_id", type: "string", description: "OrderId; default: the primary key." },
  { name: "discount_code", type: "string", description: "DiscountCode." },
  { name: "discount_value", type: "number", description: "DiscountValue." },
  {
    name: "items",
    type: "json",
    description:
      "Line items (JSON array of objects); default: the model column named by items_column (default items).",
  },
  {
    name: "properties",
    type: "json",
    prefix: true,
    description: "Extra Placed Order properties: properties.<key>.",
  },
];

// ---------------------------------------------------------------------------------------------
// Line items

export interface OrderLine {
  ProductID?: string;
  SKU?: string;
  ProductName?: string;
  Quantity: number;
  ItemPrice?: number;
  RowTotal: number;
  ProductURL?: string;
  ImageURL?: string;
  Categories?: string[];
  Brand?: string;
  /** Other keys of the item, kept as given. */
  extra: Record<string, unknown>;
}

type LineKey =
  | "ProductID"
  | "SKU"
  | "ProductName"
  | "Quantity"
  | "ItemPrice"
  | "RowTotal"
  | "ProductURL"
  | "ImageURL"
  | "Categories"
  | "Brand";

/** Item keys, lower-cased without separators → Klaviyo names. */
const ALIASES: Record<string, LineKey> = {
  productid: "ProductID",
  id: "ProductID",
  product: "ProductID",
  sku: "SKU",
  variantsku: "SKU",
  productname: "ProductName",
  name: "ProductName",
  title: "ProductName",
  quantity: "Quantity",
  qty: "Quantity",
  itemprice: "ItemPrice",
  price: "ItemPrice",
  unitprice: "ItemPrice",
  rowtotal: "RowTotal",
  linetotal: "RowTotal",
  total: "RowTotal",
  producturl: "ProductURL",
  url: "ProductURL",
  imageurl: "ImageURL",
  image: "ImageURL",
  categories: "Categories",
  category: "Categories",
  brand: "Brand",
  productbrand: "Brand",
};

/** Rounds away binary noise (19.99 × 3 = 59.970000000000006 → 59.97). */
const money = (n: number): number => Math.round(n * 1e6) / 1e6;

function parseLine(raw: unknown, at: string): Check<OrderLine> {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    return { error: `${at} must be an object, got ${preview(raw)}` };
  const known: Partial<Record<LineKey, unknown>> = {};
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (v === null || v === undefined) continue;
    const alias = ALIASES[k.toLowerCase().replace(/[^a-z0-9]/g, "")];
    if (alias && known[alias] === undefined) known[alias] = v;
    else assignKey(extra, k, v);
  }
  const line: OrderLine = { Quantity: 1, RowTotal: 0, extra };
  for (const k of ["ProductID", "SKU", "ProductName", "ProductURL", "ImageURL", "Brand"] as const) {
    const v = known[k];
    if (v === undefined) continue;
    const r = checkString(v, `${at}.${k}`);
    if ("error" in r) return r;
    line[k] = r.ok;
  }
  if (line.ProductID === undefined && line.SKU === undefined && line.ProductName === undefined)
    return { error: `${at} names no product: give it a product_id, sku or name` };
  if (known.Quantity !== undefined) {
    const r = checkNumber(known.Quantity, `${at}.quantity`);
    if ("error" in r) return r;
    if (r.ok < 0) return { error: `${at}.quantity is negative (${r.ok})` };
    line.Quantity = r.ok;
  }
  if (known.ItemPrice !== undefined) {
    const r = checkNumber(known.ItemPrice, `${at}.price`);
    if ("error" in r) return r;
    line.ItemPrice = r.ok;
  }
  if (known.RowTotal !== undefined) {
    const r = checkNumber(known.RowTotal, `${at}.row_total`);
    if ("error" in r) return r;
    line.RowTotal = r.ok;
  } else if (line.ItemPrice !== undefined) {
    line.RowTotal = money(line.ItemPrice * line.Quantity);
  } else {
    return { error: `${at} has no price or row_total` };
  }
  const cats = known.Categories;
  if (cats !== undefined) {
    const list = Array.isArray(cats) ? cats : [cats];
    const out: string[] = [];
    for (const [i, c] of list.entries()) {
      if (c === null || c === undefined) continue;
      const r = checkString(c, `${at}.categories[${i}]`);
      if ("error" in r) return r;
      out.push(r.ok);
    }
    line.Categories = out;
  }
  return { ok: line };
}

/** The row's line items: the mapped `items` field, else the `items_column` model column; JSON text is parsed. */
export function orderLines(row: LoadRow, o: Pick<OrderOptions, "items_column">): Check<OrderLine[]> {
  const raw = row.fields.items !== undefined ? row.fields.items : row.source[o.items_column];
  const where = row.fields.items !== undefined ? "items" : `items column ${JSON.stringify(o.items_column)}`;
  let items: unknown = raw;
  if (typeof raw === "string") {
    try {
      items = JSON.parse(raw);
    } catch {
      return { error: `${where} ${preview(raw)} is not valid JSON` };
    }
  }
  if (isBlank(items)) return { error: `${where} is empty: an order needs at least one line item` };
  if (!Array.isArray(items))
    return { error: `${where} must be a JSON array of line items, got ${preview(items)}` };
  if (items.length === 0)
    return { error: `${where} is an empty array: an order needs at least one line item` };
  if (items.length > MAX_LINES)
    return {
      error: `${where} has ${items.length} line items; at most ${MAX_LINES} fit with the order in one request`,
    };
  const lines: OrderLine[] = [];
  for (const [i, item] of items.entries()) {
    const r = parseLine(item, `items[${i}]`);
    if ("error" in r) return r;
    lines.push(r.ok);
  }
  return { ok: lines };
}

const uniq = (xs: Iterable<string>): string[] => [...new Set(xs)];

function itemEntry(l: OrderLine): Record<string, unknown> {
  const out: Record<string, unknown> = { ...l.extra };
  for (const k of [
    "ProductID",
    "SKU",
    "ProductName",
    "Quantity",
    "ItemPrice",
    "RowTotal",
    "ProductURL",
    "ImageURL",
    "Categories",
    "Brand",
  ] as const) {
    const v = l[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function productProperties(l: OrderLine, orderId: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...l.extra, OrderId: orderId };
  for (const k of [
    "ProductID",
    "SKU",
    "ProductName",
    "Quantity",
    "ItemPrice",
    "RowTotal",
    "ProductURL",
    "ImageURL",
    "Categories",
  ] as const) {
    const v = l[k];
    if (v !== undefined) out[k] = v;
  }
  if (l.Brand !== undefined) out.ProductBrand = l.Brand;
  return out;
}

function extraProperties(row: LoadRow): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(row.fields)) {
    if (!name.startsWith("properties.") || v === null || v === undefined) continue;
    assignKey(props, name.slice("properties.".length), v);
  }
  return props;
}

interface Order {
  orderId: string;
  lines: OrderLine[];
  placed: Record<string, unknown>;
  products: Record<string, unknown>[];
  total: number;
}

/** Builds (and checks) the order's event properties. */
function buildOrder(row: LoadRow, o: OrderOptions): Check<Order> {
  const lines = orderLines(row, o);
  if ("error" in lines) return lines;
  let orderId = row.key;
  if (!isBlank(row.fields.order_id)) {
    const r = checkString(row.fields.order_id, "order_id");
    if ("error" in r) return r;
    orderId = r.ok;
  }
  const placed: Record<string, unknown> = {
    OrderId: orderId,
    Categories: uniq(lines.ok.flatMap((l) => l.Categories ?? [])),
    ItemNames: lines.ok.map((l) => l.ProductName ?? l.SKU ?? l.ProductID ?? ""),
    Brands: uniq(lines.ok.flatMap((l) => (l.Brand === undefined ? [] : [l.Brand]))),
  };
  if (!isBlank(row.fields.discount_code)) {
    const r = checkString(row.fields.discount_code, "discount_code");
    if ("error" in r) return r;
    placed.DiscountCode = r.ok;
  }
  if (!isBlank(row.fields.discount_value)) {
    const r = checkNumber(row.fields.discount_value, "discount_value");
    if ("error" in r) return r;
    placed.DiscountValue = r.ok;
  }
  placed.Items = lines.ok.map(itemEntry);
  // Extra properties come last but never replace the e-commerce ones.
  for (const [k, v] of Object.entries(extraProperties(row))) if (!(k in placed)) assignKey(placed, k, v);
  const placedCheck = checkEventProperties(placed, "Placed Order properties");
  if ("error" in placedCheck) return placedCheck;
  const products: Record<string, unknown>[] = [];
  for (const [i, l] of lines.ok.entries()) {
    const r = checkEventProperties(
      productProperties(l, orderId),
      `Ordered Product properties of items[${i}]`,
    );
    if ("error" in r) return r;
    products.push(r.ok);
  }
  const total =
    typeof row.fields.value === "number"
      ? row.fields.value
      : money(lines.ok.reduce((n, l) => n + l.RowTotal, 0));
  return { ok: { orderId, lines: lines.ok, placed: placedCheck.ok, products, total } };
}

function check(row: LoadRow, o: OrderOptions, now: number): Check<Order> {
  const unknown = unknownFields(row.fields, ORDER_FIELDS);
  if (unknown.length > 0)
    return {
      error: `action order_completed has no field ${unknown.map((u) => JSON.stringify(u)).join(", ")}; fix the mapping`,
    };
  const why = normalizeIdentifiers(row.fields, o.default_country) ?? normalizeEventScalars(row.fields, now);
  if (why) return { error: why };
  const uid = checkUniqueIdSource(row, o);
  if (uid) return { error: uid };
  const profile = profileAttributes(row.fields, "profile.", "skip");
  if ("error" in profile) return profile;
  return buildOrder(row, o);
}

function validate(row: LoadRow, ctx: Pick<ActionContext, "options" | "mode">): string | undefined {
  const r = check(row, options.get(ctx.options), Date.now());
  return "error" in r ? r.error : undefined;
}

async function perform(rows: LoadRow[], ctx: ActionContext): Promise<RowOutcome[]> {
  const o = options.get(ctx.options);
  const outcomes: RowOutcome[] = [];
  const units: EventUnit[] = [];
  const now = ctx.now();
  for (const row of rows) {
    const order = check(row, o, now);
    const profile = eventProfile(row.fields);
    if ("error" in order || "error" in profile) {
      outcomes.push({
        key: row.key,
        status: "invalid",
        reason: "error" in order ? order.error : "error" in profile ? profile.error : "invalid row",
        payload: row.fields,
      });
      continue;
    }
    const uid = uniqueIdOf(row, o, ctx.sync);
    const { time, value_currency } = scalarAttributes(row.fields);
    const common = {
      ...(time === undefined ? {} : { time }),
      ...(value_currency === undefined ? {} : { value_currency }),
    };
    const events: EventSpec[] = [
      {
        metric: PLACED_ORDER,
        profile: profile.ok,
        attributes: { properties: order.ok.placed, ...common, value: order.ok.total, unique_id: uid },
      },
      ...order.ok.lines.map(
        (l, i): EventSpec => ({
          metric: ORDERED_PRODUCT,
          profile: profile.ok,
          attributes: {
            properties: order.ok.products[i] as Record<string, unknown>,
            ...common,
            value: l.RowTotal,
            unique_id: `${uid}:${i}`,
          },
        }),
      ),
    ];
    units.push({ key: row.key, row, events });
  }
  outcomes.push(...(await trackUnits(units, ctx, { backfill: o.backfill })));
  return outcomes;
}

export const orderCompletedAction: ActionDefinition = {
  name: "order_completed",
  description:
    "Tracks each order as a Placed Order event plus one Ordered Product event per line item, with Klaviyo's e-commerce property names.",
  modes: MODES,
  fields: ORDER_FIELDS,
  parseOptions: (raw, mode) => options.parse(raw, mode),
  // maxRows counts orders; perform packs their events into requests of at most 1,000.
  limits: { maxRows: 1000, maxBytes: EVENT_LIMITS.maxBytes, maxRowBytes: EVENT_LIMITS.maxRowBytes },
  validate,
  perform,
};
