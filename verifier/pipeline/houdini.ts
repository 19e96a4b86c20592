import type { RawObligation } from "../extract/positions.js";

type Extractor = typeof import("../extract/index.js");
type Analysis = ReturnType<Extractor["analyseModule"]>;

/**
 * Decides inferred loop-invariant candidates: for each raw obligation, true only when the
 * solver answered unsat (proved). Anything else (refuted, unknown, time-out, unsupported)
 * is false.
 */
export interface DecideCandidates {
  (candidates: readonly RawObligation[]): Promise<readonly boolean[]>;
  /**
   * Given the entity's obligations extracted without inference, whether inference could help:
   * false when every one that has a query is already proved (the pipeline solves them with the
   * candidates' limit; those verdicts are reused). Absent: always infer.
   */
  readonly needsInference?: ((plain: readonly RawObligation[]) => Promise<boolean>) | undefined;
}

/** Rounds of dropping candidates before giving up on inference for an entity. */
export const MAX_HOUDINI_ROUNDS = 12;

export interface HoudiniStats {
  /** Extraction rounds run (an entity without candidates counts one). */
  rounds: number;
  /** Candidates proposed in the first round / kept in the final one. */
  proposed: number;
  kept: number;
  /** Entities with candidates whose obligations were all proved without them (not inferred). */
  unneeded: number;
}

/**
 * Houdini (Flanagan and Leino, 2001) over the extractor: extract the entity with every
 * candidate invariant (verifier/extract/invariant-candidates.ts), decide the candidates, drop
 * the ones not proved and extract again, until every candidate left is proved in the same
 * round. Then they are proved *together* — each on entry and preserved by an iteration that
 * assumes all of them — which makes their conjunction inductive: every one holds at the head
 * of every iteration of every run, so the other obligations of that round, which assume them,
 * are sound. Each round only removes candidates, so this ends; if it has not ended after
 * MAX_HOUDINI_ROUNDS, the entity is extracted without any candidate (what it was before
 * inference existed). When the entity has candidates but `decide.needsInference` says its
 * obligations are all proved without them, it is extracted without candidates and none is
 * decided (inference costs solver time on every loop, and only a proof it enables is worth it).
 */
export async function extractInferring(extractor: Extractor, analysis: Analysis, id: string, decide: DecideCandidates | undefined, stats?: HoudiniStats): Promise<RawObligation[]> {
  if (decide === undefined) return extractor.extractEntity(analysis, id);
  const rejected = new Set<string>();
  for (let round = 0; round < MAX_HOUDINI_ROUNDS; round++) {
    const raw = extractor.extractEntity(analysis, id, { infer: { rejected } });
    if (stats) stats.rounds++;
    const candidates = raw.filter((o) => o.inferred === true);
    if (candidates.length === 0) return raw;
    if (round === 0 && decide.needsInference !== undefined) {
      const plain = extractor.extractEntity(analysis, id);
      if (!(await decide.needsInference(plain))) {
        if (stats) stats.unneeded++;
        return plain;
      }
    }
    if (round === 0 && stats) stats.proposed += candidates.length;
    const proved = await decide(candidates);
    const failed = candidates.filter((_, i) => proved[i] !== true);
    if (failed.length === 0) {
      if (stats) stats.kept += candidates.length;
      return raw;
    }
    for (const o of failed) rejected.add(keyOf(o));
  }
  return extractor.extractEntity(analysis, id);
}

/** The candidate's key (invariant-candidates.ts `candidateKey`): its loop's start and its clause text. */
function keyOf(o: RawObligation): string {
  return `${o.site.start}:${o.clause ?? ""}`;
}
