import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    setupFiles: ["test/setup.ts"],
    globalSetup: ["test/global-setup.ts"],
    include: ["test/**/*.test.ts"],
    testTimeout: 20000,
    pool: "forks",
    // Two test files at a time (vitest's default leaves one core free: one at a time on the 2-core
    // test machine). Much of the suite waits on child processes, servers and rate windows: on
    // 2026-12-07 the suite took 574 s one file at a time and 437-440 s two at a time.
    maxWorkers: 2,
  },
});
