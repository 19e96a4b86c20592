import { ts } from "ts-morph";
import { NODE_ONLY_GLOBALS } from "../type-check/host-globals.js";
import { isBuiltinIdentifier } from "./builtins.js";
import { where, type ExecCtx } from "./context.js";
import type { FunctionLike } from "./program.js";
import { FALSE } from "./terms.js";

/**
 * Each use of a Node global that the sandbox does not provide (type-check/host-globals.ts) is a
 * capability obligation that fails: at run time the name is a ReferenceError, whatever the input.
 * A local or module binding of the same name is the module's own and not reported.
 */
export function hostGlobalUses(ctx: ExecCtx, fn: FunctionLike): void {
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && Object.hasOwn(NODE_ONLY_GLOBALS, n.text) && isReference(n) && isBuiltinIdentifier(ctx, n)) {
      ctx.sink.add(
        { kind: "capability", start: n.getStart(ctx.sf), end: n.getEnd(), description: `use of the Node global '${n.text}', which the sandbox does not provide (a ReferenceError at run time) at ${where(ctx, n)}` },
        [],
        FALSE,
      );
    }
    ts.forEachChild(n, visit);
  };
  if (fn.body) visit(fn.body);
}

/** An identifier in expression position (not a property name, declaration name or type). */
function isReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if ((ts.isPropertyAccessExpression(p) && p.name === id) || (ts.isPropertyAssignment(p) && p.name === id)) return false;
  if (ts.isTypeReferenceNode(p) || ts.isQualifiedName(p)) return false;
  if ((ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isFunctionDeclaration(p) || ts.isBindingElement(p)) && p.name === id) return false;
  return true;
}
