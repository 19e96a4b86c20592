import type { ClauseExpr } from "../../spec/contract/index.js";
import { asNumVal, intConst, UnmodelledInQuantifier, isFiniteTerm, isIntegralTerm, isNaNTerm, mathAbs, mathMinMax, mathRound, numberLiteral } from "./numbers.js";
import { arith, merge, negate, relational, strictEquals, truthy } from "./ops.js";
import { contentsSort, integralElement } from "./elements.js";
import { State, strLen } from "./state.js";
import { and, app, eq, implies, intLit, le, lt, not, or, strLit, type Term } from "./terms.js";
import { TWO_53, type Val } from "./values.js";

/**
 * Contract clauses evaluated with the same JavaScript semantics as code. Parameter names
 * denote the values the caller passed (entry values); `len(a)` is the array's current length
 * and `old(len(a))` its length at entry; `result` (or `output`) the returned value.
 */
export interface ClauseEnv {
  readonly names: ReadonlyMap<string, Val>;
  readonly result?: Val | undefined;
  /** Lengths now (at a return or call site). */
  readonly current: State;
  /** Lengths at entry, for old(). */
  readonly entry: State;
}

export type ClauseTerm =
  | {
      readonly ok: true;
      /** The clause where it is assumed (never stronger than the JavaScript clause). */
      readonly term: Term;
      /** The clause where it is proved (never weaker); absent: the same as `term`. Differs only for element reads (readsOf). */
      readonly goal?: Term | undefined;
      readonly exact: readonly Term[];
      readonly defs: readonly Term[];
    }
  | { readonly ok: false; readonly reason: string; readonly informal: boolean };

class ClauseError extends Error {
  constructor(
    message: string,
    readonly informal: boolean,
  ) {
    super(message);
  }
}

export function clauseTerm(expr: ClauseExpr, env: ClauseEnv): ClauseTerm {
  const scratch = new State(new Map(), env.current.lens, env.current.refClass, new Set(), [], []);
  const oldScratch = new State(new Map(), env.entry.lens, env.entry.refClass, new Set(), scratch.pc, scratch.exact);
  scratch.clauseMode = true;
  // Row facts (rows.ts) for `len(g[k])`.
  scratch.rows = env.current.rows;
  oldScratch.rows = env.entry.rows;
  oldScratch.clauseMode = true;
  // Element reads see the contents and exoticness of the state they are evaluated in.
  for (const [to, from] of [
    [scratch, env.current],
    [oldScratch, env.entry],
  ] as const) {
    to.contents = from.contents;
    to.bases = from.bases;
    to.intViews = from.intViews;
    to.viewBounds = from.viewBounds;
    to.exotic = from.exotic;
  }
  try {
    if (!readsElements(expr)) {
      const v = evaluate(expr, env, scratch, oldScratch, new Map(), false, NO_READS);
      const t = truthy(v);
      if (t === undefined) return { ok: false, reason: "the clause's value is not modelled", informal: false };
      return { ok: true, term: t, exact: scratch.exact, defs: scratch.pc };
    }
    // With element reads, once where it is assumed (weak) and once where it is proved (strong).
    const weak = positive(expr, env, scratch, oldScratch, new Map(), false, "weak");
    const strong = positive(expr, env, scratch, oldScratch, new Map(), false, "strong");
    return { ok: true, term: weak, goal: strong, exact: scratch.exact, defs: scratch.pc };
  } catch (error) {
    if (error instanceof ClauseError) return { ok: false, reason: error.message, informal: error.informal };
    if (error instanceof UnmodelledInQuantifier) return { ok: false, reason: error.message, informal: false };
    throw error;
  }
}

/** The clause as a goal: its arithmetic must be exact and it must hold. */
export function asGoal(c: Extract<ClauseTerm, { ok: true }>): Term {
  return and(...c.exact, c.goal ?? c.term);
}

/**
 * Element reads `a[k]` in clauses (issue 12). In JavaScript a read outside [0, len) is
 * undefined; the model reads the array's contents (State.contents) at k, which is the element
 * whenever k is in bounds. So every boolean operand that contains reads (an operand of && / ||,
 * the body of forall, either side of implies, the operand of !, the whole clause) is wrapped
 * with its reads' bounds `d`: where proved ("strong") as d && P, where assumed ("weak") as
 * d => P. In bounds both are the JavaScript P; out of bounds the strong one is false and the
 * weak one true — never weaker, respectively never stronger, than P whatever P is. Under ! and
 * on the left of implies the polarity flips, so the whole clause stays never weaker (strong) or
 * never stronger (weak) than the JavaScript clause.
 */
type Polarity = "strong" | "weak";
interface Reads {
  /** Bounds conditions of the reads in the operand being evaluated; undefined: reads are not allowed. */
  readonly bounds: Term[] | undefined;
  readonly polarity: Polarity;
}
const NO_READS: Reads = { bounds: undefined, polarity: "weak" };

function readsElements(e: ClauseExpr): boolean {
  if (e.tag === "index") return true;
  return Object.values(e).some((v) => typeof v === "object" && v !== null && "tag" in v && readsElements(v as ClauseExpr));
}

/** A boolean operand in a position of the given polarity, wrapped with the bounds of its reads. */
function positive(e: ClauseExpr, env: ClauseEnv, st: State, oldSt: State, bound: Map<string, Val>, inOld: boolean, polarity: Polarity): Term {
  const reads: Reads = { bounds: [], polarity };
  const t = truthy(evaluate(e, env, st, oldSt, bound, inOld, reads));
  if (t === undefined) throw new ClauseError("the clause's value is not modelled", false);
  const d = and(...(reads.bounds ?? []));
  return polarity === "strong" ? and(d, t) : implies(d, t);
}

const flip = (p: Polarity): Polarity => (p === "strong" ? "weak" : "strong");

/** The clause as an assumption: where its arithmetic is exact, it holds. */
export function asAssumption(c: Extract<ClauseTerm, { ok: true }>): Term {
  return and(...c.defs, implies(and(...c.exact), c.term));
}

function evaluate(e: ClauseExpr, env: ClauseEnv, st: State, oldSt: State, bound: Map<string, Val>, inOld: boolean, reads: Reads): Val {
  const ev = (x: ClauseExpr): Val => evaluate(x, env, st, oldSt, bound, inOld, reads);
  // A boolean operand: its own bounds wrapping when element reads are modelled (positive()).
  const operand = (x: ClauseExpr, polarity: Polarity): Term | undefined =>
    reads.bounds === undefined ? truthy(ev(x)) : positive(x, env, st, oldSt, bound, inOld, polarity);
  const here = inOld ? oldSt : st;
  switch (e.tag) {
    case "num":
      return numberLiteral(e.value);
    case "str":
      return { k: "str", t: strLit(e.value) };
    case "bool":
      return { k: "bool", t: e.value ? { kind: "lit", text: "true", sort: "Bool" } : { kind: "lit", text: "false", sort: "Bool" } };
    case "name": {
      const b = bound.get(e.name) ?? env.names.get(e.name);
      if (b) return b;
      if ((e.name === "result" || e.name === "output") && env.result) return env.result;
      if (e.name === "result" || e.name === "output") throw new ClauseError(`'${e.name}' is only available in postconditions`, false);
      if (e.name === "undefined") return { k: "undef" };
      if (e.name === "null") return { k: "undef", isNull: true };
      throw new ClauseError(`unknown name '${e.name}' (not a parameter)`, true);
    }
    case "len": {
      // The length of a row of an array whose rows all have one known length (rows.ts): that
      // length, whatever the row (an index out of bounds makes the clause throw at run time).
      if (e.of.tag === "index") {
        const m = ev(e.of.of);
        const fact = m.k === "arr" ? here.rows.get(m.ref) : undefined;
        if (fact?.len !== undefined) return { k: "int", t: fact.len, lo: 0n, hi: TWO_53 };
        // Per-row lengths (rows built row by row): row k's, where k is an index of the array
        // (a read like any other: out of bounds the clause throws at run time).
        if (m.k === "arr" && fact?.lens !== undefined && reads.bounds !== undefined) {
          const k = asNumVal(ev(e.of.index));
          if (k?.k === "int" && !k.mayBeInfinite) {
            reads.bounds.push(and(le(intLit(0), k.t), lt(k.t, here.lengthOf(m.ref))));
            return { k: "int", t: app("select", "Int", fact.lens, k.t), lo: 0n, hi: TWO_53 };
          }
        }
      }
      const v = ev(e.of);
      if (v.k === "arr") return { k: "int", t: here.lengthOf(v.ref), lo: 0n, hi: TWO_53 };
      if (v.k === "str") return { k: "int", t: strLen(v.t), lo: 0n, hi: TWO_53 };
      throw new ClauseError(`length of ${v.k === "opaque" ? v.why : "a value without length"}`, false);
    }
    case "index": {
      if (reads.bounds === undefined) throw new ClauseError("element values are not modelled here", false);
      const a = ev(e.of);
      const k = asNumVal(ev(e.index));
      if (a.k !== "arr") throw new ClauseError(`element of ${a.k === "opaque" ? a.why : "a value that is not an array"}`, false);
      if (here.exotic.has(a.ref)) throw new ClauseError("element of an array of unknown provenance (it escaped to code that may make it exotic)", false);
      const sort = contentsSort(a);
      if (sort === undefined) throw new ClauseError(`element values of arrays of ${a.elem.k === "opaque" ? a.elem.why : a.elem.k} are not modelled`, false);
      if (k?.k !== "int" || k.mayBeInfinite) throw new ClauseError("element read at an index that is not an integer", false);
      reads.bounds.push(and(le(intLit(0), k.t), lt(k.t, here.lengthOf(a.ref))));
      const view = integralElement(here, a, k.t);
      if (view !== undefined) return view;
      const t = app("select", sort === "IntArray" ? "Int" : "FP", here.contentsOf(a.ref, sort), k.t);
      if (a.elem.k === "int") return { k: "int", t, lo: a.elem.lo, hi: a.elem.hi };
      return { k: "num", t, hole: a.cls === "Array" };
    }
    case "not": {
      if (reads.bounds !== undefined) return { k: "bool", t: not(operand(e.arg, flip(reads.polarity))!) };
      const t = truthy(ev(e.arg));
      if (!t) throw new ClauseError("negation of an unmodelled value", false);
      return { k: "bool", t: not(t) };
    }
    case "neg":
      return check(negate(ev(e.arg)));
    case "bin": {
      const logical = (e.op === "&&" || e.op === "||") && reads.bounds !== undefined;
      // With element reads, && and || evaluate their operands themselves (each wrapped on its own).
      const a = logical ? { k: "undef" as const } : ev(e.left);
      const b = logical ? { k: "undef" as const } : ev(e.right);
      switch (e.op) {
        case "+":
        case "-":
        case "*":
        case "/":
        case "%":
          return check(arith(here, e.op, a, b));
        case "<":
        case "<=":
        case ">":
        case ">=":
          return boolOf(relational(here, e.op, a, b), `comparison '${e.op}'`);
        case "==":
          holeEquality(a, b);
          return boolOf(strictEquals(here, a, b), "equality");
        case "!=": {
          holeEquality(a, b);
          const t = strictEquals(here, a, b);
          return boolOf(t === undefined ? undefined : not(t), "inequality");
        }
        case "&&":
        case "||": {
          const ta = reads.bounds === undefined ? truthy(a) : operand(e.left, reads.polarity);
          const tb = reads.bounds === undefined ? truthy(b) : operand(e.right, reads.polarity);
          if (!ta || !tb) throw new ClauseError(`'${e.op}' on unmodelled values`, false);
          return { k: "bool", t: e.op === "&&" ? and(ta, tb) : or(ta, tb) };
        }
      }
      break;
    }
    case "cond": {
      const c = truthy(ev(e.test));
      if (!c) throw new ClauseError("condition on an unmodelled value", false);
      return check(merge(here, c, ev(e.then), ev(e.else)));
    }
    case "implies": {
      const a = reads.bounds === undefined ? truthy(ev(e.left)) : operand(e.left, flip(reads.polarity));
      const b = reads.bounds === undefined ? truthy(ev(e.right)) : operand(e.right, reads.polarity);
      if (!a || !b) throw new ClauseError("implies on unmodelled values", false);
      return { k: "bool", t: implies(a, b) };
    }
    case "old":
      return evaluate(e.arg, env, st, oldSt, bound, true, reads);
    case "forall": {
      // Reads in the bounds would wrap outside the quantifier: not with element reads there.
      const lo = asNumVal(evaluate(e.lo, env, st, oldSt, bound, inOld, NO_READS));
      const hi = asNumVal(evaluate(e.hi, env, st, oldSt, bound, inOld, NO_READS));
      if (lo?.k !== "int" || hi?.k !== "int") throw new ClauseError("forall bounds must be integers", false);
      const name = `q${bound.size}`;
      const variable: Term = { kind: "bound", name, sort: "Int" };
      const inner = new Map(bound);
      // Within the range (the body is guarded by it), the variable lies in the bounds' static
      // intervals: integer arithmetic on it then needs no rounding witness (which would be a
      // constant outside the quantifier).
      // A bound without a static interval: the variable is taken within ±2^32 (every array
      // index is), required where the clause is proved and a premise where it is assumed —
      // never weaker, respectively never stronger, than the clause — so that arithmetic on it
      // is exact without a witness (a witness would be a constant outside the quantifier).
      const CAP = 1n << 32n;
      const capLo = reads.bounds !== undefined && lo.lo === undefined;
      const capHi = reads.bounds !== undefined && hi.hi === undefined;
      const vlo = capLo ? -CAP : lo.lo;
      const vhi = capHi ? CAP : hi.hi === undefined ? undefined : hi.hi - 1n;
      inner.set(e.variable, { k: "int", t: variable, lo: reads.bounds === undefined ? undefined : vlo, hi: reads.bounds === undefined ? undefined : vhi });
      let body = reads.bounds === undefined ? truthy(evaluate(e.body, env, st, oldSt, inner, inOld, reads)) : positive(e.body, env, st, oldSt, inner, inOld, reads.polarity);
      if (!body) throw new ClauseError("forall body is not modelled", false);
      if (capLo || capHi) {
        const cap = and(...(capLo ? [le(intLit(-CAP), variable)] : []), ...(capHi ? [le(variable, intLit(CAP))] : []));
        body = reads.polarity === "strong" ? and(cap, body) : implies(cap, body);
      }
      return { k: "bool", t: { kind: "forall", name, body: implies(and(le(lo.t, variable), lt(variable, hi.t)), body), sort: "Bool" } };
    }
    case "call": {
      const args = e.args.map(ev);
      const nums = args.map(asNumVal);
      const [x, y] = nums;
      if (!x || (args.length === 2 && !y)) throw new ClauseError(`${e.fn} of a non-number is not modelled`, false);
      switch (e.fn) {
        case "Number.isInteger":
          return { k: "bool", t: isIntegralTerm(x) };
        case "Number.isSafeInteger":
          return { k: "bool", t: x.k === "int" ? and(le(intLit(-(TWO_53 - 1n)), x.t), le(x.t, intLit(TWO_53 - 1n))) : and(isIntegralTerm(x), app("fp.leq", "Bool", app("fp.abs", "FP", x.t), numberLiteralTerm(Number.MAX_SAFE_INTEGER))) };
        case "Number.isFinite":
          return { k: "bool", t: isFiniteTerm(x) };
        case "Number.isNaN":
          // Number.isNaN(undefined) is false although a hole computes like NaN.
          if (x.k === "num" && x.hole === true) throw new ClauseError("Number.isNaN of a value that may be undefined (a hole or an omitted argument) is not modelled", false);
          return { k: "bool", t: isNaNTerm(x) };
        case "Math.floor":
          return mathRound("floor", x);
        case "Math.ceil":
          return mathRound("ceil", x);
        case "Math.trunc":
          return mathRound("trunc", x);
        case "Math.abs":
          return mathAbs(x);
        case "Math.min":
        case "Math.max":
          if (!y) throw new ClauseError(`${e.fn} needs two numbers`, false);
          return mathMinMax(here, e.fn === "Math.min" ? "min" : "max", x, y);
      }
    }
  }
  throw new ClauseError("unsupported clause construct", false);
}

function numberLiteralTerm(n: number): Term {
  const v = numberLiteral(n);
  return v.k === "num" ? v.t : app("(_ to_fp 11 53)", "FP", { kind: "lit", text: "RNE", sort: "Bool" }, app("to_real", "Real", v.t));
}

/**
 * A value that may be undefined (a plain Array's hole, an omitted optional argument) computes
 * like NaN, but undefined == undefined: equality between two such values, or with undefined
 * itself, is not modelled (as in code, exec-expr binaryValue).
 */
function holeEquality(a: Val, b: Val): void {
  const hole = (v: Val): boolean => v.k === "num" && v.hole === true;
  if ((hole(a) && hole(b)) || (hole(a) && b.k === "undef") || (hole(b) && a.k === "undef")) {
    throw new ClauseError("equality of values that may be undefined (holes, omitted arguments) is not modelled", false);
  }
}

function check(v: Val): Val {
  if (v.k === "opaque") throw new ClauseError(v.why, false);
  return v;
}

function boolOf(t: Term | undefined, what: string): Val {
  if (t === undefined) throw new ClauseError(`${what} of values of these kinds is not modelled`, false);
  return { k: "bool", t };
}

export { eq, intConst };
