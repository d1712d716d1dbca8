/**
 * One load state handle used by several tasks at once, as the engine does with batches in flight:
 * an action reading its memory (a step on the state file) while the engine records a batch (a
 * staging append on the same connection). The fault soak at 4x the load found that these
 * interleaved on the handle's one DuckDB connection and failed with "Attempting to execute an
 * unsuccessful or closed pending query result"; they now take turns.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { openLoadState } from "../../src/load/state/index.js";

const DIR = mkdtempSync(join(tmpdir(), "ks-state-concurrency-"));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

it("records, memory reads and writes, and diffs interleave on one handle without failing", async () => {
  const state = await openLoadState(join(DIR, "state.duckdb"));
  try {
    const memory = state.memory("s");
    await memory.set("list", "L1");
    const readers = async () => {
      for (let i = 0; i < 200; i++) expect(await memory.get("list")).toBe("L1");
    };
    // Each key recorded once (as the engine does): the two writers hold different keys.
    const writers = async (w: string) => {
      for (let b = 0; b < 40; b++) {
        const outcomes = Array.from({ length: 500 }, (_, i) => ({
          key: `${w}${b}-${i}`,
          status: "succeeded" as const,
          hash: "h",
          fields: { email: `x${b}-${i}@example.com` },
          added: true,
        }));
        await state.record("s", outcomes);
      }
    };
    await Promise.all([writers("a"), readers(), readers(), writers("b")]);
    const diff = await state.diff(
      "s",
      (async function* () {
        for (const w of ["a", "b"])
          yield Array.from({ length: 40 * 500 }, (_, i) => ({
            key: `${w}${Math.floor(i / 500)}-${i % 500}`,
            hash: "h",
          }));
      })(),
    );
    expect(diff.added).toEqual([]);
    expect(diff.unchanged).toBe(40_000);
  } finally {
    await state.close();
  }
}, 60_000);
