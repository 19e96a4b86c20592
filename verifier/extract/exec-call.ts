import { ts } from "ts-morph";
import { where, type ExecCtx } from "./context.js";
import { isBuiltinIdentifier } from "./builtins.js";
import { requireBounds } from "./exec-bounds.js";
import { entityCall } from "./exec-entity-call.js";
import { arrayFrom, callbackMayWrite, callbackMethod, callbackOf } from "./callbacks.js";
import { floorIdiom } from "./floor-patterns.js";
import { capabilityCall, networkUse } from "./capability.js";
import { binaryValue, converts, escape, evalExpr, freshOfKind, modelled, newArray, storable } from "./exec-expr.js";
import { asNumVal, floorDiv, floorDivByDouble, fpDivide, isFiniteTerm, isIntegralTerm, isNaNTerm, mathAbs, mathMinMax, mathRound, numberLiteral, toFP, toInt32, typedArrayLength, intLiteralValue, numEquals, shiftedLengthFacts } from "./numbers.js";
import { bounded, strLen, type State } from "./state.js";
import { isFreshRow, storeRow } from "./rows.js";
import { Abort } from "./sink.js";
import { abstractConst, and, app, eq, exactConst, freshConst, intLit, ite, le, lt, or, type Term } from "./terms.js";
import { wellBehavedHelper } from "./helper-summary.js";
import { MAX_ARRAY_LENGTH, MAX_STRING_LENGTH, MAX_TYPED_ARRAY_LENGTH, TWO_32, TWO_53, TYPED_ARRAY_ELEMS, maxLengthOf, type IntVal, type Val } from "./values.js";

/**
 * Calls: modelled builtins (Math, Number, string and array methods), other Function entities
 * (modular: their preconditions asserted, postconditions assumed), filesystem facade and
 * network uses (capability obligations). Any other call is unknown: its result is not
 * modelled and it may change the length of every array it can reach.
 */
export function evalCall(ctx: ExecCtx, node: ts.CallExpression, st: State): Val {
  if (node.questionDotToken || (ts.isPropertyAccessExpression(node.expression) && node.expression.questionDotToken)) {
    throw new Abort(node, `optional call at ${where(ctx, node)} is not modelled`);
  }
  const callee = node.expression;
  if (ts.isIdentifier(callee)) {
    const sym = ctx.checker.getSymbolAtLocation(callee);
    const decl = sym?.valueDeclaration;
    const target = decl && (ts.isFunctionDeclaration(decl) ? decl : ts.isVariableDeclaration(decl) ? decl.initializer : undefined);
    const info = target ? ctx.callees.get(target) : undefined;
    if (info) return entityCall(ctx, node, info, st);
    if (sym && ctx.facadeBindings.has(sym)) return capabilityCall(ctx, node, ctx.facadeBindings.get(sym) ?? "readFileSync", st);
    const helper = wellBehavedHelper(ctx, callee);
    if (helper) return helperCall(ctx, node, helper, st);
    // `fetch` is not in the ES lib the module is checked against: an undeclared name is the global.
    if (isBuiltinIdentifier(ctx, callee) || (sym === undefined && callee.text === "fetch")) {
      const global = globalCall(ctx, callee.text, node, st);
      if (global) return global;
    }
    return unknownCall(ctx, node, `call to unknown function '${callee.text}'`, st);
  }
  if (ts.isPropertyAccessExpression(callee)) {
    const method = callee.name.text;
    if (ts.isIdentifier(callee.expression)) {
      const sym = ctx.checker.getSymbolAtLocation(callee.expression);
      if (sym && ctx.facadeNamespaces.has(sym)) return capabilityCall(ctx, node, method as never, st);
      if (isBuiltinIdentifier(ctx, callee.expression)) {
        const builtin = builtinCall(ctx, `${callee.expression.text}.${method}`, node, st);
        if (builtin) return builtin;
      }
    }
    const recv = modelled(st, evalExpr(ctx, callee.expression, st));
    if (recv.k === "str") return stringMethod(ctx, node, recv, method, st);
    if (recv.k === "arr") return arrayMethod(ctx, node, recv, method, st);
    return unknownCall(ctx, node, `call of method '${method}' on ${recv.k === "opaque" ? recv.why : recv.k}`, st);
  }
  return unknownCall(ctx, node, `call of a computed function at ${where(ctx, node)}`, st);
}

function isLibDeclaration(sym: ts.Symbol): boolean {
  const decls = sym.getDeclarations() ?? [];
  return decls.length > 0 && decls.every((d) => d.getSourceFile().isDeclarationFile);
}

function args(ctx: ExecCtx, node: ts.CallExpression | ts.NewExpression, st: State): Val[] {
  return (node.arguments ?? []).map((a) => {
    if (ts.isSpreadElement(a)) throw new Abort(a, `spread argument at ${where(ctx, a)} is not modelled`);
    return evalExpr(ctx, a, st);
  });
}

/**
 * A call to a well-behaved module-local helper (helper-summary.ts): no array argument escapes
 * or changes length. An argument that is not a modelled value (an exotic array, anything
 * unmodelled) makes it an unknown call after all.
 */
function helperCall(ctx: ExecCtx, node: ts.CallExpression, fn: ts.FunctionDeclaration, st: State): Val {
  const raw = args(ctx, node, st);
  const vals = raw.map((v) => modelled(st, v));
  const name = fn.name?.text ?? "a helper";
  if (vals.some((v) => v.k === "opaque" || v.k === "fn")) {
    // An exotic array or unmodelled value may run code when the helper touches it: unknown call.
    for (const v of raw) escape(v, st);
    st.havocShared(`array lengths after a call to '${name}' with an unmodelled argument at ${where(ctx, node)}`);
    return { k: "opaque", why: `result of '${name}' at ${where(ctx, node)}` };
  }
  // The helper may write the elements of its array arguments (and so of their aliases).
  for (const v of vals) if (v.k === "arr") st.writeContents(v.ref, st.forgetContents(v.ref));
  const t = ctx.checker.getReturnTypeOfSignature(ctx.checker.getSignatureFromDeclaration(fn)!);
  const f = t.getFlags();
  const source = `the result of '${name}' at ${where(ctx, node)}`;
  if (f & ts.TypeFlags.NumberLike && !(f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))) return { k: "num", t: abstractConst("FP", source), hole: true };
  if (f & ts.TypeFlags.BooleanLike && !(f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))) return { k: "bool", t: abstractConst("Bool", source) };
  if (f & ts.TypeFlags.Void) return { k: "undef" };
  return { k: "opaque", why: source };
}

/** `new Array(n)`, `Array(n)`, `new Array<T>(n)` with the builtin Array: an array no one else holds. */
function isFreshArrayExpression(ctx: ExecCtx, e0: ts.Expression): boolean {
  let e = e0;
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return (ts.isNewExpression(e) || ts.isCallExpression(e)) && ts.isIdentifier(e.expression) && e.expression.text === "Array" && isBuiltinIdentifier(ctx, e.expression);
}

export function unknownCall(ctx: ExecCtx, node: ts.CallExpression | ts.NewExpression, why: string, st: State): Val {
  for (const v of args(ctx, node, st)) escape(v, st);
  st.havocShared(`array lengths after ${why} at ${where(ctx, node)}`);
  return { k: "opaque", why: `result of ${why} at ${where(ctx, node)}` };
}

function globalCall(ctx: ExecCtx, name: string, node: ts.CallExpression, st: State): Val | undefined {
  if (name === "fetch") {
    networkUse(ctx, node, st);
    return unknownCall(ctx, node, "fetch", st);
  }
  if (name === "isNaN" || name === "isFinite" || name === "Number" || name === "String") {
    // ToNumber / ToString of an object runs its valueOf / toString.
    for (const a of node.arguments) if (ts.isSpreadElement(a)) throw new Abort(a, `spread argument at ${where(ctx, a)} is not modelled`);
  }
  // `Array(n)` / `Array<T>(n)` without `new` is `new Array(n)` (ECMA-262 Array(...values): NewTarget undefined → the same construction).
  if (name === "Array") return evalNew(ctx, node, st);
  if (name === "isNaN" || name === "isFinite") {
    const vals = args(ctx, node, st);
    for (const v of vals) converts(st, v, `${name} at ${where(ctx, node)}`);
    const [x] = vals.map(asNumVal);
    if (!x) return { k: "opaque", why: `${name} of a non-number` };
    return { k: "bool", t: name === "isNaN" ? isNaNTerm(x) : isFiniteTerm(x) };
  }
  if (name === "Number") {
    const [v] = args(ctx, node, st);
    if (v) converts(st, v, `Number() at ${where(ctx, node)}`);
    return v && asNumVal(v) ? v : { k: "opaque", why: "Number(...) of a non-number" };
  }
  if (name === "String") {
    const [v] = args(ctx, node, st);
    if (v) converts(st, v, `String() at ${where(ctx, node)}`);
    return v?.k === "str" ? v : { k: "opaque", why: "String(...) of a non-string" };
  }
  return undefined;
}

function builtinCall(ctx: ExecCtx, name: string, node: ts.CallExpression, st: State): Val | undefined {
  if (name === "Array.from") return arrayFrom(ctx, node, st);
  const known = ["Math.floor", "Math.ceil", "Math.trunc", "Math.abs", "Math.min", "Math.max", "Math.round", "Math.sqrt", "Math.random", "Number.isInteger", "Number.isSafeInteger", "Number.isFinite", "Number.isNaN", "String.fromCharCode", "Array.isArray"];
  if (!known.includes(name)) return undefined;
  // Math.floor(a / k) on integers is floor division (see numbers.floorDiv).
  const first = node.arguments[0];
  if (name === "Math.floor" && node.arguments.length === 1 && first && !ts.isSpreadElement(first)) {
    const idiom = floorIdiom(ctx, first, st);
    if (idiom) return idiom;
  }
  if (name === "Math.floor" && node.arguments.length === 1 && first && ts.isBinaryExpression(first) && first.operatorToken.kind === ts.SyntaxKind.SlashToken) {
    const av = evalExpr(ctx, first.left, st);
    const bv = evalExpr(ctx, first.right, st);
    converts(st, av, `the division at ${where(ctx, first)}`);
    converts(st, bv, `the division at ${where(ctx, first)}`);
    const a = asNumVal(av);
    const b = asNumVal(bv);
    if (a?.k === "int" && b?.k === "int" && b.lo !== undefined && b.lo === b.hi && b.lo > 0n) return floorDiv(st, a, b.lo);
    const divisor = literalNumber(first.right);
    const byDouble = a?.k === "int" && divisor !== undefined ? floorDivByDouble(st, a, divisor) : undefined;
    if (byDouble) return byDouble;
    if (a && b) return mathRound("floor", { k: "num", t: fpDivide(toFPv(st, a), toFPv(st, b)) });
    return { k: "opaque", why: "Math.floor of a non-number" };
  }
  const vals = args(ctx, node, st);
  // Math.* and String.fromCharCode convert their arguments (valueOf may run); the Number.is* predicates and Array.isArray do not.
  if (name.startsWith("Math.") || name === "String.fromCharCode") for (const v of vals) converts(st, v, `${name} at ${where(ctx, node)}`);
  const nums = vals.map(asNumVal);
  const [x, y] = nums;
  switch (name) {
    case "Math.floor":
    case "Math.ceil":
    case "Math.trunc":
      return x ? mathRound(name === "Math.floor" ? "floor" : name === "Math.ceil" ? "ceil" : "trunc", x) : { k: "opaque", why: `${name} of a non-number` };
    case "Math.abs":
      return x ? mathAbs(x) : { k: "opaque", why: "Math.abs of a non-number" };
    case "Math.min":
    case "Math.max": {
      if (nums.length === 0 || nums.some((n) => n === undefined)) return { k: "opaque", why: `${name} of non-numbers` };
      let acc = nums[0];
      for (const n of nums.slice(1)) if (acc && n) acc = mathMinMax(st, name === "Math.min" ? "min" : "max", acc, n);
      return acc ?? { k: "opaque", why: name };
    }
    case "Math.round":
      if (x?.k === "int") return x;
      return { k: "num", t: freshConst("FP", "result of Math.round") };
    case "Math.sqrt":
    case "Math.random":
      return { k: "num", t: freshConst("FP", `result of ${name}`) };
    case "Number.isInteger":
      return x ? { k: "bool", t: isIntegralTerm(x) } : { k: "bool", t: { kind: "lit", text: "false", sort: "Bool" } };
    case "Number.isSafeInteger":
      if (!x) return { k: "bool", t: { kind: "lit", text: "false", sort: "Bool" } };
      return { k: "bool", t: x.k === "int" ? bounded(x.t, -(TWO_53 - 1n), TWO_53 - 1n) : and(isIntegralTerm(x), app("fp.leq", "Bool", app("fp.abs", "FP", x.t), toFPv(st, numberLiteral(Number.MAX_SAFE_INTEGER)))) };
    case "Number.isFinite":
      return x ? { k: "bool", t: isFiniteTerm(x) } : { k: "bool", t: { kind: "lit", text: "false", sort: "Bool" } };
    case "Number.isNaN":
      // Number.isNaN(undefined) is false although a hole computes like NaN: for a value that may
      // be a hole, true only implies NaN.
      if (x?.k === "num" && x.hole === true) return { k: "bool", t: and(isNaNTerm(x), freshConst("Bool", "the value is not a hole")) };
      return x ? { k: "bool", t: isNaNTerm(x) } : { k: "bool", t: { kind: "lit", text: "false", sort: "Bool" } };
    case "String.fromCharCode": {
      const c = freshConst("String", "result of String.fromCharCode");
      st.assume(eq(strLen(c), intLit(vals.length)));
      return { k: "str", t: c };
    }
    case "Array.isArray":
      return vals[0]?.k === "arr" ? { k: "bool", t: { kind: "lit", text: "true", sort: "Bool" } } : { k: "opaque", why: "Array.isArray of an unmodelled value" };
  }
  return y ? undefined : undefined;
}

function toFPv(st: State, v: NonNullable<ReturnType<typeof asNumVal>>): Term {
  return v.k === "num" ? v.t : app("(_ to_fp 11 53)", "FP", { kind: "lit", text: "RNE", sort: "Bool" }, app("to_real", "Real", v.t));
}

function stringMethod(ctx: ExecCtx, node: ts.CallExpression, recv: Extract<Val, { k: "str" }>, method: string, st: State): Val {
  const vals = args(ctx, node, st);
  const s = recv.t;
  const len = strLen(s);
  const [a, b] = vals;
  const fresh = (source: string): Val => freshOfKind(st, { k: "str", t: s }, source);
  switch (method) {
    case "charCodeAt":
    case "codePointAt": {
      requireBounds(ctx, node, recv, a ?? numberLiteral(0), st);
      const c = freshConst("Int", `${method} result`);
      st.assume(bounded(c, 0n, method === "charCodeAt" ? 65535n : 0x10ffffn));
      return { k: "int", t: c, lo: 0n, hi: method === "charCodeAt" ? 65535n : 0x10ffffn };
    }
    case "charAt": {
      // Total: "" out of range, no obligation.
      const c = fresh("charAt result");
      if (c.k === "str") st.assume(le(strLen(c.t), intLit(1)));
      return c;
    }
    case "includes":
    case "startsWith":
    case "endsWith":
      if (a?.k === "str" && vals.length === 1) {
        const op = method === "includes" ? "str.contains" : method === "startsWith" ? "str.prefixof" : "str.suffixof";
        return { k: "bool", t: method === "includes" ? app(op, "Bool", s, a.t) : app(op, "Bool", a.t, s) };
      }
      return { k: "bool", t: freshConst("Bool", `${method} result`) };
    case "indexOf":
      if (a?.k === "str" && vals.length === 1) return { k: "int", t: app("str.indexof", "Int", s, a.t, intLit(0)), lo: -1n, hi: MAX_STRING_LENGTH };
      // An empty search string matches at s.length ("abc".indexOf("", 5) === 3): r <= len, not < len.
      return indexResult(st, len, `${method} result`, true);
    case "lastIndexOf":
      return indexResult(st, len, `${method} result`, true);
    case "slice":
    case "substring": {
      const start = a ? asNumVal(a) : undefined;
      const end = b ? asNumVal(b) : undefined;
      if (method === "slice" && start?.k === "int" && (b === undefined || end?.k === "int")) {
        const rel = (v: Term): Term => ite(lt(v, intLit(0)), ite(lt(app("+", "Int", len, v), intLit(0)), intLit(0), app("+", "Int", len, v)), ite(lt(len, v), len, v));
        const from = rel(start.t);
        const to = end?.k === "int" ? rel(end.t) : len;
        return { k: "str", t: app("str.substr", "String", s, from, ite(lt(from, to), app("-", "Int", to, from), intLit(0))) };
      }
      const c = fresh(`${method} result`);
      if (c.k === "str") st.assume(le(strLen(c.t), len));
      return c;
    }
    case "toLowerCase":
    case "toUpperCase":
    case "trim":
    case "trimStart":
    case "trimEnd":
    case "padStart":
    case "padEnd":
    case "repeat":
    case "replace":
    case "replaceAll":
    case "normalize":
    case "concat":
      return fresh(`${method} result`);
    case "split":
      return newArray(ctx, st, "Array", undefined, stringType(ctx), `split result at ${where(ctx, node)}`);
    default:
      return { k: "opaque", why: `string method '${method}'` };
  }
}

function stringType(ctx: ExecCtx): ts.Type {
  return ctx.checker.getStringType();
}

/** -1 or a position: below len for arrays, up to len inclusive for strings (empty needle). */
function indexResult(st: State, len: Term, source: string, upToLength = false): Val {
  const r = freshConst("Int", source);
  st.assume(or(eq(r, intLit(-1)), and(le(intLit(0), r), upToLength ? le(r, len) : lt(r, len))));
  return { k: "int", t: r, lo: -1n, hi: TWO_53 };
}

function arrayMethod(ctx: ExecCtx, node: ts.CallExpression, recv: Extract<Val, { k: "arr" }>, method: string, st: State): Val {
  const typed = recv.cls in TYPED_ARRAY_ELEMS;
  const callback = callbackOf(ctx, node);
  if (callback !== undefined) {
    // Decided before the call (which may make the receiver shared).
    const mayWrite = callbackMayWrite(ctx, callback, st, recv);
    const out = callbackMethod(ctx, node, callback, recv, method, st);
    // A callback that may write may have written any array it reaches (elements.ts): contents
    // unknown. One that cannot write changes nothing; sort still reorders its receiver.
    if (mayWrite) for (const ref of [...st.lens.keys()]) st.forgetContents(ref);
    else if (method === "sort") st.writeContents(recv.ref, st.forgetContents(recv.ref));
    return out;
  }
  // Methods other than these may change the receiver's elements (fill, reverse, sort, set, copyWithin, …).
  if (!READ_ONLY_METHODS.has(method)) st.writeContents(recv.ref, st.forgetContents(recv.ref));
  const len = st.lengthOf(recv.ref);
  const here = `${method} at ${where(ctx, node)}`;
  switch (method) {
    case "push":
    case "unshift": {
      if (typed) break;
      const vals = args(ctx, node, st);
      // A fresh row pushed onto an array of rows built row by row (rows.ts storeRow).
      const fact = st.rows.get(recv.ref);
      const row = method === "push" && vals.length === 1 && isFreshRow(st, recv, vals[0]!) ? vals[0] : undefined;
      if (fact !== undefined && row?.k === "arr") {
        st.rows.delete(recv.ref);
        const grown = app("+", "Int", len, intLit(1));
        st.assume(le(grown, intLit(maxLengthOf(recv.cls))));
        st.lengthChanged(recv.ref, grown, here);
        storeRow(st, recv, len, row, fact);
        return { k: "int", t: grown, lo: 0n, hi: maxLengthOf(recv.cls) };
      }
      for (const v of vals) escape(v, st);
      if (vals.some((v) => !storable(recv.elem, v))) st.exotic.add(recv.ref);
      const next = app("+", "Int", len, intLit(vals.length));
      // Growing past 2^32 - 1 throws RangeError, so afterwards the length is valid.
      st.assume(le(next, intLit(maxLengthOf(recv.cls))));
      st.lengthChanged(recv.ref, next, here);
      return { k: "int", t: next, lo: 0n, hi: maxLengthOf(recv.cls) };
    }
    case "pop":
    case "shift": {
      if (typed) break;
      const next = ite(lt(intLit(0), len), app("-", "Int", len, intLit(1)), intLit(0));
      st.lengthChanged(recv.ref, next, here);
      return { k: "opaque", why: `${method} result (an element or undefined)` };
    }
    case "splice": {
      if (typed) break;
      for (const v of args(ctx, node, st)) escape(v, st);
      st.havocLength(recv.ref, `length after ${here}`);
      st.lengthChanged(recv.ref, st.lengthOf(recv.ref), here);
      return newArray(ctx, st, "Array", undefined, undefined, `splice result at ${where(ctx, node)}`);
    }
    case "indexOf":
    case "lastIndexOf":
    case "findIndex":
    case "findLastIndex":
      if (method.startsWith("find")) break;
      args(ctx, node, st);
      return indexResult(st, len, `${method} result`);
    case "includes":
      args(ctx, node, st);
      return { k: "bool", t: freshConst("Bool", "includes result") };
    case "fill": {
      const [v] = args(ctx, node, st);
      // `new Array(n).fill(0)`: TypeScript types it any[], but every element is now the number
      // (or boolean). Only for an array made in this very expression, which nothing else can
      // hold yet: later writes through any reference go through this elem's storable check.
      const fresh = ts.isPropertyAccessExpression(node.expression) && isFreshArrayExpression(ctx, node.expression.expression);
      // Filled with an integer, every element is that integer: an integral view (elements.ts).
      if (fresh && (recv.elem.k === "opaque" || recv.elem.k === "num") && recv.cls === "Array" && v?.k === "int" && !v.mayBeInfinite && node.arguments.length === 1) {
        st.startFilledView(recv.ref, v.t);
        return { ...recv, elem: { k: "num" } };
      }
      if (fresh && recv.elem.k === "opaque" && recv.cls === "Array" && v !== undefined && node.arguments.length === 1) {
        if (v.k === "int" || v.k === "num") return { ...recv, elem: { k: "num" } };
        if (v.k === "bool") return { ...recv, elem: { k: "bool" } };
      }
      return recv;
    }
    case "reverse":
      args(ctx, node, st);
      return recv;
    case "join":
      args(ctx, node, st);
      return freshOfKind(st, { k: "str", t: intLit(0) }, "join result");
    case "at":
      args(ctx, node, st);
      return { k: "opaque", why: "at() result (an element or undefined)" };
    case "slice":
    case "subarray":
    case "concat": {
      const vals = args(ctx, node, st);
      for (const v of vals) escape(v, st);
      const out = newArray(ctx, st, recv.cls, undefined, undefined, `${method} result at ${where(ctx, node)}`);
      // A subarray is a view of the receiver's buffer: a write through either changes the other.
      if (method === "subarray" && out.k === "arr") {
        st.shared.add(out.ref);
        st.shared.add(recv.ref);
      }
      // concat copies its arguments' elements (reading them through any accessors): only numbers and plain arrays of the same kind keep the result plain.
      if (out.k === "arr" && method === "concat" && vals.some((v) => !storable(recv.elem, v) && !(v.k === "arr" && v.elem.k === recv.elem.k))) st.exotic.add(out.ref);
      return out.k === "arr" ? { ...out, elem: recv.elem } : out;
    }
    case "set":
      if (!typed) break;
      // Out-of-range offsets throw RangeError; lengths never change.
      args(ctx, node, st);
      return { k: "undef" };
  }
  return unknownCall(ctx, node, `array method '${method}'`, st);
}

/** Array methods that never change the receiver's elements (on a plain or built-in typed array). */
const READ_ONLY_METHODS = new Set(["indexOf", "lastIndexOf", "includes", "join", "at", "slice", "subarray", "concat"]);

/** `new Array(n)`, `new Uint8Array(n | array)`. */
export function evalNew(ctx: ExecCtx, node: ts.NewExpression | ts.CallExpression, st: State): Val {
  // Only the built-in constructors: a module's own `function Array()` or `class Uint8Array` is an unknown call.
  // Network constructors are not in the ES lib: an undeclared WebSocket/EventSource/XMLHttpRequest is the global.
  const undeclared = ts.isIdentifier(node.expression) && ctx.checker.getSymbolAtLocation(node.expression) === undefined;
  const name = ts.isIdentifier(node.expression) && (isBuiltinIdentifier(ctx, node.expression) || undeclared) ? node.expression.text : "";
  const type = ctx.checker.getTypeAtLocation(node);
  const lengths = name === "Array" || name in TYPED_ARRAY_ELEMS ? lengthArgs(ctx, node, st, name) : { vals: args(ctx, node, st) };
  const vals = lengths.vals;
  const [first] = vals;
  if (name === "Array" || name in TYPED_ARRAY_ELEMS) {
    const elemType = name === "Array" && ctx.checker.isArrayType(type) ? ctx.checker.getTypeArguments(type as ts.TypeReference)[0] : undefined;
    let n = first ? asNumVal(first) : numberLiteral(0);
    // `new Array(x)` for a double x: RangeError unless ToUint32(x) === x, so past it x is an
    // integer in [0, 2^32 - 1] (-0 gives 0; NaN, fractions, negatives and ±Infinity throw).
    // Typed arrays differ (ToIndex truncates fractions): only Array.
    if (name === "Array" && vals.length === 1 && n?.k === "num") n = validArrayLength(st, n.t);
    else if (name !== "Array" && vals.length === 1 && n?.k === "num" && !n.hole) n = lengths.shifted !== undefined ? typedArrayLength(st, lengths.shifted.y, lengths.shifted.c, MAX_TYPED_ARRAY_LENGTH) : typedArrayLength(st, n.t, 0n, MAX_TYPED_ARRAY_LENGTH);
    if (vals.length <= 1 && n?.k === "int") {
      // An invalid length throws RangeError: past this point it is a valid length.
      st.assume(bounded(n.t, 0n, maxLengthOf(name)));
      const arr = newArray(ctx, st, name, n.t, elemType, `new ${name} at ${where(ctx, node)}`);
      return arr.k === "arr" && name !== "Array" ? { ...arr, elem: TYPED_ARRAY_ELEMS[name] ?? arr.elem } : arr;
    }
    if (name !== "Array" && first?.k === "arr" && vals.length === 1) {
      const arr = newArray(ctx, st, name, st.lengthOf(first.ref), undefined, `new ${name} at ${where(ctx, node)}`);
      return arr.k === "arr" ? { ...arr, elem: TYPED_ARRAY_ELEMS[name] ?? arr.elem } : arr;
    }
    const arr = newArray(ctx, st, name, undefined, elemType, `new ${name} at ${where(ctx, node)}`);
    if (arr.k === "arr") {
      // A typed array over a buffer (or anything else) may track a resizable buffer's length or be
      // detached by whoever holds the buffer: not a fresh fixed-length array (issue 9, class B).
      if (name !== "Array" && first !== undefined && asNumVal(first) === undefined) st.exotic.add(arr.ref);
      else if (vals.some((v) => !storable(arr.elem, v))) st.exotic.add(arr.ref);
    }
    return arr.k === "arr" && name !== "Array" ? { ...arr, elem: TYPED_ARRAY_ELEMS[name] ?? arr.elem } : arr;
  }
  if (name === "WebSocket" || name === "EventSource" || name === "XMLHttpRequest") networkUse(ctx, node, st);
  for (const v of vals) escape(v, st);
  st.havocShared(`array lengths after new ${name} at ${where(ctx, node)}`);
  return { k: "opaque", why: `new ${name || "object"}` };
}

export { toInt32 };

/**
 * The arguments of `new Array(E)` / `new Uint8Array(E)`, where E = `X + c` or `X - c` (c within
 * ±2^53, X an integer of any size — `new Array(n + 1)` for a parameter `n` that is only known to be
 * an integer): the sum would push its exactness (|X ± c| <= 2^53) as a condition of every later
 * site, though past this call the sum is a valid length. The double the sum rounds to is at least
 * 2^53 when the exact sum is, and no valid length is; below that it is exact. So past the call the
 * exact sum is a valid length, and that is the argument's value. For a typed array, `Y ± c` with
 * Y a double and c an integer literal also reports Y and ±c (`shifted`: numbers.ts
 * typedArrayLength states the count on ⌊Y⌋). Anything else: evaluated as usual.
 */
function lengthArgs(ctx: ExecCtx, node: ts.CallExpression | ts.NewExpression, st: State, name: string): { vals: Val[]; shifted?: { y: Term; c: bigint } } {
  const list = node.arguments ?? [];
  let e = list.length === 1 ? list[0]! : undefined;
  while (e !== undefined && ts.isParenthesizedExpression(e)) e = e.expression;
  if (e === undefined || !ts.isBinaryExpression(e) || (e.operatorToken.kind !== ts.SyntaxKind.PlusToken && e.operatorToken.kind !== ts.SyntaxKind.MinusToken)) return { vals: args(ctx, node, st) };
  const plus = e.operatorToken.kind === ts.SyntaxKind.PlusToken;
  const a = evalExpr(ctx, e.left, st);
  const b = evalExpr(ctx, e.right, st);
  const x = asNumVal(a);
  const y = asNumVal(b);
  const small = (v: IntVal): boolean => v.lo !== undefined && v.hi !== undefined && v.lo >= -TWO_53 && v.hi <= TWO_53;
  if (x?.k === "int" && y?.k === "int" && !x.mayBeInfinite && !y.mayBeInfinite && (small(x) || small(y))) {
    const max = maxLengthOf(name);
    const t = app(plus ? "+" : "-", "Int", x.t, y.t);
    st.assume(bounded(t, 0n, max));
    return { vals: [{ k: "int", t, lo: 0n, hi: max }] };
  }
  const sum = binaryValue(ctx, st, e.operatorToken.kind, a, b, e);
  const c = y?.k === "int" ? intLiteralValue(y.t, y) : undefined;
  if (name !== "Array" && x?.k === "num" && !x.hole && c !== undefined && c >= -TWO_32 && c <= TWO_32) return { vals: [sum], shifted: { y: x.t, c: plus ? c : -c } };
  return { vals: [sum] };
}

/**
 * The length a double `x` gives `new Array(x)` on a path where that did not throw: an integer the
 * double equals (stated on ⌊x⌋, with ⌊y⌋'s facts when x is `y ± c`: numbers.ts shiftedLengthFacts).
 */
function validArrayLength(st: State, x: Term): IntVal {
  const len: IntVal = { k: "int", t: exactConst("Int", "a valid array length"), lo: 0n, hi: MAX_ARRAY_LENGTH };
  st.assume(bounded(len.t, 0n, MAX_ARRAY_LENGTH));
  st.assume(numEquals(st, { k: "num", t: x }, len));
  const shifted = shiftedLengthFacts(x);
  if (shifted !== undefined) st.assume(shifted);
  return len;
}

/** The value of a numeric literal (in parentheses or not), else undefined. */
function literalNumber(e: ts.Expression): number | undefined {
  let t = e;
  while (ts.isParenthesizedExpression(t)) t = t.expression;
  return ts.isNumericLiteral(t) ? Number(t.text) : undefined;
}
