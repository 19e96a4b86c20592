/**
 * Probes (pure): after a query runs out of budget, the same query with every floating-point
 * parameter pinned to one value, for a few values. A pinned query is the original with more
 * assertions, so a model of it is a model of the original (its `sat` is the original's `sat`,
 * with a counterexample a real call can take); its `unsat` says nothing and is ignored.
 *
 * Why: many time-outs of the reach corpus (issue 12) are satisfiable queries over a double
 * parameter, where z3 must bit-blast the parameter's conversions to find any model at all —
 * `ways[n]` after `new Array(n + 1)` took over 10 s — while with the parameter pinned, the same
 * query is decided in a few milliseconds (n = −1 or n = 2^−60 there). The values are the
 * corners real counterexamples use: zero, one, a negative integer, a fraction that `n + 1`
 * absorbs, a half, NaN.
 */
import { fpLitText } from "../extract/terms.js";

export const PROBE_VALUES: readonly number[] = [0, -1, 1, 2 ** -60, 0.5, Number.NaN];

/** The floating-point parameter constants a canonical query declares (p<i>…: smt-text.ts). */
export function floatParameters(smt: string): string[] {
  return [...smt.matchAll(/^\(declare-const (p[A-Za-z0-9_]*) \(_ FloatingPoint 11 53\)\)$/gm)].map((m) => m[1]!);
}

/** The query with each of `params` equal to `value` (SMT `=`: NaN pins to NaN, 0 to +0). */
export function pinned(smt: string, params: readonly string[], value: number): string {
  const pins = params.map((p) => `(assert (= ${p} ${fpLitText(value)}))`).join("\n");
  const at = smt.lastIndexOf("(check-sat)");
  return at < 0 ? `${smt}\n${pins}\n` : `${smt.slice(0, at)}${pins}\n${smt.slice(at)}`;
}

/**
 * The budget the probes share, on top of the query's own: a quarter of its time (at most
 * 2.5 s) and, when resources are limited, a quarter of its rlimit. Each probe may use what the
 * earlier ones left. Work bounded by rlimit keeps the plain quarter of its time limit (usually
 * no limit at all), so that the answer depends on counts, not on how loaded the machine is.
 */
export function probeBudget(timeoutMs: number, rlimit: number): { readonly timeMs: number; readonly rlimit: number } {
  const quarter = Math.floor(timeoutMs / 4);
  return rlimit > 0 ? { timeMs: quarter, rlimit: Math.floor(rlimit / 4) } : { timeMs: Math.min(quarter, 2500), rlimit: 0 };
}

/** z3's reason for an answer cut short by the time or resource limit (not incompleteness). */
export function outOfBudget(reasonUnknown: string | undefined): boolean {
  return /timeout|canceled|resource limit|rlimit/i.test(reasonUnknown ?? "");
}

/**
 * Whether probes may still find a model after the query's own search gave `reasonUnknown`:
 * it ran out of budget, or quantifier instantiation was incomplete — E-matching gave up and
 * model-based instantiation ran out of its share (z3-session.ts withCandidate). A pinned query
 * is then a smaller search of the same kind (histogram-table's `table[b]` in the reach corpus:
 * 7 s of E-matching, "incomplete quantifiers", then a model in milliseconds with the bucket
 * count pinned to 0). Not after the 2^53 re-check: its model is already known unrealisable.
 */
export function worthProbing(reasonUnknown: string | undefined): boolean {
  return outOfBudget(reasonUnknown) || /incomplete quantifiers/i.test(reasonUnknown ?? "");
}
