import type { ts } from "ts-morph";
import { where, type ExecCtx } from "./context.js";
import { boundsKey } from "./exec-bounds.js";
import { asNumVal } from "./numbers.js";
import type { State } from "./state.js";
import { and, app, eq, intLit, ite, le, lt } from "./terms.js";
import { MAX_ARRAY_LENGTH, type Val } from "./values.js";

/**
 * `a[i] = v` on a plain Array the function built itself (not shared: no parameter, nothing that
 * escaped, no element of another array — so no Proxy, subclass, accessor or frozen object can be
 * behind it) with an integer index: writing at `i === a.length` is legal JavaScript that appends
 * (the length becomes i + 1), so the obligation is 0 <= i <= a.length (and i below 2^32 - 1, the
 * largest array index) and the new length is `i === len ? len + 1 : len`. Writes past the end
 * (holes) stay violations. The caller stores the element as for any write (elements.ts). Not
 * for a row of an array of rows (rows.ts), whose length must not change — except one built row
 * by row (per-row lengths, rows.ts storeRow). Returns false when the write is not of that kind
 * (the caller then requires the ordinary bounds).
 */
export function appendingWrite(ctx: ExecCtx, site: ts.ElementAccessExpression, recv: Val, index: Val, st: State): boolean {
  // A row of an array of rows (rows.ts) keeps its length (writes to it need 0 <= i < length),
  // unless its array records per-row lengths and this reference is the row at a known index:
  // the new length is recorded there (State.rowsTouched).
  if (recv.k !== "arr" || recv.cls !== "Array" || st.shared.has(recv.ref)) return false;
  const of = st.rowOf.get(recv.ref);
  if (of !== undefined && (st.rows.get(of)?.lens === undefined || !st.rowIndex.has(recv.ref))) return false;
  const n = asNumVal(index);
  if (n?.k !== "int") return false;
  const len = st.lengthOf(recv.ref);
  const goal = and(le(intLit(0), n.t), le(n.t, len), lt(n.t, intLit(MAX_ARRAY_LENGTH)));
  const key = boundsKey(ctx, site);
  const idx = site.argumentExpression.getText(ctx.sf);
  const description = `0 <= ${idx} <= ${site.expression.getText(ctx.sf)}.length (at the length: an append) and ${idx} integral at ${site.getText(ctx.sf)}`;
  ctx.sink.add(key, st.pc, st.guarded(goal), description);
  st.assume(goal);
  // The elements below the old length stay what they were (the caller then stores the one
  // written, at i <= the old length, so no hole appears): the array is held nowhere else, so
  // no alias needs forgetting either.
  const before = st.contents.get(recv.ref);
  st.lengthChanged(recv.ref, ite(eq(n.t, len), app("+", "Int", len, intLit(1)), len), `the array appended to at ${where(ctx, site)}`);
  if (before !== undefined) st.contents.set(recv.ref, before);
  else st.contents.delete(recv.ref);
  return true;
}
