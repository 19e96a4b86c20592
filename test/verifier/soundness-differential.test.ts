/**
 * Bounded slice of the differential soundness harness (bench/soundness/differential.ts; the long
 * run is bench/soundness-harness.ts): generated programs over the modelled constructs, with
 * exotic objects built in the module, verified for real and run in production and development
 * on corner-case inputs. Any disagreement (a proved site failing, or production ending
 * differently from development) fails the test with the program and the input.
 */
import { describe, expect, it } from "vitest";
import { runHarness } from "../../bench/soundness/differential.js";

const PROGRAMS = Number(process.env["ANRF_DIFF_PROGRAMS"] ?? 4);
const INPUTS = Number(process.env["ANRF_DIFF_INPUTS"] ?? 4);
// The slice's programs have obligations z3 cannot decide at any limit (they come back unknown and
// keep their checks); 2 s per obligation bounds what they cost. A time-out can only turn a proof
// into unknown — never a disagreement — so load cannot change the verdict of this test.
const SOLVER_MS = Number(process.env["ANRF_DIFF_SOLVER_MS"] ?? 2000);

describe("differential soundness harness (bounded slice)", () => {
  it(`${PROGRAMS} generated programs × ${INPUTS} random inputs (plus the corner inputs) per entity: production and development agree`, async () => {
    const report = await runHarness({ programs: PROGRAMS, inputsPerEntity: INPUTS, seed: 9009, timeoutMs: SOLVER_MS });
    expect(report.runs).toBeGreaterThan(0);
    // The slice exercises proved sites (what a false proof would break), not only checked ones.
    expect(report.provedSites).toBeGreaterThan(0);
    expect(report.disagreements, JSON.stringify(report.disagreements.slice(0, 3), null, 2)).toEqual([]);
  }, 600_000);
});
