import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Tests start worker threads, child processes and z3 instances of their own;
    // two cores in CI, so keep file-level parallelism modest.
    maxWorkers: 2,
  },
});
