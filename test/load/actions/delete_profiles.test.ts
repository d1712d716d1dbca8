import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { KlaviyoClient } from "../../../src/client/index.js";
import { silentLogger } from "../../../src/client/types.js";
import { addListMember } from "../../../src/emulator/handlers/profiles.js";
import { SUBSCRIPTION_JOB_COMPLETE_MS } from "../../../src/emulator/handlers/subscriptions.js";
import { deleteProfilesAction } from "../../../src/load/actions/delete_profiles/index.js";
import type { ActionContext, LoadRow, RowOutcome, SyncMemory } from "../../../src/load/types.js";
import { seedList, seedProfiles } from "../../emulator/profiles/helpers.js";
import { startTestEmulator, type TestEmulator } from "../../helpers/emulator.js";

let emu: TestEmulator;
let client: KlaviyoClient;

beforeAll(async () => {
  emu = await startTestEmulator();
  client = emu.client();
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.store.reset();
});

const values = new Map<string, string>();
const memory: SyncMemory = {
  get: async (key) => values.get(key),
  set: async (key, value) => {
    values.set(key, value);
  },
};

function ctxFor(options: Record<string, unknown> = {}): ActionContext {
  return {
    client,
    sync: "t",
    options: deleteProfilesAction.parseOptions(options, "delete"),
    mode: "delete",
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

/** Deletion is asynchronous (202, no status endpoint): let the emulator's jobs complete. */
async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, SUBSCRIPTION_JOB_COMPLETE_MS + 15));
  emu.store.tick();
}

describe("delete_profiles", () => {
  it("deletes profiles by email, phone number or id, one request per row", async () => {
    const [a, b, c, keep] = seedProfiles(emu.store, 4, { prefix: "del" });
    if (!a || !b || !c || !keep) throw new Error("seed");
    emu.store.profiles.mutate(b, (r) => {
      r.phone_number = "+14155552671";
    });
    const list = seedList(emu.store, "Members");
    for (const p of [a, c, keep]) addListMember(emu.store, list.id, p.id, Date.now());

    const out = await deleteProfilesAction.perform(
      [row("a", { email: a.email }), row("b", { phone_number: "(415) 555-2671" }), row("c", { id: c.id })],
      ctxFor({ default_country: "US" }),
    );
    expect(out.every((o) => o.status === "succeeded")).toBe(true);
    expect(byKey(out).get("c")?.klaviyoId).toBe(c.id);
    expect(emu.store.deletionRequests.map((d) => d.identifier)).toEqual([
      { email: a.email },
      { phone_number: "+14155552671" },
      { id: c.id },
    ]);
    await settle();
    expect(emu.store.profiles.get(a.id)).toBeUndefined();
    expect(emu.store.profiles.get(b.id)).toBeUndefined();
    expect(emu.store.profiles.get(c.id)).toBeUndefined();
    expect(emu.store.profiles.get(keep.id)).toBeDefined();
    expect([...(emu.store.listMembers.get(list.id)?.keys() ?? [])]).toEqual([keep.id]);
  });

  it("uses identify_by to pick among several identifiers, and refuses rows it cannot resolve", async () => {
    const [p, q] = seedProfiles(emu.store, 2, { prefix: "two" });
    if (!p || !q) throw new Error("seed");
    // The email and the id point at different profiles: only the chosen one may be deleted.
    const byEmail = await deleteProfilesAction.perform([row("r", { email: p.email, id: q.id })], ctxFor());
    expect(byEmail).toEqual([{ key: "r", status: "succeeded" }]);
    expect(emu.store.deletionRequests.at(-1)?.identifier).toEqual({ email: p.email });

    const byId = await deleteProfilesAction.perform(
      [row("s", { email: "other@example.com", id: q.id })],
      ctxFor({ identify_by: "id" }),
    );
    expect(byId).toEqual([{ key: "s", status: "succeeded", klaviyoId: q.id }]);
    expect(emu.store.deletionRequests.at(-1)?.identifier).toEqual({ id: q.id });
    await settle();
    expect(emu.store.profiles.get(p.id)).toBeUndefined();
    expect(emu.store.profiles.get(q.id)).toBeUndefined();

    const sent = emu.store.deletionRequests.length;
    const bad = byKey(
      await deleteProfilesAction.perform(
        [
          row("none", { email: "", phone_number: null }),
          row("wrong", { phone_number: "+14155552672", id: "01ABC" }),
          row("junk", { email: "nope" }),
        ],
        ctxFor({ identify_by: "email" }),
      ),
    );
    expect(bad.get("none")).toMatchObject({
      status: "invalid",
      reason: expect.stringContaining("no identifier"),
    });
    expect(bad.get("wrong")).toMatchObject({
      status: "invalid",
      reason: expect.stringContaining("has phone_number and id but identify_by is email"),
    });
    expect(bad.get("junk")).toMatchObject({
      status: "invalid",
      reason: expect.stringContaining("not a valid email"),
    });
    expect(emu.store.deletionRequests.length).toBe(sent);
    expect(
      deleteProfilesAction.validate(row("x", { phone_number: "+14155552672", id: "01ABC" }), {
        options: deleteProfilesAction.parseOptions({ identify_by: "id" }, "delete"),
        mode: "delete",
      }),
    ).toBeUndefined();
  });

  it("validates options", () => {
    expect(() => deleteProfilesAction.parseOptions({ identify_by: "external_id" }, "delete")).toThrow(
      /identify_by: must be one of email, phone_number, id; got "external_id"/,
    );
    expect(() => deleteProfilesAction.parseOptions({}, "mirror")).toThrow(/no mode "mirror"; use "delete"/);
    expect(deleteProfilesAction.parseOptions({}, "delete")).toEqual({ identify_by: "email" });
  });
});
