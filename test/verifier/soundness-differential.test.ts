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

describe("differential soundness harness (bounded slice)", () => {
  it(`${PROGRAMS} generated programs × 6 inputs per entity: production and development agree`, async () => {
    const report = await runHarness({ programs: PROGRAMS, inputsPerEntity: 6, seed: 9009 });
    expect(report.runs).toBeGreaterThan(0);
    expect(report.disagreements, JSON.stringify(report.disagreements.slice(0, 3), null, 2)).toEqual([]);
  }, 600_000);
});
