import type { ClauseExpr } from "../../spec/contract/index.js";

/**
 * Number arrays that a precondition makes integral (issue 12): a top-level conjunct
 * `forall(i, 0, a.length, Number.isInteger(a[i]) && …)` (or Number.isSafeInteger; `len(a)` for
 * `a.length`), whose range is the whole array and whose body has the integrality test on `a[i]`
 * among its top-level conjuncts. On inputs that meet the preconditions every element of `a` is
 * then a finite integral double at entry, so the extractor may hold its elements as integers
 * (State.startIntegralView): `c - weights[i]` becomes integer arithmetic instead of IEEE
 * subtraction, floor and conversion circuits, which z3 bit-blasts slowly.
 *
 * Pure: the clauses' ASTs in, the arrays' names and their elements' literal bounds out.
 */
export interface ElementBounds {
  readonly lo?: bigint | undefined;
  readonly hi?: bigint | undefined;
}

/**
 * Each such array's name, with the bounds the same forall puts on every element by literal
 * comparisons among its body's top-level conjuncts (`a[i] >= 1`, `a[i] < 100`, `0 <= a[i]`):
 * the tightest integer interval they imply for an integer element.
 */
export function integralArrays(preconditions: readonly ClauseExpr[]): Map<string, ElementBounds> {
  const found = new Map<string, ElementBounds>();
  for (const clause of preconditions) {
    for (const c of conjuncts(clause)) {
      const match = integralForall(c);
      if (match === undefined) continue;
      const before = found.get(match.array) ?? {};
      found.set(match.array, tighter(before, match.bounds));
    }
  }
  return found;
}

function conjuncts(e: ClauseExpr): ClauseExpr[] {
  return e.tag === "bin" && e.op === "&&" ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

/** The array `a` of `forall(i, 0, a.length, … Number.isInteger(a[i]) …)` and its elements' bounds, else undefined. */
function integralForall(e: ClauseExpr): { array: string; bounds: ElementBounds } | undefined {
  if (e.tag !== "forall" || e.lo.tag !== "num" || !Object.is(e.lo.value, 0)) return undefined;
  if (e.hi.tag !== "len" || e.hi.of.tag !== "name") return undefined;
  const array = e.hi.of.name;
  // The bound variable must not be the array's own name (then `a[i]` would not be the array).
  if (array === e.variable) return undefined;
  const isElement = (x: ClauseExpr | undefined): boolean => x?.tag === "index" && x.of.tag === "name" && x.of.name === array && x.index.tag === "name" && x.index.name === e.variable;
  const parts = conjuncts(e.body);
  const tested = parts.some((c) => c.tag === "call" && (c.fn === "Number.isInteger" || c.fn === "Number.isSafeInteger") && isElement(c.args[0]));
  if (!tested) return undefined;
  let bounds: ElementBounds = {};
  for (const c of parts) {
    if (c.tag !== "bin") continue;
    // Element on the left: a[i] op n; on the right: n op a[i], read as a[i] (mirrored op) n.
    const [op, n] = isElement(c.left) && c.right.tag === "num" ? [c.op, c.right.value] : isElement(c.right) && c.left.tag === "num" ? [MIRROR[c.op], c.left.value] : [undefined, undefined];
    if (op === undefined || n === undefined) continue;
    const b = elementBound(op, n);
    if (b !== undefined) bounds = tighter(bounds, b);
  }
  // Number.isSafeInteger bounds the magnitude too.
  if (parts.some((c) => c.tag === "call" && c.fn === "Number.isSafeInteger" && isElement(c.args[0]))) bounds = tighter(bounds, { lo: -(2n ** 53n - 1n), hi: 2n ** 53n - 1n });
  return { array, bounds };
}

const MIRROR: Partial<Record<string, string>> = { "<": ">", "<=": ">=", ">": "<", ">=": "<=" };

/** The integer interval `x op n` gives an integer x, for a finite literal n within ±2^53. */
function elementBound(op: string, n: number): ElementBounds | undefined {
  if (!Number.isFinite(n) || Math.abs(n) > 2 ** 53) return undefined;
  switch (op) {
    case ">=":
      return { lo: BigInt(Math.ceil(n)) };
    case ">":
      return { lo: BigInt(Math.floor(n)) + 1n };
    case "<=":
      return { hi: BigInt(Math.floor(n)) };
    case "<":
      return { hi: BigInt(Math.ceil(n)) - 1n };
    default:
      return undefined;
  }
}

function tighter(a: ElementBounds, b: ElementBounds): ElementBounds {
  const lo = a.lo === undefined ? b.lo : b.lo === undefined ? a.lo : a.lo > b.lo ? a.lo : b.lo;
  const hi = a.hi === undefined ? b.hi : b.hi === undefined ? a.hi : a.hi < b.hi ? a.hi : b.hi;
  return { lo, hi };
}
