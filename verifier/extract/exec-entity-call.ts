import { ts } from "ts-morph";
import { where, type CalleeInfo, type ExecCtx } from "./context.js";
import { asAssumption, asGoal, clauseTerm } from "./contract-eval.js";
import { escape, evalExpr, newArray } from "./exec-expr.js";
import type { SiteKey } from "./sink.js";
import type { State } from "./state.js";
import { abstractConst } from "./terms.js";
import type { Val } from "./values.js";

/**
 * A call to another Function entity, modularly: each of its preconditions is an obligation at
 * this call site; afterwards its postconditions are assumed about a fresh result (they are
 * that entity's own obligations). Arrays passed in may change length inside the callee.
 */
export function entityCall(ctx: ExecCtx, node: ts.CallExpression, info: CalleeInfo, st: State): Val {
  const vals = node.arguments.map((a) => evalExpr(ctx, a, st));
  const names = new Map<string, Val>();
  info.paramNames.forEach((name, i) => names.set(name, vals[i] ?? { k: "undef" }));
  const count = info.preconditions.length;
  info.preconditions.forEach((clause, i) => {
    const site: SiteKey = {
      kind: "precondition",
      start: node.getStart(ctx.sf),
      end: node.getEnd(),
      clauseIndex: i + 1,
      clauseCount: count,
      clause: clause.text,
      description: `precondition of ${info.name}: ${clause.text} at ${where(ctx, node)}`,
    };
    if (clause.kind === "informal") return;
    const c = clauseTerm(clause.expr, { names, current: st, entry: st });
    if (!c.ok) {
      ctx.sink.unsupported(site, c.reason);
      return;
    }
    for (const d of c.defs) st.assume(d);
    ctx.sink.add(site, st.pc, st.guarded(asGoal(c)));
    for (const e of st.exactAt) ctx.sink.add(site, e.pc, e.cond);
    st.assume(c.term);
  });
  const before = st.clone();
  // The callee's body can do whatever an unknown call can: change the length of any array it
  // can reach (its arguments, arrays it saved in module state earlier, anything shared) and
  // detach typed arrays (length 0). Its postconditions win precision back below.
  // An argument the callee keeps plain (provenance.ts) stays modelled; any other array may come back exotic.
  vals.forEach((v, i) => {
    if (v.k === "arr" && info.keepsPlain?.[i] === true) st.shared.add(v.ref);
    else escape(v, st);
  });
  st.havocShared(`array lengths after the call to ${info.name} at ${where(ctx, node)}`);
  const result = freshResult(ctx, node, info, st);
  for (const clause of info.postconditions) {
    if (clause.kind === "informal") continue;
    const c = clauseTerm(clause.expr, { names, result, current: st, entry: before });
    if (c.ok) st.assume(asAssumption(c));
  }
  return result;
}

function freshResult(ctx: ExecCtx, node: ts.CallExpression, info: CalleeInfo, st: State): Val {
  const source = `result of ${info.name} at ${where(ctx, node)}`;
  const shape = info.returnShape;
  if (!shape) return { k: "opaque", why: source };
  switch (shape.k) {
    case "number":
      // The callee may return a hole of an array it reads (`return a[0]` type-checks as number).
      return { k: "num", t: abstractConst("FP", source), hole: true };
    case "string":
      return { k: "str", t: abstractConst("String", source) };
    case "boolean":
      return { k: "bool", t: abstractConst("Bool", source) };
    case "array": {
      const arr = newArray(ctx, st, shape.cls, undefined, undefined, source);
      // The callee may return an array it built any way it likes (a Proxy, a subclass): not modelled.
      if (arr.k === "arr") escape(arr, st);
      return arr.k === "arr" ? { ...arr, elem: shape.elem } : arr;
    }
  }
}

export { ts };
