import { afterEach, describe, expect, it } from "vitest";
import { ConflictError, NotFoundError, type ValidationError } from "../../../src/client/errors.js";
import type { EmulatorStore } from "../../../src/emulator/store/store.js";
import { startTestEmulator, type TestEmulator } from "../../helpers/emulator.js";
import { failure } from "./helpers.js";

let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

function seedTargets(store: EmulatorStore): void {
  const now = "2026-01-01T00:00:00+00:00";
  for (const id of ["LIST01", "LIST02"])
    store.lists.insert({ id, attributes: { name: id, created: now, updated: now } });
  store.segments.insert({ id: "SEG001", attributes: { name: "Engaged", created: now, updated: now } });
  store.flows.insert({
    id: "FLOW01",
    attributes: {
      name: "Welcome",
      status: "draft",
      archived: false,
      created: now,
      updated: now,
      trigger_type: "Metric",
    },
  });
  store.campaigns.insert({ id: "CAMP01", attributes: { name: "Sale", status: "Draft" } });
}

describe("emulated tags and tag groups", () => {
  it("creates tags in the default group, lists them with filters and includes, renames and deletes", async () => {
    emu = await startTestEmulator();
    const c = emu.client();
    const names = ["Holiday", "Black Friday", "Welcome", "Winback"];
    const ids: string[] = [];
    for (const name of names)
      ids.push((await c.tags.create({ data: { type: "tag", attributes: { name } } })).data.id);
    const groups = await c.tagGroups.list().toArray();
    expect(groups.map((g) => g.attributes)).toEqual([{ name: "Default", exclusive: false, default: true }]);
    const defaultId = groups[0]?.id ?? "";

    const sorted = await c.tags.list({ sort: "name", "page[size]": 3 }).toArray();
    expect(sorted.map((t) => t.attributes.name)).toEqual(["Black Friday", "Holiday", "Welcome", "Winback"]);
    const w = await c.tags.list({ filter: "starts-with(name,'W')", sort: "-name" }).toArray();
    expect(w.map((t) => t.attributes.name)).toEqual(["Winback", "Welcome"]);
    const withGroup = await c.tags.list({ include: ["tag-group"] }).first();
    expect(withGroup.included.map((g) => g.id)).toEqual([defaultId]);
    const one = await c.tags.get(ids[0] ?? "", { include: ["tag-group"] });
    expect(one.data.relationships?.["tag-group"]?.data?.id).toBe(defaultId);
    expect(one.included?.[0]?.id).toBe(defaultId);
    const group = await c.call("get_tag_group_for_tag", { path: { id: ids[0] ?? "" } });
    expect(group.data?.attributes.default).toBe(true);
    const groupId = await c.call("get_tag_group_id_for_tag", { path: { id: ids[0] ?? "" } });
    expect(groupId.data?.id).toBe(defaultId);

    await c.tags.update(ids[0] ?? "", {
      data: { type: "tag", id: ids[0] ?? "", attributes: { name: "Holidays" } },
    });
    expect((await c.tags.get(ids[0] ?? "")).data.attributes.name).toBe("Holidays");
    const dup = await failure(c.tags.create({ data: { type: "tag", attributes: { name: "welcome" } } }));
    expect(dup).toBeInstanceOf(ConflictError);
    await c.tags.delete(ids[1] ?? "");
    await expect(c.tags.get(ids[1] ?? "")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("manages tag groups: exclusive groups, listing their tags, the 50-group cap and deletion", async () => {
    emu = await startTestEmulator();
    seedTargets(emu.store);
    const c = emu.client();
    const season = await c.tagGroups.create({
      data: { type: "tag-group", attributes: { name: "Season", exclusive: true } },
    });
    expect(season.data.attributes).toEqual({ name: "Season", exclusive: true, default: false });
    const got = await c.tagGroups.get(season.data.id);
    expect(got.data?.attributes.name).toBe("Season");
    const mk = (name: string) =>
      c.tags.create({
        data: {
          type: "tag",
          attributes: { name },
          relationships: { "tag-group": { data: { type: "tag-group", id: season.data.id } } },
        },
      });
    const summer = await mk("Summer");
    const winter = await mk("Winter");
    const inGroup = await c.tagGroups.tags(season.data.id).toArray();
    expect(inGroup.map((t) => t.attributes.name).sort()).toEqual(["Summer", "Winter"]);
    const idsInGroup = await c.call("get_tag_ids_for_tag_group", { path: { id: season.data.id } });
    expect(idsInGroup.data.map((t) => t.id).sort()).toEqual([summer.data.id, winter.data.id].sort());

    await c.tags.tagLists(summer.data.id, ["LIST01"]);
    const exclusive = await failure<ValidationError>(c.tags.tagLists(winter.data.id, ["LIST01", "LIST02"]));
    expect(exclusive.status).toBe(400);
    expect(exclusive.pointer).toBe("/data/0/id");
    await c.tags.tagLists(winter.data.id, ["LIST02"]);

    await c.tagGroups.update(season.data.id, {
      data: { type: "tag-group", id: season.data.id, attributes: { name: "Seasons" } },
    });
    const filtered = await c.tagGroups.list({ filter: "equals(exclusive,true)" }).toArray();
    expect(filtered.map((g) => g.attributes.name)).toEqual(["Seasons"]);

    for (let i = 0; i < 48; i++)
      await c.tagGroups.create({ data: { type: "tag-group", attributes: { name: `Group ${i}` } } });
    const cap = await failure<ValidationError>(
      c.tagGroups.create({ data: { type: "tag-group", attributes: { name: "One too many" } } }),
    );
    expect(cap.status).toBe(400);

    const defaultGroup = (await c.tagGroups.list({ filter: "equals(default,true)" }).toArray())[0];
    const noDelete = await failure<ValidationError>(c.tagGroups.delete(defaultGroup?.id ?? ""));
    expect(noDelete.status).toBe(400);
    await c.tagGroups.delete(season.data.id);
    await expect(c.tags.get(summer.data.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(emu.store.lists.get("LIST01")?.relationships?.tags).toEqual([]);
  });

  it("tags and untags flows, campaigns, lists and segments", async () => {
    emu = await startTestEmulator();
    seedTargets(emu.store);
    const c = emu.client();
    const tag = (await c.tags.create({ data: { type: "tag", attributes: { name: "Q1" } } })).data.id;
    await c.tags.tagFlows(tag, ["FLOW01"]);
    await c.tags.tagCampaigns(tag, ["CAMP01"]);
    await c.tags.tagLists(tag, ["LIST01", "LIST02"]);
    await c.tags.tagSegments(tag, ["SEG001"]);
    await c.tags.tagLists(tag, ["LIST01"]); // again: no duplicate
    const ids = async (
      op:
        | "get_flow_ids_for_tag"
        | "get_campaign_ids_for_tag"
        | "get_list_ids_for_tag"
        | "get_segment_ids_for_tag",
    ) => (await c.call(op, { path: { id: tag } })).data.map((r) => r.id);
    expect(await ids("get_flow_ids_for_tag")).toEqual(["FLOW01"]);
    expect(await ids("get_campaign_ids_for_tag")).toEqual(["CAMP01"]);
    expect(await ids("get_list_ids_for_tag")).toEqual(["LIST01", "LIST02"]);
    expect(await ids("get_segment_ids_for_tag")).toEqual(["SEG001"]);
    expect(emu.store.lists.get("LIST01")?.relationships?.tags).toEqual([tag]);

    await c.tags.untagFlows(tag, ["FLOW01"]);
    await c.tags.untagCampaigns(tag, ["CAMP01"]);
    await c.tags.untagLists(tag, ["LIST01"]);
    await c.tags.untagSegments(tag, ["SEG001"]);
    expect(await ids("get_flow_ids_for_tag")).toEqual([]);
    expect(await ids("get_campaign_ids_for_tag")).toEqual([]);
    expect(await ids("get_list_ids_for_tag")).toEqual(["LIST02"]);
    expect(await ids("get_segment_ids_for_tag")).toEqual([]);

    const missing = await failure(c.tags.tagLists(tag, ["NOPE01"]));
    expect(missing).toBeInstanceOf(NotFoundError);
    await expect(c.tags.tagFlows("no-such-tag", ["FLOW01"])).rejects.toBeInstanceOf(NotFoundError);
    await c.tags.delete(tag);
    expect(emu.store.lists.get("LIST02")?.relationships?.tags).toEqual([]);
  });
});
