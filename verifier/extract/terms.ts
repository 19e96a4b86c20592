/**
 * A tiny SMT term language. Terms are plain trees; constants carry a source description
 * (for counterexamples) and, for parameters, a fixed canonical name. Every other constant
 * is named at print time by first appearance, so printed queries do not depend on source
 * names or positions (see smt-text.ts).
 */

/** "IntArray" / "FPArray": SMT arrays from Int indices to Int / binary64 elements (element contents, state.ts). */
export type Sort = "Bool" | "Int" | "Real" | "String" | "FP" | "IntArray" | "FPArray";

export interface Const {
  readonly kind: "const";
  readonly id: number;
  readonly sort: Sort;
  /** Source term for counterexamples, e.g. "data.length" or "i (loop at 4:3)". */
  readonly source: string;
  /** Canonical name for parameter facets (p0, p0_len); others are named v<k> when printed. */
  readonly canon?: string | undefined;
  /**
   * The constant stands for an over-approximation (a loop head's havocked state, a length
   * after a call, a callee's result): a model that uses it need not describe a real run.
   */
  readonly abstraction?: boolean | undefined;
}

export type Term =
  | Const
  | { readonly kind: "app"; readonly op: string; readonly args: readonly Term[]; readonly sort: Sort }
  | { readonly kind: "lit"; readonly text: string; readonly sort: Sort }
  | { readonly kind: "bound"; readonly name: string; readonly sort: Sort }
  | { readonly kind: "forall"; readonly name: string; readonly body: Term; readonly sort: "Bool" };

let nextConstId = 0;

/** Fresh constant; ids only order constants within one extraction, never appear in text. */
export function freshConst(sort: Sort, source: string, canon?: string): Const {
  nextConstId += 1;
  return { kind: "const", id: nextConstId, sort, source, canon };
}

/**
 * A fresh constant whose value in any model is one a real run can produce given the other
 * constants (a loop counter in its inferred range, the rounding witness of an exact integer
 * operation). Every other constant that is not a parameter facet (canon) counts as an
 * abstraction for counterexamples (see isAbstraction).
 */
export function exactConst(sort: Sort, source: string): Const {
  return { ...freshConst(sort, source), abstraction: false };
}

/**
 * Whether a model's value for `c` may describe no real run: parameter facets and exactConst
 * constants are real; everything else (loop-head havoc, lengths after calls, call and builtin
 * results, element values, unknown conditions, the sign of a zero, …) is an abstraction.
 */
export function isAbstraction(c: Const): boolean {
  if (c.canon !== undefined) return false;
  return c.abstraction !== false;
}

/** A fresh constant standing for an abstraction (see Const.abstraction): counterexamples through it are not confirmed. */
export function abstractConst(sort: Sort, source: string): Const {
  return { ...freshConst(sort, source), abstraction: true };
}

export function app(op: string, sort: Sort, ...args: Term[]): Term {
  return { kind: "app", op, args, sort };
}

export const TRUE: Term = { kind: "lit", text: "true", sort: "Bool" };
export const FALSE: Term = { kind: "lit", text: "false", sort: "Bool" };

export function intLit(n: number | bigint): Term {
  const v = BigInt(n);
  return v < 0n ? { kind: "app", op: "-", args: [{ kind: "lit", text: (-v).toString(), sort: "Int" }], sort: "Int" } : { kind: "lit", text: v.toString(), sort: "Int" };
}

/** The exact IEEE-754 binary64 value of a JavaScript number, as an SMT FloatingPoint literal. */
export function fpLit(n: number): Term {
  return { kind: "lit", text: fpLitText(n), sort: "FP" };
}

/** The SMT-LIB text of `fpLit(n)`. */
export function fpLitText(n: number): string {
  if (Number.isNaN(n)) return "(_ NaN 11 53)";
  if (n === Number.POSITIVE_INFINITY) return "(_ +oo 11 53)";
  if (n === Number.NEGATIVE_INFINITY) return "(_ -oo 11 53)";
  const bits = float64Bits(n).toString(2).padStart(64, "0");
  return `(fp #b${bits.slice(0, 1)} #b${bits.slice(1, 12)} #b${bits.slice(12)})`;
}

/** The number a finite `fpLit` term stands for (its bits read back); undefined for any other term. */
export function fpLitValue(t: Term): number | undefined {
  if (t.kind !== "lit" || t.sort !== "FP") return undefined;
  const m = /^\(fp #b([01]) #b([01]{11}) #b([01]{52})\)$/.exec(t.text);
  return m === null ? undefined : float64OfBits(BigInt(`0b${m[1]}${m[2]}${m[3]}`));
}

/** The 64 bits of a double (IEEE-754 binary64: sign, 11 exponent bits, 52 fraction bits). */
export function float64Bits(n: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, n);
  return view.getBigUint64(0);
}

/** The double with these 64 bits (the inverse of float64Bits). */
export function float64OfBits(bits: bigint): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, bits);
  return view.getFloat64(0);
}

export function strLit(s: string): Term {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code === 0x22) out += '""';
    else if (code >= 0x20 && code < 0x7f && code !== 0x5c) out += s[i];
    else out += `\\u{${code.toString(16)}}`;
  }
  return { kind: "lit", text: `"${out}"`, sort: "String" };
}

export function isTrue(t: Term): boolean {
  return t.kind === "lit" && t.text === "true";
}
export function isFalse(t: Term): boolean {
  return t.kind === "lit" && t.text === "false";
}

export function and(...parts: Term[]): Term {
  const kept: Term[] = [];
  for (const p of parts) {
    if (isFalse(p)) return FALSE;
    if (p.kind === "app" && p.op === "and") kept.push(...p.args);
    else if (!isTrue(p)) kept.push(p);
  }
  if (kept.length === 0) return TRUE;
  if (kept.length === 1 && kept[0] !== undefined) return kept[0];
  return app("and", "Bool", ...kept);
}

export function or(...parts: Term[]): Term {
  const kept: Term[] = [];
  for (const p of parts) {
    if (isTrue(p)) return TRUE;
    if (!isFalse(p)) kept.push(p);
  }
  if (kept.length === 0) return FALSE;
  if (kept.length === 1 && kept[0] !== undefined) return kept[0];
  return app("or", "Bool", ...kept);
}

export function not(t: Term): Term {
  if (isTrue(t)) return FALSE;
  if (isFalse(t)) return TRUE;
  if (t.kind === "app" && t.op === "not" && t.args[0] !== undefined) return t.args[0];
  return app("not", "Bool", t);
}

export function implies(a: Term, b: Term): Term {
  if (isTrue(a)) return b;
  if (isFalse(a) || isTrue(b)) return TRUE;
  return app("=>", "Bool", a, b);
}

export function eq(a: Term, b: Term): Term {
  return app("=", "Bool", a, b);
}

export function ite(c: Term, a: Term, b: Term): Term {
  if (isTrue(c)) return a;
  if (isFalse(c)) return b;
  return app("ite", a.sort, c, a, b);
}

export function le(a: Term, b: Term): Term {
  return app("<=", "Bool", a, b);
}
export function lt(a: Term, b: Term): Term {
  return app("<", "Bool", a, b);
}

/** Constants of a term in depth-first, left-to-right order (duplicates removed). */
export function constsOf(t: Term, out: Const[] = [], seen: Set<number> = new Set()): Const[] {
  switch (t.kind) {
    case "const":
      if (!seen.has(t.id)) {
        seen.add(t.id);
        out.push(t);
      }
      return out;
    case "app":
      for (const a of t.args) constsOf(a, out, seen);
      return out;
    case "forall":
      return constsOf(t.body, out, seen);
    default:
      return out;
  }
}
