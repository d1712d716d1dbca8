/**
 * `subscriptions`: marketing consent for the model's profiles.
 *
 * - `subscribe` (default): bulk subscribe jobs, at most 1,000 profiles each. With `list`, the job
 *   also puts the profiles on that list (the job's own list relationship; this action never
 *   touches list membership otherwise). With `historical_import`, each row must carry the
 *   `consented_at` at which consent was given, in the past; Klaviyo then skips double opt-in and
 *   "added to list" flows. Subscribing lifts UNSUBSCRIBE and USER_SUPPRESSED suppressions (never
 *   hard bounces or spam complaints).
 * - `unsubscribe`: bulk unsubscribe jobs, at most 100 profiles each. With `list`, members of that
 *   list are unsubscribed from it only; everyone else is unsubscribed globally (Klaviyo's rule).
 *
 * Channels: `email` needs a valid email per row, `sms` an E.164 phone number (national numbers
 * are read in `default_country`); a row missing what a configured channel needs is invalid.
 *
 * Klaviyo answers these jobs with 202 and offers no endpoint to follow them, so a row counts as
 * succeeded once Klaviyo has accepted the job that carries it: that is the strongest confirmation
 * available. Rows Klaviyo refuses (a 400 naming the row) are isolated and rejected one by one.
 */
import { z } from "zod";
import { ConfigError } from "../../../client/errors.js";
import { chunk } from "../../../client/resources/shared.js";
import type { BodyOf } from "../../../client/typed.js";
import type { ActionContext, ActionDefinition, FieldSpec, LoadRow, RowOutcome } from "../../types.js";
import { isBlank, parseTime, preview } from "../../validate.js";
import {
  choice,
  countrySchema,
  identifierOf,
  locateUnder,
  normaliseIdentifier,
  strictOptions,
  targetMissing,
  textOption,
  throwIfFatal,
} from "../list_membership/common.js";
import { bisect, optionsParser } from "../shared.js";

const NAME = "subscriptions";
const MODES = ["subscribe", "unsubscribe"] as const;
const CHANNELS = ["email", "sms"] as const;
type Channel = (typeof CHANNELS)[number];

/** Klaviyo: at most 1,000 profiles per subscribe job and 100 per unsubscribe job. */
export const SUBSCRIBE_PER_JOB = 1000;
export const UNSUBSCRIBE_PER_JOB = 100;

const PROFILES_PREFIX = "/data/attributes/profiles/data";

/** Which identifier each channel needs. */
const NEEDS: Record<Channel, "email" | "phone_number"> = { email: "email", sms: "phone_number" };

const optionsSchema = strictOptions({
  /** `email`, `sms`, or both (a list, or `"email,sms"`). Default email. */
  channels: z
    .preprocess(
      (v) => (typeof v === "string" ? v.split(",").map((s) => s.trim()) : v),
      z.array(choice(CHANNELS), { error: "must be email, sms or a list of both" }).min(1, {
        error: "must name at least one channel (email, sms)",
      }),
    )
    .default(["email"])
    .transform((v) => [...new Set(v)]),
  /** Subscribe: also add the profiles to this list. Unsubscribe: unsubscribe its members from it only. */
  list: textOption("a list id").optional(),
  /** Subscribe only: historical consent; every row needs `consented_at` in the past. */
  historical_import: z.boolean({ error: "must be true or false" }).default(false),
  /** Subscribe only: the source recorded on the consent records. */
  custom_source: textOption("text").optional(),
  default_country: countrySchema.optional(),
});

export type SubscriptionsOptions = z.output<typeof optionsSchema>;

const options = optionsParser(NAME, MODES, optionsSchema);

function parseOptions(raw: unknown, mode: string): SubscriptionsOptions {
  const o = options.parse(raw, mode);
  if (mode === "unsubscribe") {
    const subscribeOnly = (["historical_import", "custom_source"] as const).filter((k) =>
      k === "historical_import" ? o.historical_import : o.custom_source !== undefined,
    );
    if (subscribeOnly.length > 0) {
      throw new ConfigError(
        `Invalid options for action ${NAME}: ${subscribeOnly.join(" and ")} only apply to mode subscribe, not unsubscribe.`,
      );
    }
  }
  return o;
}

const FIELDS: readonly FieldSpec[] = [
  { name: "email", type: "email", description: "The email address; required for the email channel." },
  {
    name: "phone_number",
    type: "phone",
    description: "The phone number (E.164, or national with default_country); required for the sms channel.",
  },
  {
    name: "consented_at",
    type: "datetime",
    description:
      "When consent was given; required (and must be in the past) with historical_import, ignored otherwise.",
  },
  {
    name: "id",
    type: "string",
    description:
      "The Klaviyo profile id, used to find the profile when subscribing (unsubscribe ignores it).",
  },
];

/** Row checks; normalises identifiers and `consented_at` (ISO 8601 UTC) in place. */
function check(row: LoadRow, o: SubscriptionsOptions, mode: string, now: number): string | undefined {
  const f = row.fields;
  for (const channel of o.channels) {
    const need = NEEDS[channel];
    if (isBlank(f[need])) {
      return `${need} is missing; the ${channel} channel needs it (option channels: ${o.channels.join(", ")})`;
    }
  }
  for (const field of ["email", "phone_number"] as const) {
    if (isBlank(f[field])) continue;
    const reason = normaliseIdentifier(f, field, o.default_country);
    if (reason) return field === "phone_number" ? `${reason}; Klaviyo needs E.164 (+14155552671)` : reason;
  }
  if (mode === "subscribe" && !isBlank(f.id)) {
    const reason = normaliseIdentifier(f, "id", undefined);
    if (reason) return reason;
  }
  if (mode === "subscribe" && o.historical_import) {
    if (isBlank(f.consented_at)) {
      return "consented_at is missing; historical_import needs the time each profile gave consent";
    }
    const t = parseTime(f.consented_at);
    if (Number.isNaN(t)) {
      return `consented_at ${preview(f.consented_at)} is not a date-time (use ISO 8601 like 2024-05-01T12:00:00Z)`;
    }
    if (t > now) {
      return `consented_at ${preview(f.consented_at)} is in the future; historical_import needs the time consent was given, in the past`;
    }
    f.consented_at = new Date(t).toISOString();
  }
  return undefined;
}

const optionsOf = (ctx: Pick<ActionContext, "options" | "mode">) => options.get(ctx.options);

function validate(row: LoadRow, ctx: Pick<ActionContext, "options" | "mode">): string | undefined {
  return check(row, optionsOf(ctx), ctx.mode, Date.now());
}

type SubscribeBody = BodyOf<"bulk_subscribe_profiles">;
type SubscribeEntry = SubscribeBody["data"]["attributes"]["profiles"]["data"][number];
type UnsubscribeBody = BodyOf<"bulk_unsubscribe_profiles">;
type UnsubscribeEntry = UnsubscribeBody["data"]["attributes"]["profiles"]["data"][number];

function identifiers(row: LoadRow): { email?: string; phone_number?: string } {
  const email = identifierOf(row.fields, "email");
  const phone = identifierOf(row.fields, "phone_number");
  return { ...(email ? { email } : {}), ...(phone ? { phone_number: phone } : {}) };
}

function subscribeEntry(row: LoadRow, o: SubscriptionsOptions): SubscribeEntry {
  const consent = {
    consent: "SUBSCRIBED" as const,
    ...(o.historical_import ? { consented_at: String(row.fields.consented_at) } : {}),
  };
  const id = identifierOf(row.fields, "id");
  return {
    type: "profile",
    ...(id ? { id } : {}),
    attributes: {
      ...identifiers(row),
      subscriptions: {
        ...(o.channels.includes("email") ? { email: { marketing: consent } } : {}),
        ...(o.channels.includes("sms") ? { sms: { marketing: consent } } : {}),
      },
    },
  };
}

function unsubscribeEntry(row: LoadRow, o: SubscriptionsOptions): UnsubscribeEntry {
  const revoke = { consent: "UNSUBSCRIBED" as const };
  return {
    type: "profile",
    attributes: {
      ...identifiers(row),
      subscriptions: {
        ...(o.channels.includes("email") ? { email: { marketing: revoke } } : {}),
        ...(o.channels.includes("sms") ? { sms: { marketing: revoke } } : {}),
      },
    },
  };
}

async function perform(rows: LoadRow[], ctx: ActionContext): Promise<RowOutcome[]> {
  const o = optionsOf(ctx);
  const subscribe = ctx.mode !== "unsubscribe";
  const now = ctx.now();
  const outcomes: RowOutcome[] = [];
  const ready: LoadRow[] = [];
  for (const row of rows) {
    const reason = check(row, o, ctx.mode, now);
    if (reason) outcomes.push({ key: row.key, status: "invalid", reason, payload: row.fields });
    else ready.push(row);
  }
  const request = ctx.signal ? { signal: ctx.signal } : {};
  const list = o.list ? { list: { data: { type: "list" as const, id: o.list } } } : undefined;
  const send = subscribe
    ? async (batch: LoadRow[]) => {
        await ctx.client.subscriptions.subscribe(
          {
            data: {
              type: "profile-subscription-bulk-create-job",
              attributes: {
                profiles: { data: batch.map((r) => subscribeEntry(r, o)) },
                ...(o.custom_source ? { custom_source: o.custom_source } : {}),
                ...(o.historical_import ? { historical_import: true } : {}),
              },
              ...(list ? { relationships: list } : {}),
            },
          },
          request,
        );
      }
    : async (batch: LoadRow[]) => {
        await ctx.client.subscriptions.unsubscribe(
          {
            data: {
              type: "profile-subscription-bulk-delete-job",
              attributes: { profiles: { data: batch.map((r) => unsubscribeEntry(r, o)) } },
              ...(list ? { relationships: list } : {}),
            },
          },
          request,
        );
      };

  for (const job of chunk(ready, subscribe ? SUBSCRIBE_PER_JOB : UNSUBSCRIBE_PER_JOB)) {
    const result = await bisect(job, send, {
      locate: locateUnder(PROFILES_PREFIX),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    throwIfFatal(result);
    if (o.list && result.failed.some((f) => targetMissing(f.error, PROFILES_PREFIX))) {
      throw new ConfigError(
        `${NAME}: Klaviyo has no list with id ${o.list} (option list). Check the id (Lists & Segments, the list's settings).`,
      );
    }
    for (const sent of result.sent) {
      for (const row of sent.items) {
        const id = identifierOf(row.fields, "id");
        outcomes.push({ key: row.key, status: "succeeded", ...(subscribe && id ? { klaviyoId: id } : {}) });
      }
    }
    for (const f of result.failed) {
      outcomes.push({
        key: f.item.key,
        status: "rejected",
        reason: f.reason,
        payload: subscribe ? subscribeEntry(f.item, o) : unsubscribeEntry(f.item, o),
      });
    }
  }
  return outcomes;
}

export const subscriptionsAction: ActionDefinition = {
  name: NAME,
  description:
    "Sets marketing consent. Mode subscribe (default) sends bulk subscribe jobs (≤1,000 profiles; with list, " +
    "the job also adds them to that list; with historical_import every row needs a past consented_at); mode " +
    "unsubscribe sends bulk unsubscribe jobs (≤100; with list, that list's members are unsubscribed from it " +
    "only, everyone else globally). Channels: email (needs an email) and/or sms (needs an E.164 phone). " +
    "Klaviyo accepts these jobs with 202 and has no status endpoint for them, so a row succeeds when its job is accepted.",
  modes: MODES,
  fields: FIELDS,
  parseOptions,
  limits: { maxRows: SUBSCRIBE_PER_JOB },
  validate,
  perform,
};
