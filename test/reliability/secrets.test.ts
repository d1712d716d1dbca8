// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} config interpolation syntax is written literally in this file
/**
 * Secrets never leak. Every command runs with recognisable secrets (an API key, a wrong API key, an
 * OAuth client secret, a database password, all containing SECRETCANARY, and the OAuth tokens the
 * emulator issues), on the paths that succeed and those that fail (a rejected key, a 4xx, a
 * database that does not answer, config errors around the key), with --verbose and --debug.
 * Then stdout, stderr, error messages, log lines and every file written (DuckDB databases dumped
 * table by table as text, and their raw bytes; run records; reject reports; token files; file
 * target state) are searched for them. Also: token, state and report files are owner-only;
 * plain http:// is refused for anything but loopback; and every connection the process opened
 * went to the emulator or the database it was given (no telemetry).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOAuthClient, parseAuthorizationCallback } from "../../src/client/auth/oauth.js";
import { FileTokenStore } from "../../src/client/auth/token-store.js";
import { ConfigError, createClient, createHttpTransport } from "../../src/client/index.js";
import type { Logger } from "../../src/client/types.js";
import { type Emulator, startEmulator } from "../../src/emulator/server.js";
import { redact } from "../../src/util/redact.js";
import { LOCAL_PG_URL } from "../helpers/postgres.js";
import { type CliResult, runCli } from "./cli.js";

const CANARY = "SECRETCANARY";
const KEY = "pk_SECRETCANARY1234";
const WRONG_KEY = "pk_SECRETCANARYBAD9";
const CLIENT_SECRET = "oauth-SECRETCANARY-client-secret";
const PG_PASSWORD = "pwSECRETCANARY42";
const ROOT = join(import.meta.dirname, "..", "..");
const DIR = mkdtempSync(join(tmpdir(), "ks-secrets-"));

let emu: Emulator;
/** Every command's output, and every message and log line the library calls produced. */
const outputs: Array<{ what: string; text: string }> = [];
/** Secrets learnt while running (OAuth tokens), searched for too. */
const learnt: string[] = [];
/** Where the process connected: host:port (or a socket path). */
const connections: string[] = [];
let pgDatabase: string | undefined;

const env = (over: Record<string, string | undefined> = {}) => ({
  KLAVIYO_API_KEY: KEY,
  KLAVIYO_BASE_URL: emu.url,
  KLAVIYO_RATE_LIMITS: "off",
  ...over,
});

async function cli(argv: string[], over: Record<string, string | undefined> = {}): Promise<CliResult> {
  const r = await runCli(argv, env(over));
  outputs.push({ what: `klaviyo-sync ${argv.join(" ")}`, text: `${r.stdout}\n${r.stderr}` });
  return r;
}

const originalConnect = net.Socket.prototype.connect;

beforeAll(async () => {
  // Every outbound connection of this process, whoever opens it (undici, pg, anything else).
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const [a, b] = args as [unknown, unknown];
    const o = (Array.isArray(a) ? a[0] : a) as
      | { host?: string; port?: number; path?: string }
      | number
      | string;
    if (typeof o === "object" && o !== null)
      connections.push(o.path ? `unix:${o.path}` : `${o.host ?? "localhost"}:${o.port}`);
    else if (typeof o === "number") connections.push(`${typeof b === "string" ? b : "localhost"}:${o}`);
    else connections.push(`unix:${String(o)}`);
    return (originalConnect as (...x: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;

  emu = await startEmulator({
    apiKeys: [KEY],
    seed: { preset: "demo", profiles: 150, events: 1200 },
    rateLimits: { enabled: false, scale: 1 },
    oauthClients: [{ clientId: "canary-app", clientSecret: CLIENT_SECRET }],
  });
  const instance = await DuckDBInstance.create(join(DIR, "warehouse.duckdb"));
  const c = await instance.connect();
  await c.run(
    "CREATE TABLE people AS SELECT i AS id, CASE WHEN i % 7 = 0 THEN 'bad-email-' || i ELSE 'secret' || i || '@example.com' END AS email FROM range(1, 41) t(i)",
  );
  c.closeSync();
  instance.closeSync();
  // A database of its own on the local server, reached with a password in the URL, when there is one.
  const admin = new pg.Client({ connectionString: LOCAL_PG_URL, connectionTimeoutMillis: 2000 });
  admin.on("error", () => {});
  try {
    await admin.connect();
    pgDatabase = `ks_secrets_${process.pid}`;
    await admin.query(`DROP DATABASE IF EXISTS ${pgDatabase} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${pgDatabase} TEMPLATE template0`);
  } catch {
    pgDatabase = undefined;
  } finally {
    await admin.end().catch(() => {});
  }
}, 60_000);

afterAll(async () => {
  net.Socket.prototype.connect = originalConnect;
  await emu?.close();
  if (pgDatabase) {
    const admin = new pg.Client({ connectionString: LOCAL_PG_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${pgDatabase} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
  rmSync(DIR, { recursive: true, force: true });
});

function pgUrl(password: string, port = 5432): string {
  const u = new URL(LOCAL_PG_URL);
  u.password = password;
  u.port = String(port);
  u.pathname = `/${pgDatabase ?? "none"}`;
  return u.toString();
}

/** Config files the test writes: inputs, which hold the key on purpose. */
const inputs = new Set<string>();

function write(name: string, text: string): string {
  const p = join(DIR, name);
  writeFileSync(p, text);
  inputs.add(p);
  return p;
}

const loadYaml = (state: string, apiKey = "${KLAVIYO_API_KEY}") =>
  [
    `source: duckdb:${join(DIR, "warehouse.duckdb")}`,
    "klaviyo:",
    `  api_key: ${apiKey}`,
    `state: ${state}`,
    "syncs:",
    "  people:",
    "    action: profiles",
    "    mode: upsert",
    "    model: { table: people }",
    "    primary_key: id",
    "    mapping: { email: email }",
    "  vip:",
    "    action: list_membership",
    "    mode: mirror",
    "    model: { table: people }",
    "    primary_key: id",
    "    mapping: { email: email }",
    "    options: { list_name: Secret VIPs }",
  ].join("\n");

describe("secrets never appear in output or files", () => {
  it("every command, succeeding and failing, with --verbose and --debug", async () => {
    const ok = (r: CliResult) => expect(r.code, r.stderr).toBe(0);
    // check and api
    ok(await cli(["check"]));
    ok(await cli(["--verbose", "--debug", "check", "--json"]));
    expect((await cli(["--debug", "check"], { KLAVIYO_API_KEY: WRONG_KEY })).code).toBe(3);
    expect((await cli(["--debug", "check", "--json"], { KLAVIYO_API_KEY: WRONG_KEY })).code).toBe(3);
    ok(await cli(["--verbose", "--debug", "api", "GET", "/api/accounts"]));
    ok(await cli(["--debug", "api", "GET", "/api/profiles", "--query", "page[size]=20", "--all"]));
    expect((await cli(["--verbose", "--debug", "api", "GET", "/api/profiles/NOPE"])).code).toBe(4);
    expect((await cli(["--debug", "api", "POST", "/api/lists", "--data", '{"data":{}}'])).code).toBe(4);
    expect((await cli(["--debug", "api", "GET", "/api/accounts"], { KLAVIYO_API_KEY: WRONG_KEY })).code).toBe(
      3,
    );
    ok(await cli(["discover"]));
    ok(await cli(["discover", "--json"]));

    // extract: DuckDB, files, a config file, a dry run, a rejected key, PostgreSQL with a password
    ok(
      await cli([
        "--verbose",
        "--debug",
        "extract",
        "--streams",
        "all",
        "--target",
        `duckdb:${join(DIR, "k.duckdb")}`,
      ]),
    );
    ok(
      await cli([
        "--debug",
        "extract",
        "--streams",
        "profiles,lists",
        "--target",
        `file:${join(DIR, "out")}?format=jsonl`,
      ]),
    );
    ok(
      await cli([
        "--debug",
        "extract",
        "--streams",
        "all",
        "--dry-run",
        "--target",
        `duckdb:${join(DIR, "k.duckdb")}`,
      ]),
    );
    const extractYaml = write(
      "extract.yaml",
      `source: { api_key: ${KEY} }\ntarget: duckdb:${join(DIR, "k2.duckdb")}\nstreams: { tags: {}, metrics: {} }\n`,
    );
    ok(await cli(["--verbose", "extract", "--config", extractYaml]));
    const extractBad = write(
      "extract-bad.yaml",
      `source: { api_kye: ${KEY} }\ntarget: duckdb:${join(DIR, "k3.duckdb")}\nstreams: { tags: {} }\n`,
    );
    expect((await cli(["--debug", "extract", "--config", extractBad])).code).toBe(2);
    const extractList = write(
      "extract-list.yaml",
      `source: { api_key: [${KEY}] }\ntarget: duckdb:${join(DIR, "k4.duckdb")}\nstreams: { tags: {} }\n`,
    );
    expect((await cli(["--debug", "extract", "--config", extractList])).code).toBe(2);
    expect(
      (
        await cli(
          ["--debug", "extract", "--streams", "tags", "--target", `duckdb:${join(DIR, "k5.duckdb")}`],
          { KLAVIYO_API_KEY: WRONG_KEY },
        )
      ).code,
    ).toBe(4);
    expect(
      (await cli(["--debug", "extract", "--streams", "tags", "--target", pgUrl(PG_PASSWORD, 1)])).code,
    ).toBe(2);
    if (pgDatabase)
      ok(
        await cli([
          "--verbose",
          "--debug",
          "extract",
          "--streams",
          "tags,lists",
          "--target",
          pgUrl(PG_PASSWORD),
        ]),
      );

    // load: a run with invalid rows (reject report), a dry run, runs list/show, a rejected key,
    // a literal key in the config, config errors around the key
    const state = join(DIR, "state", "load.duckdb");
    const loadConfig = write("load.yaml", loadYaml(state));
    const rejects = join(DIR, "rejects.jsonl");
    ok(await cli(["--verbose", "--debug", "load", "--config", loadConfig, "--rejects", rejects]));
    ok(await cli(["--debug", "load", "--config", loadConfig, "--dry-run"]));
    ok(await cli(["--debug", "runs", "list", "--config", loadConfig]));
    ok(await cli(["--debug", "runs", "show", "1", "--config", loadConfig]));
    ok(await cli(["runs", "list", "--state", state]));
    const wrongState = join(DIR, "state-wrong.duckdb");
    expect(
      (
        await cli(
          [
            "--debug",
            "load",
            "--config",
            write("load-wrong.yaml", loadYaml(wrongState)),
            "--rejects",
            join(DIR, "rejects-wrong.jsonl"),
          ],
          { KLAVIYO_API_KEY: WRONG_KEY },
        )
      ).code,
    ).toBe(3);
    ok(await cli(["--debug", "runs", "show", "1", "--state", wrongState]));
    ok(
      await cli([
        "--verbose",
        "load",
        "--config",
        write("load-literal.yaml", loadYaml(join(DIR, "state-literal.duckdb"), KEY)),
        "--full-resync",
      ]),
    );
    const typo = write(
      "load-typo.yaml",
      loadYaml(join(DIR, "state-typo.duckdb"), KEY).replace("  api_key:", "  api_kye:"),
    );
    expect((await cli(["--debug", "load", "--config", typo])).code).toBe(2);
    const listKey = write("load-listkey.yaml", loadYaml(join(DIR, "state-listkey.duckdb"), `[${KEY}]`));
    expect((await cli(["--debug", "load", "--config", listKey])).code).toBe(2);

    expect(existsSync(rejects)).toBe(true);
    expect(readFileSync(rejects, "utf8")).toContain("bad-email-7");
  }, 120_000);

  it("OAuth: the client secret and the tokens stay out of logs, errors and every file but the token file", async () => {
    const logs: string[] = [];
    const logger: Logger = {
      debug: (m, f) => logs.push(redact(`${m} ${JSON.stringify(f ?? {})}`)),
      info: (m, f) => logs.push(redact(`${m} ${JSON.stringify(f ?? {})}`)),
      warn: (m, f) => logs.push(redact(`${m} ${JSON.stringify(f ?? {})}`)),
    };
    const tokenPath = join(DIR, "home", "oauth-tokens.json");
    const transport = createHttpTransport();
    const oauth = createOAuthClient({
      clientId: "canary-app",
      clientSecret: CLIENT_SECRET,
      redirectUri: "http://127.0.0.1:9/callback",
      baseUrl: emu.url,
      authorizeUrl: `${emu.url}/oauth/authorize`,
      transport,
      tokenStore: new FileTokenStore(tokenPath),
      logger,
    });
    const start = oauth.startAuthorization(["accounts:read", "profiles:read"]);
    const res = await fetch(start.url, { redirect: "manual" });
    const code = parseAuthorizationCallback(res.headers.get("location") ?? "", start.state);
    const tokens = await oauth.exchangeCode(code, start.verifier);
    learnt.push(tokens.accessToken, tokens.refreshToken, code, start.verifier);
    const client = createClient({ auth: oauth.authProvider(), baseUrl: emu.url, env: {}, logger, transport });
    await client.request("GET", "/api/accounts");
    await oauth.refresh();
    const after = await oauth.getTokens();
    if (after) learnt.push(after.accessToken, after.refreshToken);
    await client.request("GET", "/api/profiles", { query: { "page[size]": "5" } });

    // Failing paths: a wrong client secret, a spent refresh token.
    const errors: string[] = [];
    const wrong = createOAuthClient({
      clientId: "canary-app",
      clientSecret: `${CLIENT_SECRET}-wrong`,
      baseUrl: emu.url,
      transport,
      tokenStore: new FileTokenStore(join(DIR, "home", "wrong-tokens.json")),
      logger,
    });
    await new FileTokenStore(join(DIR, "home", "wrong-tokens.json")).save(tokens);
    errors.push(String(await wrong.refresh().catch((e: unknown) => (e as Error).message)));
    errors.push(
      String(await oauth.exchangeCode(code, start.verifier).catch((e: unknown) => (e as Error).message)),
    );
    for (const e of errors) expect(e).not.toBe("undefined");
    outputs.push({ what: "OAuth logs and errors", text: [...logs, ...errors].join("\n") });

    // The token file holds the tokens, owner-only, in an owner-only folder; never the client secret.
    expect(statSync(tokenPath).mode & 0o777).toBe(0o600);
    expect(statSync(join(DIR, "home")).mode & 0o777).toBe(0o700);
    expect(readFileSync(tokenPath, "utf8")).not.toContain(CANARY);
    await transport.close();
  });

  it("the emulator command, as a child process", async () => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/cli/main.ts",
        "emulator",
        "--api-key",
        KEY,
        "--port",
        "0",
        "--seed",
        "none",
        "--debug",
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let text = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the emulator did not start:\n${text}`)), 30_000);
      const on = (d: Buffer) => {
        text += d.toString();
        if (text.includes("listening on")) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on("data", on);
      child.stderr.on("data", on);
    });
    child.kill("SIGTERM");
    await new Promise((r) => child.once("close", r));
    outputs.push({ what: "klaviyo-sync emulator", text });
    expect(text).toContain("emulator stopped");
  }, 40_000);

  it("nothing printed, logged or written holds a secret", async () => {
    const needles = [CANARY, ...learnt];
    const found: string[] = [];
    for (const o of outputs)
      for (const n of needles)
        if (o.text.includes(n)) found.push(`${o.what}: ${n.slice(0, 16)}… in ${excerpt(o.text, n)}`);

    let files = 0;
    let tables = 0;
    let inputsSeen = 0;
    for (const path of walk(DIR)) {
      if (path.endsWith("oauth-tokens.json") || path.endsWith("wrong-tokens.json")) {
        // The token store: tokens by design, never the client secret or the API key.
        expect(readFileSync(path, "utf8")).not.toContain(CANARY);
        continue;
      }
      if (inputs.has(path)) {
        // The search finds what is there: the inputs hold the key literally or not at all.
        if (readFileSync(path).includes(Buffer.from(KEY))) inputsSeen++;
        continue;
      }
      files++;
      const bytes = readFileSync(path);
      for (const n of needles)
        if (bytes.includes(Buffer.from(n, "utf8")) || bytes.includes(Buffer.from(n, "utf16le")))
          found.push(`${path}: holds ${n.slice(0, 16)}…`);
      if (/\.duckdb$/.test(path)) {
        for (const [table, text] of await dumpDuckDBFile(path)) {
          tables++;
          for (const n of needles)
            if (text.includes(n)) found.push(`${path} table ${table}: holds ${n.slice(0, 16)}…`);
        }
      }
    }
    if (pgDatabase) {
      const c = new pg.Client({ connectionString: pgUrl(PG_PASSWORD) });
      await c.connect();
      const t = await c.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
      );
      for (const r of t.rows as Array<{ table_name: string }>) {
        const rows = await c.query(`SELECT * FROM "${r.table_name}"`);
        tables++;
        const text = JSON.stringify(rows.rows);
        for (const n of needles)
          if (text.includes(n)) found.push(`postgres table ${r.table_name}: holds ${n.slice(0, 16)}…`);
      }
      await c.end();
    }
    expect(found).toEqual([]);
    // The search covered what it should have.
    expect(outputs.length).toBeGreaterThan(30);
    expect(learnt.length).toBeGreaterThanOrEqual(4);
    expect(inputsSeen).toBeGreaterThanOrEqual(5);
    expect(readFileSync(join(DIR, "home", "oauth-tokens.json"), "utf8")).toContain(learnt.at(-2) as string);
    expect(files).toBeGreaterThan(10);
    expect(tables).toBeGreaterThan(20);
    console.log(
      `secrets: ${outputs.length} outputs, ${files} files and ${tables} tables searched; ${needles.length} secrets; 0 found`,
    );
  });

  it("state, target and report files are owner-only", () => {
    for (const f of [
      join(DIR, "state", "load.duckdb"),
      join(DIR, "k.duckdb"),
      join(DIR, "rejects.jsonl"),
      join(DIR, "out", "_klaviyo_sync_state.json"),
    ])
      expect((statSync(f).mode & 0o777).toString(8), f).toBe("600");
    expect((statSync(join(DIR, "state")).mode & 0o777).toString(8)).toBe("700");
  });

  it("plain http:// is refused for anything but loopback; a link to another origin is not followed", async () => {
    for (const url of [
      "http://a.klaviyo.com",
      "http://10.0.0.5:8787",
      "http://klaviyo.example.com",
      "http://127.0.0.1.nip.io",
    ])
      expect(() => createClient({ apiKey: KEY, baseUrl: url, env: {} }), url).toThrow(ConfigError);
    for (const url of [
      "http://127.0.0.1:8787",
      "http://localhost:1",
      "http://[::1]:8787",
      "https://a.klaviyo.com",
    ])
      expect(() => createClient({ apiKey: KEY, baseUrl: url, env: {} }), url).not.toThrow();
    expect(() => createClient({ apiKey: KEY, env: { KLAVIYO_BASE_URL: "http://example.com" } })).toThrow(
      /plain http:\/\/ to example\.com/,
    );
    expect(() =>
      createOAuthClient({
        clientId: "a",
        clientSecret: CLIENT_SECRET,
        baseUrl: "http://oauth.example.com",
        transport: createHttpTransport(),
        tokenStore: new FileTokenStore(join(DIR, "x.json")),
      }),
    ).toThrow(ConfigError);
    const client = createClient({ apiKey: KEY, baseUrl: emu.url, env: {} });
    await expect(client.request("GET", "https://evil.example.com/api/profiles")).rejects.toThrow(
      /Refusing to send credentials/,
    );
    await client.close();
  });

  it("no telemetry: every connection went to the emulator or the database given", () => {
    const emuHost = new URL(emu.url);
    const allowed = new Set([
      `${emuHost.hostname}:${emuHost.port}`,
      "127.0.0.1:5432",
      "127.0.0.1:1", // the database that does not answer, on purpose
      `${new URL(LOCAL_PG_URL).hostname}:${new URL(LOCAL_PG_URL).port || 5432}`,
    ]);
    const other = [...new Set(connections)].filter((c) => !allowed.has(c) && !c.startsWith("unix:"));
    expect(other).toEqual([]);
    expect(connections.length).toBeGreaterThan(10);
  });
});

function* walk(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else yield p;
  }
}

function excerpt(text: string, needle: string): string {
  const i = text.indexOf(needle);
  return JSON.stringify(text.slice(Math.max(0, i - 80), i + needle.length + 40));
}

/** Every table of a DuckDB file, as JSON text. */
async function dumpDuckDBFile(path: string): Promise<Array<[string, string]>> {
  const instance = await DuckDBInstance.create(path, { access_mode: "READ_ONLY" });
  const c = await instance.connect();
  try {
    const out: Array<[string, string]> = [];
    const tables = (
      await c.runAndReadAll("SELECT schema_name, table_name FROM duckdb_tables()")
    ).getRowObjectsJS() as Array<{ schema_name: string; table_name: string }>;
    for (const t of tables) {
      const rows = (
        await c.runAndReadAll(`SELECT * FROM "${t.schema_name}"."${t.table_name}"`)
      ).getRowObjectsJS();
      out.push([t.table_name, JSON.stringify(rows, (_, v) => (typeof v === "bigint" ? v.toString() : v))]);
    }
    return out;
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}
