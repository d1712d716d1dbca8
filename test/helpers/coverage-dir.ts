import { createHash } from "node:crypto";
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

/** This checkout (node_modules may be a symlink that several worktrees share). */
const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * The file naming this checkout's newest test run's log folder (each run has its own, so runs
 * never clobber each other). One pointer per checkout: worktrees sharing node_modules through a
 * symlink each read their own run's logs, not whichever test run of another worktree began last.
 */
export const LATEST_POINTER = join(
  COVERAGE_ROOT,
  `latest-${createHash("sha256").update(REPO_ROOT).digest("hex").slice(0, 12)}`,
);

/** This run's folder: set by test/global-setup.ts for the workers; the newest run's otherwise. */
export function coverageDir(): string {
  const fromEnv = process.env.KS_EMULATOR_COVERAGE_DIR;
  if (fromEnv) return fromEnv;
  if (existsSync(LATEST_POINTER)) return readFileSync(LATEST_POINTER, "utf8").trim();
  return join(COVERAGE_ROOT, "adhoc");
}
