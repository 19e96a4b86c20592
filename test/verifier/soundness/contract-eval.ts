import type { ClauseExpr } from "../../../spec/contract/index.js";

/**
 * Evaluates a contract clause on concrete JavaScript values with JavaScript semantics (NaN
 * compares false, `/` is float division), as the soundness tests' oracle. `old` reads the
 * values captured before the call. Throws EvalUnsupported for what it cannot evaluate.
 */
export class EvalUnsupported extends Error {}

export interface EvalEnv {
  readonly values: Readonly<Record<string, unknown>>;
  readonly old?: Readonly<Record<string, unknown>> | undefined;
}

const FORALL_LIMIT = 100_000;

export function evaluate(expr: ClauseExpr, env: EvalEnv): unknown {
  switch (expr.tag) {
    case "num":
    case "str":
    case "bool":
      return expr.value;
    case "name":
      if (!(expr.name in env.values)) throw new EvalUnsupported(`unknown name ${expr.name}`);
      return env.values[expr.name];
    case "len":
      return (evaluate(expr.of, env) as { length: number }).length;
    case "index": {
      const of = evaluate(expr.of, env) as Record<number, unknown>;
      return of[evaluate(expr.index, env) as number];
    }
    case "not":
      return !evaluate(expr.arg, env);
    case "neg":
      return -(evaluate(expr.arg, env) as number);
    case "old":
      if (env.old === undefined) throw new EvalUnsupported("old() outside a postcondition");
      return evaluate(expr.arg, { values: env.old });
    case "cond":
      return evaluate(expr.test, env) ? evaluate(expr.then, env) : evaluate(expr.else, env);
    case "implies":
      return !evaluate(expr.left, env) || Boolean(evaluate(expr.right, env));
    case "forall": {
      const lo = evaluate(expr.lo, env) as number;
      const hi = evaluate(expr.hi, env) as number;
      if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new EvalUnsupported("unbounded forall");
      if (hi - lo > FORALL_LIMIT) throw new EvalUnsupported("forall range too large");
      for (let i = Math.ceil(lo); i < hi; i++) {
        if (!evaluate(expr.body, { ...env, values: { ...env.values, [expr.variable]: i } })) return false;
      }
      return true;
    }
    case "call": {
      const args = expr.args.map((a) => evaluate(a, env) as number);
      const [x, y] = args as [number, number];
      switch (expr.fn) {
        case "Number.isInteger":
          return Number.isInteger(x);
        case "Number.isFinite":
          return Number.isFinite(x);
        case "Number.isNaN":
          return Number.isNaN(x);
        case "Number.isSafeInteger":
          return Number.isSafeInteger(x);
        case "Math.floor":
          return Math.floor(x);
        case "Math.ceil":
          return Math.ceil(x);
        case "Math.trunc":
          return Math.trunc(x);
        case "Math.abs":
          return Math.abs(x);
        case "Math.min":
          return Math.min(x, y);
        case "Math.max":
          return Math.max(x, y);
      }
      throw new EvalUnsupported(`function ${String(expr.fn)}`);
    }
    case "bin": {
      if (expr.op === "&&") return Boolean(evaluate(expr.left, env)) && Boolean(evaluate(expr.right, env));
      if (expr.op === "||") return Boolean(evaluate(expr.left, env)) || Boolean(evaluate(expr.right, env));
      const l = evaluate(expr.left, env) as number;
      const r = evaluate(expr.right, env) as number;
      switch (expr.op) {
        case "+":
          return l + r;
        case "-":
          return l - r;
        case "*":
          return l * r;
        case "/":
          return l / r;
        case "%":
          return l % r;
        case "<":
          return l < r;
        case "<=":
          return l <= r;
        case ">":
          return l > r;
        case ">=":
          return l >= r;
        case "==":
          return l === r;
        case "!=":
          return l !== r;
      }
    }
  }
}

/** A clause holds when it evaluates to true; a clause that cannot be evaluated is `undefined`. */
export function holds(expr: ClauseExpr, env: EvalEnv): boolean | undefined {
  try {
    return evaluate(expr, env) === true;
  } catch (error) {
    if (error instanceof EvalUnsupported) return undefined;
    throw error;
  }
}

/** `a && b && c` → [a, b, c]. */
export function conjuncts(expr: ClauseExpr): ClauseExpr[] {
  return expr.tag === "bin" && expr.op === "&&" ? [...conjuncts(expr.left), ...conjuncts(expr.right)] : [expr];
}
