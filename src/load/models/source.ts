/**
 * Where a load model reads from: `duckdb:PATH`, `postgres://...` (or `postgresql://...`), or
 * `file:PATH` with a `.csv`, `.tsv`, `.jsonl`, `.ndjson`, `.json` or `.parquet` file.
 */
import { didYouMean } from "../../config/suggest.js";
import { checkTarget } from "../../config/values.js";

export type ModelFileFormat = "csv" | "json" | "parquet";

export type ModelSource =
  | { kind: "duckdb"; path: string; display: string }
  | { kind: "postgres"; url: string; display: string }
  | { kind: "file"; path: string; format: ModelFileFormat; delimiter?: string; display: string };

export type SourceCheck = { ok: true; value: ModelSource } | { ok: false; problem: string };

export const SOURCE_EXPECTED =
  "duckdb:PATH (e.g. duckdb:./warehouse.duckdb), postgres://USER:PASSWORD@HOST:PORT/DATABASE, or file:PATH to a .csv, .tsv, .jsonl or .parquet file (e.g. file:./vip.csv)";

const FILE_EXTENSIONS: Record<string, { format: ModelFileFormat; delimiter?: string }> = {
  csv: { format: "csv" },
  tsv: { format: "csv", delimiter: "\t" },
  jsonl: { format: "json" },
  ndjson: { format: "json" },
  json: { format: "json" },
  parquet: { format: "parquet" },
};

/** The format a file's extension says, or the problem. */
export function checkModelFile(path: string): SourceCheck {
  const trimmed = path.trim();
  if (trimmed.length === 0) return { ok: false, problem: "a file model needs a path, e.g. ./vip.csv." };
  const ext = /\.([A-Za-z0-9]+)$/.exec(trimmed)?.[1]?.toLowerCase();
  const known = ext === undefined ? undefined : FILE_EXTENSIONS[ext];
  if (!known) {
    return {
      ok: false,
      problem: `cannot tell the format of "${trimmed}" from its extension; name the file .csv, .tsv, .jsonl (or .ndjson), .json or .parquet.`,
    };
  }
  return {
    ok: true,
    value: {
      kind: "file",
      path: trimmed,
      format: known.format,
      ...(known.delimiter ? { delimiter: known.delimiter } : {}),
      display: `file:${trimmed}`,
    },
  };
}

/** Classifies and validates a source string. Problems never quote a postgres URL (it may hold a password). */
export function checkModelSource(text: string): SourceCheck {
  const raw = text.trim();
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(raw)?.[1]?.toLowerCase();
  if (scheme === "file") {
    const rest = raw.slice(5);
    return checkModelFile(rest.startsWith("//") ? rest.slice(2) : rest);
  }
  if (scheme === "duckdb" || scheme === "postgres" || scheme === "postgresql") {
    const target = checkTarget(raw);
    if (!target.ok) return { ok: false, problem: target.problem.replace(/target/g, "source") };
    const t = target.value;
    if (t.kind === "duckdb") return { ok: true, value: { kind: "duckdb", path: t.path, display: t.display } };
    if (t.kind === "postgres")
      return { ok: true, value: { kind: "postgres", url: t.url, display: t.display } };
  }
  if (scheme === undefined || scheme.length === 1) {
    const hint = /\.(duckdb|db)$/i.test(raw)
      ? ` To read a DuckDB file, prefix it with "duckdb:".`
      : /\.(csv|tsv|jsonl|ndjson|json|parquet)$/i.test(raw)
        ? ` To read a file, prefix it with "file:".`
        : "";
    return { ok: false, problem: `expected ${SOURCE_EXPECTED}; the value has no scheme.${hint}` };
  }
  return {
    ok: false,
    problem: `unknown source scheme "${scheme}:".${didYouMean(scheme, ["duckdb", "postgres", "postgresql", "file"], (s) => `"${s}:"`)} Expected ${SOURCE_EXPECTED}.`,
  };
}
