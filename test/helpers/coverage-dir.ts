import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Where test runs log which emulator operations they exercised (read by scripts/emulator-coverage.ts). */
export const COVERAGE_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "node_modules",
  ".cache",
  "klaviyo-sync-emulator-coverage",
);
