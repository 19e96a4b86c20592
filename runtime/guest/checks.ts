/**
 * The runtime checks instrumented code calls (the hardened object bound to the module
 * wrapper's check parameter). Checks record a violation in trusted state and notify the host
 * before throwing, so guest code that catches the exception cannot hide it: the run is already
 * marked violated and the host stops it.
 */
import { types as utilTypes } from "node:util";
import { conform, hasPrimitiveShape } from "./arg-shapes.js";
import type { CheckSpec, EntryShapes, RunMode, ViolationData } from "./protocol.js";

const RealString = String;
const { isArray } = Array;
const { isProxy } = utilTypes;
const { isInteger } = Number;
const { getPrototypeOf } = Object;
const ArrayPrototype: object = Array.prototype;
/** 2^32 - 1: the largest array length, so the largest index an append may write is one less. */
const MAX_ARRAY_INDEX_BOUND = 4294967295;
const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const typedLength = Object.getOwnPropertyDescriptor(typedArrayProto, "length")!.get!;
/** %TypedArray%.prototype[@@toStringTag]: the class name for a genuine typed array, undefined for anything else (never throws). */
const typedTag = Object.getOwnPropertyDescriptor(typedArrayProto, Symbol.toStringTag)!.get!;
/**
 * What `ta` returns for anything that is not a genuine typed array: an object that is never a
 * guard's receiver on its fast path (null prototype, no properties, frozen — even if module
 * code obtains it, `NOT_TYPED[j]` is undefined, so a guard comparing a receiver with it still
 * takes the generic path).
 */
const NOT_TYPED: object = Object.freeze(Object.create(null) as object);
const typedBuffer = Object.getOwnPropertyDescriptor(typedArrayProto, "buffer")!.get!;
/** ArrayBuffer.prototype.resizable (absent where resizable buffers do not exist); throws for a SharedArrayBuffer. */
const bufferResizable = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "resizable")?.get;

/**
 * The length a versioned loop may rely on for the whole loop (instrument-hoist.ts): a string's,
 * or a genuine typed array's over a fixed-length, non-shared ArrayBuffer (in the sandbox no
 * buffer can be resized, transferred or detached: fixed-buffers.ts); −1 for anything else.
 * Intrinsic getters only: no user code runs.
 */
function rangeLength(o: unknown): number {
  if (typeof o === "string") return o.length;
  if (Reflect.apply(typedTag, o, []) === undefined) return -1;
  try {
    const buffer = Reflect.apply(typedBuffer, o, []) as ArrayBuffer;
    if (bufferResizable !== undefined && Reflect.apply(bufferResizable, buffer, []) !== false) return -1;
    return Reflect.apply(typedLength, o, []) as number;
  } catch {
    return -1; // a SharedArrayBuffer (the ArrayBuffer getter refuses it)
  }
}

function lengthOfIndexable(value: unknown): number | undefined {
  if (typeof value === "string") return value.length;
  if (isArray(value)) return (value as unknown[]).length;
  try {
    return Reflect.apply(typedLength, value, []) as number;
  } catch {
    return undefined;
  }
}

/** A short, side-effect-free rendering of a value for development-mode messages. */
export function show(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
    case "number":
    case "boolean":
    case "undefined":
      return RealString(value);
    case "bigint":
      return `${RealString(value)}n`;
    case "symbol":
      return "symbol";
    case "function":
      return "function";
    default:
      if (value === null) return "null";
      if (isArray(value)) return `array(length ${(value as unknown[]).length})`;
      if (lengthOfIndexable(value) !== undefined) return `typed array(length ${lengthOfIndexable(value)})`;
      return "object";
  }
}

export interface CheckContext {
  readonly specs: readonly CheckSpec[];
  readonly mode: RunMode;
  readonly mounts: readonly string[];
  readonly writable: boolean;
  /** Records the violation, tells the host, and returns the error to throw. */
  readonly violate: (violation: ViolationData) => Error;
}

export interface CheckRuntime {
  readonly api: object;
  readonly executed: () => number;
  readonly counters: () => number[] | undefined;
  /** Entry precondition checkers registered by instrumented module code, by export name. */
  readonly entryCheck: (name: string) => ((args: unknown[]) => unknown) | undefined;
  /** Entry arguments checked against their declared shapes and rebuilt (guest/arg-shapes.ts); throws a violation. */
  readonly admit: (shapes: EntryShapes, args: readonly unknown[]) => unknown[];
  /**
   * The host is about to call `fn` with `args` it rebuilt itself (admit): the first `claim(fn)`
   * by that very function's prologue gets them (see `claim`). Call right before the call, and
   * `leave` right after it returns or throws. `checkedAs`: the entry name whose registered
   * check (`entryCheck`) the host ran on exactly these `args`, and which passed (see `ca`).
   */
  readonly enter: (fn: unknown, args: readonly unknown[], checkedAs?: string) => void;
  readonly leave: () => void;
  /** How many claims were granted (a run's entry claims at most once). */
  readonly claimsGranted: () => number;
  readonly seal: () => void;
}

export function makeChecks(ctx: CheckContext): CheckRuntime {
  let executed = 0;
  const counting = ctx.mode === "testing";
  const counts: number[] = counting ? ctx.specs.map(() => 0) : [];
  const rich = ctx.mode !== "production";
  const entries = new Map<string, (args: unknown[]) => unknown>();
  let sealed = false;
  /** The host call in progress (enter … leave), until the called function claims it (no allocation per call). */
  let pendingFn: unknown;
  let pendingArgs: readonly unknown[] | undefined;
  let pendingCheckedAs: string | undefined;
  /** The entry check the last claim's call passed (until `ca` reads it). */
  let claimedAs: string | undefined;
  let claimsGranted = 0;

  function spec(k: number): CheckSpec {
    const s = ctx.specs[k];
    if (s === undefined) throw ctx.violate({ id: "anrf/internal", kind: "bounds", entity: "", location: null, message: `unknown check #${k}` });
    return s;
  }

  function count(k: number): void {
    executed++;
    if (counting) counts[k] = (counts[k] ?? 0) + 1;
  }

  function fail(k: number, what: string, values?: Record<string, string>): Error {
    const s = spec(k);
    const where = `${s.location.file}:${s.location.line}:${s.location.column}`;
    return ctx.violate({
      id: s.id,
      kind: s.kind,
      entity: s.entity,
      location: s.location,
      message: `${s.kind} violation at ${where} (${s.id}): ${rich ? what : s.description}`,
      values: rich ? values : undefined,
    });
  }

  /** What a clause that threw is reported as (the error's message, read once; a hostile error keeps the generic text). */
  function threwText(error: unknown): string {
    let text = "clause threw";
    try {
      text = `clause threw ${RealString((error as { message?: unknown })?.message ?? error)}`;
    } catch {
      /* a hostile error object: keep the generic text */
    }
    return text;
  }

  /** Evaluate a compiled clause; a clause that throws cannot be shown to hold. */
  function holds(k: number, clause: () => unknown): { ok: boolean; error?: string } {
    try {
      return { ok: clause() === true };
    } catch (error) {
      void k;
      return { ok: false, error: threwText(error) };
    }
  }

  /** The failure `post` reports (error: the text of a clause that threw). */
  function postFailure(k: number, value: unknown, error: string | undefined): Error {
    return fail(k, `${spec(k).description} does not hold for result ${show(value)}${error ? ` (${error})` : ""}`, { result: show(value) });
  }

  /**
   * An argument check's failure. The value is described by `typeof` alone: it may be a revoked
   * proxy (Array.isArray throws) or an object whose accessors are the module's, and nothing here
   * may run module code or throw before the violation is recorded.
   */
  function argumentFailure(k: number, value: unknown): Error {
    const what = value === null ? "null" : typeof value;
    return fail(k, `${spec(k).description} does not hold: the argument is ${what === "object" || what === "undefined" ? what : `a ${what}`}`, { argument: what });
  }

  /** Bounds failure with a length already read (no second read of a proxy's `length`). */
  function outOfBounds(k: number, i: unknown, length: number): Error {
    return fail(k, `index ${show(i)} out of bounds for length ${length}`, { index: show(i), length: RealString(length) });
  }

  const api = {
    /**
     * Helpers of the inline bounds guards (instrument-guards.ts). The guards take the fast
     * path only when it decides exactly as `b` would, and call `b` for everything else.
     *   isArray — the intrinsic Array.isArray (true for arrays, their subclasses and proxies);
     *   tl      — the intrinsic typed-array length, or -1 when `o` is not a typed array (a proxy
     *             of one, a DataView, anything else: `b` then classifies it);
     *   oob     — the failure of `b` for an index already known to be an integral number >= 0
     *             and a length already read (so a proxy's `length` trap runs once, as in `b`);
     *   oa      — the same for an appending write, which passes at the length (see below);
     *   ta      — `o` itself when it is a genuine typed array (it has [[TypedArrayName]]: the
     *             intrinsic @@toStringTag getter, no user code, no throw), else `nota`. A typed
     *             guard caches the result per site: being a genuine typed array never changes.
     *   nota    — the frozen, empty, null-prototype object `ta` returns otherwise (a cache's
     *             initial value).
     * Not counted: counting is the testing mode's job, and testing mode calls `b` at every site.
     */
    isArray,
    tl(o: unknown): number {
      try {
        return Reflect.apply(typedLength, o, []) as number;
      } catch {
        return -1;
      }
    },
    ta(o: unknown): unknown {
      return Reflect.apply(typedTag, o, []) === undefined ? NOT_TYPED : o;
    },
    nota: NOT_TYPED,
    /**
     * pa — `o` is an array that is not a proxy (so Array.isArray(o) is true for its whole
     * lifetime): read once before a loop whose array guards then skip Array.isArray
     * (instrument-hoist.ts planArrayKinds). No user code (isProxy is checked first, so a revoked
     * proxy does not make isArray throw).
     */
    pa(o: unknown): boolean {
      return !isProxy(o) && isArray(o);
    },
    /**
     * al — an array's length when `o` is an array that is not a proxy and whose prototype is the
     * intrinsic Array.prototype, else −1: read before a versioned loop over an array the function
     * owns (instrument-owned.ts), whose length only the function's own visible code can change.
     * The prototype test keeps out an array whose prototype the module replaced (`x["__proto__"]
     * = p` before the loop): p's index getters would run with `this` = the array on a hole read.
     * No user code (isProxy first; getPrototypeOf of a non-proxy and a genuine array's length,
     * an own data property, run none).
     */
    al(o: unknown): number {
      return !isProxy(o) && isArray(o) && getPrototypeOf(o) === ArrayPrototype ? (o as unknown[]).length : -1;
    },
    /** rl — the length a versioned loop relies on (see rangeLength), read once before the loop. */
    rl: rangeLength,
    oob(k: number, i: unknown, length: number): never {
      count(k);
      throw outOfBounds(k, i, length);
    },
    /**
     * oa — `oob` for an appending write (CheckSpec.append): the index (an integral number >= 0)
     * is not below the length already read from `o`; it passes, as in `b`, exactly when it is
     * that length on a genuine Array that is not a proxy (no user code: isProxy first).
     */
    oa(o: unknown, k: number, i: number, length: number): number {
      count(k);
      if (i === length && i < MAX_ARRAY_INDEX_BOUND && spec(k).append === true && !isProxy(o) && isArray(o)) return i;
      throw outOfBounds(k, i, length);
    },
    /** bounds: `o[i]` with o an array, typed array or string needs an integral 0 <= i < length. */
    b(o: unknown, i: unknown, k: number): unknown {
      count(k);
      const length = lengthOfIndexable(o);
      if (length === undefined) return i; // not an indexable: an ordinary property access
      let index: unknown = i;
      if (typeof i === "string") {
        const n = Number(i);
        if (RealString(n) !== i) return i; // a property name such as "length", not an element
        index = n;
      } else if (typeof i === "symbol") {
        return i;
      } else if (typeof i !== "number") {
        // Objects would be coerced by the engine after this check (toString could change): refuse.
        throw fail(k, `index is not a number (${show(i)})`, { index: show(i), length: RealString(length) });
      }
      const n = index as number;
      if (!(isInteger(n) && n >= 0 && n < length) && !(n === length && n < MAX_ARRAY_INDEX_BOUND && spec(k).append === true && !isProxy(o) && isArray(o))) throw outOfBounds(k, i, length);
      return i;
    },
    /** precondition at a call site: `args` satisfy the compiled clause; returns args. */
    pre(k: number, args: unknown[], clause: (...a: unknown[]) => unknown): unknown[] {
      count(k);
      const r = holds(k, () => Reflect.apply(clause, undefined, args));
      if (!r.ok) {
        const values: Record<string, string> = {};
        args.forEach((a, n) => (values[`arg${n}`] = show(a)));
        throw fail(k, `${spec(k).description} does not hold${r.error ? ` (${r.error})` : ""}`, values);
      }
      return args;
    },
    /**
     * argument of a call to an entity function: a primitive of the parameter's type
     * (CheckSpec.shape), tested exactly as the host tests an entry argument of that type
     * (arg-shapes.ts hasPrimitiveShape); returns it. A spec without a shape accepts nothing.
     * Once it passed, the callee receives a primitive, which nothing can change.
     */
    arg(k: number, value: unknown): unknown {
      count(k);
      const shape = spec(k).shape;
      if (shape !== undefined && hasPrimitiveShape(shape, value)) return value;
      throw argumentFailure(k, value);
    },
    /** af — the failure of an inline argument guard (`typeof t === "number" ? t : C.af(k, t)`, instrument-visitor.ts). */
    af(k: number, value: unknown): never {
      count(k);
      throw argumentFailure(k, value);
    },
    /** postcondition at a return: the compiled clause holds for `value`; returns value. */
    post(k: number, value: unknown, clause: (result: unknown) => unknown): unknown {
      count(k);
      const r = holds(k, () => clause(value));
      if (!r.ok) throw postFailure(k, value, r.error);
      return value;
    },
    /**
     * The failures of an inline postcondition (instrument-visitor.ts, at a `return` where checks
     * are inline): the clause is evaluated in the function, inside a try, and the runtime is
     * called only when it did not hold — `pf` when it gave something other than true, `pt` with
     * what it threw. Each reports exactly what `post` reports for that clause and value.
     * Not counted on success: counting is the testing mode's job, and testing mode calls `post`.
     */
    pf(k: number, value: unknown): never {
      count(k);
      throw postFailure(k, value, undefined);
    },
    pt(k: number, value: unknown, error: unknown): never {
      count(k);
      throw postFailure(k, value, threwText(error));
    },
    /** loop invariant, at loop entry and after every iteration. */
    inv(k: number, holdsNow: unknown): true {
      // The clause is evaluated inline by the caller (no closure per iteration); the compiled
      // clause language is total on its own helpers (len/at never throw), so evaluation reaches here.
      count(k);
      if (holdsNow !== true) throw fail(k, `${spec(k).description} does not hold`);
      return true;
    },
    /** capability: the path is a string under a declared mount without '..'; returns it unchanged. */
    cap(k: number, path: unknown, write: boolean): unknown {
      count(k);
      if (typeof path !== "string") throw fail(k, `path is not a string (${show(path)})`, { path: show(path) });
      if (write && !ctx.writable) throw fail(k, `write to ${show(path)} under filesystem: ReadOnly`, { path: show(path) });
      const underMount = ctx.mounts.some((m) => path === m || path.startsWith(m + "/"));
      const dotdot = path.split("/").includes("..");
      if (!underMount || dotdot || path.includes("\0")) throw fail(k, `path ${show(path)} is not under a declared mount`, { path: show(path) });
      return path;
    },
    /** contract language functions (ContractFunction in spec/contract), as captured intrinsics */
    isInteger: Number.isInteger,
    isFinite: Number.isFinite,
    isNaN: Number.isNaN,
    isSafeInteger: Number.isSafeInteger,
    floor: Math.floor,
    ceil: Math.ceil,
    trunc: Math.trunc,
    abs: Math.abs,
    min: Math.min,
    max: Math.max,
    /** contract language helpers */
    /** len(x) / x.length: NaN (so every comparison is false → violation) when x has no length. */
    len(x: unknown): number {
      const n = lengthOfIndexable(x);
      return n === undefined ? NaN : n;
    },
    /** x[i] in a clause: undefined instead of a TypeError on null/undefined receivers. */
    at(x: unknown, i: unknown): unknown {
      if (x === null || x === undefined || (typeof i !== "number" && typeof i !== "string")) return undefined;
      return (x as Record<string, unknown>)[i as string];
    },
    all(lo: number, hi: number, pred: (i: number) => unknown): boolean {
      for (let i = lo; i < hi; i++) if (pred(i) !== true) return false;
      return true;
    },
    implies(a: unknown, b: () => unknown): boolean {
      return a !== true || b() === true;
    },
    /**
     * claim — called first thing in a function whose parameters may be arrays only it can reach
     * (instrument-owned.ts, claimed parameters), with that function object as the module saw it
     * before any module code ran (a module constant). Returns the argument list the host rebuilt
     * for this call (fresh arrays, shared with nobody: arg-shapes.ts) when the host is calling
     * exactly `fn` right now (`enter` before the call; no code runs between that and the
     * function's first statement), else undefined; either way the claim is spent, so a later
     * call — internal, recursive, through a proxy or a bound function — gets nothing.
     */
    claim(fn: unknown): readonly unknown[] | undefined {
      const args = pendingArgs;
      const granted = args !== undefined && pendingFn === fn;
      claimedAs = granted ? pendingCheckedAs : undefined;
      pendingFn = pendingArgs = pendingCheckedAs = undefined;
      if (granted) claimsGranted++;
      return granted ? args : undefined;
    },
    /**
     * ca — right after `claim` in the same prologue (no code runs between them): whether that
     * claim was granted for a host call whose entry check registered as `name` ran on the
     * claimed arguments and passed (`enter`'s `checkedAs`). A function's postcondition that is
     * also one of that check's preconditions, over parameters the call cannot change, then
     * holds at every return (instrument-owned.ts unchangedParams). Read once: false after.
     */
    ca(name: unknown): boolean {
      const ok = claimedAs !== undefined && claimedAs === name;
      claimedAs = undefined;
      return ok;
    },
    /** Instrumented modules register a precondition checker per exported entity (runs at entry). */
    entry(name: string, check: (args: unknown[]) => unknown): void {
      // The instrumenter emits registrations first in the module body, before any module code
      // runs; first registration wins and the table closes after module evaluation, so module
      // code that reaches this object (e.g. via `arguments`) cannot replace an entry check.
      const key = RealString(name);
      if (sealed || entries.has(key) || typeof check !== "function") return;
      entries.set(key, check);
    },
  };
  return {
    api: harden(api),
    executed: () => executed,
    counters: () => (counting ? [...counts] : undefined),
    entryCheck: (name) => entries.get(name),
    admit: (shapes, args) => {
      const params = shapes.params;
      // Not counted: `executed`/counters are the module's checks; argument checks always run
      // exactly once per parameter (reported as security.argumentChecks).
      const required = params.filter((p) => !p.optional).length;
      if (args.length < required || args.length > params.length) {
        const expected = required === params.length ? `${params.length}` : `${required} to ${params.length}`;
        throw fail(shapes.arity, `expected ${expected} argument(s), got ${args.length}`, { arguments: RealString(args.length) });
      }
      const out: unknown[] = [];
      params.forEach((p, i) => {
        if (i >= args.length) return;
        const value = args[i];
        if (value === undefined && p.optional) {
          out[i] = undefined;
          return;
        }
        const c = conform(p.shape, value, p.name);
        if (!c.ok) throw fail(p.check, `${spec(p.check).description}: ${c.problem}`, { [p.name]: show(value) });
        out[i] = c.value;
      });
      return out;
    },
    seal: () => void (sealed = true),
    // The host's own argument list (it does not read it after the call): no copy per call.
    enter: (fn, args, checkedAs) => {
      pendingFn = fn;
      pendingArgs = args;
      // The host's word (trusted: the session passes it only after running that check); `ca` compares it with a string.
      pendingCheckedAs = checkedAs;
    },
    leave: () => {
      pendingFn = pendingArgs = pendingCheckedAs = undefined;
    },
    claimsGranted: () => claimsGranted,
  };
}
