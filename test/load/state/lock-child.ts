/**
 * A second process for the lock tests (run with `node --import tsx`):
 *   lock-child.ts STATE SYNC exit       takes the lock, starts a run and exits without releasing it
 *   lock-child.ts STATE SYNC hold       takes the lock and waits until stdin closes (or it is killed)
 *   lock-child.ts STATE - hold-file     keeps the state file itself open until stdin closes
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { openLoadState } from "../../../src/load/state/index.js";

const [statePath, sync, mode] = process.argv.slice(2);
if (!statePath || !sync || !mode) throw new Error("usage: lock-child.ts STATE SYNC exit|hold|hold-file");

const stdinClosed = () =>
  new Promise<void>((resolve) => {
    process.stdin.on("end", resolve);
    process.stdin.on("close", resolve);
    process.stdin.resume();
  });

if (mode === "hold-file") {
  const instance = await DuckDBInstance.create(statePath);
  process.stdout.write(`holding ${process.pid}\n`);
  await stdinClosed();
  instance.closeSync();
  process.exit(0);
}

const state = await openLoadState(statePath);
await state.lock(sync);
if (mode === "exit") {
  await state.startRun(sync, { from: "child" });
  process.stdout.write(`locked ${process.pid}\n`);
  // Exits holding the lock, as a crashed run would.
  process.exit(0);
}
process.stdout.write(`locked ${process.pid}\n`);
await stdinClosed();
process.exit(0);
