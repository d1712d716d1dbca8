/**
 * Starts an in-process emulator for tests. Every /api response it sends is validated against the
 * vendored spec; a response that does not match fails the test (see test/setup.ts).
 */

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type ClientOptions, createClient, type KlaviyoClient } from "../../src/client/index.js";
import { type Emulator, type EmulatorOptions, startEmulator } from "../../src/emulator/server.js";
import { validateResponse } from "../../src/spec/index.js";
import { coverageDir } from "./coverage-dir.js";
import { recordViolation } from "./spec-harness.js";

let flushes = 0;

export const TEST_KEY = "pk_test_emulator";

export interface TestEmulator extends Emulator {
  client(options?: Partial<ClientOptions>): KlaviyoClient;
  /** Responses validated so far. */
  validated: number;
}

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  let validated = 0;
  /** operationId → status → count, written to the coverage log on close. */
  const seen = new Map<string, Map<number, number>>();
  const clients: KlaviyoClient[] = [];
  const emu = await startEmulator({
    apiKeys: [TEST_KEY],
    rateLimits: { enabled: false, scale: 1 },
    ...options,
    onResponse: (info) => {
      options.onResponse?.(info);
      if (!info.op) return;
      validated++;
      const byStatus = seen.get(info.op.id) ?? new Map<number, number>();
      byStatus.set(info.status, (byStatus.get(info.status) ?? 0) + 1);
      seen.set(info.op.id, byStatus);
      const problems = validateResponse({
        operationId: info.op.id,
        status: info.status,
        ...(info.contentType ? { contentType: info.contentType } : {}),
        body: info.body,
      });
      if (problems.length > 0)
        recordViolation(
          `emulator response ${info.status} to ${info.request.method} ${info.request.url}`,
          problems,
        );
    },
  });
  const close = emu.close;
  const out = Object.assign(emu, {
    validated: 0,
    client(clientOptions: Partial<ClientOptions> = {}) {
      const c = createClient({
        apiKey: TEST_KEY,
        baseUrl: emu.url,
        env: {},
        rateLimit: { enabled: false },
        retry: { baseDelayMs: 1, maxRetries: 2 },
        ...clientOptions,
      });
      clients.push(c);
      return c;
    },
    close: async () => {
      for (const c of clients) await c.close();
      await close();
      if (seen.size > 0) {
        const dir = coverageDir();
        mkdirSync(dir, { recursive: true });
        const lines = [...seen].flatMap(([op, m]) =>
          [...m].map(([status, n]) => JSON.stringify({ op, status, n })),
        );
        writeFileSync(join(dir, `${process.pid}-${++flushes}.jsonl`), `${lines.join("\n")}\n`);
      }
    },
  });
  Object.defineProperty(out, "validated", { get: () => validated });
  return out;
}
