/**
 * Probes (pure): after a query runs out of budget, the same query with its floating-point
 * parameters pinned — all to one value, then one at a time (probeSchedule) — for a few values.
 * A pinned query is the original with more assertions, so a model of it is a model of the
 * original (its `sat` is the original's `sat`, with a counterexample a real call can take); its
 * `unsat` says nothing and is ignored.
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
  return pinnedTo(
    smt,
    params.map((p) => [p, value]),
  );
}

/** The query with each listed parameter equal to its value, the assertions before (check-sat). */
export function pinnedTo(smt: string, pins: ReadonlyArray<readonly [string, number]>): string {
  const text = pins.map(([p, value]) => `(assert (= ${p} ${fpLitText(value)}))`).join("\n");
  const at = smt.lastIndexOf("(check-sat)");
  return at < 0 ? `${smt}\n${text}\n` : `${smt.slice(0, at)}${text}\n${smt.slice(at)}`;
}

/** Values the other parameters hold while one of them varies (a count, an index, a length). */
export const PROBE_BASES: readonly number[] = [0, 1];

/**
 * The probes for `params`, in the order they are tried: first every parameter equal to each
 * probe value; then, with two or more parameters, one parameter at each probe value while every
 * other one holds a base value. The second kind finds what a shared value cannot: in
 * prefix-sum-2d, `pre[r2 + 1][c1]` fails for c1 = 0.5 only when r1, r2 and c2 are indices —
 * one value for all four is never a model, c1 = 0.5 with the others 0 is one in milliseconds.
 */
export function probeSchedule(params: readonly string[]): Array<Array<readonly [string, number]>> {
  if (params.length === 0) return [];
  const out: Array<Array<readonly [string, number]>> = [];
  const seen = new Set<string>();
  const add = (pins: Array<readonly [string, number]>): void => {
    const key = pins.map(([, v]) => (Object.is(v, -0) ? "-0" : String(v))).join(",");
    if (seen.has(key)) return;
    seen.add(key);
    out.push(pins);
  };
  for (const v of PROBE_VALUES) add(params.map((p) => [p, v] as const));
  if (params.length < 2) return out;
  for (const base of PROBE_BASES) {
    for (const varied of params) {
      for (const v of PROBE_VALUES) add(params.map((p) => [p, p === varied ? v : base] as const));
    }
  }
  return out;
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
