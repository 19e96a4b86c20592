import { asNumVal, compare, fpArith, intArith, intNeg, intRem, isNaNTerm, numEquals, toFP, truthyNumber } from "./numbers.js";
import { strLen, type State } from "./state.js";
import { and, app, eq, FALSE, fpLit, freshConst, ite, lt, not, TRUE, type Term } from "./terms.js";
import type { Val } from "./values.js";

/** Operations on symbolic values shared by code and contract clauses. `undefined` = not modelled. */

export function truthy(v: Val): Term | undefined {
  switch (v.k) {
    case "bool":
      return v.t;
    case "int":
    case "num":
      return truthyNumber(v);
    case "str":
      return lt({ kind: "lit", text: "0", sort: "Int" }, strLen(v.t));
    case "arr":
    case "fn":
      return TRUE;
    case "undef":
      return FALSE;
    case "opaque":
      return undefined;
  }
}

/** `c ? a : b` as one value, when both sides have compatible representations. */
export function merge(st: State, c: Term, a: Val, b: Val): Val {
  if (a.k === "int" && b.k === "int") {
    const lo = a.lo !== undefined && b.lo !== undefined ? (a.lo < b.lo ? a.lo : b.lo) : undefined;
    const hi = a.hi !== undefined && b.hi !== undefined ? (a.hi > b.hi ? a.hi : b.hi) : undefined;
    return { k: "int", t: ite(c, a.t, b.t), lo, hi, negZero: Boolean(a.negZero || b.negZero) };
  }
  const na = asNumVal(a);
  const nb = asNumVal(b);
  if (na && nb) return { k: "num", t: ite(c, toFP(st, na), toFP(st, nb)), hole: (na.k === "num" && na.hole === true) || (nb.k === "num" && nb.hole === true) };
  if ((a.k === "bool" && b.k === "bool") || (a.k === "str" && b.k === "str")) return { k: a.k, t: ite(c, a.t, b.t) };
  if (a.k === "arr" && b.k === "arr" && a.ref === b.ref) return a;
  if (a.k === "undef" && b.k === "undef") return a;
  return { k: "opaque", why: `a value that is ${describeKind(a)} on one branch and ${describeKind(b)} on the other` };
}

function describeKind(v: Val): string {
  return v.k === "int" || v.k === "num" ? "a number" : v.k === "arr" ? "an array" : v.k === "opaque" ? "unmodelled" : `a ${v.k === "str" ? "string" : v.k === "bool" ? "boolean" : v.k}`;
}

export type ArithOp = "+" | "-" | "*" | "/" | "%";

export function arith(st: State, op: ArithOp, a: Val, b: Val): Val {
  if (op === "+" && (a.k === "str" || b.k === "str")) {
    const sa = toStringTerm(st, a);
    const sb = toStringTerm(st, b);
    if (sa === undefined || sb === undefined) return { k: "opaque", why: "string conversion of an unmodelled value" };
    return { k: "str", t: app("str.++", "String", sa, sb) };
  }
  const x = asNumVal(a);
  const y = asNumVal(b);
  if (!x || !y) return { k: "opaque", why: `'${op}' on ${describeKind(a)} and ${describeKind(b)}` };
  if (op === "%") {
    if (x.k === "int" && y.k === "int") return intRem(st, x, y);
    // JS % on doubles is fmod, not IEEE remainder: an unknown double (sound, not precise).
    return { k: "num", t: freshConst("FP", "result of %") };
  }
  if (op !== "/" && x.k === "int" && y.k === "int") return intArith(st, op, x, y);
  return fpArith(st, op, x, y);
}

/** ToString of a value, as far as it matters here: numbers never contain '/' (so never a '..' segment). */
export function toStringTerm(st: State, v: Val): Term | undefined {
  switch (v.k) {
    case "str":
      return v.t;
    case "bool":
      return ite(v.t, { kind: "lit", text: '"true"', sort: "String" }, { kind: "lit", text: '"false"', sort: "String" });
    case "int":
    case "num": {
      const s = freshConst("String", "the decimal text of a number");
      st.assume(not(app("str.contains", "Bool", s, { kind: "lit", text: '"/"', sort: "String" })));
      st.assume(lt({ kind: "lit", text: "0", sort: "Int" }, strLen(s)));
      return s;
    }
    case "undef":
      return { kind: "lit", text: '"undefined"', sort: "String" };
    default:
      return undefined;
  }
}

export function negate(v: Val): Val {
  if (v.k === "int") return intNeg(v);
  if (v.k === "num") return { k: "num", t: app("fp.neg", "FP", v.t) };
  return { k: "opaque", why: "unary minus on a non-number" };
}

export type CompareOp = "<" | "<=" | ">" | ">=";

export function relational(st: State, op: CompareOp, a: Val, b: Val): Term | undefined {
  const x = asNumVal(a);
  const y = asNumVal(b);
  if (x && y) return compare(st, op, x, y);
  if (a.k === "str" && b.k === "str") {
    if (op === "<") return app("str.<", "Bool", a.t, b.t);
    if (op === "<=") return app("str.<=", "Bool", a.t, b.t);
    if (op === ">") return app("str.<", "Bool", b.t, a.t);
    return app("str.<=", "Bool", b.t, a.t);
  }
  return undefined;
}

/** `===`. Values of different kinds are never strictly equal. */
export function strictEquals(st: State, a: Val, b: Val): Term | undefined {
  const x = asNumVal(a);
  const y = asNumVal(b);
  if (x && y) return numEquals(st, x, y);
  if (a.k === "opaque" || b.k === "opaque") return undefined;
  if ((a.k === "str" && b.k === "str") || (a.k === "bool" && b.k === "bool")) return eq(a.t, b.t);
  if (a.k === "undef" && b.k === "undef") return Boolean(a.isNull) === Boolean(b.isNull) ? TRUE : FALSE;
  if (a.k === "arr" && b.k === "arr") return a.ref === b.ref ? TRUE : undefined;
  if (a.k === "fn" || b.k === "fn") return undefined;
  return FALSE;
}

export function fpNaNTerm(): Term {
  return fpLit(Number.NaN);
}

export function isNaNVal(v: Val): Term | undefined {
  const n = asNumVal(v);
  return n ? isNaNTerm(n) : undefined;
}

export function andTerms(...ts: Term[]): Term {
  return and(...ts);
}
