import { ts } from "ts-morph";
import { where, type ExecCtx } from "./context.js";
import { isBuiltinIdentifier } from "./builtins.js";
import { valueOfElem } from "./exec-bounds.js";
import { evalExpr, hasEffects, newArray } from "./exec-expr.js";
import { assignedIn, execStatements, recordAbort } from "./exec-stmt.js";
import { asNumVal } from "./numbers.js";
import { isEffectFreeRow } from "./rows.js";
import { Abort } from "./sink.js";
import { bounded, strLen, type State } from "./state.js";
import { abstractConst, and, app, eq, freshConst, intLit, ite, le, lt, or } from "./terms.js";
import { MAX_ARRAY_LENGTH, MAX_STRING_LENGTH, type Val } from "./values.js";

/**
 * Arrow functions and function expressions passed directly to the built-in array methods that
 * call them synchronously and keep no reference (`map`, `forEach`, `reduce`, `some`, `every`,
 * `find(Index)`, `filter`, `sort`, …) or to `Array.from`. The surrounding function goes on past
 * the call; the callback's body is executed once, as one arbitrary invocation, with
 *  - its parameters bounded by the iteration: the index an integer in [0, length at the call),
 *    the element a value of the element type (a hole where the array may have holes);
 *  - every outer variable the callback assigns, and (if the body has any effect) the length
 *    of every array it can reach, unknown — an earlier invocation may have changed them.
 * After the call the same things are unknown in the caller. Results: `forEach` undefined,
 * `some`/`every` a boolean, `findIndex` -1 or an index below the length at the call, `sort` the
 * receiver; `map`/`filter` a new Array (map: of the receiver's length) only for a receiver the
 * function built itself (a parameter may be a subclass whose species constructor builds
 * anything), otherwise unmodelled; `Array.from({ length: n }, f)` an Array of length
 * ToLength(n). Anything else about a closure stays unmodelled.
 */
const METHODS = new Set(["map", "forEach", "reduce", "reduceRight", "some", "every", "find", "findIndex", "findLast", "findLastIndex", "filter", "sort", "flatMap"]);

type Closure = ts.ArrowFunction | ts.FunctionExpression;

function isClosure(n: ts.Node): n is Closure {
  return (ts.isArrowFunction(n) || ts.isFunctionExpression(n)) && !n.asteriskToken && !(ts.getCombinedModifierFlags(n) & ts.ModifierFlags.Async);
}

/** Whether `n` is a closure this module models: an argument of a modelled array method or of Array.from. */
export function isModelledCallback(n: ts.Node, checker: ts.TypeChecker): boolean {
  if (!isClosure(n)) return false;
  const call = n.parent;
  if (!ts.isCallExpression(call) || !call.arguments.includes(n as ts.Expression)) return false;
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee)) return false;
  if (ts.isIdentifier(callee.expression) && callee.expression.text === "Array" && callee.name.text === "from") {
    return call.arguments[1] === n && isBuiltinIdentifier({ checker }, callee.expression);
  }
  return METHODS.has(callee.name.text) && call.arguments[0] === n;
}

/** The first closure in the function that is not a modelled callback (nested ones included). */
export function firstUnmodelledClosure(body: ts.Node | undefined, checker: ts.TypeChecker): ts.Node | undefined {
  let found: ts.Node | undefined;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isFunctionLike(n) && !isModelledCallback(n, checker)) {
      found = n;
      return;
    }
    ts.forEachChild(n, visit);
  };
  if (body) ts.forEachChild(body, visit);
  return found;
}

/** The closure argument of a call, if it is a modelled callback. */
export function callbackOf(ctx: ExecCtx, node: ts.CallExpression): Closure | undefined {
  const c = node.arguments.find((a) => isModelledCallback(a, ctx.checker));
  return c !== undefined && isClosure(c) ? c : undefined;
}

/** Arrays a callback can reach: the receiver, every captured array, every shared array. */
function reachable(ctx: ExecCtx, fn: Closure, st: State, extra: readonly number[]): Set<number> {
  const refs = new Set<number>(extra);
  for (const ref of st.shared) refs.add(ref);
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) {
      const sym = ctx.checker.getSymbolAtLocation(n);
      const v = sym ? st.env.get(sym) : undefined;
      if (v?.k === "arr") refs.add(v.ref);
    }
    ts.forEachChild(n, visit);
  };
  visit(fn.body);
  return refs;
}

/** What one earlier invocation may have left behind: assigned outer variables and (with effects) reachable lengths unknown. */
function havocEffects(ctx: ExecCtx, fn: Closure, st: State, refs: ReadonlySet<number>, effects: boolean): void {
  const loc = where(ctx, fn);
  for (const sym of assignedIn(ctx, fn.body)) {
    const old = st.env.get(sym);
    if (old === undefined) continue;
    st.env.set(sym, widened(st, old, `'${sym.getName()}' after the callback at ${loc}`));
  }
  if (!effects) return;
  for (const ref of refs) if (st.lens.has(ref)) st.havocLength(ref, `length after the callback at ${loc}`);
}

function widened(st: State, v: Val, source: string): Val {
  switch (v.k) {
    case "int":
    case "num":
      return { k: "num", t: abstractConst("FP", source), hole: true };
    case "bool":
      return { k: "bool", t: abstractConst("Bool", source) };
    case "str": {
      const c = abstractConst("String", source);
      st.assume(bounded(strLen(c), 0n, MAX_STRING_LENGTH));
      return { k: "str", t: c };
    }
    default:
      return { k: "opaque", why: source };
  }
}

/** One arbitrary invocation of the callback's body on a copy of the state; its obligations are recorded, nothing flows back. */
function runBody(ctx: ExecCtx, fn: Closure, st: State, params: readonly Val[], refs: ReadonlySet<number>, effects: boolean): void {
  const inner = st.clone();
  havocEffects(ctx, fn, inner, refs, effects);
  fn.parameters.forEach((p, i) => {
    const sym = ts.isIdentifier(p.name) ? ctx.checker.getSymbolAtLocation(p.name) : undefined;
    const simple = sym !== undefined && !p.initializer && !p.dotDotDotToken;
    if (simple) inner.env.set(sym, params[i] ?? { k: "undef" });
    else {
      const names: ts.Identifier[] = [];
      const collect = (n: ts.Node): void => {
        if (ts.isIdentifier(n) && ts.isBindingElement(n.parent) && n.parent.name === n) names.push(n);
        else if (ts.isIdentifier(n) && ts.isParameter(n.parent)) names.push(n);
        ts.forEachChild(n, collect);
      };
      collect(p.name);
      for (const id of names) {
        const s = ctx.checker.getSymbolAtLocation(id);
        if (s) inner.env.set(s, { k: "opaque", why: `callback parameter '${id.text}' (destructured, default or rest)` });
      }
    }
  });
  // Returns inside the callback are the callback's, not the entity's: no postconditions there.
  const cbCtx: ExecCtx = { ...ctx, entry: undefined, returnClauses: [] };
  if (ts.isBlock(fn.body)) {
    execStatements(cbCtx, fn.body.statements, [inner]);
    return;
  }
  try {
    evalExpr(cbCtx, fn.body, inner);
  } catch (error) {
    if (error instanceof Abort) recordAbort(cbCtx, error);
    else throw error;
  }
}

function indexIn(st: State, len: ReturnType<State["lengthOf"]>, source: string): Val {
  const i = freshConst("Int", source);
  st.assume(and(le(intLit(0), i), lt(i, len)));
  return { k: "int", t: i, lo: 0n, hi: MAX_ARRAY_LENGTH - 1n };
}

/**
 * Whether running the body can change an array length: a call or `new` with effects, a write
 * through anything but a plain variable (an element, `.length`, a property), `delete`.
 * Assigning local variables cannot.
 */
function mayChangeLengths(body: ts.Node, checker: ts.TypeChecker): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    // A fresh row `new Array(E).fill(0)` (rows.ts) changes no existing array.
    if ((ts.isCallExpression(n) || ts.isNewExpression(n)) && isEffectFreeRow({ checker }, n)) return;
    if ((ts.isCallExpression(n) || ts.isNewExpression(n)) && hasEffects(n, checker)) found = true;
    else if (ts.isDeleteExpression(n) || ts.isAwaitExpression(n)) found = true;
    else if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment && !ts.isIdentifier(n.left)) found = true;
    else if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken) && !ts.isIdentifier(n.operand)) found = true;
    if (!found) ts.forEachChild(n, visit);
  };
  visit(body);
  return found;
}

/**
 * Whether a callback passed to a method of `recv` may change any array's elements or length
 * when it runs: its body may (mayChangeLengths: element writes are writes through something
 * other than a plain variable), or the receiver is not one the function built (then a subclass
 * or proxy may run anything: untrustedReceiver).
 */
export function callbackMayWrite(ctx: ExecCtx, fn: Closure, st: State, recv: Extract<Val, { k: "arr" }>): boolean {
  return st.shared.has(recv.ref) || mayChangeLengths(fn.body, ctx.checker);
}

/** The element type of an expression of array type (as the type checker sees it). */
function arrayElementType(ctx: ExecCtx, node: ts.Expression): ts.Type | undefined {
  const t = ctx.checker.getTypeAtLocation(node);
  return ctx.checker.isArrayType(t) ? ctx.checker.getTypeArguments(t as ts.TypeReference)[0] : undefined;
}

/** `recv.method(callback, …)` on a modelled array value. */
export function callbackMethod(ctx: ExecCtx, node: ts.CallExpression, fn: Closure, recv: Extract<Val, { k: "arr" }>, method: string, st: State): Val {
  // Arguments left to right; the closure argument itself only creates a function.
  const others: Val[] = [];
  for (const a of node.arguments) {
    if (a === fn) continue;
    if (ts.isSpreadElement(a)) throw new Abort(a, `spread argument at ${where(ctx, a)} is not modelled`);
    others.push(evalExpr(ctx, a, st));
  }
  const len0 = st.lengthOf(recv.ref);
  const effects = mayChangeLengths(fn.body, ctx.checker);
  const refs = reachable(ctx, fn, st, [recv.ref]);
  const loc = where(ctx, node);
  if (st.shared.has(recv.ref)) return untrustedReceiver(ctx, node, fn, refs, st, loc);
  const body = st.clone();
  const element = (s: State): Val => valueOfElem(recv.elem, s, recv.cls);
  if (method === "sort") runBody(ctx, fn, body, [element(body), element(body)], refs, effects);
  else if (method === "reduce" || method === "reduceRight") {
    runBody(ctx, fn, body, [{ k: "opaque", why: `the accumulator of ${method} at ${loc}` }, element(body), indexIn(body, len0, `index of ${method} at ${loc}`), recv], refs, effects);
  } else runBody(ctx, fn, body, [element(body), indexIn(body, len0, `index of ${method} at ${loc}`), recv], refs, effects);
  havocEffects(ctx, fn, st, refs, effects);
  const local = recv.cls === "Array";
  switch (method) {
    case "forEach":
      return { k: "undef" };
    case "some":
    case "every":
      return { k: "bool", t: abstractConst("Bool", `${method} result at ${loc}`) };
    case "findIndex":
    case "findLastIndex": {
      const r = abstractConst("Int", `${method} result at ${loc}`);
      st.assume(or(eq(r, intLit(-1)), and(le(intLit(0), r), lt(r, len0))));
      return { k: "int", t: r, lo: -1n, hi: MAX_ARRAY_LENGTH - 1n };
    }
    case "sort":
      return recv;
    case "map":
      return local ? newArray(ctx, st, "Array", len0, arrayElementType(ctx, node), `map result at ${loc}`) : { k: "opaque", why: `map result on an array of unknown construction at ${loc}` };
    case "filter": {
      if (!local) return { k: "opaque", why: `filter result on an array of unknown construction at ${loc}` };
      const out = newArray(ctx, st, "Array", undefined, undefined, `filter result at ${loc}`);
      if (out.k === "arr") st.assume(le(st.lengthOf(out.ref), len0));
      return out.k === "arr" ? { ...out, elem: recv.elem } : out;
    }
    default:
      void others;
      return { k: "opaque", why: `${method} result at ${loc}` };
  }
}

/**
 * A receiver the function did not build (a parameter, an element, anything that escaped) may be
 * a subclass or proxy whose method calls the callback with any arguments, at any time — even
 * after this call, from a later unknown call. So: the callback may assign no outer variable
 * (else unmodelled), every array it can reach becomes shared (later unknown calls may change
 * it), its body runs with unknown parameters, and the call is an unknown call.
 */
function untrustedReceiver(ctx: ExecCtx, node: ts.CallExpression, fn: Closure, refs: ReadonlySet<number>, st: State, loc: string): Val {
  const assigned = assignedIn(ctx, fn.body).filter((s) => st.env.has(s));
  if (assigned.length > 0) throw new Abort(node, `callback assigning '${assigned[0]!.getName()}' passed to a method of an array of unknown construction at ${loc} is not modelled`);
  for (const ref of refs) st.shared.add(ref);
  st.havocShared(`array lengths after a callback method of an array of unknown construction at ${loc}`);
  const body = st.clone();
  runBody(ctx, fn, body, fn.parameters.map((p) => ({ k: "opaque" as const, why: `callback parameter '${p.name.getText(ctx.sf)}' of a method of an array of unknown construction` })), refs, true);
  return { k: "opaque", why: `result of a callback method of an array of unknown construction at ${loc}` };
}

/** `Array.from(source, callback?)`: `{ length: n }` gives an Array of length ToLength(n); any other source an Array of unknown length. */
export function arrayFrom(ctx: ExecCtx, node: ts.CallExpression, st: State): Val {
  const [source, second] = node.arguments;
  if (source === undefined || node.arguments.length > 2 || ts.isSpreadElement(source) || (second !== undefined && ts.isSpreadElement(second))) {
    throw new Abort(node, `Array.from with these arguments at ${where(ctx, node)} is not modelled`);
  }
  const loc = where(ctx, node);
  let len: ReturnType<State["lengthOf"]> | undefined;
  const lengthProp = ts.isObjectLiteralExpression(source) && source.properties.length === 1 ? source.properties[0] : undefined;
  if (lengthProp && ts.isPropertyAssignment(lengthProp) && ts.isIdentifier(lengthProp.name) && lengthProp.name.text === "length") {
    const n = asNumVal(evalExpr(ctx, lengthProp.initializer, st));
    if (n?.k === "int") {
      len = ite(lt(n.t, intLit(0)), intLit(0), n.t);
      // Past 2^32 - 1 the array cannot be created (RangeError): afterwards the length is valid.
      st.assume(le(len, intLit(MAX_ARRAY_LENGTH)));
    }
  } else {
    // Any other iterable or array-like: evaluated (its effects happen), the result length unknown.
    const v = evalExpr(ctx, source, st);
    if (v.k === "opaque") st.havocShared(`array lengths after Array.from of an unmodelled value at ${loc}`);
  }
  const out = newArray(ctx, st, "Array", len, arrayElementType(ctx, node), `Array.from at ${loc}`);
  if (out.k !== "arr") return out;
  const fn = second !== undefined && isClosure(second) && isModelledCallback(second, ctx.checker) ? second : undefined;
  if (second !== undefined && fn === undefined) throw new Abort(node, `Array.from with a mapping function that is not a closure at ${loc} is not modelled`);
  if (fn) {
    const effects = mayChangeLengths(fn.body, ctx.checker);
    const refs = reachable(ctx, fn, st, []);
    const body = st.clone();
    runBody(ctx, fn, body, [{ k: "opaque", why: `the source element of Array.from at ${loc}` }, indexIn(body, st.lengthOf(out.ref), `index of Array.from at ${loc}`)], refs, effects);
    havocEffects(ctx, fn, st, refs, effects);
  }
  void app;
  return out;
}
