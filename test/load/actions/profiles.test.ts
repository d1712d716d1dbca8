import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, type KlaviyoClient } from "../../../src/client/index.js";
import { silentLogger } from "../../../src/client/types.js";
import type { JobRecord } from "../../../src/emulator/store/store.js";
import { firstPollDelayMs, profilesAction } from "../../../src/load/actions/profiles/index.js";
import { markValidated } from "../../../src/load/engine.js";
import type { ActionContext, LoadRow, RowOutcome, SyncMemory } from "../../../src/load/types.js";
import { seedList } from "../../emulator/profiles/helpers.js";
import { startTestEmulator, type TestEmulator } from "../../helpers/emulator.js";

let emu: TestEmulator;
let client: KlaviyoClient;
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

const memory = (): SyncMemory => {
  const m = new Map<string, string>();
  return { get: async (k) => m.get(k), set: async (k, v) => void m.set(k, v) };
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function ctxFor(
  options: Record<string, unknown> = {},
  mode = "upsert",
  extra: Partial<ActionContext> = {},
): ActionContext {
  return {
    client,
    sync: "test",
    options: profilesAction.parseOptions(options, mode),
    mode,
    memory: memory(),
    logger: silentLogger,
    now: Date.now,
    sleep,
    ...extra,
  };
}

const row = (key: string, fields: Record<string, unknown>): LoadRow => ({
  key,
  source: { ...fields },
  fields: { ...fields },
  hash: `h-${key}`,
});

const byKey = (outcomes: RowOutcome[]) => new Map(outcomes.map((o) => [o.key, o]));

function expectOnePerRow(rows: LoadRow[], outcomes: RowOutcome[]) {
  expect(outcomes).toHaveLength(rows.length);
  expect(new Set(outcomes.map((o) => o.key)).size).toBe(rows.length);
}

async function createProfile(attributes: Record<string, unknown>): Promise<string> {
  const res = await client.profiles.create({ data: { type: "profile", attributes } });
  return res.data.id as string;
}

/** Wraps every import job's apply so `edit` can change its import errors once they exist. */
function onJobErrors(edit: (errors: JobRecord["errors"]) => void) {
  return async (ms: number) => {
    for (const job of emu.store.jobs.values()) {
      const apply = job.apply;
      if (!apply || job.applied || (job as { wrapped?: boolean }).wrapped) continue;
      (job as { wrapped?: boolean }).wrapped = true;
      job.apply = () => {
        apply();
        edit(job.errors);
      };
    }
    await sleep(ms);
  };
}

describe("profiles: options and validation", () => {
  it("parses options and refuses bad ones", () => {
    expect(profilesAction.parseOptions({}, "upsert")).toEqual({ nulls: "skip", resolve_ids: false });
    expect(
      profilesAction.parseOptions({ identify_by: "email", default_country: "gb" }, "update"),
    ).toMatchObject({
      identify_by: "email",
      default_country: "GB",
    });
    expect(() => profilesAction.parseOptions({ nulls: "maybe" }, "upsert")).toThrow(ConfigError);
    expect(() => profilesAction.parseOptions({ default_country: "XX" }, "upsert")).toThrow(/default_country/);
    expect(() => profilesAction.parseOptions({ lists: "x" }, "upsert")).toThrow(/lists/);
    expect(() => profilesAction.parseOptions({}, "mirror")).toThrow(/no mode "mirror"/);
  });

  it("validates identifiers, normalises them in place and checks sizes", () => {
    const ctx = ctxFor({ default_country: "US" });
    const r = row("a", { email: " Ada@Example.com ", phone_number: "(415) 555-2671", "location.city": "SF" });
    expect(profilesAction.validate(r, ctx)).toBeUndefined();
    expect(r.fields).toMatchObject({ email: "Ada@Example.com", phone_number: "+14155552671" });
    expect(profilesAction.validate(row("b", { first_name: "x" }), ctx)).toContain("no profile identifier");
    expect(profilesAction.validate(row("c", { email: "nope" }), ctx)).toContain(
      'email "nope" is not a valid email',
    );
    expect(profilesAction.validate(row("d", { phone_number: "555" }), ctx)).toContain(
      "not a valid phone number",
    );
    expect(profilesAction.validate(row("e", { external_id: "x".repeat(300) }), ctx)).toContain(
      "longer than 255",
    );
    expect(profilesAction.validate(row("f", { email: "a@b.co", nickname: "x" }), ctx)).toContain(
      'no field "nickname"',
    );
    expect(
      profilesAction.validate(row("g", { email: "a@b.co", "properties.blob": "x".repeat(101 * 1024) }), ctx),
    ).toContain("larger than 100 KB");
    const big = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`properties.p${i}`, "y".repeat(4000)]),
    );
    expect(profilesAction.validate(row("h", { email: "a@b.co", ...big }), ctx)).toContain(
      "at most 100 KB per profile",
    );
    const byExt = ctxFor({ identify_by: "external_id" });
    expect(profilesAction.validate(row("i", { email: "a@b.co" }), byExt)).toContain(
      "identify_by is external_id",
    );
  });
});

describe("profiles: upsert", () => {
  it("imports 2,500 rows: invalid ones are not sent, the one Klaviyo rejects is rejected, the rest land with their fields", async () => {
    const list = seedList(emu.store, "Warehouse import");
    const a = await createProfile({ email: "taken@example.com" });
    await createProfile({ external_id: "ext-taken" });
    const rows: LoadRow[] = [];
    for (let i = 0; i < 2500; i++) {
      const fields: Record<string, unknown> = {
        email: `user${i}@example.com`,
        first_name: `First${i}`,
        last_name: i % 3 === 0 ? null : `Last${i}`,
        "location.city": `City${i % 10}`,
        "location.country": "US",
        "location.latitude": 37.5 + i / 10_000,
        "properties.ltv": i * 1.5,
        "properties.tier": i % 2 === 0 ? "gold" : "silver",
        "properties.tags": ["a", "b"],
      };
      if (i % 4 === 0) fields.phone_number = `(415) 555-${String(i).padStart(4, "0")}`;
      if (i === 100 || i === 1700) fields.email = "not-an-email";
      if (i === 900) fields.phone_number = "555-12";
      rows.push(row(`r${i}`, fields));
    }
    // Valid for us, but email and external_id belong to two different profiles: an import error.
    rows.push(row("conflict", { email: "taken@example.com", external_id: "ext-taken", first_name: "Nope" }));

    const ctx = ctxFor({ list: list.id, default_country: "US", resolve_ids: true });
    const invalidByValidate = rows
      .filter((r) => profilesAction.validate(r, ctx) !== undefined)
      .map((r) => r.key);
    expect(invalidByValidate.sort()).toEqual(["r100", "r1700", "r900"]);

    const outcomes = await profilesAction.perform(rows, ctx);
    expectOnePerRow(rows, outcomes);
    const out = byKey(outcomes);
    expect(out.get("r100")).toMatchObject({
      status: "invalid",
      reason: expect.stringContaining("not a valid email"),
    });
    expect(out.get("r900")).toMatchObject({
      status: "invalid",
      reason: expect.stringContaining("phone_number"),
    });
    expect(out.get("conflict")).toMatchObject({
      status: "rejected",
      reason: expect.stringContaining("already exists"),
    });
    const succeeded = outcomes.filter((o) => o.status === "succeeded");
    expect(succeeded).toHaveLength(2497);
    expect(calls.get("bulk_import_profiles")).toBe(1);

    // Visible in the emulator with the mapped fields; the reported ids are the stored ones.
    const p7 = emu.store.profiles.byEmailAddress("user7@example.com");
    expect(p7).toMatchObject({
      first_name: "First7",
      last_name: "Last7",
      location: { city: "City7", country: "US", latitude: 37.5007 },
      properties: { ltv: 10.5, tier: "silver", tags: ["a", "b"] },
    });
    expect(emu.store.profiles.byEmailAddress("user8@example.com")?.phone_number).toBe("+14155550008");
    expect(emu.store.profiles.byEmailAddress("user3@example.com")?.last_name).toBeNull();
    expect(out.get("r7")?.klaviyoId).toBe(p7?.id);
    for (const o of succeeded) expect(o.klaviyoId).toMatch(/^[0-9A-Z]{26}$/);
    expect(emu.store.profiles.byEmailAddress("taken@example.com")?.first_name).toBeNull();
    expect(emu.store.profiles.get(a)?.external_id).toBeNull();
    // Added to the list through the job's lists relationship.
    const members = emu.store.listMembers.get(list.id);
    expect(members?.size).toBe(2497);
    expect(members?.has(p7?.id as string)).toBe(true);
  });

  it("nulls: skip leaves stored values, clear erases them", async () => {
    const id = await createProfile({
      email: "n@example.com",
      first_name: "Old",
      title: "Boss",
      location: { city: "Lyon", zip: "69001" },
      properties: { a: 1, b: 2 },
    });
    const fields = {
      email: "n@example.com",
      first_name: null,
      title: "CEO",
      "location.city": null,
      "properties.a": null,
    };
    const skip = await profilesAction.perform(
      [row("n", fields)],
      ctxFor({ nulls: "skip", resolve_ids: true }),
    );
    expect(skip).toEqual([{ key: "n", status: "succeeded", klaviyoId: id }]);
    expect(emu.store.profiles.get(id)).toMatchObject({
      first_name: "Old",
      title: "CEO",
      location: { city: "Lyon", zip: "69001" },
      properties: { a: 1, b: 2 },
    });
    const clear = await profilesAction.perform([row("n", fields)], ctxFor({ nulls: "clear" }));
    expect(clear[0]?.status).toBe("succeeded");
    expect(emu.store.profiles.get(id)).toMatchObject({
      first_name: null,
      title: "CEO",
      location: { city: null, zip: "69001" },
      properties: { b: 2 },
    });
    // Identifiers are never cleared, whatever `nulls` says.
    const phoneRow = row("n", { email: "n@example.com", phone_number: null });
    expect(profilesAction.validate(phoneRow, ctxFor({ nulls: "clear" }))).toBeUndefined();
    await profilesAction.perform([phoneRow], ctxFor({ nulls: "clear" }));
    expect(emu.store.profiles.get(id)?.email).toBe("n@example.com");
  });

  it("waits (scaled to the job's size) before the first poll: a small job is polled once", async () => {
    const rows = Array.from({ length: 2_000 }, (_, i) => row(`w${i}`, { email: `w${i}@example.com` }));
    const log: string[] = [];
    const polled = () => calls.get("get_bulk_import_profiles_job") ?? 0;
    const ctx = ctxFor({}, "upsert", {
      sleep: async (ms) => {
        log.push(`sleep ${ms} after ${polled()} polls`);
        await sleep(ms);
      },
    });
    const outcomes = await profilesAction.perform(rows, ctx);
    expect(outcomes.every((o) => o.status === "succeeded")).toBe(true);
    expect(firstPollDelayMs(2_000)).toBe(350);
    expect(firstPollDelayMs(10_000)).toBe(750);
    expect(profilesAction.limits.inFlight).toBe(3);
    expect(log[0]).toBe("sleep 350 after 0 polls");
    // The job was complete at the first poll; no import errors, no id reads (resolve_ids: false).
    expect(polled()).toBe(1);
    expect(calls.get("get_profiles_for_bulk_import_profiles_job")).toBeUndefined();
  });

  it("does not validate again the rows the engine validated", async () => {
    // identify_by email and no email: validate says invalid; a row the engine passed is trusted.
    const ctx = ctxFor({ identify_by: "email" });
    const unchecked = row("u", { external_id: "ext-u" });
    const checked = row("c", { external_id: "ext-c" });
    markValidated(checked);
    const outcomes = byKey(await profilesAction.perform([unchecked, checked], ctx));
    expect(outcomes.get("u")).toMatchObject({
      status: "invalid",
      reason: expect.stringContaining("identify_by"),
    });
    expect(outcomes.get("c")?.status).toBe("succeeded");
  });

  it("splits more than 10,000 rows into several jobs", async () => {
    const rows = Array.from({ length: 12_001 }, (_, i) =>
      row(`r${i}`, { external_id: `ext-${i}`, first_name: "Bulk" }),
    );
    const outcomes = await profilesAction.perform(rows, ctxFor({ resolve_ids: false }));
    expectOnePerRow(rows, outcomes);
    expect(outcomes.every((o) => o.status === "succeeded")).toBe(true);
    expect(calls.get("bulk_import_profiles")).toBe(2);
    expect(emu.store.profiles.size).toBe(12_001);
    expect(emu.store.profiles.byExternalId("ext-12000")?.first_name).toBe("Bulk");
  }, 60_000);

  it("splits by bytes: 5 MB per job", async () => {
    const blob = "z".repeat(60_000);
    const rows = Array.from({ length: 200 }, (_, i) =>
      row(`r${i}`, { email: `big${i}@example.com`, "properties.blob": blob }),
    );
    const outcomes = await profilesAction.perform(rows, ctxFor());
    expect(outcomes.every((o) => o.status === "succeeded")).toBe(true);
    expect(calls.get("bulk_import_profiles")).toBe(3);
    expect(emu.store.profiles.byEmailAddress("big199@example.com")?.properties.blob).toBe(blob);
  });

  it("identify_by id: an unknown profile id is an import error for that row only", async () => {
    const id = await createProfile({ email: "known@example.com" });
    const rows = [
      row("known", { id, first_name: "Known" }),
      row("ghost", { id: "01HZZZZZZZZZZZZZZZZZZZZZZZ", first_name: "Ghost" }),
    ];
    const outcomes = byKey(await profilesAction.perform(rows, ctxFor({ identify_by: "id" })));
    expect(outcomes.get("known")).toEqual({ key: "known", status: "succeeded", klaviyoId: id });
    expect(outcomes.get("ghost")).toMatchObject({
      status: "rejected",
      reason: expect.stringContaining("does not exist"),
    });
    expect(emu.store.profiles.get(id)?.first_name).toBe("Known");
  });

  it("maps import errors without a pointer by the original payload's identifiers", async () => {
    await createProfile({ email: "taken@example.com" });
    await createProfile({ phone_number: "+14155552671" });
    const rows = [
      row("ok1", { email: "fine1@example.com" }),
      row("bad", { email: "taken@example.com", phone_number: "+14155552671" }),
      row("ok2", { email: "fine2@example.com" }),
    ];
    const ctx = ctxFor({}, "upsert", {
      sleep: onJobErrors((errors) => {
        for (const e of errors) e.source = { pointer: "/data" };
      }),
    });
    const outcomes = byKey(await profilesAction.perform(rows, ctx));
    expect(outcomes.get("bad")).toMatchObject({
      status: "rejected",
      reason: expect.stringContaining("already exists"),
    });
    expect(outcomes.get("ok1")?.status).toBe("succeeded");
    expect(outcomes.get("ok2")?.status).toBe("succeeded");
  });

  it("an import error that names no row: rows prove themselves among the job's profiles", async () => {
    await createProfile({ email: "taken@example.com" });
    await createProfile({ external_id: "ext-taken" });
    const rows = [
      row("ok1", { email: "fine1@example.com" }),
      row("bad", { email: "taken@example.com", external_id: "ext-taken" }),
      row("ok2", { external_id: "fine-2" }),
    ];
    const ctx = ctxFor({ resolve_ids: false }, "upsert", {
      sleep: onJobErrors((errors) => {
        for (const e of errors) {
          e.source = { pointer: "/data" };
          e.original = null;
        }
      }),
    });
    const outcomes = byKey(await profilesAction.perform(rows, ctx));
    expect(outcomes.get("bad")).toMatchObject({
      status: "rejected",
      reason: expect.stringContaining("not among the job's imported profiles"),
    });
    expect(outcomes.get("ok1")).toMatchObject({ status: "succeeded", klaviyoId: expect.any(String) });
    expect(outcomes.get("ok2")).toMatchObject({ status: "succeeded", klaviyoId: expect.any(String) });
  });

  it("a cancelled job rejects all its rows and counts none as succeeded", async () => {
    const rows = Array.from({ length: 5 }, (_, i) => row(`r${i}`, { email: `c${i}@example.com` }));
    const ctx = ctxFor({}, "upsert", {
      sleep: async (ms) => {
        for (const job of emu.store.jobs.values()) job.cancelled = true;
        await sleep(ms);
      },
    });
    const outcomes = await profilesAction.perform(rows, ctx);
    expectOnePerRow(rows, outcomes);
    for (const o of outcomes) {
      expect(o.status).toBe("rejected");
      expect(o.reason).toContain("cancelled");
      expect(o.payload).toMatchObject({ type: "profile", attributes: { email: expect.any(String) } });
    }
  });

  it("never counts rows before the job completes; times out on the action's clock", async () => {
    let now = 0;
    const rows = [row("r", { email: "slow@example.com" })];
    const ctx = ctxFor({}, "upsert", {
      now: () => now,
      sleep: async (ms) => {
        now += ms;
        for (const job of emu.store.jobs.values()) job.completeAt = Number.POSITIVE_INFINITY;
      },
    });
    const outcomes = await profilesAction.perform(rows, ctx);
    expect(outcomes).toEqual([
      expect.objectContaining({
        key: "r",
        status: "rejected",
        reason: expect.stringMatching(/still (queued|processing) after/),
      }),
    ]);
    expect(now).toBeGreaterThanOrEqual(30 * 60_000);
  });

  it("a request-level 400 without detail is bisected and the halves imported", async () => {
    emu.faults.configure(
      {
        plan: [
          {
            path: "/api/profile-bulk-import-jobs",
            method: "POST",
            nth: 1,
            fault: { kind: "status", status: 400 },
          },
        ],
      },
      Date.now(),
    );
    try {
      const rows = Array.from({ length: 10 }, (_, i) => row(`r${i}`, { email: `b${i}@example.com` }));
      const outcomes = await profilesAction.perform(rows, ctxFor());
      expect(outcomes.filter((o) => o.status === "succeeded")).toHaveLength(10);
      // The first request was refused (injected 400); its two halves became two jobs.
      expect(Object.values(emu.faults.injected).reduce((n, k) => n + k, 0)).toBe(1);
      expect(emu.store.jobs.size).toBe(2);
      expect(emu.store.profiles.size).toBe(10);
    } finally {
      emu.faults.configure({}, Date.now());
    }
  });

  it("a missing list stops the sending and rejects every row with the reason", async () => {
    const rows = [row("a", { email: "a@example.com" })];
    const outcomes = await profilesAction.perform(rows, ctxFor({ list: "NoSuchList" }));
    expect(outcomes).toEqual([
      expect.objectContaining({
        key: "a",
        status: "rejected",
        reason: expect.stringContaining("NoSuchList"),
      }),
    ]);
    expect(emu.store.profiles.size).toBe(0);
  });
});

describe("profiles: update only", () => {
  it("updates existing profiles and rejects the others as 'no such profile', creating nothing", async () => {
    const ids = await Promise.all(
      [0, 1, 2].map((i) => createProfile({ email: `exists${i}@example.com`, first_name: "Before" })),
    );
    const rows = [
      ...[0, 1, 2].map((i) => row(`e${i}`, { email: `Exists${i}@Example.com`, first_name: "After" })),
      row("m1", { email: "missing1@example.com", first_name: "After" }),
      row("m2", { email: "missing2@example.com", first_name: "After" }),
    ];
    const before = emu.store.profiles.size;
    const outcomes = byKey(await profilesAction.perform(rows, ctxFor({ identify_by: "email" }, "update")));
    expect(emu.store.profiles.size).toBe(before);
    for (const [i, id] of ids.entries()) {
      expect(outcomes.get(`e${i}`)).toEqual({ key: `e${i}`, status: "succeeded", klaviyoId: id });
      expect(emu.store.profiles.get(id)?.first_name).toBe("After");
    }
    expect(outcomes.get("m1")).toMatchObject({
      status: "rejected",
      reason: expect.stringContaining("no such profile"),
    });
    expect(outcomes.get("m2")?.reason).toContain('"missing2@example.com"');
    // No need to read the job's profiles: the ids were known before sending.
    expect(calls.get("get_profiles_for_bulk_import_profiles_job")).toBeUndefined();
  });

  it("looks up by each row's own identifier in chunks of 100", async () => {
    for (let i = 0; i < 150; i++) await createProfile({ external_id: `x${i}` });
    const phoneId = await createProfile({ phone_number: "+447911123456" });
    const rows = [
      ...Array.from({ length: 150 }, (_, i) =>
        row(`x${i}`, { external_id: `x${i}`, "properties.seen": true }),
      ),
      row("phone", { phone_number: "07911 123456", "properties.seen": true }),
    ];
    const outcomes = await profilesAction.perform(rows, ctxFor({ default_country: "GB" }, "update"));
    expect(outcomes.every((o) => o.status === "succeeded")).toBe(true);
    expect(calls.get("get_profiles")).toBe(3);
    expect(emu.store.profiles.get(phoneId)?.properties.seen).toBe(true);
  });
});
