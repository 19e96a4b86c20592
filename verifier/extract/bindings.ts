import { ts } from "ts-morph";

/**
 * Whether an expression is written to rather than read: assigned (`=`, `+=`, …), incremented,
 * deleted, or a target inside a destructuring pattern or a for-in/of head. Conservative: being an
 * element of an array or object literal counts (it may be a destructuring target).
 */
export function isWriteTarget(n: ts.Expression): boolean {
  let e: ts.Node = n;
  while (ts.isParenthesizedExpression(e.parent) || ts.isNonNullExpression(e.parent) || ts.isAsExpression(e.parent)) e = e.parent;
  const p = e.parent;
  if (ts.isBinaryExpression(p) && p.left === e && p.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && p.operatorToken.kind <= ts.SyntaxKind.LastAssignment) return true;
  if ((ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) && (p.operator === ts.SyntaxKind.PlusPlusToken || p.operator === ts.SyntaxKind.MinusMinusToken)) return true;
  if (ts.isDeleteExpression(p)) return true;
  return ts.isArrayLiteralExpression(p) || ts.isObjectLiteralExpression(p) || ts.isShorthandPropertyAssignment(p) || ts.isPropertyAssignment(p) || ts.isForOfStatement(p) || ts.isForInStatement(p);
}

/**
 * The symbols some identifier of the module writes to. A function declaration is a mutable
 * binding in JavaScript (`f = other` is legal, though not in TypeScript): a callee written
 * anywhere is not the function its contract describes, so its calls are unknown calls.
 */
export function writtenSymbols(sf: ts.SourceFile, checker: ts.TypeChecker): Set<ts.Symbol> {
  const out = new Set<ts.Symbol>();
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && isWriteTarget(n)) {
      const sym = ts.isShorthandPropertyAssignment(n.parent) ? checker.getShorthandAssignmentValueSymbol(n.parent) : checker.getSymbolAtLocation(n);
      if (sym !== undefined) out.add(sym);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}
