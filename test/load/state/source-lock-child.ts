/**
 * A second process for the source-state lock tests (run with `node --import tsx`):
 *   source-lock-child.ts SOURCE SCHEMA SYNC exit   takes the lock, starts a run, exits without releasing
 *   source-lock-child.ts SOURCE SCHEMA SYNC hold   takes the lock and waits until stdin closes (or it is killed)
 * SOURCE is duckdb:PATH or a postgres URL; the state lives in SCHEMA of it.
 */
import { openStateAt } from "../../../src/load/state/index.js";

const [source, schema, sync, mode] = process.argv.slice(2);
if (!source || !schema || !sync || !mode)
  throw new Error("usage: source-lock-child.ts SOURCE SCHEMA SYNC exit|hold");

const state = await openStateAt({ in: "source", schema }, source);
await state.lock(sync);
await state.startRun(sync, { from: "child" });
process.stdout.write(`locked ${process.pid}\n`);
if (mode === "exit") {
  // Exits holding the lock, as a crashed run would.
  process.exit(0);
}
await new Promise<void>((resolve) => {
  process.stdin.on("end", resolve);
  process.stdin.on("close", resolve);
  process.stdin.resume();
});
process.exit(0);
