/**
 * Loop-invariant inference (verifier/pipeline/houdini.ts): the rounds keep exactly the
 * candidates the decision procedure proves together, the entity's other obligations assume
 * only those, and a run that does not converge falls back to no inference. The decisions
 * here are scripted, so the bookkeeping is tested without z3; the real pipeline (and that
 * nothing it proves fails at run time) is in reach-soundness-*.test.ts.
 */
import { describe, expect, it } from "vitest";
import * as extractor from "../../verifier/extract/index.js";
import type { RawObligation } from "../../verifier/extract/positions.js";
import { extractInferring, MAX_HOUDINI_ROUNDS, type DecideCandidates, type HoudiniStats } from "../../verifier/pipeline/houdini.js";

const CODE = `export function f(a: number[]): number {
  let s = 0;
  let j = a.length - 1;
  while (j >= 0) {
    s += a[j];
    j--;
  }
  return s;
}
`;

function analysis(code = CODE) {
  return extractor.analyseModule({
    documentFile: "doc.anrf.json",
    moduleFile: "mod.ts",
    moduleText: code,
    entities: [{ id: "E", name: "f", type: "Function" }],
    contracts: [],
    invariants: [],
    filesystem: "None",
    network: false,
    mounts: [],
  });
}

const inferred = (raw: readonly RawObligation[]) => raw.filter((o) => o.inferred === true);
const stats = (): HoudiniStats => ({ rounds: 0, proposed: 0, kept: 0, unneeded: 0 });

describe("Houdini rounds", () => {
  it("without a decision procedure, proposes nothing (what extractObligations gives)", async () => {
    const m = analysis();
    const raw = await extractInferring(extractor, m, "E", undefined);
    expect(inferred(raw)).toEqual([]);
    expect(raw.map((o) => o.smt)).toEqual(extractor.extractEntity(m, "E").map((o) => o.smt));
  });

  it("proposes candidates about the loop's integers and lengths, and keeps only the ones proved in the last round", async () => {
    const m = analysis();
    const truth = new Set(["j < len(a)", "j >= -1", "j <= len(a)"]);
    const asked: string[][] = [];
    const s = stats();
    const raw = await extractInferring(
      extractor,
      m,
      "E",
      async (cands) => {
        asked.push(cands.map((c) => c.clause!));
        return cands.map((c) => truth.has(c.clause!));
      },
      s,
    );
    // Round 1 asks about every candidate, round 2 only about the survivors (all proved).
    // `s` is a double (a sum of elements), not an integer: no candidate relates j to it.
    expect(new Set(asked[0])).toEqual(new Set(["j < len(a)", "j <= len(a)", "j >= 0", "j >= -1"]));
    expect(asked).toHaveLength(2);
    expect(new Set(asked[1])).toEqual(truth);
    expect(new Set(inferred(raw).map((o) => o.clause))).toEqual(truth);
    expect(s).toEqual({ rounds: 2, proposed: asked[0]!.length, kept: truth.size, unneeded: 0 });
    // Kept candidates are assumed at the head: the bounds query mentions them; a rejected one is gone.
    const bounds = raw.filter((o) => o.kind === "bounds");
    expect(bounds).toHaveLength(1);
    expect(inferred(raw).every((o) => o.description.startsWith("inferred loop invariant"))).toBe(true);
    // Ids of written clauses are untouched: the safe-integer clause keeps `#1` when it is the only one.
    const written = raw.filter((o) => o.kind === "invariant" && o.inferred !== true);
    for (const o of written) expect(o.id).not.toMatch(/#[2-9]/);
  });

  it("drops a candidate whose proof relied on one dropped later (re-decides after every change)", async () => {
    const m = analysis();
    // Round 1: everything but `j >= 0` proved; round 2: `j < len(a)` no longer proved (its
    // proof needed the dropped one); round 3: the rest proved.
    let round = 0;
    const raw = await extractInferring(extractor, m, "E", async (cands) => {
      round++;
      if (round === 1) return cands.map((c) => c.clause !== "j >= 0");
      if (round === 2) return cands.map((c) => c.clause !== "j < len(a)");
      return cands.map(() => true);
    });
    const kept = inferred(raw).map((o) => o.clause);
    expect(kept).not.toContain("j >= 0");
    expect(kept).not.toContain("j < len(a)");
    expect(round).toBe(3);
  });

  it("gives up after MAX_HOUDINI_ROUNDS rounds and extracts without any candidate", async () => {
    const m = analysis(`export function f(a: number[]): number {
  let i = 0;
  let j = a.length - 1;
  while (i < j) { a[i] = a[j]; i++; j--; }
  return i;
}
`);
    let calls = 0;
    const raw = await extractInferring(extractor, m, "E", async (cands) => {
      calls++;
      // Rejects one candidate per round: never converges in time.
      return cands.map((_, i) => i !== 0);
    });
    expect(calls).toBe(MAX_HOUDINI_ROUNDS);
    expect(inferred(raw)).toEqual([]);
    expect(raw.map((o) => o.smt)).toEqual(extractor.extractEntity(m, "E").map((o) => o.smt));
  });

  it("a rejection covers only its own loop", async () => {
    const code = `export function f(a: number[]): number {
  let s = 0;
  let i = 0;
  while (i < a.length) { s += a[i]; i++; }
  i = 0;
  while (i < a.length) { s += a[i]; i += 1; }
  return s;
}
`;
    const m = analysis(code);
    let firstLoop: number | undefined;
    const raw = await extractInferring(extractor, m, "E", async (cands) => {
      firstLoop ??= Math.min(...cands.map((c) => c.site.start));
      return cands.map((c) => !(c.clause === "i >= 0" && c.site.start === firstLoop));
    });
    const kept = inferred(raw).filter((o) => o.clause === "i >= 0");
    expect(kept).toHaveLength(1);
    expect(kept[0]!.site.start).toBeGreaterThan(firstLoop!);
  });

  /** A decision procedure that proves every candidate and answers `needsInference` with `needed`. */
  function deciding(needed: boolean, log: { plain: (string | null | undefined)[][]; asked: number }): DecideCandidates {
    return Object.assign(
      async (cands: readonly RawObligation[]) => {
        log.asked++;
        return cands.map(() => true);
      },
      {
        needsInference: async (plain: readonly RawObligation[]) => {
          log.plain.push(plain.map((o) => o.smt));
          return needed;
        },
      },
    );
  }

  it("when the obligations are all proved without inference, decides no candidate and extracts without them", async () => {
    const m = analysis();
    const log = { plain: [] as (string | null | undefined)[][], asked: 0 };
    const s = stats();
    const raw = await extractInferring(extractor, m, "E", deciding(false, log), s);
    const plain = extractor.extractEntity(m, "E");
    // Asked once, about exactly the plain extraction; no candidate decided, none assumed.
    expect(log.plain).toEqual([plain.map((o) => o.smt)]);
    expect(log.asked).toBe(0);
    expect(inferred(raw)).toEqual([]);
    expect(raw.map((o) => o.smt)).toEqual(plain.map((o) => o.smt));
    expect(s).toEqual({ rounds: 1, proposed: 0, kept: 0, unneeded: 1 });
  });

  it("when an obligation is left unproved without inference, infers as before", async () => {
    const m = analysis();
    const log = { plain: [] as (string | null | undefined)[][], asked: 0 };
    const s = stats();
    const raw = await extractInferring(extractor, m, "E", deciding(true, log), s);
    expect(log.plain).toHaveLength(1);
    expect(log.asked).toBe(1);
    expect(inferred(raw).length).toBeGreaterThan(0);
    expect(s.unneeded).toBe(0);
    expect(s.kept).toBe(s.proposed);
  });

  it("an entity without loops is never asked about (no candidates, nothing to decide)", async () => {
    const m = analysis(`export function f(a: number[]): number {
  return a.length > 0 ? a[0] : 0;
}
`);
    const log = { plain: [] as (string | null | undefined)[][], asked: 0 };
    const s = stats();
    await extractInferring(extractor, m, "E", deciding(false, log), s);
    expect(log.plain).toEqual([]);
    expect(log.asked).toBe(0);
    expect(s.unneeded).toBe(0);
  });
});
