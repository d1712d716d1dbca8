/** The model interface every source implements. */
import type { ModelRow } from "../types.js";
import type { ModelReject } from "./csv.js";

export type { ModelReject } from "./csv.js";

export interface ModelRejects {
  /** Lines rejected by the last completed pass over the model. */
  count: number;
  /** The first of them (up to the limit asked for), by line. */
  rows: ModelReject[];
}

export interface Model {
  /** Where the rows come from, safe to print (`duckdb:./w.duckdb`, `postgres://u:***@h/db`, `file:./x.csv`). */
  readonly description: string;
  /** Things the user should know about how the model was read (e.g. a file read as Latin-1). */
  readonly notices: readonly string[];
  /** Column names, in order (duplicates renamed `name_2`, ...). */
  columns(): Promise<string[]>;
  /** Streams the rows in batches of at most `batchSize`; each call is a new pass over the model. */
  rows(batchSize: number): AsyncIterable<ModelRow[]>;
  /**
   * CSV lines left out of the last completed pass (ragged rows, bad quoting, bad encoding), to be
   * reported as invalid rows; always empty for other sources.
   */
  rejects(limit?: number): Promise<ModelRejects>;
  close(): Promise<void>;
}

/** Names made unique and non-empty: the second `email` becomes `email_2`, an empty one `column3`. */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((raw, i) => {
    const base = raw.trim() === "" ? `column${i + 1}` : raw;
    let name = base;
    for (let n = 2; seen.has(name); n++) name = `${base}_${n}`;
    seen.add(name);
    return name;
  });
}
