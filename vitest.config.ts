import { defineConfig } from "vitest/config";
import { SlowFirst } from "./test/support/slow-first.js";

/**
 * Test files that run each in a fresh worker (`isolate: true`): the one that imports a guest module
 * with effects on import (runtime/guest/session.ts loads alloc-budget.ts, which deletes Atomics and
 * SharedArrayBuffer and wraps ArrayBuffer and the typed arrays), and the containment files that
 * count the sandbox processes below their own process (proc-tree.ts: a sandbox another file left
 * in a shared worker would be counted). Every other file shares workers with other files
 * (`isolate: false`): importing the toolchain anew per file cost about a third of those files' CPU
 * time. Files in the shared project must leave no global behind (test/runtime/harden-stub.ts) and
 * close the sandbox pools they open.
 */
const ISOLATED = [
  "test/runtime/module-wrapper.test.ts",
  "test/runtime/containment-exhaustion.test.ts",
  "test/runtime/containment-hangs.test.ts",
  "test/runtime/containment-memory.test.ts",
  "test/runtime/containment-orphans.test.ts",
  "test/runtime/containment-output.test.ts",
  "test/runtime/containment-process.test.ts",
  "test/runtime/containment-quota.test.ts",
];

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
