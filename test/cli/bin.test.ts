/**
 * The `klaviyo-sync` executable (bin/klaviyo-sync.js): it starts libuv's thread pool with 2
 * threads unless the user set UV_THREADPOOL_SIZE (see the file), which only works because it is
 * CommonJS and runs before any module is read.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Starts the emulator through the executable and returns its thread count once it listens. */
async function threadsOfEmulator(poolSize?: string): Promise<number> {
  const env = { ...process.env };
  delete env.UV_THREADPOOL_SIZE;
  if (poolSize !== undefined) env.UV_THREADPOOL_SIZE = poolSize;
  const child: ChildProcess = spawn(
    process.execPath,
    [join(root, "bin", "klaviyo-sync.js"), "emulator", "--port", "0", "--seed", "none"],
    { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      let out = "";
      child.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("listening on")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`the emulator exited with ${code}`)));
    });
    const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
    return Number(/Threads:\s+(\d+)/.exec(status)?.[1]);
  } finally {
    child.kill();
  }
}

describe.runIf(process.platform === "linux")("bin/klaviyo-sync.js", () => {
  it("runs libuv's pool with 2 threads, and keeps a UV_THREADPOOL_SIZE the user set", async () => {
    const ours = await threadsOfEmulator();
    const four = await threadsOfEmulator("4");
    const six = await threadsOfEmulator("6");
    expect(six - four).toBe(2);
    expect(four - ours).toBe(2);
  }, 60_000);
});
