import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, type KlaviyoClient } from "../../../src/client/index.js";
import { silentLogger } from "../../../src/client/types.js";
import { suppressionsAction } from "../../../src/load/actions/suppressions/index.js";
import type { ActionContext, LoadRow, RowOutcome, SyncMemory } from "../../../src/load/types.js";
import { seedProfiles } from "../../emulator/profiles/helpers.js";
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

const values = new Map<string, string>();
const memory: SyncMemory = {
  get: async (key) => values.get(key),
  set: async (key, value) => {
    values.set(key, value);
  },
};

function ctxFor(mode = "suppress", options: Record<string, unknown> = {}): ActionContext {
  return {
    client,
    sync: "t",
    options: suppressionsAction.parseOptions(options, mode),
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

const byKey = (outcomes: RowOutcome[]) => new Map(outcomes.map((o) => [o.key, o]));

describe("suppressions", () => {
  it("suppresses then unsuppresses 250 emails, 100 per request, each job followed to completion", async () => {
    seedProfiles(emu.store, 200, { prefix: "sp" });
    const emails = Array.from({ length: 250 }, (_, i) => `sp${i}@example.com`);
    const rows = emails.map((e, i) => row(`k${i}`, { email: i % 5 === 0 ? e.toUpperCase() : e }));

    const suppressed = await suppressionsAction.perform(rows, ctxFor("suppress"));
    expect(suppressed).toHaveLength(250);
    expect(suppressed.filter((o) => o.status !== "succeeded")).toEqual([]);
    expect(calls.get("bulk_suppress_profiles")).toBe(3);
    expect(calls.get("get_bulk_suppress_profiles_job")).toBeGreaterThanOrEqual(3);
    // Outcomes come only after the jobs completed: the state is already there.
    for (const e of emails) {
      expect(emu.store.profiles.byEmailAddress(e)?.subscriptions.email.suppression?.reason).toBe(
        "USER_SUPPRESSED",
      );
    }

    const lifted = await suppressionsAction.perform(rows, ctxFor("unsuppress"));
    expect(lifted.filter((o) => o.status !== "succeeded")).toEqual([]);
    expect(calls.get("bulk_unsuppress_profiles")).toBe(3);
    for (const e of emails) {
      expect(emu.store.profiles.byEmailAddress(e)?.subscriptions.email.suppression ?? null).toBeNull();
    }
  });

  it("unsuppress lifts only USER_SUPPRESSED suppressions", async () => {
    const [bounced, user] = seedProfiles(emu.store, 2, { prefix: "hb" });
    if (!bounced || !user) throw new Error("seed");
    bounced.subscriptions.email.suppression = { reason: "HARD_BOUNCE", timestamp: Date.now() };
    user.subscriptions.email.suppression = { reason: "USER_SUPPRESSED", timestamp: Date.now() };
    const out = await suppressionsAction.perform(
      [row("b", { email: bounced.email }), row("u", { email: user.email })],
      ctxFor("unsuppress"),
    );
    expect(out.every((o) => o.status === "succeeded")).toBe(true);
    expect(bounced.subscriptions.email.suppression?.reason).toBe("HARD_BOUNCE");
    expect(user.subscriptions.email.suppression ?? null).toBeNull();
  });

  it("marks rows without a usable email invalid and shares an outcome between rows of one address", async () => {
    const out = byKey(
      await suppressionsAction.perform(
        [
          row("a", { email: "dup@example.com" }),
          row("b", { email: " DUP@example.com " }),
          row("c", { email: "not-an-email" }),
          row("d", { email: null }),
          row("e", {}),
        ],
        ctxFor(),
      ),
    );
    expect(out.get("a")?.status).toBe("succeeded");
    expect(out.get("b")?.status).toBe("succeeded");
    expect(out.get("c")).toMatchObject({
      status: "invalid",
      reason: expect.stringContaining("not a valid email"),
    });
    expect(out.get("d")).toMatchObject({
      status: "invalid",
      reason: expect.stringContaining("email is missing"),
    });
    expect(out.get("e")?.status).toBe("invalid");
    expect(calls.get("bulk_suppress_profiles")).toBe(1);
    expect(
      emu.store.profiles.byEmailAddress("dup@example.com")?.subscriptions.email.suppression?.reason,
    ).toBe("USER_SUPPRESSED");
  });

  it("validates options and modes", () => {
    expect(() => suppressionsAction.parseOptions({ list: "x" }, "suppress")).toThrow(/unknown option list/);
    expect(() => suppressionsAction.parseOptions({}, "delete")).toThrow(ConfigError);
    expect(suppressionsAction.parseOptions(undefined, "unsuppress")).toEqual({});
    expect(suppressionsAction.description).toContain("only removes USER_SUPPRESSED");
  });
});
