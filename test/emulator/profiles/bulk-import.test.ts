import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ClientRequestError,
  type KlaviyoClient,
  NotFoundError,
  ValidationError,
} from "../../../src/client/index.js";
import { startTestEmulator, type TestEmulator } from "../../helpers/emulator.js";
import { failure, ManualClock, seedList, seedProfiles } from "./helpers.js";

type ImportProfile = {
  type: "profile";
  id?: string;
  attributes: Record<string, unknown>;
};

const importBody = (profiles: ImportProfile[], listIds: string[] = []) => ({
  data: {
    type: "profile-bulk-import-job" as const,
    attributes: { profiles: { data: profiles } },
    ...(listIds.length > 0
      ? { relationships: { lists: { data: listIds.map((id) => ({ type: "list" as const, id })) } } }
      : {}),
  },
});

describe("bulk import of 10,000 profiles", () => {
  let emu: TestEmulator;
  let client: KlaviyoClient;
  beforeAll(async () => {
    emu = await startTestEmulator();
    client = emu.client();
  });
  afterAll(async () => {
    await emu.close();
  });

  it("imports the valid profiles, lists the invalid ones as import errors and fills the list", async () => {
    const existing = seedProfiles(emu.store, 1, { prefix: "bulk" })[0];
    const list = seedList(emu.store, "Imported");
    const bad: Record<number, [Record<string, unknown>, string]> = {
      17: [{ email: "bulk17-at-example.com" }, "/data/attributes/profiles/data/17/attributes/email"],
      523: [
        { email: "bulk523@example.com", phone_number: "555-1234" },
        "/data/attributes/profiles/data/523/attributes/phone_number",
      ],
      4999: [{ first_name: "NoIdentifier" }, "/data/attributes/profiles/data/4999/attributes"],
      7777: [
        { email: "bulk7777@example.com", properties: { blob: "x".repeat(101 * 1024) } },
        "/data/attributes/profiles/data/7777",
      ],
      9998: [{ email: "bulk9998@example" }, "/data/attributes/profiles/data/9998/attributes/email"],
    };
    const profiles: ImportProfile[] = [];
    for (let i = 0; i < 10_000; i++) {
      const override = bad[i];
      profiles.push({
        type: "profile",
        attributes: override
          ? override[0]
          : {
              email: `bulk${i}@example.com`,
              first_name: i === 0 ? undefined : `Bulk${i}`,
              properties: { n: i },
            },
      });
    }
    const accepted = await client.profiles.bulkImport(importBody(profiles, [list.id]));
    expect(accepted.data.attributes.status).toBe("queued");
    expect(accepted.data.attributes.total_count).toBe(10_000);
    expect(accepted.data.relationships?.lists?.data).toEqual([{ type: "list", id: list.id }]);

    const started = Date.now();
    const { job, errors } = await client.profiles.waitForBulkImportJob(accepted.data.id, {
      pollIntervalMs: 20,
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(job.attributes).toMatchObject({
      status: "complete",
      total_count: 10_000,
      completed_count: 9995,
      failed_count: 5,
    });
    expect(job.attributes.completed_at).toBeTruthy();
    expect(errors).toHaveLength(5);
    const byPointer = new Map(errors.map((e) => [e.attributes.source.pointer, e]));
    for (const [index, [attrs, pointer]] of Object.entries(bad)) {
      const e = byPointer.get(pointer);
      expect(e, `error for profile ${index}`).toBeDefined();
      if (pointer.endsWith("/email")) expect(e?.attributes.detail).toContain(String(attrs.email));
      expect(e?.attributes.original_payload).toMatchObject({ type: "profile" });
    }
    expect(
      byPointer.get("/data/attributes/profiles/data/523/attributes/phone_number")?.attributes.detail,
    ).toContain("555-1234");

    // The valid ones are readable, the invalid ones are not; the existing profile was merged.
    const found = await client.profiles
      .list({
        filter:
          "any(email,['bulk1@example.com','bulk9999@example.com','bulk17-at-example.com','bulk523@example.com'])",
      })
      .toArray();
    expect(found.map((p) => p.attributes.email).sort()).toEqual([
      "bulk1@example.com",
      "bulk9999@example.com",
    ]);
    expect(found.find((p) => p.attributes.email === "bulk9999@example.com")?.attributes.properties).toEqual({
      n: 9999,
    });
    const merged = await client.profiles.get(existing?.id ?? "");
    expect(merged.data.attributes).toMatchObject({
      email: "bulk0@example.com",
      first_name: "First0",
      properties: { n: 0 },
    });
    expect(emu.store.profiles.size).toBe(9995);
    expect(emu.store.listMembers.get(list.id)?.size).toBe(9995);

    // The job's profiles and lists.
    const idsPaginator = client.paginate("get_profile_ids_for_bulk_import_profiles_job", {
      path: { id: job.id },
      query: { "page[size]": 100 },
    });
    const jobIds = (await idsPaginator.toArray()).map((r) => r.id);
    expect(new Set(jobIds).size).toBe(9995);
    const firstPage = await client
      .paginate("get_profiles_for_bulk_import_profiles_job", {
        path: { id: job.id },
        query: { "page[size]": 3 },
      })
      .first();
    expect(firstPage?.data).toHaveLength(3);
    const lists = await client.request("GET", "/api/profile-bulk-import-jobs/{id}/lists", {
      path: { id: job.id },
    });
    expect(lists).toMatchObject({ data: [{ type: "list", id: list.id }] });
    const listIds = await client.request("GET", "/api/profile-bulk-import-jobs/{id}/relationships/lists", {
      path: { id: job.id },
    });
    expect(listIds).toMatchObject({ data: [{ type: "list", id: list.id }] });
    const withLists = await client.profiles.getBulkImportJob(job.id, { include: ["lists"] });
    expect(withLists.included?.[0]).toMatchObject({ type: "list", id: list.id });

    const jobs = await client.profiles.listBulkImportJobs({ filter: "equals(status,'complete')" }).toArray();
    expect(jobs.map((j) => j.id)).toEqual([job.id]);
    const queued = await client.profiles
      .listBulkImportJobs({ filter: "any(status,['queued','processing'])" })
      .toArray();
    expect(queued).toEqual([]);
  }, 60_000);
});

describe("bulk import job lifecycle on emulator time", () => {
  const clock = new ManualClock();
  let emu: TestEmulator;
  let client: KlaviyoClient;
  beforeAll(async () => {
    emu = await startTestEmulator({ clock });
    client = emu.client();
  });
  afterAll(async () => {
    await emu.close();
  });

  it("moves queued → processing → complete and applies only on completion", async () => {
    const profiles: ImportProfile[] = Array.from({ length: 1000 }, (_, i) => ({
      type: "profile",
      attributes: { email: i === 5 ? "broken" : `life${i}@example.com` },
    }));
    const res = await client.profiles.bulkImport(importBody(profiles));
    const id = res.data.id;
    const status = async () => (await client.profiles.getBulkImportJob(id)).data.attributes;
    expect(await status()).toMatchObject({
      status: "queued",
      completed_count: 0,
      failed_count: 0,
      started_at: null,
    });
    const errorsWhileQueued = await client.profiles.importErrors(id).toArray();
    expect(errorsWhileQueued).toEqual([]);
    clock.advance(50);
    const processing = await status();
    expect(processing.status).toBe("processing");
    expect(processing.started_at).toBeTruthy();
    expect(emu.store.profiles.size).toBe(0);
    clock.advance(10);
    const halfway = await status();
    expect(halfway.status).toBe("processing");
    expect(halfway.completed_count).toBeGreaterThan(0);
    expect(halfway.completed_count).toBeLessThan(999);
    clock.advance(10);
    expect(await status()).toMatchObject({ status: "complete", completed_count: 999, failed_count: 1 });
    expect(emu.store.profiles.size).toBe(999);
    const errors = await client.profiles.importErrors(id, { "page[size]": 1 }).toArray();
    expect(errors.map((e) => e.attributes.source.pointer)).toEqual([
      "/data/attributes/profiles/data/5/attributes/email",
    ]);
  });

  it("rejects over-limit requests: 10,001 profiles (400), over 5 MB (413), an unknown list (404), an unknown job (404)", async () => {
    const tooMany: ImportProfile[] = Array.from({ length: 10_001 }, (_, i) => ({
      type: "profile",
      attributes: { email: `many${i}@example.com` },
    }));
    const many = await failure(() => client.profiles.bulkImport(importBody(tooMany)));
    expect(many).toBeInstanceOf(ValidationError);
    expect((many as ValidationError).pointer).toBe("/data/attributes/profiles/data");

    const blob = "y".repeat(2700);
    const heavy: ImportProfile[] = Array.from({ length: 2000 }, (_, i) => ({
      type: "profile",
      attributes: { email: `heavy${i}@example.com`, properties: { blob } },
    }));
    const big = await failure(() => client.profiles.bulkImport(importBody(heavy)));
    expect(big).toBeInstanceOf(ClientRequestError);
    expect((big as ClientRequestError).status).toBe(413);

    const noList = await failure(() =>
      client.profiles.bulkImport(
        importBody([{ type: "profile", attributes: { email: "x@example.com" } }], ["NoSuch"]),
      ),
    );
    expect(noList).toBeInstanceOf(NotFoundError);
    expect(await failure(() => client.profiles.getBulkImportJob("01NOJOB"))).toBeInstanceOf(NotFoundError);
    expect(await failure(() => client.profiles.importErrors("01NOJOB").toArray())).toBeInstanceOf(
      NotFoundError,
    );
  });
});
