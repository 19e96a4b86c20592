/**
 * Differential soundness of the reach constructs (issue 12): closures passed to array methods
 * and Array.from, destructuring swaps, append by index, Array(n) without new, rows of 2-D
 * arrays. Every element access of each module (local arrays included, not only arguments) is
 * instrumented to record an index outside [0, length) — for a write to an Array, outside
 * [0, length], since a write at the length appends — and fast-check runs the function on inputs
 * that meet its preconditions: no recorded violation may be at a site reported proved. Each
 * fixture also must have its expected number of proved sites, so the test fails if the reach
 * is lost as well as if it is unsound.
 */
import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadDocument } from "../../../spec/load.js";
import { verifyDocuments, workBounded } from "../../../verifier/index.js";
import { holds } from "../soundness/contract-eval.js";
import { entityHarnesses } from "../soundness/entity-harness.js";
import { inputsFor } from "../soundness/input-gen.js";
import { fixtureDocument, loadRecordingAccesses, siteKey } from "../soundness/recorded-accesses.js";

const RUNS = Number(process.env["ANRF_SOUNDNESS_RUNS"] ?? 200);

export interface Fixture {
  readonly name: string;
  readonly code: string;
  readonly params: string[];
  readonly pre: string[];
  /** Bounds sites that must be proved (non-vacuously): the reach this test protects. */
  readonly minProved: number;
  /** Arguments built to meet the preconditions (for parameter types the generic generator does not make, e.g. number[][]). */
  readonly inputs?: fc.Arbitrary<unknown[]>;
  /** The fixture must really go out of bounds somewhere (a case the verifier must not prove). */
  readonly buggy?: true;
}

/**
 * Verifies the fixtures (at import, bounded by work) and declares one test per fixture: its
 * proved sites never go out of bounds on inputs that meet its preconditions, and at least
 * `minProved` of them are proved.
 */
export async function reachSoundness(fixtures: readonly Fixture[]): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), "anrf-reach-soundness-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const files = fixtures.map((f) => fixtureDocument(f, scratch));
  // Bounded by work, not time: what is proved (and which loop invariants are inferred) must not
  // depend on how loaded the machine is. Measured (2026-12-08, encoding 13): every fixture's count
  // is the same at 10M/2M, 3M/2M, 3M/1M and 2M/2M; at 10M/700k rowByRow loses candidates (17 → 14
  // proved). 3M/1.5M: twice the candidates' budget that loses them, and the main queries left
  // unknown (lengthOfDouble, rowByRow, sieveOfDouble) stop at 3M instead of running to 10M.
  const report = await verifyDocuments(files, { cwd: scratch, ...workBounded(3_000_000, 1_500_000), jobs: 2 });

  describe("reach constructs are sound: no proved site fails at run time", () => {
    fixtures.forEach((f, n) => {
      it(`${f.name}: ${RUNS} runs, proved sites never out of bounds`, async () => {
        const verification = report.documents[n]!;
        const bounds = verification.obligations.filter((o) => o.kind === "bounds");
        const proved = bounds.filter((o) => o.status === "proved" && o.vacuous === undefined);
        expect(proved.length, `${f.name}: ${JSON.stringify(bounds.map((o) => [o.description, o.status, o.reason]))}`).toBeGreaterThanOrEqual(f.minProved);
        const provedAt = new Set(bounds.filter((o) => o.status === "proved").map((o) => siteKey(o.site)));
        const { exports, violations } = loadRecordingAccesses(f.code);
        const fn = exports[f.name] as (...a: unknown[]) => unknown;
        let sawViolation = false;
        const run = (args: unknown[]): void => {
          violations.length = 0;
          try {
            fn(...args);
          } catch {
            // A throw ends the run; sites before it were still checked.
          }
          if (violations.length > 0) sawViolation = true;
          for (const site of violations) expect(provedAt.has(site), `${f.name}: out of bounds at a proved site (${site}: ${f.code.slice(Number(site.split(":")[0]), Number(site.split(":")[1]))})`).toBe(false);
        };
        if (f.inputs !== undefined) {
          // Built to meet the preconditions (copied: the function may write its arguments).
          fc.assert(fc.property(f.inputs, (args) => run(structuredClone(args))), { numRuns: RUNS, endOnFailure: true });
          if (f.buggy) expect(sawViolation).toBe(true);
          return;
        }
        const loaded = await loadDocument(files[n]!, { cwd: scratch });
        const [harness] = entityHarnesses(loaded.document!, f.code);
        expect(harness!.unsupported).toBeUndefined();
        fc.assert(
          fc.property(inputsFor(harness!.params, harness!.preconditions), (inputs) => {
            fc.pre(harness!.preconditions.every((c) => holds(c, { values: inputs }) === true));
            run(harness!.params.map((p) => (Array.isArray(inputs[p.name]) ? [...(inputs[p.name] as unknown[])] : inputs[p.name])));
          }),
          { numRuns: RUNS, endOnFailure: true },
        );
        // The buggy fixture must really go out of bounds somewhere (the harness can see violations).
        if (f.name === "fromTooLong" || f.buggy) expect(sawViolation).toBe(true);
      });
    });
  });
}
