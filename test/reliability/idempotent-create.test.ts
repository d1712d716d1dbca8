/**
 * A create whose answer is lost must not create twice. The fault soak found it: a `slow` or
 * `truncate` fault on the list_membership action's POST /api/lists (the emulator handles the
 * request, then answers late or half) made the client retry, and Klaviyo ended with two lists of
 * that name, one of them empty. Creating a list is now sent with `idempotent: false` (the client
 * throws instead of retrying a failure after which Klaviyo may have acted) and the action looks the
 * list up by name before it sends the create again.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { NetworkError, ServerError } from "../../src/client/index.js";
import { getAction } from "../../src/load/actions/index.js";
import { runSync } from "../../src/load/engine.js";
import { openModel } from "../../src/load/models/index.js";
import { openLoadState } from "../../src/load/state/index.js";
import { startTestEmulator, type TestEmulator } from "../helpers/emulator.js";

let emu: TestEmulator;
const dir = mkdtempSync(join(tmpdir(), "ks-idempotent-"));
const warehouse = join(dir, "warehouse.duckdb");

const listsNamed = (name: string) => [...emu.store.lists.values()].filter((l) => l.attributes.name === name);
const createList = (name: string) => ({ data: { type: "list" as const, attributes: { name } } });

beforeAll(async () => {
  emu = await startTestEmulator();
  const instance = await DuckDBInstance.create(warehouse);
  const c = await instance.connect();
  await c.run(
    "CREATE TABLE members AS SELECT i AS id, 'm' || i || '@example.com' AS email FROM range(1, 21) t(i)",
  );
  c.closeSync();
  instance.closeSync();
});

afterEach(() => {
  emu.faults.configure({}, Date.now());
});

afterAll(async () => {
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("client: idempotent: false", () => {
  it("a cut-short answer to a create is thrown, not retried: the list exists once", async () => {
    emu.faults.configure(
      { plan: [{ path: "/api/lists", method: "POST", nth: 1, fault: { kind: "truncate" } }] },
      Date.now(),
    );
    const client = emu.client({ retry: { baseDelayMs: 1, maxRetries: 5 } });
    const err = await client.lists.create(createList("once-a"), { idempotent: false }).catch((e) => e);
    expect(err).toBeInstanceOf(NetworkError);
    // The socket closes mid-body: undici reports it as a reset.
    expect(["truncated", "reset"]).toContain((err as NetworkError).kind);
    expect(listsNamed("once-a")).toHaveLength(1);
  });

  it("a 5xx is thrown too; a 429 (nothing was done) is still retried", async () => {
    emu.faults.configure(
      {
        plan: [
          { path: "/api/lists", method: "POST", nth: 1, fault: { kind: "status", status: 503 } },
          { path: "/api/lists", method: "POST", nth: 2, fault: { kind: "storm", retryAfter: 0 } },
        ],
      },
      Date.now(),
    );
    const client = emu.client({ retry: { baseDelayMs: 1, maxRetries: 5 } });
    await expect(client.lists.create(createList("once-b"), { idempotent: false })).rejects.toBeInstanceOf(
      ServerError,
    );
    expect(listsNamed("once-b")).toHaveLength(0);
    const res = await client.lists.create(createList("once-b"), { idempotent: false });
    expect(client.stats.rateLimited).toBe(1);
    expect(listsNamed("once-b").map((l) => l.id)).toEqual([res.data.id]);
  });

  it("without it (the default), the same cut-short answer is retried and creates a second list", async () => {
    emu.faults.configure(
      { plan: [{ path: "/api/lists", method: "POST", nth: 1, fault: { kind: "truncate" } }] },
      Date.now(),
    );
    const client = emu.client({ retry: { baseDelayMs: 1, maxRetries: 5 } });
    await client.lists.create(createList("twice"));
    expect(listsNamed("twice")).toHaveLength(2);
  });
});

describe("list_membership by list_name: the list is created once whatever happens to the answers", () => {
  it.each([
    ["a timeout (answered after the client gave up)", { kind: "slow" as const, delayMs: 600 }],
    ["a cut-short answer", { kind: "truncate" as const }],
    ["a reset", { kind: "reset" as const }],
    ["a 503 then a cut-short answer", { kind: "status" as const, status: 503 }],
  ])("%s", async (label, fault) => {
    const name = `Members (${label})`;
    const plan = [{ path: "/api/lists", method: "POST", nth: 1, fault }];
    if (fault.kind === "status")
      plan.push({ path: "/api/lists", method: "POST", nth: 2, fault: { kind: "truncate" } });
    emu.faults.configure({ plan }, Date.now());
    const action = getAction("list_membership");
    if (!action) throw new Error("no list_membership action");
    const state = await openLoadState(join(dir, `state-${label.replace(/\W+/g, "-")}.duckdb`));
    try {
      const r = await runSync({
        client: emu.client({ timeoutMs: 300, retry: { baseDelayMs: 1, maxRetries: 5 } }),
        sync: {
          name: "members",
          action,
          mode: "add",
          primaryKey: ["id"],
          mapping: [{ column: "email", field: "email" }],
          options: action.parseOptions({ list_name: name }, "add"),
        },
        state,
        openModel: () => openModel(`duckdb:${warehouse}`, { table: "members" }),
      });
      expect(r.summary).toMatchObject({ status: "succeeded", succeeded: 20, invalid: 0, rejected: 0 });
    } finally {
      await state.close();
    }
    const lists = listsNamed(name);
    expect(lists).toHaveLength(1);
    expect(emu.store.listMembers.get(lists[0]?.id as string)?.size).toBe(20);
  });
});
