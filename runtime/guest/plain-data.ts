/**
 * Copies a guest result into fresh plain data (null, booleans, numbers, bigints, strings,
 * arrays, plain-object records, Uint8Array copies) under a byte cap, before anything is posted
 * to the host. The copy is built by trusted code, so the host receives only data whose shape
 * this function chose, and a result too large to post is refused here, inside the worker.
 */
const RealString = String;
const { isArray } = Array;
const { keys, getPrototypeOf } = Object;
const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const typedByteLength = Object.getOwnPropertyDescriptor(typedArrayProto, "byteLength")!.get!;
const typedLength = Object.getOwnPropertyDescriptor(typedArrayProto, "length")!.get!;

import { asToolError } from "./tool-errors.js";

export class ResultTooLarge extends Error {
  readonly code = "ANRF_RESULT_TOO_LARGE";
  constructor(message: string) {
    super(message);
    asToolError(this, "ANRF_RESULT_TOO_LARGE");
  }
}
export class ResultNotPlainData extends Error {
  readonly code = "ANRF_RESULT_NOT_DATA";
  constructor(message: string) {
    super(message);
    asToolError(this, "ANRF_RESULT_NOT_DATA");
  }
}

const maxDepth = 64;

export function toPlainData(value: unknown, capBytes: number): unknown {
  let used = 0;
  const spend = (bytes: number): void => {
    used += bytes;
    if (used > capBytes) throw new ResultTooLarge(`result exceeds the ${capBytes}-byte result cap`);
  };
  const copy = (v: unknown, depth: number): unknown => {
    if (depth > maxDepth) throw new ResultNotPlainData(`result nests deeper than ${maxDepth} levels (or is cyclic)`);
    switch (typeof v) {
      case "undefined":
      case "boolean":
      case "number":
        spend(8);
        return v;
      case "bigint":
        spend(16);
        return v;
      case "string":
        spend(8 + v.length * 2);
        return v;
      case "symbol":
      case "function":
        throw new ResultNotPlainData(`a ${typeof v} cannot be a result`);
    }
    if (v === null) {
      spend(8);
      return null;
    }
    let bytes: number | undefined;
    try {
      bytes = Reflect.apply(typedByteLength, v, []) as number;
    } catch {
      bytes = undefined;
    }
    if (bytes !== undefined) {
      // Typed arrays cross as plain arrays of numbers (or bigints): JSON-printable data.
      const length = Reflect.apply(typedLength, v, []) as number;
      spend(16 + length * 8);
      return Array.from(v as ArrayLike<unknown>);
    }
    if (isArray(v)) {
      const length = (v as unknown[]).length;
      spend(16 + length * 8);
      const out: unknown[] = [];
      for (let i = 0; i < length; i++) out.push(copy((v as unknown[])[i], depth + 1));
      return out;
    }
    const proto = getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) throw new ResultNotPlainData("only plain objects, arrays, typed arrays and primitives can be results");
    const out: Record<string, unknown> = {};
    for (const key of keys(v as object)) {
      spend(16 + key.length * 2);
      Object.defineProperty(out, RealString(key), { value: copy((v as Record<string, unknown>)[key], depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
  return copy(value, 0);
}
