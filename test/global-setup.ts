/**
 * Runs once before the suite: gives this run its own emulator coverage folder (so a second test
 * run at the same time cannot wipe it) and points `latest` at it for scripts/emulator-coverage.ts.
 */
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { COVERAGE_ROOT, LATEST_POINTER } from "./helpers/coverage-dir.js";

export default function setup(): void {
  mkdirSync(COVERAGE_ROOT, { recursive: true });
  // Folders of runs older than a day are clutter.
  for (const name of readdirSync(COVERAGE_ROOT)) {
    const p = join(COVERAGE_ROOT, name);
    if (!name.startsWith("latest") && Date.now() - statSync(p).mtimeMs > 86_400_000)
      rmSync(p, { recursive: true, force: true });
  }
  const dir = join(COVERAGE_ROOT, `run-${Date.now()}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(LATEST_POINTER, dir);
  process.env.KS_EMULATOR_COVERAGE_DIR = dir;
}
