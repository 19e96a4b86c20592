import type { State } from "./state.js";
import { abstractConst, and, app, eq, exactConst, float64Bits, fpLit, fpLitValue, freshConst, implies, intLit, ite, le, lt, not, or, type Term } from "./terms.js";
import { TWO_31, TWO_32, TWO_53, type IntVal, type Val } from "./values.js";

/**
 * JavaScript number semantics. Integers stay Int only while exact: + - * on Ints whose static
 * intervals may leave ±2^53 push an exactness condition onto the path (every later goal
 * includes it). Bitwise operators are ToInt32/ToUint32 — modular, so `(lo + hi) >> 1` can be
 * negative. Everything else is IEEE binary64 in z3's FloatingPoint theory.
 */
const RNE = { kind: "lit", text: "RNE", sort: "Bool" } as const satisfies Term;
const RTZ = { kind: "lit", text: "RTZ", sort: "Bool" } as const satisfies Term;
const RTN = { kind: "lit", text: "RTN", sort: "Bool" } as const satisfies Term;
const RTP = { kind: "lit", text: "RTP", sort: "Bool" } as const satisfies Term;

export type NumVal = IntVal | { readonly k: "num"; readonly t: Term; readonly hole?: boolean | undefined };

export function intConst(n: bigint): IntVal {
  return { k: "int", t: intLit(n), lo: n, hi: n };
}

export function numberLiteral(value: number): NumVal {
  if (Number.isInteger(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER && !Object.is(value, -0)) return intConst(BigInt(value));
  return { k: "num", t: fpLit(value) };
}

function within(v: IntVal, lo: bigint, hi: bigint): boolean {
  return v.lo !== undefined && v.hi !== undefined && v.lo >= lo && v.hi <= hi;
}

function exactInt(st: State, t: Term, lo: bigint | undefined, hi: bigint | undefined, negZero: boolean): IntVal {
  if (lo === undefined || hi === undefined || lo < -TWO_53 || hi > TWO_53) {
    st.pushExact(and(le(intLit(-TWO_53), t), le(t, intLit(TWO_53))));
    const clampedLo = lo === undefined || lo < -TWO_53 ? -TWO_53 : lo;
    const clampedHi = hi === undefined || hi > TWO_53 ? TWO_53 : hi;
    return { k: "int", t, lo: clampedLo, hi: clampedHi, negZero };
  }
  return { k: "int", t, lo, hi, negZero };
}

const add = (a?: bigint, b?: bigint): bigint | undefined => (a === undefined || b === undefined ? undefined : a + b);

/**
 * + - * on integers. Exact when the static interval of the result lies within ±2^53. When
 * both operands are known to lie within ±2^53 the result is a finite integral double, and we
 * use the rounding model: a fresh w equal to the exact result when that is within ±2^53, and
 * otherwise at least 2^53 in magnitude with the same sign (rounding is monotone and 2^53 is a
 * double) — an over-approximation of round(r), so no exactness condition is needed. With
 * operands of unknown size, code pushes the exactness condition onto the path; contract
 * clauses use the rounding model too, but the result may then be ±Infinity (flagged).
 */
export function intArith(st: State, op: "+" | "-" | "*", a: IntVal, b: IntVal): Val {
  // ±Infinity plus or minus a finite value stays that infinity, which a huge w still models;
  // two possibly infinite operands (Infinity - Infinity is NaN) or a product (Infinity * 0) do not.
  const oneInfiniteSum = op !== "*" && Boolean(a.mayBeInfinite) !== Boolean(b.mayBeInfinite) && st.clauseMode;
  if ((a.mayBeInfinite || b.mayBeInfinite) && !oneInfiniteSum) return { k: "opaque", why: "arithmetic on a value that may be Infinity" };
  const t = app(op, "Int", a.t, b.t);
  let lo: bigint | undefined;
  let hi: bigint | undefined;
  // -0 results: -0 + -0 = -0 and -0 - (+0) = -0 (a sum of anything else rounds to +0); a product
  // is -0 when a zero meets a negative operand or a -0 meets a positive one.
  let negZero = false;
  const mayBeNeg = (v: IntVal): boolean => v.lo === undefined || v.lo < 0n || Boolean(v.negZero);
  if (op === "+") {
    [lo, hi] = [add(a.lo, b.lo), add(a.hi, b.hi)];
    negZero = Boolean(a.negZero && b.negZero);
  } else if (op === "-") {
    [lo, hi] = [add(a.lo, b.hi === undefined ? undefined : -b.hi), add(a.hi, b.lo === undefined ? undefined : -b.lo)];
    negZero = Boolean(a.negZero);
  } else if (a.lo !== undefined && a.hi !== undefined && b.lo !== undefined && b.hi !== undefined) {
    const products = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
    lo = products.reduce((x, y) => (y < x ? y : x));
    hi = products.reduce((x, y) => (y > x ? y : x));
    negZero = mayBeNeg(a) || mayBeNeg(b);
  } else negZero = true;
  if (lo !== undefined && hi !== undefined && lo >= -TWO_53 && hi <= TWO_53) return { k: "int", t, lo, hi, negZero };
  // A rounding witness is a constant defined outside any quantifier, so it cannot stand for a
  // result over a quantified variable (a forall body's `a[i] + 1` on an integral view's elements,
  // `i * i`): there the operation is IEEE arithmetic on the operands' exact doubles.
  if (st.clauseMode && (mentionsBound(a.t) || mentionsBound(b.t))) return fpArith(st, op, a, b);
  // An unbounded view element with nothing bounding the result on either side (IntVal.loose).
  if (!st.clauseMode && (a.loose || b.loose) && lo === undefined && hi === undefined) return fpArith(st, op, a, b);
  const bounded = within(a, -TWO_53, TWO_53) && within(b, -TWO_53, TWO_53);
  if (!bounded && !st.clauseMode) return exactInt(st, t, lo, hi, negZero);
  const w = exactConst("Int", "a rounded integer result");
  st.assume(implies(and(le(intLit(-TWO_53), t), le(t, intLit(TWO_53))), eq(w, t)));
  st.assume(implies(lt(intLit(TWO_53), t), le(intLit(TWO_53), w)));
  st.assume(implies(lt(t, intLit(-TWO_53)), le(w, intLit(-TWO_53))));
  if (bounded) {
    // |w| <= max(|lo|, |hi|) since rounding is monotone and the bounds are doubles' neighbours at worst.
    const m = maxBig(absBig(lo ?? 0n), absBig(hi ?? 0n)) * 2n;
    st.assume(and(le(intLit(-m), w), le(w, intLit(m))));
    return { k: "int", t: w, lo: -m, hi: m, negZero };
  }
  return { k: "int", t: w, negZero, mayBeInfinite: true };
}

export function intNeg(v: IntVal): IntVal {
  return { k: "int", t: app("-", "Int", v.t), lo: v.hi === undefined ? undefined : -v.hi, hi: v.lo === undefined ? undefined : -v.lo, negZero: true, mayBeInfinite: v.mayBeInfinite };
}

/** JS `%` on integers: the sign of the dividend (not SMT `mod`); `x % 0` is NaN, so b ≠ 0 joins the exactness conditions. */
export function intRem(st: State, a: IntVal, b: IntVal): Val {
  if (a.mayBeInfinite || b.mayBeInfinite) return { k: "opaque", why: "% on a value that may be Infinity" };
  const absB = ite(lt(b.t, intLit(0)), app("-", "Int", b.t), b.t);
  if (!(b.lo !== undefined && b.lo > 0n) && !(b.hi !== undefined && b.hi < 0n)) st.pushExact(not(eq(b.t, intLit(0))));
  const t = ite(le(intLit(0), a.t), app("mod", "Int", a.t, absB), app("-", "Int", app("mod", "Int", app("-", "Int", a.t), absB)));
  const bMax = b.lo !== undefined && b.hi !== undefined ? maxBig(absBig(b.lo), absBig(b.hi)) - 1n : undefined;
  const lo = a.lo !== undefined && a.lo >= 0n ? 0n : bMax === undefined ? a.lo : -bMax;
  const hi = a.hi !== undefined && a.hi <= 0n ? 0n : bMax;
  // The result has the dividend's sign, so a zero result is -0 for a negative or -0 dividend.
  return { k: "int", t, lo, hi, negZero: a.lo === undefined || a.lo < 0n || Boolean(a.negZero) };
}

const absBig = (x: bigint): bigint => (x < 0n ? -x : x);
const maxBig = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/** Raised where contract evaluation meets what it cannot model inside a quantifier (the clause is then not modelled). */
export class UnmodelledInQuantifier extends Error {}

/** An Int as a double. Exact for every value an Int term can take in a real run; -0 kept possible when flagged. */
export function toFP(st: State, v: NumVal): Term {
  if (v.k === "num") return v.t;
  const conv = smallToFP(st, v) ?? app("(_ to_fp 11 53)", "FP", RNE, app("to_real", "Real", v.t));
  if (!v.negZero) return conv;
  // One constant cannot be the sign of a zero for every instance of a quantifier's body.
  if (mentionsBound(v.t)) throw new UnmodelledInQuantifier("the sign of a zero that may be −0 inside forall (an integral array's element as a double) is not modelled");
  const zero = abstractConst("FP", "a zero of either sign");
  st.assume(app("fp.isZero", "Bool", zero));
  return ite(eq(v.t, intLit(0)), zero, conv);
}

/**
 * An integer n with a static interval within ±2^53 as a double without Int→Real→FP conversion
 * (which z3 decides very slowly — issue 12): a fresh double f defined by f integral, within the
 * range's limits (intRange), not -0, and with ⌊f⌋ (floorInt) equal to n. Exactly
 * one double meets that for each such n (n itself; +0 for 0), so f is a definition, not an
 * abstraction. Undefined when n's interval is not known to be that small.
 */
function smallToFP(st: State, v: IntVal): Term | undefined {
  const literal = intLiteralValue(v.t, v);
  if (literal !== undefined && literal >= -TWO_53 && literal <= TWO_53) return fpLit(Number(literal));
  const range = intRange(v);
  // A term over a quantified variable (a forall body) cannot be defined by a fact outside it.
  if (range === undefined || mentionsBound(v.t)) return undefined;
  const known = st.asDouble.get(v.t);
  if (known !== undefined && known.range === range) return known.f;
  const f = exactConst("FP", "an integer as a double");
  // Guarded by the Int range, so that it can hold on every path (State.asDouble): for each n
  // in it exactly one double meets the definition, and outside it f is unconstrained.
  const [lo, hi] = range === SMALL ? [0n, TWO_32] : [-TWO_53, TWO_53];
  const def = implies(
    and(le(intLit(lo), v.t), le(v.t, intLit(hi))),
    and(
      integralTerm(f),
      app("fp.leq", "Bool", fpLit(range.low), f),
      app("fp.lt", "Bool", f, fpLit(range.high)),
      or(not(app("fp.isZero", "Bool", f)), app("fp.isPositive", "Bool", f)),
      eq(floorInt(f), v.t),
    ),
  );
  st.asDouble.set(v.t, { f, range, def });
  st.assume(def);
  return f;
}

function mentionsBound(t: Term): boolean {
  if (t.kind === "bound") return true;
  if (t.kind === "app") return t.args.some(mentionsBound);
  if (t.kind === "forall") return true;
  return false;
}

export function fpArith(st: State, op: "+" | "-" | "*" | "/", a: NumVal, b: NumVal): NumVal {
  if (op === "/") return { k: "num", t: fpDivide(toFP(st, a), toFP(st, b)) };
  const name = op === "+" ? "fp.add" : op === "-" ? "fp.sub" : "fp.mul";
  return { k: "num", t: app(name, "FP", RNE, toFP(st, a), toFP(st, b)) };
}

/**
 * x / d as IEEE binary64. When d is a literal ±2^k, x × (1 / d) instead: 1 / d is a double
 * exactly, so both are the correctly rounded value of the same real x / d (and agree on NaN,
 * ±Infinity and the sign of zero). z3 bit-blasts a product far faster than a quotient: the
 * `x / 2` counterexample query took 9.1 s as a division and 2.2 s as a product.
 */
export function fpDivide(x: Term, d: Term): Term {
  const reciprocal = exactReciprocal(fpLitValue(d));
  return reciprocal === undefined ? app("fp.div", "FP", RNE, x, d) : app("fp.mul", "FP", RNE, x, fpLit(reciprocal));
}

/**
 * 1 / d when d is a normal ±2^k (biased exponent 1–2046, fraction bits zero): then 1 / d =
 * ±2^−k is a double exactly (normal, or 2^−1023, subnormal). Undefined otherwise: other values,
 * zeros, infinities, NaN, and subnormal powers of two, whose reciprocals overflow.
 */
export function exactReciprocal(d: number | undefined): number | undefined {
  if (d === undefined) return undefined;
  const bits = float64Bits(d);
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  return fraction === 0n && exponent >= 1 && exponent <= 2046 ? 1 / d : undefined;
}

export function compare(st: State, op: "<" | "<=" | ">" | ">=", a: NumVal, b: NumVal): Term {
  if (a.k === "int" && b.k === "int") return app(op, "Bool", a.t, b.t);
  if (a.k === "num" && b.k === "int" && !b.mayBeInfinite) return mixedCompare(op, a.t, b);
  if (a.k === "int" && b.k === "num" && !a.mayBeInfinite) return mixedCompare(op === "<" ? ">" : op === "<=" ? ">=" : op === ">" ? "<" : "<=", b.t, a);
  const name = op === "<" ? "fp.lt" : op === "<=" ? "fp.leq" : op === ">" ? "fp.gt" : "fp.geq";
  return app(name, "Bool", toFP(st, a), toFP(st, b));
}

/**
 * A double x against an integer n without converting n to floating point (z3 is slow on
 * Int→FP conversion, fast on fp.to_real): NaN compares false, ±Infinity by its sign,
 * finite x by its exact real value.
 */
function mixedCompare(op: "<" | "<=" | ">" | ">=", x: Term, nv: IntVal): Term {
  const literal = intLiteralValue(nv.t, nv);
  if (literal !== undefined && literal >= -TWO_53 && literal <= TWO_53) return fpCompareLiteral(op, x, literal);
  const range = intRange(nv);
  if (range !== undefined) return rangeCompare(op, x, nv.t, range);
  const n = nv.t;
  const inf = app("fp.isInfinite", "Bool", x);
  const bySign = op === "<" || op === "<=" ? app("fp.isNegative", "Bool", x) : app("fp.isPositive", "Bool", x);
  const real = and(not(app("fp.isNaN", "Bool", x)), ite(inf, bySign, app(op, "Bool", app("fp.to_real", "Real", x), app("to_real", "Real", n))));
  // n's static interval is unknown (a parameter only known to be an integer): where n is a safe
  // integer, compare through ⌊x⌋ as for an integer of known interval, so that a precondition
  // `a[i] < n` meets the goal `a[i] < len` (which z3 could not relate to fp.to_real in 30 s,
  // and relates at once this way); exact either way.
  return ite(safeInteger(n), rangeCompare(op, x, n, SAFE), real);
}

/**
 * Integers with a known interval are compared with doubles through one integer view of the
 * double: doubles below `low` are below every such integer, doubles at or above `high` above
 * every one, and a double x in [low, high) is compared through ⌊x⌋ (floorInt) and whether x is
 * integral (integralTerm).
 */
interface IntRange {
  readonly low: number;
  readonly high: number;
}

/** Lengths and indices: 0 <= n <= 2^32, doubles in [0, 2^33). */
const SMALL: IntRange = { low: 0, high: 2 ** 33 };
/** Safe integers: |n| <= 2^53, doubles in [-2^54, 2^54). */
const SAFE: IntRange = { low: -(2 ** 54), high: 2 ** 54 };

/**
 * ⌊x⌋ as an Int, for a double x in [−2^54, 2^54) (meaningless outside): the 64-bit vector of x
 * rounded towards −∞, read as a signed integer. Every comparison of a double with an integer,
 * every integer held as a double (smallToFP) and every length built from a double states its
 * facts on this one term, so z3 relates them by congruence and integer arithmetic instead of
 * relating different conversions bit by bit (two roundings of the same double, or a double equal
 * to another: a query about `i < n` and `new Array(n)` did not finish in 60 s with a ceiling, a
 * 40-bit truncation and fp.eq; it is unsat in 0.6 s through ⌊n⌋).
 */
export function floorInt(x: Term): Term {
  const b = app("(_ fp.to_sbv 64)", "Int", RTN, x);
  const unsigned = app("bv2nat", "Int", b);
  return ite(app("bvslt", "Bool", b, { kind: "lit", text: "(_ bv0 64)", sort: "Int" }), app("-", "Int", unsigned, intLit(1n << 64n)), unsigned);
}

/** x is integral or infinite (false for NaN): the one integrality term (Number.isInteger adds finiteness). */
export function integralTerm(x: Term): Term {
  return app("fp.eq", "Bool", app("fp.roundToIntegral", "FP", RTZ, x), x);
}

function intRange(v: IntVal): IntRange | undefined {
  if (v.mayBeInfinite || v.lo === undefined || v.hi === undefined) return undefined;
  if (v.lo >= 0n && v.hi <= TWO_32) return SMALL;
  if (v.lo >= -TWO_53 && v.hi <= TWO_53) return SAFE;
  return undefined;
}

/**
 * The element count of a typed array built from a double: `new Uint8Array(y + c)` (c an integer
 * literal, |c| <= 2^32; c = 0 for `new Uint8Array(y)`), on a path where that did not throw.
 * ECMAScript ToIndex: ToIntegerOrInfinity (NaN → 0, truncation towards zero, so (−1, 1) → 0),
 * RangeError below 0 or above 2^53 − 1, and an allocation that fails above `max` elements. So
 * past the call the argument x = fl(y + c) is NaN with count 0, or −1 < x < max + 1 with count
 * trunc(x). The facts are stated on ⌊y⌋ — the same term every comparison of y with an integer
 * uses (floorInt) — so that `i <= y` and `i < count` meet in integer arithmetic, with no
 * floating-point addition for z3 to bit-blast:
 *   c = 0: count = max(0, ⌊y⌋) (trunc and floor agree from 0 up; (−1, 0) gives 0);
 *   c ≠ 0: ⌊y⌋ + c <= count <= max(0, ⌊y⌋ + c + 1), because y + c lies in [⌊y⌋ + c, ⌊y⌋ + c + 1),
 *          rounding is monotone and both ends are doubles exactly (|⌊y⌋ + c| < 2^53 here).
 * |y| < 2^54 holds on the path (x < 2^32 + 1 and |c| <= 2^32), so ⌊y⌋ is the 64-bit vector's.
 * For c = 0 also y > −1 (ToIndex throws at −1 and below), which makes the count exact.
 */
export function typedArrayLength(st: State, y: Term, c: bigint, max: bigint): IntVal {
  // For c = 0 the count is a function of y (with y > −1: below, ToIndex throws), so a model's
  // count is a real one. For c ≠ 0 the facts allow a count one above the real one: an
  // abstraction, so that a counterexample through it is not reported as a real run.
  const count = c === 0n ? exactConst("Int", "a typed array's element count") : abstractConst("Int", "a typed array's element count (bounded, not exact)");
  const len: IntVal = { k: "int", t: count, lo: 0n, hi: max };
  st.assume(and(le(intLit(0n), len.t), le(len.t, intLit(max))));
  const floorY = floorInt(y);
  const inRange = and(c === 0n ? app("fp.gt", "Bool", y, fpLit(-1)) : not(app("fp.lt", "Bool", y, fpLit(SAFE.low))), app("fp.lt", "Bool", y, fpLit(SAFE.high)));
  const lower = c === 0n ? floorY : app("+", "Int", floorY, intLit(c));
  const upper = c === 0n ? floorY : app("+", "Int", floorY, intLit(c + 1n));
  const counted = and(le(lower, len.t), or(eq(len.t, intLit(0n)), le(len.t, upper)));
  st.assume(ite(app("fp.isNaN", "Bool", y), eq(len.t, intLit(0n)), and(inRange, counted)));
  return len;
}

/**
 * `c / b` for a literal c with 2^−51 <= |c| < Infinity (`1 / x`, the −0 test): the divisor and
 * the sign of c. Such a quotient is never a zero rounded from a non-zero real: every finite b has
 * |b| < 2^1024, so |c / b| > 2^−1075 and rounds to at least the smallest subnormal.
 */
function quotientByLiteral(x: Term): { readonly b: Term; readonly negativeC: boolean } | undefined {
  if (x.kind !== "app" || x.op !== "fp.div" || x.args.length !== 3) return undefined;
  const c = fpLitValue(x.args[1]!);
  if (c === undefined || !Number.isFinite(c) || Math.abs(c) < 2 ** -51) return undefined;
  return { b: x.args[2]!, negativeC: c < 0 };
}

/**
 * `c / b op 0` without the division, which z3 bit-blasts slowly: NaN exactly for b NaN; ±0
 * exactly for b = ±Infinity; otherwise a non-zero (possibly infinite) value whose sign is c's
 * sign times b's (b = −0 counts as negative: 1 / −0 = −Infinity). Equal to the IEEE comparison
 * for every double b (test/verifier/double-int-encoding.test.ts checks it in JavaScript and z3).
 */
function quotientAgainstZero(op: "<" | "<=" | ">" | ">=" | "===", q: { readonly b: Term; readonly negativeC: boolean }): Term {
  const inf = app("fp.isInfinite", "Bool", q.b);
  if (op === "===") return inf;
  const notNaN = not(app("fp.isNaN", "Bool", q.b));
  const negative = app(q.negativeC ? "fp.isPositive" : "fp.isNegative", "Bool", q.b);
  const sign = op === "<" || op === "<=" ? negative : not(negative);
  return op === "<" || op === ">" ? and(notNaN, not(inf), sign) : and(notNaN, or(inf, sign));
}

/** The value of an integer literal term (`5`, `(- 5)`), else undefined. */
export function intLiteralValue(t: Term, v?: IntVal): bigint | undefined {
  // An integer whose static interval is one value is that value (`0 + 0`, a constant folded by hand).
  if (v !== undefined && v.lo !== undefined && v.lo === v.hi && !v.mayBeInfinite) return v.lo;
  if (t.kind === "lit" && t.sort === "Int") return BigInt(t.text);
  if (t.kind === "app" && t.op === "-" && t.args.length === 1 && t.args[0]?.kind === "lit" && t.args[0].sort === "Int") return -BigInt(t.args[0].text);
  return undefined;
}

/**
 * A double against an integer literal k with |k| <= 2^53: k is a double exactly, so the IEEE
 * comparison with it is the JavaScript one (NaN false; -0 and +0 equal), with no conversion.
 */
function fpCompareLiteral(op: "<" | "<=" | ">" | ">=", x: Term, k: bigint): Term {
  const quotient = k === 0n ? quotientByLiteral(x) : undefined;
  if (quotient !== undefined) return quotientAgainstZero(op, quotient);
  const name = op === "<" ? "fp.lt" : op === "<=" ? "fp.leq" : op === ">" ? "fp.gt" : "fp.geq";
  return app(name, "Bool", x, fpLit(Number(k)));
}

/**
 * A double x against an integer n of the given range without real arithmetic (z3 decides
 * fp.to_real mixed with integers very slowly — issue 12): NaN compares false; x < low
 * (including -Infinity) is below n, x >= high (including +Infinity) above it; in between, for an
 * integer n: x < n ⇔ floor(x) < n, x <= n ⇔ ceil(x) <= n, x > n ⇔ ceil(x) > n,
 * x >= n ⇔ floor(x) >= n, with ceil(x) = floor(x) + (x integral ? 0 : 1). -0 floors to 0,
 * which it equals.
 */
function rangeCompare(op: "<" | "<=" | ">" | ">=", x: Term, n: Term, range: IntRange): Term {
  const under = app("fp.lt", "Bool", x, fpLit(range.low));
  const over = app("fp.geq", "Bool", x, fpLit(range.high));
  const floor = floorInt(x);
  // x <= n ⇔ ⌈x⌉ <= n, and ⌈x⌉ is ⌊x⌋ for an integral x, ⌊x⌋ + 1 otherwise (likewise x > n).
  const middle = op === "<" || op === ">=" ? app(op, "Bool", floor, n) : ite(integralTerm(x), app(op, "Bool", floor, n), app(op === "<=" ? "<" : ">=", "Bool", floor, n));
  const below = op === "<" || op === "<=";
  const outside = below ? under : over;
  const excluded = below ? over : under;
  return and(not(app("fp.isNaN", "Bool", x)), or(outside, and(not(excluded), middle)));
}

const safeInteger = (n: Term): Term => and(le(intLit(-TWO_53), n), le(n, intLit(TWO_53)));

/** x as `y ± c` for an integer literal c with |c| <= 2^32 (y + c, c + y, y − c), else undefined. */
function shiftedParts(x: Term): { readonly y: Term; readonly c: bigint } | undefined {
  if (x.kind !== "app" || (x.op !== "fp.add" && x.op !== "fp.sub") || x.args.length !== 3) return undefined;
  const [, a, b] = x.args as [Term, Term, Term];
  const literal = (t: Term): bigint | undefined => {
    const v = fpLitValue(t);
    return v !== undefined && Number.isInteger(v) && Math.abs(v) <= 2 ** 32 ? BigInt(v) : undefined;
  };
  const cb = literal(b);
  const ca = x.op === "fp.add" ? literal(a) : undefined;
  if (cb !== undefined) return { y: a, c: x.op === "fp.add" ? cb : -cb };
  return ca !== undefined ? { y: b, c: ca } : undefined;
}

/** −2^52 <= y < 2^52: where shiftedFloorFacts hold. */
const withinShiftRange = (y: Term): Term => and(app("fp.leq", "Bool", fpLit(-(2 ** 52)), y), app("fp.lt", "Bool", y, fpLit(2 ** 52)));

/** For x = y ± c (shiftedParts): −2^52 <= y < 2^52, the condition of shiftedFloorFacts; else undefined. */
export function shiftedOperandRange(x: Term): Term | undefined {
  const parts = shiftedParts(x);
  return parts === undefined ? undefined : withinShiftRange(parts.y);
}

/**
 * Facts on ⌊y ± c⌋ for a double y and an integer literal c with |c| <= 2^32 (`new Array(n + 1)`):
 * y lies in [⌊y⌋, ⌊y⌋ + 1), so the real sum lies in [⌊y⌋ + c, ⌊y⌋ + c + 1); both ends are doubles
 * exactly when |y| < 2^52, and rounding is monotone, so the rounded sum, and its floor, lie in
 * [⌊y⌋ + c, ⌊y⌋ + c + 1]. Implied by IEEE semantics (stated so that z3 need not bit-blast the
 * addition to find them); undefined for other terms.
 */
export function shiftedFloorFacts(x: Term): Term | undefined {
  const parts = shiftedParts(x);
  if (parts === undefined) return undefined;
  const low = app("+", "Int", floorInt(parts.y), intLit(parts.c));
  return implies(withinShiftRange(parts.y), and(le(low, floorInt(x)), le(floorInt(x), app("+", "Int", low, intLit(1n)))));
}

/**
 * shiftedFloorFacts of an x = y ± c known to lie in [0, 2^32] (an array length), with their
 * condition stated as a fact: −2^52 <= y < 2^52 holds there. Rounding is monotone: y >= 2^52
 * (+Infinity included) would make the rounded sum at least 2^52 − 2^32 (a double), above 2^32;
 * y < −2^52 would make it at most −2^52 + 2^32, below 0; a NaN y makes the sum NaN. Stated, it
 * spares z3 deriving y's range from the sum's through a 64-bit adder (coin-change's `dp[a]`, with
 * `Array(amount + 1)`: 7–36 s to unsat with the condition left to z3, 1–3 s with it stated).
 */
export function shiftedLengthFacts(x: Term): Term | undefined {
  const range = shiftedOperandRange(x);
  return range === undefined ? undefined : and(range, shiftedFloorFacts(x)!);
}

/** x === n for an integer n in the range: x in [low, high), integral, with ⌊x⌋ = n (false for NaN; -0 equals 0). */
function equalsInRange(x: Term, n: Term, range: IntRange): Term {
  return and(not(app("fp.isNaN", "Bool", x)), not(app("fp.lt", "Bool", x, fpLit(range.low))), app("fp.lt", "Bool", x, fpLit(range.high)), integralTerm(x), eq(floorInt(x), n));
}

/** `===` on numbers: NaN is unequal to itself, +0 equals -0. */
export function numEquals(st: State, a: NumVal, b: NumVal): Term {
  if (a.k === "int" && b.k === "int") return eq(a.t, b.t);
  const pair = a.k === "num" && b.k === "int" && !b.mayBeInfinite ? { x: a.t, n: b } : a.k === "int" && b.k === "num" && !a.mayBeInfinite ? { x: b.t, n: a } : undefined;
  if (pair !== undefined) {
    const { x, n: nv } = pair;
    const literal = intLiteralValue(nv.t, nv);
    const quotient = literal === 0n ? quotientByLiteral(x) : undefined;
    if (quotient !== undefined) return quotientAgainstZero("===", quotient);
    if (literal !== undefined && literal >= -TWO_53 && literal <= TWO_53) return app("fp.eq", "Bool", x, fpLit(Number(literal)));
    // x === n ⇔ x is integral with ⌊x⌋ = n (false for NaN); through reals beyond 2^53.
    const range = intRange(nv);
    if (range !== undefined) return equalsInRange(x, nv.t, range);
    const n = nv.t;
    return ite(safeInteger(n), equalsInRange(x, n, SAFE), and(not(app("fp.isNaN", "Bool", x)), not(app("fp.isInfinite", "Bool", x)), eq(app("fp.to_real", "Real", x), app("to_real", "Real", n))));
  }
  return app("fp.eq", "Bool", toFP(st, a), toFP(st, b));
}

export function isNaNTerm(v: NumVal): Term {
  return v.k === "int" ? { kind: "lit", text: "false", sort: "Bool" } : app("fp.isNaN", "Bool", v.t);
}

export function isFiniteTerm(v: NumVal): Term {
  if (v.k === "int" && v.mayBeInfinite) return freshConst("Bool", "finiteness of a value that may be Infinity");
  return v.k === "int" ? { kind: "lit", text: "true", sort: "Bool" } : and(not(app("fp.isNaN", "Bool", v.t)), not(app("fp.isInfinite", "Bool", v.t)));
}

export function isIntegralTerm(v: NumVal): Term {
  if (v.k === "int" && v.mayBeInfinite) return freshConst("Bool", "integrality of a value that may be Infinity");
  if (v.k === "int") return { kind: "lit", text: "true", sort: "Bool" };
  // Math.floor/ceil/trunc results: a finite roundToIntegral is integral by definition, so only
  // finiteness is left (z3 is very slow at re-deriving that through nested roundings — audit C).
  if (v.t.kind === "app" && v.t.op === "fp.roundToIntegral") return isFiniteTerm(v);
  return and(isFiniteTerm(v), integralTerm(v.t));
}

export function truthyNumber(v: NumVal): Term {
  return v.k === "int" ? not(eq(v.t, intLit(0))) : not(or(app("fp.isZero", "Bool", v.t), app("fp.isNaN", "Bool", v.t)));
}

export function mathRound(fn: "floor" | "ceil" | "trunc", v: NumVal): NumVal {
  if (v.k === "int") return v;
  const mode = fn === "floor" ? RTN : fn === "ceil" ? RTP : RTZ;
  return { k: "num", t: app("fp.roundToIntegral", "FP", mode, v.t) };
}

/** Math.floor(a / b) for an integer a with |a| ≤ 2^53 and a positive integer literal b equals floor division (the quotient cannot round up to the next integer below 2^53). */
export function floorDiv(st: State, a: IntVal, divisor: bigint): Val {
  if (a.mayBeInfinite) return { k: "opaque", why: "division of a value that may be Infinity" };
  if (!within(a, -TWO_53, TWO_53)) st.pushExact(and(le(intLit(-TWO_53), a.t), le(a.t, intLit(TWO_53))));
  const lo = a.lo === undefined ? undefined : floorBig(a.lo, divisor);
  const hi = a.hi === undefined ? undefined : floorBig(a.hi, divisor);
  // Math.floor(-0 / k) is -0; a negative dividend never floors to zero, but stay conservative.
  return { k: "int", t: app("div", "Int", a.t, intLit(divisor)), lo, hi, negZero: a.lo === undefined || a.lo < 0n || Boolean(a.negZero) };
}

/**
 * Math.floor(a / d) for an integer 0 <= a <= 2^53 (static interval) and a double literal d >= 1:
 * an integer r with 0 <= r <= a, stated without floating point (comb sort's `gap / 1.3`, issue
 * 12). Division rounds monotonically and 0 and a are doubles, so 0 <= fl(a / d) <= a. Also
 * r >= 1 when a >= d (then a / d >= 1, a double). When d >= 1 + 2^-40, a / d < a - a·2^-53 for
 * a >= 1, which lies below the midpoint between a and the double before it, so fl(a / d) < a and
 * r <= a - 1. The result has the sign of a: -0 only when a may be -0. Undefined otherwise.
 */
export function floorDivByDouble(st: State, a: IntVal, d: number): IntVal | undefined {
  if (a.mayBeInfinite || a.lo === undefined || a.hi === undefined || a.lo < 0n || a.hi > TWO_53) return undefined;
  if (!Number.isFinite(d) || d < 1) return undefined;
  const r = exactConst("Int", `Math.floor(… / ${d})`);
  const facts: Term[] = [le(intLit(0), r), le(r, a.t), implies(le(intLit(BigInt(Math.ceil(d))), a.t), le(intLit(1), r))];
  if (d >= 1 + 2 ** -40) facts.push(implies(le(intLit(1), a.t), le(r, app("-", "Int", a.t, intLit(1)))));
  st.assume(and(...facts));
  return { k: "int", t: r, lo: 0n, hi: a.hi, negZero: Boolean(a.negZero) };
}

const floorBig = (a: bigint, b: bigint): bigint => (a >= 0n ? a / b : -((-a + b - 1n) / b));

export function mathAbs(v: NumVal): NumVal {
  if (v.k === "num") return { k: "num", t: app("fp.abs", "FP", v.t) };
  const lo = v.lo !== undefined && v.hi !== undefined ? (v.lo >= 0n ? v.lo : v.hi <= 0n ? -v.hi : 0n) : 0n;
  const hi = v.lo !== undefined && v.hi !== undefined ? maxBig(absBig(v.lo), absBig(v.hi)) : undefined;
  return { k: "int", t: ite(lt(v.t, intLit(0)), app("-", "Int", v.t), v.t), lo, hi };
}

/** Math.min / Math.max: NaN if either is NaN; -0 is below +0. */
export function mathMinMax(st: State, fn: "min" | "max", a: NumVal, b: NumVal): NumVal {
  if (a.k === "int" && b.k === "int") {
    const pick = fn === "min" ? le(a.t, b.t) : le(b.t, a.t);
    const lo = a.lo !== undefined && b.lo !== undefined ? (fn === "min" ? (a.lo < b.lo ? a.lo : b.lo) : maxBig(a.lo, b.lo)) : fn === "max" ? (a.lo ?? b.lo) : undefined;
    const hi = a.hi !== undefined && b.hi !== undefined ? (fn === "max" ? maxBig(a.hi, b.hi) : a.hi < b.hi ? a.hi : b.hi) : fn === "min" ? (a.hi ?? b.hi) : undefined;
    return { k: "int", t: ite(pick, a.t, b.t), lo, hi, negZero: Boolean(a.negZero || b.negZero) };
  }
  const x = toFP(st, a);
  const y = toFP(st, b);
  const nan = or(app("fp.isNaN", "Bool", x), app("fp.isNaN", "Bool", y));
  const bothZero = and(app("fp.isZero", "Bool", x), app("fp.isZero", "Bool", y));
  const zeroPick = fn === "min" ? ite(app("fp.isNegative", "Bool", x), x, y) : ite(app("fp.isPositive", "Bool", x), x, y);
  const pick = fn === "min" ? ite(app("fp.leq", "Bool", x, y), x, y) : ite(app("fp.leq", "Bool", y, x), x, y);
  return { k: "num", t: ite(nan, fpLit(Number.NaN), ite(bothZero, zeroPick, pick)) };
}

/** ToInt32 (the `|0`, `>>`, `<<`, `&`, `|`, `^` conversion): NaN and ±Infinity give 0, else truncate and wrap modulo 2^32. */
export function toInt32(v: NumVal): IntVal {
  // ToInt32(±Infinity) is 0: for a value that may be infinite, any int32 (unconstrained, sound).
  if (v.k === "int" && v.mayBeInfinite) return { k: "int", t: freshConst("Int", "ToInt32 of a value that may be Infinity") };
  if (v.k === "int") {
    if (within(v, -TWO_31, TWO_31 - 1n)) return { k: "int", t: v.t, lo: v.lo, hi: v.hi };
    const m = app("mod", "Int", v.t, intLit(TWO_32));
    return { k: "int", t: ite(le(intLit(TWO_31), m), app("-", "Int", m, intLit(TWO_32)), m), lo: -TWO_31, hi: TWO_31 - 1n };
  }
  return toInt32({ k: "int", t: fpToTruncatedInt(v.t) });
}

export function toUint32(v: NumVal): IntVal {
  if (v.k === "int" && v.mayBeInfinite) return { k: "int", t: freshConst("Int", "ToUint32 of a value that may be Infinity") };
  if (v.k === "int") {
    if (within(v, 0n, TWO_32 - 1n)) return { k: "int", t: v.t, lo: v.lo, hi: v.hi };
    return { k: "int", t: app("mod", "Int", v.t, intLit(TWO_32)), lo: 0n, hi: TWO_32 - 1n };
  }
  return toUint32({ k: "int", t: fpToTruncatedInt(v.t) });
}

function fpToTruncatedInt(x: Term): Term {
  const real = app("fp.to_real", "Real", x);
  const trunc = ite(app(">=", "Bool", real, { kind: "lit", text: "0.0", sort: "Real" }), app("to_int", "Int", real), app("-", "Int", app("to_int", "Int", app("-", "Real", real))));
  return ite(or(app("fp.isNaN", "Bool", x), app("fp.isInfinite", "Bool", x)), intLit(0), trunc);
}

export function shift(op: ">>" | ">>>" | "<<", a: NumVal, b: NumVal): IntVal | undefined {
  if (b.k !== "int" || b.lo === undefined || b.lo !== b.hi) return undefined;
  const k = Number(((b.lo % 32n) + 32n) % 32n);
  const factor = 1n << BigInt(k);
  if (op === ">>") {
    const x = toInt32(a);
    if (k === 0) return x;
    return { k: "int", t: app("div", "Int", x.t, intLit(factor)), lo: floorBig(x.lo ?? -TWO_31, factor), hi: floorBig(x.hi ?? TWO_31 - 1n, factor) };
  }
  if (op === ">>>") {
    const x = toUint32(a);
    if (k === 0) return x;
    return { k: "int", t: app("div", "Int", x.t, intLit(factor)), lo: (x.lo ?? 0n) / factor, hi: (x.hi ?? TWO_32 - 1n) / factor };
  }
  const x = toUint32(a);
  return toInt32({ k: "int", t: app("mod", "Int", app("*", "Int", x.t, intLit(factor)), intLit(TWO_32)), lo: 0n, hi: TWO_32 - 1n });
}

/** `&`, `|`, `^` through 32-bit vectors; the result is the signed 32-bit value. */
export function bitwise(op: "&" | "|" | "^", a: NumVal, b: NumVal): IntVal {
  const x = app("(_ int2bv 32)", "Int", toInt32(a).t);
  const y = app("(_ int2bv 32)", "Int", toInt32(b).t);
  const r = app("bv2nat", "Int", app(op === "&" ? "bvand" : op === "|" ? "bvor" : "bvxor", "Int", x, y));
  const signed = ite(le(intLit(TWO_31), r), app("-", "Int", r, intLit(TWO_32)), r);
  // x & m with 0 <= m < 2^31 (after ToInt32, which leaves such m unchanged) lies in [0, m].
  const mask = [a, b].find((v): v is IntVal => v.k === "int" && within(v, 0n, TWO_31 - 1n));
  if (op === "&" && mask?.hi !== undefined) return { k: "int", t: signed, lo: 0n, hi: mask.hi };
  return { k: "int", t: signed, lo: -TWO_31, hi: TWO_31 - 1n };
}

export function bitNot(a: NumVal): IntVal {
  const x = toInt32(a);
  return { k: "int", t: app("-", "Int", app("-", "Int", x.t), intLit(1)), lo: -TWO_31, hi: TWO_31 - 1n };
}

export function asNumVal(v: Val): NumVal | undefined {
  return v.k === "int" || v.k === "num" ? v : undefined;
}

export function fpNaN(): NumVal {
  return { k: "num", t: fpLit(Number.NaN) };
}
