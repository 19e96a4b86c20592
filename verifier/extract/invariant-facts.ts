import type { Term } from "./terms.js";

/**
 * Head facts of loop invariants the verifier inferred and proved together (Houdini: see
 * invariant-candidates.ts). Every real state at the head satisfies them, so they never make a
 * model less real: smt-text.ts leaves them out when it asks whether a counterexample depends on
 * an abstraction (a refutation over exact constants stays a refutation when they are added).
 * By identity: the executor keeps the very objects in its path conditions.
 */
export const inferredFacts = new WeakSet<Term>();
