import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, type KlaviyoClient } from "../../../src/client/index.js";
import { silentLogger } from "../../../src/client/types.js";
import { SUBSCRIPTION_JOB_COMPLETE_MS } from "../../../src/emulator/handlers/subscriptions.js";
import { subscriptionsAction } from "../../../src/load/actions/subscriptions/index.js";
import type { ActionContext, LoadRow, RowOutcome, SyncMemory } from "../../../src/load/types.js";
import { seedList, seedProfiles } from "../../emulator/profiles/helpers.js";
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

const memory: SyncMemory = {
  values: new Map<string, string>(),
  async get(key: string) {
    return this.values.get(key);
  },
  async set(key: string, value: string) {
    this.values.set(key, value);
  },
} as SyncMemory & { values: Map<string, string> };

function ctxFor(options: Record<string, unknown>, mode = "subscribe"): ActionContext {
  return {
    client,
    sync: "t",
    options: subscriptionsAction.parseOptions(options, mode),
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

/** Lets the emulator's subscription jobs (no status endpoint) complete. */
async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, SUBSCRIPTION_JOB_COMPLETE_MS + 15));
  emu.store.tick();
}

const byKey = (outcomes: RowOutcome[]) => new Map(outcomes.map((o) => [o.key, o]));

describe("subscriptions subscribe", () => {
  it("subscribes 1,200 emails in two jobs of at most 1,000; consent becomes SUBSCRIBED", async () => {
    seedProfiles(emu.store, 600, { prefix: "sb" });
    const rows = Array.from({ length: 1200 }, (_, i) => row(`k${i}`, { email: `sb${i}@example.com` }));
    const outcomes = await subscriptionsAction.perform(rows, ctxFor({ custom_source: "Warehouse" }));
    expect(outcomes).toHaveLength(1200);
    expect(outcomes.every((o) => o.status === "succeeded")).toBe(true);
    expect(calls.get("bulk_subscribe_profiles")).toBe(2);
    await settle();
    for (let i = 0; i < 1200; i++) {
      const p = emu.store.profiles.byEmailAddress(`sb${i}@example.com`);
      expect(p?.subscriptions.email.consent).toBe("SUBSCRIBED");
      expect(p?.subscriptions.email.methodDetail).toBe("Warehouse");
    }
    // No list given: nobody was put on a list.
    expect(emu.store.listMembers.size).toBe(0);
    expect(calls.get("add_profiles_to_list")).toBeUndefined();
  });

  it("adds to a list only through the subscribe job's list relationship", async () => {
    const list = seedList(emu.store, "Newsletter");
    const out = await subscriptionsAction.perform(
      [row("a", { email: "a@example.com" }), row("b", { email: "b@example.com" })],
      ctxFor({ list: list.id }),
    );
    expect(out.every((o) => o.status === "succeeded")).toBe(true);
    await settle();
    const ids = ["a@example.com", "b@example.com"].map((e) => emu.store.profiles.byEmailAddress(e)?.id);
    expect([...(emu.store.listMembers.get(list.id)?.keys() ?? [])].sort()).toEqual(ids.sort());
    expect(calls.get("add_profiles_to_list")).toBeUndefined();
  });

  it("historical_import needs a consented_at in the past on every row", async () => {
    const past = "2023-04-05T06:07:08Z";
    const out = byKey(
      await subscriptionsAction.perform(
        [
          row("ok", { email: "h1@example.com", consented_at: past }),
          row("date", { email: "h2@example.com", consented_at: new Date(Date.UTC(2022, 0, 2)) }),
          row("none", { email: "h3@example.com" }),
          row("blank", { email: "h4@example.com", consented_at: "" }),
          row("future", {
            email: "h5@example.com",
            consented_at: new Date(Date.now() + 86_400_000).toISOString(),
          }),
          row("junk", { email: "h6@example.com", consented_at: "yesterday" }),
        ],
        ctxFor({ historical_import: true }),
      ),
    );
    expect(out.get("ok")?.status).toBe("succeeded");
    expect(out.get("date")?.status).toBe("succeeded");
    expect(out.get("none")).toMatchObject({
      status: "invalid",
      reason: expect.stringContaining("consented_at is missing"),
    });
    expect(out.get("blank")?.status).toBe("invalid");
    expect(out.get("future")).toMatchObject({
      status: "invalid",
      reason: expect.stringContaining("in the future"),
    });
    expect(out.get("junk")).toMatchObject({
      status: "invalid",
      reason: expect.stringContaining("not a date-time"),
    });
    await settle();
    const p = emu.store.profiles.byEmailAddress("h1@example.com");
    expect(p?.subscriptions.email.consent).toBe("SUBSCRIBED");
    expect(p?.subscriptions.email.consentAt).toBe(Date.parse(past));
    expect(emu.store.profiles.byEmailAddress("h3@example.com")).toBeUndefined();
    expect(calls.get("bulk_subscribe_profiles")).toBe(1);
  });

  it("SMS needs an E.164 phone: rows without one are invalid, national numbers use default_country", async () => {
    const out = byKey(
      await subscriptionsAction.perform(
        [
          row("e164", { phone_number: "+14155552671" }),
          row("national", { phone_number: "(415) 555-2672", email: "n@example.com" }),
          row("nophone", { email: "only-email@example.com" }),
          row("bad", { phone_number: "555" }),
        ],
        ctxFor({ channels: ["sms"], default_country: "US" }),
      ),
    );
    expect(out.get("e164")?.status).toBe("succeeded");
    expect(out.get("national")?.status).toBe("succeeded");
    expect(out.get("nophone")).toMatchObject({
      status: "invalid",
      reason: expect.stringContaining("phone_number is missing; the sms channel needs it"),
    });
    expect(out.get("bad")).toMatchObject({ status: "invalid", reason: expect.stringContaining("E.164") });
    await settle();
    expect(emu.store.profiles.byPhoneNumber("+14155552671")?.subscriptions.sms.consent).toBe("SUBSCRIBED");
    const n = emu.store.profiles.byPhoneNumber("+14155552672");
    expect(n?.subscriptions.sms.consent).toBe("SUBSCRIBED");
    // The email channel was not configured: the email is set on the profile, not subscribed.
    expect(n?.email).toBe("n@example.com");
    expect(n?.subscriptions.email.consent).not.toBe("SUBSCRIBED");
  });

  it("both channels need both identifiers", async () => {
    const out = byKey(
      await subscriptionsAction.perform(
        [
          row("both", { email: "both@example.com", phone_number: "+14155552673" }),
          row("half", { email: "half@example.com" }),
        ],
        ctxFor({ channels: "email, sms" }),
      ),
    );
    expect(out.get("both")?.status).toBe("succeeded");
    expect(out.get("half")).toMatchObject({
      status: "invalid",
      reason: expect.stringContaining("phone_number is missing"),
    });
    await settle();
    const p = emu.store.profiles.byEmailAddress("both@example.com");
    expect(p?.subscriptions.email.consent).toBe("SUBSCRIBED");
    expect(p?.subscriptions.sms.consent).toBe("SUBSCRIBED");
  });

  it("rejects only the row Klaviyo refuses and records the profile id as klaviyoId", async () => {
    const [p] = seedProfiles(emu.store, 1, { prefix: "byid" });
    const out = byKey(
      await subscriptionsAction.perform(
        [
          row("known", { id: p?.id, email: p?.email }),
          row("ghost", { id: "01GHOSTPROFILE0000000000000", email: "ghost@example.com" }),
          row("plain", { email: "plain@example.com" }),
        ],
        ctxFor({}),
      ),
    );
    expect(out.get("known")).toMatchObject({ status: "succeeded", klaviyoId: p?.id });
    expect(out.get("plain")?.status).toBe("succeeded");
    expect(out.get("ghost")).toMatchObject({
      status: "rejected",
      reason: expect.stringContaining("does not exist"),
    });
    await settle();
    expect(p?.subscriptions.email.consent).toBe("SUBSCRIBED");
    expect(emu.store.profiles.byEmailAddress("ghost@example.com")).toBeUndefined();
  });

  it("a list that does not exist is a configuration error", async () => {
    await expect(
      subscriptionsAction.perform([row("a", { email: "a@example.com" })], ctxFor({ list: "NoSuchList" })),
    ).rejects.toThrow(ConfigError);
  });
});

describe("subscriptions unsubscribe", () => {
  it("unsubscribes 150 profiles in two jobs of at most 100", async () => {
    const profiles = seedProfiles(emu.store, 150, { prefix: "us" });
    for (const p of profiles) p.subscriptions.email.consent = "SUBSCRIBED";
    const rows = profiles.map((p, i) => row(`k${i}`, { email: p.email, id: "ignored", consented_at: "x" }));
    const outcomes = await subscriptionsAction.perform(rows, ctxFor({}, "unsubscribe"));
    expect(outcomes.filter((o) => o.status !== "succeeded")).toEqual([]);
    expect(outcomes.some((o) => o.klaviyoId !== undefined)).toBe(false);
    expect(calls.get("bulk_unsubscribe_profiles")).toBe(2);
    await settle();
    for (const p of profiles) expect(p.subscriptions.email.consent).toBe("UNSUBSCRIBED");
  });

  it("unsubscribes SMS by phone", async () => {
    await subscriptionsAction.perform(
      [row("s", { phone_number: "+14155552674" })],
      ctxFor({ channels: ["sms"] }),
    );
    await settle();
    const out = await subscriptionsAction.perform(
      [row("s", { phone_number: "+14155552674" }), row("t", { email: "x@example.com" })],
      ctxFor({ channels: ["sms"] }, "unsubscribe"),
    );
    expect(byKey(out).get("s")?.status).toBe("succeeded");
    expect(byKey(out).get("t")?.status).toBe("invalid");
    await settle();
    expect(emu.store.profiles.byPhoneNumber("+14155552674")?.subscriptions.sms.consent).toBe("UNSUBSCRIBED");
  });
});

describe("subscriptions options", () => {
  const parse =
    (o: unknown, mode = "subscribe") =>
    () =>
      subscriptionsAction.parseOptions(o, mode);
  it("names the bad option and the valid choices", () => {
    expect(parse({ channels: ["push"] })).toThrow(/channels.*must be one of email, sms; got "push"/);
    expect(parse({ channels: [] })).toThrow(/channels: must name at least one channel/);
    expect(parse({ historical_import: "yes" })).toThrow(/historical_import: must be true or false/);
    expect(parse({ historical_import: true }, "unsubscribe")).toThrow(
      /historical_import only apply to mode subscribe/,
    );
    expect(parse({ default_country: "Narnia" })).toThrow(/default_country/);
    expect(parse({ chanels: "email" })).toThrow(/unknown option chanels; valid options are channels, list/);
    expect(parse({}, "resubscribe")).toThrow(ConfigError);
    expect(subscriptionsAction.parseOptions({}, "subscribe")).toEqual({
      channels: ["email"],
      historical_import: false,
    });
    expect(subscriptionsAction.parseOptions({ channels: "sms,email,sms" }, "unsubscribe")).toMatchObject({
      channels: ["sms", "email"],
    });
  });
});
