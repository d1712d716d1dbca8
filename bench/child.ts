/**
 * What the benchmarks share to run a measurement in a child process of its own (so its memory and
 * CPU are its own): a TypeScript script run under tsx that prints one JSON result line on stdout.
 */
import { spawn } from "node:child_process";

/** The value after `--name` on this process's command line. */
export function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export interface ChildOptions {
  /** Named in the error when the child fails. */
  label: string;
  /** Node flags before the script (a CPU profile, say). */
  nodeFlags?: readonly string[];
  /** Ends the child with SIGTERM after this long; the result is then `{ timedOut: true }`. */
  timeoutSeconds?: number;
}

/**
 * Runs `script` (under tsx) with `args` and resolves with the first line of its stdout that is a
 * JSON object; rejects, with the end of its output, when it exits otherwise.
 */
export function runJsonChild<T>(script: string, args: readonly string[], options: ChildOptions): Promise<T>;
export function runJsonChild<T>(
  script: string,
  args: readonly string[],
  options: ChildOptions & { timeoutSeconds: number },
): Promise<T | { timedOut: true }>;
export function runJsonChild<T>(
  script: string,
  args: readonly string[],
  options: ChildOptions,
): Promise<T | { timedOut: true }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...(options.nodeFlags ?? []), "--import", "tsx", script, ...args],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    let timedOut = false;
    const timer =
      options.timeoutSeconds === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill("SIGTERM");
          }, options.timeoutSeconds * 1000);
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (timer) clearTimeout(timer);
      if (timedOut) return resolve({ timedOut: true });
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (code === 0 && line) resolve(JSON.parse(line) as T);
      else reject(new Error(`${options.label} exited with ${code}: ${out.slice(-1000)}`));
    });
  });
}
