/** Runs once before the suite: clears the emulator coverage log that scripts/emulator-coverage.ts reads afterwards. */
import { rmSync } from "node:fs";
import { COVERAGE_DIR } from "./helpers/coverage-dir.js";

export default function setup(): void {
  rmSync(COVERAGE_DIR, { recursive: true, force: true });
}
