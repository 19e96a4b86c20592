/**
 * Which runtime shape each entry parameter's declared TypeScript type promises (pure,
 * syntactic). The verifier takes parameter types as facts (verifier/extract/program.ts
 * `shapeOf`: `u: Uint8Array` ⇒ integer elements 0..255, `a: number[]` ⇒ an array of numbers,
 * `n: number` ⇒ a number), but arguments come from outside (`--args` JSON, structured clones),
 * so the runtime checks them at entry (guest/arg-shapes.ts) before any proof may be relied on.
 *
 * Why syntactic is sound here: only type syntax whose meaning cannot be changed by the module
 * is classified — the keywords `number`/`string`/`boolean`, literal types, unions of one of
 * those kinds, `T[]`, `readonly T[]`, `Array<T>`, `ReadonlyArray<T>` and the typed-array
 * classes, and the names `Array`/`ReadonlyArray`/typed arrays only when the module declares
 * nothing of that name anywhere (a local `class Uint8Array` or type parameter shadows the
 * built-in). Every other type (aliases, enums, tuples, objects, `any`, mixed unions, rest or
 * destructured parameters, no annotation) makes the entry "not checkable": the host then runs
 * it with every check inserted, trusting no proof (runtime/host/run.ts).
 */
import { ts } from "ts-morph";
import type { TypedArrayClass, ValueShape } from "../guest/protocol.js";

const TYPED_ARRAYS: ReadonlySet<string> = new Set<TypedArrayClass>([
  "Int8Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "Float32Array",
  "Float64Array",
]);

export interface ParamShapeSite {
  readonly name: string;
  readonly shape: ValueShape;
  readonly optional: boolean;
  /** Offset of the parameter in the module text (where a mismatch is reported). */
  readonly start: number;
}

export type EntryShape =
  | { readonly ok: true; readonly start: number; readonly params: readonly ParamShapeSite[] }
  | { readonly ok: false; readonly reason: string };

class NotCheckable extends Error {}

/** Every name the module declares as a type, class, interface, enum, namespace, import or type parameter. */
function declaredTypeNames(sf: ts.SourceFile): Set<string> {
  const out = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (
      (ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || ts.isEnumDeclaration(node) || ts.isTypeParameterDeclaration(node) || ts.isModuleDeclaration(node)) &&
      node.name !== undefined &&
      ts.isIdentifier(node.name)
    ) {
      out.add(node.name.text);
    }
    if (ts.isImportClause(node) && node.name) out.add(node.name.text);
    if (ts.isNamespaceImport(node) || ts.isImportSpecifier(node) || ts.isImportEqualsDeclaration(node)) out.add(node.name.text);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function shapeOfType(node: ts.TypeNode, shadowed: ReadonlySet<string>, sf: ts.SourceFile): ValueShape {
  const fail = (): never => {
    throw new NotCheckable(`type '${node.getText(sf).slice(0, 60)}'`);
  };
  if (ts.isParenthesizedTypeNode(node)) return shapeOfType(node.type, shadowed, sf);
  switch (node.kind) {
    case ts.SyntaxKind.NumberKeyword:
      return { k: "number" };
    case ts.SyntaxKind.StringKeyword:
      return { k: "string" };
    case ts.SyntaxKind.BooleanKeyword:
      return { k: "boolean" };
  }
  if (ts.isLiteralTypeNode(node)) {
    const lit = node.literal;
    if (ts.isNumericLiteral(lit) || (ts.isPrefixUnaryExpression(lit) && ts.isNumericLiteral(lit.operand))) return { k: "number" };
    if (ts.isStringLiteral(lit) || ts.isNoSubstitutionTemplateLiteral(lit)) return { k: "string" };
    if (lit.kind === ts.SyntaxKind.TrueKeyword || lit.kind === ts.SyntaxKind.FalseKeyword) return { k: "boolean" };
    return fail();
  }
  if (ts.isUnionTypeNode(node)) {
    // Only unions of one primitive kind (as the verifier: `true | false`, `1 | 2`, `"a" | "b"`).
    const kinds = node.types.map((t) => shapeOfType(t, shadowed, sf));
    const first = kinds[0];
    if (first !== undefined && (first.k === "number" || first.k === "string" || first.k === "boolean") && kinds.every((k) => k.k === first.k)) return first;
    return fail();
  }
  if (ts.isArrayTypeNode(node)) return { k: "array", elem: shapeOfType(node.elementType, shadowed, sf) };
  if (ts.isTypeOperatorNode(node) && node.operator === ts.SyntaxKind.ReadonlyKeyword && ts.isArrayTypeNode(node.type)) return shapeOfType(node.type, shadowed, sf);
  if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName) && !shadowed.has(node.typeName.text)) {
    const name = node.typeName.text;
    const args = node.typeArguments ?? [];
    if ((name === "Array" || name === "ReadonlyArray") && args.length === 1) return { k: "array", elem: shapeOfType(args[0]!, shadowed, sf) };
    // Typed arrays are generic over their buffer type since TypeScript 5.7 (`Uint8Array<ArrayBuffer>`).
    if (TYPED_ARRAYS.has(name)) return { k: "typed", cls: name as TypedArrayClass };
  }
  return fail();
}

type EntryFunction = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction;

/**
 * The module-level implementation of an exported name (overload signatures have no body),
 * through `export { local as name }` when the module has one: the function the host calls.
 * Undefined when the name is re-exported from elsewhere or is not a module-level function.
 */
export function topLevelFunction(sf: ts.SourceFile, exportName: string): EntryFunction | undefined {
  let name = exportName;
  for (const st of sf.statements) {
    if (ts.isExportDeclaration(st) && st.exportClause && ts.isNamedExports(st.exportClause)) {
      for (const el of st.exportClause.elements) {
        if (el.name.text !== exportName) continue;
        if (st.moduleSpecifier !== undefined) return undefined;
        name = (el.propertyName ?? el.name).text;
      }
    }
  }
  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st) && st.name?.text === name && st.body !== undefined) return st;
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.name.text === name && d.initializer !== undefined) {
          let init: ts.Expression = d.initializer;
          while (ts.isParenthesizedExpression(init)) init = init.expression;
          if (ts.isFunctionExpression(init) || ts.isArrowFunction(init)) return init;
        }
      }
    }
  }
  return undefined;
}

export function entryShape(sf: ts.SourceFile, name: string, shadowed: ReadonlySet<string> = declaredTypeNames(sf)): EntryShape {
  const fn = topLevelFunction(sf, name);
  if (fn === undefined) return { ok: false, reason: `no module-level function '${name}' found` };
  try {
    const params = fn.parameters.map((p): ParamShapeSite => {
      const label = ts.isIdentifier(p.name) ? p.name.text : p.name.getText(sf).slice(0, 40);
      if (!ts.isIdentifier(p.name)) throw new NotCheckable(`destructured parameter '${label}'`);
      if (label === "this") throw new NotCheckable("a 'this' parameter");
      if (p.dotDotDotToken) throw new NotCheckable(`rest parameter '${label}'`);
      if (p.type === undefined) throw new NotCheckable(`parameter '${label}' has no type annotation`);
      try {
        return { name: label, shape: shapeOfType(p.type, shadowed, sf), optional: p.questionToken !== undefined || p.initializer !== undefined, start: p.getStart(sf) };
      } catch (error) {
        if (error instanceof NotCheckable) throw new NotCheckable(`parameter '${label}' of ${error.message}`);
        throw error;
      }
    });
    return { ok: true, start: fn.getStart(sf), params };
  } catch (error) {
    if (error instanceof NotCheckable) return { ok: false, reason: error.message };
    throw error;
  }
}

export function entryShapes(sf: ts.SourceFile, names: readonly string[]): Map<string, EntryShape> {
  const shadowed = declaredTypeNames(sf);
  return new Map(names.map((n) => [n, entryShape(sf, n, shadowed)]));
}

/** The shape in TypeScript notation (`number`, `number[][]`, `Uint8Array`), for check descriptions. */
export function shapeText(shape: ValueShape): string {
  switch (shape.k) {
    case "number":
    case "string":
    case "boolean":
      return shape.k;
    case "array":
      return `${shapeText(shape.elem)}[]`;
    case "typed":
      return shape.cls;
  }
}
