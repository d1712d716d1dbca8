/**
 * `npm run bench`: runs every benchmark, prints one JSON line per result, writes them all to
 * bench/results/latest.json, and the report (bench/report.ts) to bench/results/latest.md (tables)
 * and bench/results/latest.svg (the chart).
 *
 *   npm run bench              every benchmark (about an hour on 2 cores: the 1M-profile upsert,
 *                              the 10M-row change detection and the 10x extracts take the most)
 *   npm run bench -- --quick   the side-by-side comparison (./side-by-side.ts) on smaller datasets,
 *                              still at real limits, and change detection on 100,000 rows: under
 *                              3 minutes, for everyday use
 *
 * Full mode, in order: client overhead, emulator throughput and seeding; the side-by-side
 * comparison (klaviyo-sync's extract and load at real limits against the SDK baselines, with the
 * 1M-profile upsert's no-change rerun and the list's add calls alone); the extracts at 10x limits
 * and the built CLI's memory over a 1M-event extract; the load with `resolve_ids`; change
 * detection on 1,000,000 and 10,000,000 rows.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runChangeDetection } from "./change-detection.js";
import { runClientOverhead } from "./client-overhead.js";
import { runEmulatorThroughput } from "./emulator-throughput.js";
import {
  defaultWorkloads as extractWorkloads,
  runExtractCliMemory,
  runExtractThroughput,
} from "./extract-throughput.js";
import { runLoadThroughput } from "./load-throughput.js";
import { type BenchDocument, writeReport } from "./report.js";
import { runSideBySide } from "./side-by-side.js";

const quick = process.argv.includes("--quick");
const results: unknown[] = [];
const started = performance.now();

function report(result: unknown) {
  results.push(result);
  console.log(JSON.stringify(result));
}

if (!quick) {
  report(await runClientOverhead(5, 64));
  report(await runEmulatorThroughput(10, 100_000));
  // Seeding runs in a process of its own so its memory figure is not mixed with the other benchmarks'.
  const seedOut = execFileSync(
    process.execPath,
    [
      "--import",
      "tsx",
      join(dirname(fileURLToPath(import.meta.url)), "emulator-seed.ts"),
      "--profiles",
      "1000000",
      "--events",
      "5000000",
    ],
    { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 },
  );
  const seedLine = seedOut.split("\n").find((l) => l.startsWith("{"));
  if (seedLine) report(JSON.parse(seedLine));
}
// klaviyo-sync's extract and load at real limits, each workload beside the SDK baseline on the
// same emulator (each run in a process of its own).
await runSideBySide({ quick, onResult: report });
if (!quick) {
  // What the side-by-side runs do not cover: the extracts at 10x limits, the CLI's memory, the
  // load with resolve_ids (see extract-throughput.ts and load-throughput.ts).
  await runExtractThroughput({
    workloads: extractWorkloads(false).filter((w) => w.limits === "10x"),
    onResult: report,
  });
  report(await runExtractCliMemory(1_000_000));
  await runLoadThroughput({
    workloads: [{ name: "profiles:resolve_ids", rows: 50_000, limits: "real", followUp: false }],
    onResult: report,
  });
}
for (const rows of quick ? [100_000] : [1_000_000, 10_000_000]) report(await runChangeDetection(rows));

const out = join(dirname(fileURLToPath(import.meta.url)), "results", "latest.json");
mkdirSync(dirname(out), { recursive: true });
const doc: BenchDocument = {
  date: new Date().toISOString(),
  node: process.version,
  quick,
  cores: cpus().length,
  results,
};
writeFileSync(
  out,
  `${JSON.stringify({ ...doc, seconds: Math.round((performance.now() - started) / 1000) }, null, 2)}\n`,
);
const written = writeReport(doc, out);
console.error(`wrote ${out}, ${written.md} and ${written.svg}`);
