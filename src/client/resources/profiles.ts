import type { BaseClient } from "../client.js";
import { KlaviyoError } from "../errors.js";
import type { ItemOf } from "../typed.js";
import { type DataOf, methods } from "./shared.js";

/** A profile bulk import job as `GET /api/profile-bulk-import-jobs/{job_id}` returns it. */
export type BulkImportJob = DataOf<"get_bulk_import_profiles_job">;
/** One rejected profile of a bulk import job. */
export type ImportError = ItemOf<"get_errors_for_bulk_import_profiles_job">;

export interface WaitForBulkImportJobOptions {
  /** First wait between polls, ms; grows ×1.5 per poll. Default 500. */
  pollIntervalMs?: number;
  /** Longest wait between polls, ms. Default 10 s. */
  maxIntervalMs?: number;
  /** Give up after this long, ms. Default 30 min. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called with the job after every poll. */
  onProgress?(job: BulkImportJob): void;
}

export interface BulkImportJobResult {
  /** The finished job (`complete` or `cancelled`), with its counts. */
  job: BulkImportJob;
  /** Every per-profile failure, across all pages. */
  errors: ImportError[];
}

/** A bulk import job did not finish in time. It keeps running in Klaviyo; wait again later. */
export class BulkImportJobTimeoutError extends KlaviyoError {
  constructor(
    readonly jobId: string,
    readonly jobStatus: string,
    waitedMs: number,
  ) {
    super(
      `Profile bulk import job ${jobId} is still ${jobStatus} after ${Math.round(waitedMs / 1000)} s. It keeps running in Klaviyo: call waitForBulkImportJob("${jobId}") again, or raise timeoutMs.`,
      {
        operationId: "get_bulk_import_profiles_job",
        method: "GET",
        path: `/api/profile-bulk-import-jobs/${jobId}`,
      },
    );
  }
}

const FINISHED: ReadonlySet<string> = new Set(["complete", "cancelled"]);

/** Profiles, merges and bulk imports. */
export function profilesResource(client: BaseClient) {
  const m = methods(client);
  const getBulkImportJob = m.get("get_bulk_import_profiles_job", "job_id");
  const importErrors = m.listOf("get_errors_for_bulk_import_profiles_job");

  /**
   * Polls a bulk import job until it is `complete` or `cancelled` (backing off from
   * `pollIntervalMs` by ×1.5 up to `maxIntervalMs`), then reads every import error. Throws
   * `BulkImportJobTimeoutError` after `timeoutMs`. Waits on the client's clock.
   */
  async function waitForBulkImportJob(
    jobId: string,
    options: WaitForBulkImportJobOptions = {},
  ): Promise<BulkImportJobResult> {
    const { clock } = client.core.config;
    const {
      signal,
      onProgress,
      pollIntervalMs = 500,
      maxIntervalMs = 10_000,
      timeoutMs = 30 * 60_000,
    } = options;
    const requestOptions = signal === undefined ? {} : { signal };
    const started = clock.now();
    let interval = pollIntervalMs;
    for (;;) {
      const { data: job } = await getBulkImportJob(jobId, undefined, requestOptions);
      onProgress?.(job);
      if (FINISHED.has(job.attributes.status)) {
        const errors = await importErrors(jobId, { "page[size]": 100 }, requestOptions).toArray();
        return { job, errors };
      }
      const remaining = started + timeoutMs - clock.now();
      if (remaining <= 0)
        throw new BulkImportJobTimeoutError(jobId, job.attributes.status, clock.now() - started);
      await clock.sleep(Math.min(interval, remaining), signal);
      interval = Math.min(interval * 1.5, maxIntervalMs);
    }
  }

  return {
    list: m.list("get_profiles"),
    get: m.get("get_profile"),
    create: m.create("create_profile"),
    update: m.update("update_profile"),
    /** Creates or updates by identifier (`POST /api/profile-import`): 201 created, 200 updated. */
    createOrUpdate: m.create("create_or_update_profile"),
    /** Merges source profiles into a destination profile. */
    merge: m.create("merge_profiles"),
    /** Starts a bulk import job (up to 10,000 profiles, 5 MB). Accepted is not imported: wait for it. */
    bulkImport: m.create("bulk_import_profiles"),
    getBulkImportJob,
    listBulkImportJobs: m.list("get_bulk_import_profiles_jobs"),
    /** The per-profile failures of a bulk import job. */
    importErrors,
    waitForBulkImportJob,
  };
}
