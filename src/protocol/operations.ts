/**
 * The destination side described for Airbyte (destination `discover`): one operation per load
 * action and mode that can run on a record stream, with the JSON Schema of the fields it takes and
 * the keys it matches existing Klaviyo objects by. An Airbyte catalog stream may name an operation
 * (`destination_object_name` and `destination_sync_mode`) instead of the config naming an action.
 */
import { ACTIONS, getAction } from "../load/actions/index.js";
import type { ActionDefinition, FieldSpec, FieldType } from "../load/types.js";
import type { DestinationOperation, DestinationSyncMode } from "./airbyte/messages.js";
import { WHOLE_MODEL_MODES } from "./config.js";

/**
 * How each action mode reads as an Airbyte destination sync mode: creating or updating by a
 * matching key is `append_dedup`, changing only what exists `update`, recording new facts
 * (events, orders) `append`, and taking something away (unsubscribe, unsuppress, delete) `soft_delete`.
 */
export const OPERATION_SYNC_MODES: Readonly<Record<string, Readonly<Record<string, DestinationSyncMode>>>> = {
  profiles: { upsert: "append_dedup", update: "update" },
  events: { track: "append" },
  order_completed: { track: "append" },
  list_membership: { add: "append_dedup" },
  subscriptions: { subscribe: "append_dedup", unsubscribe: "soft_delete" },
  suppressions: { suppress: "append_dedup", unsuppress: "soft_delete" },
  delete_profiles: { delete: "soft_delete" },
};

/** The keys an action matches Klaviyo objects by. */
const MATCHING_KEYS: Readonly<Record<string, string[][]>> = {
  events: [["unique_id"]],
  order_completed: [["order_id"]],
};

const PROFILE_KEYS = ["email", "phone_number", "external_id", "id"];

function fieldSchema(type: FieldType): Record<string, unknown> {
  switch (type) {
    case "email":
      return { type: ["null", "string"], format: "email" };
    case "number":
      return { type: ["null", "number"] };
    case "integer":
      return { type: ["null", "integer"] };
    case "boolean":
      return { type: ["null", "boolean"] };
    case "datetime":
      // ISO 8601, or epoch seconds where the action takes them.
      return { type: ["null", "string", "number"], format: "date-time" };
    case "json":
      return { type: ["null", "object", "array", "string", "number", "boolean"] };
    default:
      return { type: ["null", "string"] };
  }
}

/** The JSON Schema of the records an action takes: dotted fields as nested objects, prefix fields as open objects. */
export function actionJsonSchema(fields: readonly FieldSpec[]): Record<string, unknown> {
  const root: Record<string, unknown> = { type: "object", additionalProperties: true, properties: {} };
  const required: string[] = [];
  for (const f of fields) {
    const parts = f.name.replace(/\.\*?$/, "").split(".");
    let node = root;
    for (const part of parts.slice(0, -1)) {
      const props = node.properties as Record<string, Record<string, unknown>>;
      props[part] ??= { type: ["null", "object"], additionalProperties: true, properties: {} };
      node = props[part];
    }
    const last = parts[parts.length - 1] as string;
    (node.properties as Record<string, unknown>)[last] = f.prefix
      ? { type: ["null", "object"], additionalProperties: true, description: f.description }
      : { ...fieldSchema(f.type), description: f.description };
    if (f.required && parts.length === 1) required.push(last);
  }
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    ...root,
    ...(required.length ? { required } : {}),
  };
}

function matchingKeys(action: ActionDefinition): string[][] {
  const own = MATCHING_KEYS[action.name];
  if (own) return own;
  return PROFILE_KEYS.filter((k) => action.fields.some((f) => f.name === k)).map((k) => [k]);
}

/** Every operation a record stream can be loaded with. */
export function destinationOperations(): DestinationOperation[] {
  const out: DestinationOperation[] = [];
  for (const action of ACTIONS) {
    for (const mode of action.modes) {
      if (WHOLE_MODEL_MODES.includes(mode)) continue;
      const syncMode = OPERATION_SYNC_MODES[action.name]?.[mode];
      if (!syncMode) continue;
      out.push({
        object_name: action.name,
        sync_mode: syncMode,
        json_schema: actionJsonSchema(action.fields),
        matching_keys: matchingKeys(action),
      });
    }
  }
  return out;
}

/** The action and mode an operation stands for, or undefined. */
export function operationAction(
  objectName: string,
  syncMode: string | undefined,
): { action: ActionDefinition; mode: string } | undefined {
  const action = getAction(objectName);
  const modes = OPERATION_SYNC_MODES[objectName];
  if (!action || !modes) return undefined;
  const mode =
    syncMode === undefined
      ? Object.keys(modes)[0]
      : Object.entries(modes).find(([, m]) => m === syncMode)?.[0];
  return mode ? { action, mode } : undefined;
}
