/** Runs the CLI in this process (`main` returns the exit code) and captures what it prints. */
import { main } from "../../src/cli/main.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(
    ["node", "klaviyo-sync", ...argv],
    { out: (t) => stdout.push(t), err: (t) => stderr.push(t) },
    env,
  );
  return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n") };
}
