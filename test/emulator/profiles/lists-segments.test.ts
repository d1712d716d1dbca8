import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KlaviyoClient, NotFoundError, ValidationError } from "../../../src/client/index.js";
import type { ProfileRecord } from "../../../src/emulator/store/profiles.js";
import { startTestEmulator, type TestEmulator } from "../../helpers/emulator.js";
import { failure, seedList, seedProfiles, seedSegment } from "./helpers.js";

let emu: TestEmulator;
let client: KlaviyoClient;
let people: ProfileRecord[];

beforeAll(async () => {
  emu = await startTestEmulator();
  client = emu.client();
  people = seedProfiles(emu.store, 2600);
});
afterAll(async () => {
  await emu.close();
});

const createList = async (name: string, opt?: "double_opt_in" | "single_opt_in") =>
  (
    await client.lists.create({
      data: { type: "list", attributes: { name, ...(opt ? { opt_in_process: opt } : {}) } },
    })
  ).data;

describe("lists", () => {
  it("creates (201), reads, renames and deletes a list", async () => {
    const list = await createList("Newsletter", "double_opt_in");
    expect(list.attributes).toMatchObject({ name: "Newsletter", opt_in_process: "double_opt_in" });
    const got = await client.lists.get(list.id, { "additional-fields[list]": ["profile_count"] });
    expect(got.data.attributes.profile_count).toBe(0);
    const renamed = await client.lists.update(list.id, {
      data: { type: "list", id: list.id, attributes: { name: "Weekly" } },
    });
    expect(renamed.data.attributes.name).toBe("Weekly");
    expect(renamed.data.attributes.opt_in_process).toBe("double_opt_in");
    await client.lists.delete(list.id);
    expect(await failure(() => client.lists.get(list.id))).toBeInstanceOf(NotFoundError);
    expect(await failure(() => client.lists.delete(list.id))).toBeInstanceOf(NotFoundError);
    const mismatch = await failure(() =>
      client.lists.update("AAAAAA", { data: { type: "list", id: "AAAAAA", attributes: { name: "x" } } }),
    );
    expect(mismatch).toBeInstanceOf(NotFoundError);
  });

  it("pages lists 10 at a time, filters by name and created, sorts by name", async () => {
    for (let i = 0; i < 23; i++)
      seedList(emu.store, `Bulk list ${String(i).padStart(2, "0")}`, Date.UTC(2023, 0, 1 + i));
    const pages: number[] = [];
    for await (const page of client.lists.list().pages()) pages.push(page.data.length);
    expect(pages.every((n) => n <= 10)).toBe(true);
    expect(pages.reduce((a, b) => a + b, 0)).toBe(emu.store.lists.size);
    const named = await client.lists.list({ filter: "any(name,['Bulk list 03','Bulk list 07'])" }).toArray();
    expect(named.map((l) => l.attributes.name).sort()).toEqual(["Bulk list 03", "Bulk list 07"]);
    const recent = await client.lists
      .list({ filter: "greater-than(created,2023-01-20T00:00:00+00:00)" })
      .toArray();
    expect(recent.map((l) => l.attributes.name)).toContain("Bulk list 22");
    expect(recent.map((l) => l.attributes.name)).not.toContain("Bulk list 10");
    const sorted = await client.lists
      .list({ sort: "-name", filter: "any(name,['Bulk list 01','Bulk list 02','Bulk list 03'])" })
      .toArray();
    expect(sorted.map((l) => l.attributes.name)).toEqual(["Bulk list 03", "Bulk list 02", "Bulk list 01"]);
    const err = await failure(() =>
      client.lists.list({ filter: "less-than(created,2024-01-01T00:00:00Z)" }).toArray(),
    );
    expect(err).toBeInstanceOf(ValidationError);
  });

  it("adds 2,500 profiles in batches of 1,000 and reads them back with joined_group_at", async () => {
    const list = await createList("Big list");
    const ids = people.slice(0, 2500).map((p) => p.id);
    await client.lists.addProfiles(list.id, ids);
    expect(emu.counters().add_profiles_to_list?.requests).toBe(3);
    const members = await client.lists.profiles(list.id, { "page[size]": 100 }).toArray();
    expect(members).toHaveLength(2500);
    expect(new Set(members.map((m) => m.id))).toEqual(new Set(ids));
    for (const m of members) expect(m.attributes.joined_group_at).toMatch(/^\d{4}-\d{2}-\d{2}T.*\+00:00$/);
    const joined = members.map((m) => Date.parse(m.attributes.joined_group_at));
    expect(joined).toEqual([...joined].sort((a, b) => a - b));

    // Re-adding keeps the original joined_group_at; new members join later.
    const firstJoined = emu.store.listMembers.get(list.id)?.get(ids[0] as string);
    await new Promise((r) => setTimeout(r, 5));
    await client.lists.addProfiles(list.id, [ids[0] as string, (people[2550] as ProfileRecord).id]);
    expect(emu.store.listMembers.get(list.id)?.get(ids[0] as string)).toBe(firstJoined);
    const count = await client.lists.get(list.id, { "additional-fields[list]": ["profile_count"] });
    expect(count.data.attributes.profile_count).toBe(2501);

    const memberIds = await client.lists.profileIds(list.id, { "page[size]": 100 }).toArray();
    expect(memberIds).toHaveLength(2501);
    const newest = await client.lists
      .profiles(list.id, { sort: "-joined_group_at", "page[size]": 1 })
      .first();
    expect(newest?.data[0]?.id).toBe((people[2550] as ProfileRecord).id);
    const byEmail = await client.lists
      .profiles(list.id, {
        filter: "equals(email,['USER7@example.com'])",
        "additional-fields[profile]": ["subscriptions"],
      })
      .toArray();
    expect(byEmail.map((m) => m.id)).toEqual([people[7]?.id]);
    expect(byEmail[0]?.attributes.subscriptions?.email?.marketing?.consent).toBe("NEVER_SUBSCRIBED");
    const since = new Date((firstJoined ?? 0) + 1).toISOString();
    const late = await client.lists
      .profiles(list.id, { filter: `greater-than(joined_group_at,${since})` })
      .toArray();
    expect(late.map((m) => m.id)).toContain((people[2550] as ProfileRecord).id);

    // Remove 2,000 (two calls) and check what remains.
    await client.lists.removeProfiles(list.id, ids.slice(0, 2000));
    const rest = await client.lists.profileIds(list.id, { "page[size]": 100 }).toArray();
    expect(rest).toHaveLength(501);
    // Membership changes never touch consent.
    expect(emu.store.profiles.get(ids[0] as string)?.subscriptions.email.consent).toBe("NEVER_SUBSCRIBED");
  });

  it("rejects more than 1,000 ids per call (400 /data), unknown profiles (404) and unknown lists (404)", async () => {
    const list = await createList("Limits");
    const tooMany = people.slice(0, 1001).map((p) => ({ type: "profile" as const, id: p.id }));
    const err = await failure(() =>
      client.call("add_profiles_to_list", { path: { id: list.id }, body: { data: tooMany } }),
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).pointer).toBe("/data");
    const del = await failure(() =>
      client.call("remove_profiles_from_list", { path: { id: list.id }, body: { data: tooMany } }),
    );
    expect((del as ValidationError).pointer).toBe("/data");
    const unknown = await failure(() =>
      client.lists.addProfiles(list.id, [(people[0] as ProfileRecord).id, "01UNKNOWN"]),
    );
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect((unknown as NotFoundError).errors[0]?.source?.pointer).toBe("/data/1/id");
    expect(emu.store.listMembers.get(list.id)?.size).toBe(0);
    expect(
      await failure(() => client.lists.addProfiles("NOLIST", [(people[0] as ProfileRecord).id])),
    ).toBeInstanceOf(NotFoundError);
    expect(await failure(() => client.lists.profiles("NOLIST").toArray())).toBeInstanceOf(NotFoundError);
  });
});

describe("segments", () => {
  it("lists, reads and pages seeded segment members with filters", async () => {
    const base = Date.UTC(2024, 1, 1);
    const members = people.slice(100, 150).map((p, i) => ({ id: p.id, joined: base + i * 60_000 }));
    const seg = seedSegment(emu.store, "Repeat buyers", members);
    seedSegment(emu.store, "Dormant", []);
    const all = await client.segments.list().toArray();
    expect(all.map((s) => s.attributes.name)).toEqual(expect.arrayContaining(["Repeat buyers", "Dormant"]));
    expect(all[0]?.attributes).toHaveProperty("is_active");
    const active = await client.segments
      .list({ filter: "equals(is_active,true),equals(name,['Dormant'])" })
      .toArray();
    expect(active.map((s) => s.attributes.name)).toEqual(["Dormant"]);
    const got = await client.segments.get(seg.id, { "additional-fields[segment]": ["profile_count"] });
    expect(got.data.attributes.profile_count).toBe(50);

    const walked = await client.segments.profiles(seg.id, { "page[size]": 7 }).toArray();
    expect(walked.map((m) => m.id)).toEqual(members.map((m) => m.id));
    expect(walked[0]?.attributes.joined_group_at).toBe("2024-02-01T00:00:00+00:00");
    const ids = await client.segments
      .profileIds(seg.id, { sort: "-joined_group_at", "page[size]": 20 })
      .toArray();
    expect(ids.map((r) => r.id)).toEqual(members.map((m) => m.id).reverse());
    const one = await client.segments
      .profileIds(seg.id, { filter: `any(profile_id,['${members[3]?.id}','${people[0]?.id}'])` })
      .toArray();
    expect(one.map((r) => r.id)).toEqual([members[3]?.id]);
    const window = await client.segments
      .profiles(seg.id, {
        filter:
          "greater-or-equal(joined_group_at,2024-02-01T00:10:00Z),less-than(joined_group_at,2024-02-01T00:12:00Z)",
      })
      .toArray();
    expect(window.map((m) => m.id)).toEqual([members[10]?.id, members[11]?.id]);
    expect(await failure(() => client.segments.get("NOSEG"))).toBeInstanceOf(NotFoundError);
  });

  it("creates, updates and deletes a segment", async () => {
    const definition = {
      condition_groups: [
        {
          conditions: [
            { type: "profile-group-membership" as const, is_member: true as const, group_ids: ["AbCdEf"] },
          ],
        },
      ],
    };
    const created = await client.segments.create({
      data: { type: "segment", attributes: { name: "API segment", definition, is_starred: true } },
    });
    const id = created.data.id;
    expect(created.data.attributes).toMatchObject({ name: "API segment", is_starred: true, is_active: true });
    const updated = await client.segments.update(id, {
      data: { type: "segment", id, attributes: { name: "Renamed segment" } },
    });
    expect(updated.data.attributes.name).toBe("Renamed segment");
    expect(updated.data.attributes.definition).toEqual(definition);
    await client.segments.delete(id);
    expect(await failure(() => client.segments.get(id))).toBeInstanceOf(NotFoundError);
  });
});
