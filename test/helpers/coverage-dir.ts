import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Root of the emulator coverage logs (read by scripts/emulator-coverage.ts after `vitest run`). */
export const COVERAGE_ROOT = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "node_modules",
  ".cache",
  "klaviyo-sync-emulator-coverage",
);

/** The file naming the newest test run's log folder (each run has its own, so runs never clobber each other). */
export const LATEST_POINTER = join(COVERAGE_ROOT, "latest");

/** This run's folder: set by test/global-setup.ts for the workers; the newest run's otherwise. */
export function coverageDir(): string {
  const fromEnv = process.env.KS_EMULATOR_COVERAGE_DIR;
  if (fromEnv) return fromEnv;
  if (existsSync(LATEST_POINTER)) return readFileSync(LATEST_POINTER, "utf8").trim();
  return join(COVERAGE_ROOT, "adhoc");
}
