/**
 * `singer tap`: the selected streams as a Singer stream on stdout. A SCHEMA message for each
 * stream comes first, then its RECORD messages page by page, each page followed by a STATE
 * message whose value holds every stream's bookmark (`{"bookmarks": {stream: state}}`), so the
 * last STATE a target saw is a complete state to resume from. Logs go to stderr.
 */
import type { KlaviyoClient } from "../../client/index.js";
import { getStream, STREAMS } from "../../extract/streams/index.js";
import type { StreamState } from "../../extract/types.js";
import type { SourceConfig } from "../config.js";
import { EmitTarget } from "../emit-target.js";
import { type OrderedSink, protocolRead, selectionFor, supportedModes } from "../extract.js";
import { errorMessage } from "../failure.js";
import { recordOf } from "../records.js";
import { recordMessage, type SelectedStream, schemaMessage, stateMessage } from "./catalog.js";

export interface SingerTapOptions {
  client: KlaviyoClient;
  config: SourceConfig;
  /** From `--catalog`; undefined: the streams the config names, else every stream, each in its default mode. */
  selected?: SelectedStream[];
  state: ReadonlyMap<string, StreamState>;
  sink: OrderedSink;
  log(level: "info" | "warn", message: string): void;
  signal?: AbortSignal;
}

/** The streams a tap reads without a catalog. */
export function defaultSelection(config: SourceConfig): SelectedStream[] {
  const defs = config.streams.size > 0 ? [...config.streams.keys()].map((n) => getStream(n)) : STREAMS;
  return defs.flatMap((def) =>
    def
      ? [
          {
            def,
            mode: supportedModes(def).includes(def.defaultMode) ? def.defaultMode : "full-refresh",
            excluded: new Set<string>(),
          },
        ]
      : [],
  );
}

/** Runs the tap; resolves to whether every stream completed. */
export async function singerTap(opts: SingerTapOptions): Promise<boolean> {
  const { sink } = opts;
  const selected = opts.selected ?? defaultSelection(opts.config);
  const byName = new Map(selected.map((s) => [s.def.name, s]));
  const selections = selected.map((s) => selectionFor(opts.config, s.def, s.mode, `stream ${s.def.name}`));
  const columns = new Map(
    selected.map((s) => [
      s.def.name,
      new Set(s.def.columns.map((c) => c.name).filter((c) => !s.excluded.has(c))),
    ]),
  );
  for (const s of selected) {
    await sink.write(
      schemaMessage(
        s.def,
        s.def.columns.filter((c) => !s.excluded.has(c.name)),
      ),
    );
  }
  const target: EmitTarget = new EmitTarget(
    {
      records: async (stream, rows) => {
        const s = byName.get(stream);
        if (!s) return;
        const only = columns.get(stream);
        for (const row of rows) {
          const at = row._extracted_at instanceof Date ? row._extracted_at : new Date();
          await sink.write(recordMessage(stream, recordOf(row, s.def, only), at.toISOString()), "data");
        }
      },
      state: async () => {
        await sink.write(stateMessage({ bookmarks: Object.fromEntries(target.allStates()) }), "data");
      },
    },
    opts.state,
  );
  let failures = 0;
  const { fatal } = await protocolRead({
    client: opts.client,
    config: opts.config,
    selections,
    target,
    ...(opts.signal ? { signal: opts.signal } : {}),
    events: {
      started: (stream) => opts.log("info", `${stream}: started`),
      completed: (stream, rows) => opts.log("info", `${stream}: ${rows} records`),
      failed: (stream, error) => {
        failures++;
        opts.log("warn", `${stream}: failed: ${errorMessage(error)}`);
      },
    },
  });
  await sink.drain();
  if (fatal !== undefined) throw fatal;
  return failures === 0;
}
