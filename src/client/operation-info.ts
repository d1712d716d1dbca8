/** The facts about one Klaviyo API operation that the client, the emulator and the extractors share. */
export interface OperationInfo {
  /** Klaviyo's operationId, e.g. `get_profiles`. */
  readonly id: string;
  readonly method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** Path template, e.g. `/api/profiles/{id}`. */
  readonly path: string;
  /** Requests per second (burst window), per account. */
  readonly burst: number | null;
  /** Requests per minute (steady window), per account. */
  readonly steady: number | null;
  /** Requests per day, where the operation has a daily cap. */
  readonly daily: number | null;
  /** Lower limits that apply when a query parameter has a given value. */
  readonly tiers: readonly {
    readonly param: string;
    readonly value: string;
    readonly burst: number;
    readonly steady: number;
  }[];
  readonly scopes: readonly string[];
  readonly pageSize: { readonly default: number | null; readonly max: number | null } | null;
  readonly cursor: boolean;
  readonly filter: boolean;
  readonly filterRequired: boolean;
  /** Request body media type, if the operation takes a body. */
  readonly body: string | null;
  /** The success status the spec declares. */
  readonly status: number;
}
