import { ts } from "ts-morph";
import { builtinClassName } from "./builtins.js";
import { createInMemoryProgram } from "./compiler-host.js";
import { TYPED_ARRAY_ELEMS, type ElemType } from "./values.js";

/**
 * The TypeScript program for one module: the module alone (plus the lib, parsed once per
 * process: compiler-host.ts), under a fresh file name per call so that nothing of an earlier
 * module can leak into a later analysis.
 */
const OPTIONS: ts.CompilerOptions = {
  strict: true,
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2023.d.ts"],
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  allowJs: true,
  checkJs: false,
  noEmit: true,
  types: [],
};
let fileCounter = 0;

export interface LoadedModule {
  readonly sourceFile: ts.SourceFile;
  readonly checker: ts.TypeChecker;
}

export function loadModule(moduleText: string, javascript: boolean): LoadedModule {
  fileCounter += 1;
  const name = `/anrf-module-${fileCounter}.${javascript ? "js" : "ts"}`;
  const program = createInMemoryProgram([{ name, text: moduleText }], OPTIONS);
  const sourceFile = program.getSourceFile(name);
  if (sourceFile === undefined) throw new Error(`TypeScript did not load ${name}`);
  return { sourceFile, checker: program.getTypeChecker() };
}

export type FunctionLike = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction;

/** Exported functions of the module by exported name: `export function f`, `export const f = (…) => …`, `export { f }`. */
export function exportedFunctions(sf: ts.SourceFile): Map<string, FunctionLike> {
  const local = new Map<string, FunctionLike>();
  const exported = new Map<string, FunctionLike>();
  const isExported = (n: ts.Node): boolean => (ts.getCombinedModifierFlags(n as ts.Declaration) & ts.ModifierFlags.Export) !== 0;
  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st) && st.name && st.body) {
      local.set(st.name.text, st);
      if (isExported(st)) exported.set(st.name.text, st);
    } else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.initializer && (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer))) {
          local.set(d.name.text, d.initializer);
          if (isExported(st)) exported.set(d.name.text, d.initializer);
        }
      }
    }
  }
  for (const st of sf.statements) {
    if (ts.isExportDeclaration(st) && !st.moduleSpecifier && st.exportClause && ts.isNamedExports(st.exportClause)) {
      for (const el of st.exportClause.elements) {
        const fn = local.get((el.propertyName ?? el.name).text);
        if (fn) exported.set(el.name.text, fn);
      }
    }
  }
  return exported;
}

/** How a value of this static type is modelled; `undefined` means not modelled (opaque). */
export type TypeShape =
  | { readonly k: "number" }
  | { readonly k: "string" }
  | { readonly k: "boolean" }
  | { readonly k: "array"; readonly cls: string; readonly elem: ElemType };

export function shapeOf(checker: ts.TypeChecker, type: ts.Type): TypeShape | undefined {
  const flags = type.getFlags();
  if (flags & ts.TypeFlags.Any || flags & ts.TypeFlags.Unknown) return undefined;
  if (type.isUnion()) {
    // `true | false` is boolean; any other union (number | undefined, …) is not modelled.
    if (type.types.every((t) => t.getFlags() & ts.TypeFlags.BooleanLiteral)) return { k: "boolean" };
    if (type.types.every((t) => t.getFlags() & ts.TypeFlags.NumberLike)) return { k: "number" };
    if (type.types.every((t) => t.getFlags() & ts.TypeFlags.StringLike)) return { k: "string" };
    return undefined;
  }
  if (flags & ts.TypeFlags.NumberLike) return { k: "number" };
  if (flags & ts.TypeFlags.StringLike) return { k: "string" };
  if (flags & ts.TypeFlags.BooleanLike) return { k: "boolean" };
  if (checker.isArrayType(type) || checker.isTupleType(type)) {
    const args = checker.getTypeArguments(type as ts.TypeReference);
    const elemType = checker.isArrayType(type) ? args[0] : undefined;
    return { k: "array", cls: "Array", elem: elemType ? elemOf(checker, elemType) : { k: "opaque", why: "tuple element" } };
  }
  // The built-in class only: a module's own `class Uint8Array` has none of its guarantees.
  const name = builtinClassName(type);
  if (name !== undefined && name in TYPED_ARRAY_ELEMS) {
    const elem = TYPED_ARRAY_ELEMS[name];
    if (elem) return { k: "array", cls: name, elem };
  }
  return undefined;
}

function elemOf(checker: ts.TypeChecker, type: ts.Type): ElemType {
  const shape = shapeOf(checker, type);
  if (shape === undefined) return { k: "opaque", why: `element of type '${checker.typeToString(type)}'` };
  switch (shape.k) {
    case "number":
      return { k: "num" };
    case "string":
      return { k: "str" };
    case "boolean":
      return { k: "bool" };
    case "array":
      return { k: "arr", cls: shape.cls, elem: shape.elem };
  }
}

/** Is this element access / call a bounds site (receiver an array, typed array or string)? */
export function receiverShape(checker: ts.TypeChecker, receiver: ts.Expression): TypeShape | undefined {
  return shapeOf(checker, checker.getTypeAtLocation(receiver));
}

/** Every bounds site of a function, syntactically, including those inside closures. */
export function boundsSites(checker: ts.TypeChecker, fn: FunctionLike): ts.Node[] {
  const out: ts.Node[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isElementAccessExpression(n) && !ts.isStringLiteralLike(n.argumentExpression)) {
      const shape = receiverShape(checker, n.expression);
      if (shape && (shape.k === "array" || shape.k === "string")) out.push(n);
    } else if (isCharCodeCall(n)) {
      const shape = receiverShape(checker, n.expression.expression);
      if (shape?.k === "string") out.push(n);
    }
    ts.forEachChild(n, visit);
  };
  if (fn.body) visit(fn.body);
  return out;
}

export function isCharCodeCall(n: ts.Node): n is ts.CallExpression & { expression: ts.PropertyAccessExpression } {
  return ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && (n.expression.name.text === "charCodeAt" || n.expression.name.text === "codePointAt");
}

/** The first nested function (closure) in a body, if any: not modelled. */
export function firstClosure(fn: FunctionLike): ts.Node | undefined {
  let found: ts.Node | undefined;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isFunctionLike(n)) {
      found = n;
      return;
    }
    ts.forEachChild(n, visit);
  };
  if (fn.body) ts.forEachChild(fn.body, visit);
  return found;
}
