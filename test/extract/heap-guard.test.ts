/**
 * The heap guard collects when the heap has grown past its threshold and not below it, and an
 * extract reports the collections it asked for (none when the guard is off).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HeapGuard } from "../../src/extract/heap-guard.js";
import { runExtract } from "../../src/extract/runner.js";
import { DuckDBTarget } from "../../src/extract/targets/duckdb.js";
import { startTestEmulator, type TestEmulator } from "../helpers/emulator.js";

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ seed: "demo" });
});
afterAll(async () => {
  await emu.close();
});

/** Garbage that has outlived the young generation: only a full collection frees it. */
function oldGarbage(mb: number): void {
  let keep: string[][] = [];
  for (let i = 0; i < mb; i++)
    keep.push(Array.from({ length: 10_000 }, (_, j) => `${i}-${j}-${"x".repeat(60)}`));
  keep = [];
  void keep;
}

describe("HeapGuard", () => {
  it("collects once the heap passes the floor, then waits for it to grow by the factor", () => {
    const guard = new HeapGuard({ floorMb: 1, factor: 1.5 });
    expect(guard.active).toBe(true);
    oldGarbage(40);
    const before = process.memoryUsage().heapUsed;
    guard.check();
    expect(guard.collections).toBe(1);
    expect(process.memoryUsage().heapUsed).toBeLessThan(before);
    // Right after a collection the heap is below 1.5 x what was live: no second collection.
    guard.check();
    expect(guard.collections).toBe(1);
  });

  it("does not collect below its floor", () => {
    const guard = new HeapGuard({ floorMb: 1_000_000 });
    oldGarbage(5);
    guard.check();
    expect(guard.collections).toBe(0);
  });

  it("leaves no gc function behind on the global object", () => {
    new HeapGuard();
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});

describe("runExtract with the heap guard", () => {
  for (const heapGuard of [{ floorMb: 1 }, false] as const) {
    it(`reports its collections (${heapGuard === false ? "off" : "1 MB floor"})`, async () => {
      const target = new DuckDBTarget(":memory:");
      await target.open();
      try {
        const result = await runExtract({
          client: emu.client(),
          target,
          streams: [{ name: "events" }, { name: "profiles" }],
          heapGuard,
        });
        expect(result.results.map((r) => r.status)).toEqual(["ok", "ok"]);
        if (heapGuard === false) expect(result.heapGuard).toBeUndefined();
        else expect(result.heapGuard?.collections).toBeGreaterThan(0);
      } finally {
        await target.close();
      }
    });
  }
});
