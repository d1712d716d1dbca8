/** StateSession and staging appends on a DuckDB connection (the state file's and a DuckDB source's). */
import {
  BIGINT,
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBType,
  type DuckDBValue,
  VARCHAR,
} from "@duckdb/node-api";
import type { StageType, StageValue, StateSession } from "./backend.js";

export function duckdbSession(c: DuckDBConnection): StateSession {
  return {
    async run(sql, params = []) {
      await c.run(sql, params as DuckDBValue[]);
    },
    async all(sql, params = []) {
      const r = await c.runAndReadAll(sql, params as DuckDBValue[]);
      return r.getRowObjectsJS() as Array<Record<string, unknown>>;
    },
    async strings(sql) {
      const result = await c.stream(sql);
      const out: string[] = [];
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        for (const v of chunk.getColumnValues(0)) out.push(String(v));
      }
      return out;
    },
  };
}

const TYPES: Record<StageType, DuckDBType> = { text: VARCHAR, bigint: BIGINT };

/**
 * Appends rows to a temporary table, a column at a time, in chunks of 2,048 rows (DuckDB's vector
 * size).
 */
export async function duckdbAppend(
  c: DuckDBConnection,
  table: string,
  types: readonly StageType[],
  columns: ReadonlyArray<readonly StageValue[]>,
): Promise<void> {
  const rows = columns[0]?.length ?? 0;
  if (rows === 0) return;
  const converted = columns.map((col, i) =>
    types[i] === "bigint" ? col.map((v) => (v === null ? null : BigInt(v))) : col,
  );
  const appender = await c.createAppender(table, "main", "temp");
  const chunk = DuckDBDataChunk.create(types.map((t) => TYPES[t]));
  try {
    for (let start = 0; start < rows; start += 2048) {
      const end = Math.min(rows, start + 2048);
      chunk.reset();
      chunk.rowCount = end - start;
      chunk.setColumns(converted.map((col) => col.slice(start, end) as never[]));
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
