/** Everything the emulated Klaviyo account holds. */
import type { Clock } from "../../client/types.js";
import type { Row } from "../jsonapi.js";
import { EventStore } from "./events.js";
import { IdGenerator } from "./ids.js";
import { ProfileStore } from "./profiles.js";
import { Table } from "./table.js";

/** A stored resource: JSON:API attributes as rendered, plus related ids by relationship name. */
export interface ResourceRow extends Row {
  relationships?: Record<string, string | string[] | null>;
}

export type JobStatus = "queued" | "processing" | "complete" | "cancelled";

/** An asynchronous job (bulk import, suppression, catalog bulk...). */
export interface JobRecord {
  id: string;
  /** JSON:API type, e.g. `profile-bulk-import-job`. */
  type: string;
  created: number;
  /** When it moves to processing and to complete (emulator time, ms). */
  processingAt: number;
  completeAt: number;
  cancelled?: boolean;
  total: number;
  /** Per-item failures: e.g. import errors with the offending item's original payload. */
  errors: Array<{
    id: string;
    code: string;
    title: string;
    detail: string;
    source?: { pointer?: string };
    original?: unknown;
  }>;
  /** Ids of the resources the job created or touched (profiles for an import). */
  resultIds: string[];
  listIds: string[];
  /** Applies the job's effect; run once when the job completes. */
  apply?: () => void;
  applied?: boolean;
  extra?: Record<string, unknown>;
}

export class EmulatorStore {
  readonly ids: IdGenerator;
  readonly profiles = new ProfileStore();
  readonly events = new EventStore();
  readonly metrics = new Table<ResourceRow>("metric");
  readonly lists = new Table<ResourceRow>("list");
  readonly segments = new Table<ResourceRow>("segment");
  /** list id → (profile id → joined_group_at ms) */
  readonly listMembers = new Map<string, Map<string, number>>();
  readonly segmentMembers = new Map<string, Map<string, number>>();
  readonly campaigns = new Table<ResourceRow>("campaign");
  readonly campaignMessages = new Table<ResourceRow>("campaign-message");
  readonly flows = new Table<ResourceRow>("flow");
  readonly flowActions = new Table<ResourceRow>("flow-action");
  readonly flowMessages = new Table<ResourceRow>("flow-message");
  readonly templates = new Table<ResourceRow>("template");
  readonly tags = new Table<ResourceRow>("tag");
  readonly tagGroups = new Table<ResourceRow>("tag-group");
  readonly catalogItems = new Table<ResourceRow>("catalog-item");
  readonly catalogVariants = new Table<ResourceRow>("catalog-variant");
  readonly catalogCategories = new Table<ResourceRow>("catalog-category");
  readonly coupons = new Table<ResourceRow>("coupon");
  readonly couponCodes = new Table<ResourceRow>("coupon-code");
  readonly images = new Table<ResourceRow>("image");
  readonly accounts = new Table<ResourceRow>("account");
  readonly jobs = new Map<string, JobRecord>();
  /** Data-privacy deletion requests received (for inspection). */
  readonly deletionRequests: Array<{ at: number; identifier: Record<string, string>; deleted: number }> = [];
  /** Jobs cancelled by fault plans etc. */
  readonly counters = { profilesCreated: 0, eventsCreated: 0, eventsDeduplicated: 0 };

  constructor(
    readonly seed: number,
    readonly clock: Clock,
  ) {
    this.ids = new IdGenerator(seed);
  }

  now(): number {
    return this.clock.now();
  }

  /** Every table, for reset and inspection. */
  tables(): Table<ResourceRow>[] {
    return [
      this.metrics,
      this.lists,
      this.segments,
      this.campaigns,
      this.campaignMessages,
      this.flows,
      this.flowActions,
      this.flowMessages,
      this.templates,
      this.tags,
      this.tagGroups,
      this.catalogItems,
      this.catalogVariants,
      this.catalogCategories,
      this.coupons,
      this.couponCodes,
      this.images,
      this.accounts,
    ];
  }

  reset(): void {
    this.profiles.clear();
    this.events.clear();
    for (const t of this.tables()) t.clear();
    this.listMembers.clear();
    this.segmentMembers.clear();
    this.jobs.clear();
    this.pending = [];
    this.deletionRequests.length = 0;
  }

  private pending: JobRecord[] = [];

  /** Registers a job; its effect is applied when its completion time comes (see `tick`). */
  addJob(job: JobRecord): JobRecord {
    this.jobs.set(job.id, job);
    if (job.apply) this.pending.push(job);
    return job;
  }

  /** Completes every job whose time has come. Called on every request and by a timer. */
  tick(): void {
    if (this.pending.length === 0) return;
    const now = this.now();
    const still: JobRecord[] = [];
    for (const job of this.pending) {
      if (job.cancelled) continue;
      if (now >= job.completeAt) this.jobState(job);
      else still.push(job);
    }
    this.pending = still;
  }

  /** Advances jobs whose time has come; completing a job applies its effect once. */
  jobState(job: JobRecord): JobStatus {
    if (job.cancelled) return "cancelled";
    const now = this.now();
    if (now >= job.completeAt) {
      if (!job.applied) {
        job.applied = true;
        job.apply?.();
      }
      return "complete";
    }
    return now >= job.processingAt ? "processing" : "queued";
  }

  /** The metric with this name, created on first use (as event ingestion does). */
  metricByName(name: string, integration = "API"): ResourceRow {
    const existing = this.metrics.find((m) => m.attributes.name === name);
    if (existing) return existing;
    const now = new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, "+00:00");
    return this.metrics.insert({
      id: this.ids.short(),
      attributes: {
        name,
        created: now,
        updated: now,
        integration: {
          object: "integration",
          id: integration === "API" ? "0rG4eQ" : this.ids.short(),
          key: integration.toLowerCase(),
          name: integration,
          category: integration === "API" ? "API" : "eCommerce",
        },
      },
    });
  }
}
