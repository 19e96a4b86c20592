import { ts } from "ts-morph";
import { where, type ExecCtx } from "./context.js";
import { assignTo, evalExpr, writeElement } from "./exec-expr.js";
import { Abort } from "./sink.js";
import type { State } from "./state.js";
import type { Val } from "./values.js";

/**
 * Array destructuring assignment with an array literal on the right, `[a[i], a[j]] = [a[j], a[i]]`
 * or `[x, y] = [y, x % y]`: a parallel assignment. JavaScript evaluates the right side first
 * (every element, left to right, into a fresh Array), then for each target left to right
 * evaluates its reference (receiver, then index) and stores the next value of the fresh
 * array's iterator — the built-in array iterator, which the sandbox's lockdown freezes, so it
 * yields exactly the evaluated elements. Only targets that are plain names, element accesses or
 * property accesses, as many as the right side has elements, without holes, rest, defaults or
 * spreads, are modelled; anything else stays unmodelled (the path stops).
 */
export function parallelAssignment(ctx: ExecCtx, node: ts.BinaryExpression, st: State): Val {
  const left = node.left as ts.ArrayLiteralExpression;
  const right = unwrap(node.right);
  if (!ts.isArrayLiteralExpression(right)) throw new Abort(node, `destructuring assignment from a non-literal at ${where(ctx, node)} is not modelled`);
  if (left.elements.length !== right.elements.length) throw new Abort(node, `destructuring assignment of ${left.elements.length} targets from ${right.elements.length} values at ${where(ctx, node)} is not modelled`);
  for (const e of [...left.elements, ...right.elements]) {
    if (ts.isSpreadElement(e) || ts.isOmittedExpression(e)) throw new Abort(node, `destructuring with holes or spread at ${where(ctx, node)} is not modelled`);
  }
  for (const t of left.elements) {
    const target = unwrap(t);
    if (!ts.isIdentifier(target) && !ts.isElementAccessExpression(target) && !ts.isPropertyAccessExpression(target)) {
      throw new Abort(node, `destructuring target ${t.getText(ctx.sf)} at ${where(ctx, node)} is not modelled`);
    }
  }
  // The right side's value is a fresh array nobody else can reach; evaluating it is all that matters.
  const values = right.elements.map((e) => evalExpr(ctx, e, st));
  left.elements.forEach((t, i) => {
    const target = unwrap(t);
    const v = values[i]!;
    if (ts.isElementAccessExpression(target)) {
      const recv = evalExpr(ctx, target.expression, st);
      const index = evalExpr(ctx, target.argumentExpression, st);
      writeElement(ctx, target, recv, index, v, st);
    } else assignTo(ctx, target, v, st);
  });
  return { k: "opaque", why: `the array of a destructuring assignment at ${where(ctx, node)}` };
}

function unwrap(e: ts.Expression): ts.Expression {
  let t = e;
  while (ts.isParenthesizedExpression(t)) t = t.expression;
  return t;
}
