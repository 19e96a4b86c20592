import { ts } from "ts-morph";
import { isWriteTarget, writtenSymbols } from "./bindings.js";
import { isBuiltinIdentifier } from "./builtins.js";
import type { ExecCtx } from "./context.js";

/**
 * Module-local helpers (issue 12): `swap(a, i, j)`, `heapify(a, n, i)`, `reverse(a, i, j)`,
 * `expand(s, l, r)` — functions of the module that are not entities. A call to one used to be
 * an unknown call: every array argument escaped (exotic: its later sites unsupported) and every
 * shared length became unknown. A *well-behaved* helper needs neither:
 *
 *  - it is a function declaration of this module (not async, not a generator), with plain
 *    identifier parameters and no closure, `this`, `arguments` or `eval` inside;
 *  - every outside name it uses is a builtin (`Math`, `Number`, `undefined`, …), a module-level
 *    `const` of a literal, or another well-behaved helper it calls (itself included: this is a
 *    greatest fixpoint, sound by induction on the depth of the calls that return);
 *  - an array parameter is only read by index (`a[i]`), written by index (`a[i] = v`, swaps),
 *    asked its `.length`, or passed on to a well-behaved helper — never a method call (no
 *    push/pop/splice), never assigned to anything, stored, returned or given to other code;
 *  - what it stores into an array parameter has TypeScript type `number` or `boolean`.
 *
 * Then a call changes no array length and no element outside its array arguments (whose
 * contents, and their aliases', become unknown) (an element write at or past the length is a bounds
 * violation: the helper's sites are not entity sites, so the runtime checks every one of them
 * before it runs) and leaves every array argument plain, holding numbers (or booleans). Its own
 * sites are checked at run time, not proved here. Its result is a fresh value of its declared
 * return type (number or boolean; anything else unmodelled).
 */

const verdicts = new WeakMap<ts.FunctionDeclaration, boolean>();
const writtenCache = new WeakMap<ts.SourceFile, Set<ts.Symbol>>();

/** A function binding the module assigns (`g = other`: legal JavaScript) is not the declaration. */
function rebound(ctx: Pick<ExecCtx, "checker" | "sf">, sym: ts.Symbol): boolean {
  let written = writtenCache.get(ctx.sf);
  if (written === undefined) {
    written = writtenSymbols(ctx.sf, ctx.checker);
    writtenCache.set(ctx.sf, written);
  }
  return written.has(sym);
}

/** The module-local helper a call targets, if the call can be summarised (see above). */
export function wellBehavedHelper(ctx: Pick<ExecCtx, "checker" | "sf">, callee: ts.Identifier): ts.FunctionDeclaration | undefined {
  const sym = ctx.checker.getSymbolAtLocation(callee);
  const decl = sym?.valueDeclaration;
  if (sym === undefined || decl === undefined || !ts.isFunctionDeclaration(decl) || decl.getSourceFile() !== ctx.sf || rebound(ctx, sym)) return undefined;
  return wellBehaved(ctx, decl, new Set()) ? decl : undefined;
}

function wellBehaved(ctx: Pick<ExecCtx, "checker" | "sf">, fn: ts.FunctionDeclaration, assumed: Set<ts.FunctionDeclaration>): boolean {
  const known = verdicts.get(fn);
  if (known !== undefined) return known;
  if (assumed.has(fn)) return true; // greatest fixpoint: assume, then check
  assumed.add(fn);
  const ok = check(ctx, fn, assumed);
  assumed.delete(fn);
  if (assumed.size === 0 || !ok) verdicts.set(fn, ok);
  return ok;
}

function check(ctx: Pick<ExecCtx, "checker" | "sf">, fn: ts.FunctionDeclaration, assumed: Set<ts.FunctionDeclaration>): boolean {
  const { checker } = ctx;
  if (!fn.body || fn.asteriskToken || fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) return false;
  const arrays = new Set<ts.Symbol>();
  for (const p of fn.parameters) {
    if (!ts.isIdentifier(p.name) || p.dotDotDotToken || p.initializer || p.questionToken) return false;
    const sym = checker.getSymbolAtLocation(p.name);
    if (!sym) return false;
    const t = checker.getTypeAtLocation(p);
    if (checker.isArrayType(t)) arrays.add(sym);
  }
  const own = (sym: ts.Symbol): boolean => (sym.getDeclarations() ?? []).some((d) => d.pos >= fn.pos && d.end <= fn.end);
  let ok = true;
  const visit = (n: ts.Node): void => {
    if (!ok) return;
    if (n !== fn && ts.isFunctionLike(n)) return void (ok = false);
    if (n.kind === ts.SyntaxKind.ThisKeyword) return void (ok = false);
    if (ts.isIdentifier(n)) {
      if (!identifierOk(n)) ok = false;
      return;
    }
    if (ts.isPropertyAccessExpression(n)) {
      // `.length` and builtin namespaces (Math.floor) only; the name itself is not a variable.
      visit(n.expression);
      return;
    }
    ts.forEachChild(n, visit);
  };
  const identifierOk = (id: ts.Identifier): boolean => {
    const p = id.parent;
    if ((ts.isPropertyAccessExpression(p) && p.name === id) || (ts.isParameter(p) && p.name === id) || (ts.isVariableDeclaration(p) && p.name === id) || (ts.isFunctionDeclaration(p) && p.name === id)) return true;
    if (id.text === "arguments" || id.text === "eval") return false;
    const sym = checker.getSymbolAtLocation(id);
    if (sym === undefined) return false;
    if (arrays.has(sym)) return arrayUseOk(id);
    // The helper's own locals and other parameters: anything (they alias no array argument:
    // an array parameter is never assigned or given to anything).
    if (own(sym)) return true;
    if (isBuiltinIdentifier({ checker }, id)) return true;
    const decl = sym.valueDeclaration;
    if (decl && ts.isFunctionDeclaration(decl) && decl.getSourceFile() === ctx.sf && ts.isCallExpression(p) && p.expression === id) return !rebound(ctx, sym) && wellBehaved(ctx, decl, assumed);
    if (decl && ts.isVariableDeclaration(decl) && ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const && decl.initializer && (ts.isNumericLiteral(decl.initializer) || ts.isStringLiteral(decl.initializer))) return true;
    return false;
  };
  const arrayUseOk = (id: ts.Identifier): boolean => {
    const p = id.parent;
    if (ts.isPropertyAccessExpression(p) && p.expression === id) return p.name.text === "length" && !isWriteTarget(p);
    if (ts.isElementAccessExpression(p) && p.expression === id) {
      if (written(p)) return storedValuesOk(p);
      // An element that is itself an array (a row): only read — by index, its length, for-of.
      return !nested(id) || rowReadOnly(p);
    }
    // Passed on to a well-behaved helper (checked when the callee identifier is visited).
    if (ts.isCallExpression(p) && p.arguments.includes(id) && ts.isIdentifier(p.expression)) {
      const decl = checker.getSymbolAtLocation(p.expression)?.valueDeclaration;
      return decl !== undefined && ts.isFunctionDeclaration(decl) && decl.getSourceFile() === ctx.sf;
    }
    return false;
  };
  /** `a[i] = v`, `a[i] += v`, `[a[i], a[j]] = [x, y]`: every value stored is a number or boolean. */
  const storedValuesOk = (target: ts.ElementAccessExpression): boolean => {
    const p = target.parent;
    if (ts.isBinaryExpression(p) && p.left === target) return primitive(p.right) && p.operatorToken.kind !== ts.SyntaxKind.QuestionQuestionEqualsToken;
    if ((ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) && p.operand === target) return true;
    if (ts.isArrayLiteralExpression(p)) {
      const assign = p.parent;
      if (ts.isBinaryExpression(assign) && assign.left === p && assign.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isArrayLiteralExpression(assign.right)) {
        return assign.right.elements.every((e) => !ts.isSpreadElement(e) && primitive(e));
      }
    }
    return false;
  };
  /** isWriteTarget, except that an element of an array literal on the right of `=` is read. */
  const written = (e: ts.Expression): boolean => {
    const lit = e.parent;
    if (ts.isArrayLiteralExpression(lit)) {
      const a = lit.parent;
      if (ts.isBinaryExpression(a) && a.right === lit && a.operatorToken.kind === ts.SyntaxKind.EqualsToken) return false;
    }
    return isWriteTarget(e);
  };
  const nested = (id: ts.Identifier): boolean => {
    const t = checker.getTypeAtLocation(id);
    const elem = checker.isArrayType(t) ? checker.getTypeArguments(t as ts.TypeReference)[0] : undefined;
    return elem === undefined || !primitiveType(elem);
  };
  const rowReadOnly = (row: ts.ElementAccessExpression): boolean => {
    const q = row.parent;
    if (ts.isElementAccessExpression(q) && q.expression === row) return !isWriteTarget(q) && primitiveType(checker.getTypeAtLocation(q));
    if (ts.isPropertyAccessExpression(q) && q.expression === row) return q.name.text === "length" && !isWriteTarget(q);
    return ts.isForOfStatement(q) && q.expression === row;
  };
  const primitiveType = (t: ts.Type): boolean => {
    const f = t.getFlags();
    return !(f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) && (Boolean(f & ts.TypeFlags.NumberLike) || Boolean(f & ts.TypeFlags.BooleanLike));
  };
  const primitive = (e: ts.Expression): boolean => {
    const t = checker.getTypeAtLocation(e);
    const f = t.getFlags();
    return !(f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) && (Boolean(f & ts.TypeFlags.NumberLike) || Boolean(f & ts.TypeFlags.BooleanLike));
  };
  visit(fn.body);
  return ok;
}
