/**
 * After `vitest run` (part of `npm test`): every operation the emulator implements must have been
 * driven by the tests to a success response, and every response was validated against the spec
 * (test/helpers/emulator.ts). Prints the counts; exits 1 when an implemented operation went untested.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { OPERATIONS } from "../src/client/operations.js";
import { systemClock } from "../src/client/types.js";
import { buildHandlers } from "../src/emulator/handlers/index.js";
import { EmulatorStore } from "../src/emulator/store/store.js";
import { coverageDir } from "../test/helpers/coverage-dir.js";

const COVERAGE_DIR = coverageDir();

const implemented = [...buildHandlers(new EmulatorStore(1, systemClock)).keys()].sort();

// docs/emulator.md lists exactly what is implemented (`npm run docs` rewrites the list).
const docsPath = join(import.meta.dirname, "..", "docs", "emulator.md");
const docs = readFileSync(docsPath, "utf8");
const start = "<!-- implemented:start -->";
const end = "<!-- implemented:end -->";
const byId = new Map(OPERATIONS.map((o) => [o.id as string, o]));
const table = [
  "",
  `${implemented.length} of the spec's ${OPERATIONS.length} operations. Every other operation answers 501 with a JSON:API error naming it.`,
  "",
  "| operationId | method | path |",
  "| --- | --- | --- |",
  ...implemented.map(
    (id) => `| \`${id}\` | ${byId.get(id)?.method ?? "?"} | \`${byId.get(id)?.path ?? "?"}\` |`,
  ),
  "",
].join("\n");
const current = docs.slice(docs.indexOf(start) + start.length, docs.indexOf(end));
if (process.argv.includes("--write-docs")) {
  writeFileSync(docsPath, docs.replace(`${start}${current}${end}`, `${start}${table}${end}`));
  console.log(`docs/emulator.md lists ${implemented.length} implemented operations`);
  process.exit(0);
}
if (current !== table) {
  console.error("docs/emulator.md does not list the implemented operations as they are: run `npm run docs`.");
  process.exitCode = 1;
}
const ok = new Set<string>();
const errors = new Set<string>();
let responses = 0;
if (existsSync(COVERAGE_DIR)) {
  for (const f of readdirSync(COVERAGE_DIR)) {
    for (const line of readFileSync(join(COVERAGE_DIR, f), "utf8").split("\n")) {
      if (!line.trim()) continue;
      const { op, status, n } = JSON.parse(line) as { op: string; status: number; n: number };
      responses += n;
      if (status >= 200 && status < 300) ok.add(op);
      else if (status >= 400 && status < 500) errors.add(op);
    }
  }
}
const untested = implemented.filter((op) => !ok.has(op));
console.log(
  `emulator: ${implemented.length} of ${OPERATIONS.length} spec operations implemented; ${implemented.length - untested.length} driven to success by the tests, ${implemented.filter((o) => errors.has(o)).length} also to a 4xx; ${responses} responses validated against the spec`,
);
if (untested.length > 0) {
  console.error(`implemented but never exercised with a 2xx response: ${untested.join(", ")}`);
  process.exitCode = 1;
}
