import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KlaviyoClient } from "../../src/client/index.js";
import { iso } from "../../src/emulator/store/ids.js";
import { runExtract } from "../../src/extract/runner.js";
import { STREAMS } from "../../src/extract/streams/index.js";
import { DuckDBTarget } from "../../src/extract/targets/duckdb.js";
import { startTestEmulator, type TestEmulator } from "../helpers/emulator.js";

let emu: TestEmulator;
let client: KlaviyoClient;
let target: DuckDBTarget;

beforeAll(async () => {
  emu = await startTestEmulator({ seed: "demo" });
  client = emu.client();
  target = new DuckDBTarget(":memory:");
  await target.open();
});

afterAll(async () => {
  await target.close();
  await emu.close();
});

const all = () => STREAMS.map((s) => ({ name: s.name }));

async function ids(table: string, where = "true"): Promise<string[]> {
  const rows = await target.query(`SELECT id FROM "${table}" WHERE ${where} ORDER BY id`);
  return rows.map((r) => String(r.id));
}

describe("extract every stream into DuckDB", () => {
  it("first run: row counts and sampled values equal the emulator's data", async () => {
    const result = await runExtract({ client, target, streams: all() });
    const failed = result.results.filter((r) => r.status !== "ok");
    expect(failed.map((f) => `${f.stream}: ${f.error?.message}`)).toEqual([]);
    const store = emu.store;
    expect(await target.count("profiles")).toBe(store.profiles.size);
    expect(await target.count("events")).toBe(store.events.size);
    expect(await target.count("metrics")).toBe(store.metrics.size);
    expect(await target.count("lists")).toBe(store.lists.size);
    expect(await target.count("segments")).toBe(store.segments.size);
    expect(await target.count("campaigns")).toBe(store.campaigns.size);
    expect(await target.count("campaign_messages")).toBe(store.campaignMessages.size);
    expect(await target.count("flows")).toBe(store.flows.size);
    expect(await target.count("flow_actions")).toBe(store.flowActions.size);
    expect(await target.count("flow_messages")).toBe(store.flowMessages.size);
    expect(await target.count("templates")).toBe(store.templates.size);
    expect(await target.count("tags")).toBe(store.tags.size);
    expect(await target.count("tag_groups")).toBe(store.tagGroups.size);
    expect(await target.count("catalog_items")).toBe(store.catalogItems.size);
    expect(await target.count("catalog_variants")).toBe(store.catalogVariants.size);
    expect(await target.count("catalog_categories")).toBe(store.catalogCategories.size);
    expect(await target.count("coupons")).toBe(store.coupons.size);
    expect(await target.count("images")).toBe(store.images.size);
    expect(await target.count("accounts")).toBe(1);
    let members = 0;
    for (const m of store.listMembers.values()) members += m.size;
    expect(await target.count("list_memberships")).toBe(members);
    let segMembers = 0;
    for (const m of store.segmentMembers.values()) segMembers += m.size;
    expect(await target.count("segment_memberships")).toBe(segMembers);
    const suppressed = [...store.profiles.values()].filter((p) => p.subscriptions.email.suppression).length;
    expect(await target.count("suppressions")).toBe(suppressed);

    // Sampled values: every 97th profile, typed columns.
    const sample = [...store.profiles.values()].filter((_p, i) => i % 97 === 0);
    for (const p of sample) {
      const [row] = await target.query(
        `SELECT email, first_name, updated::VARCHAR AS updated, properties::VARCHAR AS props FROM profiles WHERE id = '${p.id}'`,
      );
      expect(row?.email).toBe(p.email);
      expect(row?.first_name).toBe(p.first_name);
      expect(Date.parse(String(row?.updated))).toBe(Math.floor(p.updated / 1000) * 1000);
      expect(JSON.parse(String(row?.props))).toEqual(p.properties);
    }
    const [ev] = await target.query(
      "SELECT id, metric_id, profile_id, datetime::VARCHAR AS dt FROM events ORDER BY id LIMIT 1",
    );
    const stored = store.events.get(String(ev?.id));
    expect(stored?.metricId).toBe(ev?.metric_id);
    expect(stored?.profileId).toBe(ev?.profile_id);
    expect(Date.parse(String(ev?.dt))).toBe(stored?.datetime);
    // The state is committed in the target: every stream completed, none in progress.
    for (const s of STREAMS) {
      const st = await target.readState(s.name);
      expect(st?.inProgress ?? null).toBeNull();
      expect(st?.lastCompletedAt).toBeTruthy();
    }
  });

  it("second incremental run picks up exactly the new and updated rows; a removal becomes _deleted_at", async () => {
    const c = client;
    // Changes in the emulator after the first run.
    const created = await c.profiles.create({
      data: { type: "profile", attributes: { email: "new-after-run@example.com", first_name: "New" } },
    });
    const someone = [...emu.store.profiles.values()][10];
    if (!someone) throw new Error("no profile");
    await c.profiles.update(someone.id, {
      data: { type: "profile", id: someone.id, attributes: { first_name: "Renamed" } },
    });
    await c.events.create({
      data: {
        type: "event",
        attributes: {
          properties: { sku: "NEW-1" },
          time: iso(Date.now() - 60_000),
          metric: { data: { type: "metric", attributes: { name: "Viewed Product" } } },
          profile: { data: { type: "profile", attributes: { email: "new-after-run@example.com" } } },
        },
      },
    });
    const list = [...emu.store.lists.values()].find((l) => (emu.store.listMembers.get(l.id)?.size ?? 0) > 2);
    if (!list) throw new Error("no list with members");
    const removed = [...(emu.store.listMembers.get(list.id)?.keys() ?? [])][0] as string;
    await c.lists.removeProfiles(list.id, [removed]);
    const added = created.data.id as string;
    await c.lists.addProfiles(list.id, [added]);

    const eventsBefore = await target.count("events");
    const profilesBefore = await target.count("profiles");
    const result = await runExtract({
      client,
      target,
      streams: [{ name: "profiles" }, { name: "events" }, { name: "list_memberships" }],
      fullPassHours: 0, // this run also makes the full pass that finds removals
    });
    expect(result.results.every((r) => r.status === "ok")).toBe(true);
    const byStream = Object.fromEntries(result.results.map((r) => [r.stream, r.rows]));
    // Exactly the new and the updated profile (lower bound = last run's start).
    expect(byStream.profiles).toBe(2);
    expect(await target.count("profiles")).toBe(profilesBefore + 1);
    expect(await ids("profiles", "first_name = 'Renamed'")).toEqual([someone.id]);
    expect(await target.count("events")).toBe(eventsBefore + 1);
    const members = await target.query(
      `SELECT profile_id, _deleted_at IS NOT NULL AS deleted FROM list_memberships WHERE list_id = '${list.id}' AND profile_id IN ('${removed}', '${added}') ORDER BY profile_id`,
    );
    expect(Object.fromEntries(members.map((m) => [m.profile_id, m.deleted]))).toEqual({
      [removed]: true,
      [added]: false,
    });
    // A third run with nothing changed reads no profile rows.
    const third = await runExtract({ client, target, streams: [{ name: "profiles" }] });
    expect(third.results[0]?.rows).toBe(0);
  });

  it("marks every membership of a deleted list as removed on the next full pass", async () => {
    const list = [...emu.store.lists.values()].find((l) => (emu.store.listMembers.get(l.id)?.size ?? 0) > 0);
    if (!list) throw new Error("no list with members");
    const live = await target.query(
      `SELECT count(*)::INTEGER AS n FROM list_memberships WHERE list_id = '${list.id}' AND _deleted_at IS NULL`,
    );
    expect(Number(live[0]?.n)).toBeGreaterThan(0);
    await client.lists.delete(list.id);
    const result = await runExtract({
      client,
      target,
      streams: [{ name: "list_memberships" }],
      fullPassHours: 0,
    });
    expect(result.results[0]?.status).toBe("ok");
    const after = await target.query(
      `SELECT count(*) FILTER (WHERE _deleted_at IS NULL)::INTEGER AS live, count(*)::INTEGER AS total FROM list_memberships WHERE list_id = '${list.id}'`,
    );
    expect(Number(after[0]?.live)).toBe(0);
    expect(Number(after[0]?.total)).toBeGreaterThan(0); // recorded, never silently dropped
  });

  it("keeps the old table until a full refresh completes, then swaps", async () => {
    const before = await target.count("tags");
    const result = await runExtract({ client, target, streams: [{ name: "tags", mode: "full-refresh" }] });
    expect(result.results[0]?.status).toBe("ok");
    expect(await target.count("tags")).toBe(before);
    const staging = await target.query(
      "SELECT count(*) AS n FROM information_schema.tables WHERE table_name LIKE '%__staging'",
    );
    expect(Number(staging[0]?.n)).toBe(0);
  });

  it("reports a failing stream and finishes the others", async () => {
    emu.faults.configure(
      {
        plan: [
          { path: "/api/tag-groups", fault: { kind: "status", status: 403 }, startMs: 0, durationMs: 60_000 },
        ],
      },
      Date.now(),
    );
    try {
      const result = await runExtract({
        client,
        target,
        streams: [{ name: "tag_groups" }, { name: "coupons" }],
      });
      const byName = Object.fromEntries(result.results.map((r) => [r.stream, r.status]));
      expect(byName).toEqual({ tag_groups: "failed", coupons: "ok" });
    } finally {
      emu.faults.configure({}, Date.now());
    }
  });
});
