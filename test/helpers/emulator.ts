/**
 * Starts an in-process emulator for tests. Every /api response it sends is validated against the
 * vendored spec; a response that does not match fails the test (see test/setup.ts).
 */
import { type ClientOptions, createClient, type KlaviyoClient } from "../../src/client/index.js";
import { type Emulator, type EmulatorOptions, startEmulator } from "../../src/emulator/server.js";
import { validateResponse } from "../../src/spec/index.js";
import { recordViolation } from "./spec-harness.js";

export const TEST_KEY = "pk_test_emulator";

export interface TestEmulator extends Emulator {
  client(options?: Partial<ClientOptions>): KlaviyoClient;
  /** Responses validated so far. */
  validated: number;
}

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  let validated = 0;
  const clients: KlaviyoClient[] = [];
  const emu = await startEmulator({
    apiKeys: [TEST_KEY],
    rateLimits: { enabled: false, scale: 1 },
    ...options,
    onResponse: (info) => {
      options.onResponse?.(info);
      if (!info.op) return;
      validated++;
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
    },
  });
  Object.defineProperty(out, "validated", { get: () => validated });
  return out;
}
