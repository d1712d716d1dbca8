/**
 * Process-wide registry of spec violations seen by loopback servers. test/setup.ts fails the
 * running test when it is not empty after the test; tests that expect a violation take it first.
 */
import type { SpecProblem } from "../../src/spec/index.js";

export interface Violation {
  /** What was being checked, e.g. `GET /api/profiles?page[size]=1000`. */
  readonly context: string;
  readonly problems: readonly SpecProblem[];
}

const KEY = Symbol.for("klaviyo-sync.spec-harness.violations");
type Registry = { list: Violation[] };

function registry(): Registry {
  const g = globalThis as typeof globalThis & { [KEY]?: Registry };
  g[KEY] ??= { list: [] };
  return g[KEY];
}

export function recordViolation(context: string, problems: readonly SpecProblem[]): void {
  if (problems.length === 0) return;
  registry().list.push({ context, problems: [...problems] });
}

/** Returns the violations recorded so far and clears the registry. */
export function takeViolations(): Violation[] {
  const r = registry();
  const taken = r.list;
  r.list = [];
  return taken;
}

function where(p: SpecProblem): string {
  if (p.parameter !== undefined) return ` [parameter ${p.parameter}]`;
  if (p.pointer !== undefined) return ` [pointer ${p.pointer === "" ? '""' : p.pointer}]`;
  if (p.header !== undefined) return ` [header ${p.header}]`;
  return "";
}

export function formatViolations(violations: readonly Violation[]): string {
  const lines = [
    `${violations.length} request(s) did not match the vendored Klaviyo spec (spec/klaviyo-openapi.json):`,
  ];
  for (const v of violations) {
    lines.push(`  ${v.context}`);
    for (const p of v.problems) lines.push(`    - ${p.message}${where(p)}`);
  }
  lines.push(
    "Fix the request, or start the loopback server with { expectInvalid: true } if the test sends it on purpose.",
  );
  return lines.join("\n");
}
