import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ClientRequestError,
  ConflictError,
  type KlaviyoClient,
  NotFoundError,
  ValidationError,
} from "../../../src/client/index.js";
import { startTestEmulator, type TestEmulator } from "../../helpers/emulator.js";
import { failure, seedList, seedSegment } from "./helpers.js";

let emu: TestEmulator;
let client: KlaviyoClient;

beforeAll(async () => {
  emu = await startTestEmulator();
  client = emu.client();
});
afterAll(async () => {
  await emu.close();
});

const profileBody = (attributes: Record<string, unknown>) => ({
  data: { type: "profile" as const, attributes },
});

describe("create_profile", () => {
  it("creates a profile (201) with lower-cased email and renders every attribute", async () => {
    const res = await client.profiles.create(
      profileBody({
        email: "Ada.Lovelace@Example.com",
        phone_number: "+15005550006",
        external_id: "crm-1",
        first_name: "Ada",
        location: { city: "London", latitude: 51.5 },
        properties: { plan: "pro" },
      }),
    );
    const p = res.data;
    expect(p.id).toMatch(/^[0-9A-Z]{26}$/);
    expect(p.attributes.email).toBe("ada.lovelace@example.com");
    expect(p.attributes.phone_number).toBe("+15005550006");
    expect(p.attributes.location?.city).toBe("London");
    expect(p.attributes.location?.country).toBeNull();
    expect(p.attributes.properties).toEqual({ plan: "pro" });
    expect(p.attributes.created).toMatch(/\+00:00$/);
    expect(emu.store.profiles.get(p.id ?? "")?.first_name).toBe("Ada");
  });

  it("answers 409 duplicate_profile with the existing id for a taken email, phone or external id", async () => {
    const first = await client.profiles.create(
      profileBody({ email: "dupe@example.com", external_id: "dupe-ext" }),
    );
    for (const attrs of [
      { email: "DUPE@example.com" },
      { external_id: "dupe-ext" },
      { email: "other@x.com", external_id: "dupe-ext" },
    ]) {
      const err = await failure(() => client.profiles.create(profileBody(attrs)));
      expect(err).toBeInstanceOf(ConflictError);
      expect((err as ConflictError).status).toBe(409);
      expect((err as ConflictError).code).toBe("duplicate_profile");
      expect((err as ConflictError).duplicateProfileId).toBe(first.data.id);
    }
  });

  it("rejects a bad email, a non-E.164 phone and a profile without identifiers, naming the field", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ email: "not-an-email" }, "/data/attributes/email"],
      [{ email: "a b@example.com" }, "/data/attributes/email"],
      [{ phone_number: "555-0100" }, "/data/attributes/phone_number"],
      [{ phone_number: "15005550006" }, "/data/attributes/phone_number"],
      [{ first_name: "Nobody" }, "/data/attributes"],
    ];
    for (const [attrs, pointer] of cases) {
      const err = await failure(() => client.profiles.create(profileBody(attrs)));
      expect(err, JSON.stringify(attrs)).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).pointer).toBe(pointer);
    }
  });

  it("answers 413 for a profile payload over 100 KB", async () => {
    const err = await failure(() =>
      client.profiles.create(
        profileBody({ email: "big@example.com", properties: { blob: "x".repeat(110_000) } }),
      ),
    );
    expect(err).toBeInstanceOf(ClientRequestError);
    expect((err as ClientRequestError).status).toBe(413);
    expect(emu.store.profiles.byEmailAddress("big@example.com")).toBeUndefined();
  });
});

describe("update_profile", () => {
  it("sets given fields, clears nulls, keeps omitted ones and patches properties", async () => {
    const created = await client.profiles.create(
      profileBody({
        email: "patch@example.com",
        first_name: "Pat",
        last_name: "Smith",
        title: "Engineer",
        location: { city: "Paris", country: "FR" },
        properties: { skus: ["a", "b"], tier: "gold", drop: 1 },
      }),
    );
    const id = created.data.id ?? "";
    const res = await client.profiles.update(id, {
      data: {
        type: "profile",
        id,
        attributes: {
          first_name: "Patricia",
          last_name: null,
          location: { city: "Lyon" },
          properties: { extra: true },
        },
        meta: { patch_properties: { append: { skus: "c" }, unappend: { skus: "a" }, unset: ["drop"] } },
      },
    });
    const a = res.data.attributes;
    expect(a.first_name).toBe("Patricia");
    expect(a.last_name).toBeNull();
    expect(a.title).toBe("Engineer");
    expect(a.location?.city).toBe("Lyon");
    expect(a.location?.country).toBe("FR");
    expect(a.properties).toEqual({ skus: ["b", "c"], tier: "gold", extra: true });
    expect(Date.parse(a.updated ?? "")).toBeGreaterThanOrEqual(Date.parse(a.created ?? ""));
  });

  it("404s an unknown profile, 400s a mismatched body id, 409s an identifier owned by another profile", async () => {
    const a = await client.profiles.create(profileBody({ email: "owner-a@example.com" }));
    const b = await client.profiles.create(profileBody({ email: "owner-b@example.com" }));
    const aId = a.data.id ?? "";
    const bId = b.data.id ?? "";
    const missing = await failure(() =>
      client.profiles.update("01ZZZZZZZZZZZZZZZZZZZZZZZZ", {
        data: { type: "profile", id: "01ZZZZZZZZZZZZZZZZZZZZZZZZ", attributes: { first_name: "x" } },
      }),
    );
    expect(missing).toBeInstanceOf(NotFoundError);
    const mismatch = await failure(() =>
      client.profiles.update(aId, { data: { type: "profile", id: bId, attributes: { first_name: "x" } } }),
    );
    expect((mismatch as ValidationError).pointer).toBe("/data/id");
    const conflict = await failure(() =>
      client.profiles.update(aId, {
        data: { type: "profile", id: aId, attributes: { email: "owner-b@example.com" } },
      }),
    );
    expect((conflict as ConflictError).duplicateProfileId).toBe(bId);
    const badPhone = await failure(() =>
      client.profiles.update(aId, { data: { type: "profile", id: aId, attributes: { phone_number: "12" } } }),
    );
    expect((badPhone as ValidationError).pointer).toBe("/data/attributes/phone_number");
  });
});

describe("create_or_update_profile (profile-import)", () => {
  it("answers 201 when it creates and 200 when it updates, merging attributes", async () => {
    const created = await client.profiles.createOrUpdate(
      profileBody({ email: "upsert@example.com", first_name: "Up", last_name: "Sert", properties: { a: 1 } }),
    );
    expect(created.data.attributes.first_name).toBe("Up");
    const raw = await client.request("POST", "/api/profile-import", {
      body: profileBody({ email: "upsert@example.com", phone_number: "+15005550100" }),
    });
    expect(raw).toMatchObject({ data: { id: created.data.id } });
    const updated = await client.profiles.createOrUpdate(
      profileBody({ email: "UPSERT@example.com", last_name: null, properties: { b: 2 } }),
    );
    expect(updated.data.id).toBe(created.data.id);
    expect(updated.data.attributes).toMatchObject({
      first_name: "Up",
      last_name: null,
      phone_number: "+15005550100",
      properties: { a: 1, b: 2 },
    });
    const counts = emu.counters().create_or_update_profile;
    expect(counts?.requests).toBe(3);
  });

  it("reports 201 vs 200 in the HTTP status", async () => {
    const statuses: number[] = [];
    const watcher = await startTestEmulator({
      onResponse: (info) => {
        if (info.op?.id === "create_or_update_profile") statuses.push(info.status);
      },
    });
    const c = watcher.client();
    await c.profiles.createOrUpdate(profileBody({ external_id: "status-1" }));
    await c.profiles.createOrUpdate(profileBody({ external_id: "status-1", first_name: "Again" }));
    await watcher.close();
    expect(statuses).toEqual([201, 200]);
  });

  it("updates by id, 404s an unknown id and 409s identifiers that point at two profiles", async () => {
    const a = await client.profiles.create(profileBody({ email: "split-a@example.com" }));
    const b = await client.profiles.create(profileBody({ phone_number: "+15005550199" }));
    const byId = await client.profiles.createOrUpdate({
      data: { type: "profile", id: a.data.id ?? "", attributes: { first_name: "ById" } },
    });
    expect(byId.data.attributes.first_name).toBe("ById");
    const unknown = await failure(() =>
      client.profiles.createOrUpdate({
        data: { type: "profile", id: "01NOPE", attributes: { first_name: "x" } },
      }),
    );
    expect(unknown).toBeInstanceOf(NotFoundError);
    const split = await failure(() =>
      client.profiles.createOrUpdate(
        profileBody({ email: "split-a@example.com", phone_number: "+15005550199" }),
      ),
    );
    expect((split as ConflictError).duplicateProfileId).toBe(b.data.id);
  });
});

describe("get_profile and a profile's lists and segments", () => {
  it("includes lists and segments, subscriptions and predictive analytics on request", async () => {
    const created = await client.profiles.create(profileBody({ email: "member@example.com" }));
    const id = created.data.id ?? "";
    const list = seedList(emu.store, "VIP");
    const other = seedList(emu.store, "Other");
    emu.store.listMembers.get(list.id)?.set(id, Date.now());
    const seg = seedSegment(emu.store, "Engaged", [{ id, joined: Date.now() }]);
    const p = emu.store.profiles.get(id);
    if (p) p.predictive = { historic_clv: 12.5, predicted_clv: 30, churn_probability: 0.2 };

    const res = await client.profiles.get(id, {
      include: ["lists", "segments"],
      "additional-fields[profile]": ["subscriptions", "predictive_analytics"],
    });
    expect(res.data.relationships?.lists?.data).toEqual([{ type: "list", id: list.id }]);
    expect(res.data.relationships?.segments?.data).toEqual([{ type: "segment", id: seg.id }]);
    const included = (res.included ?? []).map((r) => `${r.type}:${r.id}`).sort();
    expect(included).toEqual([`list:${list.id}`, `segment:${seg.id}`].sort());
    expect(res.data.attributes.subscriptions?.email?.marketing?.consent).toBe("NEVER_SUBSCRIBED");
    expect(res.data.attributes.subscriptions?.email?.marketing?.can_receive_email_marketing).toBe(true);
    expect(res.data.attributes.predictive_analytics?.historic_clv).toBe(12.5);

    const plain = await client.profiles.get(id, { "fields[profile]": ["email"] });
    expect(plain.data.attributes).toEqual({ email: "member@example.com" });

    const lists = await client.request("GET", "/api/profiles/{id}/lists", { path: { id } });
    expect((lists as { data: Array<{ id: string }> }).data.map((l) => l.id)).toEqual([list.id]);
    const listIds = await client.request("GET", "/api/profiles/{id}/relationships/lists", { path: { id } });
    expect(listIds).toMatchObject({ data: [{ type: "list", id: list.id }] });
    expect(JSON.stringify(listIds)).not.toContain(other.id);
    const segs = await client.request("GET", "/api/profiles/{id}/segments", { path: { id } });
    expect((segs as { data: Array<{ id: string }> }).data.map((s) => s.id)).toEqual([seg.id]);
    const segIds = await client.request("GET", "/api/profiles/{id}/relationships/segments", { path: { id } });
    expect(segIds).toMatchObject({ data: [{ type: "segment", id: seg.id }] });
  });

  it("renders predictive_analytics as null when none was seeded and 404s unknown profiles", async () => {
    const created = await client.profiles.create(profileBody({ email: "nopredict@example.com" }));
    const res = await client.profiles.get(created.data.id ?? "", {
      "additional-fields[profile]": ["predictive_analytics"],
    });
    expect(res.data.attributes.predictive_analytics).toBeNull();
    expect(await failure(() => client.profiles.get("01MISSING"))).toBeInstanceOf(NotFoundError);
    expect(
      await failure(() => client.request("GET", "/api/profiles/{id}/lists", { path: { id: "01MISSING" } })),
    ).toBeInstanceOf(NotFoundError);
  });
});

describe("merge_profiles", () => {
  it("merges the source into the destination and deletes the source", async () => {
    const dest = await client.profiles.create(
      profileBody({ email: "dest@example.com", properties: { keep: "dest" } }),
    );
    const src = await client.profiles.create(
      profileBody({ external_id: "src-ext", first_name: "Source", properties: { keep: "src", only: "src" } }),
    );
    const destId = dest.data.id ?? "";
    const srcId = src.data.id ?? "";
    const list = seedList(emu.store, "Merge list");
    emu.store.listMembers.get(list.id)?.set(srcId, Date.UTC(2024, 5, 1));
    const res = await client.profiles.merge({
      data: {
        type: "profile-merge",
        id: destId,
        relationships: { profiles: { data: [{ type: "profile", id: srcId }] } },
      },
    });
    expect(res.data.id).toBe(destId);
    const merged = await client.profiles.get(destId);
    expect(merged.data.attributes).toMatchObject({
      email: "dest@example.com",
      external_id: "src-ext",
      first_name: "Source",
      properties: { keep: "dest", only: "src" },
    });
    expect(await failure(() => client.profiles.get(srcId))).toBeInstanceOf(NotFoundError);
    expect(emu.store.listMembers.get(list.id)?.get(destId)).toBe(Date.UTC(2024, 5, 1));
    const self = await failure(() =>
      client.profiles.merge({
        data: {
          type: "profile-merge",
          id: destId,
          relationships: { profiles: { data: [{ type: "profile", id: destId }] } },
        },
      }),
    );
    expect(self).toBeInstanceOf(ValidationError);
    const gone = await failure(() =>
      client.profiles.merge({
        data: {
          type: "profile-merge",
          id: destId,
          relationships: { profiles: { data: [{ type: "profile", id: srcId }] } },
        },
      }),
    );
    expect(gone).toBeInstanceOf(NotFoundError);
  });
});
