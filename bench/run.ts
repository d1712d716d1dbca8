/**
 * `npm run bench`: runs every benchmark, prints one JSON line per result, and writes them all to
 * bench/results/latest.json. `--quick` shortens each run.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runClientOverhead } from "./client-overhead.js";

const quick = process.argv.includes("--quick");
const results: unknown[] = [];

function report(result: unknown) {
  results.push(result);
  console.log(JSON.stringify(result));
}

report(await runClientOverhead(quick ? 2 : 5, 64));

const out = join(dirname(fileURLToPath(import.meta.url)), "results", "latest.json");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, quick, results }, null, 2)}\n`,
);
console.error(`wrote ${out}`);
