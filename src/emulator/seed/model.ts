/** Shapes shared by the seeding modules. */

/** Metric codes: the index of each metric in `SeededEvents.metricIds`. */
export const PLACED_ORDER = 0;
export const ORDERED_PRODUCT = 1;
export const VIEWED_PRODUCT = 2;
export const RECEIVED_EMAIL = 3;
export const OPENED_EMAIL = 4;
export const CLICKED_EMAIL = 5;
export const ACTIVE_ON_SITE = 6;

export interface MetricSeed {
  name: string;
  integration: { object: "integration"; id: string; key: string; name: string; category: string };
}

const SHOPIFY = {
  object: "integration",
  id: "0eMvjm",
  key: "shopify",
  name: "Shopify",
  category: "eCommerce",
} as const;
const KLAVIYO = {
  object: "integration",
  id: "0rG4eQ",
  key: "klaviyo",
  name: "Klaviyo",
  category: "Internal",
} as const;
const API = { object: "integration", id: "7FtS4J", key: "api", name: "API", category: "API" } as const;

/** In metric-code order. */
export const METRICS: readonly MetricSeed[] = [
  { name: "Placed Order", integration: SHOPIFY },
  { name: "Ordered Product", integration: SHOPIFY },
  { name: "Viewed Product", integration: API },
  { name: "Received Email", integration: KLAVIYO },
  { name: "Opened Email", integration: KLAVIYO },
  { name: "Clicked Email", integration: KLAVIYO },
  { name: "Active on Site", integration: API },
];

/** A sent email an email event can refer to (a campaign send or a flow email). */
export interface EmailSend {
  /** Send time (ms); flow emails use 0. */
  time: number;
  name: string;
  subject: string;
  /** Campaign-message or flow-message id (absent when the rows are not seeded). */
  messageId?: string;
  /** Flow id, for flow emails. */
  flowId?: string;
}

/** Email consent codes held per profile while seeding. */
export const NEVER = 0;
export const SUBSCRIBED = 1;
export const UNSUBSCRIBED = 2;

/** Suppression reason codes (0 = none). */
export const SUPPRESSION_REASONS = [
  "",
  "UNSUBSCRIBE",
  "HARD_BOUNCE",
  "SPAM_COMPLAINT",
  "USER_SUPPRESSED",
  "INVALID_EMAIL",
] as const;

/**
 * What the seeder decides about each profile before generating events, in typed arrays (a few
 * bytes per profile even at a million profiles).
 */
export interface Population {
  count: number;
  /** Creation time (ms), ascending. */
  created: Float64Array;
  /** Email consent code (NEVER / SUBSCRIBED / UNSUBSCRIBED); 255 = no email address. */
  email: Uint8Array;
  /** Index into SUPPRESSION_REASONS. */
  suppression: Uint8Array;
  /** SMS consent code; 255 = no phone number. */
  sms: Uint8Array;
  /** City index (into CITIES). */
  city: Uint8Array;
  /** Fictional phone number slot (see people.ts), -1 for none. */
  phoneSlot: Int32Array;
  /** Filled by event generation. */
  lastEvent: Float64Array;
  lastOrder: Float64Array;
  firstOrder: Float64Array;
  lastEngaged: Float64Array;
  orders: Uint16Array;
  spend: Float64Array;
}
