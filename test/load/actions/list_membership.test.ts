import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  ConfigError,
  createHttpTransport,
  type KlaviyoClient,
  type Transport,
} from "../../../src/client/index.js";
import { silentLogger } from "../../../src/client/types.js";
import { addListMember } from "../../../src/emulator/handlers/profiles.js";
import { lookupProfileIds } from "../../../src/load/actions/list_membership/common.js";
import { listMembershipAction } from "../../../src/load/actions/list_membership/index.js";
import type { ActionContext, LoadRow, RemovedRow, SyncMemory } from "../../../src/load/types.js";
import { seedList, seedProfiles } from "../../emulator/profiles/helpers.js";
import { startTestEmulator, type TestEmulator } from "../../helpers/emulator.js";

let emu: TestEmulator;
let client: KlaviyoClient;
/** operationId → number of requests, for the whole file. */
const calls = new Map<string, number>();

beforeAll(async () => {
  emu = await startTestEmulator({
    onResponse: (info) => {
      if (info.op) calls.set(info.op.id, (calls.get(info.op.id) ?? 0) + 1);
    },
  });
  client = emu.client();
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.store.reset();
  calls.clear();
});

class MapMemory implements SyncMemory {
  readonly values = new Map<string, string>();
  async get(key: string) {
    return this.values.get(key);
  }
  async set(key: string, value: string) {
    this.values.set(key, value);
  }
}

function ctxFor(
  options: Record<string, unknown>,
  mode = "add",
  memory: SyncMemory = new MapMemory(),
): ActionContext {
  return {
    client,
    sync: "t",
    options: listMembershipAction.parseOptions(options, mode),
    mode,
    memory,
    logger: silentLogger,
    now: Date.now,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
}

const row = (key: string, fields: Record<string, unknown>): LoadRow => ({
  key,
  source: { ...fields },
  fields: { ...fields },
  hash: key,
});

const members = (listId: string) => new Set(emu.store.listMembers.get(listId)?.keys() ?? []);
const listsNamed = (name: string) => [...emu.store.lists.values()].filter((l) => l.attributes.name === name);

describe("list_membership add", () => {
  it("adds 2,500 rows, creating the 300 profiles that do not exist yet through an import job", async () => {
    const existing = seedProfiles(emu.store, 2200, { prefix: "lm" });
    const list = seedList(emu.store, "VIPs");
    const rows = Array.from({ length: 2500 }, (_, i) =>
      // Mixed case on purpose: Klaviyo matches emails case-insensitively.
      row(`k${i}`, { email: i % 7 === 0 ? `LM${i}@Example.com` : `lm${i}@example.com` }),
    );
    const outcomes = await listMembershipAction.perform(rows, ctxFor({ list: list.id }));

    expect(outcomes).toHaveLength(2500);
    expect(outcomes.filter((o) => o.status !== "succeeded")).toEqual([]);
    const m = members(list.id);
    expect(m.size).toBe(2500);
    for (const o of outcomes) {
      const i = Number(o.key.slice(1));
      const p = emu.store.profiles.byEmailAddress(`lm${i}@example.com`);
      expect(p?.id).toBe(o.klaviyoId);
      expect(m.has(o.klaviyoId as string)).toBe(true);
      if (i < 2200) expect(o.klaviyoId).toBe(existing[i]?.id);
    }
    expect(calls.get("bulk_import_profiles")).toBe(1);
    // Lookups: 25 chunks of 100 values, plus 3 for the 300 created profiles.
    expect(calls.get("get_profiles")).toBe(28);
    // ≤1,000 ids per call.
    expect(calls.get("add_profiles_to_list")).toBe(3);
  });

  it("adds the ids found so far while later lookups still run, several lookups at once", async () => {
    // Each lookup answered late, so that an add not overlapping them would show in the timeline.
    const inner = createHttpTransport();
    const timeline: string[] = [];
    let lookupsInFlight = 0;
    let mostLookups = 0;
    const transport: Transport = async (req) => {
      const path = new URL(req.url).pathname;
      const kind =
        req.method === "GET" && path === "/api/profiles"
          ? "lookup"
          : req.method === "POST" && /\/relationships\/profiles/.test(path)
            ? "add"
            : "other";
      if (kind === "lookup") mostLookups = Math.max(mostLookups, ++lookupsInFlight);
      timeline.push(`start ${kind}`);
      try {
        if (kind === "lookup") await new Promise((r) => setTimeout(r, 20));
        return await inner(req);
      } finally {
        if (kind === "lookup") lookupsInFlight--;
        timeline.push(`end ${kind}`);
      }
    };
    const c = emu.client({ transport });
    try {
      const profiles = seedProfiles(emu.store, 3000, { prefix: "ov" });
      const list = seedList(emu.store, "Overlap");
      const rows = profiles.map((p, i) => row(`k${i}`, { email: p.email }));
      expect(rows.length).toBeLessThanOrEqual(listMembershipAction.limits.maxRows);
      const outcomes = await listMembershipAction.perform(rows, { ...ctxFor({ list: list.id }), client: c });

      expect(outcomes.filter((o) => o.status !== "succeeded")).toEqual([]);
      expect(members(list.id).size).toBe(3000);
      expect(calls.get("get_profiles")).toBe(30);
      expect(calls.get("add_profiles_to_list")).toBe(3);
      // The first 1,000 ids went to the list before the last lookups were answered...
      expect(timeline.indexOf("start add")).toBeGreaterThan(-1);
      expect(timeline.indexOf("start add")).toBeLessThan(timeline.lastIndexOf("end lookup"));
      // ...and lookups did not wait for one another.
      expect(mostLookups).toBeGreaterThan(1);
    } finally {
      await inner.close();
    }
  });

  it("rejects identifiers without a profile when create_missing_profiles is false", async () => {
    seedProfiles(emu.store, 3, { prefix: "nc" });
    const list = seedList(emu.store, "No create");
    const outcomes = await listMembershipAction.perform(
      [row("a", { email: "nc0@example.com" }), row("b", { email: "nobody@example.com" })],
      ctxFor({ list: list.id, create_missing_profiles: false }),
    );
    const byKey = new Map(outcomes.map((o) => [o.key, o]));
    expect(byKey.get("a")?.status).toBe("succeeded");
    expect(byKey.get("b")).toMatchObject({
      status: "rejected",
      reason: expect.stringContaining("no profile with this email"),
    });
    expect(emu.store.profiles.byEmailAddress("nobody@example.com")).toBeUndefined();
    expect(members(list.id).size).toBe(1);
    expect(calls.get("bulk_import_profiles")).toBeUndefined();
  });

  it("identifies by id, external_id or phone_number and marks unusable rows invalid", async () => {
    const [p0, p1] = seedProfiles(emu.store, 2, { prefix: "ids" });
    const list = seedList(emu.store, "By id");
    const byId = await listMembershipAction.perform(
      [row("a", { id: p0?.id }), row("b", { id: "01NOSUCHPROFILE000000000000" }), row("c", {})],
      ctxFor({ list: list.id, identify_by: "id" }),
    );
    const s = new Map(byId.map((o) => [o.key, o]));
    expect(s.get("a")).toMatchObject({ status: "succeeded", klaviyoId: p0?.id });
    expect(s.get("b")).toMatchObject({ status: "rejected", reason: "no profile with this id" });
    expect(s.get("c")).toMatchObject({ status: "invalid", reason: expect.stringContaining("id is missing") });

    const byExt = await listMembershipAction.perform(
      [row("d", { external_id: "ids-ext-1" }), row("e", { external_id: "brand-new-ext" })],
      ctxFor({ list: list.id, identify_by: "external_id" }),
    );
    expect(byExt.every((o) => o.status === "succeeded")).toBe(true);
    expect(byExt.find((o) => o.key === "d")?.klaviyoId).toBe(p1?.id);
    expect(emu.store.profiles.byExternalId("brand-new-ext")).toBeDefined();

    const byPhone = await listMembershipAction.perform(
      [
        row("f", { phone_number: "(415) 555-0123" }),
        row("g", { phone_number: "12" }),
        row("h", { email: "x@y" }),
      ],
      ctxFor({ list: list.id, identify_by: "phone_number", default_country: "US" }),
    );
    const ph = new Map(byPhone.map((o) => [o.key, o]));
    expect(ph.get("f")?.status).toBe("succeeded");
    expect(emu.store.profiles.byPhoneNumber("+14155550123")?.id).toBe(ph.get("f")?.klaviyoId);
    expect(ph.get("g")).toMatchObject({
      status: "invalid",
      reason: expect.stringContaining("not a valid phone number"),
    });
    expect(ph.get("h")?.status).toBe("invalid");
    expect(members(list.id).size).toBe(4);
  });

  it("creates a list_name list once across runs, remembers its id and reuses an existing one", async () => {
    const memory = new MapMemory();
    seedProfiles(emu.store, 5, { prefix: "ln" });
    const first = await listMembershipAction.perform(
      [row("a", { email: "ln0@example.com" }), row("b", { email: "ln1@example.com" })],
      ctxFor({ list_name: "Loaded by sync" }, "add", memory),
    );
    const second = await listMembershipAction.perform(
      [row("c", { email: "ln2@example.com" })],
      ctxFor({ list_name: "Loaded by sync" }, "add", memory),
    );
    // Two batches at once on the same memory still create it only once.
    const concurrent = await Promise.all([
      listMembershipAction.perform(
        [row("d", { email: "ln3@example.com" })],
        ctxFor({ list_name: "Twin" }, "add", memory),
      ),
      listMembershipAction.perform(
        [row("e", { email: "ln4@example.com" })],
        ctxFor({ list_name: "Twin" }, "add", memory),
      ),
    ]);
    expect([...first, ...second, ...concurrent.flat()].every((o) => o.status === "succeeded")).toBe(true);
    expect(calls.get("create_list")).toBe(2);
    const [made] = listsNamed("Loaded by sync");
    expect(listsNamed("Loaded by sync")).toHaveLength(1);
    expect(listsNamed("Twin")).toHaveLength(1);
    expect([...memory.values.values()]).toContain(made?.id);
    expect(members(made?.id as string).size).toBe(3);

    // A new sync (empty memory) finds the list by its exact name instead of creating another.
    calls.clear();
    await listMembershipAction.perform(
      [row("f", { email: "ln4@example.com" })],
      ctxFor({ list_name: "Loaded by sync" }, "add", new MapMemory()),
    );
    expect(calls.get("create_list")).toBeUndefined();
    expect(listsNamed("Loaded by sync")).toHaveLength(1);
    expect(members(made?.id as string).size).toBe(4);
  });

  it("reports a list id that does not exist as a configuration error", async () => {
    seedProfiles(emu.store, 1, { prefix: "nl" });
    await expect(
      listMembershipAction.perform([row("a", { email: "nl0@example.com" })], ctxFor({ list: "NoSuch" })),
    ).rejects.toThrow(/no list with id NoSuch/);
  });
});

describe("list_membership mirror", () => {
  it("removes exactly the 40 rows that left the model, leaves other members alone, unsubscribes nobody", async () => {
    const profiles = seedProfiles(emu.store, 200, { prefix: "mm" });
    for (const p of profiles) {
      p.subscriptions.email.consent = "SUBSCRIBED";
      p.subscriptions.email.consentAt = Date.UTC(2024, 0, 1);
    }
    const list = seedList(emu.store, "Mirror");
    // 50 members someone else added.
    const others = profiles.slice(150, 200);
    for (const p of others) addListMember(emu.store, list.id, p.id, Date.now());

    const ctx = ctxFor({ list: list.id }, "mirror");
    const rows = profiles.slice(0, 150).map((p, i) => row(`k${i}`, { email: p.email }));
    const added = await listMembershipAction.perform(rows, ctx);
    expect(added.every((o) => o.status === "succeeded")).toBe(true);
    expect(members(list.id).size).toBe(200);

    // 40 rows leave the model: 20 with the recorded profile id, 20 with only their fields.
    const removed: RemovedRow[] = added
      .slice(0, 40)
      .map((o, i) =>
        i < 20
          ? { key: o.key, klaviyoId: o.klaviyoId as string, fields: { email: profiles[i]?.email } }
          : { key: o.key, fields: { email: String(profiles[i]?.email).toUpperCase() } },
      );
    const outcomes = await listMembershipAction.remove?.(removed, ctx);
    expect(outcomes).toHaveLength(40);
    expect(outcomes?.every((o) => o.status === "succeeded")).toBe(true);

    const m = members(list.id);
    expect(m.size).toBe(160);
    for (const p of profiles.slice(0, 40)) expect(m.has(p.id)).toBe(false);
    for (const p of profiles.slice(40, 200)) expect(m.has(p.id)).toBe(true);
    for (const p of profiles) {
      expect(p.subscriptions.email.consent).toBe("SUBSCRIBED");
      expect(p.subscriptions.email.suppression ?? null).toBeNull();
      expect(p.subscriptions.email.listSuppressions).toEqual([]);
    }
    expect(calls.get("bulk_unsubscribe_profiles")).toBeUndefined();
  });

  it("removes by recorded id from a list_name list, and does nothing when the list never existed", async () => {
    const memory = new MapMemory();
    const [a, b] = seedProfiles(emu.store, 2, { prefix: "mn" });
    const ctx = ctxFor({ list_name: "Mirror by name" }, "mirror", memory);
    await listMembershipAction.perform([row("a", { email: a?.email }), row("b", { email: b?.email })], ctx);
    const [made] = listsNamed("Mirror by name");
    const out = await listMembershipAction.remove?.([{ key: "a", klaviyoId: a?.id as string }], ctx);
    expect(out).toEqual([{ key: "a", status: "succeeded", klaviyoId: a?.id }]);
    expect([...members(made?.id as string)]).toEqual([b?.id]);

    calls.clear();
    const none = await listMembershipAction.remove?.(
      [{ key: "z", klaviyoId: b?.id as string }],
      ctxFor({ list_name: "Never made" }, "mirror"),
    );
    expect(none).toEqual([{ key: "z", status: "succeeded" }]);
    expect(calls.get("create_list")).toBeUndefined();
    expect(members(made?.id as string).size).toBe(1);
  });

  it("rejects a removed row with neither a recorded id nor an identifier", async () => {
    const list = seedList(emu.store, "M2");
    const out = await listMembershipAction.remove?.(
      [{ key: "q", fields: {} }],
      ctxFor({ list: list.id }, "mirror"),
    );
    expect(out?.[0]).toMatchObject({ key: "q", status: "rejected" });
  });
});

describe("profile lookups", () => {
  it("follow every page (more than 100 matches; small pages force many)", async () => {
    const profiles = seedProfiles(emu.store, 250, { prefix: "pg" });
    const emails = profiles.map((p) => p.email as string);
    calls.clear();
    const found = await lookupProfileIds(client, "email", emails, { pageSize: 10 });
    expect(found.size).toBe(250);
    for (const p of profiles) expect(found.get(p.email as string)).toBe(p.id);
    // 3 filters (100 + 100 + 50 values), 10 matches per page: 25 pages, not 3.
    expect(calls.get("get_profiles")).toBe(25);

    calls.clear();
    const defaults = await lookupProfileIds(client, "email", [...emails, "missing@example.com"]);
    expect(defaults.size).toBe(250);
    expect(calls.get("get_profiles")).toBe(3);
  });
});

describe("list_membership options", () => {
  const parse =
    (o: unknown, mode = "add") =>
    () =>
      listMembershipAction.parseOptions(o, mode);
  it("names the bad option and the valid choices", () => {
    expect(parse({})).toThrow(ConfigError);
    expect(parse({})).toThrow(/give exactly one of list \(a list id\) or list_name .*got neither/);
    expect(parse({ list: "a", list_name: "b" })).toThrow(/got both/);
    expect(parse({ list: "a", identify_by: "name" })).toThrow(
      /identify_by: must be one of email, phone_number, external_id, id; got "name"/,
    );
    expect(parse({ list: "a", create_missing_profiles: "yes" })).toThrow(
      /create_missing_profiles: must be true or false/,
    );
    expect(parse({ list: "a", default_country: "USA" })).toThrow(
      /default_country: must be a two-letter ISO 3166/,
    );
    expect(parse({ list: "a", lst: "b" })).toThrow(/unknown option lst; valid options are list, list_name/);
    expect(parse({ list: "" })).toThrow(/list: must be a list id/);
    expect(parse({ list: "a" }, "sync")).toThrow(/no mode "sync"; use "add" or "mirror"/);
    expect(listMembershipAction.parseOptions({ list: "a", default_country: "gb" }, "mirror")).toEqual({
      list: "a",
      identify_by: "email",
      create_missing_profiles: true,
      default_country: "GB",
    });
  });
});
