/** Messages for models: failed SQL and missing columns. */
import { ConfigError } from "../../client/errors.js";
import { closest, listQuoted } from "../../config/suggest.js";

/** The first non-empty line of a SQL text, shortened for messages. */
export function firstLine(sql: string): string {
  const line =
    sql
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? "";
  return line.length > 100 ? `${line.slice(0, 97)}...` : line;
}

/** A database message on one line, without DuckDB's `LINE 1: ...` excerpt. */
export function databaseMessage(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  const cut = raw.split(/\n\s*\nLINE \d+:|\nLINE \d+:/)[0] ?? raw;
  return cut
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .join(" ")
    .replace(/[.\s]+$/, "");
}

/** A ConfigError for model SQL the database refused (or that failed while running). */
export function sqlError(where: string, sql: string, err: unknown, position?: string): ConfigError {
  const at = position ? ` (at ${position} of the SQL)` : "";
  const msg = databaseMessage(err);
  const end = /[?!]$/.test(msg) ? "" : ".";
  return new ConfigError(
    `The model query failed in ${where}${at}: ${msg}${end} The query starts: ${firstLine(sql)}`,
    { cause: err },
  );
}

/**
 * Throws a ConfigError when the model lacks a primary key column (or another needed column),
 * naming the missing one, a close match and the columns the model has.
 */
export function checkColumns(
  columns: readonly string[],
  needed: { primaryKey?: readonly string[]; requiredColumns?: readonly string[] },
  what: string,
): void {
  const has = listQuoted(columns);
  const near = (name: string): string => {
    const exact = columns.find((c) => c.toLowerCase() === name.toLowerCase());
    const match = exact ?? closest(name, columns);
    return match === undefined ? "" : ` Did you mean "${match}"?`;
  };
  for (const key of needed.primaryKey ?? []) {
    if (!columns.includes(key)) {
      throw new ConfigError(
        `${what} has no column "${key}", which the primary key names.${near(key)} Its columns are ${has || "(none)"}. Select the column in the model or fix primary_key.`,
      );
    }
  }
  for (const col of needed.requiredColumns ?? []) {
    if (!columns.includes(col)) {
      throw new ConfigError(
        `${what} has no column "${col}", which the mapping reads.${near(col)} Its columns are ${has || "(none)"}. Select the column in the model or fix the mapping.`,
      );
    }
  }
}
