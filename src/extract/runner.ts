/**
 * The extract runner: interprets stream definitions against the client and a target.
 *
 * Exactly-once rests on three rules: every page is committed together with the state that says
 * where to continue (the next page link, per partition, parent or time window); rows are merged by
 * primary key, so a page read twice after a crash changes nothing; and the cursor for the next
 * run is the moment this run began (minus the lookback), never a value read from the data, so it
 * can neither skip records nor run ahead of the clock. Full refreshes fill a staging table and
 * swap it in with the final state, so readers never see a half-written table.
 */
import { randomUUID } from "node:crypto";
import { cpus } from "node:os";
import { ConfigError, KlaviyoError, NetworkError, ValidationError } from "../client/errors.js";
import type { KlaviyoClient } from "../client/index.js";
import { getOperation } from "../client/operations.js";
import type { OperationKey } from "../client/typed.js";
import { HeapGuard } from "./heap-guard.js";
import { PageDecoder } from "./page-decoder.js";
import type { ExtractOptions, ExtractResult, StreamResult, StreamSelection } from "./runner-api.js";
import { getStream, STREAMS } from "./streams/index.js";
import {
  type ApiResource,
  type Column,
  DELETED_COLUMN,
  META_COLUMNS,
  type Row,
  type StreamDefinition,
  type StreamState,
  type SyncMode,
  type Target,
} from "./types.js";

const DAY_MS = 86_400_000;
const DONE = "done";

interface Page {
  data?: ApiResource[];
  included?: ApiResource[];
  links?: { next?: string | null };
}

function iso(d: Date): string {
  return d.toISOString();
}

/**
 * The millisecond before a timestamp: `greater-than` of it reads what `greater-or-equal` would, for
 * fields (profiles', lists' and segments' `updated`) that allow only greater-than. A run reads up to
 * `less-than` the moment it began and the next one from that moment: `greater-than` of the moment
 * itself would skip a record stamped exactly then. A cursor that is not a timestamp is kept.
 */
function justBefore(value: string): string {
  const t = Date.parse(value);
  return Number.isNaN(t) ? value : iso(new Date(t - 1));
}

/** The machine's CPU time, idle and in all, over every core since boot (ms). */
function machineCpu(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const c of cpus()) {
    idle += c.times.idle;
    total += c.times.idle + c.times.user + c.times.sys + c.times.nice + c.times.irq;
  }
  return { idle, total };
}

/**
 * A stream's units, read by workers that can be added while it runs (`widen`): a windowed stream
 * starts with a few windows at once and adds more when Klaviyo's answers are slow (see
 * `StreamRun.adaptWindows`). After a unit fails no worker takes another; `done` reports the
 * first failure, or resolves when every worker has finished.
 */
class UnitPool<T> {
  private next = 0;
  private active = 0;
  private failure: { err: unknown } | undefined;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly items: readonly T[],
    private readonly fn: (item: T) => Promise<void>,
  ) {}

  /** Starts workers until `n` run, or every unit has been taken. */
  widen(n: number): void {
    while (this.active < n && this.next < this.items.length && !this.failure) this.spawn();
  }

  private spawn(): void {
    this.active++;
    void (async () => {
      try {
        while (!this.failure && this.next < this.items.length) await this.fn(this.items[this.next++] as T);
      } catch (err) {
        this.failure ??= { err };
      } finally {
        this.active--;
        for (const wake of this.waiters.splice(0)) wake();
      }
    })();
  }

  async done(): Promise<void> {
    while (this.active > 0 && !this.failure) await new Promise<void>((r) => this.waiters.push(r));
    if (this.failure) throw this.failure.err;
  }
}

/** Runs `fn` over `items`, at most `limit` at once (see UnitPool for failures). */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const p = new UnitPool(items, fn);
  p.widen(Math.max(1, limit));
  await p.done();
}

export function tableColumns(def: StreamDefinition): Column[] {
  const cols = [...def.columns, ...META_COLUMNS];
  if (def.tracksDeletions) cols.push(DELETED_COLUMN);
  return cols;
}

/** A unit of reading: one partition, one parent, or one time window, each with its own position. */
interface Unit {
  key: string;
  /** Partition key (e.g. a campaign channel), passed to `toRow`. */
  partition?: string;
  query: Record<string, string>;
  path?: Record<string, string>;
  parentId?: string;
  /** For memberships in a full pass: mark rows of this parent not seen as deleted when done. */
  fullPass?: boolean;
}

/** A page waiting for its commit. */
interface PendingPage {
  unitKey: string;
  rows: Row[];
  reached: string;
  markDeleted?: { parentColumn: string; parentId: string; seenRunId: string; at: Date };
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Rows one grouped commit may hold (several pages from concurrent windows). */
const MAX_COMMIT_ROWS = 10_000;

class StreamRun {
  rows = 0;
  pages = 0;
  private pending: PendingPage[] = [];
  private committing = false;
  private state: StreamState;
  private readonly runId: string;
  private readonly startedAt: Date;
  private readonly mode: SyncMode;
  private readonly table: string;
  private readonly writeTable: string;
  private readonly columns: Column[];
  private readonly positions: Record<string, string>;
  private readonly resumed: boolean;
  private readonly fullPass: boolean;
  /** The pool reading the units and, for windowed streams, the response times seen so far. */
  private unitPool: UnitPool<Unit> | undefined;
  private latencySeen = { ms: 0, responses: 0 };
  private latencyMs: number | undefined;
  private cpuSeen = machineCpu();
  private pagesSeen = { pages: 0, at: performance.now() };

  constructor(
    private readonly opts: ExtractOptions,
    private readonly def: StreamDefinition,
    private readonly sel: StreamSelection,
    previous: StreamState | undefined,
    runId: string,
    now: Date,
    /** Decodes pages of streams with a row spec off the main thread (absent: decoded here). */
    private readonly decoder?: PageDecoder,
    /** Collects garbage after commits when the heap has grown well past what it holds. */
    private readonly heapGuard?: HeapGuard,
  ) {
    const wanted: SyncMode = sel.mode ?? def.defaultMode;
    this.mode = wanted === "incremental" && !def.cursor && !def.tracksDeletions ? "full-refresh" : wanted;
    this.table = sel.table ?? def.name;
    this.columns = tableColumns(def);
    const resume =
      previous?.inProgress && previous.inProgress.mode === this.mode ? previous.inProgress : undefined;
    this.resumed = !!resume;
    this.runId = resume?.runId ?? runId;
    this.startedAt = resume ? new Date(resume.startedAt) : now;
    this.positions = { ...(resume?.positions ?? {}) };
    this.writeTable = this.mode === "full-refresh" ? `${this.table}__staging` : this.table;
    const fullPassMs = (opts.fullPassHours ?? 24) * 3_600_000;
    this.fullPass =
      !!def.tracksDeletions &&
      (this.mode === "full-refresh" ||
        !previous?.lastFullPassAt ||
        this.startedAt.getTime() - Date.parse(previous.lastFullPassAt) >= fullPassMs ||
        (resume?.positions.__fullPass ?? "") === "1");
    if (this.fullPass) this.positions.__fullPass = "1";
    this.state = { stream: def.name, ...(previous ?? {}) };
  }

  get client(): KlaviyoClient {
    return this.opts.client;
  }

  get target(): Target {
    return this.opts.target;
  }

  /** Lower bound of this incremental read: last cursor (minus lookback), else start_date, else none. */
  private lowerBound(): string | null {
    // A stream whose rows are only reachable through its cursor filter (suppressions) always has one.
    const floor = this.def.cursor?.floor ?? null;
    if (this.mode !== "incremental") return floor;
    const lookback = this.sel.lookbackMs ?? this.def.defaultLookbackMs ?? 0;
    if (this.state.cursor) return iso(new Date(Date.parse(this.state.cursor) - lookback));
    if (this.sel.startDate) return iso(new Date(this.sel.startDate));
    return floor;
  }

  private baseQuery(): Record<string, string> {
    const q: Record<string, string> = { ...(this.def.query ?? {}) };
    for (const opt of this.sel.options ?? []) {
      const extra = this.def.options?.[opt];
      if (!extra) {
        throw new ConfigError(
          `Stream ${this.def.name} has no option "${opt}"${this.def.options ? ` (it has: ${Object.keys(this.def.options).join(", ")})` : ""}.`,
        );
      }
      // An option replaces the query keys it names (it lists the full value it needs).
      Object.assign(q, extra.query);
    }
    if (this.def.pageSize) q["page[size]"] = String(this.def.pageSize);
    return q;
  }

  private cursorFilters(from: string | null, to: string | null): string[] {
    const c = this.def.cursor;
    if (!c) return [];
    const parts: string[] = [];
    if (from) parts.push(`${c.lower}(${c.field},${c.lower === "greater-than" ? justBefore(from) : from})`);
    if (to && c.upper) parts.push(`${c.upper}(${c.field},${to})`);
    return parts;
  }

  private withFilter(q: Record<string, string>, extra: string[]): Record<string, string> {
    const parts = [q.filter, ...extra].filter((s): s is string => !!s);
    const out = { ...q };
    if (parts.length > 0) out.filter = parts.join(",");
    else delete out.filter;
    return out;
  }

  /** Parent ids, read from the API (recursively for grandparents). */
  private async parentIds(streamName: string): Promise<string[]> {
    const parentDef = getStream(streamName);
    if (!parentDef) throw new Error(`unknown parent stream ${streamName}`);
    const ids: string[] = [];
    const partitions = parentDef.partitions ?? [{ key: "", filter: "" }];
    const grand = parentDef.parent ? await this.parentIds(parentDef.parent.stream) : [undefined];
    for (const g of grand) {
      for (const p of partitions) {
        const query: Record<string, string> = p.filter ? { filter: p.filter } : {};
        const paginator = this.client.paginate(parentDef.operation as OperationKey, {
          query: query as never,
          ...(g !== undefined && parentDef.parent ? { path: { [parentDef.parent.param]: g } } : {}),
          ...(this.opts.signal ? { signal: this.opts.signal } : {}),
        });
        for await (const r of paginator) ids.push((r as { id: string }).id);
      }
    }
    return ids;
  }

  private async units(): Promise<Unit[]> {
    const base = this.baseQuery();
    const to = this.mode === "incremental" ? iso(this.startedAt) : null;
    const from = this.lowerBound();
    const sort = this.def.cursor?.sort;
    const cursorQuery = (q: Record<string, string>, fromValue: string | null, toValue: string | null) => {
      const out = this.withFilter(q, this.cursorFilters(fromValue, toValue));
      if (sort && this.mode === "incremental") out.sort = sort;
      return out;
    };
    if (this.def.parent) {
      const parent = this.def.parent;
      const ids = await this.parentIds(parent.stream);
      // A full pass over memberships reads everything (to find removals); otherwise only additions.
      const memberFrom = this.fullPass ? null : from;
      return ids.map((id) => ({
        key: `${parent.param}:${id}`,
        query: cursorQuery(base, memberFrom, this.fullPass ? null : to),
        path: { [parent.param]: id },
        parentId: id,
        fullPass: this.fullPass,
      }));
    }
    if (this.def.windowed && this.mode === "incremental" && this.def.cursor) {
      const end = this.startedAt.getTime();
      const start = from ? Date.parse(from) : await this.earliest(end);
      const windowMs = this.windowDays() * DAY_MS;
      const units: Unit[] = [];
      for (let a = start; a < end; a += windowMs) {
        const b = Math.min(end, a + windowMs);
        // The cursor's own bounds (definitions.test.ts: a windowed stream has an upper one).
        const q = this.withFilter(base, this.cursorFilters(iso(new Date(a)), iso(new Date(b))));
        if (sort) q.sort = sort;
        // The key names both ends: a resumed run with another window size must not apply a saved
        // position to a window it does not cover.
        units.push({ key: `window:${iso(new Date(a))}/${iso(new Date(b))}`, query: q });
      }
      return units;
    }
    const partitions = this.def.partitions ?? [{ key: "all", filter: "" }];
    return partitions.map((p) => ({
      key: `partition:${p.key}`,
      ...(this.def.partitions ? { partition: p.key } : {}),
      query: cursorQuery(this.withFilter(base, p.filter ? [p.filter] : []), from, to),
    }));
  }

  /** Days a window spans: the caller's, else the stream's, else 7. */
  private windowDays(): number {
    return this.opts.windowDays ?? this.def.windowDays ?? 7;
  }

  /** First run without a start date: the oldest record's time (one request), so no window is wasted. */
  private async earliest(fallback: number): Promise<number> {
    const c = this.def.cursor;
    if (!c?.sort) return fallback;
    const body = (await this.client.call(this.def.operation as OperationKey, {
      query: { ...(this.def.query ?? {}), sort: c.sort, "page[size]": "1" } as never,
      ...(this.opts.signal ? { signal: this.opts.signal } : {}),
    })) as Page;
    const first = body.data?.[0]?.attributes?.[c.field];
    const t = typeof first === "string" ? Date.parse(first) : Number.NaN;
    // Whole seconds, one second early: the window's lower bound is inclusive.
    return Number.isNaN(t) ? fallback : Math.floor(t / 1000) * 1000 - 1000;
  }

  /**
   * The state to commit with a page: the committed positions plus, in `advance`, the position this
   * very commit reaches. Never another unit's position before its own page is committed: windows
   * commit concurrently (and may land out of order on a pooled target), so a state that carried a
   * not-yet-committed position could be saved without its rows and skip them after a crash.
   */
  private inProgressState(advance: Record<string, string> = {}): StreamState {
    return {
      ...this.state,
      inProgress: {
        runId: this.runId,
        startedAt: iso(this.startedAt),
        mode: this.mode,
        positions: { ...this.positions, ...advance },
        ...(this.mode === "full-refresh" ? { staging: this.writeTable } : {}),
      },
    };
  }

  /**
   * One page of a unit as rows and its next link: parsed here and turned into rows by the
   * stream's `toRow`, or, for a stream with a row spec (events), its bytes decoded by the page
   * decoder's worker. Bytes that are not a whole page (a body cut short on the way) are read
   * again, as the client does for the pages it parses.
   */
  private async loadPage(unit: Unit, link: string | undefined): Promise<{ rows: Row[]; next?: string }> {
    const spec = this.def.rowSpec;
    if (spec && this.decoder) {
      for (let attempt = 1; ; attempt++) {
        const bytes = await this.fetchBytes(unit, link);
        const extractedAt = new Date();
        const page = await this.decoder.decode(bytes, spec);
        if (!page.error) {
          for (const row of page.rows) this.addMeta(row, extractedAt);
          return { rows: page.rows, ...(page.next ? { next: page.next } : {}) };
        }
        if (attempt >= 4)
          throw new NetworkError(
            `Klaviyo's response to ${this.def.operation} was cut short or is not valid JSON (${page.error}), ${attempt} times.`,
            { kind: "truncated", operationId: this.def.operation },
          );
      }
    }
    const body = await this.fetchPage(unit, link);
    const next = body.links?.next ?? undefined;
    return { rows: this.toRows(body, unit, new Date()), ...(next ? { next } : {}) };
  }

  private fetchBytes(unit: Unit, link: string | undefined): Promise<Uint8Array> {
    const signal = this.opts.signal ? { signal: this.opts.signal } : {};
    if (link) return this.client.requestBytes("GET", link, signal);
    const op = getOperation(this.def.operation as OperationKey);
    if (!op) throw new ConfigError(`Unknown Klaviyo operation "${this.def.operation}".`);
    return this.client.requestBytes(op.method, op.path, {
      query: unit.query,
      ...(unit.path ? { path: unit.path } : {}),
      ...signal,
    });
  }

  private addMeta(row: Row, extractedAt: Date): void {
    row._extracted_at = extractedAt;
    row._run_id = this.runId;
    if (this.def.tracksDeletions) row._deleted_at = null;
  }

  private toRows(page: Page, unit: Unit, extractedAt: Date): Row[] {
    const included = page.included ?? [];
    return (page.data ?? []).map((r) => {
      const row = this.def.toRow(r, {
        ...(unit.parentId ? { parentId: unit.parentId } : {}),
        ...(unit.partition ? { partition: unit.partition } : {}),
        included,
      });
      this.addMeta(row, extractedAt);
      return row;
    });
  }

  /** One page of a unit: from a page link, else the unit's first query. */
  private async fetchPage(unit: Unit, link: string | undefined): Promise<Page> {
    const signal = this.opts.signal ? { signal: this.opts.signal } : {};
    if (link) return (await this.client.request("GET", link, signal)) as Page;
    return (await this.client.call(this.def.operation as OperationKey, {
      query: unit.query as never,
      ...(unit.path ? { path: unit.path } : {}),
      ...signal,
    })) as Page;
  }

  /**
   * Commits a unit's page with the state that records its position. Pages that arrive while a
   * commit is running wait and then go together in the next one (one transaction, one state
   * carrying every position they reach), so concurrent windows cost one commit, not one each.
   */
  private commitPage(page: Omit<PendingPage, "resolve" | "reject">): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ ...page, resolve, reject });
      if (!this.committing) void this.drainCommits();
    });
  }

  private async drainCommits(): Promise<void> {
    this.committing = true;
    try {
      while (this.pending.length > 0) {
        const group = this.nextCommitGroup();
        const first = group[0] as PendingPage;
        const advance: Record<string, string> = {};
        for (const p of group) advance[p.unitKey] = p.reached;
        try {
          await this.target.commit({
            table: this.writeTable,
            columns: this.columns,
            primaryKey: this.def.primaryKey,
            rows: group.length === 1 ? first.rows : group.flatMap((p) => p.rows),
            write: "merge",
            state: this.inProgressState(advance),
            ...(first.markDeleted ? { markDeleted: first.markDeleted } : {}),
          });
        } catch (err) {
          for (const p of group) p.reject(err);
          continue;
        }
        for (const p of group) this.positions[p.unitKey] = p.reached;
        for (const p of group) p.resolve();
        this.heapGuard?.check();
      }
    } finally {
      this.committing = false;
    }
  }

  /** The waiting pages that go in one commit: a page that marks deletions goes alone. */
  private nextCommitGroup(): PendingPage[] {
    const first = this.pending.shift() as PendingPage;
    const group = [first];
    if (first.markDeleted) return group;
    let rows = first.rows.length;
    while (this.pending.length > 0) {
      const p = this.pending[0] as PendingPage;
      if (p.markDeleted || rows + p.rows.length > MAX_COMMIT_ROWS) break;
      group.push(p);
      rows += p.rows.length;
      this.pending.shift();
    }
    return group;
  }

  private async readUnit(unit: Unit): Promise<void> {
    let position = this.positions[unit.key];
    if (position === DONE) return;
    // The next page, read while the previous one commits (a unit's reads are sequential, so this
    // halves the time per page when commits take as long as reads).
    let ahead: Promise<{ rows: Row[]; next?: string }> | undefined;
    for (;;) {
      this.opts.signal?.throwIfAborted();
      let page: { rows: Row[]; next?: string };
      try {
        page = await (ahead ?? this.loadPage(unit, position));
      } catch (err) {
        ahead = undefined;
        // A saved page link the server no longer accepts: start this unit again (merge makes it safe).
        if (position && err instanceof ValidationError && err.parameter === "page[cursor]") {
          position = undefined;
          continue;
        }
        throw err;
      }
      const { next, rows } = page;
      ahead = next ? this.loadPage(unit, next) : undefined;
      // Awaited on the next turn; a failure here is reported there (or dropped with a failed commit).
      ahead?.catch(() => {});
      const reached = next ?? DONE;
      const last = !next;
      await this.commitPage({
        unitKey: unit.key,
        rows,
        reached,
        ...(last && unit.fullPass && unit.parentId && this.def.parent
          ? {
              markDeleted: {
                parentColumn: this.def.parent.column,
                parentId: unit.parentId,
                seenRunId: this.runId,
                at: this.startedAt,
              },
            }
          : {}),
      });
      this.rows += rows.length;
      this.pages++;
      this.adaptWindows();
      this.opts.onProgress?.({
        type: "page",
        stream: this.def.name,
        rows: rows.length,
        totalRows: this.rows,
        pages: this.pages,
      });
      if (last) return;
      position = next;
    }
  }

  /** What this run would read, without reading anything (for --dry-run). */
  plan(previous: StreamState | undefined): {
    stream: string;
    mode: SyncMode;
    from: string | null;
    requests: string[];
  } {
    const base = this.baseQuery();
    const from = this.lowerBound();
    const q = new URLSearchParams(
      this.withFilter(
        base,
        this.cursorFilters(from, this.mode === "incremental" ? iso(this.startedAt) : null),
      ),
    );
    const first = `${this.def.operation} ?${decodeURIComponent(q.toString())}`;
    const requests = this.def.parent
      ? [
          `${first} once per ${this.def.parent.stream} row${this.fullPass ? " (full pass: removals are recorded)" : ""}`,
        ]
      : this.def.windowed && this.mode === "incremental"
        ? [
            `${first} in ${this.windowDays()}-day windows from ${from ?? `the oldest ${this.def.cursor?.field ?? "record"}`} to ${iso(this.startedAt)}`,
          ]
        : this.def.partitions
          ? this.def.partitions.map((p) => `${first} for ${p.key}`)
          : [first];
    if (previous?.inProgress)
      requests.unshift(`resumes run ${previous.inProgress.runId} started ${previous.inProgress.startedAt}`);
    return { stream: this.def.name, mode: this.mode, from, requests };
  }

  /**
   * Reads more windows at once when Klaviyo answers slowly. A window reads its pages one after
   * another, so W windows send at most about W requests per response time: at 300 ms a page, the
   * default four windows read about 13 pages a second where the steady limit of get_events allows
   * 58. After each page the average response time of the last requests (`latencyMs`, smoothed)
   * gives the windows needed to keep the operation's steady rate busy, with a quarter more for
   * slack: more windows are started, up to `maxWindowConcurrency` (never fewer than at the start).
   * Answers under 200 ms (the emulator: about 20 ms) keep the default, and with it the memory of
   * a few pages in flight; so does a busy machine, whose slow responses are its own (the windows are
   * also bounded by the pages a second its CPU can handle). A `windowConcurrency` the caller set
   * is kept.
   */
  private adaptWindows(): void {
    const windows = this.unitPool;
    if (!windows || !this.def.windowed || this.opts.windowConcurrency !== undefined) return;
    const s = this.client.stats;
    const responses = s.timedResponses - this.latencySeen.responses;
    if (responses < 4) return;
    const avg = (s.responseMs - this.latencySeen.ms) / responses;
    this.latencySeen = { ms: s.responseMs, responses: s.timedResponses };
    this.latencyMs = this.latencyMs === undefined ? avg : 0.6 * this.latencyMs + 0.4 * avg;
    // Responses also wait for this machine, so more windows help only while it has CPU to spare:
    // the pages a second it could handle (those handled ÷ the share of its CPU time in use) bound
    // the windows worth reading (rate × response time), with a fifth kept free.
    const now = performance.now();
    const seconds = (now - this.pagesSeen.at) / 1000;
    const cpu = machineCpu();
    const busy = 1 - (cpu.idle - this.cpuSeen.idle) / Math.max(1, cpu.total - this.cpuSeen.total);
    const pagesPerSecond = (this.pages - this.pagesSeen.pages) / Math.max(seconds, 1e-3);
    this.cpuSeen = cpu;
    this.pagesSeen = { pages: this.pages, at: now };
    // Answers quicker than 200 ms are a near server or this machine's own backlog (four windows
    // at 35 pages a second wait 114 ms each): more windows would only hold more pages.
    if (this.latencyMs < 200) return;
    const capacity = pagesPerSecond / Math.max(busy, 0.05);
    const steady = getOperation(this.def.operation as OperationKey)?.steady ?? 60;
    const rate = Math.min(steady / 60, 0.8 * capacity);
    const wanted = Math.ceil((rate * this.latencyMs * 1.25) / 1000);
    windows.widen(Math.min(this.opts.maxWindowConcurrency ?? 32, Math.max(4, wanted)));
  }

  async run(): Promise<void> {
    this.opts.onProgress?.({
      type: "stream-start",
      stream: this.def.name,
      mode: this.mode,
      resumed: this.resumed,
      from: this.lowerBound(),
    });
    if (this.mode === "full-refresh" && !this.resumed) await this.target.dropTable(this.writeTable);
    await this.target.ensureTable(this.writeTable, this.columns, this.def.primaryKey);
    const units = await this.units();
    // Positions of units that no longer exist (e.g. a deleted list) are dropped.
    const keys = new Set(units.map((u) => u.key));
    for (const k of Object.keys(this.positions))
      if (!keys.has(k) && k !== "__fullPass") delete this.positions[k];
    if (this.def.windowed) {
      const s = this.client.stats;
      this.latencySeen = { ms: s.responseMs, responses: s.timedResponses };
    }
    this.unitPool = new UnitPool(units, (u) => this.readUnit(u));
    this.unitPool.widen(this.def.windowed ? (this.opts.windowConcurrency ?? 4) : 1);
    await this.unitPool.done();
    // Memberships of parents that disappeared (a deleted list): mark all their rows removed.
    let parents: string[] | undefined;
    if (this.fullPass && this.def.parent) {
      parents = units.flatMap((u) => (u.parentId ? [u.parentId] : []));
      const current = new Set(parents);
      for (const gone of this.state.parents ?? []) {
        if (current.has(gone)) continue;
        await this.target.commit({
          table: this.writeTable,
          columns: this.columns,
          primaryKey: this.def.primaryKey,
          rows: [],
          write: "merge",
          state: this.inProgressState(),
          markDeleted: {
            parentColumn: this.def.parent.column,
            parentId: gone,
            seenRunId: this.runId,
            at: this.startedAt,
          },
        });
      }
    }
    const completedAt = iso(new Date());
    const final: StreamState = {
      ...this.state,
      cursor: this.mode === "incremental" ? iso(this.startedAt) : (this.state.cursor ?? null),
      inProgress: null,
      lastRunId: this.runId,
      lastCompletedAt: completedAt,
      ...(this.fullPass ? { lastFullPassAt: iso(this.startedAt) } : {}),
      ...(parents ? { parents } : {}),
    };
    if (this.mode === "full-refresh") {
      await this.target.swap(this.table, this.writeTable, final);
    } else {
      await this.target.commit({
        table: this.table,
        columns: this.columns,
        primaryKey: this.def.primaryKey,
        rows: [],
        write: "merge",
        state: final,
      });
    }
  }
}

/** Resolves a stream selection, with a did-you-mean for unknown names. */
export function resolveStreams(
  selections: readonly StreamSelection[],
): Array<{ def: StreamDefinition; sel: StreamSelection }> {
  return selections.map((sel) => {
    const def = getStream(sel.name);
    if (!def)
      throw new ConfigError(
        `Unknown stream "${sel.name}". Streams: ${STREAMS.map((s) => s.name).join(", ")}.`,
      );
    return { def, sel };
  });
}

export async function runExtract(opts: ExtractOptions): Promise<ExtractResult> {
  const startedAt = opts.now ? opts.now() : new Date();
  const runId = `${iso(startedAt).replace(/[-:.]/g, "").slice(0, 15)}-${randomUUID().slice(0, 8)}`;
  const selected = resolveStreams(opts.streams);
  if (opts.dryRun) {
    const plan: NonNullable<ExtractResult["plan"]> = [];
    for (const { def, sel } of selected) {
      const previous = await opts.target.readState(def.name);
      const run = new StreamRun(opts, def, sel, previous, runId, startedAt);
      plan.push(run.plan(previous));
    }
    return { runId, startedAt, results: [], plan };
  }
  // One run per target at a time: a second one is refused here, before it reads or writes anything.
  const release = await opts.target.lockWriter?.();
  try {
    return await extractStreams(opts, selected, runId, startedAt);
  } finally {
    await release?.();
  }
}

async function extractStreams(
  opts: ExtractOptions,
  selected: Array<{ def: StreamDefinition; sel: StreamSelection }>,
  runId: string,
  startedAt: Date,
): Promise<ExtractResult> {
  const results: StreamResult[] = [];
  const decoder =
    opts.decodePages !== "main" && selected.some(({ def }) => def.rowSpec) ? new PageDecoder() : undefined;
  const heapGuard = opts.heapGuard === false ? undefined : new HeapGuard(opts.heapGuard);
  try {
    await runStreams(opts, selected, runId, startedAt, results, decoder, heapGuard);
  } finally {
    await decoder?.close();
  }
  const order = new Map(selected.map(({ def }, i) => [def.name, i]));
  results.sort((a, b) => (order.get(a.stream) ?? 0) - (order.get(b.stream) ?? 0));
  return {
    runId,
    startedAt,
    results,
    ...(heapGuard?.active
      ? { heapGuard: { collections: heapGuard.collections, ms: Math.round(heapGuard.ms) } }
      : {}),
  };
}

async function runStreams(
  opts: ExtractOptions,
  selected: ReturnType<typeof resolveStreams>,
  runId: string,
  startedAt: Date,
  results: StreamResult[],
  decoder: PageDecoder | undefined,
  heapGuard: HeapGuard | undefined,
): Promise<void> {
  await pool(selected, opts.concurrency ?? 4, async ({ def, sel }) => {
    const t0 = Date.now();
    let run: StreamRun | undefined;
    try {
      const previous = await opts.target.readState(def.name);
      run = new StreamRun(opts, def, sel, previous, runId, startedAt, decoder, heapGuard);
      await run.run();
      const ms = Date.now() - t0;
      results.push({
        stream: def.name,
        status: "ok",
        mode: sel.mode ?? def.defaultMode,
        rows: run.rows,
        pages: run.pages,
        ms,
      });
      opts.onProgress?.({ type: "stream-done", stream: def.name, rows: run.rows, pages: run.pages, ms });
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      const ms = Date.now() - t0;
      results.push({
        stream: def.name,
        status: "failed",
        mode: sel.mode ?? def.defaultMode,
        rows: run?.rows ?? 0,
        pages: run?.pages ?? 0,
        ms,
        error,
      });
      opts.onProgress?.({
        type: "stream-failed",
        stream: def.name,
        error,
        rows: run?.rows ?? 0,
        pages: run?.pages ?? 0,
        ms,
      });
      // Configuration problems and aborts stop everything; API failures stop only their stream.
      if (err instanceof ConfigError && !(err instanceof KlaviyoError && err.status)) throw err;
      if (opts.signal?.aborted) throw err;
    }
  });
}
