/**
 * The Singer tap and target in-process against the emulator: discovery, selection by catalog
 * metadata (streams, replication method, fields), bookmarks, and the target passing state values
 * on only once Klaviyo holds what they cover. Every message is validated against the Singer
 * message schema (and each record against its SCHEMA).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import type { StreamState } from "../../src/extract/types.js";
import { openLoadState } from "../../src/load/state/index.js";
import { parseDestinationConfig, parseSourceConfig } from "../../src/protocol/config.js";
import { OrderedSink } from "../../src/protocol/extract.js";
import { type LineSink, MemorySink } from "../../src/protocol/io.js";
import { parseSingerState, selectedStreams, singerCatalog } from "../../src/protocol/singer/catalog.js";
import { singerTap } from "../../src/protocol/singer/tap.js";
import { singerTarget } from "../../src/protocol/singer/target.js";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../helpers/emulator.js";
import { singerCatalogProblems, singerProblems } from "./helpers.js";

let src: TestEmulator;
let dst: TestEmulator;
let dir: string;

beforeAll(async () => {
  [src, dst] = await Promise.all([
    startTestEmulator({ seed: { preset: "demo", profiles: 150, events: 300 } }),
    startTestEmulator({ seed: "none" }),
  ]);
  dir = mkdtempSync(join(tmpdir(), "ks-singer-"));
});

afterAll(async () => {
  await Promise.all([src.close(), dst.close()]);
  rmSync(dir, { recursive: true, force: true });
});

type Msg = Record<string, unknown> & { type: string };

async function tap(options: { catalog?: unknown; state?: unknown; config?: Record<string, unknown> } = {}) {
  const memory = new MemorySink();
  const logs: string[] = [];
  const config = parseSourceConfig({ api_key: TEST_KEY, base_url: src.url, ...options.config });
  const ok = await singerTap({
    client: src.client(),
    config,
    ...(options.catalog ? { selected: selectedStreams(options.catalog) } : {}),
    state: parseSingerState(options.state),
    sink: new OrderedSink(memory),
    log: (_level, m) => logs.push(m),
  });
  return { ok, messages: memory.messages as Msg[], logs };
}

/** The discovered catalog with `select` streams selected (and their replication method). */
function catalogSelecting(select: Record<string, { method?: string; deselect?: string[] }>) {
  const catalog = singerCatalog();
  for (const entry of catalog.streams) {
    const choice = select[entry.tap_stream_id as string];
    if (!choice) continue;
    const metadata = entry.metadata as Array<{ breadcrumb: string[]; metadata: Record<string, unknown> }>;
    const root = metadata.find((m) => m.breadcrumb.length === 0);
    if (root) {
      root.metadata.selected = true;
      if (choice.method) root.metadata["replication-method"] = choice.method;
    }
    for (const col of choice.deselect ?? []) {
      const m = metadata.find((x) => x.breadcrumb[1] === col);
      if (m) m.metadata.selected = false;
    }
  }
  return catalog;
}

describe("singer tap", () => {
  it("--discover: a catalog of every stream with key properties, replication keys and field metadata", async () => {
    const config = join(dir, "tap.json");
    writeFileSync(config, JSON.stringify({ api_key: TEST_KEY, base_url: src.url }));
    const out: string[] = [];
    const code = await main(["node", "klaviyo-sync", "singer", "tap", "--config", config, "--discover"], {
      out: (t) => out.push(t),
      err: () => {},
    });
    expect(code).toBe(0);
    const catalog = JSON.parse(out.join("\n")) as { streams: Array<Record<string, unknown>> };
    expect(singerCatalogProblems(catalog)).toEqual([]);
    expect(catalog.streams).toHaveLength(22);
    const profiles = catalog.streams.find((s) => s.tap_stream_id === "profiles");
    const meta = profiles?.metadata as Array<{ breadcrumb: string[]; metadata: Record<string, unknown> }>;
    expect(meta[0]).toEqual({
      breadcrumb: [],
      metadata: {
        inclusion: "available",
        "table-key-properties": ["id"],
        "valid-replication-keys": ["updated"],
      },
    });
    expect(meta.find((m) => m.breadcrumb[1] === "id")?.metadata.inclusion).toBe("automatic");
    expect(meta.find((m) => m.breadcrumb[1] === "email")?.metadata.inclusion).toBe("available");
    const metrics = catalog.streams.find((s) => s.tap_stream_id === "metrics");
    const metricsMeta = (metrics?.metadata ?? []) as Array<{ metadata: Record<string, unknown> }>;
    expect(metricsMeta[0]?.metadata["forced-replication-method"]).toBe("FULL_TABLE");
  });

  it("reads the selected streams: SCHEMA first, records without deselected fields, STATE with every bookmark after each page", async () => {
    const catalog = catalogSelecting({
      profiles: { method: "INCREMENTAL", deselect: ["image", "location", "id"] },
      lists: { method: "FULL_TABLE" },
    });
    const { ok, messages } = await tap({ catalog, state: { bookmarks: { not_ours: { x: 1 } } } });
    expect(ok).toBe(true);
    expect(singerProblems(messages)).toEqual([]);
    expect(messages.slice(0, 2).map((m) => [m.type, m.stream])).toEqual([
      ["SCHEMA", "profiles"],
      ["SCHEMA", "lists"],
    ]);
    const schema = messages[0] as unknown as {
      schema: { properties: Record<string, unknown> };
      key_properties: string[];
    };
    expect(schema.key_properties).toEqual(["id"]);
    expect(Object.keys(schema.schema.properties)).not.toContain("image");
    // `id` is automatic (the key): it cannot be deselected.
    expect(Object.keys(schema.schema.properties)).toContain("id");
    const profiles = messages.filter((m) => m.type === "RECORD" && m.stream === "profiles");
    expect(profiles).toHaveLength(src.store.profiles.size);
    for (const r of profiles) {
      const rec = r.record as Record<string, unknown>;
      expect(rec).not.toHaveProperty("image");
      expect(rec).not.toHaveProperty("location");
      expect(rec.id).toEqual(expect.any(String));
      expect(Number.isNaN(Date.parse(String(r.time_extracted)))).toBe(false);
    }
    expect(messages.filter((m) => m.type === "RECORD" && m.stream === "lists")).toHaveLength(
      src.store.lists.size,
    );
    const states = messages
      .filter((m) => m.type === "STATE")
      .map((m) => m.value as { bookmarks: Record<string, StreamState> });
    const last = states[states.length - 1];
    expect(Object.keys(last?.bookmarks ?? {}).sort()).toEqual(["lists", "not_ours", "profiles"]);
    expect(last?.bookmarks.profiles?.inProgress).toBeNull();
    expect(last?.bookmarks.lists?.inProgress).toBeNull();
    expect(last?.bookmarks.profiles?.cursor).toEqual(expect.any(String));
    expect(messages[messages.length - 1]?.type).toBe("STATE");

    // From the last state, an incremental stream has nothing new.
    const again = await tap({ catalog, state: last });
    expect(again.messages.filter((m) => m.type === "RECORD" && m.stream === "profiles")).toHaveLength(0);
    expect(again.messages.filter((m) => m.type === "RECORD" && m.stream === "lists")).toHaveLength(
      src.store.lists.size,
    );
  });

  it("without a catalog, reads the streams the config names", async () => {
    const { ok, messages } = await tap({ config: { streams: { tag_groups: {} } } });
    expect(ok).toBe(true);
    expect(singerProblems(messages)).toEqual([]);
    expect(new Set(messages.map((m) => m.stream))).toEqual(new Set(["tag_groups", undefined]));
    expect(messages.filter((m) => m.type === "RECORD")).toHaveLength(src.store.tagGroups.size);
  });
});

describe("singer target", () => {
  it("loads records by stream and prints each state value only once Klaviyo holds the records before it", async () => {
    const lines = [
      { type: "SCHEMA", stream: "customers", schema: { type: "object" }, key_properties: ["cid"] },
      {
        type: "RECORD",
        stream: "customers",
        record: { cid: 1, mail: "s1@example.com", name: "One", tier: "a" },
      },
      {
        type: "RECORD",
        stream: "customers",
        record: { cid: 2, mail: "s2@example.com", name: "Two", tier: "b" },
      },
      { type: "STATE", value: { bookmarks: { customers: { cursor: 2 } } } },
      { type: "RECORD", stream: "customers", record: { cid: 3, mail: "s3@example.com", name: "Three" } },
      { type: "STATE", value: { bookmarks: { customers: { cursor: 3 } } } },
    ].map((m) => `${JSON.stringify(m)}\n`);
    const printed: Array<{ value: unknown; missing: string[] }> = [];
    const sink: LineSink = {
      async write(value) {
        const emails = ["s1@example.com", "s2@example.com", "s3@example.com"];
        const cursor = (value as { bookmarks: { customers: { cursor: number } } }).bookmarks.customers.cursor;
        printed.push({
          value,
          missing: emails.slice(0, cursor).filter((e) => !dst.store.profiles.byEmailAddress(e)),
        });
      },
    };
    const logs: string[] = [];
    const state = await openLoadState(join(dir, "target-state.duckdb"));
    try {
      await singerTarget({
        client: dst.client(),
        config: parseDestinationConfig({
          api_key: TEST_KEY,
          base_url: dst.url,
          flush_interval_seconds: 0,
          streams: {
            customers: {
              action: "profiles",
              mapping: { mail: "email", name: "first_name", tier: "properties.tier" },
            },
          },
        }),
        state,
        input: Readable.from(lines),
        sink: new OrderedSink(sink),
        log: (_level, m) => logs.push(m),
      });
    } finally {
      await state.close();
    }
    expect(printed).toEqual([
      { value: { bookmarks: { customers: { cursor: 2 } } }, missing: [] },
      { value: { bookmarks: { customers: { cursor: 3 } } }, missing: [] },
    ]);
    expect(dst.store.profiles.byEmailAddress("s2@example.com")?.properties).toEqual({ tier: "b" });
    expect(logs.join("\n")).toMatch(/customers: 3 records received; 3 succeeded/);
  });

  it("a record of a stream the config does not map stops the target", async () => {
    const state = await openLoadState(join(dir, "target-state-2.duckdb"));
    try {
      await expect(
        singerTarget({
          client: dst.client(),
          config: parseDestinationConfig({ api_key: TEST_KEY, base_url: dst.url, streams: {} }),
          state,
          input: Readable.from([
            `${JSON.stringify({ type: "RECORD", stream: "orders", record: { a: 1 } })}\n`,
          ]),
          sink: new OrderedSink(new MemorySink()),
          log: () => {},
        }),
      ).rejects.toThrow(/stream orders has no action in the config/);
    } finally {
      await state.close();
    }
  });
});
