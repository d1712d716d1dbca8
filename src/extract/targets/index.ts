/** Opens the target a `target:` string names (duckdb:PATH, postgres://..., file:DIR?format=...). */
import type { TargetSpec } from "../../config/values.js";
import type { Target } from "../types.js";
import { DuckDBTarget } from "./duckdb.js";
import { createFileTarget } from "./files.js";
import { createPostgresTarget } from "./postgres.js";

export function createTarget(spec: TargetSpec): Target {
  switch (spec.kind) {
    case "duckdb":
      return new DuckDBTarget(spec.path);
    case "postgres":
      return createPostgresTarget(spec.url);
    case "file":
      return createFileTarget(spec.dir, { format: spec.format });
  }
}

export { DuckDBTarget } from "./duckdb.js";
export { createFileTarget, FileTarget } from "./files.js";
export { createPostgresTarget, PostgresTarget } from "./postgres.js";
