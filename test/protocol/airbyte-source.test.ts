/**
 * The Airbyte source in-process against the emulator: spec, discover, check and read, every
 * message validated against the Airbyte message schema (and each record against its stream's
 * schema from discover).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { STREAMS } from "../../src/extract/streams/index.js";
import type { StreamState } from "../../src/extract/types.js";
import { parseConfiguredCatalog } from "../../src/protocol/airbyte/messages.js";
import { airbyteRead } from "../../src/protocol/airbyte/source.js";
import { parseSourceConfig } from "../../src/protocol/config.js";
import { OrderedSink } from "../../src/protocol/extract.js";
import { MemorySink } from "../../src/protocol/io.js";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../helpers/emulator.js";
import { type AbMessage, airbyteProblems, streamOf } from "./helpers.js";

let emu: TestEmulator;
let dir: string;

beforeAll(async () => {
  emu = await startTestEmulator({ seed: { preset: "demo", profiles: 250, events: 600 } });
  dir = mkdtempSync(join(tmpdir(), "ks-airbyte-src-"));
});

afterAll(async () => {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

type Msg = AbMessage;

/** Runs the CLI in-process; returns its stdout lines as messages, its stderr, and the exit code. */
async function cli(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    ["node", "klaviyo-sync", ...args],
    { out: (t) => out.push(...t.split("\n").filter((l) => l !== "")), err: (t) => err.push(t) },
    env,
  );
  return { code, messages: out.map((l) => JSON.parse(l) as Msg), lines: out, stderr: err.join("\n") };
}

function file(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

const catalogOf = (streams: Array<{ name: string; sync_mode: string; cursor_field?: string[] }>) => ({
  streams: streams.map((s) => ({
    stream: { name: s.name, json_schema: {}, supported_sync_modes: ["full_refresh", "incremental"] },
    sync_mode: s.sync_mode,
    ...(s.cursor_field ? { cursor_field: s.cursor_field } : {}),
    destination_sync_mode: "append",
  })),
});

async function read(
  catalog: unknown,
  state: Map<string, StreamState> = new Map(),
  apiKey = TEST_KEY,
): Promise<{ ok: boolean; messages: Msg[] }> {
  const memory = new MemorySink();
  const sink = new OrderedSink(memory);
  const config = parseSourceConfig({ api_key: apiKey, base_url: emu.url });
  const ok = await airbyteRead({
    client: emu.client({ apiKey }),
    config,
    catalog: parseConfiguredCatalog(catalog),
    state,
    sink,
  });
  return { ok, messages: memory.messages as Msg[] };
}

describe("airbyte spec, discover, check", () => {
  it("spec: a valid SPEC whose connection specification is the config schema, the API key secret", async () => {
    const { code, messages, lines } = await cli(["airbyte", "spec"]);
    expect(code).toBe(0);
    expect(lines).toHaveLength(1);
    expect(airbyteProblems(messages)).toEqual([]);
    const spec = messages[0]?.spec;
    const props = spec?.connectionSpecification.properties as Record<string, Record<string, unknown>>;
    expect(props.api_key?.airbyte_secret).toBe(true);
    expect(spec?.connectionSpecification.required).toEqual(["api_key"]);
    expect(Object.keys(props)).toEqual(
      expect.arrayContaining(["base_url", "rate_limits", "start_date", "streams", "window_days"]),
    );

    const dest = await cli(["airbyte", "--destination", "spec"]);
    expect(airbyteProblems(dest.messages)).toEqual([]);
    const dspec = dest.messages[0]?.spec;
    expect(dspec?.supported_destination_sync_modes).toEqual([
      "append",
      "append_dedup",
      "update",
      "soft_delete",
    ]);
    const dprops = dspec?.connectionSpecification.properties as Record<string, Record<string, unknown>>;
    expect(dprops.api_key?.airbyte_secret).toBe(true);
    expect(Object.keys(dprops)).toEqual(expect.arrayContaining(["streams", "state", "batch_size"]));
    // The role can come from the environment (the destination image sets it).
    const byEnv = await cli(["airbyte", "spec"], { KLAVIYO_SYNC_AIRBYTE_ROLE: "destination" });
    expect(byEnv.messages[0]?.spec).toEqual(dspec);
  });

  it("discover: every extract stream with its schema, sync modes, primary key and cursor", async () => {
    const { code, messages } = await cli(["airbyte", "discover"]);
    expect(code).toBe(0);
    expect(airbyteProblems(messages)).toEqual([]);
    const streams = messages[0]?.catalog?.streams ?? [];
    expect(streams.map((s) => s.name)).toContain("profiles");
    expect(streams).toHaveLength(22);
    const profiles = streams.find((s) => s.name === "profiles");
    expect(profiles).toMatchObject({
      supported_sync_modes: ["full_refresh", "incremental"],
      source_defined_cursor: true,
      default_cursor_field: ["updated"],
      source_defined_primary_key: [["id"]],
      is_resumable: true,
    });
    const memberships = streams.find((s) => s.name === "list_memberships");
    expect(memberships?.source_defined_primary_key).toEqual([["list_id"], ["profile_id"]]);
    const metrics = streams.find((s) => s.name === "metrics");
    expect(metrics?.supported_sync_modes).toEqual(["full_refresh"]);
    expect(metrics?.source_defined_cursor).toBeUndefined();
  });

  it("check: SUCCEEDED with a good key; FAILED (exit 0) for a rejected key and for a bad config, never echoing the key", async () => {
    const good = await cli([
      "airbyte",
      "check",
      "--config",
      file("good.json", { api_key: TEST_KEY, base_url: emu.url }),
    ]);
    expect(airbyteProblems(good.messages)).toEqual([]);
    expect(good.messages[0]?.connectionStatus).toMatchObject({ status: "SUCCEEDED" });
    expect(good.code).toBe(0);

    const badKey = "pk_rejected_key_0123456789";
    const bad = await cli([
      "airbyte",
      "check",
      "--config",
      file("bad.json", { api_key: badKey, base_url: emu.url }),
    ]);
    expect(airbyteProblems(bad.messages)).toEqual([]);
    expect(bad.code).toBe(0);
    const status = bad.messages[0]?.connectionStatus;
    expect(status?.status).toBe("FAILED");
    expect(status?.message).toMatch(/rejected/);
    expect(bad.lines.join("\n")).not.toContain(badKey);

    const typo = await cli([
      "airbyte",
      "check",
      "--config",
      file("typo.json", { api_key: TEST_KEY, base_url: emu.url, start_dat: "2024-01-01" }),
    ]);
    const typoStatus = typo.messages[0]?.connectionStatus;
    expect(typoStatus?.status).toBe("FAILED");
    expect(typoStatus?.message).toMatch(/unknown key "start_dat".*Did you mean "start_date"/);
  });
});

describe("airbyte read", () => {
  it("reads the configured streams: records then the state covering them, stream statuses, emitted_at in ms", async () => {
    const t0 = Date.now();
    const { ok, messages } = await read(
      catalogOf([
        { name: "profiles", sync_mode: "incremental", cursor_field: ["updated"] },
        { name: "lists", sync_mode: "full_refresh" },
      ]),
    );
    expect(ok).toBe(true);
    expect(airbyteProblems(messages)).toEqual([]);
    const records = messages.filter((m) => m.type === "RECORD").map((m) => m.record);
    const profileIds = records.filter((r) => r?.stream === "profiles").map((r) => r?.data.id);
    expect(new Set(profileIds).size).toBe(emu.store.profiles.size);
    expect(profileIds).toHaveLength(emu.store.profiles.size);
    expect(records.filter((r) => r?.stream === "lists")).toHaveLength(emu.store.lists.size);
    // Only the configured streams.
    expect(new Set(records.map((r) => r?.stream))).toEqual(new Set(["profiles", "lists"]));
    for (const r of records) {
      expect(Number.isInteger(r?.emitted_at)).toBe(true);
      expect(r?.emitted_at).toBeGreaterThanOrEqual(t0);
      expect(r?.emitted_at).toBeLessThanOrEqual(Date.now());
    }
    // A record's values as the API has them: timestamps ISO 8601, objects kept whole.
    const sample = [...emu.store.profiles.values()][7];
    const rec = records.find((r) => r?.data.id === sample?.id)?.data ?? {};
    expect(rec.email).toBe(sample?.email);
    expect(rec.properties).toEqual(sample?.properties);
    expect(Date.parse(String(rec.updated))).toBe(Math.floor((sample?.updated ?? 0) / 1000) * 1000);

    for (const stream of ["profiles", "lists"]) {
      const mine = messages.filter((m) => streamOf(m) === stream);
      const statuses = mine.filter((m) => m.type === "TRACE").map((m) => m.trace?.stream_status?.status);
      expect(statuses).toEqual(["STARTED", "RUNNING", "COMPLETE"]);
      expect(mine[0]?.type).toBe("TRACE");
      expect(mine[mine.length - 1]?.type).toBe("TRACE");
      // Every state counts the records since the previous state, and records are followed by one.
      let since = 0;
      for (const m of mine) {
        if (m.type === "RECORD") since++;
        if (m.type === "STATE") {
          expect(m.state?.sourceStats?.recordCount).toBe(since);
          since = 0;
        }
      }
      expect(since).toBe(0);
      const last = mine.filter((m) => m.type === "STATE").pop();
      const finalState = last?.state?.stream?.stream_state as StreamState;
      expect(finalState.inProgress).toBeNull();
      expect(finalState.lastCompletedAt).toEqual(expect.any(String));
    }
  });

  it("starts each stream from the state given: a finished incremental stream reads only what changed since", async () => {
    const first = await read(catalogOf([{ name: "profiles", sync_mode: "incremental" }]));
    const lastState = first.messages.filter((m) => m.type === "STATE").pop();
    const state = lastState?.state?.stream?.stream_state as StreamState;
    // One profile changes after the first read.
    const changed = [...emu.store.profiles.values()][3];
    expect(changed).toBeDefined();
    await new Promise((r) => setTimeout(r, 1100));
    const res = await emu.client().request("PATCH", "/api/profiles/{id}", {
      path: { id: changed?.id ?? "" },
      body: { data: { type: "profile", id: changed?.id, attributes: { first_name: "Changed" } } },
    });
    expect(res).toBeDefined();
    const second = await read(
      catalogOf([{ name: "profiles", sync_mode: "incremental" }]),
      new Map([["profiles", state]]),
    );
    expect(airbyteProblems(second.messages)).toEqual([]);
    const records = second.messages.filter((m) => m.type === "RECORD").map((m) => m.record?.data ?? {});
    expect(records.map((r) => r.id)).toEqual([changed?.id]);
    expect(records[0]?.first_name).toBe("Changed");
  });

  it("a rejected key: an ERROR trace (config_error) and INCOMPLETE for each stream, and the command fails", async () => {
    const badKey = "pk_wrong_key_for_read_0000";
    const { ok, messages } = await read(
      catalogOf([
        { name: "metrics", sync_mode: "full_refresh" },
        { name: "lists", sync_mode: "full_refresh" },
      ]),
      new Map(),
      badKey,
    );
    expect(ok).toBe(false);
    expect(airbyteProblems(messages)).toEqual([]);
    const errors = messages
      .filter((m) => m.type === "TRACE" && m.trace?.type === "ERROR")
      .map((m) => m.trace?.error);
    expect(errors.map((e) => e?.stream_descriptor?.name).sort()).toEqual(["lists", "metrics"]);
    for (const e of errors) expect(e?.failure_type).toBe("config_error");
    const statuses = messages.flatMap((m) => (m.trace?.stream_status ? [m.trace.stream_status.status] : []));
    expect(statuses.filter((s) => s === "INCOMPLETE")).toHaveLength(2);
    expect(statuses).not.toContain("COMPLETE");
    expect(JSON.stringify(messages)).not.toContain(badKey);
  });

  it("Klaviyo failing past the retries: an ERROR trace with failure_type transient_error for that stream only", async () => {
    // Every tag request answers 503; the client retries (twice in tests), then gives up.
    emu.faults.configure(
      {
        plan: [
          { path: "/api/tags", startMs: 0, durationMs: 3_600_000, fault: { kind: "status", status: 503 } },
        ],
      },
      Date.now(),
    );
    try {
      const { ok, messages } = await read(
        catalogOf([
          { name: "tags", sync_mode: "full_refresh" },
          { name: "lists", sync_mode: "full_refresh" },
        ]),
      );
      expect(ok).toBe(false);
      expect(airbyteProblems(messages)).toEqual([]);
      const errors = messages.flatMap((m) => (m.trace?.error ? [m.trace.error] : []));
      expect(errors.map((e) => [e.stream_descriptor?.name, e.failure_type])).toEqual([
        ["tags", "transient_error"],
      ]);
      const ends = messages.flatMap((m) =>
        m.trace?.stream_status && ["COMPLETE", "INCOMPLETE"].includes(m.trace.stream_status.status)
          ? [`${m.trace.stream_status.stream_descriptor.name} ${m.trace.stream_status.status}`]
          : [],
      );
      expect(ends.sort()).toEqual(["lists COMPLETE", "tags INCOMPLETE"]);
    } finally {
      emu.faults.configure({}, Date.now());
    }
  });

  it("stops reading when the output goes away, instead of reading the account into a closed pipe", async () => {
    const requests = () => Object.values(emu.counters()).reduce((n, c) => n + c.requests, 0);
    let written = 0;
    let atFailure = 0;
    const broken = {
      async write() {
        if (++written > 20) {
          atFailure ||= requests();
          throw new Error("write EPIPE");
        }
      },
    };
    const before = requests();
    const config = parseSourceConfig({ api_key: TEST_KEY, base_url: emu.url, window_days: 7 });
    await expect(
      airbyteRead({
        client: emu.client(),
        config,
        catalog: parseConfiguredCatalog(
          catalogOf(STREAMS.map((d) => ({ name: d.name, sync_mode: "full_refresh" }))),
        ),
        state: new Map(),
        sink: new OrderedSink(broken),
      }),
    ).rejects.toThrow(/EPIPE/);
    expect(atFailure).toBeGreaterThan(before);
    // Only what was already in flight when the output failed (a page read ahead per unit).
    expect(requests() - atFailure).toBeLessThanOrEqual(8);
  });

  it("CLI: a catalog asking incremental of a stream without a cursor is a config_error trace, nothing read", async () => {
    const config = file("src.json", { api_key: TEST_KEY, base_url: emu.url });
    const catalog = file("cat.json", catalogOf([{ name: "metrics", sync_mode: "incremental" }]));
    const { code, messages } = await cli(["airbyte", "read", "--config", config, "--catalog", catalog]);
    expect(code).not.toBe(0);
    expect(airbyteProblems(messages)).toEqual([]);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.trace).toMatchObject({ type: "ERROR", error: { failure_type: "config_error" } });
    expect(String(messages[0]?.trace?.error?.message)).toMatch(/metrics can only be read in full refresh/);

    const unknown = file("cat2.json", catalogOf([{ name: "profile", sync_mode: "incremental" }]));
    const res = await cli(["airbyte", "read", "--config", config, "--catalog", unknown]);
    expect(String(res.messages[0]?.trace?.error?.message)).toMatch(/Did you mean "profiles"/);
  });

  it("CLI: --state takes an array of per-stream STATE messages", async () => {
    const config = file("src2.json", { api_key: TEST_KEY, base_url: emu.url });
    const catalog = file("cat3.json", catalogOf([{ name: "segments", sync_mode: "incremental" }]));
    const first = await cli(["airbyte", "read", "--config", config, "--catalog", catalog]);
    expect(first.code).toBe(0);
    expect(airbyteProblems(first.messages)).toEqual([]);
    expect(first.messages.filter((m) => m.type === "RECORD")).toHaveLength(emu.store.segments.size);
    const states = first.messages.filter((m) => m.type === "STATE").map((m) => m.state);
    const stateFile = file("state.json", [states[states.length - 1]]);
    const second = await cli([
      "airbyte",
      "read",
      "--config",
      config,
      "--catalog",
      catalog,
      "--state",
      stateFile,
    ]);
    expect(second.code).toBe(0);
    expect(second.messages.filter((m) => m.type === "RECORD")).toHaveLength(0);
    const bad = file("badstate.json", [{ type: "GLOBAL", global: { stream_states: [] } }]);
    const third = await cli(["airbyte", "read", "--config", config, "--catalog", catalog, "--state", bad]);
    expect(third.code).toBe(2);
    expect(String(third.messages[0]?.trace?.error?.message)).toMatch(/GLOBAL/);
  });
});
