import { ts } from "ts-morph";
import type { ExecCtx } from "./context.js";
import { isBuiltinIdentifier } from "./builtins.js";
import { evalExpr } from "./exec-expr.js";
import { asNumVal } from "./numbers.js";
import type { State } from "./state.js";
import { abstractConst, and, implies, intLit, le, lt } from "./terms.js";
import { TWO_53, type Val } from "./values.js";

/**
 * Two `Math.floor` idioms whose floating-point encoding times out, stated as the integer facts
 * that IEEE-754 guarantees (no float reasoning left for the solver):
 *
 * `Math.floor(Math.random() * e)` (or `e * Math.random()`) for an integer e with 1 <= e < 2^53:
 * an integer j with 0 <= j < e. Math.random() is a double r in [0, 1); r * e rounded to nearest
 * is below e — the gap between e and the double next below it is at most 2·e·2^-53, so
 * e - e·r >= e·2^-53 rounds down unless e is a power of two, where e - e·2^-53 is itself that
 * double — and at least 0. When e may be outside [1, 2^53) the result is NaN, 0 or a huge
 * value, so the fact is stated only under that condition (and the value is not an exact constant).
 *
 * `Math.floor(Math.sqrt(x))` for an integer x statically known to be >= 0 and <= 2^53: an integer
 * s with 0 <= s <= x, s >= 1 when x >= 1, and s <= 94906266 (sqrt(2^53) < 94906266). Correctly
 * rounded sqrt is monotone and sqrt(x) <= x for x >= 1 (x is a double, so the rounding stays <= x),
 * and sqrt(1) = 1.
 *
 * Returns undefined when the call is not one of these shapes (the caller's general model applies).
 */
export function floorIdiom(ctx: ExecCtx, arg: ts.Expression, st: State): Val | undefined {
  const e = unwrap(arg);
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.AsteriskToken) {
    const leftRandom = isCallOf(ctx, e.left, "random");
    const rightRandom = isCallOf(ctx, e.right, "random");
    if (leftRandom === rightRandom) return undefined;
    // Evaluation order: left operand first (Math.random() has no effect the model tracks).
    const other = leftRandom ? e.right : e.left;
    const n = asNumVal(evalExpr(ctx, other, st));
    // Evaluated already: from here on, never hand back to the general model (no second evaluation).
    if (n?.k !== "int" || n.mayBeInfinite) return anyDouble(`Math.floor(Math.random() * ${other.getText(ctx.sf)})`);
    const j = abstractConst("Int", `Math.floor(Math.random() * ${other.getText(ctx.sf)})`);
    st.assume(implies(and(le(intLit(1), n.t), lt(n.t, intLit(TWO_53))), and(le(intLit(0), j), lt(j, n.t))));
    // An integral double always (e is a finite integer); -0 when e is negative and the random value 0.
    return { k: "int", t: j, negZero: n.lo === undefined || n.lo < 0n };
  }
  if (ts.isCallExpression(e) && isCallOf(ctx, e, "sqrt") && e.arguments.length === 1) {
    const x = asNumVal(evalExpr(ctx, e.arguments[0]!, st));
    const text = `Math.floor(Math.sqrt(${e.arguments[0]!.getText(ctx.sf)}))`;
    if (x?.k !== "int" || x.mayBeInfinite || x.lo === undefined || x.lo < 0n || x.hi === undefined || x.hi > TWO_53) return anyDouble(text);
    const s = abstractConst("Int", text);
    st.assume(and(le(intLit(0), s), le(s, x.t), implies(le(intLit(1), x.t), le(intLit(1), s)), le(s, intLit(94906266n))));
    return { k: "int", t: s, lo: 0n, hi: 94906266n, negZero: Boolean(x.negZero) };
  }
  return undefined;
}

/** Any double at all (NaN and infinities included): the sound fallback once the operand was evaluated. */
function anyDouble(source: string): Val {
  return { k: "num", t: abstractConst("FP", source) };
}

function isCallOf(ctx: ExecCtx, n: ts.Expression, method: "random" | "sqrt"): boolean {
  const e = unwrap(n);
  if (!ts.isCallExpression(e) || !ts.isPropertyAccessExpression(e.expression)) return false;
  const recv = e.expression.expression;
  return ts.isIdentifier(recv) && recv.text === "Math" && e.expression.name.text === method && isBuiltinIdentifier(ctx, recv) && (method === "sqrt" || e.arguments.length === 0);
}

function unwrap(e: ts.Expression): ts.Expression {
  let t = e;
  while (ts.isParenthesizedExpression(t)) t = t.expression;
  return t;
}
