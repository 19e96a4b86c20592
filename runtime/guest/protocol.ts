/**
 * The messages between host and guest. Everything here is plain data that survives a
 * structured clone; the host validates every guest message (host/protocol-guard.ts) and never
 * calls or inspects guest objects.
 */
import type { Grants } from "./grants.js";

export type RunMode = "production" | "testing" | "development";
export type CheckKind = "bounds" | "precondition" | "argument" | "postcondition" | "invariant" | "capability";

export interface CheckLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** One inserted check; instrumented code refers to it by its index in the table. */
export interface CheckSpec {
  readonly id: string;
  readonly kind: CheckKind;
  readonly entity: string;
  readonly location: CheckLocation;
  readonly description: string;
  /** The verdict status the check exists for ("none" when the verifier reported nothing). */
  readonly status: string;
  /**
   * A bounds check of a write that may append (the obligation's `append`): an index equal to
   * the length of a genuine Array (not a proxy) below 2^32 - 1 passes, as JavaScript appends there.
   */
  readonly append?: true | undefined;
  /**
   * An argument check (kind "argument"): the primitive type the argument must have, tested with
   * `typeof` as the entry check tests an argument of that type (arg-shapes.ts).
   */
  readonly shape?: "number" | "string" | "boolean" | undefined;
}

export interface ViolationData {
  readonly id: string;
  readonly kind: CheckKind | "capability";
  readonly entity: string;
  readonly location: CheckLocation | null;
  readonly message: string;
  /** Development mode only: the values involved, as short strings. */
  readonly values?: Readonly<Record<string, string>> | undefined;
  /** Facade violations: where in the generated JavaScript the guest called (the host maps it back). */
  readonly generated?: { readonly line: number; readonly column: number } | undefined;
}

/** Typed-array classes whose element ranges the verifier assumes (verifier/extract/values.ts). */
export type TypedArrayClass = "Int8Array" | "Uint8Array" | "Uint8ClampedArray" | "Int16Array" | "Uint16Array" | "Int32Array" | "Uint32Array" | "Float32Array" | "Float64Array";

/** The runtime shape a parameter's declared TypeScript type promises (checked at entry). */
export type ValueShape =
  | { readonly k: "number" }
  | { readonly k: "string" }
  | { readonly k: "boolean" }
  | { readonly k: "array"; readonly elem: ValueShape }
  | { readonly k: "typed"; readonly cls: TypedArrayClass };

/** One parameter of an entry function: its shape and the check (table index) that reports a mismatch. */
export interface ParamShape {
  readonly name: string;
  readonly shape: ValueShape;
  /** `x?: T` or `x: T = …`: the argument may be missing or undefined. */
  readonly optional: boolean;
  readonly check: number;
}

/** An entry's argument checks: the arity check's table index and one check per parameter. */
export interface EntryShapes {
  readonly arity: number;
  readonly params: readonly ParamShape[];
}

export interface LoadMessage {
  readonly type: "load";
  /** CommonJS JavaScript; evaluated as a function body `(exports, require, module, <checkParam>)`. */
  readonly js: string;
  readonly checkParam: string;
  readonly checks: readonly CheckSpec[];
  readonly grants: Grants;
  readonly mode: RunMode;
  readonly allocBytes: number;
  readonly resultBytes: number;
  /** Entity id per exported function name, for violations raised outside any check (facade). */
  readonly entities: Readonly<Record<string, string>>;
  readonly moduleFile: string;
  /**
   * Parameter shapes per exported entry name, checked (and typed arrays rebuilt) before the
   * entry runs. An entry without shapes has a parameter whose type cannot be checked; the host
   * then instruments without trusting any proof (host/param-shapes.ts). Absent only for
   * loaders that trust no proof anyway (the benchmarks' uninstrumented baseline).
   */
  readonly shapes?: Readonly<Record<string, EntryShapes>> | undefined;
}

export interface RunMessage {
  readonly type: "run";
  readonly runId: number;
  readonly entry: string;
  readonly args: readonly unknown[];
  /** ReadWrite quota of this run (bytes written, files created); absent: the facade's defaults. */
  readonly writeQuota?: { readonly bytes: number; readonly files: number } | undefined;
}

export type HostMessage = LoadMessage | RunMessage;

export type GuestStatus = "ok" | "error" | "violation" | "out-of-memory";

export interface GuestError {
  /** A tool code (ANRF_*), chosen by trusted code — never taken from a guest object. */
  readonly code: string;
  readonly message: string;
  /** The `code` property of the guest's own error, if it had one (shown apart from the tool's code). */
  readonly guestCode?: string | undefined;
}

export interface DoneMessage {
  readonly type: "done";
  readonly runId: number;
  readonly status: GuestStatus;
  readonly value?: unknown;
  readonly error?: GuestError | undefined;
  readonly violations: readonly ViolationData[];
  readonly checksExecuted: number;
  /** Whether the entry claimed the arguments the host rebuilt (guest/checks.ts `claim`): 1 or 0. */
  readonly claimsGranted?: number | undefined;
  /** Testing mode: executions per check index. */
  readonly counters?: readonly number[] | undefined;
  readonly allocBytes: number;
  readonly guestMs: number;
}

export interface ViolationMessage {
  readonly type: "violation";
  readonly runId: number;
  readonly violation: ViolationData;
  readonly checksExecuted: number;
  readonly claimsGranted?: number | undefined;
  readonly counters?: readonly number[] | undefined;
}

/**
 * Post-run handshake: sent from a macrotask after `done`, so only once every microtask the run
 * left behind has run to completion. The host reuses a container only after it.
 */
export interface IdleMessage {
  readonly type: "idle";
  readonly runId: number;
}

export type GuestMessage = { readonly type: "ready" } | DoneMessage | ViolationMessage | IdleMessage;
