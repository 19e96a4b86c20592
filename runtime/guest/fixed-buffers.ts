/**
 * Every ArrayBuffer in the sandbox has a fixed length and is never detached (issue 9, class B).
 * The verifier models a typed array it saw built (`new Uint8Array(n)`, or rebuilt by the host at
 * the entry) as having a fixed length; these are all the ways a guest could break that, and the
 * decision for each:
 *
 * - `new ArrayBuffer(n, { maxByteLength })` (resizable buffers, length-tracking views): refused
 *   with a TypeError naming ANRF_FIXED_BUFFERS.
 * - `ArrayBuffer.prototype.resize`, `.transfer`, `.transferToFixedLength` (native on Node 22+,
 *   `resize` on Node 20; SES shims `transfer` from `structuredClone` on Node 20): removed before
 *   SES is evaluated (its immutable-ArrayBuffer shim makes them non-configurable).
 * - SES's immutable-ArrayBuffer shim (`transferToImmutable` detaches its receiver): not
 *   installed — it skips when `sliceToImmutable` exists, and ours refuses with a clear error.
 * - `structuredClone(b, { transfer: [b] })`: the compartment has no `structuredClone` (SES's safe
 *   globals); the worker's own global is removed here so that lockdown's `transfer` shim cannot
 *   capture it.
 * - `SharedArrayBuffer.prototype.grow`, `Atomics`: no SharedArrayBuffer at all (alloc-budget.ts).
 * - `postMessage` transfer lists, `WebAssembly.Memory#grow`: neither exists in a compartment.
 *
 * The verifier stays sound should a future sandbox endow any of these: a typed array over a
 * buffer it did not see allocated is unmodelled, and a typed array whose `.buffer` was read is
 * shared (its length havocked after every unknown call) — see docs/verification.md.
 *
 * Must be imported after alloc-budget.ts (it wraps alloc-budget's charging constructor) and
 * before "ses".
 */
const { defineProperty } = Object;
const construct = Reflect.construct;
const RealTypeError = TypeError;

import { asToolError } from "./tool-errors.js";

const BufferCtor = ArrayBuffer; // alloc-budget.ts's charging wrapper
const proto = BufferCtor.prototype as unknown as Record<string, unknown>;

export const FIXED_BUFFERS_CODE = "ANRF_FIXED_BUFFERS";

function ArrayBufferFixed(this: unknown, length?: unknown, options?: unknown): ArrayBuffer {
  if (new.target === undefined) throw new RealTypeError("Constructor ArrayBuffer requires 'new'");
  if (typeof options === "object" && options !== null && (options as { maxByteLength?: unknown }).maxByteLength !== undefined) {
    const error = new RealTypeError(`${FIXED_BUFFERS_CODE}: resizable ArrayBuffers (maxByteLength) are not available in the sandbox; allocate a buffer of the size you need`);
    defineProperty(error, "code", { value: FIXED_BUFFERS_CODE, enumerable: false });
    throw asToolError(error, FIXED_BUFFERS_CODE);
  }
  return construct(BufferCtor, [length], new.target) as ArrayBuffer;
}

let installed = false;
function refuseImmutable(): never {
  const error = new RealTypeError(`${FIXED_BUFFERS_CODE}: immutable ArrayBuffers (sliceToImmutable / transferToImmutable) are not available in the sandbox`);
  defineProperty(error, "code", { value: FIXED_BUFFERS_CODE, enumerable: false });
  throw asToolError(error, FIXED_BUFFERS_CODE);
}

/** Idempotent; runs after alloc-budget.ts and before "ses" is evaluated. */
export function installFixedBuffers(): void {
  if (installed) return;
  installed = true;
  for (const name of ["resize", "transfer", "transferToFixedLength", "transferToImmutable"]) delete proto[name];
  // Present, so SES's shim installs neither it nor the detaching transferToImmutable.
  defineProperty(proto, "sliceToImmutable", { value: function sliceToImmutable(): never { return refuseImmutable(); }, writable: true, enumerable: false, configurable: true });
  delete (globalThis as { structuredClone?: unknown }).structuredClone;
  defineProperty(ArrayBufferFixed, "prototype", { value: BufferCtor.prototype });
  const isView = Object.getOwnPropertyDescriptor(BufferCtor, "isView");
  if (isView) defineProperty(ArrayBufferFixed, "isView", isView);
  const species = Object.getOwnPropertyDescriptor(BufferCtor, Symbol.species);
  if (species) defineProperty(ArrayBufferFixed, Symbol.species, species);
  defineProperty(BufferCtor.prototype, "constructor", { value: ArrayBufferFixed, writable: true, enumerable: false, configurable: true });
  defineProperty(globalThis, "ArrayBuffer", { value: ArrayBufferFixed, writable: true, enumerable: false, configurable: true });
}

installFixedBuffers();
