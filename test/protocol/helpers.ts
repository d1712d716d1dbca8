/**
 * Pieces of the protocol tests: validating every message against the Airbyte and Singer message
 * schemas kept in ./schemas (and each record against its stream's own JSON Schema), reading JSON
 * lines, and running the CLI as child processes (bundled once per test file with esbuild, so each
 * start costs a fraction of a second) with pipes between them.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import { fullFormats } from "ajv-formats/dist/formats.js";
import { build } from "esbuild";
import { STREAMS } from "../../src/extract/streams/index.js";
import { streamSchema } from "../../src/protocol/records.js";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function loadSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(ROOT, "test", "protocol", "schemas", name), "utf8")) as Record<
    string,
    unknown
  >;
}

// The message schemas are ours: strict mode checks them. What the connector produces (stream
// schemas with airbyte_type, a spec with airbyte_secret) is compiled leniently.
const strict = new Ajv({ allErrors: true, formats: fullFormats, strict: true, strictRequired: false });
const lenient = new Ajv({ allErrors: true, formats: fullFormats, strict: false });

const airbyteMessage = strict.compile(loadSchema("airbyte-message.schema.json"));
const singerMessage = strict.compile(loadSchema("singer-message.schema.json"));
const singerState = strict.compile(loadSchema("singer-state.schema.json"));
const singerCatalog = strict.compile(loadSchema("singer-catalog.schema.json"));
const streamValidators = new Map<string, ValidateFunction>(
  STREAMS.map((def) => [def.name, lenient.compile(streamSchema(def))]),
);

function problems(v: ValidateFunction, what: string, value: unknown): string[] {
  if (v(value)) return [];
  return [
    `${what} ${JSON.stringify(value).slice(0, 300)}: ${(v.errors ?? [])
      .map((e) => `${e.instancePath || "/"} ${e.message}`)
      .join("; ")}`,
  ];
}

/** Every problem of a list of Airbyte messages (empty when all are valid). */
export function airbyteProblems(messages: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const m of messages) {
    out.push(...problems(airbyteMessage, "message", m));
    const msg = m as Record<string, Record<string, unknown>>;
    if (msg.type === ("RECORD" as unknown) && msg.record) {
      const v = streamValidators.get(String(msg.record.stream));
      if (v) out.push(...problems(v, `record of ${String(msg.record.stream)}`, msg.record.data));
    }
    if (msg.type === ("SPEC" as unknown) && msg.spec) {
      try {
        lenient.compile(msg.spec.connectionSpecification as Record<string, unknown>);
      } catch (err) {
        out.push(`connectionSpecification is not a JSON Schema: ${(err as Error).message}`);
      }
    }
  }
  return out;
}

/** Every problem of a list of Singer messages; STATE values must hold bookmarks, RECORDs match their SCHEMA. */
export function singerProblems(messages: readonly unknown[]): string[] {
  const out: string[] = [];
  const schemas = new Map<string, ValidateFunction>();
  for (const m of messages) {
    out.push(...problems(singerMessage, "message", m));
    const msg = m as Record<string, unknown>;
    if (msg.type === "SCHEMA") schemas.set(String(msg.stream), lenient.compile(msg.schema as object));
    if (msg.type === "STATE") out.push(...problems(singerState, "state value", msg.value));
    if (msg.type === "RECORD") {
      const v = schemas.get(String(msg.stream));
      if (!v) out.push(`RECORD of ${String(msg.stream)} before its SCHEMA`);
      else out.push(...problems(v, `record of ${String(msg.stream)}`, msg.record));
    }
  }
  return out;
}

export function singerCatalogProblems(catalog: unknown): string[] {
  return problems(singerCatalog, "catalog", catalog);
}

/** The JSON objects of a text of lines (a last line cut short by a kill is left out). */
export function jsonLines(text: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const lines = text.split("\n");
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "") continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch (err) {
      if (i === lines.length - 1) continue;
      throw new Error(`line ${i + 1} is not JSON (${(err as Error).message}): ${line.slice(0, 200)}`);
    }
  }
  return out;
}

/** Writes the CLI bundle under scratch/ (inside the project, so package imports resolve); returns node's arguments. */
export async function bundleCli(): Promise<{ args: string[]; cleanup: () => void }> {
  const dir = join(ROOT, "scratch", `protocol-cli-${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, "cli.mjs");
  await build({
    entryPoints: [join(ROOT, "src", "cli", "main.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    outfile,
    logLevel: "error",
  });
  // main.ts runs when it is the script node was started with, compared by real path.
  return { args: [realpathSync(outfile)], cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Child {
  process: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited (code, or the signal that ended it). */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the CLI with `args` (after the bundle's own). */
export function startCli(
  cli: string[],
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; stdin?: "pipe" | "ignore"; timeoutMs?: number },
): Child {
  const child = spawn(process.execPath, [...cli, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
    stdio: [options.stdin ?? "ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
  return { process: child, stdout: () => out, stderr: () => err, done };
}

/** An Airbyte message as the tests read it (the fields klaviyo-sync writes, typed). */
export interface AbMessage {
  type: string;
  record?: { stream: string; namespace?: string; data: Record<string, unknown>; emitted_at: number };
  state?: {
    type?: string;
    stream?: { stream_descriptor: { name: string; namespace?: string }; stream_state?: unknown };
    sourceStats?: { recordCount: number };
    destinationStats?: { recordCount: number };
  };
  log?: { level: string; message: string };
  trace?: {
    type: string;
    emitted_at: number;
    error?: { message: string; failure_type?: string; stream_descriptor?: { name: string } };
    stream_status?: { stream_descriptor: { name: string }; status: string };
  };
  connectionStatus?: { status: string; message?: string };
  spec?: Record<string, unknown> & { connectionSpecification: Record<string, unknown> };
  catalog?: { streams: Array<Record<string, unknown>> };
  destination_catalog?: { operations: Array<Record<string, unknown>> };
}

/** The stream a STATE or STREAM_STATUS message is about. */
export function streamOf(m: AbMessage): string | undefined {
  return (
    m.record?.stream ??
    m.state?.stream?.stream_descriptor.name ??
    m.trace?.stream_status?.stream_descriptor.name
  );
}
