/**
 * Fault injection for reliability tests: random server errors, connection resets, slow responses
 * and truncated bodies at a given rate, plus a deterministic plan ("fail the 3rd bulk import job",
 * "429 storm for 90 s") set at start, from a file, or through the admin API.
 */
import { prng } from "./store/ids.js";

export interface FaultConfig {
  /** Probability in [0, 1] that a request gets a random fault. */
  rate?: number;
  /** Which random faults to draw from (default all). */
  kinds?: Array<"500" | "503" | "reset" | "slow" | "truncate">;
  /** Delay for `slow` faults, ms (default 2,000: past a short client timeout). */
  slowMs?: number;
  plan?: FaultPlanStep[];
}

export interface FaultPlanStep {
  /** Operation path prefix or exact path the step applies to (e.g. `/api/profile-bulk-import-jobs`); default every /api path. */
  path?: string;
  method?: string;
  /** Apply to the Nth matching request (1-based)... */
  nth?: number;
  /** ...or to every matching request within [startMs, startMs + durationMs) of emulator time since the plan was set. */
  startMs?: number;
  durationMs?: number;
  fault:
    | { kind: "status"; status: number }
    | { kind: "reset" }
    | { kind: "slow"; delayMs: number }
    | { kind: "truncate" }
    | { kind: "storm"; retryAfter: number };
}

export interface InjectedFault {
  kind: "status" | "reset" | "slow" | "truncate" | "storm";
  status?: number;
  delayMs?: number;
  retryAfter?: number;
}

export class FaultInjector {
  private config: FaultConfig;
  private rand: () => number;
  private planSetAt = 0;
  private readonly seen = new Map<number, number>();
  /** Faults injected so far, by kind. */
  readonly injected: Record<string, number> = {};

  constructor(config: FaultConfig, seed: number) {
    this.config = config;
    this.rand = prng(seed ^ 0xfa017);
  }

  configure(config: FaultConfig, now: number): void {
    this.config = config;
    this.planSetAt = now;
    this.seen.clear();
  }

  get settings(): FaultConfig {
    return this.config;
  }

  private count(kind: string): void {
    this.injected[kind] = (this.injected[kind] ?? 0) + 1;
  }

  /** Decides the fault (if any) for a request, before it is handled. */
  before(pathname: string, method: string, now: number): InjectedFault | undefined {
    if (!this.planSetAt) this.planSetAt = now;
    const plan = this.config.plan ?? [];
    // Every step counts every request it matches, so "the 2nd request" means the same whatever other steps did.
    let chosen: FaultPlanStep | undefined;
    for (let i = 0; i < plan.length; i++) {
      const step = plan[i] as FaultPlanStep;
      if (step.path && !pathname.startsWith(step.path)) continue;
      if (step.method && step.method.toUpperCase() !== method.toUpperCase()) continue;
      let hit = false;
      if (step.nth !== undefined) {
        const n = (this.seen.get(i) ?? 0) + 1;
        this.seen.set(i, n);
        hit = n === step.nth;
      } else if (step.startMs !== undefined || step.durationMs !== undefined) {
        const t = now - this.planSetAt;
        hit =
          t >= (step.startMs ?? 0) && t < (step.startMs ?? 0) + (step.durationMs ?? Number.POSITIVE_INFINITY);
      }
      if (hit && !chosen) chosen = step;
    }
    if (chosen) {
      this.count(chosen.fault.kind);
      const f = chosen.fault;
      return {
        kind: f.kind,
        ...(f.kind === "status" ? { status: f.status } : {}),
        ...(f.kind === "slow" ? { delayMs: f.delayMs } : {}),
        ...(f.kind === "storm" ? { retryAfter: f.retryAfter } : {}),
      };
    }
    const rate = this.config.rate ?? 0;
    if (rate <= 0 || this.rand() >= rate) return undefined;
    const kinds = this.config.kinds ?? ["500", "503", "reset", "slow", "truncate"];
    const pick = kinds[Math.floor(this.rand() * kinds.length)] ?? "503";
    this.count(pick);
    if (pick === "500" || pick === "503") return { kind: "status", status: Number(pick) };
    if (pick === "slow") return { kind: "slow", delayMs: this.config.slowMs ?? 2000 };
    return { kind: pick };
  }
}
