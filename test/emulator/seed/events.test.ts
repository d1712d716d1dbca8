import { beforeAll, describe, expect, it } from "vitest";
import type { EventRecord } from "../../../src/emulator/store/events.js";
import type { EmulatorStore } from "../../../src/emulator/store/store.js";
import { allEvents, metricName, NOW, seeded } from "./helpers.js";

let store: EmulatorStore;
let events: EventRecord[];

beforeAll(() => {
  store = seeded({ profiles: 20_000, events: 100_000 });
  events = allEvents(store);
});

interface Item {
  ProductID: string;
  SKU: string;
  ProductName: string;
  Quantity: number;
  ItemPrice: number;
  RowTotal: number;
  Categories: string[];
}

describe("seeded events", () => {
  it("are sorted by datetime (then id), whole seconds, within the two years", () => {
    expect(events.length).toBe(100_000);
    const bad: number[] = [];
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as EventRecord;
      const prev = events[i - 1];
      if (e.datetime % 1000 !== 0 || e.datetime > NOW) bad.push(i);
      if (prev && !(prev.datetime <= e.datetime && prev.id < e.id)) bad.push(i);
    }
    expect(bad).toEqual([]);
    // A scan in both directions agrees with the materialised order.
    const asc = [...store.events.scan({}, () => true)].map((e) => e.id);
    expect(asc).toEqual(events.map((e) => e.id));
    const lastDay = [...store.events.scan({ from: NOW - 86_400_000, desc: true }, () => true)];
    expect(lastDay.length).toBeGreaterThan(0);
    expect(lastDay[0]?.id).toBe(events[events.length - 1]?.id);
  });

  it("belong to existing profiles and metrics, after the profile was created", () => {
    const lastSeen = new Map<string, number>();
    const bad: string[] = [];
    for (const e of events) {
      const p = store.profiles.get(e.profileId);
      if (!p || e.datetime < Math.floor(p.created / 1000) * 1000) bad.push(`${e.id}: profile ${e.profileId}`);
      if (!store.metrics.has(e.metricId)) bad.push(`${e.id}: metric ${e.metricId}`);
      lastSeen.set(e.profileId, e.datetime);
    }
    for (const p of store.profiles.values())
      if (p.last_event_date !== (lastSeen.get(p.id) ?? null)) bad.push(`${p.id}: last_event_date`);
    expect(bad).toEqual([]);
  });

  it("materialise valid properties for every metric", () => {
    const skuPrice = new Map(
      [...store.catalogVariants.values()].map((v) => [v.attributes.sku, v.attributes.price]),
    );
    const bad: string[] = [];
    const check = (ok: boolean, e: EventRecord, what: string) => {
      if (!ok) bad.push(`${e.id} (${metricName(store, e.metricId)}): ${what}`);
    };
    const seen = new Set<string>();
    let orders = 0;
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as EventRecord;
      const props = e.properties;
      const metric = metricName(store, e.metricId);
      seen.add(metric);
      check(
        JSON.stringify(JSON.parse(JSON.stringify(props))) === JSON.stringify(props),
        e,
        "JSON round trip",
      );
      switch (metric) {
        case "Placed Order": {
          orders++;
          const items = props.Items as Item[];
          check(items.length > 0, e, "items");
          check(props.$value === e.value && e.valueCurrency === "USD", e, "$value");
          check(
            JSON.stringify(props.ItemNames) === JSON.stringify(items.map((it) => it.ProductName)),
            e,
            "ItemNames",
          );
          const subtotal = items.reduce((a, it) => a + it.RowTotal, 0);
          check(Math.abs((props.Subtotal as number) - subtotal) < 0.005, e, "Subtotal");
          const total = subtotal - (props.DiscountValue as number) + (props.Shipping as number);
          check(Math.abs((e.value ?? 0) - total) < 0.005, e, "total");
          // One Ordered Product per line follows at the same second, for the same profile.
          items.forEach((item, l) => {
            const line = events[i + 1 + l] as EventRecord;
            check(metricName(store, line.metricId) === "Ordered Product", e, `line ${l} metric`);
            check(
              line.datetime === e.datetime && line.profileId === e.profileId,
              e,
              `line ${l} time/profile`,
            );
            check(
              line.properties.OrderId === props.OrderId && line.properties.SKU === item.SKU,
              e,
              `line ${l}`,
            );
            check(
              line.properties.Quantity === item.Quantity && line.value === item.RowTotal,
              e,
              `line ${l} value`,
            );
            check(/^PROD-\d+$/.test(item.ProductID) && item.Categories.length > 0, e, `line ${l} product`);
            check(skuPrice.get(item.SKU) === item.ItemPrice, e, `line ${l} price`);
          });
          break;
        }
        case "Ordered Product":
          check(typeof props.ProductName === "string" && props.$value === e.value, e, "product");
          break;
        case "Viewed Product":
          check(typeof props.ProductID === "string" && typeof props.URL === "string", e, "product");
          check(e.value === null, e, "no value");
          break;
        case "Received Email":
        case "Opened Email":
        case "Clicked Email": {
          check(
            typeof props["Campaign Name"] === "string" && typeof props.Subject === "string",
            e,
            "campaign",
          );
          const messageId = props.$message;
          if (typeof messageId === "string")
            check(store.campaignMessages.has(messageId) || store.flowMessages.has(messageId), e, "$message");
          const email = store.profiles.get(e.profileId)?.email;
          check(email?.endsWith(`@${props["Email Domain"]}`) === true, e, "Email Domain");
          break;
        }
        case "Active on Site":
          check(/^https:\/\//.test(String(props.page)), e, "page");
          break;
        default:
          check(false, e, "unexpected metric");
      }
    }
    expect(bad.slice(0, 10)).toEqual([]);
    expect(orders).toBeGreaterThan(1_000);
    expect(seen.size).toBe(7);
  });

  it("send email events to subscribed, unsuppressed profiles and burst at campaign sends", () => {
    const emailMetrics = new Set(["Received Email", "Opened Email", "Clicked Email"]);
    const sendHours = new Map<number, number>();
    const unreachable: string[] = [];
    for (const e of events) {
      if (!emailMetrics.has(metricName(store, e.metricId))) continue;
      const p = store.profiles.get(e.profileId);
      if (p?.subscriptions.email.consent !== "SUBSCRIBED" || p.subscriptions.email.suppression !== null)
        unreachable.push(e.id);
      const hour = Math.floor(e.datetime / 3_600_000);
      sendHours.set(hour, (sendHours.get(hour) ?? 0) + 1);
    }
    expect(unreachable).toEqual([]);
    const busiest = Math.max(...sendHours.values());
    const average = [...sendHours.values()].reduce((a, b) => a + b, 0) / sendHours.size;
    expect(busiest).toBeGreaterThan(average * 10);
  });

  it("reads the same event by id as the scan yields", () => {
    const e = events[12_345] as EventRecord;
    expect(store.events.get(e.id)).toEqual(e);
  });
});
