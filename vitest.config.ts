import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    setupFiles: ["test/setup.ts"],
    globalSetup: ["test/global-setup.ts"],
    include: ["test/**/*.test.ts"],
    testTimeout: 20000,
    pool: "forks",
  },
});
