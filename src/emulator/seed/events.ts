/**
 * Seeded events in the typed-array layout of store/events.ts. Generation walks time forward (a
 * monotone map from event index to timestamp), so the arrays come out sorted by datetime; an order
 * is a Placed Order followed by one Ordered Product per line at the same second. Properties are
 * never stored: `properties(i)` rebuilds them from a PRNG keyed by (seed, i), and an Ordered Product
 * finds its order by walking back to the Placed Order before it.
 */
import type { SeededEvents } from "../store/events.js";
import type { EmulatorStore } from "../store/store.js";
import type { CatalogModel, ProductInfo, VariantInfo } from "./catalog.js";
import { BROWSERS, EMAIL_CLIENTS, OPERATING_SYSTEMS, PAGES, STORE_URL } from "./data.js";
import {
  ACTIVE_ON_SITE,
  CLICKED_EMAIL,
  type EmailSend,
  OPENED_EMAIL,
  ORDERED_PRODUCT,
  PLACED_ORDER,
  type Population,
  RECEIVED_EMAIL,
  VIEWED_PRODUCT,
} from "./model.js";
import { canEmail } from "./people.js";
import { cumulative, hash2, money, Rng } from "./random.js";
import type { Timeline } from "./timeline.js";

const SALT_GEN = 0xe7e47;
const SALT_ORDER = 0x0bde5;
const SALT_PROPS = 0x9a095;

/** Relative frequency of each metric outside campaign bursts (Ordered Product follows orders). */
const METRIC_CUM = cumulative([3.2, 0, 19, 31, 15, 3.3, 22]);
const LINE_COUNT_CUM = cumulative([50, 28, 14, 8]);

/** Discount codes used at checkout (the seeded coupons). */
export const DISCOUNTS: ReadonlyArray<{ code: string; percent: number }> = [
  { code: "WELCOME10", percent: 10 },
  { code: "BDAY15", percent: 15 },
  { code: "WINBACK20", percent: 20 },
  { code: "VIP25", percent: 25 },
];

export interface EventInputs {
  seed: number;
  count: number;
  pop: Population;
  /** Event-time weights, with bursts at campaign sends. */
  timeline: Timeline;
  /** Per timeline hour: 1 + index into `emailSends` of a campaign sent then, or 0. */
  bursts: Int32Array;
  /** Sent email campaigns, by time. */
  emailSends: readonly EmailSend[];
  /** Emails sent by flows. */
  flowEmails: readonly EmailSend[];
  catalog: CatalogModel;
}

export interface GeneratedEvents {
  count: number;
  datetime: Float64Array;
  profile: Int32Array;
  metric: Uint16Array;
  value: Float64Array;
}

interface OrderLine {
  product: ProductInfo;
  variant: VariantInfo;
  quantity: number;
}

interface Order {
  lines: OrderLine[];
  subtotal: number;
  discount: { code: string; amount: number } | null;
  shipping: number;
  total: number;
}

/** The order placed by event `i` (deterministic). */
function orderAt(rng: Rng, seed: number, i: number, catalog: CatalogModel): Order {
  rng.key(seed, SALT_ORDER, i);
  const n = 1 + rng.weighted(LINE_COUNT_CUM);
  const lines: OrderLine[] = [];
  const seen = new Set<number>();
  let subtotal = 0;
  for (let l = 0; l < n; l++) {
    let pi = rng.weighted(catalog.cumulative);
    while (seen.has(pi)) pi = (pi + 1) % catalog.products.length;
    seen.add(pi);
    const product = catalog.products[pi] as ProductInfo;
    const variant = rng.pick(product.variants);
    const r = rng.next();
    const quantity = r < 0.85 ? 1 : r < 0.97 ? 2 : 3;
    subtotal += variant.price * quantity;
    lines.push({ product, variant, quantity });
  }
  let discount: Order["discount"] = null;
  if (rng.chance(0.22)) {
    const d = rng.pick(DISCOUNTS);
    discount = { code: d.code, amount: money((subtotal * d.percent) / 100) };
  }
  const shipping = subtotal >= 75 ? 0 : 6.95;
  const total = money(subtotal - (discount?.amount ?? 0) + shipping);
  return { lines, subtotal: money(subtotal), discount, shipping, total };
}

export function generateEvents(input: EventInputs): GeneratedEvents {
  const { seed, pop, timeline, bursts, catalog } = input;
  const N = pop.count;
  const M = N > 0 ? input.count : 0;
  const datetime = new Float64Array(M);
  const profile = new Int32Array(M);
  const metric = new Uint16Array(M);
  const value = new Float64Array(M).fill(Number.NaN);
  if (M === 0) return { count: 0, datetime, profile, metric, value };
  const { created, lastEvent, lastOrder, firstOrder, lastEngaged, orders, spend } = pop;
  const at = timeline.cursor();
  const seq = new Rng(hash2(seed, SALT_GEN));
  const orderRng = new Rng(0);
  const firstCreated = Math.ceil((created[0] as number) / 1000) * 1000;
  let prev = firstCreated;
  let n = 0;

  const pickProfile = (): number => {
    const r = seq.next();
    if (r < 0.3) {
      const w = Math.min(n, Math.max(20, n >>> 6));
      return n - 1 - Math.floor(seq.next() * w);
    }
    if (r < 0.5) {
      const p = Math.floor(seq.next() * Math.ceil(n / 10)) * 10 + 3;
      if (p < n) return p;
    }
    return Math.floor(seq.next() * n);
  };

  let i = 0;
  while (i < M) {
    let t = Math.floor(at((i + seq.next()) / M) / 1000) * 1000;
    if (t < prev) t = prev;
    prev = t;
    while (n < N && (created[n] as number) <= t) n++;
    const burst = bursts[timeline.hourOf(t)] ?? 0;
    let m: number;
    if (burst > 0 && seq.chance(0.85)) {
      const r = seq.next();
      m = r < 0.8 ? RECEIVED_EMAIL : r < 0.96 ? OPENED_EMAIL : CLICKED_EMAIL;
    } else {
      m = seq.weighted(METRIC_CUM);
    }
    let p = pickProfile();
    if (m === RECEIVED_EMAIL || m === OPENED_EMAIL || m === CLICKED_EMAIL) {
      let tries = 0;
      while (!canEmail(pop, p) && tries < 8) {
        p = pickProfile();
        tries++;
      }
      if (!canEmail(pop, p)) m = ACTIVE_ON_SITE;
    }
    if (m === PLACED_ORDER) {
      const order = orderAt(orderRng, seed, i, catalog);
      const lines = order.lines.length;
      if (i + lines < M) {
        datetime[i] = t;
        profile[i] = p;
        metric[i] = PLACED_ORDER;
        value[i] = order.total;
        for (let l = 0; l < lines; l++) {
          const line = order.lines[l] as OrderLine;
          const j = i + 1 + l;
          datetime[j] = t;
          profile[j] = p;
          metric[j] = ORDERED_PRODUCT;
          value[j] = money(line.variant.price * line.quantity);
        }
        lastEvent[p] = t;
        lastOrder[p] = t;
        if ((firstOrder[p] as number) === 0) firstOrder[p] = t;
        orders[p] = Math.min(65535, (orders[p] as number) + 1);
        spend[p] = (spend[p] as number) + order.total;
        i += lines + 1;
        continue;
      }
      m = VIEWED_PRODUCT;
    }
    datetime[i] = t;
    profile[i] = p;
    metric[i] = m;
    lastEvent[p] = t;
    if (m === OPENED_EMAIL || m === CLICKED_EMAIL) lastEngaged[p] = t;
    i++;
  }
  return { count: M, datetime, profile, metric, value };
}

function lineProperties(line: OrderLine) {
  return {
    ProductID: line.product.externalId,
    SKU: line.variant.sku,
    ProductName: line.variant.title,
    Quantity: line.quantity,
    ItemPrice: line.variant.price,
    RowTotal: money(line.variant.price * line.quantity),
    ProductURL: line.product.url,
    ImageURL: line.product.imageUrl,
    Categories: [...line.product.categories],
    Brand: line.product.brand,
  };
}

/** Wraps generated arrays as the store's SeededEvents, with lazily built properties. */
export function seededEvents(
  input: EventInputs,
  gen: GeneratedEvents,
  profileIds: readonly string[],
  metricIds: readonly string[],
  store: EmulatorStore,
): SeededEvents {
  const { seed, catalog, emailSends, flowEmails, timeline, bursts } = input;
  const { datetime, metric, profile } = gen;
  const rng = new Rng(0);
  const sendTimes = Float64Array.from(emailSends, (s) => s.time);

  const emailFor = (i: number): EmailSend | undefined => {
    const t = datetime[i] as number;
    const burst = bursts[timeline.hourOf(t)] ?? 0;
    if (burst > 0 && rng.chance(0.9)) return emailSends[burst - 1];
    let lo = 0;
    let hi = sendTimes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sendTimes[mid] as number) <= t) lo = mid + 1;
      else hi = mid;
    }
    if (flowEmails.length > 0 && (lo === 0 || rng.chance(0.3))) return rng.pick(flowEmails);
    if (lo === 0) return undefined;
    return emailSends[Math.max(0, lo - 1 - rng.int(3))];
  };

  const properties = (i: number): Record<string, unknown> => {
    const m = metric[i] as number;
    if (m === PLACED_ORDER || m === ORDERED_PRODUCT) {
      let j = i;
      while (j > 0 && metric[j] === ORDERED_PRODUCT) j--;
      const order = orderAt(rng, seed, j, catalog);
      const orderId = 5_100_000_000 + j;
      if (m === ORDERED_PRODUCT) {
        const line = order.lines[i - j - 1] ?? (order.lines[0] as OrderLine);
        return {
          $event_id: `${orderId}:${i - j}`,
          $value: money(line.variant.price * line.quantity),
          OrderId: orderId,
          ...lineProperties(line),
        };
      }
      const categories = [...new Set(order.lines.flatMap((l) => l.product.categories))];
      return {
        $event_id: String(orderId),
        $value: order.total,
        $currency_code: "USD",
        OrderId: orderId,
        Categories: categories,
        ItemNames: order.lines.map((l) => l.variant.title),
        Brands: [...new Set(order.lines.map((l) => l.product.brand))],
        DiscountCode: order.discount?.code ?? null,
        DiscountValue: order.discount?.amount ?? 0,
        Subtotal: order.subtotal,
        Shipping: order.shipping,
        ItemCount: order.lines.reduce((a, l) => a + l.quantity, 0),
        Items: order.lines.map(lineProperties),
        SourceName: "web",
      };
    }
    rng.key(seed, SALT_PROPS, i);
    if (m === VIEWED_PRODUCT) {
      const product = catalog.products[rng.weighted(catalog.cumulative)] as ProductInfo;
      const variant = rng.pick(product.variants);
      return {
        ProductName: product.title,
        ProductID: product.externalId,
        SKU: variant.sku,
        Categories: [...product.categories],
        ImageURL: product.imageUrl,
        URL: product.url,
        Brand: product.brand,
        Price: variant.price,
        CompareAtPrice: rng.chance(0.2) ? money(variant.price * 1.25) : variant.price,
      };
    }
    if (m === ACTIVE_ON_SITE) {
      return {
        page: `${STORE_URL}${rng.pick(PAGES)}`,
        browser: rng.pick(BROWSERS),
        os: rng.pick(OPERATING_SYSTEMS),
        $is_session_activity: true,
      };
    }
    const send = emailFor(i);
    const email = store.profiles.get(profileIds[profile[i] as number] ?? "")?.email ?? null;
    const out: Record<string, unknown> = {
      "Campaign Name": send?.name ?? "Newsletter",
      Subject: send?.subject ?? "News from Emulated Store",
      "Email Domain": email ? email.slice(email.indexOf("@") + 1) : null,
    };
    if (send?.messageId) out.$message = send.messageId;
    if (send?.flowId) out.$flow = send.flowId;
    if (m === OPENED_EMAIL || m === CLICKED_EMAIL) {
      out["Client Name"] = rng.pick(EMAIL_CLIENTS);
      out["Client OS"] = rng.pick(OPERATING_SYSTEMS);
    }
    if (m === CLICKED_EMAIL) out.URL = `${STORE_URL}${rng.pick(PAGES)}?utm_source=klaviyo&utm_medium=email`;
    return out;
  };

  return {
    count: gen.count,
    datetime: gen.datetime,
    profile: gen.profile,
    metric: gen.metric,
    value: gen.value,
    profileIds,
    metricIds,
    properties,
  };
}
