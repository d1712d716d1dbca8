/**
 * Protocol I/O: messages out as one JSON object per line, with back-pressure (a slow reader on the
 * other end of the pipe slows the extract down instead of filling memory), and messages in as
 * parsed JSON lines from stdin.
 *
 * Nothing else may reach stdout while a protocol command runs: logs go to LOG messages (Airbyte)
 * or stderr (Singer). Log and error lines pass through `redact`; records and states are checked for
 * the registered secrets only (the patterns would rewrite customer data or a page cursor that
 * merely looks like a key), so the API key appears in no line whatever the data holds.
 */
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { redact, redactSecrets } from "../util/redact.js";

/**
 * `data`: records and state, whose values are data (a page cursor, a customer's text) and are only
 * checked for the registered secrets; `text`: everything else (logs, errors), fully redacted.
 */
export type MessageKind = "data" | "text";

export interface LineSink {
  /** Writes one message; resolves once the stream can take more. */
  write(message: unknown, kind?: MessageKind): Promise<void>;
}

/** JSON lines to a writable stream (stdout), waiting for `drain` when its buffer is full. */
export class JsonLineWriter implements LineSink {
  private failed: Error | undefined;

  constructor(private readonly stream: Writable) {
    stream.on("error", (err: Error) => {
      this.failed = err;
    });
  }

  async write(message: unknown, kind: MessageKind = "text"): Promise<void> {
    if (this.failed) throw this.failed;
    const json = JSON.stringify(message);
    const line = `${kind === "data" ? redactSecrets(json) : redact(json)}\n`;
    if (!this.stream.write(line)) await this.drained();
  }

  /** Waits for `drain`; fails if the stream errs or closes first. Listeners are removed either way. */
  private drained(): Promise<void> {
    const stream = this.stream;
    return new Promise<void>((resolve, reject) => {
      const finish = (err?: Error) => {
        stream.off("drain", onDrain);
        stream.off("error", onError);
        stream.off("close", onClose);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = () => finish();
      const onError = (err: Error) => finish(err);
      const onClose = () =>
        finish(new Error("the output was closed (the reading end of the pipe went away)"));
      stream.on("drain", onDrain);
      stream.on("error", onError);
      stream.on("close", onClose);
    });
  }

  /** Resolves once everything written has been handed to the operating system. */
  async flush(): Promise<void> {
    if (this.failed) return;
    await new Promise<void>((resolve) => this.stream.write("", () => resolve()));
  }
}

/** Messages collected in memory (tests, and commands that print a single message). */
export class MemorySink implements LineSink {
  readonly messages: unknown[] = [];
  async write(message: unknown, kind: MessageKind = "text"): Promise<void> {
    const json = JSON.stringify(message);
    this.messages.push(JSON.parse(kind === "data" ? redactSecrets(json) : redact(json)));
  }
}

export type InputLine = { line: number; message: Record<string, unknown> } | { line: number; error: string };

/** Parsed JSON objects from a stream of lines; blank lines are skipped, others reported. */
export async function* readJsonLines(input: Readable): AsyncGenerator<InputLine> {
  const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const text of rl) {
    n++;
    const trimmed = text.trim();
    if (trimmed === "") continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (err) {
      yield { line: n, error: `not JSON (${(err as Error).message}): ${trimmed.slice(0, 80)}` };
      continue;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      yield { line: n, error: `not a JSON object: ${trimmed.slice(0, 80)}` };
      continue;
    }
    yield { line: n, message: parsed as Record<string, unknown> };
  }
}
