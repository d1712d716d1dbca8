/**
 * `suppressions`: stops (or resumes) email to the model's addresses.
 *
 * - `suppress` (default): bulk suppression jobs, at most 100 emails each. Each address gets a
 *   USER_SUPPRESSED suppression (Klaviyo creates a profile for an unknown address); an address
 *   already suppressed for any reason is left as it is.
 * - `unsuppress`: bulk unsuppression jobs, at most 100 emails each. Klaviyo only lifts
 *   USER_SUPPRESSED suppressions: hard bounces, spam complaints, invalid emails and unsubscribes
 *   stay (re-subscribing with the subscriptions action lifts unsubscribes). Such addresses still
 *   count as succeeded: the job ran, and Klaviyo reports them only as a skipped count.
 *
 * Unlike subscribe jobs these jobs can be followed, so every job is polled until Klaviyo reports
 * it complete: a row succeeds only then. A cancelled job rejects its rows; a job still running
 * after 10 minutes rejects its rows too, so they are sent again next run (suppressing twice is
 * harmless). Addresses Klaviyo refuses are isolated and rejected one by one.
 */
import { chunk } from "../../../client/resources/shared.js";
import type { ActionContext, ActionDefinition, FieldSpec, LoadRow, RowOutcome } from "../../types.js";
import { isBlank } from "../../validate.js";
import {
  locateUnder,
  matchKey,
  normaliseIdentifier,
  strictOptions,
  throwIfFatal,
} from "../list_membership/common.js";
import { bisect, optionsParser } from "../shared.js";

const NAME = "suppressions";
const MODES = ["suppress", "unsuppress"] as const;

/** Klaviyo: at most 100 email addresses per suppress / unsuppress request. */
export const SUPPRESSION_EMAILS_PER_REQUEST = 100;
/** How long to follow the jobs of one batch before giving their rows back as not done. */
const JOB_TIMEOUT_MS = 10 * 60_000;
const FIRST_POLL_MS = 100;
const MAX_POLL_MS = 5000;

const PROFILES_PREFIX = "/data/attributes/profiles/data";

const optionsSchema = strictOptions({});
const options = optionsParser(NAME, MODES, optionsSchema);

const FIELDS: readonly FieldSpec[] = [
  {
    name: "email",
    type: "email",
    required: true,
    description: "The email address to suppress or unsuppress.",
  },
];

function validate(row: LoadRow, _ctx: Pick<ActionContext, "options" | "mode">): string | undefined {
  if (isBlank(row.fields.email)) return "email is missing; suppressions are made by email address";
  return normaliseIdentifier(row.fields, "email", undefined);
}

type JobStatus = "queued" | "processing" | "complete" | "cancelled";

interface SentJob {
  id: string;
  rows: LoadRow[];
  emails: number;
}

/** Polls the jobs until each is complete or cancelled, or the time is up. Job id → final status (or undefined). */
async function followJobs(
  ctx: ActionContext,
  jobs: SentJob[],
  unsuppress: boolean,
): Promise<Map<string, JobStatus>> {
  const done = new Map<string, JobStatus>();
  const request = ctx.signal ? { signal: ctx.signal } : {};
  const deadline = ctx.now() + JOB_TIMEOUT_MS;
  let wait = FIRST_POLL_MS;
  let skipped = 0;
  for (;;) {
    for (const job of jobs) {
      if (done.has(job.id)) continue;
      const res = unsuppress
        ? await ctx.client.subscriptions.getUnsuppressJob(job.id, undefined, request)
        : await ctx.client.subscriptions.getSuppressJob(job.id, undefined, request);
      const a = res.data.attributes;
      if (a.status === "complete" || a.status === "cancelled") {
        done.set(job.id, a.status);
        skipped += a.skipped_count ?? 0;
      }
    }
    if (done.size === jobs.length) break;
    const left = deadline - ctx.now();
    if (left <= 0) break;
    await ctx.sleep(Math.min(wait, left), ctx.signal);
    wait = Math.min(wait * 1.5, MAX_POLL_MS);
  }
  if (skipped > 0) {
    ctx.logger.info(
      unsuppress
        ? `${skipped} address(es) had no USER_SUPPRESSED suppression to lift (not suppressed, or suppressed for a reason unsuppress cannot lift)`
        : `${skipped} address(es) were already suppressed`,
      { sync: ctx.sync },
    );
  }
  return done;
}

async function perform(rows: LoadRow[], ctx: ActionContext): Promise<RowOutcome[]> {
  options.get(ctx.options);
  const unsuppress = ctx.mode === "unsuppress";
  const outcomes: RowOutcome[] = [];
  // One entry per address (rows repeating an address share its outcome).
  const byEmail = new Map<string, LoadRow[]>();
  for (const row of rows) {
    const reason = validate(row, ctx);
    if (reason) {
      outcomes.push({ key: row.key, status: "invalid", reason, payload: row.fields });
      continue;
    }
    const email = matchKey("email", row.fields.email as string);
    const same = byEmail.get(email);
    if (same) same.push(row);
    else byEmail.set(email, [row]);
  }
  const request = ctx.signal ? { signal: ctx.signal } : {};
  const payload = (email: string) => ({ type: "profile" as const, attributes: { email } });
  const send = async (emails: string[]): Promise<string> => {
    const profiles = { data: emails.map(payload) };
    const res = unsuppress
      ? await ctx.client.subscriptions.unsuppress(
          { data: { type: "profile-suppression-bulk-delete-job", attributes: { profiles } } },
          request,
        )
      : await ctx.client.subscriptions.suppress(
          { data: { type: "profile-suppression-bulk-create-job", attributes: { profiles } } },
          request,
        );
    return res.data.id;
  };

  const jobs: SentJob[] = [];
  for (const part of chunk([...byEmail.keys()], SUPPRESSION_EMAILS_PER_REQUEST)) {
    const result = await bisect(part, send, {
      locate: locateUnder(PROFILES_PREFIX),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    throwIfFatal(result);
    for (const sent of result.sent) {
      jobs.push({
        id: sent.result,
        rows: sent.items.flatMap((e) => byEmail.get(e) ?? []),
        emails: sent.items.length,
      });
    }
    for (const f of result.failed) {
      for (const row of byEmail.get(f.item) ?? []) {
        outcomes.push({ key: row.key, status: "rejected", reason: f.reason, payload: payload(f.item) });
      }
    }
  }
  if (jobs.length === 0) return outcomes;

  const finished = await followJobs(ctx, jobs, unsuppress);
  const what = unsuppress ? "unsuppression" : "suppression";
  for (const job of jobs) {
    const status = finished.get(job.id);
    for (const row of job.rows) {
      if (status === "complete") outcomes.push({ key: row.key, status: "succeeded" });
      else {
        outcomes.push({
          key: row.key,
          status: "rejected",
          reason:
            status === "cancelled"
              ? `Klaviyo cancelled the ${what} job ${job.id}`
              : `the ${what} job ${job.id} was still running after ${JOB_TIMEOUT_MS / 60_000} minutes; the row is sent again next run`,
          payload: payload(row.fields.email as string),
        });
      }
    }
  }
  return outcomes;
}

export const suppressionsAction: ActionDefinition = {
  name: NAME,
  description:
    "Suppresses (mode suppress, default) or unsuppresses (mode unsuppress) email addresses with Klaviyo's bulk " +
    "suppression jobs, at most 100 addresses per request, each job followed until complete. Unsuppress only " +
    "removes USER_SUPPRESSED suppressions: hard bounces, spam complaints, invalid emails and unsubscribes stay.",
  modes: MODES,
  fields: FIELDS,
  parseOptions: (raw, mode) => options.parse(raw, mode),
  limits: { maxRows: SUPPRESSION_EMAILS_PER_REQUEST },
  validate,
  perform,
};
