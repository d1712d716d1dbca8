/** Where the load state lives unless the config says otherwise (kept free of DuckDB imports). */
export const DEFAULT_STATE_PATH = ".klaviyo-sync/state.duckdb";
