// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} config interpolation syntax is written literally in this file
/**
 * Property-based tests (fast-check) for the parsers that take input from outside: the emulator's
 * filter handling, the config loaders, the CSV reader and the E.164 normaliser. Each answers any
 * input with a value or its own typed error, never anything else. (The filter grammar on its own
 * is fuzzed in test/filter/properties.test.ts.) Runs are kept small: this file takes seconds.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, ConflictError, ValidationError } from "../../src/client/errors.js";
import { parseExtractConfig } from "../../src/config/extract.js";
import { parseLoadConfig } from "../../src/config/load.js";
import { STREAM_NAMES } from "../../src/extract/streams/index.js";
import { filter } from "../../src/filter/index.js";
import { ACTIONS } from "../../src/load/actions/index.js";
import { openModel } from "../../src/load/models/index.js";
import { normalizePhone } from "../../src/load/validate.js";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../helpers/emulator.js";

// One seed in `npm test`, so a CI run is repeatable (FUZZ_SEED=random explores new inputs; a
// failure prints the seed and path that reproduce it).
if (process.env.FUZZ_SEED !== "random")
  fc.configureGlobal({ seed: Number(process.env.FUZZ_SEED ?? 20261206) });

const DIR = mkdtempSync(join(tmpdir(), "ks-fuzz-"));
let emu: TestEmulator;

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu?.close();
  rmSync(DIR, { recursive: true, force: true });
});

/** Strings heavy in what matters to quoting and parsing. */
const nasty = fc.string({
  unit: fc.oneof(
    fc.constantFrom(
      "'",
      '"',
      ",",
      "(",
      ")",
      "[",
      "]",
      "\\",
      " ",
      "\n",
      "\r",
      ";",
      "\t",
      "é",
      "😀",
      "\u0000",
      "a",
      "0",
      "-",
      ":",
      "#",
      "{",
      "}",
      "$",
    ),
    fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  ),
  maxLength: 40,
});

describe("the emulator's filter parser, over HTTP", () => {
  async function getProfiles(
    filterText: string,
  ): Promise<{ status: number; body: { data?: Array<{ id: string }> } }> {
    const url = new URL(`${emu.url}/api/profiles`);
    url.searchParams.set("filter", filterText);
    const res = await fetch(url, {
      headers: { authorization: `Klaviyo-API-Key ${TEST_KEY}`, revision: "2026-07-15" },
    });
    return { status: res.status, body: (await res.json()) as { data?: Array<{ id: string }> } };
  }

  it("answers any filter text with 200 or a 400 naming the filter, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(nasty, fc.string({ unit: "binary", maxLength: 120 })), async (text) => {
        const r = await getProfiles(text);
        expect([200, 400]).toContain(r.status);
      }),
      { numRuns: 150 },
    );
  });

  it("a filter built by the client finds exactly the profile with that value (round trip)", async () => {
    const client = emu.client();
    await fc.assert(
      fc.asyncProperty(
        nasty.filter((s) => s.trim() !== ""),
        async (value) => {
          let id: string;
          try {
            const res = await client.profiles.create({
              data: { type: "profile", attributes: { external_id: value } as unknown as { email: string } },
            });
            id = res.data.id as string;
          } catch (err) {
            // A value Klaviyo would refuse as an external id (or one that exists already): not this property's concern.
            if (err instanceof ValidationError || err instanceof ConflictError) return;
            throw err;
          }
          const text = String(filter.equals("external_id", value));
          const r = await getProfiles(text);
          expect(r.status, text).toBe(200);
          expect((r.body.data ?? []).map((p) => p.id)).toContain(id);
          for (const p of r.body.data ?? []) expect(emu.store.profiles.get(p.id)?.external_id).toBe(value);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("config loaders", () => {
  const env = { KLAVIYO_API_KEY: "pk_fuzz_config_0001" };
  const actions = Object.fromEntries(ACTIONS.map((a) => [a.name, a]));
  const loadYaml = [
    "source: duckdb:./w.duckdb",
    "klaviyo: { api_key: ${KLAVIYO_API_KEY} }",
    "syncs:",
    "  people:",
    "    action: profiles",
    "    mode: upsert",
    "    model: { table: people }",
    "    primary_key: id",
    "    mapping: { email: email, ltv: properties.ltv }",
    "    options: { nulls: skip }",
  ].join("\n");
  const extractYaml = [
    "source: { api_key: ${KLAVIYO_API_KEY} }",
    "target: duckdb:./k.duckdb",
    "defaults: { mode: incremental, start_date: 2024-01-01, lookback: 1h }",
    "streams: { profiles: {}, events: { lookback: 2h } }",
  ].join("\n");

  const load = (text: string) => parseLoadConfig(text, { file: "load.yaml", env, actions });
  const extract = (text: string) =>
    parseExtractConfig(text, { file: "extract.yaml", env, streamNames: STREAM_NAMES });
  /** Only ConfigErrors, each pointing at the file (and a position when it has one). */
  const onlyConfigErrors = (parse: (t: string) => unknown, file: string) => (text: string) => {
    try {
      parse(text);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      expect(err.message).toContain(file);
      expect(err.message).not.toMatch(/^\s+at /m);
    }
  };
  /** A valid config with one span replaced by noise. */
  const mutated = (base: string) =>
    fc
      .tuple(
        fc.nat(base.length),
        fc.nat(12),
        fc.oneof(nasty, fc.constantFrom(":", "- ", "  ", "{", "[", "${", "&a", "*a", "!!int", "\t")),
      )
      .map(([at, len, noise]) => base.slice(0, at) + noise + base.slice(at + len));

  it("sanity: the base configs parse", () => {
    expect(load(loadYaml).syncs).toHaveLength(1);
    expect(extract(extractYaml).streams.length).toBe(2);
  });

  it("load.yaml: any text, and any mutation of a valid file, gives a config or a ConfigError", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 300 }), mutated(loadYaml)),
        onlyConfigErrors(load, "load.yaml"),
      ),
      {
        numRuns: 400,
      },
    );
  });

  it("extract.yaml: any text, and any mutation of a valid file, gives a config or a ConfigError", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 300 }), mutated(extractYaml)),
        onlyConfigErrors(extract, "extract.yaml"),
      ),
      { numRuns: 400 },
    );
  });
});

describe("the CSV reader", () => {
  let files = 0;
  async function read(
    content: Buffer,
  ): Promise<{ rows: Record<string, unknown>[]; rejects: number[] } | ConfigError> {
    const path = join(DIR, `f${++files}.csv`);
    writeFileSync(path, content);
    let model: Awaited<ReturnType<typeof openModel>>;
    try {
      model = await openModel(`file:${path}`, {});
    } catch (err) {
      if (err instanceof ConfigError) return err;
      throw err;
    }
    try {
      const rows: Record<string, unknown>[] = [];
      for await (const batch of model.rows(1000)) rows.push(...batch);
      const rejects = await model.rejects(10_000);
      return { rows, rejects: rejects.rows.map((r) => r.line) };
    } finally {
      await model.close();
    }
  }

  it("any bytes: rows and line-numbered rejects, or a ConfigError about the file; never a crash", async () => {
    const lines = fc.array(fc.oneof(nasty, fc.constantFrom("a,b", '"x"', '"x""y"', ",,,", '"')), {
      maxLength: 8,
    });
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
      lines.map((ls) => Buffer.from(`id,email\n${ls.join("\n")}\n`, "utf8")),
    );
    await fc.assert(
      fc.asyncProperty(bytes, async (content) => {
        const r = await read(content);
        if (r instanceof ConfigError) {
          // About the file as a whole, in words a user can act on: not the database's internals.
          expect(r.message).toMatch(/^The model file /);
          expect(r.message).not.toMatch(/Parser Error|Invalid Input Error|INTERNAL|Conversion Error/);
          return;
        }
        for (const line of r.rejects) expect(line).toBeGreaterThanOrEqual(2);
        expect(new Set(r.rejects).size).toBe(r.rejects.length);
      }),
      { numRuns: Number(process.env.FUZZ_CSV_RUNS ?? 40) },
    );
  });

  it("a well-formed file of any values reads back exactly (RFC 4180 quoting)", async () => {
    const value = nasty.filter((s) => !s.includes("\u0000") && !s.includes("\r"));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(value, value), { minLength: 1, maxLength: 6 }), async (records) => {
        const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
        const text = `id,a,b\n${records.map(([a, b], i) => `${i + 1},${q(a)},${q(b)}`).join("\n")}\n`;
        const r = await read(Buffer.from(text, "utf8"));
        if (r instanceof ConfigError) throw r;
        expect(r.rejects).toEqual([]);
        // Empty fields are null; values keep every character, surrounding spaces included.
        expect(r.rows.map((x) => [String(x.id), x.a, x.b])).toEqual(
          records.map(([a, b], i) => [String(i + 1), a === "" ? null : a, b === "" ? null : b]),
        );
      }),
      { numRuns: 25 },
    );
  });
});

describe("the E.164 normaliser", () => {
  const E164 = /^\+[1-9]\d{1,14}$/;
  const countries = fc.constantFrom(
    undefined,
    "US",
    "GB",
    "DE",
    "FR",
    "JP",
    "BR",
    "IN",
    "AU",
    "MX",
    "ZA",
    "CN",
  );
  /** Digits in the shapes of real numbers, with the separators people write. */
  const formatted = fc
    .tuple(
      fc.constantFrom("", "+", "00", "+1 ", "+44 ", "+49 ", "+33 ", "+81 ", "+55 ", "+91 ", "0"),
      fc.stringMatching(/^[0-9]{6,13}$/),
      fc.nat(3),
    )
    .map(([prefix, digits, sep]) => {
      const s = [" ", "-", ".", ""][sep] as string;
      return `${prefix}${digits.replace(/(\d{3})(?=\d)/g, `$1${s}`)}`;
    });

  it("refuses a national number that would make more than 15 digits (found by this fuzzing)", () => {
    expect(normalizePhone("00660 000 000 000", "JP")).toHaveProperty("error");
  });

  it("any input: E.164 or a reason, never a throw", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), formatted, fc.integer()), countries, (s, c) => {
        const r = normalizePhone(s, c);
        if ("ok" in r) expect(r.ok).toMatch(E164);
        else expect(typeof r.error).toBe("string");
      }),
      { numRuns: 3000 },
    );
  });

  it("idempotent: its own output normalises to itself, whatever the default country, however it is spaced", () => {
    fc.assert(
      fc.property(formatted, countries, countries, fc.nat(3), (s, c, other, sep) => {
        const r = normalizePhone(s, c);
        if (!("ok" in r)) return;
        expect(normalizePhone(r.ok, other)).toEqual(r);
        const spaced = `${r.ok.slice(0, 3)}${[" ", "-", " (", ""][sep]}${r.ok.slice(3)}`.replace("(", "");
        expect(normalizePhone(spaced, other)).toEqual(r);
      }),
      { numRuns: 3000 },
    );
  });
});
