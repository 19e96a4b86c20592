/**
 * The globals module code really sees at run time (issue 12 §4). The sandbox is an SES
 * compartment (runtime/guest/session.ts): the ECMAScript intrinsics that lib.es2023 declares,
 * plus what SES adds (`harden`, `TextEncoder`, `TextDecoder`, `Compartment`, `lockdown`) and
 * the endowed Float32Array/Float64Array. The type check declares exactly those extras, so
 * using them is not a type error.
 *
 * Node's host globals (`structuredClone`, `console`, timers, `process`, `Buffer`, `URL`, …) are
 * NOT in the compartment: a use is a ReferenceError at run time. They are declared too (with
 * their Node signatures, trimmed), so the type check does not report them as unknown names;
 * instead the extractor reports each use as a refuted capability obligation
 * (`hostGlobalUses`): the sandbox does not grant it. `fetch` is network use (capability.ts).
 */
export const HOST_GLOBALS_FILE = "/__anrf__/host-globals.d.ts";

export const SANDBOX_GLOBALS_TYPINGS = `
declare function harden<T>(value: T): T;
declare class TextEncoder { readonly encoding: string; encode(input?: string): Uint8Array; }
declare class TextDecoder { constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }); readonly encoding: string; decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string; }
`;

/** Node globals the sandbox does not provide, with the declarations the type check uses for them. */
export const NODE_ONLY_GLOBALS: Readonly<Record<string, string>> = {
  structuredClone: "declare function structuredClone<T>(value: T, options?: { transfer?: unknown[] }): T;",
  console: "declare const console: { log(...data: unknown[]): void; error(...data: unknown[]): void; warn(...data: unknown[]): void; info(...data: unknown[]): void; debug(...data: unknown[]): void; };",
  setTimeout: "declare function setTimeout(callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): unknown;",
  clearTimeout: "declare function clearTimeout(handle: unknown): void;",
  setInterval: "declare function setInterval(callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): unknown;",
  clearInterval: "declare function clearInterval(handle: unknown): void;",
  setImmediate: "declare function setImmediate(callback: (...args: unknown[]) => void, ...args: unknown[]): unknown;",
  queueMicrotask: "declare function queueMicrotask(callback: () => void): void;",
  process: "declare const process: { readonly env: Record<string, string | undefined>; readonly argv: string[]; readonly platform: string; cwd(): string; exit(code?: number): never; };",
  atob: "declare function atob(data: string): string;",
  btoa: "declare function btoa(data: string): string;",
  performance: "declare const performance: { now(): number };",
};

export const HOST_GLOBALS_TYPINGS = `${SANDBOX_GLOBALS_TYPINGS}\n${Object.values(NODE_ONLY_GLOBALS).join("\n")}\n`;
