/**
 * Consent and suppression jobs, and data-privacy deletion.
 *
 * Every request is validated synchronously (a bad request is a 400 and changes nothing); the
 * effect is applied as a job that completes `SUBSCRIPTION_JOB_COMPLETE_MS` after the request on
 * emulator time (processing after `SUBSCRIPTION_JOB_PROCESSING_MS`), so a client that reads
 * straight after a 202 may still see the old state, as with Klaviyo. Subscribe, unsubscribe and
 * deletion have no status endpoint; suppress/unsuppress jobs are readable while they run.
 *
 * Rules: subscribe creates missing profiles, sets consent SUBSCRIBED with `consented_at`
 * (`historical_import` requires it in the past; without the flag it is rejected), adds list
 * membership when a list is given, and lifts `UNSUBSCRIBE` and `USER_SUPPRESSED` suppressions
 * (never hard bounces, spam complaints or invalid emails). Unsubscribe with a list unsubscribes
 * that list's members from the list only (a list suppression) and everyone else globally.
 * Suppress adds `USER_SUPPRESSED` (creating the profile for an unknown email); unsuppress lifts
 * only `USER_SUPPRESSED`. Deletion removes the matching profile and all its memberships.
 */
import { pageSize, paginateRows } from "../jsonapi.js";
import { accepted, bodyData, collection, single } from "../render.js";
import { iso } from "../store/ids.js";
import type { ProfileRecord } from "../store/profiles.js";
import type { EmulatorStore, JobRecord } from "../store/store.js";
import { ApiError, type EmuRequest, type Handler, invalid, notFound } from "../types.js";
import {
  addListMember,
  createProfileRecord,
  deleteProfile,
  isE164,
  isValidEmail,
  upsertProfile,
} from "./profiles.js";

export const SUBSCRIBE_MAX_PROFILES = 1000;
export const UNSUBSCRIBE_MAX_PROFILES = 100;
export const SUPPRESSION_MAX_EMAILS = 100;
/** Emulator timing of subscription, suppression and deletion jobs (ms after the request). */
export const SUBSCRIPTION_JOB_PROCESSING_MS = 5;
export const SUBSCRIPTION_JOB_COMPLETE_MS = 20;

/** Suppressions a subscribe lifts. */
const SUBSCRIBE_LIFTS: ReadonlySet<string> = new Set(["UNSUBSCRIBE", "USER_SUPPRESSED"]);

const SUPPRESS_JOB = "profile-suppression-bulk-create-job";
const UNSUPPRESS_JOB = "profile-suppression-bulk-delete-job";

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** `obj.a.b.c` for unknown JSON. */
function at(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const k of path) {
    if (!isRecord(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

const text = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;

function listFromBody(store: EmulatorStore, req: EmuRequest, rel: "list" | "segment"): string | undefined {
  const id = at(req.body, "data", "relationships", rel, "data", "id");
  if (id === undefined || id === null) return undefined;
  const sid = String(id);
  const exists = rel === "list" ? store.lists.has(sid) : store.segments.has(sid);
  if (!exists)
    throw new ApiError(404, "not_found", "Not found.", `A ${rel} with id ${sid} does not exist.`, {
      pointer: `/data/relationships/${rel}/data/id`,
    });
  return sid;
}

function profileEntries(req: EmuRequest): unknown[] {
  const data = at(req.body, "data", "attributes", "profiles", "data");
  return Array.isArray(data) ? data : [];
}

function checkIdentifiers(a: unknown, pointer: string): { email?: string; phone?: string } {
  const email = text(at(a, "email"));
  const phone = text(at(a, "phone_number"));
  if (email !== undefined && !isValidEmail(email))
    throw invalid(`Invalid email address: ${JSON.stringify(email)}.`, {
      pointer: `${pointer}/attributes/email`,
    });
  if (phone !== undefined && !isE164(phone))
    throw invalid(`Invalid phone number ${JSON.stringify(phone)}: use E.164 format, e.g. +15005550006.`, {
      pointer: `${pointer}/attributes/phone_number`,
    });
  return { ...(email ? { email } : {}), ...(phone ? { phone } : {}) };
}

function tooMany(n: number, max: number, what: string, pointer: string): void {
  if (n > max)
    throw invalid(
      `This endpoint accepts at most ${max} ${what} per request; got ${n}. Send them in batches.`,
      {
        pointer,
      },
    );
}

function scheduleJob(
  store: EmulatorStore,
  now: number,
  job: Omit<JobRecord, "created" | "processingAt" | "completeAt">,
) {
  return store.addJob({
    ...job,
    created: now,
    processingAt: now + SUBSCRIPTION_JOB_PROCESSING_MS,
    completeAt: now + SUBSCRIPTION_JOB_COMPLETE_MS,
  });
}

interface SubscribePlan {
  id?: string;
  email?: string;
  phone?: string;
  emailMarketing?: number | null;
  smsMarketing?: number | null;
  smsTransactional?: number | null;
}

/** Validates one channel's `consented_at`: its epoch ms, null when absent. */
function consentedAt(params: unknown, historical: boolean, now: number, pointer: string): number | null {
  const raw = at(params, "consented_at");
  if (raw === undefined || raw === null) {
    if (historical)
      throw invalid("consented_at is required when historical_import is true.", {
        pointer: `${pointer}/consented_at`,
      });
    return null;
  }
  if (!historical)
    throw invalid("consented_at can only be sent with historical_import: true.", {
      pointer: `${pointer}/consented_at`,
    });
  const ms = Date.parse(String(raw));
  if (Number.isNaN(ms))
    throw invalid("consented_at must be an ISO 8601 date-time.", { pointer: `${pointer}/consented_at` });
  if (ms > now)
    throw invalid("consented_at must be in the past for a historical import.", {
      pointer: `${pointer}/consented_at`,
    });
  return ms;
}

function resolveProfile(store: EmulatorStore, plan: { id?: string; email?: string; phone?: string }) {
  return (
    (plan.id ? store.profiles.get(plan.id) : undefined) ??
    (plan.email ? store.profiles.byEmailAddress(plan.email) : undefined) ??
    (plan.phone ? store.profiles.byPhoneNumber(plan.phone) : undefined)
  );
}

/** Finds or creates the profile of a subscribe entry; identifiers held by others are not moved. */
function subscribeTarget(store: EmulatorStore, plan: SubscribePlan, now: number): ProfileRecord {
  const found = resolveProfile(store, plan);
  const attrs: Record<string, unknown> = {};
  if (plan.email && !store.profiles.byEmailAddress(plan.email)) attrs.email = plan.email;
  if (plan.phone && !store.profiles.byPhoneNumber(plan.phone)) attrs.phone_number = plan.phone;
  if (found) {
    if (Object.keys(attrs).length > 0) {
      const res = upsertProfile(store, { id: found.id, attributes: attrs }, now);
      if (res.ok) return res.profile;
    }
    return found;
  }
  if (plan.email && !attrs.email) attrs.email = plan.email;
  return createProfileRecord(store, attrs, undefined, now);
}

function renderSuppressionJob(store: EmulatorStore, req: EmuRequest, job: JobRecord) {
  const status = store.jobState(job);
  const done = status === "complete";
  const skipped = Number(job.extra?.skipped ?? 0);
  const segmentIds = (job.extra?.segmentIds as string[] | undefined) ?? [];
  const path =
    job.type === SUPPRESS_JOB
      ? "profile-suppression-bulk-create-jobs"
      : "profile-suppression-bulk-delete-jobs";
  const self = `${req.origin}/api/${path}/${encodeURIComponent(job.id)}`;
  const attributes: Record<string, unknown> = {
    status,
    created_at: iso(job.created),
    total_count: job.total,
    completed_count: done ? job.total - skipped : 0,
    completed_at: done ? iso(job.completeAt) : null,
    skipped_count: done ? skipped : 0,
  };
  const fields = req.query.get(`fields[${job.type}]`);
  if (fields) {
    const keep = new Set(fields.split(",").map((s) => s.trim()));
    for (const k of Object.keys(attributes)) if (!keep.has(k)) delete attributes[k];
  }
  return {
    type: job.type,
    id: job.id,
    attributes,
    relationships: {
      lists: {
        data: job.listIds.map((id) => ({ type: "list", id })),
        links: { self: `${self}/relationships/lists`, related: `${self}/lists` },
      },
      segments: {
        data: segmentIds.map((id) => ({ type: "segment", id })),
        links: { self: `${self}/relationships/segments`, related: `${self}/segments` },
      },
    },
    links: { self },
  };
}

function suppressionJob(
  store: EmulatorStore,
  req: EmuRequest,
  type: typeof SUPPRESS_JOB | typeof UNSUPPRESS_JOB,
) {
  const entries = at(req.body, "data", "attributes", "profiles", "data");
  const list = listFromBody(store, req, "list");
  const segment = listFromBody(store, req, "segment");
  const given = [Array.isArray(entries), list !== undefined, segment !== undefined].filter(Boolean).length;
  if (given !== 1)
    throw invalid(
      "Give exactly one of: profiles (by email), a list relationship or a segment relationship.",
      {
        pointer: "/data",
      },
    );
  let emails: string[] = [];
  if (Array.isArray(entries)) {
    tooMany(entries.length, SUPPRESSION_MAX_EMAILS, "email addresses", "/data/attributes/profiles/data");
    emails = entries.map((e, i) => {
      const pointer = `/data/attributes/profiles/data/${i}`;
      const email = text(at(e, "attributes", "email"));
      if (!email) throw invalid("Each profile needs an email.", { pointer: `${pointer}/attributes/email` });
      checkIdentifiers(at(e, "attributes"), pointer);
      return email.toLowerCase();
    });
  } else {
    const members =
      (list ? store.listMembers.get(list) : store.segmentMembers.get(segment ?? "")) ?? new Map();
    for (const id of members.keys()) {
      const email = store.profiles.get(id)?.email;
      if (email) emails.push(email);
    }
  }
  emails = [...new Set(emails)];
  const job: JobRecord = scheduleJob(store, req.now, {
    id: store.ids.ulid(req.now),
    type,
    total: emails.length,
    errors: [],
    resultIds: [],
    listIds: list ? [list] : [],
    extra: {
      skipped: 0,
      segmentIds: segment ? [segment] : [],
      ...(list ? { listId: list } : {}),
      ...(segment ? { segmentId: segment } : {}),
    },
    apply: () => {
      const now = store.now();
      let skipped = 0;
      for (const email of emails) {
        let p = store.profiles.byEmailAddress(email);
        const e = p?.subscriptions.email;
        if (type === SUPPRESS_JOB) {
          if (e?.suppression) {
            skipped++;
            continue;
          }
          p ??= createProfileRecord(store, { email }, undefined, now);
          p.subscriptions.email.suppression = { reason: "USER_SUPPRESSED", timestamp: now };
        } else {
          if (!p || e?.suppression?.reason !== "USER_SUPPRESSED") {
            skipped++;
            continue;
          }
          p.subscriptions.email.suppression = null;
        }
        store.profiles.touch(p, now);
      }
      if (job.extra) job.extra.skipped = skipped;
    },
  });
  return single(req, renderSuppressionJob(store, req, job), 202);
}

function suppressionJobs(store: EmulatorStore, req: EmuRequest, type: string) {
  const rows: Array<{ id: string; attributes: Record<string, unknown>; job: JobRecord }> = [];
  for (const job of store.jobs.values()) {
    if (job.type !== type) continue;
    rows.push({
      id: job.id,
      attributes: {
        status: store.jobState(job),
        created: job.created,
        list_id: job.extra?.listId,
        segment_id: job.extra?.segmentId,
      },
      job,
    });
  }
  const page = paginateRows(req, rows, {
    get: (r, f) => (f === "id" ? r.id : r.attributes[f]),
    defaultSort: { field: "created", desc: false },
    size: pageSize(req, 20),
  });
  return collection(
    req,
    page.rows.map((r) => renderSuppressionJob(store, req, r.job)),
    page,
  );
}

function suppressionJobById(store: EmulatorStore, req: EmuRequest, type: string) {
  const id = req.params.job_id ?? "";
  const job = store.jobs.get(id);
  if (!job || job.type !== type) throw notFound(type, id);
  return single(req, renderSuppressionJob(store, req, job));
}

export function subscriptionHandlers(store: EmulatorStore): Record<string, Handler> {
  return {
    bulk_subscribe_profiles: (req) => {
      const entries = profileEntries(req);
      tooMany(entries.length, SUBSCRIBE_MAX_PROFILES, "profiles", "/data/attributes/profiles/data");
      const historical = at(req.body, "data", "attributes", "historical_import") === true;
      const source = text(at(req.body, "data", "attributes", "custom_source")) ?? null;
      const list = listFromBody(store, req, "list");
      const plans: SubscribePlan[] = entries.map((e, i) => {
        const pointer = `/data/attributes/profiles/data/${i}`;
        const a = at(e, "attributes");
        const ids = checkIdentifiers(a, pointer);
        const id = text(at(e, "id"));
        const existing = id ? store.profiles.get(id) : undefined;
        if (id && !existing)
          throw new ApiError(404, "not_found", "Not found.", `A profile with id ${id} does not exist.`, {
            pointer: `${pointer}/id`,
          });
        const subs = `${pointer}/attributes/subscriptions`;
        const plan: SubscribePlan = { ...ids, ...(id ? { id } : {}) };
        const em = at(a, "subscriptions", "email", "marketing");
        if (em !== undefined) {
          if (!ids.email && !existing?.email)
            throw invalid("An email is required to subscribe a profile to email marketing.", {
              pointer: `${pointer}/attributes/email`,
            });
          plan.emailMarketing = consentedAt(em, historical, req.now, `${subs}/email/marketing`);
        }
        for (const kind of ["marketing", "transactional"] as const) {
          const sms = at(a, "subscriptions", "sms", kind);
          if (sms === undefined) continue;
          if (!ids.phone && !existing?.phone_number)
            throw invalid("A phone_number is required to subscribe a profile to SMS.", {
              pointer: `${pointer}/attributes/phone_number`,
            });
          const t = consentedAt(sms, historical, req.now, `${subs}/sms/${kind}`);
          if (kind === "marketing") plan.smsMarketing = t;
          else plan.smsTransactional = t;
        }
        if (!ids.email && !ids.phone && !existing)
          throw invalid("Each profile needs an email, a phone_number or an id.", {
            pointer: `${pointer}/attributes`,
          });
        return plan;
      });
      scheduleJob(store, req.now, {
        id: store.ids.ulid(req.now),
        type: "profile-subscription-bulk-create-job",
        total: plans.length,
        errors: [],
        resultIds: [],
        listIds: list ? [list] : [],
        apply: () => {
          const now = store.now();
          for (const plan of plans) {
            const p = subscribeTarget(store, plan, now);
            const s = p.subscriptions;
            if (plan.emailMarketing !== undefined) {
              s.email.consent = "SUBSCRIBED";
              s.email.consentAt = plan.emailMarketing ?? now;
              s.email.method = "API";
              s.email.methodDetail = source;
              if (s.email.suppression && SUBSCRIBE_LIFTS.has(s.email.suppression.reason))
                s.email.suppression = null;
              if (list) s.email.listSuppressions = s.email.listSuppressions.filter((l) => l.listId !== list);
            }
            if (plan.smsMarketing !== undefined) {
              s.sms.consent = "SUBSCRIBED";
              s.sms.consentAt = plan.smsMarketing ?? now;
              s.sms.method = "API";
            }
            if (plan.smsTransactional !== undefined) s.sms.transactional = "SUBSCRIBED";
            if (list && store.lists.has(list)) addListMember(store, list, p.id, now);
            store.profiles.touch(p, now);
          }
        },
      });
      return accepted;
    },

    bulk_unsubscribe_profiles: (req) => {
      const entries = profileEntries(req);
      tooMany(entries.length, UNSUBSCRIBE_MAX_PROFILES, "profiles", "/data/attributes/profiles/data");
      const list = listFromBody(store, req, "list");
      const plans = entries.map((e, i) => {
        const pointer = `/data/attributes/profiles/data/${i}`;
        const a = at(e, "attributes");
        const ids = checkIdentifiers(a, pointer);
        const email = at(a, "subscriptions", "email", "marketing") !== undefined;
        const smsMarketing = at(a, "subscriptions", "sms", "marketing") !== undefined;
        const smsTransactional = at(a, "subscriptions", "sms", "transactional") !== undefined;
        if (email && !ids.email)
          throw invalid("An email is required to unsubscribe from email marketing.", {
            pointer: `${pointer}/attributes/email`,
          });
        if ((smsMarketing || smsTransactional) && !ids.phone)
          throw invalid("A phone_number is required to unsubscribe from SMS.", {
            pointer: `${pointer}/attributes/phone_number`,
          });
        if (!ids.email && !ids.phone)
          throw invalid("Each profile needs an email or a phone_number.", {
            pointer: `${pointer}/attributes`,
          });
        return { ...ids, email, smsMarketing, smsTransactional, emailAddress: ids.email };
      });
      scheduleJob(store, req.now, {
        id: store.ids.ulid(req.now),
        type: "profile-subscription-bulk-delete-job",
        total: plans.length,
        errors: [],
        resultIds: [],
        listIds: list ? [list] : [],
        apply: () => {
          const now = store.now();
          for (const plan of plans) {
            const p = resolveProfile(store, { email: plan.emailAddress, phone: plan.phone });
            if (!p) continue;
            const s = p.subscriptions;
            if (plan.email) {
              const member = list ? store.listMembers.get(list)?.has(p.id) === true : false;
              if (list && member) {
                s.email.listSuppressions = [
                  ...s.email.listSuppressions.filter((l) => l.listId !== list),
                  { listId: list, reason: "UNSUBSCRIBE", timestamp: now },
                ];
              } else {
                s.email.consent = "UNSUBSCRIBED";
                s.email.consentAt = now;
                s.email.method = "API";
                s.email.suppression ??= { reason: "UNSUBSCRIBE", timestamp: now };
              }
            }
            if (plan.smsMarketing) {
              s.sms.consent = "UNSUBSCRIBED";
              s.sms.consentAt = now;
              s.sms.method = "API";
            }
            if (plan.smsTransactional) s.sms.transactional = "UNSUBSCRIBED";
            store.profiles.touch(p, now);
          }
        },
      });
      return accepted;
    },

    bulk_suppress_profiles: (req) => suppressionJob(store, req, SUPPRESS_JOB),
    bulk_unsuppress_profiles: (req) => suppressionJob(store, req, UNSUPPRESS_JOB),
    get_bulk_suppress_profiles_job: (req) => suppressionJobById(store, req, SUPPRESS_JOB),
    get_bulk_unsuppress_profiles_job: (req) => suppressionJobById(store, req, UNSUPPRESS_JOB),
    get_bulk_suppress_profiles_jobs: (req) => suppressionJobs(store, req, SUPPRESS_JOB),
    get_bulk_unsuppress_profiles_jobs: (req) => suppressionJobs(store, req, UNSUPPRESS_JOB),

    request_profile_deletion: (req) => {
      const data = bodyData(req);
      const profile = at(data.attributes, "profile", "data");
      const identifier: Record<string, string> = {};
      const id = text(at(profile, "id"));
      const email = text(at(profile, "attributes", "email"));
      const phone = text(at(profile, "attributes", "phone_number"));
      if (id) identifier.id = id;
      if (email) identifier.email = email;
      if (phone) identifier.phone_number = phone;
      const n = Object.keys(identifier).length;
      if (n !== 1)
        throw invalid(
          `Identify the profile by exactly one of email, phone_number or id; got ${n === 0 ? "none" : Object.keys(identifier).join(" and ")}.`,
          { pointer: "/data/attributes/profile/data" },
        );
      const record = { at: req.now, identifier, deleted: 0 };
      store.deletionRequests.push(record);
      scheduleJob(store, req.now, {
        id: store.ids.ulid(req.now),
        type: "data-privacy-deletion-job",
        total: 1,
        errors: [],
        resultIds: [],
        listIds: [],
        apply: () => {
          const p = resolveProfile(store, { id, email, phone });
          if (!p) return;
          deleteProfile(store, p);
          record.deleted = 1;
        },
      });
      return accepted;
    },
  };
}
