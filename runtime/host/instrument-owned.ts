/**
 * Arrays a function owns (pure, syntactic): a local array that only this invocation of the
 * function can reach, so that its length changes only where the function's own code visibly
 * changes it — what a versioned loop needs to check an array's range once before the loop
 * (instrument-hoist.ts), as it does for strings and typed arrays.
 *
 * A `const`/`let` x of the function (its only declaration there, never assigned again) is owned
 * when
 *  - its initialiser is a fresh array: an array literal without spreads, `new Array(…)` or
 *    `Array(…)` (the global `Array`: the module declares no `Array` of its own), one of these
 *    followed by `.fill(…)` (which returns the same array), or `Array.from({ length: n })`,
 *    also with a callback (rows when its body is a fresh array expression); and
 *  - every use of x in the function is `x.length` (read), `x[E]` (read, or the target of an
 *    assignment, compound assignment or `++`/`--`), or `x.push(…)`; and x appears in no nested
 *    function or class (nothing can capture it).
 * Such an array never escapes: no call, return, store or closure ever receives it, and
 * `x[E]()` (which would pass x as `this`) is not one of the allowed uses. A fresh array is a
 * genuine Array with the intrinsic prototype (frozen by the sandbox's lockdown: no accessor on
 * an index, no overridden `push` or `fill`; the compartment's global `Array` cannot be rebound),
 * and no code but the function's can define an accessor on it or change its length: only
 * `x.push(…)` and writes `x[E] = …` in the function can, at those visible places. Whatever
 * else runs meanwhile (valueOf of an element, a callee, a getter of another object) cannot
 * reach x. One visible write can change more than elements: `x["__proto__"] = p` (a string key
 * is no bounds site) — so the range check also tests the prototype (checks.ts `al`).
 *
 * Claimed parameters: a parameter declared as an array, with the same uses, of a function the
 * host may call (`claimable`) is owned in a call the host made with arguments it rebuilt — the
 * function's prologue claims them (guest/checks.ts `claim`), and a range check tests the answer.
 *
 * Rows: x also *owns its rows* when every value stored into it (literal elements, `push`
 * arguments, assigned values) is itself a fresh array expression (as above; `fill` only with a
 * literal), or the initialiser's `fill` gives primitives, and every `x[E]` whose value is used
 * is immediately the receiver of another element access (`x[E][F]`, read or written, not
 * called) or of `.length`. Then each row is reachable only through x, and changes length only
 * by a write `x[E][F] = …` in the function.
 */
import { ts } from "ts-morph";
import { factsOf, initialisedBefore, isAssignmentOperator, isFunctionLike, strip, type FunctionLike } from "./instrument-hoist.js";
import type { ValueShape } from "../guest/protocol.js";

export interface OwnedArray {
  readonly decl: ts.VariableDeclaration | ts.ParameterDeclaration;
  /** Its elements that are arrays are fresh rows only it reaches (see the header). */
  readonly rows: boolean;
  /**
   * A claimed parameter (its index): owned only in a call the host made with arguments it
   * rebuilt — the function's prologue asks `C.claim` and a loop's range check tests the answer.
   */
  readonly claim?: number | undefined;
  /** The function never writes or pushes it (a claimed parameter's length is then one for the whole call). */
  readonly readOnly: boolean;
}

const cache = new WeakMap<ts.Node, ReadonlyMap<string, OwnedArray>>();

/** The arrays `fn` owns, by name. */
export function ownedArrays(fn: FunctionLike): ReadonlyMap<string, OwnedArray> {
  const hit = cache.get(fn);
  if (hit !== undefined) return hit;
  const out = new Map<string, OwnedArray>();
  const sf = fn.getSourceFile();
  const facts = factsOf(fn);
  if (!facts.eval && fn.body !== undefined && !declaresArray(sf)) {
    for (const [name, decls] of facts.decls) {
      if (decls.length !== 1) continue;
      const d = decls[0]!;
      if (!ts.isVariableDeclaration(d) || !ts.isIdentifier(d.name) || d.initializer === undefined) continue;
      if (!ts.isVariableDeclarationList(d.parent) || (d.parent.flags & ts.NodeFlags.BlockScoped) === 0) continue;
      const init = freshArray(d.initializer);
      if (init === undefined) continue;
      const uses = usesOf(name, fn, d);
      if (uses === undefined) continue;
      out.set(name, { decl: d, rows: init.rows && uses.rows, readOnly: readOnly(name, fn) });
    }
    if (claimable(fn)) {
      fn.parameters.forEach((p, i) => {
        const name = (p.name as ts.Identifier).text;
        // Declared an array (the host rebuilds it as one; a typed array's range check is C.rl's).
        if (facts.decls.get(name)?.length !== 1 || !declaredArray(p.type)) return;
        const uses = usesOf(name, fn, p);
        // No rows: the host rebuilds the array itself, but an element of shape `any` is passed as
        // it came, and one message may hold the same object twice (in two arguments).
        if (uses !== undefined) out.set(name, { decl: p, rows: false, claim: i, readOnly: readOnly(name, fn) });
      });
    }
  }
  cache.set(fn, out);
  return out;
}

/**
 * Parameters of `fn` whose value at every return of a call that `fn` claimed *as its entity's
 * entry* (guest/checks.ts `claim` then `ca`: the host called exactly this function with
 * arguments it rebuilt to `shapes`, after running that entry's registered check on them, which
 * passed) is still the value that check saw:
 *  - a parameter of shape number, string or boolean: a postcondition reads its entry snapshot,
 *    the admitted primitive;
 *  - a parameter of shape array-of-primitives or typed array: rebuilt by the host (a fresh dense
 *    array of primitives, or a new typed array on its own buffer) and reached by nothing else,
 *    and `fn` only reads it — every use `x.length` or `x[E]` read, never written, pushed,
 *    passed, returned or captured (usesOf and readOnly, as for an owned array) — so neither its
 *    elements nor its length can change during the call.
 * A postcondition that is also one of the entry's preconditions and names only such parameters
 * therefore holds at every return of such a call exactly when it held at entry, where it was
 * checked: the visitor skips its evaluation there (instrument-visitor.ts inlinePostconditions).
 * `shapes` are the entry's (param-shapes.ts entryShape), in parameter order.
 */
export function unchangedParams(fn: FunctionLike, shapes: readonly { readonly name: string; readonly shape: ValueShape }[]): ReadonlySet<string> {
  const out = new Set<string>();
  if (!claimable(fn) || fn.body === undefined || shapes.length !== fn.parameters.length) return out;
  const facts = factsOf(fn);
  if (facts.eval) return out;
  const primitive = (k: ValueShape["k"]) => k === "number" || k === "string" || k === "boolean";
  fn.parameters.forEach((p, i) => {
    const name = (p.name as ts.Identifier).text;
    const shape = shapes[i]!;
    if (shape.name !== name) return;
    if (primitive(shape.shape.k)) out.add(name);
    else if (shape.shape.k === "typed" || (shape.shape.k === "array" && primitive(shape.shape.elem.k))) {
      if (facts.decls.get(name)?.length === 1 && usesOf(name, fn, p) !== undefined && readOnly(name, fn)) out.add(name);
    }
  });
  return out;
}

function readOnly(name: string, fn: FunctionLike): boolean {
  if (fn.body === undefined) return true;
  const w = ownedWrites(name, fn.body);
  return w.self.length === 0 && w.pushes === 0;
}

/**
 * A function whose array parameters it may claim: a named, module-level function declaration
 * (what the host calls, by the object its name denotes before module code runs), not a
 * generator (its body would start at the first `next()`), whose parameters are plain names
 * (no default or destructuring runs code before the prologue; no rest) and which never says
 * `arguments` (that would reach the parameters' values another way).
 */
function claimable(fn: FunctionLike): fn is ts.FunctionDeclaration {
  if (!ts.isFunctionDeclaration(fn) || fn.name === undefined || fn.asteriskToken !== undefined || !ts.isSourceFile(fn.parent)) return false;
  if (fn.parameters.some((p) => !ts.isIdentifier(p.name) || p.initializer !== undefined || p.dotDotDotToken !== undefined)) return false;
  let args = false;
  const walk = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && n.text === "arguments") args = true;
    else if (!args) ts.forEachChild(n, walk);
  };
  walk(fn);
  return !args;
}

function declaredArray(t: ts.TypeNode | undefined): boolean {
  if (t === undefined) return false;
  if (ts.isParenthesizedTypeNode(t)) return declaredArray(t.type);
  if (ts.isTypeOperatorNode(t) && t.operator === ts.SyntaxKind.ReadonlyKeyword) return declaredArray(t.type);
  if (ts.isArrayTypeNode(t)) return true;
  return ts.isTypeReferenceNode(t) && ts.isIdentifier(t.typeName) && (t.typeName.text === "Array" || t.typeName.text === "ReadonlyArray");
}

/** A fresh array expression, and whether every array among its elements is a fresh row. */
export function freshArray(e0: ts.Expression): { rows: boolean } | undefined {
  const e = strip(e0);
  if (ts.isArrayLiteralExpression(e)) {
    if (e.elements.some((x) => ts.isSpreadElement(x))) return undefined;
    return { rows: e.elements.every((x) => ts.isOmittedExpression(x) || primitiveLiteral(x) || freshArray(x) !== undefined) };
  }
  if ((ts.isNewExpression(e) || ts.isCallExpression(e)) && ts.isIdentifier(e.expression) && e.expression.text === "Array") {
    // new Array(n) has holes when n is a number, and holds n otherwise (as new Array(a, b, …)
    // holds a, b, …): rows only when those are fresh arrays or surely primitives.
    const args = e.arguments ?? [];
    if (args.some((x) => ts.isSpreadElement(x))) return undefined;
    return { rows: args.every((x) => primitiveLiteral(x) || primitiveResult(x) || freshArray(x) !== undefined) };
  }
  // Array.from({ length: n }) and Array.from({ length: n }, (…) => FRESH): the intrinsic builds a
  // new Array (its `this` is the global Array); a callback whose body is just a fresh array
  // expression hands out rows nothing else holds (it cannot reach x, which does not exist yet).
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && ts.isIdentifier(e.expression.expression) && e.expression.expression.text === "Array" && e.expression.name.text === "from" && !ts.isPropertyAccessChain(e.expression) && !ts.isCallChain(e)) {
    const [source, map, ...rest] = e.arguments;
    if (source === undefined || rest.length > 0 || !lengthOnly(source)) return undefined;
    if (map === undefined) return { rows: true };
    const m = strip(map);
    if (!ts.isArrowFunction(m) || !ts.isExpression(m.body)) return { rows: false };
    return { rows: freshArray(m.body) !== undefined };
  }
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === "fill" && !ts.isPropertyAccessChain(e.expression) && !ts.isCallChain(e)) {
    const inner = freshArray(e.expression.expression);
    if (inner === undefined) return undefined;
    if (e.arguments.some((x) => ts.isSpreadElement(x))) return undefined;
    // fill(v) overwrites every element; fill(v, start, end) perhaps not all of them.
    const value = e.arguments[0];
    return { rows: (value === undefined || primitiveLiteral(value)) && (e.arguments.length <= 1 || inner.rows) };
  }
  return undefined;
}

/** `{ length: E }`: an array-like without an iterator or any other property (Array.from reads only its length). */
function lengthOnly(e0: ts.Expression): boolean {
  const e = strip(e0);
  if (!ts.isObjectLiteralExpression(e) || e.properties.length !== 1) return false;
  const p = e.properties[0]!;
  return ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === "length";
}

/** An operator whose result is always a primitive (ToPrimitive/ToNumeric first): `n + 1`, `-n`, `a * b`, `~n`, … */
function primitiveResult(e0: ts.Expression): boolean {
  const e = strip(e0);
  if (ts.isBinaryExpression(e)) {
    const k = e.operatorToken.kind;
    return [ts.SyntaxKind.PlusToken, ts.SyntaxKind.MinusToken, ts.SyntaxKind.AsteriskToken, ts.SyntaxKind.SlashToken, ts.SyntaxKind.PercentToken, ts.SyntaxKind.AsteriskAsteriskToken, ts.SyntaxKind.BarToken, ts.SyntaxKind.AmpersandToken, ts.SyntaxKind.CaretToken, ts.SyntaxKind.LessThanLessThanToken, ts.SyntaxKind.GreaterThanGreaterThanToken, ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken].includes(k);
  }
  return ts.isPrefixUnaryExpression(e) && [ts.SyntaxKind.PlusToken, ts.SyntaxKind.MinusToken, ts.SyntaxKind.TildeToken].includes(e.operator);
}

function primitiveLiteral(e0: ts.Expression): boolean {
  const e = strip(e0);
  if (ts.isNumericLiteral(e) || ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isBigIntLiteral(e)) return true;
  if (e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword || e.kind === ts.SyntaxKind.NullKeyword) return true;
  return ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(strip(e.operand));
}

/** The module declares a binding named `Array` somewhere (then `Array(…)` may not be the intrinsic). */
function declaresArray(sf: ts.SourceFile): boolean {
  let found = false;
  const walk = (n: ts.Node): void => {
    if (found) return;
    const name = (n as { name?: ts.Node }).name;
    if (name !== undefined && ts.isIdentifier(name) && name.text === "Array" && (ts.isVariableDeclaration(n) || ts.isParameter(n) || ts.isBindingElement(n) || ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n) || ts.isImportSpecifier(n) || ts.isImportClause(n) || ts.isNamespaceImport(n) || ts.isImportEqualsDeclaration(n) || ts.isEnumDeclaration(n) || ts.isModuleDeclaration(n) || ts.isFunctionExpression(n) || ts.isClassExpression(n))) found = true;
    else ts.forEachChild(n, walk);
  };
  walk(sf);
  return found;
}

/**
 * Whether `n` (an expression) is written: the target of an assignment (also inside a
 * destructuring pattern, `[x[0], y] = …`), of a for-of/for-in head, of `++`/`--`, or `delete`d.
 */
function writtenAs(n: ts.Expression): "write" | "delete" | undefined {
  const p0 = n.parent;
  if ((ts.isPrefixUnaryExpression(p0) || ts.isPostfixUnaryExpression(p0)) && (p0.operator === ts.SyntaxKind.PlusPlusToken || p0.operator === ts.SyntaxKind.MinusMinusToken)) return "write";
  if (ts.isDeleteExpression(p0)) return "delete";
  // Up through wrappers and (possible) patterns to an assignment whose left side this is.
  let e: ts.Node = n;
  for (;;) {
    const p = e.parent;
    const wrapper = ts.isParenthesizedExpression(p) || ts.isNonNullExpression(p) || ts.isAsExpression(p) || ts.isSatisfiesExpression(p) || ts.isTypeAssertionExpression(p);
    const pattern = ts.isArrayLiteralExpression(p) || ts.isObjectLiteralExpression(p) || ts.isSpreadElement(p) || ts.isSpreadAssignment(p) || (ts.isPropertyAssignment(p) && p.initializer === e) || (ts.isShorthandPropertyAssignment(p) && p.objectAssignmentInitializer !== e);
    if (wrapper || pattern) {
      e = p;
      continue;
    }
    if (ts.isBinaryExpression(p) && p.left === e && isAssignmentOperator(p.operatorToken.kind)) return "write";
    if ((ts.isForOfStatement(p) || ts.isForInStatement(p)) && p.initializer === e) return "write";
    return undefined;
  }
}

/** `n` with the parentheses, `!` and type assertions around it: the node whose parent uses it. */
function outermost(n: ts.Expression): ts.Expression {
  let e = n;
  while (ts.isParenthesizedExpression(e.parent) || ts.isNonNullExpression(e.parent) || ts.isAsExpression(e.parent) || ts.isSatisfiesExpression(e.parent) || ts.isTypeAssertionExpression(e.parent)) e = e.parent;
  return e;
}

/** Every use of `name` in `fn` is an allowed one (header); whether the rows stay owned too. */
function usesOf(name: string, fn: FunctionLike, decl: ts.VariableDeclaration | ts.ParameterDeclaration): { rows: boolean } | undefined {
  let ok = true;
  let rows = true;
  /** A value stored into x (or pushed): rows stay owned only if it is a fresh row. */
  const stored = (v: ts.Expression | undefined) => {
    if (v === undefined || freshArray(v) === undefined) rows = false;
  };
  const walk = (n: ts.Node, nested: boolean): void => {
    if (!ok) return;
    if (n !== fn && (isFunctionLike(n) || ts.isClassLike(n))) nested = true;
    if (ts.isIdentifier(n) && n.text === name && n !== decl.name) {
      if (!ts.isPropertyAccessExpression(n.parent) || n.parent.name !== n) {
        if (!(ts.isPropertyAssignment(n.parent) && n.parent.name === n) && !(ts.isMethodDeclaration(n.parent) && n.parent.name === n)) {
          if (nested || !allowedUse(n)) ok = false;
        }
      }
    }
    ts.forEachChild(n, (c) => walk(c, nested));
  };
  /** x.length read, x.push(…), or x[E] read/written (a row use checked for rows). */
  const allowedUse = (id: ts.Identifier): boolean => {
    const x = outermost(id);
    const p = x.parent;
    if (ts.isPropertyAccessExpression(p) && p.expression === x && !ts.isPropertyAccessChain(p)) {
      const use = outermost(p);
      if (p.name.text === "length") return writtenAs(use) === undefined && !(ts.isCallExpression(use.parent) && use.parent.expression === use);
      if (p.name.text === "push" && ts.isCallExpression(use.parent) && use.parent.expression === use && !ts.isCallChain(use.parent)) {
        for (const a of use.parent.arguments) ts.isSpreadElement(a) ? (rows = false) : stored(a);
        return true;
      }
      return false;
    }
    if (ts.isElementAccessExpression(p) && p.expression === x && !ts.isElementAccessChain(p)) {
      const access = outermost(p);
      const how = writtenAs(access);
      if (how === "delete") return false;
      if (how === "write") {
        const q = access.parent;
        if (ts.isBinaryExpression(q) && q.left === access && q.operatorToken.kind === ts.SyntaxKind.EqualsToken) stored(q.right);
        else rows = false; // x[E] += …, a pattern or a loop head: a row replaced by anything
        return true;
      }
      // A read: never as a callee (that passes x as `this`), nor a tag.
      const q = access.parent;
      if ((ts.isCallExpression(q) || ts.isNewExpression(q)) && q.expression === access) return false;
      if (ts.isTaggedTemplateExpression(q) && q.tag === access) return false;
      // A row is used only as the receiver of an element access or of `.length`.
      const rowUse =
        (ts.isElementAccessExpression(q) && q.expression === access && !ts.isElementAccessChain(q) && !calledOrTagged(outermost(q)) && writtenAs(outermost(q)) !== "delete") ||
        (ts.isPropertyAccessExpression(q) && q.expression === access && q.name.text === "length" && writtenAs(outermost(q)) === undefined && !calledOrTagged(outermost(q)));
      if (!rowUse) rows = false;
      return true;
    }
    return false;
  };
  walk(fn, false);
  return ok ? { rows } : undefined;
}

function calledOrTagged(e: ts.Expression): boolean {
  const q = e.parent;
  return ((ts.isCallExpression(q) || ts.isNewExpression(q)) && q.expression === e) || (ts.isTaggedTemplateExpression(q) && q.tag === e);
}

/**
 * The element writes and pushes that can change the length of the owned array `x` or of one of
 * its rows inside `node`: every `x[E] …=`/`++` site and `x.push(…)` (on x), and every
 * `x[E][F] …=`/`++` site (on rows), by site key (`${pos}:${end}` of the element access).
 */
export function ownedWrites(x: string, node: ts.Node): { self: string[]; rows: string[]; pushes: number } {
  const self: string[] = [];
  const rows: string[] = [];
  let pushes = 0;
  const isX = (e: ts.Expression) => {
    const s = strip(e);
    return ts.isIdentifier(s) && s.text === x;
  };
  const walk = (n: ts.Node): void => {
    if (ts.isElementAccessExpression(n)) {
      const how = writtenAs(outermost(n));
      if (how !== undefined) {
        if (isX(n.expression)) self.push(`${n.pos}:${n.end}`);
        else {
          const r = strip(n.expression);
          if (ts.isElementAccessExpression(r) && isX(r.expression)) rows.push(`${n.pos}:${n.end}`);
        }
      }
    }
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(strip(n.expression))) {
      const callee = strip(n.expression) as ts.PropertyAccessExpression;
      if (callee.name.text === "push" && isX(callee.expression)) pushes++;
    }
    ts.forEachChild(n, walk);
  };
  walk(node);
  return { self, rows, pushes };
}

/**
 * Whether the array `x` keeps one length through every evaluation inside `loop`: the name x,
 * as the loop sees it, is a local array the loop's function owns (its one declaration there,
 * initialised before the loop — not a same-named variable of another scope; not a claimed
 * parameter, owned only in some calls), and the loop — head, body and nested loops — neither
 * writes an element of x (`x[E] = …`, compound assignments and `++`/`--`, appending or not, any
 * key: `x["length"] = 0` is such a write) nor pushes to it. Nothing else can change its length
 * (see the header): a guard may then compare an index with the length read once before the
 * loop (instrument-guards.ts `knownLength`).
 */
export function steadyLength(x: string, loop: ts.IterationStatement, fn: FunctionLike): boolean {
  const owned = ownedArrays(fn).get(x);
  if (owned === undefined || owned.claim !== undefined || !initialisedBefore(x, loop, fn, factsOf(fn))) return false;
  const w = ownedWrites(x, loop);
  return w.self.length === 0 && w.pushes === 0;
}
