/**
 * Errors the sandbox's own trusted code throws into guest code (budget exceeded, capability
 * revoked, result refused, write quota). They are remembered here, in a WeakMap guest code
 * cannot reach, so that when one ends a run its ANRF_* code is reported as the tool's — while
 * an error the guest built itself with `code = "ANRF_TIMEOUT"` is only ever a guest error.
 * Loaded before lockdown (from alloc-budget.ts); WeakMap.prototype is frozen afterwards.
 */
const codes = new WeakMap<object, string>();
const wmGet = WeakMap.prototype.get;
const wmSet = WeakMap.prototype.set;

/** Mark `error` as thrown by trusted code with `code`; returns it. */
export function asToolError<E extends object>(error: E, code: string): E {
  Reflect.apply(wmSet, codes, [error, code]);
  return error;
}

/** The tool code of an error trusted code threw, or undefined (guest-made or not an object). */
export function toolCodeOf(error: unknown): string | undefined {
  if ((typeof error !== "object" && typeof error !== "function") || error === null) return undefined;
  return Reflect.apply(wmGet, codes, [error]) as string | undefined;
}
