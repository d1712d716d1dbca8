/**
 * The Airbyte destination in-process against an empty emulator: records through the load engine,
 * states passed on only once what they cover is in Klaviyo, per-row failures reported, the
 * destination catalog, and the refusals (overwrite, unknown streams, a key Klaviyo rejects).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LoadState, openLoadState } from "../../src/load/state/index.js";
import { airbyteWrite, destinationDiscoverMessage } from "../../src/protocol/airbyte/destination.js";
import { parseConfiguredCatalog } from "../../src/protocol/airbyte/messages.js";
import { parseDestinationConfig } from "../../src/protocol/config.js";
import { OrderedSink } from "../../src/protocol/extract.js";
import { failureType } from "../../src/protocol/failure.js";
import type { LineSink } from "../../src/protocol/io.js";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../helpers/emulator.js";
import { type AbMessage, airbyteProblems } from "./helpers.js";

let emu: TestEmulator;
let dir: string;
let n = 0;

beforeAll(async () => {
  emu = await startTestEmulator({ seed: "none" });
  dir = mkdtempSync(join(tmpdir(), "ks-airbyte-dst-"));
});

afterAll(async () => {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

type Msg = AbMessage;

const record = (stream: string, data: Record<string, unknown>) =>
  JSON.stringify({ type: "RECORD", record: { stream, data, emitted_at: Date.now() } });
const state = (stream: string, value: Record<string, unknown>) =>
  JSON.stringify({
    type: "STATE",
    state: { type: "STREAM", stream: { stream_descriptor: { name: stream }, stream_state: value } },
  });

function catalog(streams: Array<{ name: string; mode?: string; pk?: string[][]; object?: string }>) {
  return parseConfiguredCatalog({
    streams: streams.map((s) => ({
      stream: { name: s.name, json_schema: {}, supported_sync_modes: ["full_refresh", "incremental"] },
      sync_mode: "incremental",
      destination_sync_mode: s.mode ?? "append_dedup",
      ...(s.pk ? { primary_key: s.pk } : {}),
      ...(s.object ? { destination_object_name: s.object } : {}),
    })),
  });
}

/** Runs `write` over `lines`; `onMessage` sees each message as it is written (before the next is). */
async function write(
  configRaw: Record<string, unknown>,
  cat: ReturnType<typeof catalog>,
  lines: string[],
  onMessage: (m: Msg) => void = () => {},
  apiKey = TEST_KEY,
): Promise<Msg[]> {
  const messages: Msg[] = [];
  const sink: LineSink = {
    async write(m) {
      const msg = JSON.parse(JSON.stringify(m)) as Msg;
      messages.push(msg);
      onMessage(msg);
    },
  };
  const config = parseDestinationConfig({ api_key: apiKey, base_url: emu.url, ...configRaw });
  const store: LoadState = await openLoadState(join(dir, `state-${++n}.duckdb`));
  try {
    await airbyteWrite({
      client: emu.client({ apiKey }),
      config,
      catalog: cat,
      state: store,
      input: Readable.from(lines.map((l) => `${l}\n`)),
      sink: new OrderedSink(sink),
    });
  } finally {
    await store.close();
    // What was written before a failure is what a failed run printed.
    (write as { last?: Msg[] }).last = messages;
  }
  return messages;
}

describe("airbyte write", () => {
  it("loads records as profiles and passes each state on only once Klaviyo holds the records before it", async () => {
    const people = Array.from({ length: 8 }, (_, i) => ({
      customer_id: i + 1,
      contact: { email: `buyer${i + 1}@example.com` },
      fname: `Buyer${i + 1}`,
      attrs: { ltv: (i + 1) * 10, tier: i % 2 ? "gold" : "silver" },
      city: "Lyon",
    }));
    const lines = [
      ...people.slice(0, 5).map((p) => record("customers", p)),
      state("customers", { cursor: 5 }),
      ...people.slice(5).map((p) => record("customers", p)),
      record("customers", { customer_id: 99, contact: { email: "not-an-email" }, fname: "Bad" }),
      state("customers", { cursor: 9 }),
      // After the last state: loaded at the end of the input; the last record of a key wins.
      record("customers", { ...people[0], fname: "Changed" }),
    ];
    const seenAtState: string[][] = [];
    const messages = await write(
      {
        streams: {
          customers: {
            action: "profiles",
            primary_key: "customer_id",
            mapping: {
              "contact.email": "email",
              fname: "first_name",
              attrs: "properties.*",
              city: "location.city",
            },
          },
        },
        flush_interval_seconds: 0,
      },
      catalog([{ name: "customers" }]),
      lines,
      (m) => {
        if (m.type !== "STATE") return;
        // At the moment a state is passed on, Klaviyo has every valid profile before it.
        const count = (m.state?.stream?.stream_state as { cursor: number } | undefined)?.cursor ?? 0;
        seenAtState.push(
          people
            .slice(0, Math.min(count, people.length))
            .filter((p) => !emu.store.profiles.byEmailAddress(p.contact.email))
            .map((p) => p.contact.email),
        );
      },
    );
    expect(airbyteProblems(messages)).toEqual([]);
    const states = messages.filter((m) => m.type === "STATE");
    expect(states.map((m) => m.state?.stream?.stream_state)).toEqual([{ cursor: 5 }, { cursor: 9 }]);
    expect(states.map((m) => m.state?.destinationStats?.recordCount)).toEqual([5, 4]);
    expect(seenAtState).toEqual([[], []]);
    for (const p of people) {
      const got = emu.store.profiles.byEmailAddress(p.contact.email);
      expect(got?.properties).toMatchObject(p.attrs);
      expect(got?.location?.city).toBe("Lyon");
    }
    expect(emu.store.profiles.byEmailAddress("buyer1@example.com")?.first_name).toBe("Changed");
    expect(emu.store.profiles.byEmailAddress("buyer2@example.com")?.first_name).toBe("Buyer2");
    // The invalid record: reported with its key and reason, never sent, and the state still passed on.
    // 9 succeeded: the 8 buyers, then buyer 1 again with its change.
    const warnings = messages
      .filter((m) => m.type === "LOG" && m.log?.level === "WARN")
      .map((m) => String(m.log?.message));
    expect(warnings.some((w) => /customers: record 99 invalid: .*email/i.test(w))).toBe(true);
    const summary = messages
      .filter((m) => m.type === "LOG")
      .map((m) => String(m.log?.message))
      .pop();
    expect(summary).toMatch(
      /customers: 10 records received; 9 succeeded, 0 unchanged, 1 invalid, 0 rejected/,
    );
  });

  it("holds states while records accumulate (flush interval), then passes them all on in order", async () => {
    const lines: string[] = [];
    for (let i = 0; i < 30; i++) {
      lines.push(record("members", { id: `m${i}`, email: `member${i}@example.com`, first_name: "M" }));
      if (i % 10 === 9) lines.push(state("members", { page: i }));
    }
    const order: string[] = [];
    const messages = await write(
      {
        streams: { members: { action: "profiles", mapping: { email: "email", first_name: "first_name" } } },
        flush_interval_seconds: 3600,
      },
      catalog([{ name: "members", pk: [["id"]] }]),
      lines,
      (m) => {
        if (m.type === "STATE") {
          const missing = Array.from({ length: 30 }, (_, i) => `member${i}@example.com`).filter(
            (e) => !emu.store.profiles.byEmailAddress(e),
          );
          order.push(`state ${JSON.stringify(m.state?.stream?.stream_state)}: ${missing.length} missing`);
        }
      },
    );
    expect(airbyteProblems(messages)).toEqual([]);
    // One send at the end of the input covered all three states.
    expect(order).toEqual([
      'state {"page":9}: 0 missing',
      'state {"page":19}: 0 missing',
      'state {"page":29}: 0 missing',
    ]);
    const sends = messages.filter(
      (m) => m.type === "LOG" && /records → profiles/.test(String(m.log?.message)),
    );
    expect(sends).toHaveLength(1);
  });

  it("tracks events, and takes an operation named by the catalog (destination_object_name) with its fields by name", async () => {
    const messages = await write(
      {
        streams: {
          orders: {
            action: "events",
            options: { metric: "Warehouse Order" },
            mapping: { buyer: "email", at: "time", total: "value", details: "properties.*" },
          },
        },
        flush_interval_seconds: 0,
      },
      catalog([
        { name: "orders", pk: [["order_no"]] },
        { name: "people", object: "profiles" },
      ]),
      [
        record("orders", {
          order_no: "A1",
          buyer: "evbuyer@example.com",
          at: "2024-05-01T10:00:00Z",
          total: 12.5,
          details: { sku: "X" },
        }),
        record("orders", {
          order_no: "A2",
          buyer: "evbuyer@example.com",
          at: "2024-05-02T10:00:00Z",
          total: 20,
          details: { sku: "Y" },
        }),
        record("people", {
          email: "auto@example.com",
          first_name: "Auto",
          properties: { plan: "pro" },
          unknown_field: 1,
        }),
        state("orders", { done: true }),
      ],
    );
    expect(airbyteProblems(messages)).toEqual([]);
    const metric = [...emu.store.metrics.values()].find((m) => m.attributes.name === "Warehouse Order");
    expect(metric).toBeDefined();
    const events = [...emu.store.events.scan({}, (v) => v.metricId === metric?.id)];
    expect(events.map((e) => e.properties.sku).sort()).toEqual(["X", "Y"]);
    expect(events.map((e) => e.value).sort()).toEqual([12.5, 20]);
    const auto = emu.store.profiles.byEmailAddress("auto@example.com");
    expect(auto?.first_name).toBe("Auto");
    expect(auto?.properties).toEqual({ plan: "pro" });
    expect(messages.filter((m) => m.type === "STATE")).toHaveLength(1);
  });

  it("refuses overwrite, records of streams not in the catalog, and passes no state on when Klaviyo takes nothing", async () => {
    const cfg = { streams: { s: { action: "profiles" } } };
    await expect(write(cfg, catalog([{ name: "s", mode: "overwrite" }]), [])).rejects.toThrow(/overwrite/);
    await expect(
      write(cfg, catalog([{ name: "s" }]), [record("other", { email: "x@example.com" })]),
    ).rejects.toThrow(/stream other, which the configured catalog does not have/);
    await expect(write({}, catalog([{ name: "s" }]), [])).rejects.toThrow(/the config says nothing of it/);
    const badKey = "pk_revoked_0123456789abc";
    await expect(
      write(
        { ...cfg, flush_interval_seconds: 0 },
        catalog([{ name: "s", pk: [["email"]] }]),
        [record("s", { email: "never@example.com" }), state("s", { n: 1 })],
        () => {},
        badKey,
      ),
    ).rejects.toSatisfy(
      // A revoked key stops the load (the user's to fix), not a row at a time.
      (err: unknown) => /credentials \(HTTP 401\)/.test(String(err)) && failureType(err) === "config_error",
    );
    const printed = (write as { last?: Msg[] }).last ?? [];
    expect(printed.filter((m) => m.type === "STATE")).toEqual([]);
    expect(JSON.stringify(printed)).not.toContain(badKey);
    expect(emu.store.profiles.byEmailAddress("never@example.com")).toBeUndefined();
    // Klaviyo failing every import past the client's retries: none of the send was taken.
    emu.faults.configure(
      {
        plan: [
          {
            path: "/api/profile-bulk-import-jobs",
            fault: { kind: "status", status: 503 },
            startMs: 0,
            durationMs: 600_000,
          },
        ],
      },
      Date.now(),
    );
    try {
      await expect(
        write({ ...cfg, flush_interval_seconds: 0 }, catalog([{ name: "s", pk: [["email"]] }]), [
          record("s", { email: "outage@example.com" }),
          state("s", { n: 2 }),
        ]),
      ).rejects.toSatisfy(
        (err: unknown) =>
          /Klaviyo took none of the 1 records/.test(String(err)) && failureType(err) === "transient_error",
      );
      const during = (write as { last?: Msg[] }).last ?? [];
      expect(during.filter((m) => m.type === "STATE")).toEqual([]);
    } finally {
      emu.faults.configure({}, Date.now());
    }
    expect(emu.store.profiles.byEmailAddress("outage@example.com")).toBeUndefined();
  });

  it("destination discover: the operations with their schemas and matching keys", () => {
    const m = destinationDiscoverMessage();
    expect(airbyteProblems([m])).toEqual([]);
    const ops = (m as AbMessage).destination_catalog?.operations ?? [];
    const by = (name: string) => ops.filter((o) => o.object_name === name);
    expect(by("profiles").map((o) => o.sync_mode)).toEqual(["append_dedup", "update"]);
    expect(by("profiles")[0]?.matching_keys).toEqual([["email"], ["phone_number"], ["external_id"], ["id"]]);
    expect(by("events")[0]).toMatchObject({ sync_mode: "append", matching_keys: [["unique_id"]] });
    expect(by("list_membership").map((o) => o.sync_mode)).toEqual(["append_dedup"]);
    expect(by("subscriptions").map((o) => o.sync_mode)).toEqual(["append_dedup", "soft_delete"]);
    const schema = by("profiles")[0]?.json_schema as { properties: Record<string, { properties?: object }> };
    expect(Object.keys(schema.properties.location?.properties ?? {})).toContain("city");
  });

  it("the config names what is wrong", () => {
    expect(() =>
      parseDestinationConfig({ api_key: TEST_KEY, streams: { s: { action: "profile" } } }),
    ).toThrow(/unknown action "profile".*Did you mean "profiles"/);
    expect(() =>
      parseDestinationConfig({
        api_key: TEST_KEY,
        streams: { s: { action: "profiles", mapping: { a: "emial" } } },
      }),
    ).toThrow(/no field "emial".*Did you mean "email"/);
    expect(() =>
      parseDestinationConfig({
        api_key: TEST_KEY,
        streams: { s: { action: "list_membership", mode: "mirror" } },
      }),
    ).toThrow(/mirror.*needs the whole model/);
    expect(() => parseDestinationConfig({ streams: {} })).toThrow(/api_key is required/);
    expect(
      parseDestinationConfig({ streams: {} }, { env: { KLAVIYO_API_KEY: TEST_KEY } }).klaviyo.apiKey,
    ).toBe(TEST_KEY);
  });
});
