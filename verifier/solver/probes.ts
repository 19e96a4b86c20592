/**
 * Probes (pure): after a query ends without an answer, the same query with some doubles pinned
 * to values (probeSchedule). A pinned query is the original with a constant replaced by a
 * value, so a model of it is a model of the original (its `sat` is the original's `sat`, with a
 * counterexample a real call can take); its `unsat` says nothing and is ignored.
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

/** One pinned constant: a double, or (array) every element of a parameter's array of doubles. */
export type Pin = readonly [name: string, value: number, array?: "elements"];

const FP_ARRAY = "(Array Int (_ FloatingPoint 11 53))";

/**
 * The query with each pinned constant replaced by its value, its declaration dropped. Written
 * into the text, not asserted: the session's solver is incremental (push/pop), and there an
 * equality `(= p1 …)` is not propagated into the other assertions before the search — the
 * pinned coin-change query took over 0.6 s asserted and 0.2 s substituted (a fresh solver's
 * preprocessing does the substitution itself). Names are whole SMT symbols, so `p1` never
 * touches `p10` or `p1_len`.
 */
export function pinnedTo(smt: string, pins: readonly Pin[]): string {
  let text = smt;
  for (const [name, value, array] of pins) {
    const literal = array === undefined ? fpLitText(value) : `((as const ${FP_ARRAY}) ${fpLitText(value)})`;
    text = text.replace(new RegExp(`^\\(declare-const ${name} .*\\)\\n?`, "m"), "").replace(new RegExp(`(?<=[\\s(])${name}(?=[\\s)])`, "g"), literal);
  }
  return text;
}

/** The pinned doubles as z3 model entries (arrays are not model constants), for the model of a probe. */
export function pinnedValues(pins: readonly Pin[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value, array] of pins) if (array === undefined) out[name] = fpLitText(value);
  return out;
}

/** The arrays of doubles a canonical query declares for parameters' elements (p<i>_elems). */
export function floatArrayParameters(smt: string): string[] {
  return [...smt.matchAll(/^\(declare-const (p[A-Za-z0-9_]*_elems) \(Array Int \(_ FloatingPoint 11 53\)\)\)$/gm)].map((m) => m[1]!);
}

/**
 * The double constants (parameters or not) the query converts to an integer — the argument of
 * an `fp.to_sbv`, the bridge from a double to the Int it equals, which z3 must bit-blast and
 * tie to integer arithmetic (issue 12's slowest queries: a loop counter held as a double).
 */
export function convertedConstants(smt: string): string[] {
  const declared = new Set([...smt.matchAll(/^\(declare-const ([A-Za-z0-9_]+) \(_ FloatingPoint 11 53\)\)$/gm)].map((m) => m[1]!));
  const out = new Set<string>();
  for (const m of smt.matchAll(/\(\(_ fp\.to_sbv \d+\) [A-Z]{3} ([A-Za-z0-9_]+)\)/g)) if (declared.has(m[1]!)) out.add(m[1]!);
  return [...out];
}

/** Values the other parameters hold while one of them varies (a count, an index, a length). */
export const PROBE_BASES: readonly number[] = [0, 1];

/**
 * Values the doubles converted to integers take together (loop counters among them): the
 * bases, and 2 for the loops that start there (the reach corpus's sieve, `for (let i = 2;
 * i <= n; i++)`: with i >= 2 a model needs n >= 2).
 */
export const CONVERTED_VALUES: readonly number[] = [0, 1, 2];

/** Values every element of a parameter's array of doubles holds in the last probes. */
export const ELEMENT_VALUES: readonly number[] = [0.5, -1, 0];

/** What a query offers to pin: its double parameters, the doubles it converts to integers, its parameters' arrays of doubles. */
export interface ProbeTargets {
  readonly params: readonly string[];
  readonly converted?: readonly string[];
  readonly arrays?: readonly string[];
}

export function probeTargets(smt: string): ProbeTargets {
  return { params: floatParameters(smt), converted: convertedConstants(smt), arrays: floatArrayParameters(smt) };
}

/**
 * The probes, in the order they are tried (none twice):
 *  0. every double the query converts to an integer (a parameter or a loop counter) at one of
 *     CONVERTED_VALUES, with every element of the parameters' arrays of doubles at each element
 *     value: coin-change's `dp[a - c]` fails for a coin of 0.5 at a = amount = 1, found in
 *     milliseconds once both are pinned and in no time limit when either is left to z3;
 *  1. every double parameter equal to each probe value, first with the converted doubles that
 *     are not parameters (loop counters) at each of CONVERTED_VALUES, then with them free:
 *     moving-average's `xs[i - window]` fails for window −1 at i = 0 or 0.5 at i = 1, decided
 *     in milliseconds with i pinned too, while window = 0.5 alone left z3 to bit-blast the
 *     counter's conversion and was still unknown after 685 ms (the query alone sat at the
 *     10 s limit);
 *  2. with two or more, one parameter at each probe value while every other one holds a base
 *     value: in prefix-sum-2d, `pre[r2 + 1][c1]` fails for c1 = −1 only when r1, r2 and c2 are
 *     indices — one value for all four is never a model, c1 = −1 with the others 0 is one in
 *     milliseconds;
 *  3. the converted doubles at each of CONVERTED_VALUES with the elements free (knapsack-1d's
 *     `values[i]`: any weight, with capacity and c at 0 and values empty).
 */
export function probeSchedule({ params, converted = [], arrays = [] }: ProbeTargets): Pin[][] {
  const out: Pin[][] = [];
  const seen = new Set<string>();
  const add = (pins: Pin[]): void => {
    if (pins.length === 0) return;
    const key = pins.map(([name, v, array]) => `${name}${array ?? ""}=${Object.is(v, -0) ? "-0" : String(v)}`).sort().join(",");
    if (seen.has(key)) return;
    seen.add(key);
    out.push(pins);
  };
  // The doubles converted to integers at each value, with the elements at each element value first:
  // nothing left for z3 to bit-blast, so these are decided in milliseconds either way.
  const converting = (e: number | undefined): void => {
    for (const base of CONVERTED_VALUES) add([...converted.map((c) => [c, base] as const), ...(e === undefined ? [] : arrays.map((a) => [a, e, "elements"] as const))]);
  };
  if (arrays.length > 0) ELEMENT_VALUES.forEach(converting);
  else converting(undefined);
  const counters = converted.filter((c) => !params.includes(c));
  if (counters.length > 0) {
    for (const v of PROBE_VALUES) for (const base of CONVERTED_VALUES) add([...params.map((p) => [p, v] as const), ...counters.map((c) => [c, base] as const)]);
  }
  for (const v of PROBE_VALUES) add(params.map((p) => [p, v] as const));
  if (params.length >= 2) {
    for (const base of PROBE_BASES) {
      for (const varied of params) {
        for (const v of PROBE_VALUES) add(params.map((p) => [p, p === varied ? v : base] as const));
      }
    }
  }
  if (arrays.length > 0) converting(undefined);
  return out;
}

/** A probe may use at most this fraction (1/PROBE_SHARE) of the probes' budget. */
export const PROBE_SHARE = 4;

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

/** The probes tried early (earlyBudget): the first of the schedule (every converted double pinned, when the query converts any). */
export const EARLY_PROBES = 6;

/**
 * Before a query with probe targets gets its whole budget: the query itself within a small
 * slice (what it decides there, it decides with any larger budget: unsat is unsat, sat is a
 * model), then the first EARLY_PROBES probes sharing a budget of the same size, each at most a
 * quarter of it. Only a `sat` of a probe is taken (a model of the query); otherwise the query
 * runs with its whole budget as before, and the probes after it as before. So nothing that was
 * proved can change, and a query z3 decides within the slice costs what it did.
 *
 * Why: a false candidate invariant (and any failing site) is a satisfiable query, and z3
 * searched 0.3–3 s for a model that a probe with every converted double pinned gives in
 * 5–50 ms — in the reach-soundness fixtures (test/verifier/reach) most of the solver time of
 * the slowest five went there. The slice is a twentieth of the budget (at most 200 000 rlimit
 * units, or 200 ms when time bounds the query), so that a query which needs a long search pays
 * at most two slices more. When work bounds the query its time limit is only a backstop, and
 * the slice gets a twentieth of that too: were z3 ever to ignore its rlimit, the early slice,
 * the early probes, the whole run and the late probes together stay within 1.35× the backstop,
 * below the pool's stuck-worker limit (2×), instead of up to 3.25×.
 */
export function earlyBudget(timeoutMs: number, rlimit: number): { readonly timeMs: number; readonly rlimit: number } {
  if (rlimit > 0) return { timeMs: Math.max(1, Math.floor(timeoutMs / 20)), rlimit: Math.min(200_000, Math.floor(rlimit / 20)) };
  return { timeMs: Math.min(200, Math.floor(timeoutMs / 20)), rlimit: 0 };
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
