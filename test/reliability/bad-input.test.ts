// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} config interpolation syntax is written literally in this file
/**
 * The bad-input matrix: every way a user, a file, a warehouse or Klaviyo can hand the CLI
 * something wrong, run through the real command in this process (`main`), each with what it must
 * end in: a one-paragraph error naming the problem and the fix (one `error:` line, no stack trace
 * unless --debug, the documented exit code), or a per-row invalid outcome in the reject report;
 * and never a partially written state (a config error leaves no state file and no target; a run
 * stopped part-way records exactly what Klaviyo confirmed, and the next run completes it).
 *
 * docs/reliability.md keeps this matrix as a table; the last test checks that it lists exactly
 * these cases.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runExtract } from "../../src/extract/runner.js";
import { STREAMS } from "../../src/extract/streams/index.js";
import { DuckDBTarget } from "../../src/extract/targets/duckdb.js";
import { diffDumps, dumpDuckDB } from "../extract/resume/harness.js";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../helpers/emulator.js";
import { dumpState } from "../load/crash/harness.js";
import { type CliResult, runCli } from "./cli.js";

const DIR = mkdtempSync(join(tmpdir(), "ks-bad-input-"));
const WAREHOUSE = join(DIR, "warehouse.duckdb");
let emu: TestEmulator;
/** Called with every emulator response (operation id, status): the mid-run cases act on it. */
let onResponse: ((op: string, status: number) => void) | undefined;

const env = (over: Record<string, string | undefined> = {}) => ({
  KLAVIYO_API_KEY: TEST_KEY,
  KLAVIYO_BASE_URL: emu.url,
  KLAVIYO_RATE_LIMITS: "off",
  ...over,
});
const cli = (argv: string[], over: Record<string, string | undefined> = {}) => runCli(argv, env(over));

let files = 0;
function file(name: string, content: string | Buffer): string {
  const p = join(DIR, `${++files}-${name}`);
  writeFileSync(p, content);
  return p;
}

/** A load config whose state file is its own (returned, to check nothing was written to it). */
function loadConfig(o: {
  sync?: string;
  source?: string;
  model?: string;
  action?: string;
  mode?: string;
  mapping?: string;
  options?: string;
  extra?: string;
}): { path: string; state: string } {
  const state = join(DIR, `state-${++files}.duckdb`);
  const text = [
    `source: ${o.source ?? `duckdb:${WAREHOUSE}`}`,
    "klaviyo:",
    "  api_key: ${KLAVIYO_API_KEY}",
    `state: ${state}`,
    "syncs:",
    `  ${o.sync ?? "people"}:`,
    `    action: ${o.action ?? "profiles"}`,
    `    mode: ${o.mode ?? "upsert"}`,
    ...(o.model === "" ? [] : [`    model: ${o.model ?? "{ table: people }"}`]),
    "    primary_key: id",
    `    mapping: ${o.mapping ?? "{ email: email }"}`,
    ...(o.options ? [`    options: ${o.options}`] : []),
    ...(o.extra ? [o.extra] : []),
  ].join("\n");
  return { path: file("load.yaml", `${text}\n`), state };
}

const rejectsOf = (path: string) =>
  readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as { key: string; status: string; reason: string });

interface Case {
  /** Short id, also the row name in docs/reliability.md. */
  id: string;
  what: string;
  run(): Promise<CliResult & { after?: () => Promise<void> | void }>;
  /** Expected exit code. */
  code: number;
  /** The error line must match all of these (error cases), or stdout/stderr must (row cases). */
  says: RegExp[];
  /** Per-row cases: reject report path and the keys expected invalid, with their reasons. */
  invalid?: { report: string; rows: Record<string, RegExp> };
  /** Files that must not exist afterwards (state, targets): nothing partially written. */
  nothingAt?: string[];
  debug?: boolean;
}

const CASES: Case[] = [];
const add = (c: Case) => CASES.push(c);

// ---- configuration files

{
  const p = file("broken.yaml", "source: duckdb:./w.duckdb\nsyncs:\n  a: [1, 2\n  b: c\n");
  add({
    id: "yaml-syntax-load",
    what: "malformed YAML in load.yaml",
    run: () => cli(["load", "--config", p]),
    code: 2,
    says: [new RegExp(`${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:4:3: `), /Flow sequence/],
  });
}
{
  const target = join(DIR, "never-yaml.duckdb");
  const p = file("broken-extract.yaml", `target: duckdb:${target}\nstreams: {profiles: \n  - a\n`);
  add({
    id: "yaml-syntax-extract",
    what: "malformed YAML in extract.yaml",
    run: () => cli(["extract", "--config", p]),
    code: 2,
    says: [/broken-extract\.yaml:3:3: /],
    nothingAt: [target],
  });
}
{
  // The YAML library threw a ReferenceError (a crash with a stack) for these; found by fuzzing.
  const p = file("alias.yaml", "source: duckdb:./w.duckdb\nklaviyo: *nothere\nsyncs: {}\n");
  add({
    id: "yaml-alias",
    what: "a YAML alias to an anchor that does not exist",
    run: () => cli(["load", "--config", p]),
    code: 2,
    says: [/alias\.yaml:2:10: \*nothere refers to no anchor \(&nothere\) defined before it/],
  });
  const bomb = [
    "a: &a [x, x, x, x, x, x, x, x, x, x]",
    ...Array.from(
      { length: 8 },
      (_, i) =>
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
    ),
    "target: duckdb:./never.duckdb",
    "streams: *i",
  ].join("\n");
  const b = file("bomb.yaml", `${bomb}\n`);
  add({
    id: "yaml-alias-bomb",
    what: "a YAML alias bomb (a billion laughs)",
    run: () => cli(["extract", "--config", b]),
    code: 2,
    says: [/bomb\.yaml:\d+:\d+: .*alias.*Write the values out instead of using YAML aliases/i],
  });
}
{
  const p = file("binary.yaml", Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x81, 0x0a, 0x3a, 0x3a]));
  add({
    id: "config-not-text",
    what: "a config file that is not text (binary, not UTF-8)",
    run: () => cli(["load", "--config", p]),
    code: 2,
    says: [/binary\.yaml:1:1: /],
  });
}
{
  const c = loadConfig({ extra: "    mapp: { email: email }" });
  add({
    id: "unknown-key",
    what: "an unknown key in load.yaml",
    run: () => cli(["load", "--config", c.path]),
    code: 2,
    says: [/load\.yaml:\d+:5: unknown key "mapp" in syncs\.people\. Did you mean "mapping"\?/],
    nothingAt: [c.state],
  });
}
{
  const target = join(DIR, "never-unknown.duckdb");
  const p = file("unknown-extract.yaml", `target: duckdb:${target}\nstrems: [profiles]\n`);
  add({
    id: "unknown-key-extract",
    what: "an unknown key in extract.yaml",
    run: () => cli(["extract", "--config", p]),
    code: 2,
    says: [/:2:1: unknown key "strems" at the top level\. Did you mean "streams"\?/],
    nothingAt: [target],
  });
}
add({
  id: "unknown-flag",
  what: "an unknown command-line flag",
  run: () => cli(["extract", "--strams", "profiles"]),
  code: 2,
  says: [/unknown option '--strams'/, /Did you mean --streams\?/],
});
{
  const target = join(DIR, "never-stream.duckdb");
  add({
    id: "unknown-stream",
    what: "an unknown stream name",
    run: () => cli(["extract", "--streams", "profils", "--target", `duckdb:${target}`]),
    code: 2,
    says: [/unknown stream "profils"\. Did you mean "profiles"\?/],
    nothingAt: [target],
  });
}
{
  const c = loadConfig({ extra: "" });
  const text = readFileSync(c.path, "utf8").replace("primary_key: id", "primary_key: { a: 1 }");
  writeFileSync(c.path, text);
  add({
    id: "wrong-type",
    what: "a value of the wrong type (a map where a column name goes)",
    run: () => cli(["load", "--config", c.path]),
    code: 2,
    says: [/:\d+:\d+: syncs\.people\.primary_key: expected a column name/, /got a map/],
    nothingAt: [c.state],
  });
}
{
  const target = join(DIR, "never-type.duckdb");
  const p = file("type-extract.yaml", `target: duckdb:${target}\nconcurrency: four\nstreams: [tags]\n`);
  add({
    id: "wrong-type-extract",
    what: "a number that is not a number in extract.yaml",
    run: () => cli(["extract", "--config", p]),
    code: 2,
    says: [/:2:14: concurrency/],
    nothingAt: [target],
  });
}
{
  const c = loadConfig({});
  add({
    id: "missing-env-config",
    what: "an environment variable the config names is not set",
    run: () => cli(["load", "--config", c.path], { KLAVIYO_API_KEY: undefined }),
    code: 2,
    says: [/:3:12: environment variable KLAVIYO_API_KEY is not set \(used by klaviyo\.api_key\)/],
    nothingAt: [c.state],
  });
}
{
  const target = join(DIR, "never-env.duckdb");
  add({
    id: "missing-env-key",
    what: "no API key in the environment",
    run: () =>
      cli(["extract", "--streams", "tags", "--target", `duckdb:${target}`], { KLAVIYO_API_KEY: undefined }),
    code: 2,
    says: [/No API key: set the KLAVIYO_API_KEY environment variable/],
    nothingAt: [target],
  });
}
add({
  id: "config-missing",
  what: "a config file that does not exist",
  run: () => cli(["load", "--config", join(DIR, "nope.yaml")]),
  code: 2,
  says: [/nope\.yaml does not exist/],
});
{
  const p = file("empty.yaml", "");
  add({
    id: "config-empty",
    what: "an empty config file",
    run: () => cli(["load", "--config", p]),
    code: 2,
    says: [/empty\.yaml:1:1: the config file is empty/],
  });
}

// ---- URLs and DSNs

add({
  id: "url-plain-http",
  what: "plain http:// to a host that is not loopback",
  run: () => cli(["check", "--base-url", "http://klaviyo.example.com"]),
  code: 2,
  says: [/uses plain http:\/\/ to klaviyo\.example\.com, which would send credentials unencrypted/],
});
add({
  id: "url-malformed",
  what: "a base URL that is not a URL",
  run: () => cli(["check"], { KLAVIYO_BASE_URL: "not a url" }),
  code: 2,
  says: [/KLAVIYO_BASE_URL is not a valid URL: "not a url"/],
});
add({
  id: "dsn-malformed",
  what: "a PostgreSQL URL that does not parse",
  run: () => cli(["extract", "--streams", "tags", "--target", "postgres://u:pw@@:x/db"]),
  code: 2,
  says: [/the postgres URL does not parse/],
});
add({
  id: "dsn-unreachable",
  what: "a PostgreSQL server that does not answer (the password stays hidden)",
  run: async () => {
    const r = await cli([
      "extract",
      "--streams",
      "tags",
      "--target",
      "postgres://u:Hunter2pw@127.0.0.1:1/db",
    ]);
    return {
      ...r,
      after: () => {
        expect(`${r.stdout}${r.stderr}`).not.toContain("Hunter2pw");
      },
    };
  },
  code: 2,
  says: [/Cannot connect to PostgreSQL at 127\.0\.0\.1:1 .* nothing accepts connections there/],
});
{
  const target = join(DIR, "never-scheme.duckdb");
  add({
    id: "target-scheme",
    what: "a target with an unknown scheme",
    run: () => cli(["extract", "--streams", "tags", "--target", `duckb:${target}`]),
    code: 2,
    says: [/unknown target scheme "duckb:"\. Did you mean "duckdb:"\?/],
    nothingAt: [target],
  });
}

// ---- models

{
  const c = loadConfig({ model: '{ sql: "SELECT * FROM nope" }' });
  add({
    id: "sql-fails",
    what: "model SQL that fails",
    run: () => cli(["load", "--config", c.path]),
    code: 2,
    says: [
      /The model query failed in duckdb:.*Table with name nope does not exist.*The query starts: SELECT \* FROM nope/,
    ],
  });
  add({
    id: "sql-fails-debug",
    what: "the same with --debug: the stack trace is shown",
    run: () => cli(["--debug", "load", "--config", c.path]),
    code: 2,
    says: [/The model query failed/],
    debug: true,
  });
}
{
  const c = loadConfig({ model: '{ sql: "SELECT email FROM people" }' });
  add({
    id: "sql-no-primary-key",
    what: "model SQL that returns no primary key column",
    run: () => cli(["load", "--config", c.path]),
    code: 2,
    says: [
      /The model of sync people has no column "id", which the primary key names\. Its columns are "email"/,
    ],
  });
}
{
  const c = loadConfig({ model: "{ table: dups }" });
  add({
    id: "duplicate-primary-key",
    what: "duplicate primary keys in the model",
    run: async () => {
      const r = await cli(["load", "--config", c.path]);
      return {
        ...r,
        after: async () => {
          // Nothing sent, nothing recorded as synced.
          expect([...((await dumpState(c.state)).snapshot.get("people")?.keys() ?? [])]).toEqual([]);
          expect(emu.store.profiles.byEmailAddress("dup-b@example.com")).toBeUndefined();
        },
      };
    },
    code: 2,
    says: [/the model has 1 duplicate primary key value\(s\) \(id\): 1\. Nothing was sent/],
  });
}
{
  const csv = file(
    "ragged.csv",
    "id,email\n1,ragged1@example.com\n2,ragged2@example.com,extra\n3\n4,ragged4@example.com\n",
  );
  const report = join(DIR, "ragged-rejects.jsonl");
  const c = loadConfig({ source: `file:${csv}`, model: "" });
  add({
    id: "csv-ragged",
    what: "CSV rows with too many or too few fields",
    run: () => cli(["load", "--config", c.path, "--rejects", report]),
    code: 0,
    says: [/succeeded 2, invalid 2/],
    invalid: {
      report,
      rows: {
        "line 3": /the line has more fields than the 2 in the header \(a ragged row/,
        "line 4": /the line has 1 field\(s\) but the header has 2 \(a ragged row\)/,
      },
    },
  });
}
{
  const csv = file("quoting.csv", 'id,email\n1,quote1@example.com\n2,"quote2@example.com\n');
  const report = join(DIR, "quoting-rejects.jsonl");
  const c = loadConfig({ source: `file:${csv}`, model: "" });
  add({
    id: "csv-bad-quoting",
    what: "CSV with a quote that never closes",
    run: () => cli(["load", "--config", c.path, "--rejects", report]),
    code: 0,
    says: [/succeeded 1, invalid 1/],
    invalid: { report, rows: { "line 3": /a quoted value is not closed/ } },
  });
}
{
  const csv = file(
    "latin1.csv",
    // Windows-1252, as Excel on Windows writes it: é is 0xE9, the curly quotes 0x93 and 0x94, € 0x80.
    Buffer.from("id,email,first_name\n1,latin1@example.com,Jos\xe9 \x93Pepe\x94 \x80\n", "latin1"),
  );
  const c = loadConfig({
    source: `file:${csv}`,
    model: "",
    mapping: "{ email: email, first_name: first_name }",
  });
  add({
    id: "csv-not-utf8",
    what: "a CSV file in Windows-1252 / Latin-1, not UTF-8",
    run: async () => {
      const r = await cli(["load", "--config", c.path]);
      return {
        ...r,
        after: () => {
          expect(emu.store.profiles.byEmailAddress("latin1@example.com")?.first_name).toBe("José “Pepe” €");
        },
      };
    },
    code: 0,
    says: [/succeeded 1, invalid 0/],
  });
}
{
  const jsonl = file("bad.jsonl", '{"id":1,"email":"j1@example.com"}\n{"id":2,\n');
  const c = loadConfig({ source: `file:${jsonl}`, model: "" });
  add({
    id: "jsonl-bad-line",
    what: "a JSON lines file with a line that is not JSON",
    run: () => cli(["load", "--config", c.path]),
    code: 2,
    says: [/bad\.jsonl cannot be read: line 2 is not valid JSON/],
  });
}

// ---- rows: per-row invalid outcomes, the other rows go through

{
  const report = join(DIR, "rows-profiles.jsonl");
  const c = loadConfig({
    sync: "rows_profiles",
    model: "{ table: bad_rows }",
    mapping: "{ email: email, phone: phone_number, note: properties.note, extra: properties.extra }",
  });
  add({
    id: "rows-profiles",
    what: "invalid email, invalid phone, a 200 KB string, an object nested 12 deep (profiles)",
    run: () => cli(["load", "--config", c.path, "--rejects", report]),
    code: 0,
    says: [/succeeded 3, invalid 4, rejected 0/],
    invalid: {
      report,
      rows: {
        "2": /email "not-an-email" is not a valid email address/,
        "3": /phone_number "12" has no country code/,
        "4": /properties\.note .*\(204,800 characters\) is larger than 100 KB/,
        "5": /properties\.extra(\.n)+ is nested more than 10 levels deep/,
      },
    },
  });
}
{
  const report = join(DIR, "rows-events.jsonl");
  const c = loadConfig({
    sync: "rows_events",
    action: "events",
    mode: "track",
    model: "{ table: bad_rows }",
    mapping: "{ email: email, happened: time, note: properties.note }",
    options: "{ metric: Bad Input }",
  });
  add({
    id: "rows-events",
    what: "event times in 1970 and 2100 (and an invalid email, a 200 KB string)",
    run: () => cli(["load", "--config", c.path, "--rejects", report]),
    code: 0,
    says: [/succeeded 3, invalid 4, rejected 0/],
    invalid: {
      report,
      rows: {
        "2": /not a valid email address/,
        "4": /larger than 100 KB/,
        "6": /time "1970-01-01T00:00:00\.000Z" is before the year 2000/,
        "7": /time "2100-01-01T00:00:00\.000Z" is more than one year in the future/,
      },
    },
  });
}

// ---- Klaviyo changes under a running sync

{
  const c = loadConfig({
    sync: "orders",
    action: "events",
    mode: "track",
    model: "{ table: many_events }",
    mapping: "{ email: email, happened: time }",
    options: "{ metric: Revoked Mid Run }",
  });
  add({
    id: "key-revoked-load",
    what: "the API key revoked in the middle of a load",
    run: async () => {
      let n = 0;
      onResponse = (op, status) => {
        if (op === "bulk_create_events" && status === 202 && ++n === 1)
          void fetch(`${emu.url}/admin/api-keys/${TEST_KEY}`, { method: "DELETE" });
      };
      const r = await cli(["load", "--config", c.path]);
      onResponse = undefined;
      return {
        ...r,
        after: async () => {
          const metric = [...emu.store.metrics.values()].find((m) => m.attributes.name === "Revoked Mid Run");
          const count = () =>
            [...emu.store.events.scan({}, (v) => v.metricId === metric?.id)].filter(
              (e) => e.metricId === metric?.id,
            ).length;
          const sentBefore = count();
          expect(sentBefore).toBeGreaterThan(0);
          expect(sentBefore).toBeLessThan(3000);
          // The state holds exactly what Klaviyo confirmed: only succeeded rows, the run failed.
          const state = await dumpState(c.state);
          const snap = state.snapshot.get("orders") ?? new Map();
          expect([...snap.values()].every((s) => s === "succeeded")).toBe(true);
          expect(snap.size).toBeLessThanOrEqual(sentBefore);
          expect(state.runs.map((x) => x.status)).toEqual(["failed"]);
          expect(state.locks).toEqual([]);
          // With the key back, the next run sends the rest; every event exactly once.
          await fetch(`${emu.url}/admin/api-keys`, {
            method: "POST",
            body: JSON.stringify({ key: TEST_KEY }),
          });
          const again = await cli(["load", "--config", c.path]);
          expect(again.code, again.stderr).toBe(0);
          expect(again.stdout).toContain(`added ${3000 - snap.size}, changed 0`);
          expect(count()).toBe(3000);
        },
      };
    },
    code: 3,
    says: [
      /Sync orders stopped: Klaviyo rejected the credentials \(HTTP 401\)/,
      /The rows Klaviyo confirmed before are recorded/,
    ],
  });
}
{
  const target = join(DIR, "revoked.duckdb");
  add({
    id: "key-revoked-extract",
    what: "the API key revoked in the middle of an extract",
    run: async () => {
      let n = 0;
      onResponse = (op, status) => {
        if (op === "get_profiles" && status === 200 && ++n === 2)
          void fetch(`${emu.url}/admin/api-keys/${TEST_KEY}`, { method: "DELETE" });
      };
      const r = await cli([
        "extract",
        "--streams",
        "profiles,events,lists,list_memberships",
        "--target",
        `duckdb:${target}`,
      ]);
      onResponse = undefined;
      return {
        ...r,
        after: async () => {
          await fetch(`${emu.url}/admin/api-keys`, {
            method: "POST",
            body: JSON.stringify({ key: TEST_KEY }),
          });
          const again = await cli([
            "extract",
            "--streams",
            "profiles,events,lists,list_memberships",
            "--target",
            `duckdb:${target}`,
          ]);
          expect(again.code, again.stderr).toBe(0);
          // The resumed extract equals one that never lost its key.
          const clean = new DuckDBTarget(join(DIR, "revoked-clean.duckdb"));
          await clean.open();
          const names = ["profiles", "events", "lists", "list_memberships"];
          await runExtract({ client: emu.client(), target: clean, streams: names.map((name) => ({ name })) });
          const expected = await dumpDuckDB(clean);
          await clean.close();
          const t = new DuckDBTarget(target);
          await t.open();
          const got = await dumpDuckDB(t);
          await t.close();
          expect(diffDumps(expected, got)).toEqual([]);
          expect(STREAMS.length).toBeGreaterThan(names.length);
        },
      };
    },
    code: 4,
    says: [/failed/, /Klaviyo rejected the credentials \(HTTP 401\)/, /has been revoked/],
  });
}
{
  const c = loadConfig({
    sync: "members",
    action: "list_membership",
    mode: "add",
    model: "{ table: many_members }",
    options: "{ list_name: Deleted Mid Sync }",
  });
  add({
    id: "list-deleted-mid-sync",
    what: "the list deleted in Klaviyo while a list_membership sync adds to it",
    run: async () => {
      let n = 0;
      onResponse = (op, status) => {
        if (op === "add_profiles_to_list" && status === 204 && ++n === 1) {
          const list = [...emu.store.lists.values()].find((l) => l.attributes.name === "Deleted Mid Sync");
          void emu.client().lists.delete(list?.id as string);
        }
      };
      const r = await cli(["load", "--config", c.path]);
      onResponse = undefined;
      return {
        ...r,
        after: async () => {
          const lists = [...emu.store.lists.values()].filter((l) => l.attributes.name === "Deleted Mid Sync");
          expect(lists).toHaveLength(1);
          expect(emu.store.listMembers.get(lists[0]?.id as string)?.size).toBe(3000);
          const state = await dumpState(c.state);
          expect(state.snapshot.get("members")?.size).toBe(3000);
          const again = await cli(["load", "--config", c.path]);
          expect(again.stdout).toContain("added 0, changed 0");
        },
      };
    },
    code: 0,
    says: [
      /the list "Deleted Mid Sync" \(\w+\) was deleted in Klaviyo while syncing; its members are added again/,
      /succeeded 3000/,
    ],
  });
}
{
  const c = loadConfig({
    sync: "by_id",
    action: "list_membership",
    mode: "add",
    model: "{ table: many_members }",
    options: "{ list: LISTID }",
  });
  add({
    id: "list-id-deleted-mid-sync",
    what: "a list given by id deleted while the sync adds to it",
    run: async () => {
      const list = await emu.client().lists.create({ data: { type: "list", attributes: { name: "By id" } } });
      writeFileSync(c.path, readFileSync(c.path, "utf8").replace("LISTID", list.data.id));
      let n = 0;
      onResponse = (op, status) => {
        if (op === "add_profiles_to_list" && status === 204 && ++n === 1)
          void emu.client().lists.delete(list.data.id);
      };
      const r = await cli(["load", "--config", c.path]);
      onResponse = undefined;
      return {
        ...r,
        after: async () => {
          const state = await dumpState(c.state);
          expect(state.runs.map((x) => x.status)).toEqual(["failed"]);
          expect(state.locks).toEqual([]);
        },
      };
    },
    code: 2,
    says: [/Klaviyo has no list with id \w+ \(option list\); it may have been deleted/, /--full-resync/],
  });
}

// ---- other commands

add({
  id: "api-bad-json",
  what: "a request body that is not JSON",
  run: () => cli(["api", "POST", "/api/lists", "--data", "{nope"]),
  code: 2,
  says: [/--data is not valid JSON/],
});
add({
  id: "key-rejected",
  what: "a key Klaviyo does not accept",
  run: () => cli(["check"], { KLAVIYO_API_KEY: "pk_not_this_one_1234" }),
  code: 3,
  says: [/The API key was rejected\..*HTTP 401/],
});
{
  const missing = join(DIR, "no-state.duckdb");
  add({
    id: "runs-no-state",
    what: "runs show on a state file that does not exist",
    run: () => cli(["runs", "show", "1", "--state", missing]),
    code: 2,
    says: [/No load state at .*no-state\.duckdb/],
    nothingAt: [missing],
  });
}
{
  const c = loadConfig({});
  add({
    id: "rejects-unwritable",
    what: "a reject report path that cannot be written",
    run: () => cli(["load", "--config", c.path, "--rejects", join(WAREHOUSE, "rejects.jsonl")]),
    code: 2,
    says: [/Cannot write the reject report .*\(--rejects\): a part of its folder path is a file/],
  });
}

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  emu = await startTestEmulator({
    seed: { preset: "demo", profiles: 200, events: 1500 },
    onResponse: (info) => onResponse?.(info.op?.id ?? "", info.status),
  });
  const big = "x".repeat(200 * 1024);
  let nested: unknown = { leaf: 1 };
  for (let i = 0; i < 12; i++) nested = { n: nested };
  const instance = await DuckDBInstance.create(WAREHOUSE);
  const c = await instance.connect();
  for (const sql of [
    "CREATE TABLE people AS SELECT i AS id, 'person' || i || '@example.com' AS email FROM range(1, 6) t(i)",
    "CREATE TABLE dups AS SELECT * FROM (VALUES (1, 'dup-a@example.com'), (1, 'dup-b@example.com'), (2, 'dup-c@example.com')) t(id, email)",
    `CREATE TABLE bad_rows AS SELECT id, email, phone, note, CAST(extra AS JSON) AS extra, happened FROM (VALUES
       (1, 'row1@example.com', '+14155550100', 'ok', '{}', TIMESTAMP '2026-01-01 00:00:00'),
       (2, 'not-an-email', '+14155550101', 'ok', '{}', TIMESTAMP '2026-01-01 00:00:00'),
       (3, 'row3@example.com', '12', 'ok', '{}', TIMESTAMP '2026-01-01 00:00:00'),
       (4, 'row4@example.com', NULL, '${big}', '{}', TIMESTAMP '2026-01-01 00:00:00'),
       (5, 'row5@example.com', NULL, 'ok', '${JSON.stringify(nested)}', TIMESTAMP '2026-01-01 00:00:00'),
       (6, 'row6@example.com', NULL, 'ok', '{}', TIMESTAMP '1970-01-01 00:00:00'),
       (7, 'row7@example.com', NULL, 'ok', '{}', TIMESTAMP '2100-01-01 00:00:00')
     ) t(id, email, phone, note, extra, happened)`,
    "CREATE TABLE many_events AS SELECT i AS id, 'ev' || (i % 300) || '@example.com' AS email, TIMESTAMP '2026-01-01' + to_minutes(i) AS happened FROM range(1, 3001) t(i)",
    "CREATE TABLE many_members AS SELECT i AS id, 'member' || i || '@example.com' AS email FROM range(1, 3001) t(i)",
  ])
    await c.run(sql);
  c.closeSync();
  instance.closeSync();
}, 60_000);

afterAll(async () => {
  await emu?.close();
  rmSync(DIR, { recursive: true, force: true });
});

const tried: string[] = [];

describe("bad input: a clear message or a per-row outcome, never a crash or a half-written state", () => {
  it.each(CASES.map((c) => [c.id, c] as const))("%s", async (_id, c) => {
    const r = await c.run();
    const all = `${r.stdout}\n${r.stderr}`;
    expect(r.code, all).toBe(c.code);
    if (c.debug) expect(r.stderr).toMatch(/^\s+at /m);
    else expect(all, "no stack trace without --debug").not.toMatch(/^\s+at /m);
    const lines = r.stderr.split("\n");
    const errors = lines.filter((l) => l.startsWith("error:"));
    if (c.code === 0 || c.code === 4) {
      for (const re of c.says) expect(all).toMatch(re);
    } else {
      // One paragraph: one error, from its line to the first blank line, that says what is
      // wrong and what to do.
      expect(errors, r.stderr).toHaveLength(1);
      const start = lines.findIndex((l) => l.startsWith("error:"));
      const end = lines.findIndex((l, i) => i > start && l.trim() === "");
      const paragraph = lines.slice(start, end === -1 ? undefined : end).join("\n");
      for (const re of c.says) expect(paragraph).toMatch(re);
      expect(paragraph.length).toBeLessThan(1200);
    }
    if (c.invalid) {
      const rows = rejectsOf(c.invalid.report);
      expect(rows.map((x) => x.key).sort()).toEqual(Object.keys(c.invalid.rows).sort());
      for (const x of rows) {
        expect(x.status).toBe("invalid");
        expect(x.reason).toMatch(c.invalid.rows[x.key] as RegExp);
      }
    }
    for (const p of c.nothingAt ?? []) expect(existsSync(p), `${p} was written`).toBe(false);
    await r.after?.();
    tried.push(c.id);
  });

  it("docs/reliability.md lists exactly these cases", () => {
    const doc = readFileSync(join(import.meta.dirname, "..", "..", "docs", "reliability.md"), "utf8");
    const section = doc.slice(doc.indexOf("<!-- bad-input:start -->"), doc.indexOf("<!-- bad-input:end -->"));
    const listed = [...section.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(CASES.map((c) => c.id).sort());
    console.log(`bad input: ${tried.length} of ${CASES.length} cases tried and passed`);
  });
});
