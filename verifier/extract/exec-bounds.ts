import { ts } from "ts-morph";
import type { ExecCtx } from "./context.js";
import { readContents } from "./elements.js";
import { asNumVal, compare, isIntegralTerm } from "./numbers.js";
import { bounded, newRefId, strLen, type State } from "./state.js";
import type { SiteKey } from "./sink.js";
import { and, app, freshConst, intLit, le, lt, type Term } from "./terms.js";
import { MAX_ARRAY_LENGTH, MAX_TYPED_ARRAY_LENGTH, TYPED_ARRAY_ELEMS, type ElemType, type Val } from "./values.js";

/**
 * The bounds obligation of one element access: 0 <= index < length and the index integral.
 * It is recorded with the path condition, then assumed for the rest of the path: the runtime
 * checks every bounds obligation that is not proved, so execution only continues past this
 * site when it held.
 */
export function requireBounds(ctx: ExecCtx, site: ts.Node, recv: Val, index: Val, st: State): void {
  const key = boundsKey(ctx, site);
  if (recv.k !== "arr" && recv.k !== "str") {
    ctx.sink.unsupported(key, `the array is ${recv.k === "opaque" ? recv.why : "not modelled"}`);
    return;
  }
  const len = recv.k === "arr" ? st.lengthOf(recv.ref) : strLen(recv.t);
  const goal = inBounds(st, index, len);
  if (goal === undefined) {
    ctx.sink.unsupported(key, `index is ${index.k === "opaque" ? index.why : `a ${index.k} value`}`);
    return;
  }
  ctx.sink.add(key, st.pc, st.guarded(goal));
  for (const e of st.exactAt) ctx.sink.add(key, e.pc, e.cond);
  st.assume(goal);
}

export function inBounds(st: State, index: Val, len: Term): Term | undefined {
  const n = asNumVal(index);
  if (n === undefined) return undefined;
  if (n.k === "int") return and(le(intLit(0), n.t), lt(n.t, len));
  // -0 is index 0 (ToPropertyKey(-0) is "0"), whose real value 0 passes 0 <= x.
  // Every length is at most 2^32 (values.ts engine limits; a fact wherever a length arises).
  return and(isIntegralTerm(n), compare(st, "<=", { k: "int", t: intLit(0) }, n), compare(st, "<", n, { k: "int", t: len, lo: 0n, hi: MAX_TYPED_ARRAY_LENGTH }));
}

export function boundsKey(ctx: ExecCtx, site: ts.Node): SiteKey {
  return { kind: "bounds", start: site.getStart(ctx.sf), end: site.getEnd(), description: boundsDescription(ctx, site) };
}

export function boundsDescription(ctx: ExecCtx | { sf: ts.SourceFile }, site: ts.Node): string {
  const sf = ctx.sf;
  if (ts.isElementAccessExpression(site)) {
    const recv = site.expression.getText(sf);
    const idx = site.argumentExpression.getText(sf);
    return `0 <= ${idx} < ${recv}.length and ${idx} integral at ${site.getText(sf)}`;
  }
  if (ts.isCallExpression(site) && ts.isPropertyAccessExpression(site.expression)) {
    const recv = site.expression.expression.getText(sf);
    const idx = site.arguments[0]?.getText(sf) ?? "0";
    return `0 <= ${idx} < ${recv}.length and ${idx} integral at ${site.getText(sf)}`;
  }
  return `index in bounds at ${site.getText(sf)}`;
}

/** The value of an in-bounds element: from the array's contents (elements.ts) at an integer index, else unknown of the element type. */
export function elementValue(recv: Extract<Val, { k: "arr" | "str" }>, st: State, index?: Val): Val {
  if (recv.k === "arr" && index !== undefined) {
    const known = readContents(st, recv, index);
    if (known !== undefined) return known;
  }
  if (recv.k === "str") {
    const c = freshConst("String", "a character");
    st.assume(app("=", "Bool", strLen(c), intLit(1)));
    return { k: "str", t: c };
  }
  return valueOfElem(recv.elem, st, recv.cls);
}

export function valueOfElem(elem: ElemType, st: State, cls: string): Val {
  switch (elem.k) {
    case "num":
      // Float typed arrays have no holes; a plain Array's element may be one (undefined).
      return { k: "num", t: freshConst("FP", `an element of a ${cls}`), hole: cls === "Array" };
    case "int": {
      const c = freshConst("Int", `an element of a ${cls}`);
      st.assume(bounded(c, elem.lo, elem.hi));
      return { k: "int", t: c, lo: elem.lo, hi: elem.hi };
    }
    case "str": {
      const c = freshConst("String", `an element of a ${cls}`);
      st.assume(bounded(strLen(c), 0n, 536870888n));
      return { k: "str", t: c };
    }
    case "bool":
      return { k: "bool", t: freshConst("Bool", `an element of a ${cls}`) };
    case "arr": {
      // A nested array may be any array, including one we already hold: shared, unknown length.
      const ref = newRefId();
      st.refClass.set(ref, elem.cls);
      st.shared.add(ref);
      // Only the host's rebuild makes nested arrays plain; module code may have stored anything there.
      st.exotic.add(ref);
      st.havocLength(ref, `length of an element of a ${cls}`);
      return { k: "arr", ref, cls: elem.cls, elem: elem.elem };
    }
    case "opaque":
      return { k: "opaque", why: elem.why };
  }
}

export { MAX_ARRAY_LENGTH, TYPED_ARRAY_ELEMS };
