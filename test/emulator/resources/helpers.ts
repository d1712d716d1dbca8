/** Shared bits of the resource tests: a hand-driven clock and error assertions. */
import { expect } from "vitest";
import { KlaviyoError, type ValidationError } from "../../../src/client/errors.js";
import type { Clock } from "../../../src/client/types.js";

/** A clock the test moves by hand (`advance`); `sleep` resolves at once so clients never stall. */
export class ManualClock implements Clock {
  constructor(public t = Date.UTC(2026, 0, 15, 12, 0, 0)) {}
  now(): number {
    return this.t;
  }
  sleep(): Promise<void> {
    return Promise.resolve();
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/** Awaits a rejection and returns the typed error (fails the test if it resolved). */
export async function failure<E extends KlaviyoError = ValidationError>(p: Promise<unknown>): Promise<E> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(KlaviyoError);
    return err as E;
  }
  throw new Error("expected the request to fail");
}

export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+00:00");
