/**
 * Test file order:
 * 1. The isolated project's files (a fresh worker each) before every shared one. Vitest hands a
 *    shared worker (`isolate: false`) the next file only when the next file in the queue is
 *    shared too; otherwise it stops that worker, and the next shared file pays for a new one and
 *    its toolchain import. Isolated files queued among shared ones did that several times a run.
 * 2. Within each, the files known to take longest first, so that a fresh clone (which has no
 *    vitest timing cache yet — vitest then orders by file size) does not end on two long
 *    solver-bound files running alone while the other workers are idle.
 * Everything else keeps vitest's own order (timings of earlier runs when there are any).
 */
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** Longest first, as measured next to two CPU hogs (bench/results/dxcli.md). */
const SLOW_FIRST = [
  "test/verifier/reach-soundness-rows.test.ts",
  "test/verifier/reach-soundness-arrays.test.ts",
  "test/verifier/reach-soundness-integral.test.ts",
  "test/verifier/verify-cli.test.ts",
  "test/verifier/solver-pool-differential.test.ts",
  "test/proofs-cache/verify-e2e.test.ts",
  "test/runtime/containment-hangs.test.ts",
  "test/verifier/double-int-encoding.test.ts",
  "test/verifier/probes.test.ts",
  "test/verifier/audit-regressions.test.ts",
  "test/api/pack.test.ts",
  "test/runtime/containment-orphans.test.ts",
  "test/verifier/soundness-issue9.test.ts",
  "test/verifier/soundness-differential.test.ts",
];

export class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const shared = (f: TestSpecification): number => (f.project.config.isolate ? 0 : 1);
    const rank = (f: TestSpecification): number => {
      const i = SLOW_FIRST.findIndex((name) => f.moduleId.replace(/\\/g, "/").endsWith(name));
      return i === -1 ? SLOW_FIRST.length : i;
    };
    return sorted
      .map((f, at) => ({ f, at }))
      .sort((a, b) => shared(a.f) - shared(b.f) || rank(a.f) - rank(b.f) || a.at - b.at)
      .map(({ f }) => f);
  }
}
