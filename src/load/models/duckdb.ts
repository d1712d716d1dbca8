/**
 * Models read through DuckDB: a `duckdb:PATH` database (opened read-only; the model's SQL or
 * `SELECT * FROM table`) and files (CSV, JSON lines, Parquet) in an in-memory database. Rows are
 * streamed (`connection.stream` + `fetchChunk`, 2,048 rows a chunk), so only one batch is in memory.
 */
import { createReadStream, existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { type DuckDBConnection, DuckDBInstance, type DuckDBResult } from "@duckdb/node-api";
import { ConfigError } from "../../client/errors.js";
import type { ModelRow } from "../types.js";
import {
  type CsvColumnType,
  type CsvLayout,
  castList,
  csvLayout,
  inferTypesSql,
  type ModelReject,
  quoteIdent,
  readCsvSql,
  rejectReason,
  rejectsCountSql,
  rejectsSql,
  sqlString,
  typesFromInference,
  utf8Copy,
} from "./csv.js";
import { databaseMessage, sqlError } from "./errors.js";
import { type Model, type ModelRejects, uniqueNames } from "./model.js";
import type { ModelSource } from "./source.js";
import { duckdbConverter } from "./values.js";

function parseJsonText(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** What a DuckDB-backed model runs; `prepare` runs before the first query (type inference). */
interface Plan {
  description: string;
  /** The query as the user wrote it, for messages (undefined for files). */
  userSql?: string;
  /** The SQL producing the rows. */
  rowsSql(): Promise<string>;
  /** Rejects table of the last pass (CSV). */
  rejectsTable?: string;
  /** Header column count (CSV), for reject reasons. */
  headerColumns?: number;
  /** DuckDB's line number of a reject → the file's line (CSV). */
  fileLine?: (line: number) => number;
  /** A failure as a ConfigError. */
  fail(err: unknown): Promise<ConfigError>;
  /** Column names without running the query (undefined: prepare the rows SQL). */
  columns?: string[];
}

export class DuckDBModel implements Model {
  readonly description: string;
  readonly notices: string[];
  private busy = false;
  private names: string[] | undefined;

  private constructor(
    /** Undefined when the instance is shared (not the model's to close). */
    private readonly instance: DuckDBInstance | undefined,
    private readonly conn: DuckDBConnection,
    private readonly plan: Plan,
    notices: string[],
  ) {
    this.description = plan.description;
    this.notices = notices;
  }

  /**
   * A model on a DuckDB database file. `shared`: an instance already open on that file (the load
   * state's, when it lives in the source), used instead of opening the file read-only; closing
   * the model then closes only its connection.
   */
  static async database(
    source: Extract<ModelSource, { kind: "duckdb" }>,
    sql: string,
    shared?: DuckDBInstance,
  ): Promise<DuckDBModel> {
    const plan: Plan = {
      description: source.display,
      userSql: sql,
      rowsSql: async () => sql,
      fail: async (err) => sqlError(source.display, sql, err),
    };
    if (shared) return new DuckDBModel(undefined, await shared.connect(), plan, []);
    if (source.path !== ":memory:" && !existsSync(source.path)) {
      throw new ConfigError(`The DuckDB database ${source.path} (source ${source.display}) does not exist.`);
    }
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(source.path, { access_mode: "READ_ONLY" });
    } catch (err) {
      const msg = databaseMessage(err);
      const hint = /lock/i.test(msg)
        ? " Another process is writing to it (an extract, a DuckDB shell?); wait for it to finish or close it."
        : "";
      throw new ConfigError(`Cannot open the DuckDB database ${source.path}: ${msg}.${hint}`, { cause: err });
    }
    const conn = await instance.connect();
    return new DuckDBModel(instance, conn, plan, []);
  }

  /** A model on a CSV, JSON (lines) or Parquet file, read in an in-memory database. */
  static async file(source: Extract<ModelSource, { kind: "file" }>): Promise<DuckDBModel> {
    const { path } = source;
    if (source.format !== "csv") {
      if (!existsSync(path)) throw new ConfigError(`The model file ${path} does not exist.`);
    }
    let layout = source.format === "csv" ? await csvLayout(path, source.delimiter) : undefined;
    // A file that is not UTF-8 is read from a UTF-8 copy (see utf8Copy), removed on close.
    let copy: Awaited<ReturnType<typeof utf8Copy>> | undefined;
    if (layout?.encoding === "latin-1") {
      copy = await utf8Copy(path);
      layout = { ...layout, encoding: "utf-8" };
    }
    let instance: DuckDBInstance;
    let conn: DuckDBConnection;
    try {
      instance = await DuckDBInstance.create(":memory:");
      conn = await instance.connect();
    } catch (err) {
      await copy?.remove();
      throw err;
    }
    try {
      await conn.run("SET TimeZone = 'UTC'");
    } catch {
      // Without ICU, naive date-times stay as read.
    }
    const fail = async (err: unknown): Promise<ConfigError> => {
      if (err instanceof ConfigError) return err;
      const msg = databaseMessage(err);
      if (/malformed json/i.test(msg) && source.format === "json" && !/\.json$/i.test(path)) {
        const bad = await firstBadJsonLine(path);
        if (bad) {
          return new ConfigError(
            `The model file ${path} cannot be read: line ${bad.line} is not valid JSON (${bad.message}). Fix that line: a JSON lines file holds one JSON object per line.`,
            { cause: err },
          );
        }
      }
      return new ConfigError(`The model file ${path} cannot be read: ${msg}.`, { cause: err });
    };
    let plan: Plan;
    if (layout) {
      plan = csvPlan(conn, copy ? { ...source, path: copy.path } : source, layout, fail);
    } else {
      const from =
        source.format === "parquet"
          ? `read_parquet(${sqlString(path)})`
          : `read_json(${sqlString(path)}, format = ${/\.json$/i.test(path) ? "'auto'" : "'newline_delimited'"}, maximum_depth = 1, sample_size = -1)`;
      plan = { description: source.display, rowsSql: async () => `SELECT * FROM ${from}`, fail };
    }
    const model = new DuckDBModel(instance, conn, plan, layout?.notices ?? []);
    if (copy) model.onClose = copy.remove;
    return model;
  }

  /** Run when the model is closed (removes a UTF-8 copy of the file). */
  private onClose: (() => Promise<void>) | undefined;

  async columns(): Promise<string[]> {
    if (this.names) return this.names;
    if (this.plan.columns) {
      this.names = this.plan.columns;
      return this.names;
    }
    try {
      const prepared = await this.conn.prepare(await this.plan.rowsSql());
      const raw: string[] = [];
      for (let i = 0; i < prepared.columnCount; i++) raw.push(prepared.columnName(i));
      prepared.destroySync();
      this.names = uniqueNames(raw);
      return this.names;
    } catch (err) {
      throw await this.plan.fail(err);
    }
  }

  async *rows(batchSize: number): AsyncIterable<ModelRow[]> {
    if (this.busy)
      throw new Error(`${this.description}: rows() is already being read; read one pass at a time.`);
    this.busy = true;
    try {
      const size = Math.max(1, Math.floor(batchSize));
      let result: DuckDBResult;
      try {
        result = await this.conn.stream(await this.plan.rowsSql());
      } catch (err) {
        throw await this.plan.fail(err);
      }
      const names = uniqueNames(result.columnNames());
      this.names ??= names;
      const json = names.map((_, i) => result.columnType(i).alias === "JSON");
      let batch: ModelRow[] = [];
      for (;;) {
        let chunk: Awaited<ReturnType<DuckDBResult["fetchChunk"]>>;
        try {
          chunk = await result.fetchChunk();
        } catch (err) {
          throw await this.plan.fail(err);
        }
        if (!chunk || chunk.rowCount === 0) break;
        const columns = names.map((_, i) => {
          const values = chunk.convertColumnValues(i, duckdbConverter);
          return json[i] ? values.map(parseJsonText) : values;
        });
        for (let r = 0; r < chunk.rowCount; r++) {
          const row: ModelRow = {};
          for (let c = 0; c < names.length; c++) row[names[c]!] = columns[c]![r] ?? null;
          batch.push(row);
          if (batch.length >= size) {
            yield batch;
            batch = [];
          }
        }
      }
      if (batch.length > 0) yield batch;
    } finally {
      this.busy = false;
    }
  }

  async rejects(limit = 1000): Promise<ModelRejects> {
    const table = this.plan.rejectsTable;
    if (!table) return { count: 0, rows: [] };
    try {
      const count = await this.conn.runAndReadAll(rejectsCountSql(table));
      const n = Number(count.getRowObjectsJS()[0]?.n ?? 0);
      if (n === 0) return { count: 0, rows: [] };
      const r = await this.conn.runAndReadAll(rejectsSql(table, Math.max(0, Math.floor(limit))));
      const rows: ModelReject[] = r.getRowObjectsJS().map((row) => {
        const text = String(row.text ?? "").replace(/^[\r\n]+|[\r\n]+$/g, "");
        return {
          line: this.plan.fileLine ? this.plan.fileLine(Number(row.line)) : Number(row.line),
          reason: rejectReason(
            String(row.error_type ?? ""),
            String(row.message ?? ""),
            this.plan.headerColumns ?? 0,
          ),
          text: text.length > 200 ? `${text.slice(0, 197)}...` : text,
        };
      });
      return { count: n, rows };
    } catch {
      // No pass has run yet (the table does not exist).
      return { count: 0, rows: [] };
    }
  }

  async close(): Promise<void> {
    this.conn.closeSync();
    this.instance?.closeSync();
    await this.onClose?.().catch(() => {});
  }
}

function csvPlan(
  conn: DuckDBConnection,
  source: Extract<ModelSource, { kind: "file" }>,
  layout: CsvLayout,
  fail: (err: unknown) => Promise<ConfigError>,
): Plan {
  let types: CsvColumnType[] | undefined;
  const rejects = { table: "ks_csv_rejects", scan: "ks_csv_scans" };
  return {
    description: source.display,
    columns: layout.columns,
    headerColumns: layout.columns.length,
    fileLine: layout.fileLine,
    rejectsTable: rejects.table,
    fail,
    rowsSql: async () => {
      if (!types) {
        try {
          const r = await conn.runAndReadAll(inferTypesSql(readCsvSql(source.path, layout), layout.columns));
          types = typesFromInference(r.getRowObjectsJS()[0] ?? {}, layout.columns);
        } catch (err) {
          throw await fail(err);
        }
      }
      // Each pass starts with empty reject tables.
      await conn.run(`DROP TABLE IF EXISTS ${quoteIdent(rejects.table)}`);
      await conn.run(`DROP TABLE IF EXISTS ${quoteIdent(rejects.scan)}`);
      return `SELECT ${castList(layout.columns, types)} FROM ${readCsvSql(source.path, layout, rejects)}`;
    },
  };
}

/** The first line of a JSON lines file that does not parse, with JSON.parse's message. */
async function firstBadJsonLine(path: string): Promise<{ line: number; message: string } | undefined> {
  const lines = createInterface({
    input: createReadStream(path, { encoding: "utf8" }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let n = 0;
  try {
    for await (const text of lines) {
      n++;
      if (text.trim() === "") continue;
      try {
        JSON.parse(text);
      } catch (err) {
        return { line: n, message: (err as Error).message };
      }
    }
  } finally {
    lines.close();
  }
  return undefined;
}
