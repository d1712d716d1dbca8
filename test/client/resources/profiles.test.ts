import { describe, expect, it } from "vitest";
import { KlaviyoError } from "../../../src/client/errors.js";
import { type BulkImportJob, BulkImportJobTimeoutError } from "../../../src/client/resources/index.js";
import type { Clock } from "../../../src/client/types.js";
import type { LoopbackReply, RecordedRequest } from "../../helpers/loopback.js";
import { useHarness } from "./harness.js";

/** A clock whose `sleep` moves `now()` forward at once and records the wait. */
class InstantClock implements Clock {
  private t = 1_700_000_000_000;
  readonly sleeps: number[] = [];
  now(): number {
    return this.t;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.sleeps.push(ms);
    this.t += ms;
  }
}

type Status = BulkImportJob["attributes"]["status"];

function jobDoc(req: RecordedRequest, base: string, status: Status, failed = 0): LoopbackReply {
  return {
    status: 200,
    body: {
      data: {
        type: "profile-bulk-import-job",
        id: "job1",
        attributes: {
          status,
          created_at: "2024-05-01T10:00:00+00:00",
          total_count: 10,
          completed_count: status === "complete" ? 10 - failed : 0,
          failed_count: failed,
        },
        links: { self: `${base}${req.pathname}` },
      },
      links: { self: `${base}${req.pathname}` },
    },
  };
}

const importError = (n: number) => ({
  type: "import-error",
  id: `err${n}`,
  attributes: {
    code: "invalid",
    title: "Invalid input.",
    detail: `profile ${n}: invalid email`,
    source: { pointer: `/data/attributes/profiles/data/${n}/attributes/email` },
  },
});

describe("profiles.waitForBulkImportJob", () => {
  const clock = new InstantClock();
  const h = useHarness({ clock });

  it("polls queued → processing → complete, then returns every import error across pages", async () => {
    clock.sleeps.length = 0;
    const statuses: Status[] = ["queued", "processing", "complete"];
    let polls = 0;
    h.handle((req) => {
      if (req.operationId === "get_bulk_import_profiles_job") {
        return jobDoc(req, h.server.url, statuses[Math.min(polls++, statuses.length - 1)] ?? "complete", 3);
      }
      if (req.operationId === "get_errors_for_bulk_import_profiles_job") {
        const self = `${h.server.url}${req.url}`;
        if (req.query.get("page[cursor]") === null) {
          return {
            status: 200,
            body: {
              data: [importError(0), importError(1)],
              links: {
                self,
                next: `${h.server.url}/api/profile-bulk-import-jobs/job1/import-errors?page%5Bsize%5D=100&page%5Bcursor%5D=c2`,
              },
            },
          };
        }
        return { status: 200, body: { data: [importError(7)], links: { self } } };
      }
      throw new Error(`unexpected ${req.method} ${req.url}`);
    });

    const seen: Status[] = [];
    const result = await h.resources.profiles.waitForBulkImportJob("job1", {
      onProgress: (job) => seen.push(job.attributes.status),
    });

    expect(seen).toEqual(["queued", "processing", "complete"]);
    expect(result.job.attributes.status).toBe("complete");
    expect(result.job.attributes.failed_count).toBe(3);
    expect(result.errors.map((e) => e.id)).toEqual(["err0", "err1", "err7"]);
    expect(result.errors[2]?.attributes.source.pointer).toBe(
      "/data/attributes/profiles/data/7/attributes/email",
    );
    // 500 ms, then ×1.5.
    expect(clock.sleeps).toEqual([500, 750]);
    expect(h.server.requests.map((r) => [r.method, r.pathname, Object.fromEntries(r.query)])).toEqual([
      ["GET", "/api/profile-bulk-import-jobs/job1", {}],
      ["GET", "/api/profile-bulk-import-jobs/job1", {}],
      ["GET", "/api/profile-bulk-import-jobs/job1", {}],
      ["GET", "/api/profile-bulk-import-jobs/job1/import-errors", { "page[size]": "100" }],
      [
        "GET",
        "/api/profile-bulk-import-jobs/job1/import-errors",
        { "page[size]": "100", "page[cursor]": "c2" },
      ],
    ]);
  });

  it("stops on a cancelled job too", async () => {
    h.handle((req) =>
      req.operationId === "get_bulk_import_profiles_job"
        ? jobDoc(req, h.server.url, "cancelled")
        : { status: 200, body: { data: [], links: { self: `${h.server.url}${req.url}` } } },
    );
    const result = await h.resources.profiles.waitForBulkImportJob("job1");
    expect(result.job.attributes.status).toBe("cancelled");
    expect(result.errors).toEqual([]);
  });

  it("backs off ×1.5 up to maxIntervalMs and times out with a clear error naming the job", async () => {
    clock.sleeps.length = 0;
    const started = clock.now();
    h.handle((req) => jobDoc(req, h.server.url, "processing"));
    const wait = h.resources.profiles.waitForBulkImportJob("job1", {
      pollIntervalMs: 500,
      maxIntervalMs: 1_000,
      timeoutMs: 5_000,
    });
    await expect(wait).rejects.toBeInstanceOf(BulkImportJobTimeoutError);
    await expect(wait).rejects.toBeInstanceOf(KlaviyoError);
    await expect(wait).rejects.toThrow(/job job1 is still processing after 5 s/);
    const error = (await wait.catch((e: unknown) => e)) as BulkImportJobTimeoutError;
    expect(error.jobId).toBe("job1");
    expect(error.jobStatus).toBe("processing");
    expect(clock.sleeps).toEqual([500, 750, 1000, 1000, 1000, 750]);
    expect(clock.now() - started).toBe(5_000);
    // One poll at the start and one after every sleep; no import-errors read.
    expect(h.server.requests.every((r) => r.operationId === "get_bulk_import_profiles_job")).toBe(true);
    expect(h.server.requests).toHaveLength(7);
  });

  it("uses the defaults: 500 ms growing to 10 s, 30 minutes in all", async () => {
    clock.sleeps.length = 0;
    const started = clock.now();
    h.handle((req) => jobDoc(req, h.server.url, "queued"));
    await expect(h.resources.profiles.waitForBulkImportJob("job1")).rejects.toThrow(
      /still queued after 1800 s/,
    );
    expect(clock.now() - started).toBe(30 * 60_000);
    expect(Math.max(...clock.sleeps)).toBe(10_000);
    expect(clock.sleeps.slice(0, 3)).toEqual([500, 750, 1125]);
  });

  it("stops when the signal aborts", async () => {
    h.handle((req) => jobDoc(req, h.server.url, "processing"));
    const controller = new AbortController();
    const wait = h.resources.profiles.waitForBulkImportJob("job1", {
      signal: controller.signal,
      onProgress: () => controller.abort(new Error("stopped by test")),
    });
    await expect(wait).rejects.toThrow("stopped by test");
    expect(h.server.requests).toHaveLength(1);
  });
});
