import { it } from "vitest";
import { lastPerKey, rawCsv } from "../../../../src/extract/targets/values.js";
import type { Column } from "../../../../src/extract/types.js";
import { COLUMNS, row } from "../conformance.js";

it("prof", () => {
  const cols: Column[] = [
    ...COLUMNS,
    { name: "email", type: "VARCHAR" },
    { name: "city", type: "VARCHAR" },
    { name: "created", type: "TIMESTAMPTZ" },
    { name: "extra", type: "JSON" },
    { name: "flag", type: "BOOLEAN" },
    { name: "ratio", type: "DOUBLE" },
  ];
  const rows = Array.from({ length: 10_000 }, (_, i) =>
    row(`p${i}`, i, "r", new Date(), {
      email: `person${i}@example.com`,
      city: `City, "${i % 97}"`,
      created: new Date(Date.UTC(2023, 0, 1) + i * 1000),
      extra: { source: "bench", i, list: [1, 2, 3] },
      flag: i % 3 === 0,
      ratio: i / 7,
    }),
  );
  for (let k = 0; k < 5; k++) {
    let t = performance.now();
    const n = lastPerKey(rows, ["id"]);
    const a = performance.now() - t;
    t = performance.now();
    const csv = rawCsv("t", cols, n);
    console.log("dedupe", a.toFixed(1), "csv", (performance.now() - t).toFixed(1), csv.length);
  }
});
