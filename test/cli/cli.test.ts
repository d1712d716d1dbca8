import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { commandWord, main } from "../../src/cli/main.js";
import type { Output } from "../../src/cli/output.js";
import { type LoopbackServer, startLoopbackServer } from "../helpers/loopback.js";

const KEY = "pk_test_cli_secret";
let server: LoopbackServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

function capture(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

async function run(args: string[], env: Record<string, string | undefined>) {
  const out = capture();
  const code = await main(["node", "klaviyo-sync", ...args], out, env);
  return { code, stdout: out.stdout.join("\n"), stderr: out.stderr.join("\n") };
}

const account = {
  type: "account",
  id: "ACCT01",
  attributes: {
    test_account: false,
    contact_information: {
      default_sender_name: "Acme",
      default_sender_email: "hello@acme.test",
      website_url: "https://acme.test",
      organization_name: "Acme Outfitters",
      street_address: {
        address1: "1 Main St",
        address2: "",
        city: "Boston",
        region: "MA",
        country: "US",
        zip: "02110",
      },
    },
    industry: "Retail",
    timezone: "America/New_York",
    preferred_currency: "USD",
    public_api_key: "AbC123",
    locale: "en-US",
  },
  links: { self: "http://127.0.0.1/api/accounts/ACCT01" },
};

describe("klaviyo-sync check", () => {
  it("prints the account for a good key", async () => {
    server = await startLoopbackServer((req) => ({
      status: 200,
      body: { data: [account], links: { self: `${server?.url}${req.pathname}` } },
    }));
    const r = await run(["check"], { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: server.url });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"Acme Outfitters"');
    expect(r.stdout).toContain("ACCT01");
    const json = await run(["check", "--json"], { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: server.url });
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: true,
      account: { id: "ACCT01", name: "Acme Outfitters" },
    });
  });

  it("says the key was rejected (exit 3) and never prints it", async () => {
    server = await startLoopbackServer(() => ({
      status: 401,
      body: {
        errors: [
          {
            id: "e",
            code: "not_authenticated",
            title: "Authentication credentials were not provided.",
            detail: "Missing or invalid private key.",
          },
        ],
      },
    }));
    const r = await run(["check", "--debug"], { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: server.url });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/API key was rejected/);
    expect(r.stdout + r.stderr).not.toContain(KEY);
  });

  it("explains a missing key, a public key, and a key that is not private (exit 2)", async () => {
    const missing = await run(["check"], {});
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/KLAVIYO_API_KEY/);
    expect(missing.stderr).toMatch(/Settings > API keys/);
    const pub = await run(["check"], { KLAVIYO_API_KEY: "XyZ789" });
    expect(pub.code).toBe(2);
    expect(pub.stderr).toMatch(/public/i);
    expect(pub.stderr).not.toContain("XyZ789");
    const wrong = await run(["check"], { KLAVIYO_API_KEY: "sk_live_somethingelse" });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/not a private API key/);
    expect(wrong.stderr).not.toContain("somethingelse");
  });

  it("reports an unreachable server (exit 5)", async () => {
    const r = await run(["check"], { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: "http://127.0.0.1:9" });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/Could not reach/);
  });

  it("refuses plain http to a remote host", async () => {
    const r = await run(["check"], { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: "http://klaviyo.example.com" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/plain http/);
  });
});

describe("klaviyo-sync api", () => {
  it("sends a raw GET with query pairs and prints the JSON", async () => {
    server = await startLoopbackServer((req) => ({
      status: 200,
      body: { data: [], links: { self: `${server?.url}${req.pathname}` } },
    }));
    const r = await run(
      ["api", "GET", "/api/profiles", "--query", "page[size]=5", "--query", "filter=equals(email,'a@b.com')"],
      {
        KLAVIYO_API_KEY: KEY,
        KLAVIYO_BASE_URL: server.url,
      },
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ data: [], links: { self: `${server.url}/api/profiles` } });
    expect(server.requests[0]?.query.get("page[size]")).toBe("5");
    expect(server.requests[0]?.query.get("filter")).toBe("equals(email,'a@b.com')");
  });

  it("posts --data from a file and reports 202/204 status", async () => {
    server = await startLoopbackServer(() => ({ status: 202 }));
    const dir = mkdtempSync(join(tmpdir(), "ks-api-"));
    const file = join(dir, "event.json");
    writeFileSync(
      file,
      JSON.stringify({
        data: {
          type: "event",
          attributes: {
            properties: { sku: "A1" },
            metric: { data: { type: "metric", attributes: { name: "Viewed Product" } } },
            profile: { data: { type: "profile", attributes: { email: "a@b.com" } } },
          },
        },
      }),
    );
    const r = await run(["api", "POST", "/api/events", "--data", `@${file}`], {
      KLAVIYO_API_KEY: KEY,
      KLAVIYO_BASE_URL: server.url,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("HTTP 202");
    expect(server.requests[0]?.json).toMatchObject({ data: { type: "event" } });
  });

  it("follows every page with --all and prints JSON lines", async () => {
    server = await startLoopbackServer((req) => {
      const base = server?.url ?? "";
      const page = Number(req.query.get("page[cursor]") ?? "0");
      const data = [0, 1].map((i) => ({
        type: "metric",
        id: `m${page * 2 + i}`,
        attributes: {},
        links: { self: `${base}/api/metrics/m` },
      }));
      const next = page < 2 ? `${base}/api/metrics?page%5Bcursor%5D=${page + 1}` : undefined;
      return {
        status: 200,
        body: { data, links: { self: `${base}/api/metrics`, ...(next ? { next } : {}) } },
      };
    });
    const r = await run(["api", "GET", "/api/metrics", "--all"], {
      KLAVIYO_API_KEY: KEY,
      KLAVIYO_BASE_URL: server.url,
    });
    expect(r.code).toBe(0);
    const ids = r.stdout.split("\n").map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids).toEqual(["m0", "m1", "m2", "m3", "m4", "m5"]);
  });

  it("rejects bad input with a clear message", async () => {
    const env = { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: "http://127.0.0.1:9" };
    expect((await run(["api", "FETCH", "/api/x"], env)).stderr).toMatch(/Unknown method/);
    expect((await run(["api", "GET", "api/x"], env)).stderr).toMatch(/must start with/);
    expect((await run(["api", "POST", "/api/x", "--data", "{nope"], env)).stderr).toMatch(/not valid JSON/);
    expect((await run(["api", "POST", "/api/x", "--all"], env)).stderr).toMatch(/only works with GET/);
    expect((await run(["api", "GET", "/api/x", "--query", "novalue"], env)).code).toBe(2);
  });

  it("prints help for every command", async () => {
    for (const args of [["--help"], ["check", "--help"], ["api", "--help"]]) {
      const r = await run(args, {});
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage: klaviyo-sync/);
    }
  });

  it("finds the command word past global options, and loads every command when there is none", async () => {
    expect(commandWord(["node", "k", "extract", "--streams", "events"])).toBe("extract");
    expect(
      commandWord(["node", "k", "--base-url", "http://x", "--rate-limits", "10x", "load", "-c", "f"]),
    ).toBe("load");
    expect(commandWord(["node", "k", "--debug", "--verbose", "runs", "list"])).toBe("runs");
    expect(commandWord(["node", "k", "--help"])).toBeUndefined();
    // No command or a misspelt one: every command is registered, so help lists them all and
    // commander can suggest the nearest.
    const help = await run(["--help"], {});
    for (const name of [
      "check",
      "api",
      "emulator",
      "demo",
      "extract",
      "discover",
      "load",
      "runs",
      "airbyte",
      "singer",
    ])
      expect(help.stdout).toMatch(new RegExp(`\\n  ${name} `));
    const typo = await run(["extrct"], {});
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/Did you mean extract\?/);
    // A command found after a global option that takes a value runs normally.
    const discover = await run(["--rate-limits", "10x", "discover", "--json"], {});
    expect(discover.code).toBe(0);
    expect((JSON.parse(discover.stdout) as unknown[]).length).toBeGreaterThan(20);
  });
});
