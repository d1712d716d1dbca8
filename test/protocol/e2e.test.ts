/**
 * End to end through the real CLI (child processes) and two in-process emulators:
 *
 *  - `airbyte read` (emulator A) piped into `airbyte write` (emulator B): B ends up holding A's profiles;
 *  - `airbyte read` killed with SIGKILL after some STATE messages, then run again from the last
 *    state of each stream it printed: together the runs cover every row with no gap, and no row
 *    a passed state covered is read again;
 *  - `singer tap` piped into `singer target` (A into a third emulator).
 *
 * "No duplicates", per the Airbyte contract (at least once, checkpointed by state): records
 * printed after a stream's last STATE may be printed again by the resumed run (the destination
 * merges them by primary key), but a record printed before that STATE (a committed page) must
 * not be: the resumed run continues from the saved page links, not from the start.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProfileRecord } from "../../src/emulator/store/profiles.js";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../helpers/emulator.js";
import {
  type AbMessage,
  airbyteProblems,
  bundleCli,
  type Child,
  jsonLines,
  ROOT,
  singerProblems,
  startCli,
} from "./helpers.js";

let a: TestEmulator;
let b: TestEmulator;
let c: TestEmulator;
let dir: string;
let cli: string[];
let cleanup = () => {};

beforeAll(async () => {
  [a, b, c] = await Promise.all([
    startTestEmulator({ seed: { preset: "demo", profiles: 1500, events: 2500 } }),
    startTestEmulator({ seed: "none" }),
    startTestEmulator({ seed: "none" }),
  ]);
  dir = mkdtempSync(join(tmpdir(), "ks-protocol-e2e-"));
  const bundle = await bundleCli();
  cli = bundle.args;
  cleanup = bundle.cleanup;
}, 60_000);

afterAll(async () => {
  cleanup();
  await Promise.all([a?.close(), b?.close(), c?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Msg = AbMessage;

function file(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value, null, 2));
  return path;
}

const PROFILE_MAPPING = {
  email: "email",
  phone_number: "phone_number",
  external_id: "external_id",
  first_name: "first_name",
  last_name: "last_name",
  organization: "organization",
  title: "title",
  locale: "locale",
  location: "location.*",
  properties: "properties.*",
};

function configuredCatalog(streams: Array<{ name: string; sync_mode: string; pk: string[][] }>) {
  return {
    streams: streams.map((s) => ({
      stream: {
        name: s.name,
        json_schema: {},
        supported_sync_modes: ["full_refresh", "incremental"],
        source_defined_primary_key: s.pk,
      },
      sync_mode: s.sync_mode,
      destination_sync_mode: "append_dedup",
      primary_key: s.pk,
    })),
  };
}

/** `from` piped into `to`, both to the end; both exit codes checked by the caller. */
async function pipe(from: Child, to: Child) {
  const { stdout } = from.process;
  const { stdin } = to.process;
  if (!stdout || !stdin) throw new Error("no pipe");
  stdout.pipe(stdin);
  const [fromEnd, toEnd] = await Promise.all([from.done, to.done]);
  return { fromEnd, toEnd };
}

/**
 * Profiles of A that no destination can take: the demo seed gives some UK profiles numbers from
 * Ofcom's drama range (+44 7700 900xxx), which libphonenumber (and so Klaviyo's validation)
 * rejects. Worked out here from libphonenumber itself, independently of klaviyo-sync.
 */
function unloadable(src: TestEmulator): Set<string> {
  const out = new Set<string>();
  for (const p of src.store.profiles.values())
    if (p.phone_number && !parsePhoneNumberFromString(p.phone_number)?.isValid()) out.add(p.id);
  return out;
}

/**
 * Every profile of `src` but the `excluded` is in `dst` with the same identifiers, names, location
 * and properties, and `dst` holds nothing else.
 */
function expectSameProfiles(src: TestEmulator, dst: TestEmulator, excluded: ReadonlySet<string>) {
  const mismatches: string[] = [];
  for (const p of src.store.profiles.values() as IterableIterator<ProfileRecord>) {
    const q = p.email
      ? dst.store.profiles.byEmailAddress(p.email)
      : p.phone_number
        ? dst.store.profiles.byPhoneNumber(p.phone_number)
        : dst.store.profiles.byExternalId(p.external_id ?? "");
    if (excluded.has(p.id)) {
      if (q) mismatches.push(`${p.id} (${p.email ?? p.phone_number}) should have been refused as invalid`);
      continue;
    }
    if (!q) {
      mismatches.push(`${p.id} (${p.email ?? p.phone_number ?? p.external_id}) missing`);
      continue;
    }
    const pick = (r: ProfileRecord) => ({
      email: r.email,
      phone_number: r.phone_number,
      external_id: r.external_id,
      first_name: r.first_name,
      last_name: r.last_name,
      organization: r.organization,
      title: r.title,
      locale: r.locale,
      properties: r.properties,
      location: Object.fromEntries(
        Object.entries(r.location ?? {}).filter(([, v]) => v !== null && v !== undefined),
      ),
    });
    try {
      expect(pick(q)).toEqual(pick(p));
    } catch (err) {
      mismatches.push(`${p.id}: ${(err as Error).message.slice(0, 400)}`);
    }
  }
  expect(mismatches.slice(0, 5)).toEqual([]);
  expect(dst.store.profiles.size).toBe(src.store.profiles.size - excluded.size);
}

/** The ids of the records a load reported invalid (`<stream>: record <id> invalid: ...`), from log lines. */
function reportedInvalid(lines: readonly string[]): string[] {
  return lines.flatMap((l) => {
    const m = /profiles: record (\S+) invalid: phone_number/.exec(l);
    return m?.[1] ? [m[1]] : [];
  });
}

function descriptorName(m: Msg): string | undefined {
  return m.state?.stream?.stream_descriptor.name;
}

describe("protocol pipelines through the CLI", () => {
  it("airbyte read | airbyte write: emulator B holds the profiles of emulator A", async () => {
    const source = file("source.json", { api_key: TEST_KEY, base_url: a.url });
    const destination = file("destination.json", {
      api_key: TEST_KEY,
      base_url: b.url,
      state: join(dir, "airbyte-load-state.duckdb"),
      batch_size: 600,
      streams: { profiles: { action: "profiles", mapping: PROFILE_MAPPING } },
    });
    const catalog = file(
      "catalog.json",
      configuredCatalog([{ name: "profiles", sync_mode: "incremental", pk: [["id"]] }]),
    );
    const read = startCli(cli, ["airbyte", "read", "--config", source, "--catalog", catalog], { cwd: ROOT });
    const write = startCli(cli, ["airbyte", "write", "--config", destination, "--catalog", catalog], {
      cwd: ROOT,
      stdin: "pipe",
    });
    const { fromEnd, toEnd } = await pipe(read, write);
    expect({ read: fromEnd.code, write: toEnd.code, stderr: write.stderr() + read.stderr() }).toEqual({
      read: 0,
      write: 0,
      stderr: "",
    });
    const readMessages = jsonLines(read.stdout()) as unknown as Msg[];
    const writeMessages = jsonLines(write.stdout()) as unknown as Msg[];
    expect(airbyteProblems(readMessages)).toEqual([]);
    expect(airbyteProblems(writeMessages)).toEqual([]);
    expect(readMessages.filter((m) => m.type === "RECORD")).toHaveLength(a.store.profiles.size);
    const excluded = unloadable(a);
    expect(excluded.size).toBeGreaterThan(0);
    expectSameProfiles(a, b, excluded);
    // The refused records were reported one by one (LOG messages), and counted.
    const logs = writeMessages.filter((m) => m.type === "LOG").map((m) => String(m.log?.message));
    const reported = reportedInvalid(logs);
    expect(reported.length).toBeGreaterThan(0);
    for (const id of reported) expect(excluded.has(id)).toBe(true);
    expect(logs[logs.length - 1]).toBe(
      `profiles: ${a.store.profiles.size} records received; ${a.store.profiles.size - excluded.size} succeeded, 0 unchanged, ${excluded.size} invalid, 0 rejected.`,
    );
    // The states the destination passed on are the source's, in order, the last one included.
    const readStates = readMessages.filter((m) => m.type === "STATE").map((m) => m.state?.stream);
    const echoed = writeMessages.filter((m) => m.type === "STATE");
    expect(echoed.map((m) => m.state?.stream)).toEqual(readStates);
    const counted = echoed.reduce((n, m) => n + (m.state?.destinationStats?.recordCount ?? 0), 0);
    expect(counted).toBe(a.store.profiles.size);
    expect(read.stdout() + write.stdout()).not.toContain(TEST_KEY);
  }, 60_000);

  it("airbyte read killed after some STATE messages resumes from the last one with no gap and no committed row read twice", async () => {
    const source = file("source-kill.json", { api_key: TEST_KEY, base_url: a.url, window_days: 30 });
    const catalog = file(
      "catalog-kill.json",
      configuredCatalog([
        { name: "profiles", sync_mode: "incremental", pk: [["id"]] },
        { name: "events", sync_mode: "incremental", pk: [["id"]] },
      ]),
    );
    const args = ["airbyte", "read", "--config", source, "--catalog", catalog];
    const first = startCli(cli, args, { cwd: ROOT });
    // Killed once 4 profile states have passed, covering 300 profiles or more (profiles are read
    // in windows of `updated`: the oldest hold few).
    let profileStates = 0;
    let profilesPending = 0;
    let profilesCommitted = 0;
    let partial = "";
    first.process.stdout?.on("data", (d: Buffer) => {
      const lines = (partial + d.toString()).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        if (line.startsWith('{"type":"RECORD","record":{"stream":"profiles"')) profilesPending++;
        else if (/"type":"STATE".{0,80}"name":"profiles"/.test(line)) {
          profileStates++;
          profilesCommitted += profilesPending;
          profilesPending = 0;
        }
      }
      if (profileStates >= 4 && profilesCommitted >= 300 && first.process.exitCode === null)
        first.process.kill("SIGKILL");
    });
    const killed = await first.done;
    expect(killed.signal).toBe("SIGKILL");
    const run1 = jsonLines(first.stdout()) as unknown as Msg[];
    expect(airbyteProblems(run1)).toEqual([]);
    // Killed in the middle: profiles did not complete.
    const completed = run1
      .filter((m) => m.type === "TRACE" && m.trace?.stream_status?.status === "COMPLETE")
      .map((m) => m.trace?.stream_status?.stream_descriptor.name);
    expect(completed).not.toContain("profiles");

    // The last state of each stream, as the platform would keep it, and the records it covers.
    const lastState = new Map<string, Msg>();
    const committed = new Map<string, string[]>();
    const pending = new Map<string, string[]>();
    for (const m of run1) {
      if (m.type === "RECORD") {
        const s = String(m.record?.stream);
        pending.set(s, [...(pending.get(s) ?? []), String(m.record?.data.id)]);
      } else if (m.type === "STATE") {
        const s = descriptorName(m) as string;
        lastState.set(s, m);
        committed.set(s, [...(committed.get(s) ?? []), ...(pending.get(s) ?? [])]);
        pending.set(s, []);
      }
    }
    expect(committed.get("profiles")?.length).toBeGreaterThanOrEqual(300);
    const stateFile = file(
      "state-kill.json",
      [...lastState.values()].map((m) => m.state),
    );

    const second = startCli(cli, [...args, "--state", stateFile], { cwd: ROOT });
    const end = await second.done;
    expect({ code: end.code, stderr: second.stderr() }).toEqual({ code: 0, stderr: "" });
    const run2 = jsonLines(second.stdout()) as unknown as Msg[];
    expect(airbyteProblems(run2)).toEqual([]);
    const statuses = run2
      .flatMap((m) =>
        m.trace?.stream_status?.status === "COMPLETE" ? [m.trace.stream_status.stream_descriptor.name] : [],
      )
      .sort();
    expect(statuses).toEqual(["events", "profiles"]);

    const all = {
      profiles: [...a.store.profiles.values()].map((p) => p.id),
      events: [...a.store.events.scan({}, () => true)].map((e) => e.id),
    };
    expect(all.events).toHaveLength(a.store.events.size);
    for (const stream of ["profiles", "events"] as const) {
      const before = committed.get(stream) ?? [];
      const again = run2
        .filter((m) => m.type === "RECORD" && m.record?.stream === stream)
        .map((m) => String(m.record?.data.id));
      // No gap: the committed records and the resumed run cover every row.
      expect(new Set([...before, ...again])).toEqual(new Set(all[stream]));
      // No duplicates: nothing a passed state covered is read again, and the resumed run reads each row once.
      const repeated = again.filter((id) => new Set(before).has(id));
      expect({ stream, repeated: repeated.length }).toEqual({ stream, repeated: 0 });
      expect(new Set(again).size).toBe(again.length);
      expect(new Set(before).size).toBe(before.length);
    }
  }, 90_000);

  it("singer tap | singer target: a third emulator holds the profiles of A, and the target prints the tap's states", async () => {
    const tapConfig = file("tap.json", { api_key: TEST_KEY, base_url: a.url, streams: { profiles: {} } });
    const targetConfig = file("target.json", {
      api_key: TEST_KEY,
      base_url: c.url,
      state: join(dir, "singer-load-state.duckdb"),
      flush_interval_seconds: 1,
      streams: { profiles: { action: "profiles", mapping: PROFILE_MAPPING } },
    });
    const tap = startCli(cli, ["singer", "tap", "--config", tapConfig], { cwd: ROOT });
    const target = startCli(cli, ["singer", "target", "--config", targetConfig], {
      cwd: ROOT,
      stdin: "pipe",
    });
    const { fromEnd, toEnd } = await pipe(tap, target);
    expect({ tap: fromEnd.code, target: toEnd.code, tapStderr: tap.stderr() }).toEqual({
      tap: 0,
      target: 0,
      tapStderr: "",
    });
    const messages = jsonLines(tap.stdout());
    expect(singerProblems(messages)).toEqual([]);
    expect(messages.filter((m) => m.type === "RECORD")).toHaveLength(a.store.profiles.size);
    const excluded = unloadable(a);
    expectSameProfiles(a, c, excluded);
    // The target's stderr: the refused records, then the summary; nothing else.
    const errLines = target.stderr().trim().split("\n");
    expect(
      errLines.every(
        (l) =>
          /^\[warn\] profiles: (record \S+ invalid: phone_number|\d+ more invalid)/.test(l) ||
          /^\[info\] profiles: \d+ records received/.test(l),
      ),
    ).toBe(true);
    for (const id of reportedInvalid(errLines)) expect(excluded.has(id)).toBe(true);
    expect(errLines[errLines.length - 1]).toBe(
      `[info] profiles: ${a.store.profiles.size} records received; ${a.store.profiles.size - excluded.size} succeeded, 0 unchanged, ${excluded.size} invalid, 0 rejected`,
    );
    const tapStates = messages.filter((m) => m.type === "STATE").map((m) => m.value);
    const printed = jsonLines(target.stdout());
    expect(printed).toEqual(tapStates);
    expect(tapStates.length).toBeGreaterThan(10);
  }, 60_000);
});
