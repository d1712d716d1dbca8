/** Shared set-up for the emulator's profile, list, segment and subscription tests. */
import type { Clock } from "../../../src/client/types.js";
import { createProfileRecord } from "../../../src/emulator/handlers/profiles.js";
import { iso } from "../../../src/emulator/store/ids.js";
import type { ProfileRecord } from "../../../src/emulator/store/profiles.js";
import type { EmulatorStore, ResourceRow } from "../../../src/emulator/store/store.js";

/** An emulator clock the test moves by hand (`sleep` advances it at once). */
export class ManualClock implements Clock {
  constructor(public t = Date.UTC(2025, 0, 15, 12)) {}
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.t += ms;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/** Inserts `n` profiles straight into the store (`user{i}@example.com`, created 1 s apart). */
export function seedProfiles(
  store: EmulatorStore,
  n: number,
  options: { start?: number; prefix?: string; step?: number } = {},
): ProfileRecord[] {
  const start = options.start ?? Date.UTC(2024, 0, 1);
  const step = options.step ?? 1000;
  const prefix = options.prefix ?? "user";
  const out: ProfileRecord[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      createProfileRecord(
        store,
        { email: `${prefix}${i}@example.com`, first_name: `First${i}`, external_id: `${prefix}-ext-${i}` },
        undefined,
        start + i * step,
      ),
    );
  }
  return out;
}

export function seedList(store: EmulatorStore, name: string, at = Date.UTC(2024, 0, 1)): ResourceRow {
  const row = store.lists.insert({
    id: store.ids.short(),
    attributes: { name, created: iso(at), updated: iso(at), opt_in_process: "single_opt_in" },
  });
  store.listMembers.set(row.id, new Map());
  return row;
}

export function seedSegment(
  store: EmulatorStore,
  name: string,
  members: ReadonlyArray<{ id: string; joined: number }>,
  at = Date.UTC(2024, 0, 1),
): ResourceRow {
  const row = store.segments.insert({
    id: store.ids.short(),
    attributes: {
      name,
      definition: null,
      created: iso(at),
      updated: iso(at),
      is_active: true,
      is_processing: false,
      is_starred: false,
    },
  });
  store.segmentMembers.set(row.id, new Map(members.map((m) => [m.id, m.joined])));
  return row;
}

/** Retries `check` until it stops throwing (default 2 s). */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 2000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

/** Runs `fn` and returns the error it throws (fails when it does not throw). */
export async function failure(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to fail");
}
