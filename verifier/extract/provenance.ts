import { ts } from "ts-morph";
import { isWriteTarget } from "./bindings.js";
import { isBuiltinIdentifier } from "./builtins.js";
import type { ArgumentShape } from "../obligation.js";
import { shapeOf, type FunctionLike, type TypeShape } from "./program.js";
import { TYPED_ARRAY_ELEMS } from "./values.js";

/**
 * Provenance of entity parameters (issue 9, class A). The extraction models a parameter as a
 * plain Array / typed array over a fixed-length buffer / primitive of its declared type. That
 * holds for a call from the host: the runtime rebuilds every argument from JSON-like data at the
 * entry (runtime/guest/arg-shapes.ts). A call from module code passes the caller's values as
 * they are, and TypeScript types do not constrain them (casts, method bivariance, `any` from
 * lib functions): a Proxy, an array with accessor elements, a subclass overriding `pop`, an
 * object with `valueOf` typed as `number`, a string typed as `number`.
 *
 * So an entity's parameters are *trusted* only when every use of the function in the module is
 * a direct call whose arguments have a provenance this syntactic, whole-module analysis can
 * see: a number built only from literals and number operators, a forwarded parameter of a
 * trusted entity, or a local array made fresh (`[…]` of numbers, `new Array(n)`, `new
 * Uint8Array(n)`) and used only in ways that keep it plain. Any other use (the function passed
 * as a value, stored, called with a spread, called with anything else) makes every parameter
 * of that entity unmodelled in its own extraction — its sites are *unsupported*, never proved on
 * an assumption the caller did not meet.
 *
 * The same analysis says which entity parameters are *kept plain* by the function (never
 * written, never escaping, element writes only of numbers at numeric indices): a caller may pass
 * its own fresh array to such a parameter and keep treating it as plain afterwards.
 *
 * Both are greatest fixpoints (start from "everything trusted", remove what a use refutes).
 *
 * A number, string or boolean argument this analysis cannot see the provenance of does not make
 * the callee untrusted when the call lies in an entity function: that function's extraction
 * reports an `argument` obligation for it (argument-obligations.ts), which the runtime checks
 * with `typeof` before the call in every mode — the test the host applies to an entry argument
 * of that type. A primitive that passed cannot change afterwards (no valueOf, no accessor), so
 * the callee receives exactly what its parameter type promises. Arrays get no such check (a
 * Proxy passes Array.isArray): an array argument still needs a provenance this analysis sees.
 */
export interface ProvenanceFacts {
  /** The entity function's parameters hold values of their declared shapes at entry. */
  trusted(fn: FunctionLike): boolean;
  /** Per parameter: the function keeps an array argument plain (no escape, no exotic writes). */
  keepsPlain(fn: FunctionLike): readonly boolean[];
  /** Why an entity is not trusted (for unsupported reasons). */
  whyUntrusted(fn: FunctionLike): string | undefined;
  /**
   * The primitive-typed arguments of calls to trusted entities inside this entity function
   * (nested closures included): each is an `argument` obligation of this entity. `shown` when
   * provenance shows the shape; otherwise the callee's trust rests on the run-time check.
   */
  argumentSites(fn: FunctionLike): readonly ArgumentSite[];
}

export interface ArgumentSite {
  readonly call: ts.CallExpression;
  /** 0-based position of the argument in the call. */
  readonly index: number;
  readonly arg: ts.Expression;
  readonly callee: FunctionLike;
  readonly calleeName: string;
  readonly shape: ArgumentShape;
  /** The analysis sees that the argument has the shape (e.g. a number literal, a forwarded parameter). */
  readonly shown: boolean;
}

const isPrimitive = (s: TypeShape | undefined): s is Extract<TypeShape, { k: ArgumentShape }> => s !== undefined && s.k !== "array";

const PLAIN_METHODS = new Set(["push", "unshift", "pop", "shift", "indexOf", "lastIndexOf", "includes", "at", "slice", "subarray", "reverse", "fill", "join"]);
const NUMBER_OPS = new Set([
  ts.SyntaxKind.PlusToken, ts.SyntaxKind.MinusToken, ts.SyntaxKind.AsteriskToken, ts.SyntaxKind.SlashToken, ts.SyntaxKind.PercentToken,
  ts.SyntaxKind.AsteriskAsteriskToken, ts.SyntaxKind.AmpersandToken, ts.SyntaxKind.BarToken, ts.SyntaxKind.CaretToken,
  ts.SyntaxKind.LessThanLessThanToken, ts.SyntaxKind.GreaterThanGreaterThanToken, ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken,
]);
const MATH_NUMBER = new Set(["floor", "ceil", "trunc", "abs", "min", "max", "round", "sign", "sqrt"]);

function unwrap(e: ts.Expression): ts.Expression {
  let t = e;
  while (ts.isParenthesizedExpression(t)) t = t.expression;
  return t;
}


export function analyseProvenance(sf: ts.SourceFile, checker: ts.TypeChecker, entityFns: ReadonlyMap<FunctionLike, ts.Symbol | undefined>, written: ReadonlySet<ts.Symbol>): ProvenanceFacts {
  // Every identifier reference by symbol.
  const refs = new Map<ts.Symbol, ts.Identifier[]>();
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) {
      const sym = ts.isShorthandPropertyAssignment(n.parent) && n.parent.name === n ? checker.getShorthandAssignmentValueSymbol(n.parent) : checker.getSymbolAtLocation(n);
      if (sym) {
        const list = refs.get(sym);
        if (list) list.push(n);
        else refs.set(sym, [n]);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  const usesOf = (sym: ts.Symbol, decl: ts.Node | undefined): ts.Identifier[] => (refs.get(sym) ?? []).filter((id) => id !== decl);

  /** The innermost entity function around a node: whose extraction reports the node's `argument` obligations. */
  const enclosingEntity = (n: ts.Node): FunctionLike | undefined => {
    for (let p = n.parent; p !== undefined; p = p.parent) if (entityFns.has(p as FunctionLike)) return p as FunctionLike;
    return undefined;
  };
  const byBinding = new Map<ts.Symbol, FunctionLike>();
  for (const [fn, sym] of entityFns) if (sym) byBinding.set(sym, fn);
  const paramShapes = new Map<FunctionLike, Array<TypeShape | undefined>>();
  for (const fn of entityFns.keys()) paramShapes.set(fn, fn.parameters.map((p) => (p.questionToken || p.initializer || p.dotDotDotToken || !ts.isIdentifier(p.name) ? undefined : shapeOf(checker, checker.getTypeAtLocation(p)))));

  const trusted = new Map<FunctionLike, string | undefined>();
  const plain = new Map<FunctionLike, boolean[]>();
  for (const fn of entityFns.keys()) {
    trusted.set(fn, undefined);
    plain.set(fn, fn.parameters.map(() => true));
  }

  const paramIndex = (sym: ts.Symbol): { fn: FunctionLike; i: number } | undefined => {
    const d = sym.valueDeclaration;
    if (!d || !ts.isParameter(d)) return undefined;
    const fn = d.parent as FunctionLike;
    if (!entityFns.has(fn)) return undefined;
    return { fn, i: fn.parameters.indexOf(d) };
  };
  const isWritten = (sym: ts.Symbol): boolean => (refs.get(sym) ?? []).some((id) => isWriteTarget(id));
  /** A parameter of a trusted entity, never written, of shape `kind`. */
  const forwardedParam = (sym: ts.Symbol, kind: TypeShape["k"]): { fn: FunctionLike; i: number } | undefined => {
    const p = paramIndex(sym);
    if (!p || trusted.get(p.fn) !== undefined || isWritten(sym)) return undefined;
    return paramShapes.get(p.fn)?.[p.i]?.k === kind ? p : undefined;
  };

  /** The expression's value is a number primitive (never an object, string or bigint). */
  const numberExpr = (e0: ts.Expression, seen: Set<ts.Symbol>): boolean => {
    const e = unwrap(e0);
    if (ts.isNumericLiteral(e)) return true;
    if (ts.isPrefixUnaryExpression(e)) {
      if (e.operator === ts.SyntaxKind.PlusPlusToken || e.operator === ts.SyntaxKind.MinusMinusToken) return ts.isIdentifier(e.operand) && numberVar(e.operand, seen);
      return (e.operator === ts.SyntaxKind.MinusToken || e.operator === ts.SyntaxKind.PlusToken || e.operator === ts.SyntaxKind.TildeToken) && numberExpr(e.operand, seen);
    }
    if (ts.isPostfixUnaryExpression(e)) return ts.isIdentifier(e.operand) && numberVar(e.operand, seen);
    if (ts.isBinaryExpression(e) && NUMBER_OPS.has(e.operatorToken.kind)) return numberExpr(e.left, seen) && numberExpr(e.right, seen);
    if (ts.isConditionalExpression(e)) return numberExpr(e.whenTrue, seen) && numberExpr(e.whenFalse, seen);
    if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && ts.isIdentifier(e.expression.expression) && e.expression.expression.text === "Math" && isBuiltinIdentifier({ checker }, e.expression.expression)) {
      return MATH_NUMBER.has(e.expression.name.text) && e.arguments.every((a) => !ts.isSpreadElement(a) && numberExpr(a, seen));
    }
    if (ts.isPropertyAccessExpression(e) && e.name.text === "length" && ts.isIdentifier(e.expression)) {
      // The length of a plain array or a string is a number.
      const sym = checker.getSymbolAtLocation(e.expression);
      return sym !== undefined && (plainArrayVar(e.expression, sym) || forwardedParam(sym, "string") !== undefined);
    }
    if (ts.isIdentifier(e)) return numberVar(e, seen);
    return false;
  };
  /** A variable that only ever holds numbers: a number parameter forwarded from a trusted entity, a module const, or a local whose every write is a number. */
  const numberVar = (id: ts.Identifier, seen: Set<ts.Symbol>): boolean => {
    const sym = checker.getSymbolAtLocation(id);
    if (!sym) return false;
    if (seen.has(sym)) return true; // coinductive: a cycle of number writes stays a number
    const d = sym.valueDeclaration;
    if (d && ts.isParameter(d)) return forwardedParam(sym, "number") !== undefined;
    // One declaration only: a second `var x = …` initializes without being a write target.
    if (!d || !ts.isVariableDeclaration(d) || !ts.isIdentifier(d.name) || (sym.declarations ?? []).length !== 1) return false;
    if (ts.isForOfStatement(d.parent.parent) || ts.isForInStatement(d.parent.parent)) return false;
    const next = new Set(seen).add(sym);
    if (!d.initializer || !numberExpr(d.initializer, next)) return false;
    for (const use of refs.get(sym) ?? []) {
      if (use === d.name || !isWriteTarget(use)) continue;
      let t: ts.Node = use;
      while (ts.isParenthesizedExpression(t.parent)) t = t.parent;
      const p = t.parent;
      if ((ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p))) continue; // ++ / -- give numbers on numbers
      if (ts.isBinaryExpression(p) && p.left === t) {
        const k = p.operatorToken.kind;
        if (k === ts.SyntaxKind.EqualsToken && numberExpr(p.right, next)) continue;
        if (k !== ts.SyntaxKind.EqualsToken && k !== ts.SyntaxKind.AmpersandAmpersandEqualsToken && k !== ts.SyntaxKind.BarBarEqualsToken && k !== ts.SyntaxKind.QuestionQuestionEqualsToken && numberExpr(p.right, next)) continue;
      }
      return false;
    }
    return true;
  };

  /** `[numbers…]`, `new Array(n?)`, `new Uint8Array(n?)` with the built-in constructors. */
  const freshArray = (e0: ts.Expression): boolean => {
    const e = unwrap(e0);
    if (ts.isArrayLiteralExpression(e)) return e.elements.every((el) => !ts.isSpreadElement(el) && !ts.isOmittedExpression(el) && numberExpr(el, new Set()));
    if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && isBuiltinIdentifier({ checker }, e.expression)) {
      const name = e.expression.text;
      const a = e.arguments ?? [];
      if (name !== "Array" && !(name in TYPED_ARRAY_ELEMS)) return false;
      return a.length === 0 || (a.length === 1 && !ts.isSpreadElement(a[0]!) && numberExpr(a[0]!, new Set()));
    }
    return false;
  };

  /** Every use of an array variable keeps it a plain array of numbers. */
  const disciplined = (sym: ts.Symbol, decl: ts.Node | undefined, typed: boolean): boolean => {
    for (const use of usesOf(sym, decl)) {
      let t: ts.Node = use;
      while (ts.isParenthesizedExpression(t.parent)) t = t.parent;
      const p = t.parent;
      if (ts.isElementAccessExpression(p) && p.expression === t) {
        if (!isWriteTarget(p)) continue;
        // Writes only at numeric keys (never "__proto__" or "length") and only numbers (typed arrays convert).
        if (!numberExpr(p.argumentExpression, new Set())) return false;
        let w: ts.Node = p;
        while (ts.isParenthesizedExpression(w.parent)) w = w.parent;
        const wp = w.parent;
        if (ts.isPrefixUnaryExpression(wp) || ts.isPostfixUnaryExpression(wp)) continue;
        if (ts.isBinaryExpression(wp) && wp.left === w && (typed || numberExpr(wp.right, new Set())) && wp.operatorToken.kind !== ts.SyntaxKind.QuestionQuestionEqualsToken && wp.operatorToken.kind !== ts.SyntaxKind.BarBarEqualsToken && wp.operatorToken.kind !== ts.SyntaxKind.AmpersandAmpersandEqualsToken) continue;
        return false;
      }
      if (ts.isPropertyAccessExpression(p) && p.expression === t) {
        const name = p.name.text;
        if (name === "length") {
          if (!isWriteTarget(p)) continue;
          const bp = p.parent;
          if (ts.isBinaryExpression(bp) && bp.left === p && bp.operatorToken.kind === ts.SyntaxKind.EqualsToken && numberExpr(bp.right, new Set())) continue;
          return false;
        }
        const call = p.parent;
        if (PLAIN_METHODS.has(name) && ts.isCallExpression(call) && call.expression === p) {
          const valueArgs = name === "push" || name === "unshift" || name === "fill";
          if (call.arguments.every((a) => !ts.isSpreadElement(a) && (!valueArgs || typed || numberExpr(a, new Set())))) continue;
        }
        return false;
      }
      if (ts.isCallExpression(p) && p.arguments.includes(t as ts.Expression) && ts.isIdentifier(p.expression)) {
        const callee = checker.getSymbolAtLocation(p.expression);
        const fn = callee ? byBinding.get(callee) : undefined;
        if (fn && callee && !written.has(callee) && plain.get(fn)?.[p.arguments.indexOf(t as ts.Expression)] === true) continue;
        return false;
      }
      if (ts.isForOfStatement(p) && p.expression === t) continue;
      return false;
    }
    return true;
  };
  /** A local array variable made fresh and only ever used in plain ways. */
  const plainArrayVar = (id: ts.Identifier, sym: ts.Symbol): boolean => {
    const d = sym.valueDeclaration;
    if (d && ts.isParameter(d)) {
      const p = forwardedParam(sym, "array");
      return p !== undefined && plain.get(p.fn)?.[p.i] === true;
    }
    if (!d || !ts.isVariableDeclaration(d) || !ts.isIdentifier(d.name) || !d.initializer || !freshArray(d.initializer) || (sym.declarations ?? []).length !== 1) return false;
    if (ts.isForOfStatement(d.parent.parent) || ts.isForInStatement(d.parent.parent)) return false;
    const typed = ts.isNewExpression(unwrap(d.initializer)) && (unwrap(d.initializer) as ts.NewExpression).expression.getText(sf) !== "Array";
    void id;
    return disciplined(sym, d.name, typed) && !isWritten(sym);
  };

  const argumentOk = (arg: ts.Expression, shape: TypeShape | undefined): boolean => {
    if (shape === undefined) return true; // the parameter is not modelled anyway
    const e = unwrap(arg);
    switch (shape.k) {
      case "number":
        return numberExpr(e, new Set());
      case "string": {
        if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return true;
        const sym = ts.isIdentifier(e) ? checker.getSymbolAtLocation(e) : undefined;
        return sym !== undefined && forwardedParam(sym, "string") !== undefined;
      }
      case "boolean": {
        if (e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword) return true;
        const sym = ts.isIdentifier(e) ? checker.getSymbolAtLocation(e) : undefined;
        return sym !== undefined && forwardedParam(sym, "boolean") !== undefined;
      }
      case "array": {
        // Nested arrays and non-number elements: only from the host.
        if (shape.elem.k !== "num" && shape.elem.k !== "int") return false;
        if (freshArray(e)) return shape.cls === "Array" ? ts.isArrayLiteralExpression(e) || (ts.isNewExpression(e) && e.expression.getText(sf) === "Array") : ts.isNewExpression(e) && e.expression.getText(sf) === shape.cls;
        const sym = ts.isIdentifier(e) ? checker.getSymbolAtLocation(e) : undefined;
        if (sym === undefined || !plainArrayVar(e as ts.Identifier, sym)) return false;
        // The variable's class must be the parameter's: a Uint8Array passed where number[] is declared is not a plain Array.
        const d = sym.valueDeclaration;
        if (d && ts.isParameter(d)) return paramShapes.get(d.parent as FunctionLike)?.[(d.parent as FunctionLike).parameters.indexOf(d)]?.k === "array" && shapeOf(checker, checker.getTypeAtLocation(d))?.k === "array" && (shapeOf(checker, checker.getTypeAtLocation(d)) as { cls: string }).cls === shape.cls;
        const init = d && ts.isVariableDeclaration(d) && d.initializer ? unwrap(d.initializer) : undefined;
        const cls = init && ts.isNewExpression(init) ? init.expression.getText(sf) : "Array";
        return cls === shape.cls;
      }
    }
  };

  const whyNot = (fn: FunctionLike, sym: ts.Symbol | undefined): string | undefined => {
    if (!sym) return "the function has no binding of its own";
    if (written.has(sym)) return `the module writes the binding '${sym.getName()}'`;
    const decl = ts.isFunctionDeclaration(fn) ? fn.name : ts.isVariableDeclaration(fn.parent) ? fn.parent.name : undefined;
    for (const use of usesOf(sym, decl)) {
      const p = use.parent;
      if (ts.isExportSpecifier(p) || ts.isExportAssignment(p)) continue;
      if (!ts.isCallExpression(p) || p.expression !== use) return `'${sym.getName()}' is used as a value at ${pos(use)} (module code may call it with any arguments)`;
      if (p.arguments.length !== fn.parameters.length || p.arguments.some((a) => ts.isSpreadElement(a))) return `the call at ${pos(p)} does not pass exactly one argument per parameter`;
      const shapes = paramShapes.get(fn) ?? [];
      for (let i = 0; i < p.arguments.length; i++) {
        if (argumentOk(p.arguments[i]!, shapes[i])) continue;
        // Checked with typeof before the call, as an entry argument is (see the comment above).
        if (isPrimitive(shapes[i]) && enclosingEntity(p) !== undefined) continue;
        return `the argument '${p.arguments[i]!.getText(sf)}' at ${pos(p.arguments[i]!)} is not known to be a plain ${describeShape(shapes[i])} (module code may build proxies, accessors, subclasses or cast values)`;
      }
    }
    return undefined;
  };
  const pos = (n: ts.Node): string => {
    const lc = sf.getLineAndCharacterOfPosition(n.getStart(sf));
    return `${lc.line + 1}:${lc.character + 1}`;
  };

  for (let round = 0; round < 50; round++) {
    let changed = false;
    for (const [fn, sym] of entityFns) {
      const ps = plain.get(fn) ?? [];
      fn.parameters.forEach((p, i) => {
        if (!ps[i]) return;
        const psym = ts.isIdentifier(p.name) ? checker.getSymbolAtLocation(p.name) : undefined;
        const shape = paramShapes.get(fn)?.[i];
        const ok = psym !== undefined && !isWritten(psym) && (shape?.k !== "array" || disciplined(psym, p.name, shape.cls !== "Array"));
        if (!ok) {
          ps[i] = false;
          changed = true;
        }
      });
      if (trusted.get(fn) === undefined) {
        const why = whyNot(fn, sym);
        if (why !== undefined) {
          trusted.set(fn, why);
          changed = true;
        }
      }
    }
    if (!changed) break;
    if (round === 49) for (const fn of entityFns.keys()) trusted.set(fn, "provenance analysis did not settle");
  }
  // After the fixpoint: which calls the trust of their callee rests on.
  const sites = new Map<FunctionLike, ArgumentSite[]>();
  for (const [callee, sym] of entityFns) {
    if (!sym || trusted.get(callee) !== undefined) continue;
    const shapes = paramShapes.get(callee) ?? [];
    for (const use of usesOf(sym, undefined)) {
      const call = use.parent;
      if (!ts.isCallExpression(call) || call.expression !== use) continue;
      const owner = enclosingEntity(call);
      if (owner === undefined) continue; // then every argument was shown (whyNot)
      call.arguments.forEach((arg, index) => {
        const shape = shapes[index];
        if (!isPrimitive(shape)) return;
        const list = sites.get(owner) ?? [];
        list.push({ call, index, arg, callee, calleeName: sym.getName(), shape: shape.k, shown: argumentOk(arg, shape) });
        sites.set(owner, list);
      });
    }
  }
  return {
    trusted: (fn) => trusted.get(fn) === undefined && entityFns.has(fn),
    keepsPlain: (fn) => plain.get(fn) ?? [],
    whyUntrusted: (fn) => (entityFns.has(fn) ? trusted.get(fn) : "not an entity function"),
    argumentSites: (fn) => sites.get(fn) ?? [],
  };
}

function describeShape(s: TypeShape | undefined): string {
  if (s === undefined) return "value";
  return s.k === "array" ? (s.cls === "Array" ? "array of numbers" : s.cls) : s.k;
}
