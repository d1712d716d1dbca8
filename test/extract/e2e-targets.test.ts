/**
 * Every stream into PostgreSQL (the local server, or in-process PGlite when there is none) and into
 * Parquet files: row counts and sampled values equal the emulator's data, a second incremental run
 * picks up exactly what changed, and a membership removal appears as `_deleted_at`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KlaviyoClient } from "../../src/client/index.js";
import { runExtract } from "../../src/extract/runner.js";
import { STREAMS } from "../../src/extract/streams/index.js";
import { createFileTarget } from "../../src/extract/targets/files.js";
import type { Row, Target } from "../../src/extract/types.js";
import { startTestEmulator, type TestEmulator } from "../helpers/emulator.js";
import { startTestPostgres, type TestPostgres } from "../helpers/postgres.js";

type ReadableTarget = Target & { readRows(table: string): Promise<Row[]> };

let emu: TestEmulator;
let client: KlaviyoClient;
let pg: TestPostgres;
const dirs: string[] = [];

beforeAll(async () => {
  emu = await startTestEmulator({ seed: { preset: "demo", profiles: 800, events: 8000 } });
  client = emu.client();
  pg = await startTestPostgres();
});

afterAll(async () => {
  await pg.stop();
  await emu.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function expectedCounts(): Record<string, number> {
  const s = emu.store;
  const members = (m: Map<string, Map<string, number>>) => [...m.values()].reduce((n, x) => n + x.size, 0);
  return {
    profiles: s.profiles.size,
    events: s.events.size,
    metrics: s.metrics.size,
    lists: s.lists.size,
    segments: s.segments.size,
    list_memberships: members(s.listMembers),
    segment_memberships: members(s.segmentMembers),
    campaigns: s.campaigns.size,
    campaign_messages: s.campaignMessages.size,
    flows: s.flows.size,
    flow_actions: s.flowActions.size,
    flow_messages: s.flowMessages.size,
    templates: s.templates.size,
    tags: s.tags.size,
    tag_groups: s.tagGroups.size,
    catalog_items: s.catalogItems.size,
    catalog_variants: s.catalogVariants.size,
    catalog_categories: s.catalogCategories.size,
    coupons: s.coupons.size,
    images: s.images.size,
    accounts: 1,
    suppressions: [...s.profiles.values()].filter((p) => p.subscriptions.email.suppression).length,
  };
}

async function check(target: ReadableTarget) {
  await target.open();
  try {
    const first = await runExtract({ client, target, streams: STREAMS.map((s) => ({ name: s.name })) });
    expect(
      first.results.filter((r) => r.status !== "ok").map((r) => `${r.stream}: ${r.error?.message}`),
    ).toEqual([]);
    const counts: Record<string, number> = {};
    for (const s of STREAMS) counts[s.name] = await target.count(s.name);
    expect(counts).toEqual(expectedCounts());

    // Sampled values.
    const rows = new Map((await target.readRows("profiles")).map((r) => [String(r.id), r]));
    for (const p of [...emu.store.profiles.values()].filter((_p, i) => i % 53 === 0)) {
      const row = rows.get(p.id);
      expect(row?.email).toBe(p.email);
      expect(row?.first_name).toBe(p.first_name);
      expect(Date.parse(String(row?.updated))).toBe(Math.floor(p.updated / 1000) * 1000);
    }

    // Changes, then a second incremental run with a full pass for memberships.
    const created = await client.profiles.create({
      data: { type: "profile", attributes: { email: `new-${Date.now()}@example.com` } },
    });
    const list = [...emu.store.lists.values()].find((l) => (emu.store.listMembers.get(l.id)?.size ?? 0) > 2);
    if (!list) throw new Error("no list with members");
    const removed = [...(emu.store.listMembers.get(list.id)?.keys() ?? [])][0] as string;
    await client.lists.removeProfiles(list.id, [removed]);
    const second = await runExtract({
      client,
      target,
      streams: [{ name: "profiles" }, { name: "list_memberships" }],
      fullPassHours: 0,
    });
    expect(second.results.every((r) => r.status === "ok")).toBe(true);
    expect(second.results.find((r) => r.stream === "profiles")?.rows).toBe(1);
    const profileIds = new Set((await target.readRows("profiles")).map((r) => String(r.id)));
    expect(profileIds.has(String(created.data.id))).toBe(true);
    const member = (await target.readRows("list_memberships")).find(
      (r) => r.list_id === list.id && r.profile_id === removed,
    );
    expect(member?._deleted_at).toBeTruthy();
    // Put it back so the next target sees the original data.
    await client.lists.addProfiles(list.id, [removed]);
    await client.dataPrivacy.requestProfileDeletion({ id: String(created.data.id) });
    // Deletion is asynchronous (a few ms of emulator time): let it land before the next target reads.
    await new Promise((r) => setTimeout(r, 200));
  } finally {
    await target.close();
  }
}

describe("extract every stream into other targets", () => {
  it(`PostgreSQL (${process.env.CI ? "CI" : "local"})`, async () => {
    await check(pg.createTarget() as ReadableTarget);
  });

  it("Parquet files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ks-parquet-"));
    dirs.push(dir);
    await check(createFileTarget(dir, { format: "parquet" }) as ReadableTarget);
  });
});
