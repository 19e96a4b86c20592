import { ts } from "ts-morph";
import { where, type ExecCtx } from "./context.js";
import { isWriteTarget } from "./bindings.js";
import { builtinClassName, isBuiltinIdentifier, isLibSymbol } from "./builtins.js";
import { appendingWrite } from "./append.js";
import { parallelAssignment } from "./destructuring.js";
import { evalCall, evalNew } from "./exec-call.js";
import { requireBounds, elementValue } from "./exec-bounds.js";
import { isFreshRow, rowValue, storeRow } from "./rows.js";
import { writeContents } from "./elements.js";
import { receiverShape } from "./program.js";
import { asNumVal, bitNot, bitwise, numberLiteral, shift, toFP, toInt32 } from "./numbers.js";
import { arith, merge, negate, relational, strictEquals, toStringTerm, truthy, type ArithOp } from "./ops.js";
import { bounded, newRefId, strLen, type State } from "./state.js";
import { Abort } from "./sink.js";
import { abstractConst, and, app, freshConst, implies, intLit, ite, not, or, strLit, type Term } from "./terms.js";
import { isTypedArrayClass, MAX_STRING_LENGTH, maxLengthOf, TWO_53, TYPED_ARRAY_ELEMS, type Val } from "./values.js";

/**
 * Expression evaluation along one path. Side effects update the state in place; short-circuit
 * and conditional operators evaluate their right side on a copy of the state under the extra
 * path condition and fold what it learned back in as implications (they must be free of
 * assignments and calls with effects, otherwise the path is not modelled).
 */
export function evalExpr(ctx: ExecCtx, node: ts.Expression, st: State): Val {
  switch (node.kind) {
    case ts.SyntaxKind.NumericLiteral:
      return numberLiteral(Number((node as ts.NumericLiteral).text));
    case ts.SyntaxKind.StringLiteral:
    case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
      return { k: "str", t: strLit((node as ts.StringLiteral).text) };
    case ts.SyntaxKind.TrueKeyword:
      return { k: "bool", t: { kind: "lit", text: "true", sort: "Bool" } };
    case ts.SyntaxKind.FalseKeyword:
      return { k: "bool", t: { kind: "lit", text: "false", sort: "Bool" } };
    case ts.SyntaxKind.NullKeyword:
      return { k: "undef", isNull: true };
    case ts.SyntaxKind.Identifier:
      return readIdentifier(ctx, node as ts.Identifier, st);
    case ts.SyntaxKind.ParenthesizedExpression:
    case ts.SyntaxKind.AsExpression:
    case ts.SyntaxKind.NonNullExpression:
    case ts.SyntaxKind.TypeAssertionExpression:
    case ts.SyntaxKind.SatisfiesExpression:
      return evalExpr(ctx, (node as ts.ParenthesizedExpression).expression, st);
    case ts.SyntaxKind.TemplateExpression:
      return evalTemplate(ctx, node as ts.TemplateExpression, st);
    case ts.SyntaxKind.PropertyAccessExpression:
      return evalProperty(ctx, node as ts.PropertyAccessExpression, st);
    case ts.SyntaxKind.ElementAccessExpression: {
      const ea = node as ts.ElementAccessExpression;
      const recv = evalExpr(ctx, ea.expression, st);
      const index = evalExpr(ctx, ea.argumentExpression, st);
      return readElement(ctx, ea, recv, index, st);
    }
    case ts.SyntaxKind.CallExpression:
      return evalCall(ctx, node as ts.CallExpression, st);
    case ts.SyntaxKind.NewExpression:
      return evalNew(ctx, node as ts.NewExpression, st);
    case ts.SyntaxKind.PrefixUnaryExpression:
      return evalPrefix(ctx, node as ts.PrefixUnaryExpression, st);
    case ts.SyntaxKind.PostfixUnaryExpression: {
      const pu = node as ts.PostfixUnaryExpression;
      const before = toNumeric(step(ctx, pu.operand, pu.operator === ts.SyntaxKind.PlusPlusToken ? "+" : "-", st).before);
      return before;
    }
    case ts.SyntaxKind.BinaryExpression:
      return evalBinary(ctx, node as ts.BinaryExpression, st);
    case ts.SyntaxKind.ConditionalExpression: {
      const ce = node as ts.ConditionalExpression;
      const c = condition(ctx, ce.condition, st);
      const a = underCondition(ctx, ce.whenTrue, c, st);
      const b = underCondition(ctx, ce.whenFalse, not(c), st);
      return merge(st, c, a, b);
    }
    case ts.SyntaxKind.ArrayLiteralExpression: {
      const al = node as ts.ArrayLiteralExpression;
      let spread = false;
      const stored: Val[] = [];
      for (const el of al.elements) {
        if (ts.isSpreadElement(el)) {
          spread = true;
          // The spread iterates its operand: elements of a plain array keep their kind, anything else is unknown.
          const src = evalExpr(ctx, el.expression, st);
          stored.push(src.k === "arr" ? { k: "num", t: intLit(0) } : { k: "opaque", why: "spread element" });
          if (src.k === "arr" && src.elem.k !== "num" && src.elem.k !== "int") stored.push({ k: "opaque", why: "spread element" });
        } else if (!ts.isOmittedExpression(el)) {
          const v = evalExpr(ctx, el, st);
          escape(v, st);
          stored.push(v);
        }
      }
      // An empty literal (`never[]` to TypeScript) has the element type its context gives it
      // (`const m: number[][] = []`): it holds nothing yet, and every later store is checked
      // against that kind (storable) like any other.
      const context = al.elements.length === 0 ? ctx.checker.getContextualType(al) : undefined;
      const shape = context !== undefined && ctx.checker.isArrayType(context) ? context : ctx.checker.getTypeAtLocation(al);
      const elemType = ctx.checker.isArrayType(shape) ? ctx.checker.getTypeArguments(shape as ts.TypeReference)[0] : undefined;
      const arr = newArray(ctx, st, "Array", spread ? undefined : intLit(al.elements.length), elemType, `array literal at ${where(ctx, al)}`);
      if (arr.k === "arr" && stored.some((v) => !storable(arr.elem, v))) st.exotic.add(arr.ref);
      return arr;
    }
    case ts.SyntaxKind.ObjectLiteralExpression: {
      for (const p of (node as ts.ObjectLiteralExpression).properties) {
        if (ts.isPropertyAssignment(p)) escape(evalExpr(ctx, p.initializer, st), st);
        else if (ts.isShorthandPropertyAssignment(p)) escape(evalExpr(ctx, p.name, st), st);
        else throw new Abort(p, `object literal member at ${where(ctx, p)} not modelled`);
      }
      return { k: "opaque", why: "object values are not modelled" };
    }
    case ts.SyntaxKind.AwaitExpression: {
      escape(evalExpr(ctx, (node as ts.AwaitExpression).expression, st), st);
      // Other code runs while this function waits: any shared array may change length.
      st.havocShared(`array lengths after await at ${where(ctx, node)}`);
      return { k: "opaque", why: `awaited value at ${where(ctx, node)}` };
    }
    case ts.SyntaxKind.TypeOfExpression:
      evalExpr(ctx, (node as ts.TypeOfExpression).expression, st);
      return { k: "str", t: freshConst("String", "typeof result") };
    case ts.SyntaxKind.VoidExpression:
      evalExpr(ctx, (node as ts.VoidExpression).expression, st);
      return { k: "undef" };
    default:
      throw new Abort(node, `${ts.SyntaxKind[node.kind]} at ${where(ctx, node)} is not modelled`);
  }
}

/** `x++` / `--a[i]`: the target (receiver and index) is evaluated once, as in JavaScript. */
function step(ctx: ExecCtx, target: ts.Expression, op: "+" | "-", st: State): { before: Val; after: Val } {
  if (ts.isElementAccessExpression(target)) {
    const recv = evalExpr(ctx, target.expression, st);
    const index = evalExpr(ctx, target.argumentExpression, st);
    const before = readElement(ctx, target, recv, index, st);
    converts(st, before, `${op}${op} at ${where(ctx, target)}`);
    const after = arith(st, op, toNumeric(before), numberLiteral(1));
    const written = modelled(st, recv);
    if (written.k === "arr") writeContents(st, written, index, after);
    return { before, after };
  }
  requireRepeatableTarget(ctx, target);
  const before = evalExpr(ctx, target, st);
  converts(st, before, `${op}${op} at ${where(ctx, target)}`);
  const after = arith(st, op, toNumeric(before), numberLiteral(1));
  assignTo(ctx, target, after, st);
  return { before, after };
}

/**
 * Read-then-assign targets other than elements (`x++`, `o.length += k`) are evaluated twice
 * here (once to read, once in assignTo); that is only the JavaScript behaviour when evaluating
 * the receiver has no effects, so anything but a plain name as receiver is not modelled.
 */
function requireRepeatableTarget(ctx: ExecCtx, target: ts.Expression): void {
  const t = unwrap(target);
  if (ts.isIdentifier(t)) return;
  if (ts.isPropertyAccessExpression(t) && ts.isIdentifier(unwrap(t.expression))) return;
  throw new Abort(target, `update of ${target.getText(ctx.sf)} at ${where(ctx, target)} is not modelled`);
}

function unwrap(e: ts.Expression): ts.Expression {
  let t = e;
  while (ts.isParenthesizedExpression(t) || ts.isNonNullExpression(t) || ts.isAsExpression(t)) t = (t as ts.ParenthesizedExpression).expression;
  return t;
}

/**
 * ToPrimitive / ToNumber / ToString / ToPropertyKey of a value that may be an object (an
 * unmodelled value or a function) calls its valueOf / toString / @@toPrimitive: arbitrary code
 * that may change the length of every array it can reach. Call before any implicit conversion.
 */
export function converts(st: State, v: Val, what: string): void {
  if (v.k === "opaque" || v.k === "fn") st.havocShared(`array lengths after ${what} of ${v.k === "opaque" ? v.why : "a function"}`);
}

function toNumeric(v: Val): Val {
  return asNumVal(v) ?? (v.k === "opaque" ? v : { k: "opaque", why: "numeric conversion of a non-number" });
}

export function newArray(ctx: ExecCtx, st: State, cls: string, length: Term | undefined, elemType: ts.Type | undefined, source: string): Val {
  const ref = newRefId();
  st.refClass.set(ref, cls);
  if (length) st.lens.set(ref, length);
  else st.havocLength(ref, `length of ${source}`);
  const elem = elemType ? elemFromType(ctx, elemType) : { k: "opaque" as const, why: "element type unknown" };
  return { k: "arr", ref, cls, elem };
}

function elemFromType(ctx: ExecCtx, t: ts.Type): Extract<Val, { k: "arr" }>["elem"] {
  const flags = t.getFlags();
  if (flags & ts.TypeFlags.NumberLike) return { k: "num" };
  if (flags & ts.TypeFlags.StringLike) return { k: "str" };
  if (flags & ts.TypeFlags.BooleanLike) return { k: "bool" };
  // Rows of a 2-D array: each an Array of unknown length that may alias any other (valueOfElem).
  if (ctx.checker.isArrayType(t)) {
    const inner = ctx.checker.getTypeArguments(t as ts.TypeReference)[0];
    return { k: "arr", cls: "Array", elem: inner ? elemFromType(ctx, inner) : { k: "opaque", why: "element type unknown" } };
  }
  return { k: "opaque", why: `element of type '${ctx.checker.typeToString(t)}'` };
}

/**
 * A value stored somewhere we do not track (array element, object, callee): arrays in it become
 * shared, and exotic — code that can reach it may install accessors, change its prototype or
 * store non-numbers in it (issue 9, class A).
 */
export function escape(v: Val, st: State): void {
  if (v.k === "arr") {
    st.shared.add(v.ref);
    st.exotic.add(v.ref);
  }
}

/**
 * An array whose provenance is unknown or which escaped (state.exotic) is not modelled: a
 * Proxy, accessor elements, a subclass overriding methods or non-number elements may be behind
 * it, so every read of it is an unmodelled value (its sites unsupported).
 */
export function modelled(st: State, v: Val): Val {
  if (v.k === "arr" && st.exotic.has(v.ref)) return { k: "opaque", why: `an array of unknown provenance (it escaped to code that may make it exotic, or was not built where the verifier saw it)` };
  return v;
}

/** Whether storing `v` keeps an array whose elements are of kind `elem` what the model reads back. */
export function storable(elem: Extract<Val, { k: "arr" }>["elem"], v: Val): boolean {
  switch (elem.k) {
    case "num":
    case "int":
      return v.k === "int" || v.k === "num";
    case "str":
      return v.k === "str";
    case "bool":
      return v.k === "bool";
    case "arr":
    case "opaque":
      return true; // element reads of these kinds are unknown arrays / unmodelled anyway
  }
}

function readIdentifier(ctx: ExecCtx, id: ts.Identifier, st: State): Val {
  const sym = ctx.checker.getSymbolAtLocation(id);
  if (sym && st.env.has(sym)) return modelled(st, st.env.get(sym) as Val);
  // Only the built-ins: a module may declare its own `NaN`, `undefined` or `Infinity`.
  const builtin = isBuiltinIdentifier(ctx, id);
  if (builtin && id.text === "undefined") return { k: "undef" };
  if (builtin && id.text === "NaN") return numberLiteral(Number.NaN);
  if (builtin && id.text === "Infinity") return numberLiteral(Number.POSITIVE_INFINITY);
  if (sym && ctx.facadeBindings.has(sym)) return { k: "fn", name: id.text };
  const decl = sym?.valueDeclaration;
  // Module-level `const` with a literal initializer is a constant.
  if (decl && ts.isVariableDeclaration(decl) && decl.initializer && ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const && decl.getSourceFile() === ctx.sf) {
    const init = decl.initializer;
    if (ts.isNumericLiteral(init)) return numberLiteral(Number(init.text));
    if (ts.isPrefixUnaryExpression(init) && init.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(init.operand)) return numberLiteral(-Number(init.operand.text));
    if (ts.isStringLiteral(init) || ts.isNoSubstitutionTemplateLiteral(init)) return { k: "str", t: strLit(init.text) };
    if (sym && ts.isArrayLiteralExpression(init) && isReadOnlyTable(ctx, decl, sym)) {
      const type = ctx.checker.getTypeAtLocation(init);
      const elemType = ctx.checker.isArrayType(type) ? ctx.checker.getTypeArguments(type as ts.TypeReference)[0] : undefined;
      return newArray(ctx, st, "Array", intLit(init.elements.length), elemType, `the table '${id.text}'`);
    }
  }
  return { k: "opaque", why: `'${id.text}' (not a local or parameter of a modelled kind)` };
}

/**
 * A module-level `const T = [a, b, …]` (no spread, no holes) whose every use in the module
 * is an element read `T[i]` or `T.length`: nothing can change its length or reach it, so it
 * is an array of that literal length wherever it is read.
 */
function isReadOnlyTable(ctx: ExecCtx, decl: ts.VariableDeclaration, sym: ts.Symbol): boolean {
  const init = decl.initializer;
  if (!init || !ts.isArrayLiteralExpression(init) || init.elements.some((e) => ts.isSpreadElement(e) || ts.isOmittedExpression(e))) return false;
  if (!ts.isVariableStatement(decl.parent.parent) || decl.parent.parent.parent !== ctx.sf) return false;
  let ok = true;
  const visit = (n: ts.Node): void => {
    if (!ok) return;
    if (ts.isIdentifier(n) && n !== decl.name && ctx.checker.getSymbolAtLocation(n) === sym) {
      const p = n.parent;
      const elementRead = ts.isElementAccessExpression(p) && p.expression === n && !isWriteTarget(p);
      const lengthRead = ts.isPropertyAccessExpression(p) && p.expression === n && p.name.text === "length" && !isWriteTarget(p);
      if (!elementRead && !lengthRead) ok = false;
    }
    ts.forEachChild(n, visit);
  };
  visit(ctx.sf);
  return ok;
}

function evalTemplate(ctx: ExecCtx, node: ts.TemplateExpression, st: State): Val {
  let acc: Term = strLit(node.head.text);
  for (const span of node.templateSpans) {
    const v = evalExpr(ctx, span.expression, st);
    converts(st, v, `the template conversion at ${where(ctx, span)}`);
    const s = toStringTerm(st, v);
    if (s === undefined) return { k: "opaque", why: `template text of ${v.k === "opaque" ? v.why : v.k}` };
    acc = app("str.++", "String", acc, s, strLit(span.literal.text));
  }
  return { k: "str", t: acc };
}

function evalProperty(ctx: ExecCtx, node: ts.PropertyAccessExpression, st: State): Val {
  const name = node.name.text;
  if (ts.isIdentifier(node.expression) && !st.env.has(ctx.checker.getSymbolAtLocation(node.expression) ?? {}) && isBuiltinIdentifier(ctx, node.expression)) {
    const base = node.expression.text;
    const constants: Record<string, number> = {
      "Number.MAX_SAFE_INTEGER": Number.MAX_SAFE_INTEGER,
      "Number.MIN_SAFE_INTEGER": Number.MIN_SAFE_INTEGER,
      "Number.EPSILON": Number.EPSILON,
      "Number.POSITIVE_INFINITY": Number.POSITIVE_INFINITY,
      "Number.NEGATIVE_INFINITY": Number.NEGATIVE_INFINITY,
      "Number.NaN": Number.NaN,
      "Math.PI": Math.PI,
      "Math.E": Math.E,
    };
    const c = constants[`${base}.${name}`];
    if (c !== undefined) return numberLiteral(c);
  }
  const recv = modelled(st, evalExpr(ctx, node.expression, st));
  // Another property of an array (`u.buffer`, `a.constructor`) hands out a way to reach it
  // (a buffer can be detached or resized where the platform allows): its length is shared.
  if (recv.k === "arr" && name !== "length") st.shared.add(recv.ref);
  if (name === "length") {
    if (recv.k === "arr") return { k: "int", t: st.lengthOf(recv.ref), lo: 0n, hi: maxLengthOf(recv.cls) };
    if (recv.k === "str") return { k: "int", t: strLen(recv.t), lo: 0n, hi: MAX_STRING_LENGTH };
  }
  if (recv.k === "opaque" || recv.k === "undef") {
    // A property of an object we do not model may be a getter running arbitrary code.
    st.havocShared(`array lengths after reading '.${name}' at ${where(ctx, node)}`);
  }
  return { k: "opaque", why: `property '${name}' at ${where(ctx, node)}` };
}

export function readElement(ctx: ExecCtx, site: ts.ElementAccessExpression, recv0: Val, index: Val, st: State): Val {
  const recv = modelled(st, recv0);
  converts(st, index, `the property key conversion at ${where(ctx, site)}`);
  if (ts.isStringLiteralLike(site.argumentExpression)) return { k: "opaque", why: `property '${site.argumentExpression.text}'` };
  if (recv.k !== "arr" && recv.k !== "str") {
    // Statically an array or string, but its value is not modelled: the bounds site says why.
    const shape = receiverShape(ctx.checker, site.expression);
    if (shape?.k === "array" || shape?.k === "string") requireBounds(ctx, site, recv, index, st);
    if (recv.k === "opaque") st.havocShared(`array lengths after a dynamic property read at ${where(ctx, site)}`);
    return { k: "opaque", why: `dynamic property read at ${where(ctx, site)}` };
  }
  requireBounds(ctx, site, recv, index, st);
  // A row of an array of arrays whose rows are known (rows.ts); otherwise of unknown provenance.
  return (recv.k === "arr" ? rowValue(st, recv, index) : undefined) ?? elementValue(recv, st, index);
}

function evalPrefix(ctx: ExecCtx, node: ts.PrefixUnaryExpression, st: State): Val {
  switch (node.operator) {
    case ts.SyntaxKind.ExclamationToken: {
      const t = truthy(evalExpr(ctx, node.operand, st));
      return t === undefined ? { k: "opaque", why: "negation of an unmodelled value" } : { k: "bool", t: not(t) };
    }
    case ts.SyntaxKind.MinusToken: {
      if (ts.isNumericLiteral(node.operand)) return numberLiteral(-Number(node.operand.text));
      const operand = evalExpr(ctx, node.operand, st);
      converts(st, operand, `unary minus at ${where(ctx, node)}`);
      return negate(toNumeric(operand));
    }
    case ts.SyntaxKind.PlusToken: {
      const operand = evalExpr(ctx, node.operand, st);
      converts(st, operand, `unary plus at ${where(ctx, node)}`);
      return toNumeric(operand);
    }
    case ts.SyntaxKind.TildeToken: {
      const operand = evalExpr(ctx, node.operand, st);
      converts(st, operand, `~ at ${where(ctx, node)}`);
      const n = asNumVal(operand);
      return n ? bitNot(n) : { k: "opaque", why: "~ of a non-number" };
    }
    case ts.SyntaxKind.PlusPlusToken:
    case ts.SyntaxKind.MinusMinusToken:
      return step(ctx, node.operand, node.operator === ts.SyntaxKind.PlusPlusToken ? "+" : "-", st).after;
  }
}

const ARITH: Partial<Record<ts.SyntaxKind, ArithOp>> = {
  [ts.SyntaxKind.PlusToken]: "+",
  [ts.SyntaxKind.MinusToken]: "-",
  [ts.SyntaxKind.AsteriskToken]: "*",
  [ts.SyntaxKind.SlashToken]: "/",
  [ts.SyntaxKind.PercentToken]: "%",
  [ts.SyntaxKind.PlusEqualsToken]: "+",
  [ts.SyntaxKind.MinusEqualsToken]: "-",
  [ts.SyntaxKind.AsteriskEqualsToken]: "*",
  [ts.SyntaxKind.SlashEqualsToken]: "/",
  [ts.SyntaxKind.PercentEqualsToken]: "%",
};

const BITS: Partial<Record<ts.SyntaxKind, ">>" | ">>>" | "<<" | "&" | "|" | "^">> = {
  [ts.SyntaxKind.GreaterThanGreaterThanToken]: ">>",
  [ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken]: ">>>",
  [ts.SyntaxKind.LessThanLessThanToken]: "<<",
  [ts.SyntaxKind.AmpersandToken]: "&",
  [ts.SyntaxKind.BarToken]: "|",
  [ts.SyntaxKind.CaretToken]: "^",
  [ts.SyntaxKind.GreaterThanGreaterThanEqualsToken]: ">>",
  [ts.SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken]: ">>>",
  [ts.SyntaxKind.LessThanLessThanEqualsToken]: "<<",
  [ts.SyntaxKind.AmpersandEqualsToken]: "&",
  [ts.SyntaxKind.BarEqualsToken]: "|",
  [ts.SyntaxKind.CaretEqualsToken]: "^",
};

function isCompoundAssignment(k: ts.SyntaxKind): boolean {
  return k >= ts.SyntaxKind.FirstCompoundAssignment && k <= ts.SyntaxKind.LastCompoundAssignment;
}

function evalBinary(ctx: ExecCtx, node: ts.BinaryExpression, st: State): Val {
  const op = node.operatorToken.kind;
  if (op === ts.SyntaxKind.EqualsToken) {
    if (ts.isArrayLiteralExpression(node.left)) return parallelAssignment(ctx, node, st);
    if (ts.isElementAccessExpression(node.left)) {
      const recv = evalExpr(ctx, node.left.expression, st);
      const index = evalExpr(ctx, node.left.argumentExpression, st);
      const v = evalExpr(ctx, node.right, st);
      writeElement(ctx, node.left, recv, index, v, st);
      return v;
    }
    const v = evalExpr(ctx, node.right, st);
    assignTo(ctx, node.left, v, st);
    return v;
  }
  if (isCompoundAssignment(op)) {
    if (op === ts.SyntaxKind.AmpersandAmpersandEqualsToken || op === ts.SyntaxKind.BarBarEqualsToken || op === ts.SyntaxKind.QuestionQuestionEqualsToken) {
      throw new Abort(node, `logical assignment at ${where(ctx, node)} is not modelled`);
    }
    if (ts.isElementAccessExpression(node.left)) {
      // One site: the element is read and written at the same index.
      const recv = evalExpr(ctx, node.left.expression, st);
      const index = evalExpr(ctx, node.left.argumentExpression, st);
      const old = readElement(ctx, node.left, recv, index, st);
      const v = binaryValue(ctx, st, op, old, evalExpr(ctx, node.right, st), node);
      escape(v, st);
      const target = modelled(st, recv);
      if (target.k === "arr") writeContents(st, target, index, v);
      if (target.k === "arr" && !isTypedArrayClass(target.cls) && !storable(target.elem, v)) st.exotic.add(target.ref);
      return v;
    }
    requireRepeatableTarget(ctx, node.left);
    const old = evalExpr(ctx, node.left, st);
    const v = binaryValue(ctx, st, op, old, evalExpr(ctx, node.right, st), node);
    assignTo(ctx, node.left, v, st);
    return v;
  }
  if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken) {
    const a = evalExpr(ctx, node.left, st);
    const ta = truthy(a) ?? abstractConst("Bool", `truthiness of ${node.left.getText(ctx.sf)}`);
    const rightCond = op === ts.SyntaxKind.AmpersandAmpersandToken ? ta : not(ta);
    const b = underCondition(ctx, node.right, rightCond, st);
    if (a.k === "bool" && b.k === "bool") return { k: "bool", t: op === ts.SyntaxKind.AmpersandAmpersandToken ? and(ta, b.t) : or(ta, b.t) };
    return op === ts.SyntaxKind.AmpersandAmpersandToken ? merge(st, ta, b, a) : merge(st, ta, a, b);
  }
  if (op === ts.SyntaxKind.QuestionQuestionToken) {
    const a = evalExpr(ctx, node.left, st);
    if (a.k === "undef") return evalExpr(ctx, node.right, st);
    // A number, string, boolean or array may still be undefined: an element of a plain Array
    // can be a hole (`new Array(3)`, `[1, , 3]`, `a.length = n`, structured clones keep holes).
    if (mayBeHole(a)) {
      const hole = abstractConst("Bool", `the left side of ?? at ${where(ctx, node)} is undefined`);
      const b = underCondition(ctx, node.right, hole, st);
      return merge(st, hole, b, a);
    }
    if (a.k !== "opaque") return a;
    throw new Abort(node, `'??' on an unmodelled value at ${where(ctx, node)}`);
  }
  if (op === ts.SyntaxKind.CommaToken) {
    evalExpr(ctx, node.left, st);
    return evalExpr(ctx, node.right, st);
  }
  const a = evalExpr(ctx, node.left, st);
  const b = evalExpr(ctx, node.right, st);
  return binaryValue(ctx, st, op, a, b, node);
}

export function binaryValue(ctx: ExecCtx, st: State, op: ts.SyntaxKind, a: Val, b: Val, node: ts.Node): Val {
  if (op !== ts.SyntaxKind.EqualsEqualsEqualsToken && op !== ts.SyntaxKind.ExclamationEqualsEqualsToken) {
    converts(st, a, `the conversion at ${where(ctx, node)}`);
    converts(st, b, `the conversion at ${where(ctx, node)}`);
  }
  const ar = ARITH[op];
  if (ar) return arith(st, ar, a, b);
  const bit = BITS[op];
  if (bit) {
    const x = asNumVal(a);
    const y = asNumVal(b);
    if (!x || !y) return { k: "opaque", why: `'${bit}' on non-numbers at ${where(ctx, node)}` };
    if (bit === "&" || bit === "|" || bit === "^") {
      if (bit === "|" && y.k === "int" && y.lo === 0n && y.hi === 0n) return toInt32(x);
      return bitwise(bit, x, y);
    }
    return shift(bit, x, y) ?? { k: "opaque", why: `shift by a non-constant amount at ${where(ctx, node)}` };
  }
  const rel: Partial<Record<ts.SyntaxKind, "<" | "<=" | ">" | ">=">> = {
    [ts.SyntaxKind.LessThanToken]: "<",
    [ts.SyntaxKind.LessThanEqualsToken]: "<=",
    [ts.SyntaxKind.GreaterThanToken]: ">",
    [ts.SyntaxKind.GreaterThanEqualsToken]: ">=",
  };
  const r = rel[op];
  if (r) {
    const t = relational(st, r, a, b);
    return t ? { k: "bool", t } : { k: "opaque", why: `comparison of ${a.k} and ${b.k}` };
  }
  if (op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken) {
    const loose = op === ts.SyntaxKind.EqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
    const negated = op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
    let t: Term | undefined;
    if (loose && a.k === "undef" && b.k === "undef") t = { kind: "lit", text: "true", sort: "Bool" };
    else if ((a.k === "undef") !== (b.k === "undef") && (mayBeHole(a) || mayBeHole(b))) t = undefined; // a hole is undefined
    else if (a.k === "num" && a.hole === true && b.k === "num" && b.hole === true) t = undefined; // two holes are equal, two NaNs are not
    else if (loose && (a.k === "undef") !== (b.k === "undef")) t = a.k === "opaque" || b.k === "opaque" ? undefined : { kind: "lit", text: "false", sort: "Bool" };
    else if (loose && !sameKind(a, b)) t = undefined;
    else t = strictEquals(st, a, b);
    if (t === undefined) return { k: "opaque", why: `equality of ${a.k} and ${b.k} at ${where(ctx, node)}` };
    return { k: "bool", t: negated ? not(t) : t };
  }
  return { k: "opaque", why: `operator '${ts.tokenToString(op) ?? ts.SyntaxKind[op]}' at ${where(ctx, node)}` };
}

/**
 * Values that may really be `undefined` although modelled as a number, string, boolean or
 * array: any of them may have been read from a hole of a plain Array (typed-array elements and
 * integers never are). Only comparisons with undefined/null and `??` can tell a hole apart;
 * arithmetic and relational operators treat it like NaN, which the FP model already covers.
 */
function mayBeHole(v: Val): boolean {
  return v.k === "num" || v.k === "str" || v.k === "bool" || v.k === "arr";
}

function sameKind(a: Val, b: Val): boolean {
  const num = (v: Val): boolean => v.k === "int" || v.k === "num";
  return (num(a) && num(b)) || a.k === b.k;
}

export function writeElement(ctx: ExecCtx, site: ts.ElementAccessExpression, recv0: Val, index: Val, v: Val, st: State): void {
  const recv = modelled(st, recv0);
  converts(st, index, `the property key conversion at ${where(ctx, site)}`);
  if (recv.k === "arr") {
    // A row stored into an array of rows built row by row (rows.ts storeRow) keeps its rows
    // known; any other store into an array of rows may put anything there: its rows are unknown.
    const fact = st.rows.get(recv.ref);
    const at = asNumVal(index);
    const row = fact !== undefined && at?.k === "int" && isFreshRow(st, recv, v) ? v : undefined;
    if (fact !== undefined && row === undefined) st.forgetRows(recv.ref, `a row replaced at ${where(ctx, site)}`);
    // While the array's own length changes, its rows are set aside (storeRow puts them back).
    if (row !== undefined) st.rows.delete(recv.ref);
    // An append changes the length and keeps the elements below it (append.ts).
    if (!appendingWrite(ctx, site, recv, index, st)) requireBounds(ctx, site, recv, index, st);
    writeContents(st, recv, index, v);
    if (row !== undefined && at?.k === "int") {
      storeRow(st, recv, at.t, row, fact!);
      return;
    }
    escape(v, st);
    // A typed array converts what it stores; a plain Array keeps it (an object typed as number,
    // a string): its later element reads would not be what the model assumes.
    if (!(recv.cls in TYPED_ARRAY_ELEMS) && !storable(recv.elem, v)) st.exotic.add(recv.ref);
    return;
  }
  if (recv.k === "str") return; // writes to string indices are ignored (TypeError in strict mode ends the path)
  throw new Abort(site, `write to a dynamic property at ${where(ctx, site)} is not modelled`);
}

export function assignTo(ctx: ExecCtx, target: ts.Expression, v: Val, st: State): void {
  if (ts.isParenthesizedExpression(target) || ts.isNonNullExpression(target) || ts.isAsExpression(target)) return assignTo(ctx, target.expression, v, st);
  if (ts.isIdentifier(target)) {
    const sym = ctx.checker.getSymbolAtLocation(target);
    if (sym && st.env.has(sym)) {
      st.env.set(sym, v);
      return;
    }
    throw new Abort(target, `assignment to '${target.text}' outside the function at ${where(ctx, target)} is not modelled`);
  }
  if (ts.isPropertyAccessExpression(target) && target.name.text === "length") {
    const recv = modelled(st, evalExpr(ctx, target.expression, st));
    if (recv.k === "arr" && recv.cls === "Array") {
      const n = asNumVal(v);
      // Setting a non-integral or negative length throws RangeError, so after it the length is a valid integer.
      if (n?.k === "int") {
        st.assume(bounded(n.t, 0n, maxLengthOf(recv.cls)));
        st.lengthChanged(recv.ref, n.t, `the array assigned at ${where(ctx, target)}`);
      } else {
        st.havocLength(recv.ref, `length assigned at ${where(ctx, target)}`);
        st.lengthChanged(recv.ref, st.lengthOf(recv.ref), `the array assigned at ${where(ctx, target)}`);
      }
      return;
    }
  }
  if (ts.isElementAccessExpression(target)) {
    const recv = evalExpr(ctx, target.expression, st);
    const index = evalExpr(ctx, target.argumentExpression, st);
    writeElement(ctx, target, recv, index, v, st);
    return;
  }
  throw new Abort(target, `assignment to ${target.getText(ctx.sf)} at ${where(ctx, target)} is not modelled`);
}

/** The truthiness of a condition; an unmodelled one is an unconstrained boolean (both branches explored). */
export function condition(ctx: ExecCtx, node: ts.Expression, st: State): Term {
  const v = evalExpr(ctx, node, st);
  return truthy(v) ?? abstractConst("Bool", `the condition ${node.getText(ctx.sf)}`);
}

/**
 * Evaluates an operand that runs only when `cond` holds (`c ? x : y`, `a && b`, `a ?? b`) on a
 * copy of the state where `cond` holds, so obligations inside it see the condition; facts and
 * exactness conditions it adds come back guarded by `cond`. Its effects come back as a join:
 * a variable it assigned is `cond ? new : old` (`out[k++] = a[i] <= b[j] ? a[i++] : b[j++]`),
 * a length it changed likewise; a variable whose two values cannot be joined (different kinds,
 * another array) ends the path as unmodelled.
 */
export function underCondition(ctx: ExecCtx, node: ts.Expression, cond: Term, st: State): Val {
  const effects = hasEffects(node, ctx.checker);
  const branch = st.clone();
  branch.assume(cond);
  const pcBefore = branch.pc.length;
  const exactBefore = branch.exact.length;
  const v = evalExpr(ctx, node, branch);
  for (const fact of branch.pc.slice(pcBefore)) st.assume(implies(cond, fact));
  // Doubles defined as integers' values hold on every path (State.asDouble): kept unguarded, so a
  // later conversion of the same term reuses the constant.
  for (const [t, d] of branch.asDouble) {
    if (st.asDouble.has(t)) continue;
    st.asDouble.set(t, d);
    st.assume(d.def);
  }
  for (const e of branch.exact.slice(exactBefore)) st.exact.push(implies(cond, e));
  // Their push-time path conditions already include `cond`.
  for (const e of branch.exactAt) if (!st.exactAt.includes(e)) st.exactAt.push(e);
  for (const [ref, len] of branch.lens) {
    const old = st.lens.get(ref);
    if (old === undefined) {
      st.lens.set(ref, len);
      st.refClass.set(ref, branch.refClass.get(ref) ?? "Array");
    } else if (old !== len) {
      // The operand changed a length (a getter or dynamic read havocs shared arrays): it holds
      // only when the operand ran.
      st.lens.set(ref, ite(cond, len, old));
    }
  }
  for (const [ref, now] of branch.contents) {
    const old = st.contents.get(ref);
    // A version the operand made (a getter's havoc): it holds only when the operand ran.
    if (old !== now) st.contents.set(ref, old === undefined || old.sort !== now.sort ? st.forgetContents(ref, now.sort as "IntArray" | "FPArray") : ite(cond, now, old));
  }
  for (const ref of branch.shared) st.shared.add(ref);
  for (const ref of branch.exotic) st.exotic.add(ref);
  if (effects) {
    for (const [sym, now] of branch.env) {
      const before = st.env.get(sym);
      if (before === now) continue;
      if (before === undefined) throw new Abort(node, `a declaration inside a conditional operand at ${where(ctx, node)} is not modelled`);
      const joined = merge(st, cond, now, before);
      if (joined.k === "opaque" && now.k !== "opaque" && before.k !== "opaque") throw new Abort(node, `assignment inside a conditional operand at ${where(ctx, node)} that the join cannot express (${joined.why})`);
      const infinite = (now.k === "int" && now.mayBeInfinite) || (before.k === "int" && before.mayBeInfinite);
      st.env.set(sym, joined.k === "int" && infinite ? { ...joined, mayBeInfinite: true } : joined);
    }
  }
  // Rows the operand may have changed are unknown afterwards (rows.ts).
  for (const m of [...st.rows.keys()]) if (branch.rows.get(m) !== st.rows.get(m)) st.forgetRows(m, `a conditional operand at ${where(ctx, node)}`);
  return v;
}

const PURE_METHODS = new Set(["charCodeAt", "codePointAt", "charAt", "at", "includes", "startsWith", "endsWith", "indexOf", "lastIndexOf", "slice", "substring", "toLowerCase", "toUpperCase", "trim"]);
const PURE_GLOBALS = new Set(["Math", "Number"]);

/**
 * A call is pure only by what it resolves to, never by its name: a lib method in PURE_METHODS
 * on a string, array or built-in typed array receiver, or any method of the built-in `Math` /
 * `Number` (a module's own `const Math = { floor() {…} }` or `o.slice(a)` is not pure).
 * Without a checker every call counts as an effect.
 */
function isPureCall(call: ts.CallExpression, checker: ts.TypeChecker | undefined): boolean {
  const callee = call.expression;
  if (!checker || !ts.isPropertyAccessExpression(callee)) return false;
  const method = checker.getSymbolAtLocation(callee.name);
  if (!method || (method.getDeclarations() ?? []).length === 0 || !isLibSymbol(method)) return false;
  if (ts.isIdentifier(callee.expression) && PURE_GLOBALS.has(callee.expression.text)) return isBuiltinIdentifier({ checker }, callee.expression);
  if (!PURE_METHODS.has(callee.name.text)) return false;
  const recv = checker.getTypeAtLocation(callee.expression);
  if (recv.getFlags() & ts.TypeFlags.StringLike) return true;
  if (checker.isArrayType(recv) || checker.isTupleType(recv)) return true;
  const cls = builtinClassName(recv);
  return cls !== undefined && isTypedArrayClass(cls);
}

export function hasEffects(node: ts.Node, checker?: ts.TypeChecker): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment) found = true;
    else if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) found = true;
    else if (ts.isCallExpression(n)) {
      if (!isPureCall(n, checker)) found = true;
    } else if (ts.isNewExpression(n) || ts.isAwaitExpression(n) || ts.isDeleteExpression(n)) found = true;
    if (!found) ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

/** A fresh value of a modelled shape (call results, havoc). */
export function freshOfKind(st: State, like: Val, source: string): Val {
  switch (like.k) {
    case "int": {
      const c = abstractConst("Int", source);
      return { k: "int", t: c };
    }
    case "num":
      return { k: "num", t: abstractConst("FP", source) };
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

export { TWO_53, toFP };
