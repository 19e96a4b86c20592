import { ts } from "ts-morph";
import type { ParsedClause } from "../../spec/contract/index.js";
import { isBuiltinIdentifier } from "./builtins.js";
import { isWriteTarget } from "./bindings.js";
import type { ExecCtx } from "./context.js";
import { clauseTerm } from "./contract-eval.js";
import { asNumVal } from "./numbers.js";
import type { FunctionLike } from "./program.js";
import { bounded, newRefId, type RowFact, type State } from "./state.js";
import { abstractConst, and, app, freshConst, implies, intLit, lt, type Term } from "./terms.js";
import { MAX_ARRAY_LENGTH, type ElemType, type Val } from "./values.js";

/**
 * Arrays of arrays (issue 12): the rows of a 2-D array the function built itself, or of a
 * parameter whose preconditions give the row lengths, read as plain Arrays of a known length.
 *
 * An element read `m[i]` of an array of arrays is otherwise an array of unknown provenance
 * (exec-bounds `valueOfElem`): module code may have stored a Proxy or an accessor-bearing array
 * there. Here it is a plain Array whose length is the RowFact's (State.rows) when:
 *
 *  - **where the rows came from is known**: a local `const m = Array.from({ length: n }, () =>
 *    ROW)` or `… = new Array(n).fill(x).map(() => ROW)` (also `Array(n)`), ROW a fresh
 *    `new Array(E)` / `Array(E)` optionally `.fill(literal)` — every row a distinct new plain
 *    Array of length E; or a parameter `g: T[][]` of an entity no module code calls (so the host
 *    built every row from JSON data: runtime/guest/arg-shapes.ts) with a top-level precondition
 *    `forall(i, 0, len(g), len(g[i]) == E …)` (checked at every entry): every row of length E
 *    (`E` = `len(g[0])` gives one unknown length shared by all rows);
 *  - **no row can leave the model's sight**: every use of `m` in the function is `m.length`,
 *    `m[i].length`, `m[i][j]` (read or written), `const r = m[i]` with `r` used the same way
 *    (`r.length`, `r[j]`), or `return m`; never inside a closure, never `m[i] = …`, never a
 *    method call, spread, for-of or argument. So no row is aliased by anything the model does
 *    not track, and the only way a row can change length is an element write at its length
 *    (append by index), which State.lengthChanged sees.
 *
 * A row reference remembers its array (State.rowOf). Anything that may change a row (its length
 * changes, it becomes exotic) or the array (its length changes: an unknown call, a havoc)
 * removes the RowFact and gives every row reference read from it an unknown length
 * (State.forgetRows): two references may be the same row. Reads with the same index term give
 * the same reference, so `g[u].length` and `g[u][k]` agree even when rows differ in length.
 */

/** The row of `m` at the index term `index`, when State.rows says what rows it has. */
export function rowValue(st: State, m: Extract<Val, { k: "arr" }>, index: Val): Val | undefined {
  const fact = st.rows.get(m.ref);
  if (fact === undefined || m.elem.k !== "arr") return undefined;
  const n = asNumVal(index);
  const key = n?.k === "int" ? `${m.ref}:${printKey(n.t)}` : undefined;
  if (key !== undefined) {
    const known = st.rowAt.get(key);
    if (known !== undefined && st.rowOf.get(known) === m.ref && st.rowIndex.has(known) && st.lens.has(known)) return { k: "arr", ref: known, cls: fact.cls, elem: fact.elem ?? m.elem.elem };
  }
  // Per-row lengths need the index as an integer term.
  if (fact.lens !== undefined && n?.k !== "int") return undefined;
  const ref = newRefId();
  st.refClass.set(ref, fact.cls);
  const len = fact.len ?? (fact.lens !== undefined && n?.k === "int" ? app("select", "Int", fact.lens, n.t) : abstractConst("Int", "the length of a row"));
  st.lens.set(ref, len);
  st.assume(bounded(len, 0n, MAX_ARRAY_LENGTH));
  st.rowOf.set(ref, m.ref);
  if (n?.k === "int") st.rowIndex.set(ref, n.t);
  // Rows of an array reachable from outside are reachable from outside too.
  if (st.shared.has(m.ref)) st.shared.add(ref);
  if (key !== undefined) st.rowAt.set(key, ref);
  // Element writes through this reference go through this elem's storable check (a non-number
  // makes the row exotic, which forgets the rows: State.exotic).
  return { k: "arr", ref, cls: fact.cls, elem: fact.elem ?? m.elem.elem };
}

function printKey(t: Term): string {
  switch (t.kind) {
    case "const":
      return `c${t.id}`;
    case "lit":
      return t.text;
    case "bound":
      return `b:${t.name}`;
    case "app":
      return `(${t.op} ${t.args.map(printKey).join(" ")})`;
    case "forall":
      return `(forall ${t.name} ${printKey(t.body)})`;
  }
}

// ---- arrays of rows built row by row ----

/**
 * `const m: T[][] = []`: an array of rows the function builds row by row (`m[i] = ROW`,
 * `m.push(ROW)`, then appends to the rows `m[i][j] = x` at their length). No row yet, so any
 * per-row lengths are right: an unknown SMT array (RowFact.lens), which the stores update.
 */
export function emptyRowFact(init: ts.Expression, name: string): RowFact | undefined {
  let e = init;
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  if (!ts.isArrayLiteralExpression(e) || e.elements.length > 0) return undefined;
  return { lens: abstractConst("IntArray", `the lengths of the rows of ${name}`), cls: "Array" };
}

/**
 * Whether storing `v` as a row of `m` keeps m's per-row lengths true: a plain Array the
 * function made that no other array holds and nothing outside can reach (not shared, not
 * exotic, never a row of any array of rows: State.rowOf keeps even forgotten rows), so it is
 * distinct from every row of `m` — and its elements are what m's rows hold (or it is empty).
 */
export function isFreshRow(st: State, m: Extract<Val, { k: "arr" }>, v: Val): v is Extract<Val, { k: "arr" }> {
  const fact = st.rows.get(m.ref);
  if (fact?.lens === undefined || m.elem.k !== "arr" || v.k !== "arr" || v.cls !== "Array" || v.ref === m.ref) return false;
  if (st.shared.has(v.ref) || st.exotic.has(v.ref) || st.rowOf.has(v.ref) || st.rows.has(v.ref)) return false;
  const rowElem = fact.elem ?? m.elem.elem;
  const len = st.lens.get(v.ref);
  const empty = len?.kind === "lit" && len.text === "0";
  return empty || JSON.stringify(v.elem) === JSON.stringify(rowElem);
}

/**
 * `v` (isFreshRow) is now the row of `m` at `at` (m's length already updated): the per-row
 * lengths record its length there. Every other reference to a row of `m` may be the row it
 * replaced: it keeps its length (that object did not change) but no longer counts as the
 * row at its index (a length change through it forgets m's rows).
 */
export function storeRow(st: State, m: Extract<Val, { k: "arr" }>, at: Term, v: Extract<Val, { k: "arr" }>, fact: RowFact): void {
  for (const [row, of] of st.rowOf) if (of === m.ref) st.rowIndex.delete(row);
  for (const key of [...st.rowAt.keys()]) if (key.startsWith(`${m.ref}:`)) st.rowAt.delete(key);
  st.rows.set(m.ref, { ...fact, lens: app("store", "IntArray", fact.lens!, at, st.lengthOf(v.ref)) });
  st.rowOf.set(v.ref, m.ref);
  st.rowIndex.set(v.ref, at);
  st.rowAt.set(`${m.ref}:${printKey(at)}`, v.ref);
}

// ---- which arrays of arrays qualify ----

const trackCache = new WeakMap<ts.Symbol, boolean>();

/** Every use of `sym` (in `fn`) keeps its rows in sight (see the module comment). */
export function rowsStayInSight(ctx: ExecCtx, sym: ts.Symbol, fn: FunctionLike): boolean {
  const cached = trackCache.get(sym);
  if (cached !== undefined) return cached;
  let ok = true;
  const decls = new Set<ts.Node>((sym.getDeclarations() ?? []).map((d) => (ts.isVariableDeclaration(d) || ts.isParameter(d) ? d.name : d)));
  const visit = (n: ts.Node, inClosure: boolean): void => {
    if (!ok) return;
    if (ts.isIdentifier(n) && !decls.has(n) && ctx.checker.getSymbolAtLocation(n) === sym) {
      if (inClosure || !useKeepsRows(ctx, n, fn)) ok = false;
      return;
    }
    ts.forEachChild(n, (c) => visit(c, inClosure || ts.isFunctionLike(c)));
  };
  if (fn.body) visit(fn.body, false);
  trackCache.set(sym, ok);
  return ok;
}

function useKeepsRows(ctx: ExecCtx, id: ts.Identifier, fn: FunctionLike): boolean {
  const p = id.parent;
  if (ts.isReturnStatement(p)) return true;
  // `m.push(x)`: a new row (kept in sight when x is a fresh array, storeRow; otherwise the
  // model forgets the rows).
  if (ts.isPropertyAccessExpression(p) && p.expression === id && p.name.text === "push" && ts.isCallExpression(p.parent) && p.parent.expression === p) return true;
  if (ts.isPropertyAccessExpression(p) && p.expression === id) return p.name.text === "length" && !isWriteTarget(p);
  if (!(ts.isElementAccessExpression(p) && p.expression === id)) return false;
  // `m[i] = x`: a row stored (the same).
  if (isWriteTarget(p)) return ts.isBinaryExpression(p.parent) && p.parent.left === p && p.parent.operatorToken.kind === ts.SyntaxKind.EqualsToken;
  // `m[i]`: a row.
  return rowUseKeepsRows(ctx, p, fn);
}

/** A row expression `m[i]` (or a row variable): used only as `.length`, `[j]`, or a const row variable used so. */
function rowUseKeepsRows(ctx: ExecCtx, row0: ts.Expression, fn: FunctionLike): boolean {
  // `g[i]!` and `(g[i])` are the row itself.
  let row: ts.Expression = row0;
  while (ts.isNonNullExpression(row.parent) || ts.isParenthesizedExpression(row.parent)) row = row.parent;
  const q = row.parent;
  if (ts.isElementAccessExpression(q) && q.expression === row) return true;
  if (ts.isPropertyAccessExpression(q) && q.expression === row) return q.name.text === "length" && !isWriteTarget(q);
  if (ts.isVariableDeclaration(q) && q.initializer === row && ts.isIdentifier(q.name) && ts.getCombinedNodeFlags(q) & ts.NodeFlags.Const) {
    const rowSym = ctx.checker.getSymbolAtLocation(q.name);
    if (!rowSym) return false;
    let ok = true;
    const visit = (n: ts.Node, inClosure: boolean): void => {
      if (!ok) return;
      if (ts.isIdentifier(n) && n !== q.name && ctx.checker.getSymbolAtLocation(n) === rowSym) {
        const u = n.parent;
        const fine = !inClosure && ((ts.isElementAccessExpression(u) && u.expression === n) || (ts.isPropertyAccessExpression(u) && u.expression === n && u.name.text === "length" && !isWriteTarget(u)));
        if (!fine) ok = false;
        return;
      }
      ts.forEachChild(n, (c) => visit(c, inClosure || ts.isFunctionLike(c)));
    };
    if (fn.body) visit(fn.body, false);
    return ok;
  }
  return false;
}

// ---- local arrays of rows ----

/**
 * `Array.from({ length: n }, () => ROW)` or `new Array(n).fill(x).map(() => ROW)` (also
 * `Array(n)`), ROW a fresh row (see rowExpression); undefined for anything else. The row length
 * E is evaluated after the call: its names are not assigned anywhere in `init`, so they hold
 * what they held when each row was made.
 */
export function localRowFact(ctx: ExecCtx, init: ts.Expression, st: State, evalExpr: (e: ts.Expression, st: State) => Val, matrixLength: Term): { len: Term; cls: string; elem?: ElemType } | undefined {
  let e = init;
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
  if (!ts.isCallExpression(e) || !ts.isPropertyAccessExpression(e.expression)) return undefined;
  const callee = e.expression;
  let factory: ts.Expression | undefined;
  if (callee.name.text === "from" && ts.isIdentifier(callee.expression) && callee.expression.text === "Array" && isBuiltinIdentifier(ctx, callee.expression) && e.arguments.length === 2) {
    factory = e.arguments[1];
  } else if (callee.name.text === "map" && e.arguments.length === 1 && isFreshArrayOfN(ctx, callee.expression)) {
    factory = e.arguments[0];
  }
  if (factory === undefined || !(ts.isArrowFunction(factory) || ts.isFunctionExpression(factory)) || factory.parameters.length > 2) return undefined;
  const body = factory.body;
  let result: ts.Expression | undefined;
  if (!ts.isBlock(body)) result = body;
  else if (body.statements.length === 1 && ts.isReturnStatement(body.statements[0]!)) result = body.statements[0].expression;
  const len = result === undefined ? undefined : rowExpression(ctx, result);
  if (len === undefined) return undefined;
  // E's names: declared outside the factory, and not assigned anywhere in the initializer.
  const params = new Set(factory.parameters.map((p) => (ts.isIdentifier(p.name) ? ctx.checker.getSymbolAtLocation(p.name) : undefined)));
  let ok = true;
  const names = new Set<ts.Symbol>();
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) {
      const s = ctx.checker.getSymbolAtLocation(n);
      if (s === undefined || params.has(s)) ok = false;
      else names.add(s);
    }
    ts.forEachChild(n, visit);
  };
  visit(len);
  const assigns = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && isWriteTarget(n)) {
      const s = ctx.checker.getSymbolAtLocation(n);
      if (s && names.has(s)) ok = false;
    }
    ts.forEachChild(n, assigns);
  };
  assigns(init);
  if (!ok) return undefined;
  // E on a copy: its exactness conditions are not goals of later sites. If any row exists,
  // `new Array(E)` ran without a RangeError, so E was an exact valid length: that is assumed.
  const scratch = st.clone();
  const v = asNumVal(evalExpr(len, scratch));
  if (v?.k !== "int") return undefined;
  for (const f of scratch.pc.slice(st.pc.length)) st.assume(f);
  st.assume(implies(lt(intLit(0), matrixLength), and(...scratch.exact.slice(st.exact.length), bounded(v.t, 0n, MAX_ARRAY_LENGTH))));
  const elem = result === undefined ? undefined : filledWith(result);
  return elem === undefined ? { len: v.t, cls: "Array" } : { len: v.t, cls: "Array", elem };
}

/** `new Array(n)` / `Array(n)` / `new Array<T>(n)`, optionally `.fill(x)`: an array the function just made (its elements are dropped by map). */
function isFreshArrayOfN(ctx: Pick<ExecCtx, "checker">, e: ts.Expression): boolean {
  let x = e;
  if (ts.isCallExpression(x) && ts.isPropertyAccessExpression(x.expression) && x.expression.name.text === "fill" && x.arguments.length === 1 && isLiteralish(x.arguments[0]!)) x = x.expression.expression;
  return arrayOfLength(ctx, x) !== undefined;
}

/** The E of a fresh row `new Array(E)` / `Array(E)` (with an optional `.fill(literal)`), E made of names, numeric literals, `+ - *` and `.length`. */
export function rowExpression(ctx: Pick<ExecCtx, "checker">, e0: ts.Expression, withLength = true): ts.Expression | undefined {
  let e = e0;
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === "fill" && e.arguments.length === 1 && isLiteralish(e.arguments[0]!)) e = e.expression.expression;
  const len = arrayOfLength(ctx, e);
  return len !== undefined && simpleLength(len, withLength) ? len : undefined;
}

/** A fresh row whose length reads no property (so making it runs no code at all): no effect on any existing array. */
export function isEffectFreeRow(ctx: Pick<ExecCtx, "checker">, e: ts.Expression): boolean {
  return rowExpression(ctx, e, false) !== undefined;
}

function arrayOfLength(ctx: Pick<ExecCtx, "checker">, e: ts.Expression): ts.Expression | undefined {
  if ((ts.isNewExpression(e) || ts.isCallExpression(e)) && ts.isIdentifier(e.expression) && e.expression.text === "Array" && isBuiltinIdentifier(ctx, e.expression) && e.arguments?.length === 1) {
    return e.arguments[0];
  }
  return undefined;
}

/** `new Array(E).fill(0)` → numbers, `.fill(false)` → booleans: what every element of a fresh row is. */
function filledWith(e0: ts.Expression): ElemType | undefined {
  let e = e0;
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  if (!ts.isCallExpression(e) || !ts.isPropertyAccessExpression(e.expression) || e.expression.name.text !== "fill" || e.arguments.length !== 1) return undefined;
  const x = e.arguments[0]!;
  if (ts.isNumericLiteral(x) || (ts.isPrefixUnaryExpression(x) && x.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(x.operand))) return { k: "num" };
  if (x.kind === ts.SyntaxKind.TrueKeyword || x.kind === ts.SyntaxKind.FalseKeyword) return { k: "bool" };
  return undefined;
}

function isLiteralish(e: ts.Expression): boolean {
  if (ts.isNumericLiteral(e) || e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword) return true;
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(e.operand)) return true;
  return false;
}

function simpleLength(e: ts.Expression, withLength: boolean): boolean {
  if (ts.isNumericLiteral(e) || ts.isIdentifier(e)) return true;
  if (ts.isParenthesizedExpression(e)) return simpleLength(e.expression, withLength);
  if (ts.isPropertyAccessExpression(e)) return withLength && e.name.text === "length" && ts.isIdentifier(e.expression);
  if (ts.isBinaryExpression(e)) {
    const k = e.operatorToken.kind;
    return (k === ts.SyntaxKind.PlusToken || k === ts.SyntaxKind.MinusToken || k === ts.SyntaxKind.AsteriskToken) && simpleLength(e.left, withLength) && simpleLength(e.right, withLength);
  }
  return false;
}

// ---- parameters with row-length preconditions ----

/**
 * Row facts for parameters `g: T[][]` from top-level precondition conjuncts
 * `forall(i, 0, len(g), len(g[i]) == E && …)`: every row has length E (a fresh length shared by
 * all rows when E is `len(g[0])`), E over the parameters' entry values. Only for the `eligible`
 * parameters (an entity no module code calls, rows that stay in sight).
 */
export function parameterRowFacts(pre: readonly ParsedClause[], eligible: ReadonlyMap<string, Val>, params: ReadonlyMap<string, Val>, st: State): void {
  for (const clause of pre) {
    if (clause.kind !== "formal") continue;
    for (const c of conjuncts(clause.expr)) {
      if (c.tag !== "forall" || c.lo.tag !== "num" || c.lo.value !== 0 || c.hi.tag !== "len" || c.hi.of.tag !== "name") continue;
      const g = eligible.get(c.hi.of.name);
      if (g?.k !== "arr" || g.elem.k !== "arr" || g.elem.cls !== "Array" || st.rows.has(g.ref)) continue;
      const i = c.variable;
      for (const b of conjuncts(c.body)) {
        if (b.tag !== "bin" || b.op !== "==") continue;
        const gName = c.hi.of.name;
        const isRowLen = (x: Expr, idx: (y: Expr) => boolean): boolean => x.tag === "len" && x.of.tag === "index" && x.of.of.tag === "name" && x.of.of.name === gName && idx(x.of.index);
        const side = isRowLen(b.left, (y) => y.tag === "name" && y.name === i) ? b.right : isRowLen(b.right, (y) => y.tag === "name" && y.name === i) ? b.left : undefined;
        if (side === undefined) continue;
        let len: Term | undefined;
        if (isRowLen(side, (y) => y.tag === "num" && y.value === 0)) {
          len = freshConst("Int", `${gName}[0].length`);
        } else {
          if (mentions(side, i)) continue;
          // E as a term: the clause `__row == E` over the entry values, with __row a fresh Int.
          const row = freshConst("Int", `the length of every row of ${gName}`);
          const names = new Map(params);
          names.set("__anrf_row", { k: "int", t: row });
          const t = clauseTerm({ tag: "bin", op: "==", left: { tag: "name", name: "__anrf_row" }, right: side }, { names, current: st, entry: st });
          if (!t.ok || t.exact.length > 0) continue;
          for (const d of t.defs) st.assume(d);
          st.assume(t.term);
          len = row;
        }
        st.assume(bounded(len, 0n, MAX_ARRAY_LENGTH));
        st.rows.set(g.ref, { len, cls: "Array" });
        break;
      }
    }
  }
}

type Expr = Extract<ParsedClause, { kind: "formal" }>["expr"];

function conjuncts(e: Expr): Expr[] {
  return e.tag === "bin" && e.op === "&&" ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

function mentions(e: unknown, name: string): boolean {
  if (e === null || typeof e !== "object") return false;
  const o = e as { tag?: string; name?: string };
  if (o.tag === "name" && o.name === name) return true;
  return Object.values(e).some((v) => mentions(v, name));
}

/** Whether any code of the module other than the function's own declaration refers to it (a call from module code). */
export function calledFromModule(ctx: Pick<ExecCtx, "checker" | "sf">, fn: FunctionLike): boolean {
  const name = fn.name;
  if (name === undefined || !ts.isIdentifier(name)) return true;
  const sym = ctx.checker.getSymbolAtLocation(name);
  if (!sym) return true;
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(n) && n !== name && n.text === name.text && ctx.checker.getSymbolAtLocation(n) === sym) found = true;
    else ts.forEachChild(n, visit);
  };
  visit(ctx.sf);
  return found;
}
