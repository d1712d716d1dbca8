/**
 * The extract target behind `airbyte read` and `singer tap`: instead of writing a table, a commit
 * prints the page's records and then the stream's state, in that order, on the protocol output.
 *
 * The runner commits every page together with the state that says where to continue, and waits
 * for the commit before it moves that stream on; here the commit is "records written, then state
 * written", so a state message is printed only after every record it covers. A consumer that
 * stores the records and then the state (an Airbyte destination, a Singer target) resumes from
 * that state without a gap: `--state` seeds `readState`, and the runner continues each stream
 * from its saved page links (a full refresh too: it is resumable) or its cursor.
 *
 * Membership removals (`markDeleted`) need the rows a table holds; a record stream has none, so
 * they are not expressed (read memberships with full_refresh to get the current members).
 */
import type { Column, Row, StreamState, Target } from "../extract/types.js";

export interface EmitHooks {
  /** The rows of one committed page of `stream` (never empty). */
  records(stream: string, rows: Row[]): Promise<void>;
  /** The stream's state after a commit; `records` is how many rows that commit carried. */
  state(stream: string, state: StreamState, records: number): Promise<void>;
}

export class EmitTarget implements Target {
  readonly description = "protocol output";
  private readonly states: Map<string, StreamState>;
  private readonly emitted = new Map<string, number>();
  private stop: AbortController | undefined;

  constructor(
    private readonly hooks: EmitHooks,
    initial: ReadonlyMap<string, StreamState> = new Map(),
  ) {
    this.states = new Map(initial);
  }

  /**
   * Aborts `controller` when printing fails (the reader of stdout went away): every stream then
   * stops, instead of each going on to fail at its own next page.
   */
  stopOnFailure(controller: AbortController): void {
    this.stop = controller;
  }

  private async emit(print: () => Promise<void>): Promise<void> {
    try {
      await print();
    } catch (err) {
      this.stop?.abort(err);
      throw err;
    }
  }

  async open(): Promise<void> {}

  async close(): Promise<void> {}

  async readState(stream: string): Promise<StreamState | undefined> {
    return this.states.get(stream);
  }

  /** Every stream's latest state (the input state for streams this run did not touch). */
  allStates(): ReadonlyMap<string, StreamState> {
    return this.states;
  }

  async ensureTable(
    _table: string,
    _columns: readonly Column[],
    _primaryKey: readonly string[],
  ): Promise<void> {}

  async commit(batch: Parameters<Target["commit"]>[0]): Promise<void> {
    const stream = batch.state.stream;
    if (batch.rows.length > 0) {
      await this.emit(() => this.hooks.records(stream, batch.rows));
      this.emitted.set(stream, (this.emitted.get(stream) ?? 0) + batch.rows.length);
    }
    this.states.set(stream, batch.state);
    await this.emit(() => this.hooks.state(stream, batch.state, batch.rows.length));
  }

  async swap(_table: string, _staging: string, state: StreamState): Promise<void> {
    this.states.set(state.stream, state);
    await this.emit(() => this.hooks.state(state.stream, state, 0));
  }

  async dropTable(_table: string): Promise<void> {}

  /** Records printed for a stream (tables are stream names here). */
  async count(table: string): Promise<number> {
    return this.emitted.get(table) ?? 0;
  }
}
