/**
 * The benchmark report: bench/results/latest.md (tables) and bench/results/latest.svg (a chart of
 * each workload's throughput against its rate-limit ceiling, klaviyo-sync and the SDK side by
 * side), from the result lines of one `npm run bench` (bench/results/latest.json).
 *
 *   npx tsx bench/report.ts [path/to/latest.json]   (rewrites the .md and .svg next to it)
 *
 * Rendering is pure (renderMarkdown, renderSvg): what the lines say, nothing else.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ChangeDetectionResult } from "./change-detection.js";
import type { SideBySideResult, Workload } from "./comparison.js";

export interface BenchDocument {
  date: string;
  node: string;
  quick: boolean;
  cores?: number;
  results: unknown[];
}

const LABEL: Record<Workload, string> = {
  "upsert-profiles": "Upsert profiles",
  "track-events": "Track events",
  "add-to-list": "Add profiles to a list",
  "extract-profiles": "Extract profiles",
  "extract-events": "Extract events",
};
const ORDER: Workload[] = [
  "upsert-profiles",
  "track-events",
  "add-to-list",
  "extract-profiles",
  "extract-events",
];

/** The target klaviyo-sync is held to: this fraction of the ceiling. */
export const TARGET = 0.9;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

export function sideBySideLines(doc: BenchDocument): SideBySideResult[] {
  const lines = doc.results.filter(
    (r): r is SideBySideResult => isObject(r) && r.benchmark === "side-by-side",
  );
  return lines.sort(
    (a, b) =>
      ORDER.indexOf(a.workload) - ORDER.indexOf(b.workload) ||
      (a.tool === b.tool ? 0 : a.tool === "klaviyo-sync" ? -1 : 1),
  );
}

export function changeDetectionLines(doc: BenchDocument): ChangeDetectionResult[] {
  return doc.results.filter(
    (r): r is ChangeDetectionResult => isObject(r) && r.benchmark === "change-detection",
  );
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");

/** A number with `digits` significant places at most, thousands separated (12,345; 52.5; 0.071). */
export function num(n: number | null | undefined, digits = 3): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  if (Math.abs(n) >= 10 ** digits) return int(n);
  const s = Number(n.toPrecision(digits));
  return s.toLocaleString("en-US", { maximumFractionDigits: 6 });
}

function fraction(f: number | null | undefined): string {
  return f === null || f === undefined ? "—" : f.toFixed(2);
}

function toolName(t: SideBySideResult["tool"]): string {
  return t === "sdk" ? "SDK (klaviyo-api)" : "klaviyo-sync";
}

/** klaviyo-sync's rows/s ÷ the SDK's, per workload (null when either is missing or 0). */
export function speedups(lines: readonly SideBySideResult[]): Array<{
  workload: Workload;
  ours: SideBySideResult;
  sdk: SideBySideResult;
  ratio: number | null;
  steadyRatio: number | null;
}> {
  const out = [];
  for (const w of ORDER) {
    const ours = lines.find((l) => l.workload === w && l.tool === "klaviyo-sync");
    const sdk = lines.find((l) => l.workload === w && l.tool === "sdk");
    if (!ours || !sdk) continue;
    out.push({
      workload: w,
      ours,
      sdk,
      ratio: sdk.rowsPerSecond > 0 ? ours.rowsPerSecond / sdk.rowsPerSecond : null,
      steadyRatio:
        sdk.ceiling.steadyRowsPerSecond > 0
          ? ours.ceiling.steadyRowsPerSecond / sdk.ceiling.steadyRowsPerSecond
          : null,
    });
  }
  return out;
}

export function renderMarkdown(doc: BenchDocument): string {
  const lines = sideBySideLines(doc);
  const diffs = changeDetectionLines(doc);
  const out: string[] = [];
  out.push("# Benchmark results", "");
  out.push(
    `${doc.quick ? "**Quick mode** (`npm run bench -- --quick`)" : "**Full mode** (`npm run bench`)"}, ` +
      `${doc.date}, Node ${doc.node}${doc.cores ? `, ${doc.cores} cores` : ""}. ` +
      "Every run against the klaviyo-sync emulator at Klaviyo's real rate limits. " +
      "Ratios are what to quote; absolute times depend on the machine.",
    "",
  );
  if (lines.length > 0) {
    out.push("## Side by side: klaviyo-sync, the official SDK and the rate-limit ceiling", "");
    out.push(
      "| Workload | Tool | How | Rows | Seconds | Rows/s | Requests | 429s | Retries | Wait s | Peak RSS MB | Ceiling rows/s | Fraction of ceiling | Fraction over the run |",
      "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    );
    for (const l of lines) {
      const ok = l.status === "ok" || l.status === "deadline" ? "" : ` (${l.status.slice(0, 80)})`;
      out.push(
        `| ${LABEL[l.workload]} | ${toolName(l.tool)}${ok} | ${l.method} | ${int(l.rows)} | ${num(l.seconds)}${l.basis === "window" ? " (window)" : ""} | ${num(l.rowsPerSecond)} | ${int(l.requests)} | ${int(l.rateLimited)} | ${int(l.retries)} | ${num(l.waitSeconds, 2)} | ${int(l.peakRssMb)} | ${num(l.ceilingRowsPerSecond)} (${l.ceiling.operation}${l.ceilingBasis === "shortest time for the dataset" ? `, ≥ ${l.minSeconds} s` : ""}) | ${fraction(l.fraction)} | ${fraction(l.fractionOverRun)} |`,
      );
    }
    out.push("");
    const pairs = speedups(lines);
    if (pairs.length > 0) {
      out.push("## klaviyo-sync against the SDK", "");
      out.push(
        "| Workload | klaviyo-sync rows/s | SDK rows/s | Measured ratio | SDK's fraction of klaviyo-sync's ceiling | Steady-state ceilings (klaviyo-sync ÷ SDK operations) |",
        "|---|--:|--:|--:|--:|--:|",
      );
      for (const p of pairs) {
        const bulk = p.sdk.fractionOfBulkCeiling ?? p.sdk.fraction;
        out.push(
          `| ${LABEL[p.workload]} | ${num(p.ours.rowsPerSecond)} | ${num(p.sdk.rowsPerSecond)} | ${p.ratio === null ? "—" : `${num(p.ratio)}×`} | ${bulk === null || bulk === undefined ? "—" : num(bulk, 2)} | ${p.steadyRatio === null ? "—" : `${num(p.steadyRatio)}× (${num(p.ours.ceiling.steadyRowsPerSecond)} ÷ ${num(p.sdk.ceiling.steadyRowsPerSecond)} rows/s)`} |`,
        );
      }
      out.push("");
    }
    const below = lines.filter((l) => l.tool === "klaviyo-sync" && (l.fraction ?? 0) < TARGET);
    out.push(
      below.length === 0
        ? `klaviyo-sync reached ${TARGET} of the ceiling or more on every workload.`
        : `klaviyo-sync below ${TARGET} of the ceiling: ${below.map((l) => `${LABEL[l.workload]} (${fraction(l.fraction)})`).join(", ")}.`,
      "",
    );
  }
  if (diffs.length > 0) {
    out.push("## Change detection at scale", "");
    out.push(
      "| Model rows | Rows changed | Diff found changed | Diff seconds | Diff rows/s | Whole rerun seconds | Peak RSS MB | Status |",
      "|--:|--:|--:|--:|--:|--:|--:|---|",
    );
    for (const d of diffs) {
      out.push(
        `| ${int(d.rows)} | ${int(d.changedInModel)} | ${d.diff ? int(d.diff.changed) : "—"} | ${num(d.diffSeconds)} | ${d.diffRowsPerSecond === null ? "—" : int(d.diffRowsPerSecond)} | ${num(d.seconds)} | ${d.peakRssMb === null ? "—" : int(d.peakRssMb)} | ${d.status} |`,
      );
    }
    out.push("");
  }
  return `${out.join("\n")}\n`;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const COLORS = { "klaviyo-sync": "#2b6cb0", sdk: "#dd6b20" } as const;

/**
 * Two panels, one row of bars per workload and tool: the fraction of the ceiling of the
 * operations the tool used (0 to 1, the 0.9 target dashed), and rows per second on a log scale
 * with a tick at that ceiling's rows per second, so the distance between the tools shows.
 */
export function renderSvg(doc: BenchDocument): string {
  const lines = sideBySideLines(doc);
  const rowH = 22;
  const headH = 18;
  const groupGap = 10;
  const labelW = 110;
  const panelW = 330;
  const gap = 70;
  const top = 74;
  const workloads = ORDER.filter((w) => lines.some((l) => l.workload === w));
  const height = top + workloads.length * (headH + 2 * rowH + groupGap) + 60;
  const width = labelW + panelW * 2 + gap + 90;
  const x1 = labelW;
  const x2 = labelW + panelW + gap;
  const rates = lines.flatMap((l) => [l.rowsPerSecond, l.ceilingRowsPerSecond]).filter((v) => v > 0);
  const lo = Math.floor(Math.log10(Math.min(1, ...rates)));
  const hi = Math.ceil(Math.log10(Math.max(10, ...rates)));
  const logX = (v: number) => x2 + ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * panelW;
  const fracX = (f: number) => x1 + Math.min(f, 1.1) * (panelW / 1.1);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="bold">klaviyo-sync and the official SDK against Klaviyo's real rate limits${doc.quick ? " (quick mode)" : ""}</text>`,
    `<text x="12" y="40" fill="#555">${esc(doc.date)} · ceiling: the rows per second the operations' burst and steady limits allow over the run</text>`,
    `<text x="${x1}" y="${top - 14}" font-weight="bold">Fraction of the ceiling</text>`,
    `<text x="${x2}" y="${top - 14}" font-weight="bold">Rows per second (log scale; | = ceiling)</text>`,
  );
  // Axes and grid.
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    const x = fracX(f);
    out.push(
      `<line x1="${x}" y1="${top - 6}" x2="${x}" y2="${height - 46}" stroke="#e2e2e2"/>`,
      `<text x="${x}" y="${height - 32}" text-anchor="middle" fill="#555">${f}</text>`,
    );
  }
  const t = fracX(TARGET);
  out.push(
    `<line x1="${t}" y1="${top - 6}" x2="${t}" y2="${height - 46}" stroke="#2f855a" stroke-dasharray="4 3"/>`,
    `<text x="${t}" y="${height - 18}" text-anchor="middle" fill="#2f855a">target ${TARGET}</text>`,
  );
  for (let e = lo; e <= hi; e++) {
    const x = logX(10 ** e);
    out.push(
      `<line x1="${x}" y1="${top - 6}" x2="${x}" y2="${height - 46}" stroke="#e2e2e2"/>`,
      `<text x="${x}" y="${height - 32}" text-anchor="middle" fill="#555">${num(10 ** e)}</text>`,
    );
  }
  let y = top;
  for (const w of workloads) {
    out.push(`<text x="12" y="${y + 13}" font-weight="bold">${esc(LABEL[w])}</text>`);
    y += headH;
    for (const tool of ["klaviyo-sync", "sdk"] as const) {
      const l = lines.find((x) => x.workload === w && x.tool === tool);
      if (l) {
        const f = l.fraction ?? 0;
        const color = COLORS[tool];
        out.push(
          `<rect x="${x1}" y="${y + 3}" width="${Math.max(1, fracX(f) - x1).toFixed(1)}" height="${rowH - 6}" fill="${color}"/>`,
          `<text x="${fracX(f) + 4}" y="${y + rowH - 7}">${fraction(l.fraction)}</text>`,
          `<rect x="${x2}" y="${y + 3}" width="${Math.max(1, logX(l.rowsPerSecond) - x2).toFixed(1)}" height="${rowH - 6}" fill="${color}"/>`,
          `<line x1="${logX(l.ceilingRowsPerSecond).toFixed(1)}" y1="${y + 1}" x2="${logX(l.ceilingRowsPerSecond).toFixed(1)}" y2="${y + rowH - 1}" stroke="#000" stroke-width="2"/>`,
          `<text x="${(Math.max(logX(l.rowsPerSecond), logX(l.ceilingRowsPerSecond)) + 4).toFixed(1)}" y="${y + rowH - 7}">${num(l.rowsPerSecond)}</text>`,
        );
        out.push(
          `<text x="${labelW - 8}" y="${y + rowH - 7}" text-anchor="end" fill="${color}">${tool === "sdk" ? "SDK" : "klaviyo-sync"}</text>`,
        );
      }
      y += rowH;
    }
    y += groupGap;
  }
  out.push(
    `<rect x="${x2}" y="${height - 14}" width="10" height="10" fill="${COLORS["klaviyo-sync"]}"/>`,
    `<text x="${x2 + 14}" y="${height - 5}">klaviyo-sync</text>`,
    `<rect x="${x2 + 110}" y="${height - 14}" width="10" height="10" fill="${COLORS.sdk}"/>`,
    `<text x="${x2 + 124}" y="${height - 5}">SDK (klaviyo-api, as its README shows)</text>`,
    "</svg>",
  );
  return `${out.join("\n")}\n`;
}

/** Writes latest.md and latest.svg next to `jsonPath`. */
export function writeReport(doc: BenchDocument, jsonPath: string): { md: string; svg: string } {
  const md = join(dirname(jsonPath), "latest.md");
  const svg = join(dirname(jsonPath), "latest.svg");
  writeFileSync(md, renderMarkdown(doc));
  writeFileSync(svg, renderSvg(doc));
  return { md, svg };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), "results", "latest.json");
  const doc = JSON.parse(readFileSync(path, "utf8")) as BenchDocument;
  const written = writeReport(doc, path);
  console.error(`wrote ${written.md} and ${written.svg}`);
}
