/**
 * Closes the ArrayBuffer gap of worker `resourceLimits` (they bound the V8 heap, not the
 * backing stores of ArrayBuffers): before `lockdown()`, every way guest code can reach an
 * off-heap allocation is routed through a wrapper that charges a per-run byte budget first.
 *
 * Why this is complete for compartment code: the wrappers replace the global constructors
 * AND the `constructor` slots of the shared prototypes, so `x.buffer.constructor`,
 * `u8.constructor`, species lookups (`slice`, `map`, `filter`, `from`, `of`) and subclassing
 * (`class X extends Uint8Array`, whose `super()` calls the wrapper) all reach a wrapper. The
 * real constructors are kept only in this module's closure; after lockdown the prototypes are
 * frozen, so guest code cannot re-point them. `SharedArrayBuffer` and `Atomics` are removed.
 * SES's immutable-ArrayBuffer shim is loaded after this module and so captures the wrappers.
 * `TextEncoder#encode` (allocates natively) is charged too, and so are the methods and statics
 * V8 implements with the intrinsic constructor instead of species: `toReversed`, `toSorted`,
 * `with`, `Uint8Array.fromBase64`/`fromHex` (docs/runtime.md lists every allocating built-in).
 * This budget is the precise first line; the host's resident-set limit is the one that counts
 * everything (host/sandbox.ts).
 *
 * Must be imported before "ses" (see boot.ts).
 */
import { asToolError } from "./tool-errors.js";

const { construct, apply, getPrototypeOf, setPrototypeOf, defineProperty, getOwnPropertyDescriptor } = {
  construct: Reflect.construct,
  apply: Reflect.apply,
  getPrototypeOf: Object.getPrototypeOf,
  setPrototypeOf: Object.setPrototypeOf,
  defineProperty: Object.defineProperty,
  getOwnPropertyDescriptor: Object.getOwnPropertyDescriptor,
};
const { trunc, max } = Math;
const RealNumber = Number;
const RealString = String;
const RealRangeError = RangeError;
const RealTypeError = TypeError;
const arrayFrom = Array.from;

interface BudgetState {
  limit: number;
  used: number;
  exceeded: boolean;
}
const state: BudgetState = { limit: Number.POSITIVE_INFINITY, used: 0, exceeded: false };

/** Start a run with a fresh budget (bytes). */
export function resetAllocBudget(limitBytes: number): void {
  state.limit = limitBytes;
  state.used = 0;
  state.exceeded = false;
}

export function allocBudgetUsage(): { readonly used: number; readonly limit: number; readonly exceeded: boolean } {
  return { used: state.used, limit: state.limit, exceeded: state.exceeded };
}

/** Charge bytes the trusted facades allocate on the guest's behalf (file contents). */
export function chargeAllocBudget(bytes: number): void {
  charge(bytes);
}

/**
 * No ArrayBuffer in the sandbox is larger than 2^32 bytes, on every Node version. Node 20 (V8
 * 11) refuses a typed array of more than 2^32 elements; Node 22 and later allow up to 2^53 − 1.
 * The verifier assumes a typed array's length is at most 2^32 (verifier/extract/values.ts
 * MAX_TYPED_ARRAY_LENGTH): with every buffer at most 2^32 bytes, and every element at least one
 * byte, that holds for every view. Every allocation passes through `charge`, so this is the one
 * place; the refusal is the RangeError Node 20 gives, before anything is charged.
 */
const MAX_BUFFER_BYTES = 2 ** 32;

function charge(bytes: number): void {
  if (!(bytes >= 0)) return; // NaN / negative: the real constructor throws its own RangeError
  if (bytes > MAX_BUFFER_BYTES) throw new RealRangeError(`An allocation of ${bytes} bytes is larger than the sandbox's limit of 2^32 bytes per buffer`);
  if (bytes > state.limit - state.used) {
    // Remembered even if the guest catches the error: the run ends as out-of-memory.
    state.exceeded = true;
    throw asToolError(new RealRangeError(`ANRF_ALLOC_BUDGET: allocation of ${bytes} bytes exceeds the run's ArrayBuffer budget of ${state.limit} bytes`), "ANRF_ALLOC_BUDGET");
  }
  state.used += bytes;
}

/** ECMAScript ToIndex on an already-primitive-coerced value (coerces exactly once). */
function toIndex(value: unknown): number {
  if (value === undefined) return 0;
  const n = RealNumber(value);
  return n !== n ? 0 : trunc(n);
}

const RealArrayBuffer = ArrayBuffer;
const arrayBufferProto = RealArrayBuffer.prototype;
const byteLengthGetter = getOwnPropertyDescriptor(arrayBufferProto, "byteLength")!.get!;
const typedArrayCtor = getPrototypeOf(Uint8Array) as object;
const typedArrayProto = (typedArrayCtor as { prototype: object }).prototype;
const typedLengthGetter = getOwnPropertyDescriptor(typedArrayProto, "length")!.get!;

function isArrayBuffer(value: unknown): boolean {
  try {
    apply(byteLengthGetter, value, []);
    return true;
  } catch {
    return false;
  }
}
function typedLength(value: unknown): number | undefined {
  try {
    return apply(typedLengthGetter, value, []) as number;
  } catch {
    return undefined;
  }
}

function copyStatics(wrapper: object, real: object, keys: readonly PropertyKey[]): void {
  for (const key of keys) {
    const desc = getOwnPropertyDescriptor(real, key);
    if (desc) defineProperty(wrapper, key, desc);
  }
}

function wrapArrayBuffer(): void {
  function ArrayBuffer(this: unknown, length?: unknown, options?: unknown): ArrayBuffer {
    if (new.target === undefined) throw new RealTypeError("Constructor ArrayBuffer requires 'new'");
    const n = toIndex(length);
    if (typeof options === "object" && options !== null) {
      const rawMax = (options as { maxByteLength?: unknown }).maxByteLength; // read once
      if (rawMax !== undefined) {
        const m = toIndex(rawMax);
        charge(max(n, m)); // a resizable buffer may grow to its maximum without another allocation call
        return construct(RealArrayBuffer, [n, { maxByteLength: m }], new.target) as ArrayBuffer;
      }
    }
    charge(n);
    return construct(RealArrayBuffer, [n], new.target) as ArrayBuffer;
  }
  defineProperty(ArrayBuffer, "prototype", { value: arrayBufferProto });
  copyStatics(ArrayBuffer, RealArrayBuffer, ["isView", Symbol.species]);
  defineProperty(arrayBufferProto, "constructor", { value: ArrayBuffer, writable: true, enumerable: false, configurable: true });
  defineProperty(globalThis, "ArrayBuffer", { value: ArrayBuffer, writable: true, enumerable: false, configurable: true });
}

const typedArrayNames = [
  "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array",
  "Int32Array", "Uint32Array", "Float16Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
] as const;

function wrapTypedArray(name: (typeof typedArrayNames)[number]): void {
  const Real = (globalThis as unknown as Record<string, { prototype: object; BYTES_PER_ELEMENT: number } | undefined>)[name];
  if (Real === undefined) return; // Float16Array: Node 24+ only
  const bytesPer = Real.BYTES_PER_ELEMENT;
  const wrapper = {
    [name]: function (this: unknown, ...args: unknown[]): unknown {
      if (new.target === undefined) throw new RealTypeError(`Constructor ${name} requires 'new'`);
      const first = args[0];
      if (typeof first !== "object" || first === null) {
        const n = toIndex(first);
        charge(n * bytesPer);
        return construct(Real as unknown as Function, [n], new.target);
      }
      // A view on an existing buffer allocates nothing.
      if (isArrayBuffer(first)) return construct(Real as unknown as Function, args, new.target);
      const length = typedLength(first);
      if (length !== undefined) {
        charge(length * bytesPer);
        return construct(Real as unknown as Function, [first], new.target);
      }
      if (typeof (first as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function") {
        // Iterables: collect on the (limited) heap first, then charge what was collected.
        const copy = arrayFrom(first as Iterable<unknown>);
        charge(copy.length * bytesPer);
        return construct(Real as unknown as Function, [copy], new.target);
      }
      // Array-likes: read `length` once, charge, allocate exactly that, then copy element by
      // element — a length getter cannot report one size to the budget and another to the
      // engine, and nothing builds a huge dictionary-mode array on the heap.
      const n = toIndex((first as { length?: unknown }).length);
      charge(n * bytesPer);
      const out = construct(Real as unknown as Function, [n], new.target) as Record<number, unknown>;
      for (let i = 0; i < n; i++) out[i] = (first as Record<number, unknown>)[i];
      return out;
    },
  }[name]!;
  setPrototypeOf(wrapper, typedArrayCtor);
  defineProperty(wrapper, "prototype", { value: Real.prototype });
  copyStatics(wrapper, Real, ["BYTES_PER_ELEMENT"]);
  if (name === "Uint8Array") wrapUint8Statics(wrapper, Real);
  defineProperty(Real.prototype, "constructor", { value: wrapper, writable: true, enumerable: false, configurable: true });
  defineProperty(globalThis, name, { value: wrapper, writable: true, enumerable: false, configurable: true });
}

const typedByteLengthGetter = getOwnPropertyDescriptor(typedArrayProto, "byteLength")!.get!;

/**
 * `toReversed`, `toSorted` and `with` build their copy with TypedArrayCreateSameType — the
 * intrinsic constructor, not species — so they never reach a wrapper: each is replaced by one
 * that charges the receiver's byte length first (the copy has exactly that size).
 */
function wrapCopyingMethods(): void {
  for (const name of ["toReversed", "toSorted", "with"] as const) {
    const real = getOwnPropertyDescriptor(typedArrayProto, name)?.value as ((...a: unknown[]) => unknown) | undefined;
    if (typeof real !== "function") continue;
    const wrapper = {
      [name](this: unknown, ...args: unknown[]): unknown {
        charge(apply(typedByteLengthGetter, this, []) as number); // throws a TypeError on a non-typed-array, as the real one would
        return apply(real, this, args);
      },
    }[name]!;
    defineProperty(typedArrayProto, name, { value: wrapper, writable: true, enumerable: false, configurable: true });
  }
}

/**
 * `Uint8Array.fromBase64` / `fromHex` (Node 25+) allocate with the intrinsic constructor: the
 * wrapper offers them charged (decoded size ≤ ¾ of the base64 text, ½ of the hex text).
 */
function wrapUint8Statics(wrapper: object, Real: object): void {
  for (const [name, ratio] of [["fromBase64", 0.75], ["fromHex", 0.5]] as const) {
    const real = getOwnPropertyDescriptor(Real, name)?.value as ((...a: unknown[]) => unknown) | undefined;
    if (typeof real !== "function") continue;
    const fn = {
      [name](this: unknown, input: unknown, ...rest: unknown[]): unknown {
        if (typeof input !== "string") return apply(real, Real, [input, ...rest]); // the real one throws its TypeError
        charge(trunc(input.length * ratio) + 3);
        return apply(real, Real, [input, ...rest]);
      },
    }[name]!;
    defineProperty(wrapper, name, { value: fn, writable: true, enumerable: false, configurable: true });
  }
}

function wrapTextEncoder(): void {
  const proto = TextEncoder.prototype;
  const realEncode = proto.encode;
  defineProperty(proto, "encode", {
    value: function encode(this: unknown, input?: unknown): Uint8Array {
      const text = input === undefined ? "" : RealString(input); // coerce once
      charge(text.length * 3); // UTF-8 needs at most 3 bytes per UTF-16 code unit
      return apply(realEncode, this, [text]) as Uint8Array;
    },
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

const RealUint8Array = Uint8Array;
/** A fresh Uint8Array copy made with the real constructor (the caller has already charged it). */
export function copyBytes(source: ArrayLike<number>): Uint8Array {
  return new RealUint8Array(source);
}

let installed = false;
/** Idempotent; must run before `import "ses"` and `lockdown()`. */
export function installAllocBudget(): void {
  if (installed) return;
  installed = true;
  wrapArrayBuffer();
  for (const name of typedArrayNames) wrapTypedArray(name);
  wrapCopyingMethods();
  wrapTextEncoder();
  // Shared memory is never granted: no SharedArrayBuffer, no Atomics.
  delete (globalThis as { SharedArrayBuffer?: unknown }).SharedArrayBuffer;
  delete (globalThis as { Atomics?: unknown }).Atomics;
}

installAllocBudget();
