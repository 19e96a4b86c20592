import type { SolverLimits, Verdict } from "../verifier/obligation.js";

/**
 * The reuse rule. proved and refuted are facts about the query (unsat / a model that satisfies
 * it), so they hold under any limits. Anything else (unknown = timeout or resource out,
 * unsupported, informal) only says "could not decide with these limits": reusing it under
 * larger limits would skip a solve that might succeed, so it is reused only when it was
 * produced with limits at least the current ones in every dimension.
 */
export function isDecisive(verdict: Verdict): boolean {
  return verdict.status === "proved" || verdict.status === "refuted";
}

/** A limit of 0 means "none" (z3's convention for rlimit and timeout), i.e. larger than any number. */
export function limitsCover(stored: SolverLimits, current: SolverLimits): boolean {
  return atLeast(stored.timeoutMs, current.timeoutMs) && atLeast(stored.rlimit, current.rlimit);
}

function atLeast(stored: number, current: number): boolean {
  if (stored === 0) return true;
  if (current === 0) return false;
  return stored >= current;
}

export function isReusable(stored: { verdict: Verdict; limits: SolverLimits }, current: SolverLimits): boolean {
  return isDecisive(stored.verdict) || limitsCover(stored.limits, current);
}

/**
 * Whether a new verdict should replace what is stored under the same key: never replace a
 * decisive verdict by an indecisive one, nor an unknown by an unknown with no larger limits
 * (it would make the entry reusable in fewer runs). Otherwise the newer one wins.
 */
export function shouldReplace(
  existing: { verdict: Verdict; limits: SolverLimits } | undefined,
  incoming: { verdict: Verdict; limits: SolverLimits },
): boolean {
  if (existing === undefined) return true;
  if (isDecisive(incoming.verdict)) return true;
  if (isDecisive(existing.verdict)) return false;
  return !limitsCover(existing.limits, incoming.limits);
}
