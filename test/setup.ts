/**
 * Vitest setup file: a test fails when any request it sent to a loopback server did not match the
 * vendored Klaviyo spec (see test/helpers/loopback.ts and test/helpers/spec-harness.ts).
 */
import { afterEach } from "vitest";
import { formatViolations, takeViolations } from "./helpers/spec-harness.js";

afterEach(() => {
  const violations = takeViolations();
  if (violations.length > 0) throw new Error(formatViolations(violations));
});
