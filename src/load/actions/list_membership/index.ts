/**
 * `list_membership`: puts the model's profiles on a Klaviyo list.
 *
 * - `add` (default): every row's profile is added to the list; nothing is ever removed.
 * - `mirror`: as `add`, and a profile no row of the model holds any more is taken off the list
 *   again: the profile of a row that left the model, and the old profile of a row whose
 *   identifier changed. A profile another row still holds (two rows on one profile, a row whose
 *   primary key changed, emails swapped between rows) stays; the engine works that out in the
 *   state database after the run's adds are recorded (LoadState.planRemovals), so `remove` only
 *   gets what must go. Only the profiles of rows this sync synced are removed (by the profile id
 *   recorded in the row's outcome, falling back to the row's identifier); members that never came
 *   from the model are never touched. A profile that was already on the list before the sync
 *   added it cannot be told apart from one the sync added, and is removed when no row holds it.
 *
 * Klaviyo's list endpoints take profile ids only (at most 1,000 per call), so identifiers are
 * first resolved to ids with paginated `GET /api/profiles?filter=any(field,[...])` lookups (100
 * values per filter, every page followed). Identifiers without a profile are created through a
 * profile bulk import job (waited for, its import errors read) unless `create_missing_profiles`
 * is false. Adding to a list does not change consent; removing does not unsubscribe.
 *
 * The lookups (10 requests per 1,000 rows at get_profiles' 75/s and 750/min) bound the action,
 * not the adds (1 request per 1,000 rows at 10/s and 150/min). So a batch is 10,000 rows, its
 * lookups run a few at a time, and the ids found are added 1,000 a call while later lookups still
 * run; rows are reported only once their add call has answered.
 *
 * `list_name` creates the list on the first run when no list has that exact name, and keeps its
 * id in the sync's memory so later runs reuse it (creating lists is capped at 150 a day).
 */
import { z } from "zod";
import { ConfigError, NetworkError, ServerError } from "../../../client/errors.js";
import type { KlaviyoClient } from "../../../client/index.js";
import { BulkImportJobTimeoutError } from "../../../client/resources/profiles.js";
import { chunk } from "../../../client/resources/shared.js";
import { filter } from "../../../filter/index.js";
import type {
  ActionContext,
  ActionDefinition,
  FieldSpec,
  LoadRow,
  RemovedRow,
  RowOutcome,
  SyncMemory,
} from "../../types.js";
import { isBlank } from "../../validate.js";
import { batchRows, bisect, optionsParser, pointerIndex } from "../shared.js";
import {
  choice,
  countrySchema,
  identifierOf,
  LOOKUP_VALUES_PER_FILTER,
  locateUnder,
  lookupProfileIds,
  matchKey,
  normaliseIdentifier,
  PROFILE_IDENTIFIERS,
  strictOptions,
  targetMissing,
  textOption,
  throwIfFatal,
} from "./common.js";

const NAME = "list_membership";
const MODES = ["add", "mirror"] as const;

/** Klaviyo: at most 1,000 profile ids per add/remove call. */
export const LIST_MEMBERS_PER_CALL = 1000;
/**
 * Rows per `perform` call: ten add calls' worth, so that one call's lookups and adds overlap (the
 * lookups, 10 requests per 1,000 rows at 750 a minute, are what bound the action).
 */
const ROWS_PER_BATCH = 10 * LIST_MEMBERS_PER_CALL;
/**
 * get_profiles lookups in flight at once (75/s burst, 750/min): one after another, each waiting
 * for the previous answer, they cannot use the burst. The client's rate budget keeps them within
 * the limits.
 */
const LOOKUP_CONCURRENCY = 4;
/** Klaviyo: at most 10,000 profiles and 5 MB per bulk import job (kept under 4.5 MB here). */
const IMPORT_MAX_PROFILES = 10_000;
const IMPORT_MAX_BYTES = 4.5 * 1024 * 1024;
/** How long to wait for the import job that creates missing profiles. */
const IMPORT_TIMEOUT_MS = 15 * 60_000;

const optionsSchema = strictOptions({
  /** The list's id. Exactly one of `list` and `list_name`. */
  list: textOption("a list id").optional(),
  /** The list's exact name: found, or created on the first run; its id is remembered. */
  list_name: textOption("the list's name").optional(),
  identify_by: choice(PROFILE_IDENTIFIERS).default("email"),
  create_missing_profiles: z.boolean({ error: "must be true or false" }).default(true),
  /** Country for phone numbers written without a `+` prefix (ISO 3166 alpha-2). */
  default_country: countrySchema.optional(),
}).superRefine((o, ctx) => {
  if ((o.list === undefined) === (o.list_name === undefined)) {
    ctx.addIssue({
      code: "custom",
      message: `give exactly one of list (a list id) or list_name (a list found or created by name); got ${o.list === undefined ? "neither" : "both"}`,
    });
  }
});

export type ListMembershipOptions = z.output<typeof optionsSchema>;

const options = optionsParser(NAME, MODES, optionsSchema);
const optionsOf = (ctx: Pick<ActionContext, "options">) => options.get(ctx.options);

const FIELDS: readonly FieldSpec[] = [
  {
    name: "email",
    type: "email",
    description: "The profile's email. Required when identify_by is email (the default).",
  },
  {
    name: "phone_number",
    type: "phone",
    description:
      "The profile's phone number (E.164, or national with default_country). Required when identify_by is phone_number.",
  },
  {
    name: "external_id",
    type: "string",
    description:
      "Your id for the profile (at most 255 characters). Required when identify_by is external_id.",
  },
  {
    name: "id",
    type: "string",
    description: "The Klaviyo profile id. Required when identify_by is id; such profiles are never created.",
  },
];

function validate(row: LoadRow, ctx: Pick<ActionContext, "options" | "mode">): string | undefined {
  const o = optionsOf(ctx);
  if (isBlank(row.fields[o.identify_by])) {
    return `${o.identify_by} is missing; this sync identifies profiles by ${o.identify_by} (option identify_by)`;
  }
  // Every identifier given must be usable: the others are set on the profiles this sync creates.
  for (const field of PROFILE_IDENTIFIERS) {
    if (field === "id" && o.identify_by !== "id") continue;
    if (isBlank(row.fields[field])) continue;
    const reason = normaliseIdentifier(row.fields, field, o.default_country);
    if (reason) return reason;
  }
  return undefined;
}

// -------------------------------------------------------------------------------------------------
// The list

const memoryKey = (name: string) => `${NAME}.list_id:${name}`;

/** In-flight resolutions per sync memory, so concurrent batches never create the list twice. */
const resolving = new WeakMap<SyncMemory, Map<string, Promise<string | undefined>>>();

/**
 * Ids of the lists named exactly `name`, oldest first (every page read). The spec types the
 * `name` filter of GET /api/lists as a list: `equals(name,['...'])`.
 */
async function listsNamed(client: KlaviyoClient, name: string, signal?: AbortSignal): Promise<string[]> {
  const found: { id: string; created: string }[] = [];
  const pages = client.lists.list(
    { filter: filter.equals("name", [name]), "fields[list]": ["name", "created"] },
    signal ? { signal } : {},
  );
  for await (const l of pages) {
    if (l.attributes.name === name) found.push({ id: l.id, created: String(l.attributes.created ?? "") });
  }
  found.sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : 0));
  return found.map((l) => l.id);
}

/**
 * The id of the list named `name`: from the sync's memory, else an existing list with exactly
 * that name, else a new list (`create`). Whatever is found is remembered. `stale` is a
 * remembered id Klaviyo no longer knows.
 */
async function namedListId(
  ctx: ActionContext,
  name: string,
  create: boolean,
  stale?: string,
): Promise<string | undefined> {
  const remembered = await ctx.memory.get(memoryKey(name));
  if (remembered !== undefined && remembered !== stale) return remembered;
  let inFlight = resolving.get(ctx.memory);
  if (!inFlight) {
    inFlight = new Map();
    resolving.set(ctx.memory, inFlight);
  }
  const flight = `${create ? "create" : "find"}\u001f${name}`;
  const pending = inFlight.get(flight);
  if (pending) return await pending;
  const work = resolveNamedList(ctx, name, create, stale);
  inFlight.set(flight, work);
  try {
    return await work;
  } finally {
    inFlight.delete(flight);
  }
}

/** Looks the list up by name and creates it when allowed and absent; remembers the id. */
async function resolveNamedList(
  ctx: ActionContext,
  name: string,
  create: boolean,
  stale: string | undefined,
): Promise<string | undefined> {
  // Another batch may have resolved it while this one waited.
  const remembered = await ctx.memory.get(memoryKey(name));
  if (remembered !== undefined && remembered !== stale) return remembered;
  const signal = ctx.signal;
  const existing = (await listsNamed(ctx.client, name, signal)).filter((id) => id !== stale);
  if (existing.length > 0) {
    if (existing.length > 1) {
      ctx.logger.warn(`${existing.length} lists are named "${name}"; using the oldest`, {
        list: existing[0],
      });
    }
    const id = existing[0] as string;
    await ctx.memory.set(memoryKey(name), id);
    return id;
  }
  if (!create) return undefined;
  const id = await createListOnce(ctx, name, stale);
  await ctx.memory.set(memoryKey(name), id);
  return id;
}

/** Attempts at creating a list whose create request failed in a way that may have created it. */
const CREATE_LIST_ATTEMPTS = 8;

/**
 * Creates the list named `name`, at most once. Creating is not idempotent: when the answer is lost
 * (a timeout, a reset or cut-short response, a 5xx), Klaviyo may have created the list anyway, so
 * the request is not simply sent again: the lists are looked up by name first, and only when
 * none has it is it sent again.
 */
async function createListOnce(ctx: ActionContext, name: string, stale: string | undefined): Promise<string> {
  const signal = ctx.signal;
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await ctx.client.lists.create(
        { data: { type: "list", attributes: { name } } },
        { idempotent: false, ...(signal ? { signal } : {}) },
      );
      ctx.logger.info(`created list "${name}"`, { list: res.data.id, sync: ctx.sync });
      return res.data.id;
    } catch (err) {
      if (!(err instanceof ServerError || err instanceof NetworkError) || attempt >= CREATE_LIST_ATTEMPTS)
        throw err;
      const existing = (await listsNamed(ctx.client, name, signal)).filter((id) => id !== stale);
      if (existing.length > 0) {
        ctx.logger.info(`list "${name}" was created though its answer was lost`, {
          list: existing[0],
          sync: ctx.sync,
        });
        return existing[0] as string;
      }
      await ctx.sleep(Math.min(5_000, 100 * 2 ** (attempt - 1)), signal);
    }
  }
}

// -------------------------------------------------------------------------------------------------
// Creating missing profiles

const IMPORT_PREFIX = "/data/attributes/profiles/data";

/**
 * Creates one profile per value (with the other identifiers of its first row) through profile
 * bulk import jobs (≤10,000 profiles, ≤5 MB each), waits for them and reads their import errors.
 * Returns value → why no profile was created, for the values that failed.
 */
async function importProfiles(
  ctx: ActionContext,
  rowsByValue: Map<string, LoadRow[]>,
  values: string[],
): Promise<Map<string, string>> {
  const failed = new Map<string, string>();
  const entries = values.map((value) => {
    const fields = rowsByValue.get(value)?.[0]?.fields;
    const attributes: Record<string, string> = {};
    for (const f of ["email", "phone_number", "external_id"] as const) {
      const v = identifierOf(fields, f);
      if (v !== undefined) attributes[f] = v;
    }
    return { key: value, attributes };
  });
  const { batches, invalid } = batchRows(
    entries,
    { maxRows: IMPORT_MAX_PROFILES, maxBytes: IMPORT_MAX_BYTES },
    (e) => ({ type: "profile" as const, attributes: e.attributes }),
  );
  for (const o of invalid) failed.set(o.key, o.reason ?? "too large to import");

  const signal = ctx.signal;
  for (const batch of batches) {
    const res = await ctx.client.profiles.bulkImport(
      {
        data: {
          type: "profile-bulk-import-job",
          attributes: { profiles: { data: batch.map((b) => b.payload) } },
        },
      },
      signal ? { signal } : {},
    );
    const jobId = res.data.id;
    try {
      const { job, errors } = await ctx.client.profiles.waitForBulkImportJob(jobId, {
        pollIntervalMs: 250,
        timeoutMs: IMPORT_TIMEOUT_MS,
        ...(signal ? { signal } : {}),
      });
      if (job.attributes.status === "cancelled") {
        for (const b of batch) failed.set(b.row.key, `Klaviyo cancelled the profile import job ${jobId}`);
        continue;
      }
      for (const e of errors) {
        const a = e.attributes;
        const at = pointerIndex(a.source?.pointer ?? "", IMPORT_PREFIX);
        const value = at === undefined ? undefined : batch[at]?.row.key;
        const why = `Klaviyo could not create the profile: ${(a.detail || a.title).replace(/[.\s]+$/, "")}`;
        if (value !== undefined) failed.set(value, why);
      }
    } catch (err) {
      if (!(err instanceof BulkImportJobTimeoutError)) throw err;
      for (const b of batch) {
        failed.set(
          b.row.key,
          `the profile import job ${jobId} was still running after ${IMPORT_TIMEOUT_MS / 60_000} minutes; the row is sent again next run`,
        );
      }
    }
  }
  return failed;
}

// -------------------------------------------------------------------------------------------------
// Adding and removing

type ListRef = { id: string; name?: string };

/** Resolves the list for a perform/remove; undefined only when `create` is false and no list has the name. */
async function listFor(
  ctx: ActionContext,
  o: ListMembershipOptions,
  create: boolean,
): Promise<ListRef | undefined> {
  if (o.list !== undefined) return { id: o.list };
  const name = o.list_name as string;
  const id = await namedListId(ctx, name, create);
  return id === undefined ? undefined : { id, name };
}

const LIST_PREFIX = "/data";

/**
 * Adds or removes profile ids (≤1,000 per call). Ids Klaviyo refuses are isolated (by the
 * pointer in its error, else by halving) and returned with the reason; the others went through.
 * A list that no longer exists is looked up by name again (and re-created for adds) once; a
 * list given by id that does not exist is a configuration error.
 */
async function changeMembers(
  ctx: ActionContext,
  list: ListRef,
  ids: string[],
  op: "add" | "remove",
): Promise<Map<string, string>> {
  const signal = ctx.signal;
  const request = signal ? { signal } : {};
  const run = async (target: ListRef): Promise<{ refused: Map<string, string>; listGone: boolean }> => {
    const refused = new Map<string, string>();
    for (const part of chunk(ids, LIST_MEMBERS_PER_CALL)) {
      const result = await bisect(
        part,
        (batch) =>
          op === "add"
            ? ctx.client.lists.addProfiles(target.id, batch, request)
            : ctx.client.lists.removeProfiles(target.id, batch, request),
        { locate: locateUnder(LIST_PREFIX), ...(signal ? { signal } : {}) },
      );
      throwIfFatal(result);
      if (result.failed.some((f) => targetMissing(f.error, LIST_PREFIX))) return { refused, listGone: true };
      for (const f of result.failed) refused.set(f.item, f.reason);
    }
    return { refused, listGone: false };
  };
  const first = await run(list);
  if (!first.listGone) return first.refused;
  if (list.name === undefined) {
    throw new ConfigError(
      `${NAME}: Klaviyo has no list with id ${list.id} (option list); it may have been deleted. Check the id (Lists & Segments, the list's settings) or use list_name, then run with --full-resync so every row is added to that list.`,
    );
  }
  ctx.logger.warn(
    `list "${list.name}" (${list.id}) no longer exists in Klaviyo; looking it up by name again`,
  );
  const id = await namedListId(ctx, list.name, op === "add", list.id);
  if (id === undefined) return new Map(); // removing from a list that is gone: nothing to do
  // The members added before (this run or earlier ones) went with the deleted list.
  if (op === "add")
    ctx.requestResync?.(
      `the list "${list.name}" (${list.id}) was deleted in Klaviyo while syncing; its members are added again to the list "${list.name}" (${id})`,
    );
  const again = await run({ id, name: list.name });
  if (again.listGone)
    throw new ConfigError(`${NAME}: the list "${list.name}" (${id}) disappeared while syncing.`);
  return again.refused;
}

/**
 * Runs tasks with at most `limit` at once, first come first started. Once `stop` is aborted, the
 * tasks not started yet reject with its reason instead of running.
 */
function pool(limit: number, stop: AbortSignal) {
  let active = 0;
  const queue: (() => void)[] = [];
  const next = () => {
    while (active < limit && queue.length > 0) {
      active++;
      (queue.shift() as () => void)();
    }
  };
  return <T>(task: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => {
        const run = stop.aborted ? Promise.reject(stop.reason) : (async () => task())();
        run.then(resolve, reject).finally(() => {
          active--;
          next();
        });
      });
      next();
    });
}

/**
 * Starts the lookups of `values` (100 a filter, every page followed), at most
 * LOOKUP_CONCURRENCY at once; one promise per 100 values, in order.
 */
function startLookups(
  ctx: ActionContext,
  field: ListMembershipOptions["identify_by"],
  values: readonly string[],
  signal: AbortSignal,
): Promise<Map<string, string>>[] {
  const run = pool(LOOKUP_CONCURRENCY, signal);
  const parts = chunk([...values], LOOKUP_VALUES_PER_FILTER).map((part) =>
    run(() => lookupProfileIds(ctx.client, field, part, { signal })),
  );
  for (const p of parts) p.catch(() => {}); // awaited (or settled) by the caller
  return parts;
}

/** A signal that aborts with `ctx.signal` or with `own`. */
const linked = (ctx: ActionContext, own: AbortController): AbortSignal =>
  ctx.signal ? AbortSignal.any([ctx.signal, own.signal]) : own.signal;

async function perform(rows: LoadRow[], ctx: ActionContext): Promise<RowOutcome[]> {
  const o = optionsOf(ctx);
  const field = o.identify_by;
  const outcomes: RowOutcome[] = [];
  const rowsByValue = new Map<string, LoadRow[]>();
  for (const row of rows) {
    const reason = validate(row, ctx);
    if (reason) {
      outcomes.push({ key: row.key, status: "invalid", reason, payload: row.fields });
      continue;
    }
    const value = matchKey(field, identifierOf(row.fields, field) as string);
    const same = rowsByValue.get(value);
    if (same) same.push(row);
    else rowsByValue.set(value, [row]);
  }
  if (rowsByValue.size === 0) return outcomes;

  // A pipeline: lookups run (several at once) while the ids found so far are added, 1,000 a call,
  // one call at a time; the rows whose profile had to be created follow at the end.
  const stop = new AbortController();
  const signal = linked(ctx, stop);
  const ids = new Map<string, string>();
  const failed = new Map<string, string>();
  /** Profile id → why Klaviyo refused to add it. */
  const refused = new Map<string, string>();
  let list: Promise<ListRef> | undefined;
  const theList = () => {
    list ??= listFor(ctx, o, true) as Promise<ListRef>;
    return list;
  };
  let adds: Promise<void> = Promise.resolve();
  let addFailure: { error: unknown } | undefined;
  const queued = new Set<string>();
  let pendingIds: string[] = [];
  const add = (batch: string[]) => {
    adds = adds.then(async () => {
      for (const [id, why] of await changeMembers(ctx, await theList(), batch, "add")) refused.set(id, why);
    });
    adds.catch((error: unknown) => {
      addFailure ??= { error };
      stop.abort(error); // no more lookups: the batch fails
    });
  };
  const found = (m: Map<string, string>) => {
    for (const [v, id] of m) {
      ids.set(v, id);
      if (queued.has(id)) continue;
      queued.add(id);
      pendingIds.push(id);
    }
  };

  const lookups = startLookups(ctx, field, [...rowsByValue.keys()], signal);
  let created: Promise<Map<string, string>>[] = [];
  try {
    for (const part of lookups) {
      found(await part);
      while (pendingIds.length >= LIST_MEMBERS_PER_CALL) add(pendingIds.splice(0, LIST_MEMBERS_PER_CALL));
    }
    const missing = [...rowsByValue.keys()].filter((v) => !ids.has(v));
    if (missing.length > 0) {
      if (field === "id") {
        for (const v of missing) failed.set(v, "no profile with this id");
      } else if (!o.create_missing_profiles) {
        for (const v of missing)
          failed.set(v, `no profile with this ${field} (create_missing_profiles is false)`);
      } else {
        const importFailed = await importProfiles(ctx, rowsByValue, missing);
        created = startLookups(
          ctx,
          field,
          missing.filter((v) => !importFailed.has(v)),
          signal,
        );
        const createdIds = new Map<string, string>();
        for (const part of created) for (const [v, id] of await part) createdIds.set(v, id);
        found(createdIds);
        for (const v of missing) {
          if (createdIds.has(v)) continue;
          failed.set(
            v,
            importFailed.get(v) ??
              `the profile import job finished without creating a profile for this ${field}`,
          );
        }
      }
    }
    while (pendingIds.length > 0) add(pendingIds.splice(0, LIST_MEMBERS_PER_CALL));
    pendingIds = [];
    await adds;
    await theList(); // found or created even when no row could be added
  } catch (err) {
    stop.abort(err);
    await Promise.allSettled([...lookups, ...created, adds]);
    throw addFailure ? addFailure.error : err;
  }

  for (const [value, group] of rowsByValue) {
    const id = ids.get(value);
    const why = id === undefined ? failed.get(value) : refused.get(id);
    for (const row of group) {
      if (id !== undefined && why === undefined) {
        outcomes.push({ key: row.key, status: "succeeded", klaviyoId: id });
      } else {
        outcomes.push({
          key: row.key,
          status: "rejected",
          reason: why ?? "not added",
          payload: { [field]: row.fields[field] },
          ...(id === undefined ? {} : { klaviyoId: id }),
        });
      }
    }
  }
  return outcomes;
}

async function remove(rows: RemovedRow[], ctx: ActionContext): Promise<RowOutcome[]> {
  const o = optionsOf(ctx);
  const field = o.identify_by;
  const outcomes: RowOutcome[] = [];
  const idOfRow = new Map<string, string>();
  const lookup = new Map<string, RemovedRow[]>();
  for (const row of rows) {
    if (row.klaviyoId) {
      idOfRow.set(row.key, row.klaviyoId);
      continue;
    }
    // No profile id was recorded: fall back to the identifier the row was synced with.
    const fields = { ...row.fields };
    const unusable = normaliseIdentifier(fields, field, o.default_country);
    const value = unusable ? undefined : identifierOf(fields, field);
    if (value === undefined) {
      outcomes.push({
        key: row.key,
        status: "rejected",
        reason: `cannot tell which profile to take off the list: no profile id was recorded for this row and ${unusable ?? `it has no ${field}`}`,
        ...(row.fields ? { payload: row.fields } : {}),
      });
      continue;
    }
    const k = matchKey(field, value);
    const same = lookup.get(k);
    if (same) same.push(row);
    else lookup.set(k, [row]);
  }
  if (lookup.size > 0) {
    const stop = new AbortController();
    const parts = startLookups(ctx, field, [...lookup.keys()], linked(ctx, stop));
    const found = new Map<string, string>();
    try {
      for (const part of parts) for (const [v, id] of await part) found.set(v, id);
    } catch (err) {
      stop.abort(err);
      await Promise.allSettled(parts);
      throw err;
    }
    for (const [value, group] of lookup) {
      const id = found.get(value);
      for (const row of group) {
        if (id !== undefined) idOfRow.set(row.key, id);
        // No such profile any more: it cannot be on the list.
        else outcomes.push({ key: row.key, status: "succeeded" });
      }
    }
  }
  if (idOfRow.size === 0) return outcomes;

  const list = await listFor(ctx, o, false);
  if (list === undefined) {
    // The named list was never created, so nobody is on it.
    for (const key of idOfRow.keys()) outcomes.push({ key, status: "succeeded" });
    return outcomes;
  }
  const refused = await changeMembers(ctx, list, [...new Set(idOfRow.values())], "remove");
  for (const [key, id] of idOfRow) {
    const why = refused.get(id);
    outcomes.push(
      why === undefined
        ? { key, status: "succeeded", klaviyoId: id }
        : { key, status: "rejected", reason: why, klaviyoId: id },
    );
  }
  return outcomes;
}

export const listMembershipAction: ActionDefinition = {
  name: NAME,
  description:
    "Adds the model's profiles to a Klaviyo list (by id, or by name: created on the first run and remembered). " +
    "Mode add (default) only adds; mode mirror also takes rows that leave the model off the list again, " +
    "removing only the profiles this sync added. Profiles are found by identify_by (email, phone_number, " +
    "external_id or id) with paginated lookups; missing ones are created by a profile import job unless " +
    "create_missing_profiles is false. List membership is not consent: adding does not subscribe, removing " +
    "does not unsubscribe (use the subscriptions action for consent).",
  modes: MODES,
  fields: FIELDS,
  parseOptions: (raw, mode) => options.parse(raw, mode),
  // Batches are independent (adding a profile twice is harmless), so the engine may send the next
  // batch's lookups while the previous batch's outcomes are recorded.
  limits: { maxRows: ROWS_PER_BATCH, inFlight: 2 },
  validate,
  perform,
  remove,
};
