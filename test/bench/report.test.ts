import { describe, expect, it } from "vitest";
import type { Limits } from "../../bench/ceiling.js";
import { BOUND, type SideBySideResult, sideBySideLine, type Workload } from "../../bench/comparison.js";
import { type BenchDocument, num, renderMarkdown, renderSvg, speedups } from "../../bench/report.js";

const LIMITS: Record<string, Limits> = {
  bulk_import_profiles: { burst: 10, steady: 150 },
  create_or_update_profile: { burst: 75, steady: 750 },
  bulk_create_events: { burst: 10, steady: 150 },
  create_event: { burst: 350, steady: 3500 },
  get_profiles: { burst: 75, steady: 750 },
  add_profiles_to_list: { burst: 10, steady: 150 },
  get_events: { burst: 350, steady: 3500 },
};
const limits = (op: string) => LIMITS[op] as Limits;

function line(
  workload: Workload,
  tool: "klaviyo-sync" | "sdk",
  rows: number,
  seconds: number,
  basis: "dataset" | "window" = "dataset",
): SideBySideResult {
  const perRow = tool === "sdk" && (workload === "upsert-profiles" || workload === "track-events");
  return sideBySideLine(
    {
      workload,
      tool,
      status: basis === "window" ? "deadline" : "ok",
      basis,
      rows,
      seconds,
      requests: 10,
      rateLimited: 1,
      retries: 1,
      waitSeconds: 1.25,
      peakRssMb: 300,
    },
    BOUND[workload][tool],
    limits,
    perRow ? BOUND[workload]["klaviyo-sync"] : undefined,
  );
}

describe("sideBySideLine", () => {
  it("compares a dataset with the shortest time the limits allow for it", () => {
    // 150 bulk-create requests need 14 s (10/s; 150/min); taking 28 s is half the ceiling's rate,
    // even though the run used every request the minute allowed.
    const l = line("track-events", "klaviyo-sync", 150_000, 28);
    expect(l.minSeconds).toBe(14);
    expect(l.ceilingRowsPerSecond).toBeCloseTo(150_000 / 14, 0);
    expect(l.fraction).toBe(0.5);
    expect(l.timeEfficiency).toBe(0.5);
    expect(l.fractionOverRun).toBe(1);
  });

  it("compares a fixed window with the window-aware ceiling, and the SDK with the bulk operation too", () => {
    const l = line("upsert-profiles", "sdk", 525, 10, "window");
    expect(l.ceiling.operation).toBe("create_or_update_profile");
    expect(l.ceilingRowsPerSecond).toBe(75);
    expect(l.fraction).toBe(0.7);
    expect(l.minSeconds).toBeNull();
    expect(l.bulkCeiling?.rowsCeiling).toBe(1_000_000);
    expect(l.fractionOfBulkCeiling).toBe(0.001);
  });

  it("binds add-to-list by whichever of lookups and adds needs longer", () => {
    const l = line("add-to-list", "klaviyo-sync", 50_000, 12);
    // 500 lookups need 6 s at 75/s; 50 adds 4 s at 10/s.
    expect(l.minSeconds).toBe(6);
    expect(l.fraction).toBe(0.5);
    expect(l.ceiling.operation).toBe("get_profiles");
    expect(l.ceilings.map((c) => c.operation)).toEqual(["get_profiles", "add_profiles_to_list"]);
  });

  it("falls back to the window-aware ceiling when one second's burst covers the dataset", () => {
    const l = line("extract-events", "klaviyo-sync", 200_000, 10);
    expect(l.minSeconds).toBe(0);
    expect(l.ceilingBasis).toBe("window-aware formula over the run");
    expect(l.fraction).toBe(Number((200_000 / 3_500_000).toFixed(3)));
  });
});

describe("report", () => {
  const doc: BenchDocument = {
    date: "2026-01-01T00:00:00.000Z",
    node: "v20.20.2",
    quick: true,
    cores: 2,
    results: [
      { benchmark: "load-throughput", workload: "profiles" },
      line("upsert-profiles", "sdk", 525, 10, "window"),
      line("upsert-profiles", "klaviyo-sync", 200_000, 13.82),
      line("extract-profiles", "klaviyo-sync", 100_000, 63),
      line("extract-profiles", "sdk", 100_000, 90),
      {
        benchmark: "change-detection",
        rows: 1_000_000,
        status: "ok",
        seedSeconds: 28,
        stateFileMb: 35,
        changedInModel: 10_000,
        diff: { queried: 1_000_000, added: 0, changed: 10_000, unchanged: 990_000 },
        diffSeconds: 20.63,
        seconds: 35.78,
        diffRowsPerSecond: 48_473,
        peakRssMb: 561,
        baselineRssMb: 155,
        loadAverage: [1, 1],
      },
    ],
  };

  it("formats numbers for tables", () => {
    expect(num(14471.8)).toBe("14,472");
    expect(num(52.5)).toBe("52.5");
    expect(num(0.0714)).toBe("0.0714");
    expect(num(null)).toBe("—");
  });

  it("renders one table row per tool and workload, klaviyo-sync first, with ceilings and fractions", () => {
    const md = renderMarkdown(doc);
    const table = md.slice(md.indexOf("## Side by side"), md.indexOf("## klaviyo-sync against the SDK"));
    const rows = table
      .split("\n")
      .filter((l) => l.startsWith("| Upsert profiles") || l.startsWith("| Extract"));
    expect(rows).toHaveLength(4);
    expect(rows[0]).toContain("| klaviyo-sync |");
    expect(rows[0]).toContain("| 200,000 | 13.8 | 14,472 |");
    expect(rows[1]).toContain("SDK (klaviyo-api)");
    expect(rows[1]).toContain("| 10 (window) | 52.5 |");
    expect(rows[1]).toContain("| 75 (create_or_update_profile) | 0.70 |");
    // 1,000 profile pages: at least 63 s by the limits, so 63 s is the ceiling itself.
    expect(rows[2]).toContain("(get_profiles, ≥ 63 s) | 1.00 |");
    expect(rows[3]).toContain("| 0.70 |");
    expect(md).toContain("klaviyo-sync below 0.9 of the ceiling: Upsert profiles (0.07).");
    expect(md).toContain("| 1,000,000 | 10,000 | 10,000 | 20.6 | 48,473 | 35.8 | 561 | ok |");
  });

  it("gives klaviyo-sync's rows/s over the SDK's, measured and by the operations' steady limits", () => {
    const [upsert, extract] = speedups(doc.results as SideBySideResult[]);
    expect(upsert?.ratio).toBeCloseTo(14471.8 / 52.5, 1);
    expect(upsert?.steadyRatio).toBe(2000);
    expect(extract?.steadyRatio).toBe(1);
    expect(renderMarkdown(doc)).toContain("| 276× | 0.001 | 2,000× (25,000 ÷ 12.5 rows/s) |");
  });

  it("draws two bars and a ceiling tick per line in a well-formed SVG", () => {
    const svg = renderSvg(doc);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    const bars = svg.match(/<rect x="\d+(\.\d+)?" y="\d+(\.\d+)?" width="[\d.]+" height="16" fill="#/g) ?? [];
    expect(bars).toHaveLength(8);
    expect(svg).toContain(">0.70<");
    expect(svg).toContain("target 0.9");
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
  });
});
