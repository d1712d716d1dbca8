/**
 * Load models: where the rows of a sync come from.
 *
 *   openModel("duckdb:./warehouse.duckdb", { sql: "select * from customers" }, { primaryKey: ["id"] })
 *   openModel("postgres://u:p@host/db", { table: "analytics.customers" })
 *   openModel("file:./vip.csv", {})                       // or any source with { file: "./vip.csv" }
 *
 * Every model streams: `rows(batchSize)` yields batches and never holds the whole result. Values
 * are normalised the same way for every source (see ./values.ts): numbers as numbers (integers
 * beyond 2^53 and long decimals as strings), timestamps as ISO strings in UTC, JSON parsed.
 * Problems are ConfigErrors: a failing query quotes the database's message and the query's first
 * line; a missing primary key column names the column and the columns the model has. CSV lines
 * that cannot be read are not errors: see ./csv.ts and `Model.rejects()`.
 */
import type { DuckDBInstance } from "@duckdb/node-api";
import { ConfigError } from "../../client/errors.js";
import { DuckDBModel } from "./duckdb.js";
import { checkColumns } from "./errors.js";
import type { Model } from "./model.js";
import { type PGliteQueryable, PostgresModel } from "./postgres.js";
import { checkModelFile, checkModelSource, type ModelSource } from "./source.js";

export type { ModelReject } from "./csv.js";
export type { Model, ModelRejects } from "./model.js";
export type { PGliteQueryable } from "./postgres.js";
export {
  checkModelFile,
  checkModelSource,
  type ModelFileFormat,
  type ModelSource,
  SOURCE_EXPECTED,
} from "./source.js";

export interface ModelSpec {
  /** A query (for database sources). */
  sql?: string;
  /** A table or view, optionally schema-qualified (`analytics.customers`). */
  table?: string;
  /** A .csv, .tsv, .jsonl, .json or .parquet file (whatever the source). */
  file?: string;
}

export interface OpenModelOptions {
  /** Columns that must exist: the sync's primary key. */
  primaryKey?: readonly string[];
  /** Other columns that must exist (the mapping's). */
  requiredColumns?: readonly string[];
  /** Names the model in messages, e.g. `sync vip_profiles`. */
  label?: string;
  /** Run a postgres source on this in-process PGlite instance instead of connecting to its URL. */
  pglite?: PGliteQueryable;
  /** Read a duckdb source through this open instance (the load state's, with `state: source`). */
  duckdb?: DuckDBInstance;
}

/** `"a"."b"` for `a.b`; each part quoted. */
function quoteQualified(name: string): string {
  return name
    .split(".")
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join(".");
}

/** The SQL without a trailing `;` (DECLARE and prepared statements take one statement). */
function trimSql(sql: string): string {
  return sql.trim().replace(/;\s*$/, "").trim();
}

function resolveSource(source: string, model: ModelSpec): ModelSource {
  const given = [model.sql, model.table, model.file].filter((v) => v !== undefined).length;
  if (given > 1) {
    throw new ConfigError("A model takes one of sql, table or file, not several.");
  }
  if (model.file !== undefined) {
    const file = checkModelFile(model.file);
    if (!file.ok) throw new ConfigError(`model.file: ${file.problem}`);
    return file.value;
  }
  const checked = checkModelSource(source);
  if (!checked.ok) throw new ConfigError(`source: ${checked.problem}`);
  const src = checked.value;
  if (src.kind === "file") {
    if (given > 0) {
      throw new ConfigError(
        `The source ${src.display} is a file: it is the model itself. Leave out model.sql and model.table (or read another file with model.file).`,
      );
    }
    return src;
  }
  if (given === 0) {
    throw new ConfigError(`A model on ${src.display} needs sql (a query), table (a table or view) or file.`);
  }
  return src;
}

/** Opens a model and checks that it has the columns asked for; the caller closes it. */
export async function openModel(
  source: string,
  model: ModelSpec,
  opts: OpenModelOptions = {},
): Promise<Model> {
  const src = resolveSource(source, model);
  const sql =
    model.table !== undefined
      ? `SELECT * FROM ${quoteQualified(model.table.trim())}`
      : trimSql(model.sql ?? "");
  if (src.kind !== "file" && sql.length === 0) throw new ConfigError("The model's sql is empty.");
  let opened: Model;
  if (src.kind === "duckdb") opened = await DuckDBModel.database(src, sql, opts.duckdb);
  else if (src.kind === "postgres")
    opened = opts.pglite
      ? PostgresModel.forPGlite(opts.pglite, sql)
      : PostgresModel.forUrl(src.url, src.display, sql);
  else opened = await DuckDBModel.file(src);
  try {
    const columns = await opened.columns();
    const what = opts.label ? `The model of ${opts.label}` : `The model (${opened.description})`;
    checkColumns(
      columns,
      {
        ...(opts.primaryKey ? { primaryKey: opts.primaryKey } : {}),
        ...(opts.requiredColumns ? { requiredColumns: opts.requiredColumns } : {}),
      },
      what,
    );
  } catch (err) {
    await opened.close().catch(() => {});
    throw err;
  }
  return opened;
}
