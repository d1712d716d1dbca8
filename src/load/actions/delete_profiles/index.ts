/**
 * `delete_profiles`: asks Klaviyo to delete the model's profiles (data-privacy deletion).
 *
 * Klaviyo takes exactly one identifier per deletion request (email, phone_number or id; a
 * request with several is refused) and deletes every profile that matches it, asynchronously
 * and for good. So each row is one request: a row with one identifier uses it; a row with
 * several uses the one `identify_by` names (default email) and is invalid when that one is
 * blank; a row with none is invalid. The endpoint allows 3 requests a second (60 a minute); the
 * client's rate budget paces them.
 *
 * Klaviyo answers 202 and offers no endpoint to follow a deletion, so a row counts as succeeded
 * once its request is accepted.
 */
import type { z } from "zod";
import type { DeletionTarget } from "../../../client/resources/data-privacy.js";
import type { ActionContext, ActionDefinition, FieldSpec, LoadRow, RowOutcome } from "../../types.js";
import { isBlank } from "../../validate.js";
import { choice, countrySchema, normaliseIdentifier, strictOptions } from "../list_membership/common.js";
import { errorText, isAbort, isFatal, optionsParser } from "../shared.js";

const NAME = "delete_profiles";
const MODES = ["delete"] as const;
const TARGETS = ["email", "phone_number", "id"] as const;
type TargetField = (typeof TARGETS)[number];

const optionsSchema = strictOptions({
  /** Which identifier to use when a row has several. */
  identify_by: choice(TARGETS).default("email"),
  default_country: countrySchema.optional(),
});

export type DeleteProfilesOptions = z.output<typeof optionsSchema>;

const options = optionsParser(NAME, MODES, optionsSchema);
const optionsOf = (ctx: Pick<ActionContext, "options">) => options.get(ctx.options);

const FIELDS: readonly FieldSpec[] = [
  { name: "email", type: "email", description: "Delete the profile(s) with this email." },
  {
    name: "phone_number",
    type: "phone",
    description: "Delete the profile(s) with this phone number (E.164, or national with default_country).",
  },
  { name: "id", type: "string", description: "Delete the profile with this Klaviyo profile id." },
];

/** The identifier a row is deleted by, normalised; or why the row cannot be deleted. */
function targetOf(
  row: LoadRow,
  o: DeleteProfilesOptions,
): { field: TargetField; value: string } | { error: string } {
  const present = TARGETS.filter((f) => !isBlank(row.fields[f]));
  if (present.length === 0) {
    return { error: "no identifier: give one of email, phone_number or id to say which profile to delete" };
  }
  let field: TargetField;
  if (present.length === 1) field = present[0] as TargetField;
  else if (present.includes(o.identify_by)) field = o.identify_by;
  else {
    return {
      error: `the row has ${present.join(" and ")} but identify_by is ${o.identify_by}, which is blank; Klaviyo deletes by one identifier, so set identify_by to the one to use`,
    };
  }
  const reason = normaliseIdentifier(row.fields, field, o.default_country);
  if (reason) return { error: reason };
  return { field, value: row.fields[field] as string };
}

function validate(row: LoadRow, ctx: Pick<ActionContext, "options" | "mode">): string | undefined {
  const t = targetOf(row, optionsOf(ctx));
  return "error" in t ? t.error : undefined;
}

const deletionTarget = (field: TargetField, value: string): DeletionTarget =>
  field === "email" ? { email: value } : field === "phone_number" ? { phoneNumber: value } : { id: value };

async function perform(rows: LoadRow[], ctx: ActionContext): Promise<RowOutcome[]> {
  const o = optionsOf(ctx);
  const outcomes: RowOutcome[] = [];
  const request = ctx.signal ? { signal: ctx.signal } : {};
  for (const row of rows) {
    const t = targetOf(row, o);
    if ("error" in t) {
      outcomes.push({ key: row.key, status: "invalid", reason: t.error, payload: row.fields });
      continue;
    }
    ctx.signal?.throwIfAborted();
    try {
      await ctx.client.dataPrivacy.requestProfileDeletion(deletionTarget(t.field, t.value), request);
      outcomes.push({
        key: row.key,
        status: "succeeded",
        ...(t.field === "id" ? { klaviyoId: t.value } : {}),
      });
    } catch (err) {
      if (isFatal(err) || isAbort(err, ctx.signal)) throw err;
      outcomes.push({
        key: row.key,
        status: "rejected",
        reason: errorText(err),
        payload: { [t.field]: t.value },
      });
    }
  }
  return outcomes;
}

export const deleteProfilesAction: ActionDefinition = {
  name: NAME,
  description:
    "Requests data-privacy deletion of profiles, one request per row (3 a second). Each row gives exactly one of " +
    "email, phone_number or id; with several, identify_by (default email) picks the one used. Klaviyo deletes " +
    "every profile matching it, asynchronously and irreversibly; a row succeeds when Klaviyo accepts the request (202).",
  modes: MODES,
  fields: FIELDS,
  parseOptions: (raw, mode) => options.parse(raw, mode),
  limits: { maxRows: 100 },
  validate,
  perform,
};
