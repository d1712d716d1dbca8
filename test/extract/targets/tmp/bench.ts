import { csvLines, lastPerKey, normalizeRows, rawCsv } from "../../../../src/extract/targets/values.js";
import type { Column } from "../../../../src/extract/types.js";
import { COLUMNS, row } from "../conformance.js";

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
for (let k = 0; k < 15; k++) {
  let t = performance.now();
  rawCsv("t", cols, lastPerKey(rows, ["id"]));
  const a = performance.now() - t;
  t = performance.now();
  csvLines(cols, normalizeRows("t", cols, rows, ["id"], true), false);
  const b = performance.now() - t;
  t = performance.now();
  for (const r of rows) JSON.stringify(r);
  const c = performance.now() - t;
  console.log("raw", a.toFixed(1), "old", b.toFixed(1), "json.stringify rows", c.toFixed(1));
}
