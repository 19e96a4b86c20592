import type { RawObligation } from "../extract/positions.js";
import { dropAssumedQuantifiers } from "./drop-quantified.js";

/**
 * Houdini (houdini.ts) may drop any candidate it likes: a dropped candidate is never assumed,
 * so dropping can only lose proofs, never make one unsound. That freedom buys time here.
 *
 * A *scalar* candidate — a relation between loop counters, lengths and constants (`j <= n`,
 * `i < len(d)`), no element, row or quantifier in its clause — almost never needs the quantified
 * facts (element and row-length `forall`s) to be preserved. But when it does not hold, z3
 * must build a model of those facts to say sat: rowByRow's false scalar candidates took 0.5–2.8 s
 * each, or ran to the limit and ended unknown (about 30 of its 45 s). So such a candidate is
 * decided on its query with the assumed quantifiers dropped (drop-quantified.ts), which is
 * quantifier-free and quick:
 * - unsat: proved — the weaker query's unsat is a proof of the original.
 * - sat: the candidate is dropped, without asking the full query (no counterexample is shown:
 *   the weaker query's model may violate the dropped facts).
 * - unknown: the full query decides, as for any other candidate.
 */
function isScalarCandidate(o: Pick<RawObligation, "inferred" | "clause">): boolean {
  return o.inferred === true && o.clause !== undefined && !/forall|exists|\[/.test(o.clause);
}

/** The quantifier-free query a scalar candidate is decided on first, or undefined. */
export function scalarCandidateQuery(o: Pick<RawObligation, "inferred" | "clause">, smt: string): string | undefined {
  return isScalarCandidate(o) ? dropAssumedQuantifiers(smt) : undefined;
}

export const SCALAR_DROPPED_REASON = "a loop-invariant candidate (scalar) with a counterexample once the quantified facts are set aside: dropped without the full query";
