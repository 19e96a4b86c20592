/**
 * The contract-clause language of the ANRF TypeScript profile (ANRF-1.1.md §6): a small,
 * side-effect-free subset of TypeScript expressions. A clause either parses into this AST or
 * is reported as informal (prose), never silently dropped.
 */

export type BinaryOp =
  | "+"
  | "-"
  | "*"
  | "/"
  | "%"
  | "<"
  | "<="
  | ">"
  | ">="
  | "=="
  | "!="
  | "&&"
  | "||";

export type ClauseExpr =
  | { readonly tag: "num"; readonly value: number; readonly text: string }
  | { readonly tag: "str"; readonly value: string }
  | { readonly tag: "bool"; readonly value: boolean }
  | { readonly tag: "name"; readonly name: string }
  /** `x.length` and `len(x)` both become this node. */
  | { readonly tag: "len"; readonly of: ClauseExpr }
  | { readonly tag: "index"; readonly of: ClauseExpr; readonly index: ClauseExpr }
  | { readonly tag: "not"; readonly arg: ClauseExpr }
  | { readonly tag: "neg"; readonly arg: ClauseExpr }
  | { readonly tag: "bin"; readonly op: BinaryOp; readonly left: ClauseExpr; readonly right: ClauseExpr }
  | { readonly tag: "cond"; readonly test: ClauseExpr; readonly then: ClauseExpr; readonly else: ClauseExpr }
  | { readonly tag: "implies"; readonly left: ClauseExpr; readonly right: ClauseExpr }
  | { readonly tag: "old"; readonly arg: ClauseExpr }
  /** forall(i, lo, hi, pred): pred holds for every integer i with lo <= i < hi. */
  | { readonly tag: "forall"; readonly variable: string; readonly lo: ClauseExpr; readonly hi: ClauseExpr; readonly body: ClauseExpr }
  /** Number.isInteger / isFinite / isNaN, Math.floor / ceil / trunc / abs / min / max. */
  | { readonly tag: "call"; readonly fn: ContractFunction; readonly args: readonly ClauseExpr[] };

export type ContractFunction =
  | "Number.isInteger"
  | "Number.isFinite"
  | "Number.isNaN"
  | "Number.isSafeInteger"
  | "Math.floor"
  | "Math.ceil"
  | "Math.trunc"
  | "Math.abs"
  | "Math.min"
  | "Math.max";

export const CONTRACT_FUNCTIONS: Readonly<Record<ContractFunction, number>> = {
  "Number.isInteger": 1,
  "Number.isFinite": 1,
  "Number.isNaN": 1,
  "Number.isSafeInteger": 1,
  "Math.floor": 1,
  "Math.ceil": 1,
  "Math.trunc": 1,
  "Math.abs": 1,
  "Math.min": 2,
  "Math.max": 2,
};

/** A parsed clause, or the reason it is informal. */
export type ParsedClause =
  | { readonly kind: "formal"; readonly text: string; readonly expr: ClauseExpr }
  | { readonly kind: "informal"; readonly text: string; readonly reason: string };

/** Free names of a clause (bound forall variables excluded), in first-appearance order. */
export function freeNames(expr: ClauseExpr): string[] {
  const out: string[] = [];
  const walk = (e: ClauseExpr, bound: ReadonlySet<string>): void => {
    switch (e.tag) {
      case "num":
      case "str":
      case "bool":
        return;
      case "name":
        if (!bound.has(e.name) && !out.includes(e.name)) out.push(e.name);
        return;
      case "len":
      case "not":
      case "neg":
      case "old":
        return walk(e.tag === "len" ? e.of : e.arg, bound);
      case "index":
        walk(e.of, bound);
        return walk(e.index, bound);
      case "bin":
      case "implies":
        walk(e.left, bound);
        return walk(e.right, bound);
      case "cond":
        walk(e.test, bound);
        walk(e.then, bound);
        return walk(e.else, bound);
      case "forall": {
        walk(e.lo, bound);
        walk(e.hi, bound);
        const inner = new Set(bound);
        inner.add(e.variable);
        return walk(e.body, inner);
      }
      case "call":
        for (const a of e.args) walk(a, bound);
        return;
    }
  };
  walk(expr, new Set());
  return out;
}

/** True when the clause uses old(...) anywhere. */
export function usesOld(expr: ClauseExpr): boolean {
  let found = false;
  const walk = (e: ClauseExpr): void => {
    if (found) return;
    if (e.tag === "old") {
      found = true;
      return;
    }
    for (const child of children(e)) walk(child);
  };
  walk(expr);
  return found;
}

function children(e: ClauseExpr): readonly ClauseExpr[] {
  switch (e.tag) {
    case "num":
    case "str":
    case "bool":
    case "name":
      return [];
    case "len":
      return [e.of];
    case "index":
      return [e.of, e.index];
    case "not":
    case "neg":
    case "old":
      return [e.arg];
    case "bin":
    case "implies":
      return [e.left, e.right];
    case "cond":
      return [e.test, e.then, e.else];
    case "forall":
      return [e.lo, e.hi, e.body];
    case "call":
      return e.args;
  }
}
