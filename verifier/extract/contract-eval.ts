import type { ClauseExpr } from "../../spec/contract/index.js";
import { asNumVal, intConst, isFiniteTerm, isIntegralTerm, isNaNTerm, mathAbs, mathMinMax, mathRound, numberLiteral } from "./numbers.js";
import { arith, merge, negate, relational, strictEquals, truthy } from "./ops.js";
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
  | { readonly ok: true; readonly term: Term; readonly exact: readonly Term[]; readonly defs: readonly Term[] }
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
  oldScratch.clauseMode = true;
  try {
    const v = evaluate(expr, env, scratch, oldScratch, new Map(), false);
    const t = truthy(v);
    if (t === undefined) return { ok: false, reason: "the clause's value is not modelled", informal: false };
    return { ok: true, term: t, exact: scratch.exact, defs: scratch.pc };
  } catch (error) {
    if (error instanceof ClauseError) return { ok: false, reason: error.message, informal: error.informal };
    throw error;
  }
}

/** The clause as a goal: its arithmetic must be exact and it must hold. */
export function asGoal(c: Extract<ClauseTerm, { ok: true }>): Term {
  return and(...c.exact, c.term);
}

/** The clause as an assumption: where its arithmetic is exact, it holds. */
export function asAssumption(c: Extract<ClauseTerm, { ok: true }>): Term {
  return and(...c.defs, implies(and(...c.exact), c.term));
}

function evaluate(e: ClauseExpr, env: ClauseEnv, st: State, oldSt: State, bound: Map<string, Val>, inOld: boolean): Val {
  const ev = (x: ClauseExpr): Val => evaluate(x, env, st, oldSt, bound, inOld);
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
      const v = ev(e.of);
      if (v.k === "arr") return { k: "int", t: here.lengthOf(v.ref), lo: 0n, hi: TWO_53 };
      if (v.k === "str") return { k: "int", t: strLen(v.t), lo: 0n, hi: TWO_53 };
      throw new ClauseError(`length of ${v.k === "opaque" ? v.why : "a value without length"}`, false);
    }
    case "index":
      throw new ClauseError("element values are not modelled", false);
    case "not": {
      const t = truthy(ev(e.arg));
      if (!t) throw new ClauseError("negation of an unmodelled value", false);
      return { k: "bool", t: not(t) };
    }
    case "neg":
      return check(negate(ev(e.arg)));
    case "bin": {
      const a = ev(e.left);
      const b = ev(e.right);
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
          return boolOf(strictEquals(here, a, b), "equality");
        case "!=": {
          const t = strictEquals(here, a, b);
          return boolOf(t === undefined ? undefined : not(t), "inequality");
        }
        case "&&":
        case "||": {
          const ta = truthy(a);
          const tb = truthy(b);
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
      const a = truthy(ev(e.left));
      const b = truthy(ev(e.right));
      if (!a || !b) throw new ClauseError("implies on unmodelled values", false);
      return { k: "bool", t: implies(a, b) };
    }
    case "old":
      return evaluate(e.arg, env, st, oldSt, bound, true);
    case "forall": {
      const lo = asNumVal(ev(e.lo));
      const hi = asNumVal(ev(e.hi));
      if (lo?.k !== "int" || hi?.k !== "int") throw new ClauseError("forall bounds must be integers", false);
      const name = `q${bound.size}`;
      const variable: Term = { kind: "bound", name, sort: "Int" };
      const inner = new Map(bound);
      inner.set(e.variable, { k: "int", t: variable });
      const body = truthy(evaluate(e.body, env, st, oldSt, inner, inOld));
      if (!body) throw new ClauseError("forall body is not modelled", false);
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

function check(v: Val): Val {
  if (v.k === "opaque") throw new ClauseError(v.why, false);
  return v;
}

function boolOf(t: Term | undefined, what: string): Val {
  if (t === undefined) throw new ClauseError(`${what} of values of these kinds is not modelled`, false);
  return { k: "bool", t };
}

export { eq, intConst };
