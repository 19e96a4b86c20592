import type { Obligation } from "../obligation.js";
import type { Solved, SolveStats } from "./solve-obligations.js";

/**
 * Vacuity (issue 12 §3): a proof whose path condition is unsatisfiable says nothing about the
 * code — the site is unreachable for every input meeting the preconditions (a check that always
 * fails earlier, branches that exclude each other, or contradictory preconditions). After the
 * main solve, each proved obligation's path query (Obligation.vacuity.path: the same paths with
 * goal false) is solved; unsat marks the proof vacuous. When the entity has formal
 * preconditions, their own query tells whether they contradict each other (a finding).
 *
 * The queries go through the same solve function (cache, shards, pool) as every obligation.
 */
export type SolveMany = (obligations: ReadonlyArray<Obligation & { readonly smt: string }>) => Promise<{ verdicts: Solved[]; stats: SolveStats }>;

export interface VacuityVerdict {
  readonly reason: string;
  /** The entity's preconditions are contradictory (no input meets them). */
  readonly contradictoryPreconditions: boolean;
}

export const UNREACHABLE_REASON = "no input that meets the preconditions reaches this site (an earlier check that always fails, or conditions that exclude each other, end every path first)";
export const CONTRADICTORY_REASON = "the preconditions contradict each other: no input meets them, so every proof in this entity is vacuous";

export async function vacuousProofs(proved: readonly Obligation[], solve: SolveMany): Promise<{ vacuous: Map<Obligation, VacuityVerdict>; stats: SolveStats }> {
  const withPath = proved.filter((o): o is Obligation & { vacuity: { path: string } } => o.vacuity !== undefined);
  const vacuous = new Map<Obligation, VacuityVerdict>();
  let stats: SolveStats = { queries: 0, cacheHits: 0, solved: 0 };
  if (withPath.length === 0) return { vacuous, stats };
  const first = await solve(withPath.map((o) => ({ ...o, id: `${o.id}#vacuity`, smt: o.vacuity.path, symbols: {} })));
  stats = add(stats, first.stats);
  const unreachable = withPath.filter((_, i) => first.verdicts[i]?.verdict.status === "proved");
  const withPre = unreachable.filter((o) => o.vacuity.preconditions !== undefined);
  const contradictory = new Set<Obligation>();
  if (withPre.length > 0) {
    const second = await solve(withPre.map((o) => ({ ...o, id: `${o.id}#preconditions`, smt: o.vacuity.preconditions!, symbols: {} })));
    stats = add(stats, second.stats);
    withPre.forEach((o, i) => {
      if (second.verdicts[i]?.verdict.status === "proved") contradictory.add(o);
    });
  }
  for (const o of unreachable) {
    const c = contradictory.has(o);
    vacuous.set(o, { reason: c ? CONTRADICTORY_REASON : UNREACHABLE_REASON, contradictoryPreconditions: c });
  }
  return { vacuous, stats };
}

function add(a: SolveStats, b: SolveStats): SolveStats {
  return { queries: a.queries + b.queries, cacheHits: a.cacheHits + b.cacheHits, solved: a.solved + b.solved };
}
