/**
 * `npm run bench`: runs every benchmark, prints one JSON line per result, and writes them all to
 * bench/results/latest.json. `--quick` shortens each run.
 */

import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runClientOverhead } from "./client-overhead.js";
import { runEmulatorThroughput } from "./emulator-throughput.js";
import { runExtractThroughput } from "./extract-throughput.js";
import { runLoadThroughput } from "./load-throughput.js";

const quick = process.argv.includes("--quick");
const results: unknown[] = [];

function report(result: unknown) {
  results.push(result);
  console.log(JSON.stringify(result));
}

report(await runClientOverhead(quick ? 2 : 5, 64));
report(await runEmulatorThroughput(quick ? 4 : 10, quick ? 20_000 : 100_000));
// Seeding runs in a process of its own so its memory figure is not mixed with the other benchmarks'.
const seedOut = execFileSync(
  process.execPath,
  [
    "--import",
    "tsx",
    join(dirname(fileURLToPath(import.meta.url)), "emulator-seed.ts"),
    "--profiles",
    quick ? "100000" : "1000000",
    "--events",
    quick ? "500000" : "5000000",
  ],
  { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 },
);
const seedLine = seedOut.split("\n").find((l) => l.startsWith("{"));
if (seedLine) report(JSON.parse(seedLine));
// Extract at real and 10x rate limits (each workload in a process of its own); --quick shortens it.
await runExtractThroughput({ quick, onResult: report });
// Load (reverse ETL) at real rate limits: 1M profiles and their no-change rerun, events, list
// membership (each sync in a process of its own); --quick shortens it (see load-throughput.ts).
await runLoadThroughput({ quick, onResult: report });

const out = join(dirname(fileURLToPath(import.meta.url)), "results", "latest.json");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, quick, results }, null, 2)}\n`,
);
console.error(`wrote ${out}`);
