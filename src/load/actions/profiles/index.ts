/**
 * Action `profiles`: rows become Klaviyo profiles through bulk import jobs.
 *
 *  - `upsert` (default): creates or updates by identifier (Klaviyo's import merge rules).
 *  - `update`: only changes profiles that already exist. Existence is looked up before sending
 *    (GET /api/profiles with `any(<identifier>,[...])`, 100 values per call) and every profile is
 *    then sent with its Klaviyo id, so a profile deleted in between fails in the job instead of
 *    being created again. The job's results cannot serve: by the time they exist, the job has
 *    already created the missing profiles.
 *
 * A row counts as succeeded only once its job is `complete` and no import error names it. Import
 * errors are tied to rows by the pointer's index (checked against the error's original payload),
 * else by the original payload's identifiers; errors that match no row make every row of that
 * job prove itself by appearing among the job's imported profiles. Rows of a `cancelled` job,
 * or of a job still running at the timeout, are rejected (they are sent again next run).
 */
import { z } from "zod";
import { NotFoundError } from "../../../client/errors.js";
import type { BulkImportJob, ImportError } from "../../../client/resources/profiles.js";
import type { BodyOf } from "../../../client/typed.js";
import { filter } from "../../../filter/index.js";
import { wasValidated } from "../../engine.js";
import type {
  ActionContext,
  ActionDefinition,
  FieldSpec,
  LoadRow,
  MappedFields,
  RowOutcome,
} from "../../types.js";
import { type Check, isBlank, preview } from "../../validate.js";
import {
  batchRows,
  bisect,
  errorPointers,
  errorText,
  IDENTIFIERS,
  type Identifier,
  identifierAttributes,
  isAbort,
  isCountryOption,
  isFatal,
  jsonBytes,
  LOCATION_FIELDS,
  normalizeIdentifiers,
  optionsParser,
  PROFILE_TEXT_FIELDS,
  pointerIndex,
  presentIdentifiers,
  profileAttributes,
  type Sized,
  unknownFields,
} from "../shared.js";

type ImportBody = BodyOf<"bulk_import_profiles">;
export type ProfileResource = ImportBody["data"]["attributes"]["profiles"]["data"][number];

const MODES = ["upsert", "update"] as const;

/** Per-profile payload limit of a bulk import job. */
export const PROFILE_MAX_BYTES = 100 * 1024;
/** Room kept in each profile for the id added in `update` mode. */
const ID_ROOM = 64;
/** Values per GET /api/profiles lookup in `update` mode (the filter's list and the page size). */
export const LOOKUP_CHUNK = 100;
const PROFILES_POINTER = "/data/attributes/profiles/data";

/**
 * Job polling: the wait before the first poll (`firstMs` plus `perProfileMs` for each profile of
 * the job, so a job is not polled before it can have finished), growth, ceiling and overall
 * timeout. Polls share one budget (150/min), so every poll that finds a job still running costs.
 */
export const JOB_POLL = {
  firstMs: 250,
  perProfileMs: 0.05,
  factor: 1.5,
  maxMs: 10_000,
  timeoutMs: 30 * 60_000,
};

/** How long to wait after submitting a job of `profiles` profiles before polling it. */
export function firstPollDelayMs(profiles: number): number {
  return Math.min(JOB_POLL.maxMs, Math.round(JOB_POLL.firstMs + JOB_POLL.perProfileMs * profiles));
}

const optionsSchema = z.strictObject({
  identify_by: z.enum(IDENTIFIERS).optional(),
  list: z.string().trim().min(1).optional(),
  nulls: z.enum(["skip", "clear"]).default("skip"),
  default_country: z
    .string()
    .trim()
    .toUpperCase()
    .refine(isCountryOption, "not an ISO 3166-1 alpha-2 country code libphonenumber knows (like US, GB, DE)")
    .optional(),
  /**
   * Read the job's imported profiles to record each row's Klaviyo profile id. Off by default: the
   * action never uses the id (it has no remove step), and the reads (100 profiles a page, 150/min)
   * bound the sync at ~15,000 profiles a minute.
   */
  resolve_ids: z.boolean().default(false),
});
export type ProfilesOptions = z.output<typeof optionsSchema>;

const options = optionsParser("profiles", MODES, optionsSchema);

const text = (name: string, description: string): FieldSpec => ({ name, type: "string", description });

export const PROFILE_FIELDS: readonly FieldSpec[] = [
  { name: "email", type: "email", description: "Email address (identifier)." },
  { name: "phone_number", type: "phone", description: "Phone number, normalised to E.164 (identifier)." },
  text("external_id", "Your id for the person, at most 255 characters (identifier)."),
  text("id", "Klaviyo profile id (identifier)."),
  text("first_name", "First name."),
  text("last_name", "Last name."),
  text("organization", "Company or organisation."),
  text("title", "Job title."),
  text("image", "URL of a profile image."),
  text("locale", "Locale, IETF BCP 47 (en-US)."),
  ...LOCATION_FIELDS.map(
    (m): FieldSpec =>
      m === "latitude" || m === "longitude"
        ? { name: `location.${m}`, type: "number", description: `Location ${m}.` }
        : text(`location.${m}`, `Location ${m}.`),
  ),
  {
    name: "properties",
    type: "json",
    prefix: true,
    description: "Custom profile properties: properties.<key> (the key is taken verbatim).",
  },
];

// ---------------------------------------------------------------------------------------------
// Payloads

/** The import-job profile object for a row (already validated), with `id` when given. */
export function profilePayload(
  fields: MappedFields,
  opts: Pick<ProfilesOptions, "nulls">,
  id?: string,
): Check<ProfileResource> {
  // Identifiers are never cleared: a null identifier is left out whatever `nulls` says.
  const rest = profileAttributes(fields, "", opts.nulls);
  if ("error" in rest) return rest;
  const profileId = id ?? (isBlank(fields.id) ? undefined : String(fields.id));
  const attributes = { ...identifierAttributes(fields), ...rest.ok } as ProfileResource["attributes"];
  return { ok: { type: "profile", ...(profileId === undefined ? {} : { id: profileId }), attributes } };
}

// ---------------------------------------------------------------------------------------------
// Validation

function validate(row: LoadRow, ctx: Pick<ActionContext, "options" | "mode">): string | undefined {
  const o = options.get(ctx.options);
  const unknown = unknownFields(row.fields, PROFILE_FIELDS);
  if (unknown.length > 0)
    return `action profiles has no field ${unknown.map((u) => JSON.stringify(u)).join(", ")}; fix the mapping`;
  const why = normalizeIdentifiers(row.fields, o.default_country);
  if (why) return why;
  if (o.identify_by && isBlank(row.fields[o.identify_by]))
    return `${o.identify_by} is empty, and identify_by is ${o.identify_by}: every row needs one`;
  for (const f of PROFILE_TEXT_FIELDS) {
    const v = row.fields[f];
    if (typeof v === "object" && v !== null && !(v instanceof Date))
      return `${f} must be text, got ${preview(v)}`;
  }
  const payload = profilePayload(row.fields, o);
  if ("error" in payload) return payload.error;
  const bytes = jsonBytes(payload.ok);
  if (bytes + ID_ROOM > PROFILE_MAX_BYTES)
    return `the profile is ${bytes.toLocaleString("en-US")} bytes as JSON; Klaviyo accepts at most 100 KB per profile`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Update mode: which profiles exist

function lookupField(fields: MappedFields, o: ProfilesOptions): Identifier {
  return o.identify_by ?? (presentIdentifiers(fields)[0] as Identifier);
}

const norm = (field: Identifier, v: unknown): string => {
  const s = String(v);
  return field === "email" ? s.trim().toLowerCase() : s;
};

/**
 * Finds the Klaviyo id of each row's profile (by identify_by, else the row's first identifier).
 * Returns row key → profile id for rows found, and outcomes for rows whose lookup failed.
 */
async function findExisting(
  rows: readonly LoadRow[],
  o: ProfilesOptions,
  ctx: ActionContext,
): Promise<{ ids: Map<string, string>; failed: RowOutcome[] }> {
  const ids = new Map<string, string>();
  const failed: RowOutcome[] = [];
  const byField = new Map<Identifier, Map<string, LoadRow[]>>();
  for (const row of rows) {
    const field = lookupField(row.fields, o);
    const value = norm(field, row.fields[field]);
    let values = byField.get(field);
    if (!values) {
      values = new Map();
      byField.set(field, values);
    }
    const list = values.get(value);
    if (list) list.push(row);
    else values.set(value, [row]);
  }
  for (const [field, values] of byField) {
    const all = [...values.keys()];
    for (let i = 0; i < all.length; i += LOOKUP_CHUNK) {
      const chunk = all.slice(i, i + LOOKUP_CHUNK);
      const rowsOf = () => chunk.flatMap((v) => values.get(v) ?? []);
      try {
        const pages = ctx.client.profiles.list(
          {
            filter: filter.any(field, chunk),
            "page[size]": LOOKUP_CHUNK,
            "fields[profile]": ["email", "phone_number", "external_id"],
          },
          ctx.signal ? { signal: ctx.signal } : {},
        );
        for await (const p of pages) {
          const pid = p.id;
          if (!pid) continue;
          const a = p.attributes ?? {};
          const v = field === "id" ? pid : (a as Record<string, unknown>)[field];
          if (v === null || v === undefined) continue;
          for (const r of values.get(norm(field, v)) ?? []) ids.set(r.key, pid);
        }
      } catch (err) {
        if (isAbort(err, ctx.signal)) throw err;
        // Credentials revoked, a scope missing: no later request can work; the run stops.
        if (isFatal(err)) throw err;
        for (const r of rowsOf())
          failed.push({
            key: r.key,
            status: "rejected",
            reason: `could not look up whether the profile exists: ${errorText(err)}`,
          });
        continue;
      }
      for (const r of rowsOf()) {
        if (ids.has(r.key)) continue;
        failed.push({
          key: r.key,
          status: "rejected",
          reason: `no such profile: no Klaviyo profile has ${field} ${preview(r.fields[field])} (mode update only changes existing profiles)`,
        });
      }
    }
  }
  return { ids, failed };
}

// ---------------------------------------------------------------------------------------------
// Jobs

interface SubmittedJob {
  jobId: string;
  items: Sized<LoadRow, ProfileResource>[];
}

type JobEnd =
  | { kind: "finished"; job: BulkImportJob; errors: ImportError[] }
  | { kind: "unknown"; reason: string };

/** Polls every job until it is complete or cancelled, on the action's clock (ctx.now / ctx.sleep). */
async function waitForJobs(
  jobIds: readonly string[],
  ctx: ActionContext,
  firstWaitMs = JOB_POLL.firstMs,
): Promise<Map<string, JobEnd>> {
  const ends = new Map<string, JobEnd>();
  const pending = new Map<string, string>(jobIds.map((id) => [id, "queued"]));
  const started = ctx.now();
  const req = ctx.signal ? { signal: ctx.signal } : {};
  let interval = Math.max(JOB_POLL.firstMs, firstWaitMs);
  // A job just submitted is never complete: wait before the first poll.
  if (pending.size > 0 && firstWaitMs > 0) await ctx.sleep(firstWaitMs, ctx.signal);
  while (pending.size > 0) {
    for (const id of [...pending.keys()]) {
      try {
        const { data: job } = await ctx.client.profiles.getBulkImportJob(id, undefined, req);
        const status = job.attributes.status;
        if (status === "complete" || status === "cancelled") {
          const errors =
            status === "complete"
              ? await ctx.client.profiles.importErrors(id, { "page[size]": 100 }, req).toArray()
              : [];
          ends.set(id, { kind: "finished", job, errors });
          pending.delete(id);
          ctx.logger.info("profile import job finished", {
            job: id,
            status,
            total: job.attributes.total_count,
            failed: job.attributes.failed_count ?? errors.length,
          });
        } else {
          pending.set(id, status);
        }
      } catch (err) {
        if (isAbort(err, ctx.signal) || isFatal(err)) throw err;
        ends.set(id, {
          kind: "unknown",
          reason: `could not read the state of profile import job ${id}: ${errorText(err)}; the row will be sent again next run`,
        });
        pending.delete(id);
      }
    }
    if (pending.size === 0) break;
    const waited = ctx.now() - started;
    if (waited >= JOB_POLL.timeoutMs) {
      for (const [id, status] of pending)
        ends.set(id, {
          kind: "unknown",
          reason: `profile import job ${id} was still ${status} after ${Math.round(waited / 1000)} s; it keeps running in Klaviyo, and the row will be sent again next run`,
        });
      break;
    }
    await ctx.sleep(Math.min(interval, JOB_POLL.timeoutMs - waited), ctx.signal);
    interval = Math.min(interval * JOB_POLL.factor, JOB_POLL.maxMs);
  }
  return ends;
}

function attrsOf(payload: unknown): Record<string, unknown> {
  if (payload === null || typeof payload !== "object") return {};
  const p = payload as Record<string, unknown>;
  const a = p.attributes;
  const out: Record<string, unknown> = a !== null && typeof a === "object" ? { ...(a as object) } : { ...p };
  if (typeof p.id === "string") out.id = p.id;
  return out;
}

const identity = (k: Identifier, v: unknown): string | undefined => {
  if (v === null || v === undefined || v === "") return undefined;
  return norm(k, v);
};

/** Row indexes of a job by identifier value. */
function indexItems(items: readonly Sized<LoadRow, ProfileResource>[]) {
  const maps = new Map<Identifier, Map<string, number[]>>(IDENTIFIERS.map((k) => [k, new Map()]));
  items.forEach((item, i) => {
    const a = attrsOf(item.payload);
    for (const k of IDENTIFIERS) {
      const v = identity(k, a[k]);
      if (v === undefined) continue;
      const m = maps.get(k) as Map<string, number[]>;
      const list = m.get(v);
      if (list) list.push(i);
      else m.set(v, [i]);
    }
  });
  return maps;
}

/** Whether an error's original payload could be this row's payload (no identifier contradicts). */
function consistent(original: Record<string, unknown>, payload: ProfileResource): boolean {
  const a = attrsOf(payload);
  let shared = 0;
  for (const k of IDENTIFIERS) {
    const x = identity(k, original[k]);
    const y = identity(k, a[k]);
    if (x === undefined || y === undefined) continue;
    if (x !== y) return false;
    shared++;
  }
  return shared > 0 || IDENTIFIERS.every((k) => identity(k, original[k]) === undefined);
}

function importErrorText(jobId: string, e: ImportError): string {
  const a = e.attributes;
  const what = (a.detail || a.title || a.code || "import error").replace(/[.\s]+$/, "");
  const at = a.source?.pointer;
  const s = `Klaviyo rejected the profile in import job ${jobId}: ${what}${at ? ` (at ${at})` : ""}`;
  return s.length > 600 ? `${s.slice(0, 599)}…` : s;
}

/** Klaviyo profile ids of a job's imported profiles, by identifier. */
async function jobProfileIds(jobId: string, ctx: ActionContext) {
  const maps = new Map<Identifier, Map<string, string>>(IDENTIFIERS.map((k) => [k, new Map()]));
  const pages = ctx.client.paginate("get_profiles_for_bulk_import_profiles_job", {
    path: { id: jobId },
    query: { "fields[profile]": ["email", "phone_number", "external_id"], "page[size]": 100 },
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  for await (const p of pages) {
    const pid = p.id;
    if (!pid) continue;
    const a = (p.attributes ?? {}) as Record<string, unknown>;
    (maps.get("id") as Map<string, string>).set(pid, pid);
    for (const k of ["email", "phone_number", "external_id"] as const) {
      const v = identity(k, a[k]);
      if (v !== undefined) (maps.get(k) as Map<string, string>).set(v, pid);
    }
  }
  return maps;
}

function findId(maps: Map<Identifier, Map<string, string>>, payload: ProfileResource): string | undefined {
  const a = attrsOf(payload);
  for (const k of IDENTIFIERS) {
    const v = identity(k, a[k]);
    if (v === undefined) continue;
    const id = maps.get(k)?.get(v);
    if (id !== undefined) return id;
  }
  return undefined;
}

/** Outcomes for the rows of one finished job. */
async function jobOutcomes(
  sub: SubmittedJob,
  end: JobEnd,
  o: ProfilesOptions,
  ctx: ActionContext,
): Promise<RowOutcome[]> {
  const { jobId, items } = sub;
  const rejectAll = (reason: string): RowOutcome[] =>
    items.map((i) => ({ key: i.row.key, status: "rejected", reason, payload: i.payload }));
  if (end.kind === "unknown") return rejectAll(end.reason);
  if (end.job.attributes.status === "cancelled")
    return rejectAll(
      `Klaviyo cancelled profile import job ${jobId} before it completed; nothing in it counts as imported, and the row will be sent again next run`,
    );

  const errored = new Map<number, string>();
  const unmatched: ImportError[] = [];
  let index: ReturnType<typeof indexItems> | undefined;
  for (const e of end.errors) {
    const original = attrsOf(e.attributes.original_payload ?? null);
    const pointer = e.attributes.source?.pointer;
    const at = pointer ? pointerIndex(pointer, PROFILES_POINTER) : undefined;
    const reason = importErrorText(jobId, e);
    const atItem = at === undefined ? undefined : items[at];
    if (atItem && consistent(original, atItem.payload)) {
      errored.set(at as number, reason);
      continue;
    }
    index ??= indexItems(items);
    let hits: number[] = [];
    for (const k of IDENTIFIERS) {
      const v = identity(k, original[k]);
      const found = v === undefined ? undefined : index.get(k)?.get(v);
      if (found && found.length > 0) {
        hits = found;
        break;
      }
    }
    if (hits.length === 0) unmatched.push(e);
    for (const h of hits) errored.set(h, reason);
  }

  const known = (i: Sized<LoadRow, ProfileResource>) => i.payload.id ?? undefined;
  const needIds =
    unmatched.length > 0 ||
    (o.resolve_ids && items.some((i, n) => !errored.has(n) && known(i) === undefined));
  let ids: Map<Identifier, Map<string, string>> | undefined;
  let idError: unknown;
  if (needIds) {
    try {
      ids = await jobProfileIds(jobId, ctx);
    } catch (err) {
      if (isAbort(err, ctx.signal)) throw err;
      idError = err;
      ctx.logger.warn("could not read the profiles of an import job", { job: jobId, error: errorText(err) });
    }
  }
  return items.map((item, n): RowOutcome => {
    const reason = errored.get(n);
    if (reason !== undefined) return { key: item.row.key, status: "rejected", reason, payload: item.payload };
    const id = ids ? findId(ids, item.payload) : undefined;
    if (unmatched.length > 0 && id === undefined) {
      const first = unmatched[0] as ImportError;
      return {
        key: item.row.key,
        status: "rejected",
        reason: `import job ${jobId} reported ${unmatched.length} error(s) that name no row, and this profile ${
          idError === undefined
            ? "is not among the job's imported profiles"
            : `could not be checked (${errorText(idError)})`
        }; first error: ${importErrorText(jobId, first)}`,
        payload: item.payload,
      };
    }
    const klaviyoId = known(item) ?? id;
    return { key: item.row.key, status: "succeeded", ...(klaviyoId === undefined ? {} : { klaviyoId }) };
  });
}

// ---------------------------------------------------------------------------------------------
// perform

async function perform(rows: LoadRow[], ctx: ActionContext): Promise<RowOutcome[]> {
  const o = options.get(ctx.options);
  const outcomes: RowOutcome[] = [];
  let valid: LoadRow[] = [];
  for (const row of rows) {
    // Rows from the engine passed validate already (which normalised them in place).
    const why = wasValidated(row) ? undefined : validate(row, ctx);
    if (why) outcomes.push({ key: row.key, status: "invalid", reason: why, payload: row.fields });
    else valid.push(row);
  }
  let resolved = new Map<string, string>();
  if (ctx.mode === "update" && valid.length > 0) {
    const found = await findExisting(valid, o, ctx);
    outcomes.push(...found.failed);
    resolved = found.ids;
    valid = valid.filter((r) => resolved.has(r.key));
  }
  const { batches, invalid } = batchRows(valid, profilesAction.limits, (row) => {
    const p = profilePayload(row.fields, o, resolved.get(row.key));
    // Validated above, so building cannot fail here.
    if ("error" in p) throw new Error(p.error);
    return p.ok;
  });
  outcomes.push(...invalid);

  const req = ctx.signal ? { signal: ctx.signal } : {};
  const submit = async (items: Sized<LoadRow, ProfileResource>[]): Promise<string> => {
    const body: ImportBody = {
      data: {
        type: "profile-bulk-import-job",
        attributes: { profiles: { data: items.map((i) => i.payload) } },
        ...(o.list ? { relationships: { lists: { data: [{ type: "list", id: o.list }] } } } : {}),
      },
    };
    const res = await ctx.client.profiles.bulkImport(body, req);
    return res.data.id;
  };

  const jobs: SubmittedJob[] = [];
  let fatal: unknown;
  for (const batch of batches) {
    if (fatal !== undefined) {
      for (const i of batch)
        outcomes.push({
          key: i.row.key,
          status: "rejected",
          reason: `not sent: ${errorText(fatal)}`,
          payload: i.payload,
        });
      continue;
    }
    const res = await bisect(batch, submit, {
      locate: (err, items) => locateProfiles(err, items.length),
      // A missing list fails every request alike.
      fatal: (err) => isFatal(err) || err instanceof NotFoundError,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    for (const s of res.sent) jobs.push({ jobId: s.result, items: s.items });
    // Credentials revoked, a scope missing: the run stops (rows of jobs already submitted are
    // not recorded and are imported again next run, harmlessly). A missing list fails rows.
    if (res.fatal !== undefined && isFatal(res.fatal)) throw res.fatal;
    for (const f of res.failed)
      outcomes.push({ key: f.item.row.key, status: "rejected", reason: f.reason, payload: f.item.payload });
    if (res.fatal !== undefined) fatal = res.fatal;
  }

  if (jobs.length > 0) {
    const largest = Math.max(...jobs.map((j) => j.items.length));
    const ends = await waitForJobs(
      jobs.map((j) => j.jobId),
      ctx,
      firstPollDelayMs(largest),
    );
    for (const job of jobs) {
      const end = ends.get(job.jobId) ?? { kind: "unknown" as const, reason: "the job was not polled" };
      outcomes.push(...(await jobOutcomes(job, end, o, ctx)));
    }
  }
  return outcomes;
}

/** Rows a request-level error points at (`/data/attributes/profiles/data/<i>/...`). */
function locateProfiles(err: unknown, count: number): number[] {
  const out: number[] = [];
  for (const p of errorPointers(err)) {
    const i = pointerIndex(p, PROFILES_POINTER);
    if (i !== undefined && i < count) out.push(i);
  }
  return out;
}

export const profilesAction: ActionDefinition = {
  name: "profiles",
  description:
    "Creates or updates Klaviyo profiles (identifiers, names, location, custom properties) through bulk import jobs; optionally adds them to a list.",
  modes: MODES,
  fields: PROFILE_FIELDS,
  parseOptions: (raw, mode) => options.parse(raw, mode),
  // Each batch is its own import job: while one job runs, the next is built and submitted (up to
  // three jobs at once), instead of the CPU and the import endpoint idling while a job is polled.
  limits: { maxRows: 10_000, maxBytes: 5 * 1024 * 1024, maxRowBytes: PROFILE_MAX_BYTES, inFlight: 3 },
  validate,
  perform,
};
