/**
 * Pages of events decoded on the worker thread give exactly the rows the main thread gives, a
 * page cut short is reported (and read again by the runner), and a dead worker changes nothing
 * but where pages are decoded.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpTransport } from "../../src/client/transport.js";
import type { Transport } from "../../src/client/types.js";
import { PageDecoder } from "../../src/extract/page-decoder.js";
import { decodePage } from "../../src/extract/row-spec.js";
import { runExtract } from "../../src/extract/runner.js";
import { getStream } from "../../src/extract/streams/index.js";
import { DuckDBTarget } from "../../src/extract/targets/duckdb.js";
import type { ApiResource, Row } from "../../src/extract/types.js";
import { startTestEmulator, type TestEmulator } from "../helpers/emulator.js";

let emu: TestEmulator;
let pageText: string;
let pageBytes: Uint8Array;
/** A fresh copy each time: decode() moves the bytes to the worker. */
const bytesOf = (text: string) => new Uint8Array(Buffer.from(text, "utf8"));
const events = getStream("events");
if (!events?.rowSpec) throw new Error("events has no row spec");
const spec = events.rowSpec;

beforeAll(async () => {
  emu = await startTestEmulator({ seed: "demo" });
  // A page with API-created events too (their properties are what a user sent).
  await emu.client().events.create({
    data: {
      type: "event",
      attributes: {
        properties: { nested: { deep: [1, "two", null, { é: "ü😀" }] }, n: 1.5, flag: true },
        time: new Date(Date.now() - 1000).toISOString(),
        metric: { data: { type: "metric", attributes: { name: "Decoder Test" } } },
        profile: { data: { type: "profile", attributes: { email: "decoder@example.com" } } },
      },
    },
  });
  pageBytes = await emu.client().requestBytes("GET", "/api/events", {
    query: { "page[size]": "1000", sort: "-datetime" },
  });
  pageText = Buffer.from(pageBytes).toString("utf8");
});

afterAll(async () => {
  await emu?.close();
});

function mainRows(text: string): Row[] {
  const page = JSON.parse(text) as { data: ApiResource[] };
  return page.data.map((r) => events?.toRow(r, { included: [] }) as Row);
}

describe("page decoder", () => {
  it("decodes on the worker exactly the rows toRow makes on the main thread", async () => {
    const decoder = new PageDecoder();
    try {
      const page = await decoder.decode(bytesOf(pageText), spec);
      expect(decoder.counts).toEqual({ worker: 1, main: 0 });
      expect(page.error).toBeUndefined();
      expect(page.rows.length).toBe(1000);
      expect(page.rows).toEqual(mainRows(pageText));
      expect(page.rows[0]?.datetime).toBeInstanceOf(Date);
      expect(page.rows.some((r) => r.metric_id && r.profile_id)).toBe(true);
      expect(page.next).toBe((JSON.parse(pageText) as { links: { next: string } }).links.next);
    } finally {
      await decoder.close();
    }
  });

  it("reports a page cut short instead of failing", async () => {
    const decoder = new PageDecoder();
    try {
      const cut = await decoder.decode(bytesOf(pageText.slice(0, pageText.length / 2)), spec);
      expect(cut.error).toBeTruthy();
      expect(cut.rows).toEqual([]);
      const notAPage = await decoder.decode(bytesOf('{"errors":[]}'), spec);
      expect(notAPage.error).toMatch(/no data array/);
    } finally {
      await decoder.close();
    }
  });

  it("decodes on the main thread, the same, when the worker dies", async () => {
    const decoder = new PageDecoder();
    try {
      await decoder.decode(bytesOf(pageText), spec);
      const worker = (decoder as unknown as { worker: { terminate(): Promise<number> } }).worker;
      await worker.terminate();
      const page = await decoder.decode(bytesOf(pageText), spec);
      expect(decoder.counts).toEqual({ worker: 1, main: 1 });
      expect(page.rows).toEqual(decodePage(pageText, spec).rows);
    } finally {
      await decoder.close();
    }
  });

  it("an extract decoding on the worker writes the same table as one decoding on the main thread", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ks-decoder-"));
    const small = await startTestEmulator({ seed: { preset: "demo", profiles: 300, events: 4000 } });
    try {
      const tables: Row[][] = [];
      for (const decodePages of ["worker", "main"] as const) {
        const target = new DuckDBTarget(join(dir, `${decodePages}.duckdb`));
        await target.open();
        try {
          const result = await runExtract({
            client: small.client(),
            target,
            streams: [{ name: "events" }],
            decodePages,
            now: () => new Date(Date.now() + 60_000),
          });
          expect(result.results[0]?.status).toBe("ok");
          const rows = await target.readRows("events");
          tables.push(rows.map(({ _extracted_at, _run_id, ...rest }) => rest));
        } finally {
          await target.close();
        }
      }
      expect(tables[0]?.length).toBe(small.store.events.size);
      expect(tables[0]).toEqual(tables[1]);
    } finally {
      await small.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads a page again when its body arrives whole but cut short (a 200 with half a page)", async () => {
    const small = await startTestEmulator({ seed: { preset: "demo", profiles: 300, events: 4000 } });
    const http = createHttpTransport();
    let cut = 0;
    // Every third events page comes back as a complete response holding only half the page.
    let pages = 0;
    const transport: Transport = async (req) => {
      const res = await http(req);
      if (!new URL(req.url).pathname.endsWith("/api/events") || ++pages % 3 !== 0) return res;
      cut++;
      const half = Buffer.from(res.bytes ?? Buffer.from(res.body)).subarray(0, 5000);
      return { status: res.status, headers: res.headers, body: half.toString("utf8"), bytes: half };
    };
    const dir = mkdtempSync(join(tmpdir(), "ks-decoder-cut-"));
    const target = new DuckDBTarget(join(dir, "cut.duckdb"));
    await target.open();
    try {
      const result = await runExtract({
        client: small.client({ transport }),
        target,
        streams: [{ name: "events" }],
        now: () => new Date(Date.now() + 60_000),
      });
      expect(result.results[0]?.status).toBe("ok");
      expect(cut).toBeGreaterThan(3);
      expect(await target.count("events")).toBe(small.store.events.size);
    } finally {
      await target.close();
      await http.close();
      await small.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
