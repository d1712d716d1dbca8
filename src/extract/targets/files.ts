/**
 * File target: one folder per table holding immutable part files, JSON Lines, CSV or Parquet.
 *
 * Layout under `dir`:
 *   _klaviyo_sync_state.json            every stream's state (rewritten atomically)
 *   <table>/_table.json                 the table's columns and primary key
 *   <table>/part-<runId>-<seq>.<ext>    one part per committed batch
 *
 * Every commit writes its batch as a new part (temp file, fsync, rename, fsync of the folder) and
 * only then the state (same way), so the state never covers rows that are not on disk. A crash in
 * between leaves a part the state does not know of; the run re-reads that page and the dedupe
 * below makes the repeat harmless.
 *
 * Merge semantics: parts are only ever added. A reader gets the current table by keeping, per
 * primary key, the row with the latest `_extracted_at` (ties: the part whose file name sorts last).
 * `readRows` and `count` do exactly that, as does this DuckDB query for a jsonl table:
 *
 *   SELECT * EXCLUDE (rn) FROM (
 *     SELECT *, row_number() OVER (PARTITION BY id ORDER BY _extracted_at DESC, filename DESC) AS rn
 *     FROM read_json('out/profiles/part-*.jsonl', filename = true, union_by_name = true)
 *   ) WHERE rn = 1
 *
 * `append` and `merge` differ only in that `merge` keeps the last row of each key within a batch.
 * Membership removals (`markDeleted`) add a part with the removed rows carrying `_deleted_at` (and
 * `_extracted_at` moved up to that moment so they win the dedupe). `compact(table)` rewrites a
 * table's parts into one deduplicated part; `swap` compacts the staging table, then renames its
 * folder over the table's.
 *
 * CSV files have a header and RFC 4180 quoting; NULL is an empty field, an empty string `""`; JSON
 * columns hold JSON text. Parquet parts are written by an in-memory DuckDB from a temporary JSON
 * Lines file.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { ConfigError } from "../../client/errors.js";
import type { Column, ColumnType, Row, StreamState, Target } from "../types.js";
import { checkTableName, csvLines, Mutex, normalizeRows } from "./values.js";
import { LOCK_FILE, lockFile, type ReleaseLock } from "./writer-lock.js";

export type FileFormat = "jsonl" | "csv" | "parquet";

export interface FileTargetOptions {
  format: FileFormat;
}

export const STATE_FILE = "_klaviyo_sync_state.json";
const TABLE_FILE = "_table.json";
const FORMATS: readonly FileFormat[] = ["jsonl", "csv", "parquet"];

interface TableMeta {
  columns: Column[];
  primaryKey: string[];
}

interface StateFile {
  version: 1;
  streams: Record<string, { state: StreamState; updated_at: string }>;
}

function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function tmpName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

async function fsyncDir(path: string): Promise<void> {
  const fh = await open(path, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function fsyncFile(path: string): Promise<void> {
  const fh = await open(path, "r+");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Writes `path` atomically and durably: temp file, fsync, rename, fsync of the folder. */
async function writeDurable(path: string, data: string | Buffer, mode = 0o644): Promise<void> {
  const tmp = tmpName(path);
  try {
    const fh = await open(tmp, "w", mode);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await fsyncDir(dirname(path));
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}

function safeRunId(runId: string): string {
  return runId.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 80) || "run";
}

export class FileTarget implements Target {
  readonly description: string;
  readonly dir: string;
  readonly format: FileFormat;
  private readonly ext: string;
  private states = new Map<string, { state: StreamState; updated_at: string }>();
  private readonly stateLock = new Mutex();
  private readonly tableLock = new Mutex();
  private readonly duckLock = new Mutex();
  private readonly metas = new Map<string, TableMeta>();
  private readonly seqs = new Map<string, number>();
  private duck: { instance: DuckDBInstance; conn: DuckDBConnection } | undefined;

  constructor(dir: string, options: FileTargetOptions) {
    if (!FORMATS.includes(options.format)) {
      throw new ConfigError(`Unknown file format "${String(options.format)}": use jsonl, csv or parquet.`);
    }
    this.dir = resolve(dir);
    this.format = options.format;
    this.ext = options.format;
    this.description = `files:${this.dir} (${this.format})`;
  }

  private tableDir(table: string): string {
    checkTableName(table);
    return join(this.dir, table);
  }

  async open(): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true });
    } catch (err) {
      throw new ConfigError(
        `Cannot create the output folder ${this.dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}. Check the path and its permissions.`,
      );
    }
    await this.recoverSwaps();
    const path = join(this.dir, STATE_FILE);
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
      throw err;
    }
    let parsed: StateFile;
    try {
      parsed = JSON.parse(text) as StateFile;
      if (typeof parsed !== "object" || parsed === null || typeof parsed.streams !== "object")
        throw new Error("no streams");
    } catch (err) {
      throw new ConfigError(
        `The state file ${path} is not valid (${(err as Error).message}). Restore it from a backup, or delete it to start every stream afresh.`,
      );
    }
    this.states = new Map(Object.entries(parsed.streams));
  }

  /** A swap interrupted between its two renames: put the old table back (the run redoes the swap). */
  private async recoverSwaps(): Promise<void> {
    for (const name of await readdir(this.dir)) {
      const m = /^\.(.+)\.old-[0-9a-z]+$/.exec(name);
      if (!m?.[1]) continue;
      const table = join(this.dir, m[1]);
      if (await exists(table)) await rm(join(this.dir, name), { recursive: true, force: true });
      else await rename(join(this.dir, name), table);
    }
  }

  /** A lock file in the folder; one left by a run that is gone from this host is taken over. */
  async lockWriter(): Promise<ReleaseLock> {
    await mkdir(this.dir, { recursive: true }).catch(() => {});
    return lockFile(join(this.dir, LOCK_FILE), this.description);
  }

  async close(): Promise<void> {
    await this.duckLock.run(async () => {
      this.duck?.conn.closeSync();
      this.duck?.instance.closeSync();
      this.duck = undefined;
    });
  }

  async readState(stream: string): Promise<StreamState | undefined> {
    return this.states.get(stream)?.state;
  }

  private async writeState(state: StreamState): Promise<void> {
    await this.stateLock.run(async () => {
      const next = new Map(this.states);
      next.set(state.stream, { state, updated_at: new Date().toISOString() });
      const file: StateFile = { version: 1, streams: Object.fromEntries(next) };
      await writeDurable(join(this.dir, STATE_FILE), `${JSON.stringify(file, null, 2)}\n`, 0o600);
      this.states = next;
    });
  }

  private async readMeta(table: string): Promise<TableMeta | undefined> {
    const cached = this.metas.get(table);
    if (cached) return cached;
    let text: string;
    try {
      text = await readFile(join(this.tableDir(table), TABLE_FILE), "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
    const meta = JSON.parse(text) as TableMeta;
    this.metas.set(table, meta);
    return meta;
  }

  async ensureTable(table: string, columns: readonly Column[], primaryKey: readonly string[]): Promise<void> {
    const dir = this.tableDir(table);
    await this.tableLock.run(async () => {
      const meta = await this.readMeta(table);
      if (!meta) {
        await mkdir(dir, { recursive: true });
        await this.writeMeta(table, { columns: [...columns], primaryKey: [...primaryKey] });
        return;
      }
      const added: Column[] = [];
      for (const col of columns) {
        const have = meta.columns.find((c) => c.name === col.name);
        if (!have) added.push(col);
        else if (have.type !== col.type) {
          throw new ConfigError(
            `Table ${table} in ${this.dir} (${this.format} files) has column ${col.name} of type ${have.type}, but klaviyo-sync writes ${col.type} there. ` +
              `klaviyo-sync never rewrites existing files to change a type: move the folder ${dir} away (or write to another table) and run a full refresh.`,
          );
        }
      }
      const samePk =
        primaryKey.length === 0 ||
        (meta.primaryKey.length === primaryKey.length &&
          primaryKey.every((k) => meta.primaryKey.includes(k)));
      if (!samePk) {
        throw new ConfigError(
          `Table ${table} in ${this.dir} is keyed by (${meta.primaryKey.join(", ") || "nothing"}), but klaviyo-sync merges by (${primaryKey.join(", ")}). ` +
            `Move the folder ${dir} away (or write to another table) and run a full refresh.`,
        );
      }
      if (added.length > 0) await this.writeMeta(table, { ...meta, columns: [...meta.columns, ...added] });
    });
  }

  private async writeMeta(table: string, meta: TableMeta): Promise<void> {
    await writeDurable(join(this.tableDir(table), TABLE_FILE), `${JSON.stringify(meta, null, 2)}\n`);
    this.metas.set(table, meta);
  }

  /** Part files of a table in this target's format, sorted by name. */
  private async parts(table: string): Promise<string[]> {
    const dir = this.tableDir(table);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    }
    return names
      .filter((n) => n.startsWith("part-") && n.endsWith(`.${this.ext}`))
      .sort()
      .map((n) => join(dir, n));
  }

  /** Next free sequence number for a run's parts in a table (unique within this process). */
  private async nextPartPath(table: string, runId: string): Promise<string> {
    const key = `${table}\u0000${runId}`;
    if (!this.seqs.has(key)) {
      const prefix = `part-${runId}-`;
      let next = 0;
      for (const path of await this.parts(table)) {
        const name = basename(path);
        if (!name.startsWith(prefix)) continue;
        const n = Number.parseInt(name.slice(prefix.length), 10);
        if (Number.isInteger(n) && n >= next) next = n + 1;
      }
      if (!this.seqs.has(key)) this.seqs.set(key, next);
    }
    const seq = this.seqs.get(key) ?? 0;
    this.seqs.set(key, seq + 1);
    return join(this.tableDir(table), `part-${runId}-${String(seq).padStart(6, "0")}.${this.ext}`);
  }

  async commit(batch: Parameters<Target["commit"]>[0]): Promise<void> {
    const { table, columns, primaryKey } = batch;
    this.tableDir(table);
    const merge = batch.write === "merge" && primaryKey.length > 0;
    // Everything that can fail on the data fails here, before any file is written.
    const rows = normalizeRows(table, columns, batch.rows, primaryKey, merge);
    JSON.stringify(batch.state);
    const meta = await this.readMeta(table);
    if (!meta || columns.some((c) => !meta.columns.some((m) => m.name === c.name && m.type === c.type))) {
      await this.ensureTable(table, columns, primaryKey);
    }
    const first = batch.rows[0]?._run_id;
    const runId = safeRunId(
      typeof first === "string" ? first : (batch.state.inProgress?.runId ?? batch.state.lastRunId ?? "run"),
    );
    if (rows.length > 0) await this.writePart(table, runId, columns, rows);
    if (batch.markDeleted) await this.writeRemovals(table, runId, batch.markDeleted);
    await this.writeState(batch.state);
  }

  private async writePart(
    table: string,
    runId: string,
    columns: readonly Column[],
    rows: Row[],
  ): Promise<void> {
    const path = await this.nextPartPath(table, runId);
    if (this.format === "csv") {
      await writeDurable(path, csvLines(columns, rows, true));
      return;
    }
    const jsonl = rows
      .map((r) => JSON.stringify(r))
      .join("\n")
      .concat("\n");
    if (this.format === "jsonl") {
      await writeDurable(path, jsonl);
      return;
    }
    const src = tmpName(`${path}.src.jsonl`);
    try {
      await writeDurable(src, jsonl);
      const spec = columns.map((c) => `${sqlString(c.name)}: ${sqlString(c.type)}`).join(", ");
      const select = columns.map((c) => quoteIdent(c.name)).join(", ");
      await this.copyTo(
        `SELECT ${select} FROM read_json(${sqlString(src)}, format = 'newline_delimited', columns = {${spec}}, maximum_object_size = 268435456)`,
        path,
      );
    } finally {
      await unlink(src).catch(() => {});
    }
  }

  /** `COPY (select) TO` a temp file in this format, then fsync and rename to `path`; returns the row count. */
  private async copyTo(select: string, path: string): Promise<number> {
    const tmp = tmpName(path);
    const options =
      this.format === "parquet"
        ? "FORMAT PARQUET"
        : this.format === "csv"
          ? `FORMAT CSV, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"', NULLSTR ''`
          : "FORMAT JSON";
    try {
      const n = await this.duckQuery(`COPY (${select}) TO ${sqlString(tmp)} (${options})`);
      const count = Number(n[0]?.Count ?? 0);
      if (count === 0) {
        await unlink(tmp).catch(() => {});
        return 0;
      }
      await fsyncFile(tmp);
      await rename(tmp, path);
      await fsyncDir(dirname(path));
      return count;
    } catch (err) {
      await unlink(tmp).catch(() => {});
      throw err;
    }
  }

  private async writeRemovals(
    table: string,
    runId: string,
    m: NonNullable<Parameters<Target["commit"]>[0]["markDeleted"]>,
  ): Promise<void> {
    const meta = await this.readMeta(table);
    if (!meta) return;
    const cols = new Set(meta.columns.map((c) => c.name));
    for (const needed of [m.parentColumn, "_run_id", "_deleted_at"]) {
      if (!cols.has(needed))
        throw new ConfigError(`Cannot record removals in table ${table}: it has no column ${needed}.`);
    }
    const current = await this.currentRowsSql(table, meta);
    if (!current) return;
    const at = `CAST(${sqlString(m.at.toISOString())} AS TIMESTAMPTZ)`;
    const replaced = meta.columns.map((c) => {
      if (c.name === "_deleted_at") return `${at} AS "_deleted_at"`;
      if (c.name === "_extracted_at") return `greatest("_extracted_at", ${at}) AS "_extracted_at"`;
      return quoteIdent(c.name);
    });
    const removed = `SELECT ${replaced.join(", ")} FROM (${current}) WHERE CAST(${quoteIdent(m.parentColumn)} AS VARCHAR) = ${sqlString(m.parentId)} AND "_run_id" IS DISTINCT FROM ${sqlString(m.seenRunId)} AND "_deleted_at" IS NULL`;
    await this.copyTo(this.exportSelect(meta, removed), await this.nextPartPath(table, runId));
  }

  /** The reader over `files` with every column of `meta` typed (NULL where a part lacks it) plus `__ks_file`. */
  private async sourceSql(meta: TableMeta, files: string[]): Promise<string> {
    const list = `[${files.map(sqlString).join(", ")}]`;
    if (this.format === "jsonl") {
      const spec = meta.columns.map((c) => `${sqlString(c.name)}: ${sqlString(c.type)}`).join(", ");
      return `read_json(${list}, format = 'newline_delimited', columns = {${spec}}, filename = '__ks_file', maximum_object_size = 268435456)`;
    }
    const reader =
      this.format === "csv"
        ? `read_csv(${list}, header = true, delim = ',', quote = '"', escape = '"', all_varchar = true, union_by_name = true, allow_quoted_nulls = false, max_line_size = 268435456, filename = '__ks_file')`
        : `read_parquet(${list}, union_by_name = true, filename = '__ks_file')`;
    const described = await this.duckQuery(`DESCRIBE SELECT * FROM ${reader}`);
    const present = new Set(described.map((r) => String(r.column_name)));
    const typed = meta.columns.map((c) =>
      present.has(c.name)
        ? `CAST(${quoteIdent(c.name)} AS ${c.type}) AS ${quoteIdent(c.name)}`
        : `CAST(NULL AS ${c.type}) AS ${quoteIdent(c.name)}`,
    );
    return `(SELECT ${typed.join(", ")}, "__ks_file" FROM ${reader})`;
  }

  /** SQL for the table's current rows (dedupe by primary key), or undefined when it has no parts. */
  private async currentRowsSql(
    table: string,
    meta: TableMeta,
    files?: string[],
  ): Promise<string | undefined> {
    const list = files ?? (await this.parts(table));
    if (list.length === 0) return undefined;
    const src = await this.sourceSql(meta, list);
    const names = meta.columns.map((c) => quoteIdent(c.name)).join(", ");
    if (meta.primaryKey.length === 0) return `SELECT ${names} FROM ${src}`;
    const order = meta.columns.some((c) => c.name === "_extracted_at")
      ? `"_extracted_at" DESC NULLS LAST, "__ks_file" DESC`
      : `"__ks_file" DESC`;
    return `SELECT ${names} FROM (SELECT *, row_number() OVER (PARTITION BY ${meta.primaryKey.map(quoteIdent).join(", ")} ORDER BY ${order}) AS "__ks_rn" FROM ${src}) WHERE "__ks_rn" = 1`;
  }

  /** Wraps typed rows into the shape this format stores (ISO 8601 UTC text for timestamps in jsonl/csv, JSON text in csv). */
  private exportSelect(meta: TableMeta, typed: string): string {
    if (this.format === "parquet") return typed;
    const cols = meta.columns.map(
      (c) => `${textFor(c.type, quoteIdent(c.name), this.format)} AS ${quoteIdent(c.name)}`,
    );
    return `SELECT ${cols.join(", ")} FROM (${typed})`;
  }

  /** Rewrites a table's parts into one deduplicated part; returns the rows it holds. */
  async compact(table: string): Promise<number> {
    const meta = await this.readMeta(table);
    const files = await this.parts(table);
    if (!meta || files.length === 0) return 0;
    const current = await this.currentRowsSql(table, meta, files);
    if (!current) return 0;
    const stamp = new Date().toISOString().replace(/[-:.]/g, "");
    const path = join(this.tableDir(table), `part-compacted-${stamp}-000000.${this.ext}`);
    const n = await this.copyTo(this.exportSelect(meta, current), path);
    for (const f of files) if (f !== path) await unlink(f);
    await fsyncDir(this.tableDir(table));
    return n;
  }

  async swap(table: string, staging: string, state: StreamState): Promise<void> {
    const dir = this.tableDir(table);
    const stagingDir = this.tableDir(staging);
    await this.tableLock.run(async () => {
      if (!(await exists(stagingDir))) {
        throw new Error(
          `Cannot replace table ${table}: its staging table ${staging} does not exist in ${this.dir}.`,
        );
      }
      if ((await this.parts(staging)).length > 1) await this.compact(staging);
      const old = join(this.dir, `.${table}.old-${Date.now().toString(36)}`);
      const hadTable = await exists(dir);
      if (hadTable) await rename(dir, old);
      await rename(stagingDir, dir);
      await fsyncDir(this.dir);
      this.forget(table);
      this.forget(staging);
      await this.writeState(state);
      if (hadTable) await rm(old, { recursive: true, force: true });
    });
  }

  private forget(table: string): void {
    this.metas.delete(table);
    for (const key of [...this.seqs.keys()]) if (key.startsWith(`${table}\u0000`)) this.seqs.delete(key);
  }

  async dropTable(table: string): Promise<void> {
    const dir = this.tableDir(table);
    await this.tableLock.run(async () => {
      await rm(dir, { recursive: true, force: true });
      this.forget(table);
    });
  }

  /** Distinct primary keys across the table's parts (all rows when it has no key). */
  async count(table: string): Promise<number> {
    const meta = await this.readMeta(table);
    const files = await this.parts(table);
    if (!meta || files.length === 0) return 0;
    const src = await this.sourceSql(meta, files);
    const keys =
      meta.primaryKey.length > 0
        ? `SELECT DISTINCT ${meta.primaryKey.map(quoteIdent).join(", ")} FROM ${src}`
        : `SELECT 1 FROM ${src}`;
    const r = await this.duckQuery(`SELECT count(*)::BIGINT AS n FROM (${keys})`);
    return Number(r[0]?.n ?? 0);
  }

  /**
   * The table's current rows (deduplicated as described above) ordered by primary key, in a
   * portable form: timestamps as ISO 8601 UTC strings (microseconds), dates as YYYY-MM-DD, BIGINT
   * as numbers, JSON parsed.
   */
  async readRows(table: string): Promise<Row[]> {
    const meta = await this.readMeta(table);
    if (!meta) return [];
    const current = await this.currentRowsSql(table, meta);
    if (!current) return [];
    const cols = meta.columns.map(
      (c) => `${textFor(c.type, quoteIdent(c.name), "csv")} AS ${quoteIdent(c.name)}`,
    );
    const order = meta.primaryKey.length > 0 ? ` ORDER BY ${meta.primaryKey.map(quoteIdent).join(", ")}` : "";
    const rows = await this.duckQuery(`SELECT ${cols.join(", ")} FROM (${current})${order}`);
    return rows.map((row) => {
      const out: Row = {};
      for (const c of meta.columns) {
        const v = row[c.name] ?? null;
        if (v !== null && c.type === "JSON") out[c.name] = JSON.parse(String(v));
        else if (v !== null && c.type === "BIGINT") {
          const n = Number(v);
          out[c.name] = Number.isSafeInteger(n) ? n : String(v);
        } else if (v !== null && c.type === "DOUBLE") out[c.name] = Number(v);
        else out[c.name] = v;
      }
      return out;
    });
  }

  private async duckQuery(sql: string): Promise<Record<string, unknown>[]> {
    return this.duckLock.run(async () => {
      if (!this.duck) {
        const instance = await DuckDBInstance.create(":memory:");
        const conn = await instance.connect();
        await conn.run("SET TimeZone = 'UTC'");
        this.duck = { instance, conn };
      }
      const r = await this.duck.conn.runAndReadAll(sql);
      return r.getRowObjectsJson() as Record<string, unknown>[];
    });
  }
}

/** SQL turning a typed column into what jsonl/csv files store. */
function textFor(type: ColumnType, col: string, format: FileFormat): string {
  switch (type) {
    case "TIMESTAMPTZ":
      return `strftime(${col} AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%fZ')`;
    case "DATE":
      return `strftime(${col}, '%Y-%m-%d')`;
    case "JSON":
      return format === "csv" ? `CAST(${col} AS VARCHAR)` : col;
    default:
      return col;
  }
}

/** A file target writing `format` parts under `dir` (see the module comment for layout and semantics). */
export function createFileTarget(dir: string, options: FileTargetOptions): FileTarget {
  return new FileTarget(dir, options);
}
