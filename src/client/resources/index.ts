/**
 * The resource groups of the client: thin typed wrappers over `BaseClient.call` / `paginate`,
 * one file per group. `createResources(client).profiles.list()` and so on.
 */
import type { BaseClient } from "../client.js";
import { accountsResource } from "./accounts.js";
import { campaignsResource } from "./campaigns.js";
import { catalogResource } from "./catalog.js";
import { couponsResource } from "./coupons.js";
import { dataPrivacyResource } from "./data-privacy.js";
import { eventsResource } from "./events.js";
import { flowsResource } from "./flows.js";
import { imagesResource } from "./images.js";
import { listsResource } from "./lists.js";
import { metricsResource } from "./metrics.js";
import { profilesResource } from "./profiles.js";
import { segmentsResource } from "./segments.js";
import { subscriptionsResource } from "./subscriptions.js";
import { tagGroupsResource, tagsResource } from "./tags.js";
import { templatesResource } from "./templates.js";

export function createResources(client: BaseClient) {
  return {
    accounts: accountsResource(client),
    campaigns: campaignsResource(client),
    events: eventsResource(client),
    flows: flowsResource(client),
    images: imagesResource(client),
    lists: listsResource(client),
    metrics: metricsResource(client),
    profiles: profilesResource(client),
    subscriptions: subscriptionsResource(client),
    segments: segmentsResource(client),
    templates: templatesResource(client),
    tags: tagsResource(client),
    tagGroups: tagGroupsResource(client),
    catalog: catalogResource(client),
    coupons: couponsResource(client),
    dataPrivacy: dataPrivacyResource(client),
  };
}

export type Resources = ReturnType<typeof createResources>;

export type { CampaignChannel, CampaignSendAction } from "./campaigns.js";
export type { CouponCodesQuery } from "./coupons.js";
export type { DeletionTarget } from "./data-privacy.js";
export type { FlowStatus } from "./flows.js";
export type { ImageFile, ImageImportAttributes, ImageUploadAttributes } from "./images.js";
export { LIST_MEMBERSHIP_BATCH } from "./lists.js";
export {
  type BulkImportJob,
  type BulkImportJobResult,
  BulkImportJobTimeoutError,
  type ImportError,
  type WaitForBulkImportJobOptions,
} from "./profiles.js";
export type { DataOf, ListOptions, RequestOptions } from "./shared.js";
