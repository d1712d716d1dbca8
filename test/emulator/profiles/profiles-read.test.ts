import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KlaviyoClient, ValidationError } from "../../../src/client/index.js";
import type { ProfileRecord } from "../../../src/emulator/store/profiles.js";
import { startTestEmulator, type TestEmulator } from "../../helpers/emulator.js";
import { failure, seedProfiles } from "./helpers.js";

let emu: TestEmulator;
let client: KlaviyoClient;
let seeded: ProfileRecord[];

beforeAll(async () => {
  emu = await startTestEmulator();
  client = emu.client();
  seeded = seedProfiles(emu.store, 60);
  // A few suppressions to filter and sort on.
  const s = (i: number) => (seeded[i] as ProfileRecord).subscriptions.email;
  s(3).suppression = { reason: "HARD_BOUNCE", timestamp: Date.UTC(2024, 2, 1) };
  s(5).suppression = { reason: "USER_SUPPRESSED", timestamp: Date.UTC(2024, 3, 1) };
  s(7).suppression = { reason: "USER_SUPPRESSED", timestamp: Date.UTC(2024, 1, 1) };
  s(9).listSuppressions.push({ listId: "LsT001", reason: "UNSUBSCRIBE", timestamp: Date.UTC(2024, 4, 1) });
  emu.store.profiles.mutate(seeded[2] as ProfileRecord, (p) => {
    p.phone_number = "+15005550002";
  });
  (seeded[10] as ProfileRecord).updated = Date.UTC(2024, 6, 1);
});
afterAll(async () => {
  expect(emu.validated).toBeGreaterThan(0);
  await emu.close();
});

const ids = (rows: ReadonlyArray<{ id?: string | null }>) => rows.map((r) => r.id);
const list = (query: Parameters<KlaviyoClient["profiles"]["list"]>[0]) =>
  client.profiles.list(query).toArray();

describe("get_profiles filters", () => {
  it("finds by email (any case), phone, external id and id, equals or any", async () => {
    const p0 = seeded[0] as ProfileRecord;
    const p1 = seeded[1] as ProfileRecord;
    expect(ids(await list({ filter: "equals(email,'USER0@example.com')" }))).toEqual([p0.id]);
    expect(
      ids(await list({ filter: "any(email,['user1@example.com','user0@example.com','nobody@x.com'])" })),
    ).toEqual([p0.id, p1.id]);
    expect(ids(await list({ filter: "equals(phone_number,'+15005550002')" }))).toEqual([seeded[2]?.id]);
    expect(ids(await list({ filter: "equals(external_id,'user-ext-4')" }))).toEqual([seeded[4]?.id]);
    expect(ids(await list({ filter: `any(id,['${p1.id}','${p0.id}'])` }))).toEqual([p0.id, p1.id]);
    expect(ids(await list({ filter: `equals(id,'${p1.id}'),equals(email,'user0@example.com')` }))).toEqual(
      [],
    );
  });

  it("filters on created and updated with greater-than / less-than", async () => {
    const from = new Date(Date.UTC(2024, 0, 1, 0, 0, 49)).toISOString();
    const later = await list({ filter: `greater-than(created,${from})`, "page[size]": 100 });
    expect(ids(later)).toEqual(ids(seeded.slice(50)));
    const early = await list({ filter: `less-than(created,2024-01-01T00:00:02+00:00)` });
    expect(ids(early)).toEqual(ids(seeded.slice(0, 2)));
    const updated = await list({ filter: "greater-than(updated,2024-06-01T00:00:00Z)" });
    expect(ids(updated)).toEqual([seeded[10]?.id]);
  });

  it("filters on suppression reason and timestamps, and list suppressions", async () => {
    const byReason = await list({
      filter: "equals(subscriptions.email.marketing.suppression.reason,'USER_SUPPRESSED')",
    });
    expect(ids(byReason)).toEqual([seeded[5]?.id, seeded[7]?.id]);
    const since = await list({
      filter: "greater-or-equal(subscriptions.email.marketing.suppression.timestamp,2024-03-01T00:00:00Z)",
    });
    expect(ids(since)).toEqual([seeded[3]?.id, seeded[5]?.id]);
    const listSupp = await list({
      filter: "equals(subscriptions.email.marketing.list_suppressions.list_id,'LsT001')",
    });
    expect(ids(listSupp)).toEqual([seeded[9]?.id]);
    const listTs = await list({
      filter: "greater-than(subscriptions.email.marketing.list_suppressions.timestamp,2024-01-01T00:00:00Z)",
    });
    expect(ids(listTs)).toEqual([seeded[9]?.id]);
  });

  it("rejects a filter the operation does not allow", async () => {
    const err = await failure(() => list({ filter: "contains(email,'user')" }));
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).parameter).toBe("filter");
  });
});

describe("get_profiles sorting, fields and additional fields", () => {
  it("sorts by id, -id, -created, email and suppression timestamp", async () => {
    const all = await list({ "page[size]": 100 });
    expect(ids(all)).toEqual(ids(seeded));
    const desc = await list({ sort: "-id", "page[size]": 13 });
    expect(ids(desc)).toEqual(ids([...seeded].reverse()));
    const newest = await list({ sort: "-created", "page[size]": 7 });
    expect(ids(newest)).toEqual(ids([...seeded].reverse()));
    const byEmail = await list({ sort: "email", "page[size]": 9 });
    const emails = byEmail.map((p) => p.attributes.email ?? "");
    expect(emails).toEqual([...emails].sort());
    expect(byEmail).toHaveLength(60);
    const bySupp = await list({
      sort: "-subscriptions.email.marketing.suppression.timestamp",
      "page[size]": 5,
    });
    expect(ids(bySupp.slice(0, 3))).toEqual([seeded[5]?.id, seeded[3]?.id, seeded[7]?.id]);
    expect(bySupp).toHaveLength(60);
  });

  it("applies sparse fieldsets and renders subscriptions on request", async () => {
    const [first] = await list({
      "fields[profile]": ["email", "subscriptions"],
      "additional-fields[profile]": ["subscriptions"],
      "page[size]": 1,
    }).then((rows) => rows.slice(0, 1));
    expect(Object.keys(first?.attributes ?? {}).sort()).toEqual(["email", "subscriptions"]);
    const suppressed = await list({
      filter: `equals(id,'${seeded[3]?.id}')`,
      "additional-fields[profile]": ["subscriptions"],
    });
    const m = suppressed[0]?.attributes.subscriptions?.email?.marketing;
    expect(m?.can_receive_email_marketing).toBe(false);
    expect(m?.suppression).toEqual([{ reason: "HARD_BOUNCE", timestamp: "2024-03-01T00:00:00+00:00" }]);
  });

  it("refuses a cursor from another sort order", async () => {
    const page = await client.profiles.list({ sort: "email", "page[size]": 5 }).first();
    const next = new URL(page?.links.next ?? "").searchParams.get("page[cursor]") ?? "";
    const err = await failure(() => list({ sort: "created", "page[cursor]": next }));
    expect((err as ValidationError).parameter).toBe("page[cursor]");
  });
});

describe("get_profiles pagination while profiles are created", () => {
  it("sees every pre-existing profile exactly once with page[size]=7 and concurrent inserts", async () => {
    const before = new Set(emu.store.profiles.values()).size;
    const expected = [...emu.store.profiles.values()].map((p) => p.id);
    expect(expected.length).toBe(before);
    const seen: string[] = [];
    let created = 0;
    let pages = 0;
    for await (const page of client.profiles.list({ "page[size]": 7 }).pages()) {
      pages++;
      for (const p of page.data) seen.push(p.id ?? "");
      // Another writer adds profiles between pages.
      for (let i = 0; i < 3; i++) {
        await client.profiles.create({
          data: { type: "profile", attributes: { email: `concurrent-${pages}-${i}@example.com` } },
        });
        created++;
      }
    }
    expect(new Set(seen).size).toBe(seen.length);
    const seenSet = new Set(seen);
    for (const id of expected) expect(seenSet.has(id), id).toBe(true);
    expect(created).toBeGreaterThan(20);
    expect(pages).toBeGreaterThan(Math.ceil(before / 7) - 1);
  });

  it("keeps a -created walk duplicate-free while profiles are inserted", async () => {
    const expected = new Set([...emu.store.profiles.values()].map((p) => p.id));
    const seen: string[] = [];
    let n = 0;
    for await (const page of client.profiles.list({ sort: "-created", "page[size]": 11 }).pages()) {
      for (const p of page.data) seen.push(p.id ?? "");
      await client.profiles.create({
        data: { type: "profile", attributes: { external_id: `desc-walk-${n++}` } },
      });
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of expected) expect(seen).toContain(id);
  });
});
