/**
 * Bounds-detecting wrappers for arguments handed to uninstrumented module code: Proxies over
 * arrays, typed arrays and strings that record every element access whose index is not an
 * integer in [0, length), with the site (offset into the module text) it came from.
 */
export interface Violation {
  readonly site: number | undefined;
  readonly index: unknown;
  readonly length: number;
  readonly what: string;
}

export type Locate = (stack: string) => number | undefined;

const isNumericKey = (key: string): boolean => key === "-0" || String(Number(key)) === key;

const inBounds = (index: number, length: number): boolean => Number.isInteger(index) && index >= 0 && index < length;

function caller(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = limit;
  return stack;
}

/** Marks an array-like of any length without the memory (for counterexamples with huge lengths). */
const VIRTUAL = Symbol("virtual array fill");

export function virtualArray(length: number, fill: number): unknown {
  return { length, [VIRTUAL]: fill };
}

export function watchValue(value: unknown, locate: Locate, record: (v: Violation) => void): unknown {
  if (typeof value === "string") return watchString(value, locate, record);
  const indexed = Array.isArray(value) || ArrayBuffer.isView(value) || (typeof value === "object" && value !== null && VIRTUAL in value);
  if (indexed) return watchIndexed(value as unknown as Record<string, unknown> & { length: number }, locate, record);
  return value;
}

function watchIndexed(target: Record<string, unknown> & { length: number }, locate: Locate, record: (v: Violation) => void): unknown {
  const check = (key: string, what: string) => {
    const index = Number(key);
    if (!inBounds(index, target.length)) record({ site: locate(caller()), index: key === "-0" ? -0 : index, length: target.length, what });
  };
  return new Proxy(target, {
    get(t, key) {
      if (typeof key === "string" && isNumericKey(key)) {
        check(key, "read");
        if (VIRTUAL in t) return inBounds(Number(key), t.length) ? (t as Record<symbol, unknown>)[VIRTUAL] : undefined;
      }
      const v = Reflect.get(t, key, t);
      // Methods run on the real object (typed-array methods require it); their internal
      // accesses are the engine's, not the module's.
      return typeof v === "function" && key !== "constructor" ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
    set(t, key, v) {
      if (typeof key === "string" && isNumericKey(key)) check(key, "write");
      return Reflect.set(t, key, v, t);
    },
  });
}

const INDEXED_METHODS = new Set(["charCodeAt", "charAt", "codePointAt"]);

function watchString(s: string, locate: Locate, record: (v: Violation) => void): unknown {
  return new Proxy(new String(s), {
    get(_t, key) {
      if (key === Symbol.toPrimitive) return () => s;
      if (typeof key === "string" && isNumericKey(key)) {
        const index = Number(key);
        if (!inBounds(index, s.length)) record({ site: locate(caller()), index, length: s.length, what: "read" });
        return s[index];
      }
      if (key === "length") return s.length;
      if (typeof key === "string" && INDEXED_METHODS.has(key)) {
        return (...args: unknown[]) => {
          const index = args.length === 0 ? 0 : Number(args[0]);
          if (!inBounds(index, s.length)) record({ site: locate(caller()), index: args[0], length: s.length, what: key });
          return (String.prototype[key as "charCodeAt"] as (...a: unknown[]) => unknown).apply(s, args);
        };
      }
      const v = Reflect.get(String.prototype, key, s) as unknown;
      return typeof v === "function" ? (...args: unknown[]) => (v as (...a: unknown[]) => unknown).apply(s, args) : v;
    },
  });
}
