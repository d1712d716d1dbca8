/** Where the load state lives unless the config says otherwise (kept free of DuckDB imports). */
export const DEFAULT_STATE_PATH = ".klaviyo-sync/state.duckdb";

/** The schema of the source database that holds the load state with `state: source`. */
export const DEFAULT_STATE_SCHEMA = "klaviyo_sync";

/** Where the snapshot, runs and locks live: a local DuckDB file, or a schema of the source database. */
export type StateLocation = { in: "file"; path: string } | { in: "source"; schema: string };
