import { asNumVal, toFP } from "./numbers.js";
import { bounded, type State } from "./state.js";
import { app, intLit, le, type Term } from "./terms.js";
import type { Val } from "./values.js";

/**
 * Element values (issue 12): the elements of an array of numbers are an SMT array per version
 * (State.contents). A read at an integer index in bounds is `select` of the current version, so
 * two reads of one element with no change between them are equal and a value written is the
 * value read back. Typed integer arrays hold Ints in their class's range; Float64Array and plain
 * `number[]` hold doubles (a plain Array's element may be a hole: the value keeps its `hole`
 * flag). Float32Array and Uint8ClampedArray convert what they store in ways not modelled here:
 * a write makes their contents unknown.
 *
 * Only arrays the model reads (state.exotic excluded by the callers, through `modelled`) and
 * only element kinds int and num; everything else keeps a fresh value per read.
 */
export type ContentsSort = "IntArray" | "FPArray";

type Arr = Extract<Val, { k: "arr" }>;

export function contentsSort(recv: Arr): ContentsSort | undefined {
  if (recv.elem.k === "int") return "IntArray";
  if (recv.elem.k === "num") return "FPArray";
  return undefined;
}

/** The value of `recv[index]` for an in-bounds integer index, or undefined (then a fresh value is used). */
export function readContents(st: State, recv: Arr, index: Val): Val | undefined {
  const sort = contentsSort(recv);
  const i = asNumVal(index);
  if (sort === undefined || i?.k !== "int" || i.mayBeInfinite) return undefined;
  const view = integralElement(st, recv, i.t);
  if (view !== undefined) return view;
  const t = app("select", sort === "IntArray" ? "Int" : "FP", st.contentsOf(recv.ref, sort), i.t);
  if (recv.elem.k === "int") {
    st.assume(bounded(t, recv.elem.lo, recv.elem.hi));
    return { k: "int", t, lo: recv.elem.lo, hi: recv.elem.hi };
  }
  return { k: "num", t, hole: recv.cls === "Array" };
}

/**
 * `recv[index] = v` after its bounds obligation: the new version stores v's element value at
 * the index when that value is known exactly (an integer in the class's range for a typed
 * integer array, any number for Float64Array and plain arrays); otherwise the contents become
 * unknown. Aliases of recv get unknown contents either way (State.writeContents).
 */
export function writeContents(st: State, recv: Arr, index: Val, v: Val): void {
  const sort = contentsSort(recv);
  const i = asNumVal(index);
  const x = asNumVal(v);
  const stored = sort === undefined || i?.k !== "int" || i.mayBeInfinite || x === undefined ? undefined : storedValue(st, recv, x);
  const view = st.integralView(recv.ref);
  if (view !== undefined && i?.k === "int" && !i.mayBeInfinite && x?.k === "int" && !x.mayBeInfinite && stored !== undefined) {
    // An integer stored keeps every element an integer (−0 too: the view allows it).
    st.writeContents(recv.ref, app("store", "IntArray", view, i.t, x.t));
    return;
  }
  if (stored === undefined || sort === undefined || i?.k !== "int") {
    st.writeContents(recv.ref, st.forgetContents(recv.ref, sort));
    return;
  }
  st.writeContents(recv.ref, app("store", sort, st.contentsOf(recv.ref, sort), i.t, stored));
}

/**
 * Integral views (State.intViews): while a number array's view lasts, its element at an integer
 * index is the integer the view holds there. The double may be −0 (Number.isInteger(−0) is true;
 * the host passes −0 through), so the value carries negZero unless its bounds exclude 0. While
 * the contents are still the caller's (the view's first version), the precondition's literal
 * bounds on every element hold for this one: in code (never inside a clause, whose reads may be
 * under a quantifier) they are assumed and become its static interval, so that `a - c` needs no
 * exactness condition that only the quantified precondition could discharge. Undefined without
 * a view.
 */
export function integralElement(st: State, recv: Arr, index: Term): Val | undefined {
  if (recv.elem.k !== "num") return undefined;
  const view = st.integralView(recv.ref);
  if (view === undefined) return undefined;
  const t = app("select", "Int", view, index);
  const entry = st.viewBounds.get(recv.ref);
  if (st.clauseMode || entry === undefined || entry.base !== view) return { k: "int", t, negZero: true, loose: true };
  const { lo, hi } = entry;
  if (lo !== undefined) st.assume(le(intLit(lo), t));
  if (hi !== undefined) st.assume(le(t, intLit(hi)));
  const zeroPossible = (lo === undefined || lo <= 0n) && (hi === undefined || hi >= 0n);
  return { k: "int", t, lo, hi, negZero: zeroPossible, loose: lo === undefined && hi === undefined };
}

function storedValue(st: State, recv: Arr, x: NonNullable<ReturnType<typeof asNumVal>>): Term | undefined {
  if (recv.elem.k === "int") {
    // The typed array converts (ToInt8, ToUint8Clamp, …): exact only for an integer already in range.
    if (x.k !== "int" || x.mayBeInfinite || x.lo === undefined || x.hi === undefined || x.lo < recv.elem.lo || x.hi > recv.elem.hi) return undefined;
    return x.t; // -0 is stored as +0: the Int is 0 either way
  }
  // A typed array converts undefined to NaN, but a hole's term need not be NaN.
  if (x.k === "num" && x.hole === true && recv.cls !== "Array") return undefined;
  if (recv.cls === "Float32Array") return undefined; // rounds to single precision
  if (x.k === "int" && x.mayBeInfinite) return undefined;
  return toFP(st, x);
}
