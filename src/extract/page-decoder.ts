/**
 * Decodes pages of a stream with a row spec (events) on a worker thread.
 *
 * An events extract at Klaviyo's limit reads about 58 pages of 1,000 events a second. Parsing a
 * 1 MB page and making its rows costs about 9 ms of JavaScript and leaves several MB of garbage;
 * on the main thread, next to the target's appends and commits, that is what bounded the extract
 * (about 37 pages a second on two cores). The worker parses the page text and makes the rows;
 * the main thread gets the rows (a structured clone, about half the cost of parsing) and spends
 * its time on the target. The worker runs the same functions as the main thread (row-spec.ts),
 * from their source text, so it needs no module loader of its own and works wherever the code
 * runs (compiled, or under tsx and vitest).
 *
 * If the worker cannot be started or dies, every page is decoded on the main thread instead:
 * slower, never different (a page the worker had taken when it died is read again).
 */
import { isAscii } from "node:buffer";
import { Worker } from "node:worker_threads";
import { jsonBodyText } from "../client/json-text.js";
import { coerce, type DecodedPage, decodePage, type RowSpec, rowFromResource } from "./row-spec.js";

interface Pending {
  resolve: (page: DecodedPage) => void;
  spec: RowSpec;
}

/** What a page the worker took but never answered decodes to: the runner reads it again. */
const LOST: DecodedPage = {
  rows: [],
  next: null,
  error: "the page decoder stopped before decoding the page",
};

/** The worker's source: the shared functions, then a message loop. */
function workerSource(): string {
  return [
    `"use strict";`,
    // Tools that keep function names (esbuild, under tsx) call a helper the functions' text
    // refers to; here names do not matter.
    `var __name = (target) => target;`,
    `const { parentPort } = require("node:worker_threads");`,
    `const { isAscii } = require("node:buffer");`,
    coerce.toString(),
    rowFromResource.toString(),
    decodePage.toString(),
    jsonBodyText.toString(),
    `parentPort.on("message", (m) => {`,
    `  let out;`,
    `  try {`,
    `    const text = jsonBodyText(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength), isAscii);`,
    `    out = decodePage(text, m.spec);`,
    `  } catch (err) { out = { rows: [], next: null, error: String(err && err.message || err) }; }`,
    // A page it cannot decode goes back with its bytes, for the main thread to judge.
    `  if (out.error) parentPort.postMessage({ id: m.id, page: out, bytes: m.bytes }, [m.bytes.buffer]);`,
    `  else parentPort.postMessage({ id: m.id, page: out });`,
    `});`,
  ].join("\n");
}

export class PageDecoder {
  private worker: Worker | undefined;
  private broken = false;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  /** Pages decoded on the worker and on the main thread (for tests and benchmarks). */
  readonly counts = { worker: 0, main: 0 };

  private start(): Worker | undefined {
    if (this.broken) return undefined;
    if (this.worker) return this.worker;
    try {
      const worker = new Worker(workerSource(), {
        eval: true,
        // A page's garbage dies young: a small young generation keeps the worker's memory down.
        // A page too big for these limits ends the worker, and pages are then decoded here.
        resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 256 },
      });
      worker.unref();
      worker.on("message", (m: { id: number; page: DecodedPage; bytes?: Uint8Array }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.page.error && m.bytes) {
          // A page cut short fails here too; one that decodes here means the worker is broken.
          const here = this.decodeHere(m.bytes, p.spec);
          if (!here.error) this.abandon();
          p.resolve(here);
          return;
        }
        this.counts.worker++;
        p.resolve(m.page);
      });
      const fail = () => this.fail();
      worker.on("error", fail);
      worker.on("exit", fail);
      this.worker = worker;
      return worker;
    } catch {
      this.broken = true;
      return undefined;
    }
  }

  /**
   * The worker is gone: the pages it had taken (their bytes moved to it) are reported lost, to be
   * read again, and every page from now on is decoded on this thread.
   */
  private fail(): void {
    this.broken = true;
    this.worker = undefined;
    const left = [...this.pending.values()];
    this.pending.clear();
    for (const p of left) p.resolve(LOST);
  }

  /** Stops using a worker that answers wrongly: from now on pages are decoded here. */
  private abandon(): void {
    const worker = this.worker;
    this.broken = true;
    this.worker = undefined;
    if (!worker) return;
    worker.removeAllListeners("exit");
    worker.removeAllListeners("error");
    // Pages it still holds are reported lost (read again); then it goes.
    const left = [...this.pending.values()];
    this.pending.clear();
    for (const p of left) p.resolve(LOST);
    void worker.terminate();
  }

  private decodeHere(bytes: Uint8Array, spec: RowSpec): DecodedPage {
    this.counts.main++;
    return decodePage(
      jsonBodyText(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), isAscii),
      spec,
    );
  }

  /**
   * The rows and next link of a page's bytes (UTF-8 JSON). The bytes go to the worker without a
   * copy when they own their memory; the caller must not use them afterwards.
   */
  decode(bytes: Uint8Array, spec: RowSpec): Promise<DecodedPage> {
    const worker = this.start();
    if (!worker) return Promise.resolve(this.decodeHere(bytes, spec));
    return new Promise((resolve) => {
      const id = ++this.seq;
      // Moved, not copied, unless the bytes share their memory with others (Node's small-buffer pool).
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      const sent = own ? bytes : new Uint8Array(bytes);
      this.pending.set(id, { resolve, spec });
      worker.postMessage(
        { id, bytes: sent, spec: { columns: spec.columns, relationships: spec.relationships } },
        [sent.buffer as ArrayBuffer],
      );
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.broken = true;
    if (worker) {
      worker.removeAllListeners("exit");
      worker.removeAllListeners("error");
      await worker.terminate();
    }
    for (const p of this.pending.values()) p.resolve(LOST);
    this.pending.clear();
  }
}
