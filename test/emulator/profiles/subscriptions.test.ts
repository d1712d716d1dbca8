import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KlaviyoClient, NotFoundError, ValidationError } from "../../../src/client/index.js";
import { SUBSCRIPTION_JOB_COMPLETE_MS } from "../../../src/emulator/handlers/subscriptions.js";
import { iso } from "../../../src/emulator/store/ids.js";
import type { ProfileRecord } from "../../../src/emulator/store/profiles.js";
import { startTestEmulator, type TestEmulator } from "../../helpers/emulator.js";
import { eventually, failure, ManualClock, seedList, seedProfiles } from "./helpers.js";

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

/** Lets the emulator's subscription jobs complete (as its next request or timer tick would). */
const settle = () => {
  clock.advance(SUBSCRIPTION_JOB_COMPLETE_MS);
  emu.store.tick();
};

type Channels = {
  email?: { marketing: { consent: "SUBSCRIBED"; consented_at?: string } };
  sms?: {
    marketing?: { consent: "SUBSCRIBED"; consented_at?: string };
    transactional?: { consent: "SUBSCRIBED" };
  };
};

const subscribeBody = (
  profiles: Array<{ email?: string; phone_number?: string; id?: string; subscriptions: Channels }>,
  options: { listId?: string; historical?: boolean } = {},
) => ({
  data: {
    type: "profile-subscription-bulk-create-job" as const,
    attributes: {
      custom_source: "Checkout form",
      ...(options.historical !== undefined ? { historical_import: options.historical } : {}),
      profiles: {
        data: profiles.map(({ id, ...attributes }) => ({
          type: "profile" as const,
          ...(id ? { id } : {}),
          attributes,
        })),
      },
    },
    ...(options.listId
      ? { relationships: { list: { data: { type: "list" as const, id: options.listId } } } }
      : {}),
  },
});

const unsubscribeBody = (
  profiles: Array<{ email?: string; phone_number?: string; channels: Array<"email" | "sms"> }>,
  listId?: string,
) => ({
  data: {
    type: "profile-subscription-bulk-delete-job" as const,
    attributes: {
      profiles: {
        data: profiles.map((p) => ({
          type: "profile" as const,
          attributes: {
            ...(p.email ? { email: p.email } : {}),
            ...(p.phone_number ? { phone_number: p.phone_number } : {}),
            subscriptions: {
              ...(p.channels.includes("email")
                ? { email: { marketing: { consent: "UNSUBSCRIBED" as const } } }
                : {}),
              ...(p.channels.includes("sms")
                ? { sms: { marketing: { consent: "UNSUBSCRIBED" as const } } }
                : {}),
            },
          },
        })),
      },
    },
    ...(listId ? { relationships: { list: { data: { type: "list" as const, id: listId } } } } : {}),
  },
});

const suppressBody = <
  T extends "profile-suppression-bulk-create-job" | "profile-suppression-bulk-delete-job",
>(
  type: T,
  target: { emails?: string[]; listId?: string; segmentId?: string },
) => ({
  data: {
    type,
    attributes: target.emails
      ? {
          profiles: {
            data: target.emails.map((email) => ({ type: "profile" as const, attributes: { email } })),
          },
        }
      : {},
    ...(target.listId
      ? { relationships: { list: { data: { type: "list" as const, id: target.listId } } } }
      : {}),
    ...(target.segmentId
      ? { relationships: { segment: { data: { type: "segment" as const, id: target.segmentId } } } }
      : {}),
  },
});

const subscriptionsOf = async (id: string) =>
  (await client.profiles.get(id, { "additional-fields[profile]": ["subscriptions"] })).data.attributes
    .subscriptions;

describe("bulk_subscribe_profiles", () => {
  it("subscribes after the job completes: consent, list membership, lifted suppressions, new profiles", async () => {
    const [known, suppressed, bounced] = seedProfiles(emu.store, 3, { prefix: "sub" }) as ProfileRecord[];
    if (!known || !suppressed || !bounced) throw new Error("seed");
    suppressed.subscriptions.email.suppression = {
      reason: "USER_SUPPRESSED",
      timestamp: Date.UTC(2024, 0, 2),
    };
    bounced.subscriptions.email.suppression = { reason: "HARD_BOUNCE", timestamp: Date.UTC(2024, 0, 2) };
    const list = seedList(emu.store, "Subscribers");
    const res = await client.subscriptions.subscribe(
      subscribeBody(
        [
          {
            email: "sub0@example.com",
            phone_number: "+15005550300",
            subscriptions: {
              email: { marketing: { consent: "SUBSCRIBED" } },
              sms: { marketing: { consent: "SUBSCRIBED" }, transactional: { consent: "SUBSCRIBED" } },
            },
          },
          { email: "SUB1@example.com", subscriptions: { email: { marketing: { consent: "SUBSCRIBED" } } } },
          { id: bounced.id, subscriptions: { email: { marketing: { consent: "SUBSCRIBED" } } } },
          {
            email: "brand-new@example.com",
            subscriptions: { email: { marketing: { consent: "SUBSCRIBED" } } },
          },
        ],
        { listId: list.id },
      ),
    );
    expect(res).toBeUndefined();
    // Accepted is not applied: nothing changed yet.
    expect((await subscriptionsOf(known.id))?.email?.marketing?.consent).toBe("NEVER_SUBSCRIBED");
    expect(emu.store.profiles.byEmailAddress("brand-new@example.com")).toBeUndefined();
    settle();

    const k = await subscriptionsOf(known.id);
    expect(k?.email?.marketing).toMatchObject({
      consent: "SUBSCRIBED",
      can_receive_email_marketing: true,
      method: "API",
      method_detail: "Checkout form",
      consent_timestamp: iso(clock.now()),
    });
    expect(k?.sms?.marketing).toMatchObject({ consent: "SUBSCRIBED", can_receive_sms_marketing: true });
    expect(k?.sms?.transactional).toMatchObject({
      consent: "SUBSCRIBED",
      can_receive_sms_transactional: true,
    });
    expect((await client.profiles.get(known.id)).data.attributes.phone_number).toBe("+15005550300");
    const s = await subscriptionsOf(suppressed.id);
    expect(s?.email?.marketing?.suppression).toEqual([]);
    expect(s?.email?.marketing?.can_receive_email_marketing).toBe(true);
    const b = await subscriptionsOf(bounced.id);
    expect(b?.email?.marketing?.consent).toBe("SUBSCRIBED");
    expect(b?.email?.marketing?.suppression).toMatchObject([{ reason: "HARD_BOUNCE" }]);
    expect(b?.email?.marketing?.can_receive_email_marketing).toBe(false);
    const fresh = emu.store.profiles.byEmailAddress("brand-new@example.com");
    expect(fresh?.subscriptions.email.consent).toBe("SUBSCRIBED");
    const members = await client.lists.profileIds(list.id).toArray();
    expect(members.map((m) => m.id).sort()).toEqual([known.id, suppressed.id, bounced.id, fresh?.id].sort());
  });

  it("enforces historical_import rules on consented_at", async () => {
    const email = { email: "hist@example.com" };
    const past = "2023-05-01T10:00:00+00:00";
    const future = new Date(clock.now() + 86_400_000).toISOString();
    const pointer = "/data/attributes/profiles/data/0/attributes/subscriptions/email/marketing/consented_at";
    for (const [subs, historical] of [
      [{ email: { marketing: { consent: "SUBSCRIBED" as const } } }, true],
      [{ email: { marketing: { consent: "SUBSCRIBED" as const, consented_at: future } } }, true],
      [{ email: { marketing: { consent: "SUBSCRIBED" as const, consented_at: past } } }, false],
    ] as const) {
      const err = await failure(() =>
        client.subscriptions.subscribe(subscribeBody([{ ...email, subscriptions: subs }], { historical })),
      );
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).pointer).toBe(pointer);
    }
    await client.subscriptions.subscribe(
      subscribeBody(
        [
          {
            ...email,
            subscriptions: { email: { marketing: { consent: "SUBSCRIBED", consented_at: past } } },
          },
        ],
        {
          historical: true,
        },
      ),
    );
    settle();
    const p = emu.store.profiles.byEmailAddress("hist@example.com");
    expect((await subscriptionsOf(p?.id ?? ""))?.email?.marketing?.consent_timestamp).toBe(past);
  });

  it("rejects over 1,000 profiles, bad identifiers, missing channel identifiers and unknown lists", async () => {
    const many = Array.from({ length: 1001 }, (_, i) => ({
      email: `many${i}@example.com`,
      subscriptions: { email: { marketing: { consent: "SUBSCRIBED" as const } } },
    }));
    const tooMany = await failure(() => client.subscriptions.subscribe(subscribeBody(many)));
    expect((tooMany as ValidationError).pointer).toBe("/data/attributes/profiles/data");
    const badEmail = await failure(() =>
      client.subscriptions.subscribe(
        subscribeBody([
          { email: "ok@example.com", subscriptions: { email: { marketing: { consent: "SUBSCRIBED" } } } },
          { email: "nope", subscriptions: { email: { marketing: { consent: "SUBSCRIBED" } } } },
        ]),
      ),
    );
    expect((badEmail as ValidationError).pointer).toBe("/data/attributes/profiles/data/1/attributes/email");
    const noPhone = await failure(() =>
      client.subscriptions.subscribe(
        subscribeBody([
          { email: "sms@example.com", subscriptions: { sms: { marketing: { consent: "SUBSCRIBED" } } } },
        ]),
      ),
    );
    expect((noPhone as ValidationError).pointer).toBe(
      "/data/attributes/profiles/data/0/attributes/phone_number",
    );
    const badPhone = await failure(() =>
      client.subscriptions.subscribe(
        subscribeBody([
          { phone_number: "5005550006", subscriptions: { sms: { marketing: { consent: "SUBSCRIBED" } } } },
        ]),
      ),
    );
    expect((badPhone as ValidationError).pointer).toBe(
      "/data/attributes/profiles/data/0/attributes/phone_number",
    );
    const noList = await failure(() =>
      client.subscriptions.subscribe(
        subscribeBody(
          [{ email: "x@example.com", subscriptions: { email: { marketing: { consent: "SUBSCRIBED" } } } }],
          {
            listId: "NoList",
          },
        ),
      ),
    );
    expect(noList).toBeInstanceOf(NotFoundError);
    settle();
    expect(emu.store.profiles.byEmailAddress("ok@example.com")).toBeUndefined();
  });
});

describe("bulk_unsubscribe_profiles", () => {
  it("unsubscribes list members from the list only and everyone else globally", async () => {
    const [member, outsider, texter] = seedProfiles(emu.store, 3, { prefix: "unsub" }) as ProfileRecord[];
    if (!member || !outsider || !texter) throw new Error("seed");
    emu.store.profiles.mutate(texter, (p) => {
      p.phone_number = "+15005550777";
    });
    texter.subscriptions.sms.consent = "SUBSCRIBED";
    const list = seedList(emu.store, "Promotions");
    await client.lists.addProfiles(list.id, [member.id]);
    await client.subscriptions.unsubscribe(
      unsubscribeBody(
        [
          { email: "unsub0@example.com", channels: ["email"] },
          { email: "unsub1@example.com", channels: ["email"] },
        ],
        list.id,
      ),
    );
    await client.subscriptions.unsubscribe(
      unsubscribeBody([{ phone_number: "+15005550777", channels: ["sms"] }]),
    );
    settle();
    const m = (await subscriptionsOf(member.id))?.email?.marketing;
    expect(m?.consent).toBe("NEVER_SUBSCRIBED");
    expect(m?.list_suppressions).toMatchObject([{ list_id: list.id, reason: "UNSUBSCRIBE" }]);
    const o = (await subscriptionsOf(outsider.id))?.email?.marketing;
    expect(o?.consent).toBe("UNSUBSCRIBED");
    expect(o?.can_receive_email_marketing).toBe(false);
    expect(o?.suppression).toMatchObject([{ reason: "UNSUBSCRIBE" }]);
    expect((await subscriptionsOf(texter.id))?.sms?.marketing?.consent).toBe("UNSUBSCRIBED");
    // Still a member: unsubscribing does not remove from the list.
    expect(emu.store.listMembers.get(list.id)?.has(member.id)).toBe(true);
    // get_profiles can find them through the suppression filters.
    const found = await client.profiles
      .list({ filter: `equals(subscriptions.email.marketing.list_suppressions.list_id,'${list.id}')` })
      .toArray();
    expect(found.map((p) => p.id)).toEqual([member.id]);
  });

  it("accepts at most 100 profiles", async () => {
    const many = Array.from({ length: 101 }, (_, i) => ({
      email: `u${i}@example.com`,
      channels: ["email" as const],
    }));
    const err = await failure(() => client.subscriptions.unsubscribe(unsubscribeBody(many)));
    expect((err as ValidationError).pointer).toBe("/data/attributes/profiles/data");
  });
});

describe("bulk suppress / unsuppress", () => {
  it("suppresses by email, skips the already suppressed, and unsuppresses only USER_SUPPRESSED", async () => {
    const [a, bounced] = seedProfiles(emu.store, 2, { prefix: "supp" }) as ProfileRecord[];
    if (!a || !bounced) throw new Error("seed");
    bounced.subscriptions.email.suppression = { reason: "HARD_BOUNCE", timestamp: Date.UTC(2024, 0, 3) };
    const job = await client.subscriptions.suppress(
      suppressBody("profile-suppression-bulk-create-job", {
        emails: ["supp0@example.com", "SUPP1@example.com", "unknown-supp@example.com"],
      }),
    );
    expect(job.data.attributes).toMatchObject({ status: "queued", total_count: 3, completed_count: 0 });
    clock.advance(5);
    expect((await client.subscriptions.getSuppressJob(job.data.id)).data.attributes.status).toBe(
      "processing",
    );
    settle();
    const done = await client.subscriptions.getSuppressJob(job.data.id);
    expect(done.data.attributes).toMatchObject({ status: "complete", completed_count: 2, skipped_count: 1 });
    expect((await subscriptionsOf(a.id))?.email?.marketing?.suppression).toMatchObject([
      { reason: "USER_SUPPRESSED" },
    ]);
    const created = emu.store.profiles.byEmailAddress("unknown-supp@example.com");
    expect(created?.subscriptions.email.suppression?.reason).toBe("USER_SUPPRESSED");

    const undo = await client.subscriptions.unsuppress(
      suppressBody("profile-suppression-bulk-delete-job", {
        emails: ["supp0@example.com", "supp1@example.com"],
      }),
    );
    settle();
    const undone = await client.subscriptions.getUnsuppressJob(undo.data.id);
    expect(undone.data.attributes).toMatchObject({
      status: "complete",
      completed_count: 1,
      skipped_count: 1,
    });
    expect((await subscriptionsOf(a.id))?.email?.marketing?.suppression).toEqual([]);
    expect((await subscriptionsOf(bounced.id))?.email?.marketing?.suppression).toMatchObject([
      { reason: "HARD_BOUNCE" },
    ]);

    const jobs = await client.subscriptions
      .listSuppressJobs({ filter: "equals(status,'complete')" })
      .toArray();
    expect(jobs.map((j) => j.id)).toContain(job.data.id);
    const undos = await client.subscriptions.listUnsuppressJobs().toArray();
    expect(undos.map((j) => j.id)).toEqual([undo.data.id]);
    expect(await failure(() => client.subscriptions.getSuppressJob(undo.data.id))).toBeInstanceOf(
      NotFoundError,
    );
  });

  it("suppresses every member of a list and filters jobs by list", async () => {
    const people = seedProfiles(emu.store, 4, { prefix: "listsupp" });
    const list = seedList(emu.store, "To suppress");
    await client.lists.addProfiles(
      list.id,
      people.map((p) => p.id),
    );
    const job = await client.subscriptions.suppress(
      suppressBody("profile-suppression-bulk-create-job", { listId: list.id }),
    );
    expect(job.data.attributes.total_count).toBe(4);
    expect(job.data.relationships?.lists?.data).toEqual([{ type: "list", id: list.id }]);
    settle();
    for (const p of people) expect(p.subscriptions.email.suppression?.reason).toBe("USER_SUPPRESSED");
    const byList = await client.subscriptions
      .listSuppressJobs({ filter: `equals(list_id,'${list.id}')` })
      .toArray();
    expect(byList.map((j) => j.id)).toEqual([job.data.id]);
  });

  it("rejects over 100 emails, both emails and a list, bad emails and unknown lists", async () => {
    const emails = Array.from({ length: 101 }, (_, i) => `s${i}@example.com`);
    const tooMany = await failure(() =>
      client.subscriptions.suppress(suppressBody("profile-suppression-bulk-create-job", { emails })),
    );
    expect((tooMany as ValidationError).pointer).toBe("/data/attributes/profiles/data");
    const list = seedList(emu.store, "Both");
    const both = await failure(() =>
      client.subscriptions.suppress(
        suppressBody("profile-suppression-bulk-create-job", { emails: ["a@example.com"], listId: list.id }),
      ),
    );
    expect((both as ValidationError).pointer).toBe("/data");
    const bad = await failure(() =>
      client.subscriptions.unsuppress(
        suppressBody("profile-suppression-bulk-delete-job", { emails: ["bad-email"] }),
      ),
    );
    expect((bad as ValidationError).pointer).toBe("/data/attributes/profiles/data/0/attributes/email");
    const noList = await failure(() =>
      client.subscriptions.suppress(
        suppressBody("profile-suppression-bulk-create-job", { listId: "NoList" }),
      ),
    );
    expect(noList).toBeInstanceOf(NotFoundError);
  });
});

describe("request_profile_deletion", () => {
  it("needs exactly one identifier", async () => {
    const both = await failure(() =>
      client.call("request_profile_deletion", {
        body: {
          data: {
            type: "data-privacy-deletion-job",
            attributes: {
              profile: {
                data: {
                  type: "profile",
                  attributes: { email: "a@example.com", phone_number: "+15005550006" },
                },
              },
            },
          },
        },
      }),
    );
    expect(both).toBeInstanceOf(ValidationError);
    expect((both as ValidationError).pointer).toBe("/data/attributes/profile/data");
    const none = await failure(() =>
      client.call("request_profile_deletion", {
        body: {
          data: {
            type: "data-privacy-deletion-job",
            attributes: { profile: { data: { type: "profile", attributes: {} } } },
          },
        },
      }),
    );
    expect((none as ValidationError).pointer).toBe("/data/attributes/profile/data");
  });

  it("deletes by email, phone or id, with every membership, and records the request", async () => {
    const [byEmail, byPhone, byId] = seedProfiles(emu.store, 3, { prefix: "gdpr" }) as ProfileRecord[];
    if (!byEmail || !byPhone || !byId) throw new Error("seed");
    emu.store.profiles.mutate(byPhone, (p) => {
      p.phone_number = "+15005550999";
    });
    const list = seedList(emu.store, "Deletion list");
    await client.lists.addProfiles(list.id, [byEmail.id, byPhone.id, byId.id]);
    const before = emu.store.deletionRequests.length;
    await client.dataPrivacy.requestProfileDeletion({ email: "GDPR0@example.com" });
    await client.dataPrivacy.requestProfileDeletion({ phoneNumber: "+15005550999" });
    await client.dataPrivacy.requestProfileDeletion({ id: byId.id });
    await client.dataPrivacy.requestProfileDeletion({ email: "nobody-here@example.com" });
    expect(emu.store.profiles.get(byEmail.id)).toBeDefined();
    settle();
    for (const p of [byEmail, byPhone, byId])
      expect(await failure(() => client.profiles.get(p.id))).toBeInstanceOf(NotFoundError);
    expect(emu.store.listMembers.get(list.id)?.size).toBe(0);
    expect(await client.lists.profileIds(list.id).toArray()).toEqual([]);
    const records = emu.store.deletionRequests.slice(before);
    expect(records.map((r) => [r.identifier, r.deleted])).toEqual([
      [{ email: "GDPR0@example.com" }, 1],
      [{ phone_number: "+15005550999" }, 1],
      [{ id: byId.id }, 1],
      [{ email: "nobody-here@example.com" }, 0],
    ]);
  });
});

describe("subscription jobs on the real clock", () => {
  it("apply within a few milliseconds", async () => {
    const real = await startTestEmulator();
    try {
      const c = real.client();
      await c.subscriptions.subscribe(
        subscribeBody([
          {
            email: "realtime@example.com",
            subscriptions: { email: { marketing: { consent: "SUBSCRIBED" } } },
          },
        ]),
      );
      await eventually(async () => {
        const found = await c.profiles
          .list({
            filter: "equals(email,'realtime@example.com')",
            "additional-fields[profile]": ["subscriptions"],
          })
          .toArray();
        expect(found[0]?.attributes.subscriptions?.email?.marketing?.consent).toBe("SUBSCRIBED");
      });
    } finally {
      await real.close();
    }
  });
});
