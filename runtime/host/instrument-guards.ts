/**
 * Inline bounds guards (pure): the code that replaces the generic call `C.b(o, i, k)` at a
 * bounds site in development and production.
 *
 * A guard is correct for ANY receiver, whatever the static type says (a module can build a
 * Proxy, an Array subclass, accessor elements, a typed array with a shadowed `length`): its
 * fast path is taken only when the guard itself has established the receiver's kind and the
 * index is a number that is an integer in [0, 2^31 − 1] — then it decides exactly as `C.b`
 * does for that kind — and every other case calls `C.b`. The static kind of the receiver only
 * chooses WHICH fast path is tried first (a wrong guess costs speed, never soundness):
 *
 *   array   typeof (j = I) === "number" && j >= 0 && (j | 0) === j && C.isArray(t)
 *             ? (j < (n = t.length) ? j : C.oob(k, j, n)) : C.b(t, j, k)
 *   array, an appending write: as `array`, with C.oa(t, k, j, n) for C.oob(k, j, n) — the
 *           failure of `b` for a length already read, which passes the length itself on a
 *           genuine Array that is not a proxy (as `b` does for an append check)
 *   array, t known a genuine non-proxy array (a temp P set before the loop, planArrayKinds)
 *           typeof (j = I) === "number" && j >= 0 && P && j < (n = t.length) && (j | 0) === j
 *             ? j : C.b(t, j, k)
 *   array, an owned x whose length the loop cannot change (L = C.al(x), set before the loop;
 *           instrument-owned.ts steadyLength)
 *           typeof (j = I) === "number" && j >= 0 && j < L && (j | 0) === j ? j : C.b(t, j, k)
 *   typed   typeof (j = I) === "number" && j >= 0 && (j | 0) === j
 *             && (t === K || (K = C.ta(t)) === t) && t[j] !== void 0 ? j : C.b(t, j, k)
 *   string  typeof (j = I) === "number" && j >= 0 && typeof t === "string" && j < t.length
 *             && (j | 0) === j ? j : C.b(t, j, k)
 *
 * Why each is exact: after `typeof j === "number"` (so nothing below coerces an object),
 * `j >= 0 && (j | 0) === j` holds exactly for the integers in [0, 2^31 − 1], −0 included (as
 * `Number.isInteger(-0) && -0 >= 0` in `C.b`); NaN, fractions, negatives and 2^31 and above go
 * to `C.b` — which accepts the integers from 2^31 to 2^32 − 1 below the length as before, only
 * slower. (An int32 test, unlike `(j >>> 0) === j`, keeps the index a small integer for V8.)
 * `C.b` classifies a receiver as an array by
 * `Array.isArray` (arrays, subclasses, proxies of arrays) and then reads `length` once — the
 * array guard does the same, and on failure hands the length it read to `C.oob`, so a proxy's
 * trap runs once, as in `C.b`. With P (a genuine array that is not a proxy, for its whole
 * lifetime) the length is an own data property: reading it runs no code, so the guard reads it
 * before the integer test and a failure goes to `C.b`, which reads it again and reports exactly
 * what `C.oob` would; when P is false the length is not read at all before `C.b`. Strings
 * likewise: a primitive's length runs no code and never changes. Typed arrays: `K` is a
 * per-site cache (a function temp,
 * initially `C.nota`) that only ever holds a GENUINE typed array or `C.nota`: `C.ta(t)` is `t`
 * when `t` has a [[TypedArrayName]] slot (the intrinsic @@toStringTag getter — false for
 * proxies, DataViews, arrays, plain objects; no user code, no throw), else `C.nota` (frozen,
 * empty, null prototype, so even module code that obtains it cannot pass it through: its
 * element is undefined). For a genuine typed array and a number j that is an integer in
 * [0, 2^31 − 1], `t[j]` is ECMAScript's TypedArrayGetElement (the key ToString(j) is a canonical
 * numeric string, so [[Get]] never consults own properties, the prototype, a subclass's
 * `length` getter or user code; −0 reads element 0, as `C.b` accepts it): it is `undefined`
 * exactly when IsValidIntegerIndex fails — j ≥ the current length, including a detached or
 * out-of-bounds (shrunk resizable) buffer, where the intrinsic length `C.b` reads is 0 or
 * shorter — and a Number or BigInt otherwise. So `t[j] !== void 0` is `C.b`'s test
 * `j < intrinsic length`, at the same moment; for a write site the extra read happens before
 * the right-hand side, as the check does. Failures go to `C.b`, which re-reads the intrinsic
 * length (no user code) and reports.
 *
 * Evaluation order: the receiver is evaluated by the access itself, then the index once (into
 * the temp `j`). The guard reads the receiver again, so it must be a temp or an identifier that
 * the index expression cannot reassign (the caller passes an identifier only when the index is
 * an identifier or a literal); `j` is always a temp, so a proxy trap that reassigns the index
 * variable cannot change the key that was checked.
 */
import { ts } from "ts-morph";

export type ReceiverKind = "array" | "typed" | "string";

export interface GuardInput {
  readonly f: ts.NodeFactory;
  /** The check object's identifier (the module wrapper's check parameter). */
  readonly checks: string;
  readonly kind: ReceiverKind;
  /** The receiver, re-readable without side effects (a temp or a safe identifier). */
  readonly receiver: ts.Expression;
  readonly index: ts.Expression;
  readonly check: number;
  /** Fresh temps of the current function. */
  readonly temp: () => ts.Identifier;
  /** A fresh temp of the current function initialised to the check object's `nota` (a typed guard's receiver cache). */
  readonly cache: () => ts.Identifier;
  /**
   * A temp set before the enclosing loop to `C.pa(receiver)` (instrument-hoist.ts
   * planArrayKinds): the array guard tests it instead of calling Array.isArray.
   */
  readonly knownArray?: ts.Identifier | undefined;
  /**
   * A temp set before the enclosing loop to `C.al(x)` — x's length when x is a genuine non-proxy
   * array with the intrinsic prototype, else −1 — for an owned array whose length the loop
   * cannot change (instrument-owned.ts steadyLength): the array guard compares the index with
   * it instead of reading the length at each evaluation.
   */
  readonly knownLength?: ts.Identifier | undefined;
  /**
   * An appending write (CheckSpec.append): `b` also accepts the length itself on a genuine
   * Array that is not a proxy, so the array guard's failure goes to `oa` (or `b`), not `oob`.
   */
  readonly append?: boolean | undefined;
}

/** The module constant holding a fast-path helper of the check object (declared by the visitor's module prelude). */
export function helperName(checks: string, helper: "isArray" | "ta" | "nota"): string {
  return `${checks}_${helper}`;
}

export function inlineGuard(g: GuardInput): ts.Expression {
  const { f, checks, receiver: t } = g;
  const C = (name: string) => (name === "isArray" || name === "ta" ? f.createIdentifier(helperName(checks, name)) : f.createPropertyAccessExpression(f.createIdentifier(checks), name));
  const call = (name: string, args: ts.Expression[]) => f.createCallExpression(C(name), undefined, args);
  const k = f.createNumericLiteral(g.check);
  const j = g.temp();
  const and = (...xs: ts.Expression[]) => xs.reduce((a, b) => f.createLogicalAnd(a, b));
  const paren = (e: ts.Expression) => f.createParenthesizedExpression(e);
  const isNumber = f.createStrictEquality(f.createTypeOfExpression(paren(f.createAssignment(j, g.index))), f.createStringLiteral("number"));
  const nonNegative = f.createGreaterThanEquals(j, f.createNumericLiteral(0));
  // (j | 0) === j after j >= 0: an integer in [0, 2^31 − 1] (−0 included). Integers from 2^31
  // to 2^32 − 1 take the generic path, which accepts them as before (only slower); an int32
  // test keeps the index in V8's small-integer representation, which `j >>> 0` did not.
  const isInt31 = f.createStrictEquality(paren(f.createBitwiseOr(j, f.createNumericLiteral(0))), j);
  const generic = call("b", [t, j, k]);
  const cond = (c: ts.Expression, a: ts.Expression, b: ts.Expression) => f.createConditionalExpression(c, f.createToken(ts.SyntaxKind.QuestionToken), a, f.createToken(ts.SyntaxKind.ColonToken), b);
  const length = (e: ts.Expression) => f.createPropertyAccessExpression(e, "length");
  switch (g.kind) {
    case "array": {
      if (g.knownLength !== undefined && g.append !== true) {
        // L is x's length, read before the loop, when x is a genuine non-proxy array with the
        // intrinsic prototype, else −1 (then j < L fails for every j >= 0 and `b` classifies):
        // x is the same binding's same value here and nothing in the loop can change its
        // length, so j < L is `b`'s test.
        return paren(cond(and(isNumber, nonNegative, f.createLessThan(j, g.knownLength), isInt31), j, generic));
      }
      const n = g.temp();
      if (g.knownArray !== undefined) {
        // A genuine, non-proxy array (the temp): reading its length runs no code, so a failure
        // can go to `b`, which reads it again and reports exactly what `oob` would.
        const within = f.createLessThan(j, paren(f.createAssignment(n, length(t))));
        return paren(cond(and(isNumber, nonNegative, g.knownArray, within, isInt31), j, generic));
      }
      // An appending write's failure goes to `oa`, which also accepts the length it was handed.
      const within = cond(f.createLessThan(j, paren(f.createAssignment(n, length(t)))), j, g.append === true ? call("oa", [t, k, j, n]) : call("oob", [k, j, n]));
      return paren(cond(and(isNumber, nonNegative, isInt31, call("isArray", [t])), paren(within), generic));
    }
    case "typed": {
      // (t === K || (K = ta(t)) === t) && t[j] !== void 0: K holds a genuine typed array
      // (or `nota`); see the header for why the element read decides the bounds exactly.
      const K = g.cache();
      const genuine = paren(f.createLogicalOr(f.createStrictEquality(t, K), f.createStrictEquality(paren(f.createAssignment(K, call("ta", [t]))), t)));
      const present = f.createStrictInequality(f.createElementAccessExpression(t, j), f.createVoidZero());
      return paren(cond(and(isNumber, nonNegative, isInt31, genuine, present), j, generic));
    }
    case "string": {
      // A primitive string: its length runs no code and never changes, so a failure can go to `b`.
      const isString = f.createStrictEquality(f.createTypeOfExpression(t), f.createStringLiteral("string"));
      return paren(cond(and(isNumber, nonNegative, isString, f.createLessThan(j, length(t)), isInt31), j, generic));
    }
  }
}

/**
 * The guard of an array site in the integer copy of a loop (instrument-hoist-int.ts): the
 * receiver is a genuine array that is not a proxy and the index a Number that is
 * integer-valued or not finite, so `j >= 0 && j < length` is the full guard's test and a
 * failure is what the full guard hands to `C.b`:
 *
 *   (j = I) >= 0 && j < (n = x.length) ? j : C.b(x, j, k)
 */
export function integerGuard(g: { f: ts.NodeFactory; checks: string; receiver: ts.Expression; index: ts.Expression; check: number; temp: () => ts.Identifier }): ts.Expression {
  const { f, receiver: t } = g;
  const j = g.temp();
  const n = g.temp();
  const paren = (e: ts.Expression) => f.createParenthesizedExpression(e);
  const test = f.createLogicalAnd(f.createGreaterThanEquals(paren(f.createAssignment(j, g.index)), f.createNumericLiteral(0)), f.createLessThan(j, paren(f.createAssignment(n, f.createPropertyAccessExpression(t, "length")))));
  const generic = f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(g.checks), "b"), undefined, [t, j, f.createNumericLiteral(g.check)]);
  return paren(f.createConditionalExpression(test, f.createToken(ts.SyntaxKind.QuestionToken), j, f.createToken(ts.SyntaxKind.ColonToken), generic));
}

const TYPED = /^(Int8|Uint8|Uint8Clamped|Int16|Uint16|Int32|Uint32|Float32|Float64|BigInt64|BigUint64)Array$/;

function kindOfType(type: ts.TypeNode | undefined): ReceiverKind | undefined {
  if (type === undefined) return undefined;
  if (ts.isParenthesizedTypeNode(type)) return kindOfType(type.type);
  if (ts.isTypeOperatorNode(type) && type.operator === ts.SyntaxKind.ReadonlyKeyword) return kindOfType(type.type);
  if (ts.isArrayTypeNode(type) || ts.isTupleTypeNode(type)) return "array";
  if (type.kind === ts.SyntaxKind.StringKeyword) return "string";
  if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName)) {
    const name = type.typeName.text;
    if (name === "Array" || name === "ReadonlyArray") return "array";
    if (TYPED.test(name)) return "typed";
  }
  return undefined;
}

function kindOfInitializer(init: ts.Expression | undefined): ReceiverKind | undefined {
  if (init === undefined) return undefined;
  if (ts.isParenthesizedExpression(init) || ts.isAsExpression(init) || ts.isNonNullExpression(init)) return kindOfInitializer(init.expression);
  if (ts.isArrayLiteralExpression(init)) return "array";
  if (ts.isStringLiteral(init) || ts.isNoSubstitutionTemplateLiteral(init) || ts.isTemplateExpression(init)) return "string";
  if (ts.isNewExpression(init) && ts.isIdentifier(init.expression)) {
    if (init.expression.text === "Array") return "array";
    if (TYPED.test(init.expression.text)) return "typed";
  }
  if (ts.isCallExpression(init) && ts.isPropertyAccessExpression(init.expression) && ts.isIdentifier(init.expression.expression) && init.expression.name.text === "from") {
    const owner = init.expression.expression.text;
    if (owner === "Array") return "array";
    if (TYPED.test(owner)) return "typed";
  }
  return undefined;
}

interface Declared {
  readonly start: number;
  readonly end: number;
  readonly kind: ReceiverKind | undefined;
}

/** The range in which a declaration is visible: its function for parameters and `var`, else the nearest block. */
function scopeOf(node: ts.ParameterDeclaration | ts.VariableDeclaration): ts.Node {
  const isVar = ts.isVariableDeclaration(node) && ts.isVariableDeclarationList(node.parent) && (node.parent.flags & ts.NodeFlags.BlockScoped) === 0;
  let p: ts.Node = node.parent;
  while (!ts.isSourceFile(p)) {
    if (ts.isFunctionLike(p)) return p;
    if (!isVar && !ts.isParameter(node) && (ts.isBlock(p) || ts.isForStatement(p) || ts.isForOfStatement(p) || ts.isForInStatement(p) || ts.isCaseBlock(p))) return p;
    p = p.parent;
  }
  return p;
}

export interface ReceiverKinds {
  /** The kind the declaration of `name` visible at `offset` suggests (innermost declaration), if any. */
  readonly at: (name: string, offset: number) => ReceiverKind | undefined;
}

/**
 * Receiver kinds from the module's declarations (parameters and variables: declared type, else
 * initializer), resolved by scope. Syntactic and deliberately simple: it only picks the fast
 * path tried first (see inlineGuard), so a wrong guess — a reassigned variable, a shadowing
 * catch binding — costs speed, never soundness.
 */
export function receiverKinds(sf: ts.SourceFile): ReceiverKinds {
  const byName = new Map<string, Declared[]>();
  const walk = (node: ts.Node): void => {
    if ((ts.isParameter(node) || ts.isVariableDeclaration(node)) && ts.isIdentifier(node.name)) {
      const scope = scopeOf(node);
      const list = byName.get(node.name.text) ?? [];
      list.push({ start: scope.getStart(sf), end: scope.getEnd(), kind: kindOfType(node.type) ?? kindOfInitializer(node.initializer) });
      byName.set(node.name.text, list);
    }
    ts.forEachChild(node, walk);
  };
  walk(sf);
  return {
    at: (name, offset) => {
      let best: Declared | undefined;
      for (const d of byName.get(name) ?? []) if (d.start <= offset && offset < d.end && (best === undefined || d.end - d.start < best.end - best.start)) best = d;
      return best?.kind;
    },
  };
}

/** The kind to try first at a site: from the receiver's declaration, else an array (the common case). */
export function guessKind(receiver: ts.Expression, offset: number, kinds: ReceiverKinds): ReceiverKind {
  let e = receiver;
  while (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e)) e = e.expression;
  if (ts.isIdentifier(e)) return kinds.at(e.text, offset) ?? "array";
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isTemplateExpression(e)) return "string";
  return "array";
}

/** An index expression whose evaluation cannot run module code (so it cannot reassign a receiver variable). */
export function isInertIndex(e: ts.Expression): boolean {
  return ts.isIdentifier(e) || ts.isNumericLiteral(e) || (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(e.operand));
}
