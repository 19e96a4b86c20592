/**
 * Entry argument shapes (trusted guest code, runs before the entry function): every argument
 * must have the runtime shape its declared TypeScript type promises, because the verifier's
 * proofs take parameter types as facts (host/param-shapes.ts). Arguments are REBUILT here, by
 * trusted code, into fresh values:
 *  - number / string / boolean: `typeof` (NaN and ±Infinity are numbers, as the verifier models);
 *  - arrays (`T[]`): `Array.isArray`, no holes (the verifier treats every element below length
 *    as present), every element of shape T; copied into a fresh dense array, so arguments share
 *    nothing with each other or the caller;
 *  - typed arrays: JSON and structured clones cannot carry the compartment's class, so a plain
 *    dense array of numbers, or a typed array of exactly that class, is accepted and copied into
 *    a new array of the class built with this realm's (budget-charging) constructor — the one the
 *    compartment sees. Elements must already be in the class's range (integers lo..hi): a
 *    value is never silently wrapped or clamped (`[1000]` for a Uint8Array is refused, not 232).
 */
import type { TypedArrayClass, ValueShape } from "./protocol.js";

const { isArray } = Array;
const { isInteger } = Number;
const hasOwn = Object.hasOwn;
const RealString = String;
const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const typedTag = Object.getOwnPropertyDescriptor(typedArrayProto, Symbol.toStringTag)!.get!;
const typedLength = Object.getOwnPropertyDescriptor(typedArrayProto, "length")!.get!;

type TypedCtor = new (length: number) => { [i: number]: number };
// Captured when this module is evaluated: after boot.ts (alloc-budget wrappers, lockdown), so
// these are the constructors compartments get (session.ts endows the float ones explicitly).
const CTORS: Readonly<Record<TypedArrayClass, TypedCtor>> = {
  Int8Array: globalThis.Int8Array as unknown as TypedCtor,
  Uint8Array: globalThis.Uint8Array as unknown as TypedCtor,
  Uint8ClampedArray: globalThis.Uint8ClampedArray as unknown as TypedCtor,
  Int16Array: globalThis.Int16Array as unknown as TypedCtor,
  Uint16Array: globalThis.Uint16Array as unknown as TypedCtor,
  Int32Array: globalThis.Int32Array as unknown as TypedCtor,
  Uint32Array: globalThis.Uint32Array as unknown as TypedCtor,
  Float32Array: globalThis.Float32Array as unknown as TypedCtor,
  Float64Array: globalThis.Float64Array as unknown as TypedCtor,
};

/** Element ranges the verifier assumes (verifier/extract/values.ts TYPED_ARRAY_ELEMS); floats: any number. */
const RANGES: Readonly<Record<TypedArrayClass, readonly [number, number] | undefined>> = {
  Int8Array: [-128, 127],
  Uint8Array: [0, 255],
  Uint8ClampedArray: [0, 255],
  Int16Array: [-32768, 32767],
  Uint16Array: [0, 65535],
  Int32Array: [-2147483648, 2147483647],
  Uint32Array: [0, 4294967295],
  Float32Array: undefined,
  Float64Array: undefined,
};

export type Conformed = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: string };

function tagOf(value: unknown): string | undefined {
  try {
    return Reflect.apply(typedTag, value, []) as string | undefined;
  } catch {
    return undefined;
  }
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (isArray(value)) return "an array";
  const tag = tagOf(value);
  if (tag !== undefined) return `a ${tag}`;
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * The one test of a primitive shape, for entry arguments (`conform`) and for the arguments of
 * calls inside the module (checks.ts `arg`, and the inline guard the instrumenter emits for it,
 * which is this very expression): `typeof`, which runs no user code and cannot be redefined.
 */
export function hasPrimitiveShape(k: "number" | "string" | "boolean", value: unknown): boolean {
  return typeof value === k;
}

/** `value` checked against `shape` and rebuilt; `path` names the place for the message (`u`, `u[3]`). */
export function conform(shape: ValueShape, value: unknown, path: string): Conformed {
  switch (shape.k) {
    case "number":
    case "string":
    case "boolean":
      return hasPrimitiveShape(shape.k, value) ? { ok: true, value } : { ok: false, problem: `${path} is ${kindOf(value)}, not a ${shape.k}` };
    case "array": {
      if (!isArray(value)) return { ok: false, problem: `${path} is ${kindOf(value)}, not an array` };
      const length = (value as unknown[]).length;
      const out: unknown[] = [];
      for (let i = 0; i < length; i++) {
        if (!hasOwn(value as object, i)) return { ok: false, problem: `${path} has a hole at index ${i}` };
        const e = conform(shape.elem, (value as unknown[])[i], `${path}[${i}]`);
        if (!e.ok) return e;
        out[i] = e.value;
      }
      return { ok: true, value: out };
    }
    case "typed": {
      let length: number;
      if (isArray(value)) length = (value as unknown[]).length;
      else if (tagOf(value) === shape.cls) length = Reflect.apply(typedLength, value, []) as number;
      else return { ok: false, problem: `${path} is ${kindOf(value)}, not a ${shape.cls} or an array of numbers` };
      const range = RANGES[shape.cls];
      for (let i = 0; i < length; i++) {
        if (isArray(value) && !hasOwn(value as object, i)) return { ok: false, problem: `${path} has a hole at index ${i}` };
        const e = (value as unknown[])[i];
        if (typeof e !== "number") return { ok: false, problem: `${path}[${i}] is ${kindOf(e)}, not a number` };
        if (range !== undefined && !(isInteger(e) && e >= range[0] && e <= range[1])) {
          return { ok: false, problem: `${path}[${i}] = ${RealString(e)} is not an integer in ${range[0]}..${range[1]} (${shape.cls})` };
        }
      }
      // Built only after every element passed: nothing is charged for a refused argument.
      const out = new CTORS[shape.cls](length);
      for (let i = 0; i < length; i++) out[i] = (value as number[])[i]!;
      return { ok: true, value: out };
    }
  }
}
