/**
 * Contract clause (spec/contract AST) → a JavaScript expression evaluated by a runtime check.
 * Pure. The output is built only from the parsed AST: names are checked to be identifiers,
 * strings are JSON-quoted, so no document text reaches the emitted code unparsed.
 */
import { parseClause, type ClauseExpr } from "../../spec/contract/index.js";

export interface ClauseScope {
  /** The check object's parameter name in the module wrapper. */
  readonly checks: string;
  /** Variable holding the result (postconditions), when `result`/`output` may be used. */
  readonly result?: string | undefined;
  /** Names that are parameters of the function (so `output` is not an alias when one is called that). */
  readonly params: readonly string[];
  /** old(e) → the name of the const holding e's value at entry (postconditions). */
  readonly old?: ((e: ClauseExpr) => string) | undefined;
  /**
   * Postconditions: a parameter name → the const holding the parameter's binding at entry.
   * The verifier reads a parameter in a postcondition as the value the caller passed (docs/
   * verification.md), not the variable's current value; for arrays the binding is the reference,
   * so `len(a)` is the current length of the array that was passed.
   */
  readonly entryValue?: ((param: string) => string) | undefined;
  /**
   * A check-object helper (`len`, `isSafeInteger`, …) → the expression naming it; default
   * `<checks>.<name>`. The instrumenter passes module constants (a constant call target).
   */
  readonly helper?: ((name: string) => string) | undefined;
}

export type CompiledClause = { readonly ok: true; readonly js: string; readonly usesOld: boolean } | { readonly ok: false; readonly reason: string };

const identifier = /^[A-Za-z_$][\w$]*$/;

class NotCompilable extends Error {}

export function compileClauseText(text: string, scope: ClauseScope): CompiledClause {
  const parsed = parseClause(text);
  if (parsed.kind === "informal") return { ok: false, reason: parsed.reason };
  return compileClause(parsed.expr, scope);
}

export function compileClause(expr: ClauseExpr, scope: ClauseScope): CompiledClause {
  let usesOld = false;
  const h = (name: string): string => (scope.helper ? scope.helper(name) : `${scope.checks}.${name}`);
  let bound: ReadonlySet<string> = new Set();
  const go = (e: ClauseExpr): string => {
    switch (e.tag) {
      case "num":
        // No global names (NaN, Infinity): inside a compartment every global lookup goes
        // through SES's scope proxy, which is slow in a loop condition.
        return Number.isFinite(e.value) ? `(${String(e.value)})` : e.value !== e.value ? "(0 / 0)" : e.value > 0 ? "(1 / 0)" : "(-1 / 0)";
      case "str":
        return JSON.stringify(e.value);
      case "bool":
        return e.value ? "true" : "false";
      case "name": {
        if (!identifier.test(e.name)) throw new NotCompilable(`'${e.name}' is not a name`);
        if (scope.result !== undefined && (e.name === "result" || (e.name === "output" && !scope.params.includes("output")))) return scope.result;
        if (e.name === "result" && !scope.params.includes("result")) throw new NotCompilable("'result' outside a postcondition");
        if (scope.entryValue !== undefined && scope.params.includes(e.name) && !bound.has(e.name)) return scope.entryValue(e.name);
        return e.name;
      }
      case "len":
        return `${h("len")}(${go(e.of)})`;
      case "index":
        // A plain name is read inline (fast, monomorphic); anything else through the total helper.
        if (e.of.tag === "name" && !(scope.result !== undefined && (e.of.name === "result" || e.of.name === "output"))) {
          const of = go(e.of);
          return `(${of} == null ? undefined : ${of}[${go(e.index)}])`;
        }
        return `${h("at")}(${go(e.of)}, ${go(e.index)})`;
      case "not":
        return `(!${go(e.arg)})`;
      case "neg":
        return `(-${go(e.arg)})`;
      case "bin": {
        const op = e.op === "==" ? "===" : e.op === "!=" ? "!==" : e.op;
        return `(${go(e.left)} ${op} ${go(e.right)})`;
      }
      case "cond":
        return `(${go(e.test)} ? ${go(e.then)} : ${go(e.else)})`;
      case "implies":
        return `(!${go(e.left)} || ${go(e.right)})`;
      case "old": {
        if (scope.old === undefined) throw new NotCompilable("old(...) outside a postcondition");
        usesOld = true;
        return scope.old(e.arg);
      }
      case "forall": {
        if (!identifier.test(e.variable)) throw new NotCompilable(`'${e.variable}' is not a name`);
        const lo = go(e.lo);
        const hi = go(e.hi);
        const outer = bound;
        bound = new Set([...outer, e.variable]); // the bound variable shadows a parameter of that name
        try {
          return `${scope.checks}.all(${lo}, ${hi}, (${e.variable}) => ${go(e.body)})`;
        } finally {
          bound = outer;
        }
      }
      case "call":
        // Number.isInteger → <checks>.isInteger: the helpers are captured intrinsics on the
        // check object (a local), not global lookups through the compartment's scope proxy.
        return `${h(e.fn.slice(e.fn.indexOf(".") + 1))}(${e.args.map(go).join(", ")})`;
    }
  };
  try {
    return { ok: true, js: go(expr), usesOld };
  } catch (error) {
    if (error instanceof NotCompilable) return { ok: false, reason: error.message };
    throw error;
  }
}

/** JS for `e` itself (used to snapshot old(e) at function entry). */
export function compileOldOperand(expr: ClauseExpr, scope: ClauseScope): CompiledClause {
  return compileClause(expr, { ...scope, result: undefined, old: undefined, entryValue: undefined });
}
