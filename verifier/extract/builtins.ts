import { ts } from "ts-morph";
import type { ExecCtx } from "./context.js";

/**
 * Whether a name denotes the JavaScript built-in (`Math`, `Number`, `NaN`, `undefined`,
 * `Array`, `Uint8Array`, …) rather than something the module declares under that name. The
 * encoder trusts built-in semantics only after this check: the identifier's symbol must come
 * from TypeScript's lib declaration files (or be the checker's intrinsic `undefined`, which has
 * no declaration). A module-level `const Math = …`, `function Array()`, `class Uint8Array`, a
 * parameter named `NaN` or a `declare global` augmentation all make it not the built-in.
 */
export function isBuiltinIdentifier(ctx: Pick<ExecCtx, "checker">, id: ts.Identifier): boolean {
  const sym = ctx.checker.getSymbolAtLocation(id);
  // No symbol: the name is declared nowhere the checker sees, so not by the module; only a
  // runtime global (e.g. `fetch` without DOM/Node typings) can answer to it.
  return sym === undefined || isLibSymbol(sym);
}

/** A symbol all of whose declarations (if any) are in lib .d.ts files (the module is a .ts file, never one). */
export function isLibSymbol(sym: ts.Symbol): boolean {
  return (sym.getDeclarations() ?? []).every((d) => d.getSourceFile().isDeclarationFile);
}

/** The name of the type's class when it is the built-in class of that name (a user `class Uint8Array` is not). */
export function builtinClassName(type: ts.Type): string | undefined {
  const sym = type.getSymbol();
  if (sym === undefined || (sym.getDeclarations() ?? []).length === 0 || !isLibSymbol(sym)) return undefined;
  return sym.getName();
}
