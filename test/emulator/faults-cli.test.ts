import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { emulatorOptionsFromCli } from "../../src/cli/commands/emulator.js";
import { NetworkError, ServerError } from "../../src/client/errors.js";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../helpers/emulator.js";

let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

describe("emulator faults", () => {
  it("injects random 500/503 at the configured rate; the client retries through them", async () => {
    emu = await startTestEmulator({ faults: { rate: 0.3, kinds: ["500", "503"] } });
    const c = emu.client({ retry: { maxRetries: 10, baseDelayMs: 1 } });
    for (let i = 0; i < 40; i++) await c.accounts.list().toArray();
    const injected = (emu.faults.injected["500"] ?? 0) + (emu.faults.injected["503"] ?? 0);
    expect(injected).toBeGreaterThan(3);
    expect(injected).toBeLessThan(30);
    expect(c.stats.retries).toBe(injected);
  });

  it("resets connections and truncates bodies; the client sees network errors and retries", async () => {
    emu = await startTestEmulator({
      faults: {
        plan: [
          { path: "/api/accounts", nth: 1, fault: { kind: "reset" } },
          { path: "/api/accounts", nth: 2, fault: { kind: "truncate" } },
        ],
      },
    });
    const c = emu.client({ retry: { maxRetries: 3, baseDelayMs: 1 } });
    expect(await c.accounts.list().toArray()).toHaveLength(1);
    expect(c.stats.networkErrors).toBe(2);
    const strict = emu.client({ retry: { maxRetries: 0 } });
    emu.faults.configure(
      { plan: [{ path: "/api/accounts", nth: 1, fault: { kind: "truncate" } }] },
      Date.now(),
    );
    await expect(strict.accounts.list().toArray()).rejects.toBeInstanceOf(NetworkError);
  });

  it("follows a deterministic plan: the Nth request fails, and a timed 429 storm", async () => {
    emu = await startTestEmulator({
      faults: { plan: [{ path: "/api/metrics", nth: 3, fault: { kind: "status", status: 503 } }] },
    });
    const c = emu.client({ retry: { maxRetries: 0 } });
    await c.metrics.list().toArray();
    await c.metrics.list().toArray();
    await expect(c.metrics.list().toArray()).rejects.toBeInstanceOf(ServerError);
    await c.metrics.list().toArray();
    emu.faults.configure(
      { plan: [{ startMs: 0, durationMs: 60_000, fault: { kind: "storm", retryAfter: 7 } }] },
      Date.now(),
    );
    const res = await fetch(`${emu.url}/api/accounts`, {
      headers: { authorization: `Klaviyo-API-Key ${TEST_KEY}`, revision: "2026-07-15" },
    });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
  });

  it("is configured through the admin API", async () => {
    emu = await startTestEmulator();
    const put = await fetch(`${emu.url}/admin/faults`, {
      method: "PUT",
      body: JSON.stringify({ plan: [{ nth: 1, fault: { kind: "status", status: 500 } }] }),
    });
    expect(put.status).toBe(200);
    const res = await fetch(`${emu.url}/api/accounts`, {
      headers: { authorization: `Klaviyo-API-Key ${TEST_KEY}`, revision: "2026-07-15" },
    });
    expect(res.status).toBe(500);
    const counters = (await (await fetch(`${emu.url}/admin/counters`)).json()) as {
      faults: Record<string, number>;
    };
    expect(counters.faults.status).toBe(1);
    const mode = await fetch(`${emu.url}/admin/rate-limits`, {
      method: "PUT",
      body: JSON.stringify({ mode: "10x" }),
    });
    expect(await mode.json()).toMatchObject({ enabled: true, scale: 10 });
    expect(
      (await fetch(`${emu.url}/admin/rate-limits`, { method: "PUT", body: JSON.stringify({ mode: "fast" }) }))
        .status,
    ).toBe(400);
  });
});

describe("klaviyo-sync emulator (CLI)", () => {
  it("turns flags into options and rejects bad ones with clear messages", () => {
    const base = { host: "127.0.0.1", port: "8787", apiKey: [], seed: "none", rateLimits: "real" };
    expect(
      emulatorOptionsFromCli({ ...base, rateLimits: "10x", faultRate: "0.1", latency: "5" }),
    ).toMatchObject({
      port: 8787,
      rateLimits: { enabled: true, scale: 10 },
      faults: { rate: 0.1 },
      latencyMs: 5,
    });
    expect(() => emulatorOptionsFromCli({ ...base, rateLimits: "fast" })).toThrow(/--rate-limits/);
    expect(() => emulatorOptionsFromCli({ ...base, port: "70000" })).toThrow(/--port/);
    expect(() => emulatorOptionsFromCli({ ...base, faultRate: "2" })).toThrow(/--fault-rate/);
    expect(() => emulatorOptionsFromCli({ ...base, apiKey: ["AbC123"] })).toThrow(/pk_/);
    expect(() => emulatorOptionsFromCli({ ...base, seed: "big" })).toThrow(/--seed/);
    const dir = mkdtempSync(join(tmpdir(), "ks-faults-"));
    writeFileSync(join(dir, "plan.json"), JSON.stringify({ plan: [{ nth: 3, fault: { kind: "reset" } }] }));
    expect(emulatorOptionsFromCli({ ...base, faults: join(dir, "plan.json") }).faults?.plan).toHaveLength(1);
    expect(() => emulatorOptionsFromCli({ ...base, faults: join(dir, "missing.json") })).toThrow(
      /Cannot read --faults/,
    );
  });

  it("prints where it listens and the generated key, serves, and exits cleanly on SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", "emulator", "--port", "0", "--seed", "none"],
      {
        cwd: join(import.meta.dirname, "..", ".."),
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line: ${out}`)), 15_000);
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/\S+)[\s\S]*api key: (pk_\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(`${m[1]} ${m[2]}`);
        }
      });
    });
    const [base, key] = url.split(" ");
    const res = await fetch(`${base}/api/accounts`, {
      headers: { authorization: `Klaviyo-API-Key ${key}`, revision: "2026-07-15" },
    });
    expect(res.status).toBe(200);
    const code = await new Promise<number | null>((resolve) => {
      child.once("exit", (c) => resolve(c));
      child.kill("SIGTERM");
    });
    expect(code).toBe(0);
  });
});
