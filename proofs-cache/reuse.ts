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

export function limitsCover(stored: SolverLimits, current: SolverLimits): boolean {
  return stored.timeoutMs >= current.timeoutMs && stored.rlimit >= current.rlimit;
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
