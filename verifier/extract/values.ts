import type { Term } from "./terms.js";

/**
 * Symbolic JavaScript values. A number is either `int` — an integral double whose exact value
 * is the Int term (established by literals, `.length`, `|0`, Math.floor of a bounded value,
 * loop counters, `Number.isInteger` preconditions) — or `num`, an IEEE-754 binary64 term
 * (NaN, infinities and -0 included). Arrays are references; their lengths live in the state
 * so that aliasing and length changes are explicit. `opaque` is anything not modelled: it
 * makes every obligation that needs it unsupported.
 */
export type ElemType =
  | { readonly k: "num" }
  | { readonly k: "int"; readonly lo: bigint; readonly hi: bigint }
  | { readonly k: "str" }
  | { readonly k: "bool" }
  | { readonly k: "arr"; readonly cls: string; readonly elem: ElemType }
  | { readonly k: "opaque"; readonly why: string };

export interface IntVal {
  readonly k: "int";
  readonly t: Term;
  /** Static interval of the value, when known (used to skip exactness side conditions). */
  readonly lo?: bigint | undefined;
  readonly hi?: bigint | undefined;
  /** The double may be -0 (then converting to FP must allow either zero). */
  readonly negZero?: boolean | undefined;
  /**
   * The value is a rounded result of unbounded operands and may really be ±Infinity: only
   * comparisons are sound on it (a huge integer compares like Infinity); arithmetic is not.
   */
  readonly mayBeInfinite?: boolean | undefined;
  /**
   * An element of an integral view that nothing bounds (elements.ts): arithmetic whose result
   * no bound limits on either side is IEEE arithmetic, as for the doubles it stands for, so that
   * no exactness condition that nothing can discharge (`dp[j] + 1`) reaches every later goal.
   */
  readonly loose?: boolean | undefined;
}

export type Val =
  | IntVal
  /**
   * `hole`: the value may really be `undefined` (read from a hole of a plain Array, a callee's
   * result, a loop-head havoc). It behaves like NaN (which `t` may be) for arithmetic and
   * comparisons; only `Number.isNaN` and `===` between two such values tell them apart.
   */
  | { readonly k: "num"; readonly t: Term; readonly hole?: boolean | undefined }
  | { readonly k: "bool"; readonly t: Term }
  | { readonly k: "str"; readonly t: Term }
  | { readonly k: "arr"; readonly ref: number; readonly cls: string; readonly elem: ElemType }
  | { readonly k: "undef"; readonly isNull?: boolean | undefined }
  | { readonly k: "fn"; readonly name: string }
  | { readonly k: "opaque"; readonly why: string };

export const TWO_53 = 9007199254740992n;
export const TWO_32 = 4294967296n;
export const TWO_31 = 2147483648n;

/**
 * Engine limits of the runtime: arrays by the language (2^32 - 1), typed arrays by the
 * sandbox (2^32: no buffer is larger than 2^32 bytes — runtime/guest/alloc-budget.ts
 * MAX_BUFFER_BYTES; Node 20 alone has it as `buffer.constants.MAX_LENGTH`, Node 22 and later
 * allow 2^53 - 1), strings by V8 (`buffer.constants.MAX_STRING_LENGTH` = 2^29 - 24 on Node 20
 * to 26). Assuming a length within them is sound because no value in the sandbox can exceed them.
 */
export const MAX_ARRAY_LENGTH = TWO_32 - 1n;
export const MAX_TYPED_ARRAY_LENGTH = TWO_32;
export const MAX_STRING_LENGTH = 536870888n;

export const TYPED_ARRAY_ELEMS: Readonly<Record<string, ElemType>> = {
  Int8Array: { k: "int", lo: -128n, hi: 127n },
  Uint8Array: { k: "int", lo: 0n, hi: 255n },
  Uint8ClampedArray: { k: "int", lo: 0n, hi: 255n },
  Int16Array: { k: "int", lo: -32768n, hi: 32767n },
  Uint16Array: { k: "int", lo: 0n, hi: 65535n },
  Int32Array: { k: "int", lo: -TWO_31, hi: TWO_31 - 1n },
  Uint32Array: { k: "int", lo: 0n, hi: TWO_32 - 1n },
  Float32Array: { k: "num" },
  Float64Array: { k: "num" },
};

export function isTypedArrayClass(cls: string): boolean {
  return cls in TYPED_ARRAY_ELEMS;
}

export function maxLengthOf(cls: string): bigint {
  return isTypedArrayClass(cls) ? MAX_TYPED_ARRAY_LENGTH : MAX_ARRAY_LENGTH;
}

export function describeVal(v: Val): string {
  switch (v.k) {
    case "int":
      return "integer";
    case "num":
      return "number";
    case "bool":
      return "boolean";
    case "str":
      return "string";
    case "arr":
      return v.cls;
    case "undef":
      return "undefined";
    case "fn":
      return `function ${v.name}`;
    case "opaque":
      return `unmodelled value (${v.why})`;
  }
}
