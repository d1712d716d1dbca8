/** Starts `klaviyo-sync emulator` in its own process (so load generator and server use separate cores). */
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export interface EmulatorProcess {
  url: string;
  key: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function spawnEmulator(args: string[], key = "pk_bench_emulator"): Promise<EmulatorProcess> {
  const child = spawn(
    process.execPath,
    [
      "--max-old-space-size=4096",
      // KS_BENCH_CPU_PROF=<dir>: a V8 CPU profile of the emulator, written there when it exits.
      ...(process.env.KS_BENCH_CPU_PROF
        ? ["--cpu-prof", "--cpu-prof-dir", process.env.KS_BENCH_CPU_PROF]
        : []),
      "--import",
      "tsx",
      join(root, "src/cli/main.ts"),
      "emulator",
      "--port",
      "0",
      "--api-key",
      key,
      ...args,
    ],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`emulator did not start in 300 s: ${stderr}`)), 300_000);
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited with ${code}: ${stderr}`));
    });
  });
  return {
    url,
    key,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Peak RSS of a process, in MB, from /proc (Linux). */
export async function rssOf(pid: number | undefined): Promise<number | undefined> {
  if (!pid) return undefined;
  try {
    const { readFile } = await import("node:fs/promises");
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}
