import { defineConfig } from "vitest/config";
import { SlowFirst } from "./test/support/slow-first.js";

/**
 * Test files that import guest modules (runtime/guest/*: they remove globals such as Atomics on
 * import) or count the sandbox processes of their own process (runtime/) run each in a fresh
 * worker. The rest share workers between files (`isolate: false`): importing the toolchain anew
 * per file cost about a third of those files' CPU time.
 */
const ISOLATED = ["test/runtime/**/*.test.ts", "test/api/**/*.test.ts"];

export default defineConfig({
  test: {
    // Generous on purpose (10 min): the suite must pass on a loaded 2-core machine. No verdict depends on
    // these; they only stop a hung test from hanging CI. Work is bounded by counts, not seconds.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // Starts the real remote cache (nginx) when it is not running, and stops what it started.
    globalSetup: ["test/support/global-setup.ts"],
    // Tests start worker threads, child processes and z3 instances of their own, and many wait
    // (process starts, time limits): more files at a time than cores keeps the cores busy on a
    // loaded machine (bench/results/dxcli.md: next to two CPU hogs, 2 workers 465–496 s, 4 workers
    // 294–302 s, 5 workers 299 s; green every time). The longest files start first.
    maxWorkers: 4,
    sequence: { sequencer: SlowFirst },
    projects: [
      { extends: true, test: { name: "isolated", include: ISOLATED, isolate: true } },
      { extends: true, test: { name: "shared", include: ["test/**/*.test.ts"], exclude: ISOLATED, isolate: false } },
    ],
  },
});
