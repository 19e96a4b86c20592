/**
 * Inline bounds guards (development/production) decide exactly as the generic check (testing
 * mode calls it at every site) — for ANY receiver, not just the kind the static type names:
 * the module can build proxies, Array subclasses, accessor elements, typed arrays with a
 * shadowed `length`, typed arrays over resizable buffers. Property test: the same module is
 * instrumented both ways and evaluated in-process with the real check runtime
 * (guest/checks.ts); for generated receivers and indices, the outcome (value, violation message,
 * or thrown error) and every observable effect (proxy traps, getters, toString calls) must be
 * identical.
 */
import { fc, test as propTest } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { instrument } from "../../runtime/index.js";
import { makeChecks } from "../../runtime/guest/checks.js";
import type { RunMode, ViolationData } from "../../runtime/guest/protocol.js";
import type { ObligationResult } from "../../verifier/obligation.js";
import { stubHarden } from "./harden-stub.js";

stubHarden();

const source = `
export function arr(a: number[], i: any): unknown { return a[i]; }
export function typed(a: Uint8Array, i: any): unknown { return a[i]; }
export function str(a: string, i: any): unknown { return a[i]; }
export function anyKind(a: any, i: any): unknown { return a[i]; }
export function code(a: string, i: any): unknown { return a.charCodeAt(i); }
export function bump(a: number[], i: any): unknown { return a[i]++; }
export function put(a: number[], i: any): unknown { a[i] = 7; return a[i]; }
export function opt(a: number[] | undefined, i: any): unknown { return a?.[i]; }
export function computed(a: number[], i: any): unknown { let k = i; return a[(k = k, k)]; }
export function putTyped(a: Float64Array, i: any): unknown { a[i] = 7; return a[i]; }
export function bumpTyped(a: Int32Array, i: any): unknown { a[i] += 2; return a[i]++; }
export function append(a: number[], i: any): unknown { a[i] = 7; return a.length; }
export function many(rs: any[], is: any[]): unknown[] {
  const out: unknown[] = [];
  for (let n = 0; n < rs.length; n++) {
    const r: Uint8Array = rs[n];
    try { out.push(r[is[n]]); } catch (e) { out.push(e instanceof Error ? "E " + e.message : "thrown"); }
    try { r[is[n]] = 1; out.push(r[is[n]]); } catch (e) { out.push(e instanceof Error ? "E " + e.message : "thrown"); }
  }
  return out;
}
`;
const ENTRIES = ["arr", "typed", "str", "anyKind", "code", "bump", "put", "opt", "computed", "putTyped", "bumpTyped", "append"] as const;

class Violation extends Error {}

// `append`'s write is an appending write (the verifier's append obligation, 0 <= i <= length:
// verifier/extract/append.ts): its check also accepts the length on a genuine, non-proxy Array.
const appendAt = source.indexOf("a[i] = 7; return a.length");
const appendWrite: ObligationResult = {
  id: "append/bounds/1:1",
  entity: "append",
  kind: "bounds",
  status: "unknown",
  location: { file: "m.ts", line: 1, column: 1 },
  site: { start: appendAt, end: appendAt + "a[i]".length },
  description: "0 <= i <= a.length (at the length: an append) and i integral at a[i]",
  reason: "test",
  counterexample: null,
  smt: null,
  source: "solver",
  append: true,
};

function load(mode: RunMode) {
  const out = instrument({ source, file: "m.ts", obligations: [appendWrite], mode, entities: [] });
  const violations: ViolationData[] = [];
  const rt = makeChecks({ specs: out.checks, mode, mounts: [], writable: false, violate: (v) => (violations.push(v), new Violation(v.message)) });
  const exports: Record<string, (...a: unknown[]) => unknown> = {};
  new Function("exports", "require", "module", out.checkParam, out.js)(exports, () => ({}), { exports }, rt.api);
  return { exports, violations, rt, js: out.js, checks: out.checks };
}

const inline = load("development");
const generic = load("testing");

// ---- receivers, built fresh for each evaluation from a descriptor, logging observable effects
type Log = string[];
const TYPED = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array] as const;
type Desc =
  | { t: "array"; cells: Array<number | null> }
  | { t: "proxy"; cells: number[]; lengths: number[] }
  | { t: "subclass"; cells: number[] }
  | { t: "accessor"; cells: number[]; at: number; shrinkTo: number }
  | { t: "typed"; cls: number; n: number; shadow: number | null; sub: boolean }
  | { t: "resizable"; cls: number; n: number; shrinkTo: number; tracking: boolean }
  | { t: "proxyTyped"; n: number }
  | { t: "dataview"; n: number }
  | { t: "string"; s: string }
  | { t: "stringObject"; s: string }
  | { t: "object"; length: number }
  | { t: "nullish"; v: null | undefined }
  | { t: "prim"; v: number | boolean }
  /** The check object's `nota` (what the typed guards' receiver caches start with; module code can reach the check object). */
  | { t: "nota" };

function build(d: Desc, log: Log): unknown {
  switch (d.t) {
    case "array": {
      const a: unknown[] = [];
      a.length = d.cells.length;
      d.cells.forEach((c, i) => c !== null && (a[i] = c));
      return a;
    }
    case "proxy": {
      let n = 0;
      return new Proxy([...d.cells], {
        get(target, key, recv) {
          log.push(`get ${String(key)}`);
          if (key === "length") return d.lengths[n++ % d.lengths.length];
          return Reflect.get(target, key, recv);
        },
        set(target, key, value, recv) {
          log.push(`set ${String(key)}`);
          return Reflect.set(target, key, value, recv);
        },
      });
    }
    case "subclass": {
      class Sub extends Array<number> {}
      const a = new Sub();
      a.push(...d.cells);
      return a;
    }
    case "accessor": {
      const a: number[] = [...d.cells];
      if (d.at < a.length) {
        Object.defineProperty(a, d.at, {
          get() {
            log.push(`getter ${d.at}`);
            a.length = Math.min(a.length, d.shrinkTo);
            return 42;
          },
          set(v) {
            log.push(`setter ${d.at}=${v}`);
          },
          configurable: true,
        });
      }
      return a;
    }
    case "typed": {
      const C = TYPED[d.cls]!;
      let u: ArrayLike<unknown>;
      if (d.sub) {
        const shadow = d.shadow;
        // A subclass whose `length` getter lies (the generic check reads the intrinsic one).
        class Lying extends (C as unknown as new (n: number) => object) {
          get length(): number {
            log.push("lying length");
            return shadow ?? 1000;
          }
        }
        u = new Lying(d.n) as unknown as ArrayLike<unknown>;
      } else {
        u = new (C as unknown as new (n: number) => ArrayLike<unknown>)(d.n);
        if (d.shadow !== null) Object.defineProperty(u, "length", { value: d.shadow });
      }
      return u;
    }
    case "resizable": {
      const C = TYPED[d.cls]!;
      const bytes = C.BYTES_PER_ELEMENT;
      const buffer = new (ArrayBuffer as unknown as new (n: number, o: object) => ArrayBuffer & { resize(n: number): void })(d.n * bytes, { maxByteLength: 2 * d.n * bytes + 8 });
      const u = d.tracking ? new (C as unknown as new (b: ArrayBuffer) => unknown)(buffer) : new (C as unknown as new (b: ArrayBuffer, o: number, n: number) => unknown)(buffer, 0, d.n);
      buffer.resize(d.shrinkTo * bytes);
      return u;
    }
    case "proxyTyped":
      return new Proxy(new Uint8Array(d.n), {
        get(target, key) {
          log.push(`get ${String(key)}`);
          const v = Reflect.get(target, key);
          return typeof v === "function" ? v.bind(target) : v;
        },
      });
    case "dataview":
      return new DataView(new ArrayBuffer(d.n));
    case "string":
      return d.s;
    case "stringObject":
      return new String(d.s);
    case "object":
      return { length: d.length, 0: "zero", 1: "one" };
    case "nullish":
      return d.v;
    case "prim":
      return d.v;
    case "nota":
      return inline.rt.api["nota" as keyof typeof inline.rt.api];
  }
}

const cells = fc.array(fc.integer({ min: -5, max: 99 }), { maxLength: 8 });
const desc: fc.Arbitrary<Desc> = fc.oneof(
  fc.record({ t: fc.constant("array" as const), cells: fc.array(fc.option(fc.integer({ min: 0, max: 9 }), { nil: null }), { maxLength: 8 }) }),
  fc.record({ t: fc.constant("proxy" as const), cells, lengths: fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 3 }) }),
  fc.record({ t: fc.constant("subclass" as const), cells }),
  fc.record({ t: fc.constant("accessor" as const), cells, at: fc.integer({ min: 0, max: 7 }), shrinkTo: fc.integer({ min: 0, max: 8 }) }),
  fc.record({ t: fc.constant("typed" as const), cls: fc.integer({ min: 0, max: TYPED.length - 1 }), n: fc.integer({ min: 0, max: 8 }), shadow: fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }), sub: fc.boolean() }),
  fc.record({ t: fc.constant("resizable" as const), cls: fc.integer({ min: 0, max: TYPED.length - 1 }), n: fc.integer({ min: 1, max: 8 }), shrinkTo: fc.integer({ min: 0, max: 8 }), tracking: fc.boolean() }),
  fc.record({ t: fc.constant("proxyTyped" as const), n: fc.integer({ min: 0, max: 8 }) }),
  fc.record({ t: fc.constant("dataview" as const), n: fc.integer({ min: 0, max: 8 }) }),
  fc.record({ t: fc.constant("string" as const), s: fc.string({ maxLength: 8 }) }),
  fc.record({ t: fc.constant("stringObject" as const), s: fc.string({ maxLength: 8 }) }),
  fc.record({ t: fc.constant("object" as const), length: fc.integer({ min: -1, max: 9 }) }),
  fc.record({ t: fc.constant("nullish" as const), v: fc.constantFrom(null, undefined) }),
  fc.record({ t: fc.constant("prim" as const), v: fc.oneof(fc.integer(), fc.boolean()) }),
  fc.constant({ t: "nota" as const }),
);

type IndexDesc = { k: "value"; v: unknown } | { k: "object" } | { k: "symbol" };
const index: fc.Arbitrary<IndexDesc> = fc.oneof(
  fc.constantFrom<unknown>(-0, NaN, 0.5, 1.5, -1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53, 2 ** 53 + 2, Infinity, -Infinity, "1", "01", "1e0", "-0", "0", " 1", "length", "1.0", "4294967295", 1n).map((v) => ({ k: "value" as const, v })),
  fc.integer({ min: -3, max: 12 }).map((v) => ({ k: "value" as const, v })),
  fc.double().map((v) => ({ k: "value" as const, v })),
  fc.constant({ k: "object" as const }),
  fc.constant({ k: "symbol" as const }),
);
const SYM = Symbol("s");
function buildIndex(d: IndexDesc, log: Log): unknown {
  if (d.k === "symbol") return SYM;
  if (d.k === "object") return { toString: () => (log.push("toString"), "1") };
  return d.v;
}

function show(v: unknown): string {
  if (typeof v === "number") return Object.is(v, -0) ? "-0" : String(v);
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "symbol" || typeof v === "function") return typeof v;
  if (typeof v === "string") return JSON.stringify(v);
  if (v === null || v === undefined) return String(v);
  return "object";
}

function outcome(m: ReturnType<typeof load>, entry: string, d: Desc, i: IndexDesc): { result: string; log: Log; violations: string[] } {
  const log: Log = [];
  const before = m.violations.length;
  let result: string;
  try {
    result = `ok ${show(m.exports[entry]!(build(d, log), buildIndex(i, log)))}`;
  } catch (error) {
    result = error instanceof Violation ? `violation ${error.message}` : `throws ${(error as Error)?.constructor?.name}`;
  }
  return { result, log, violations: m.violations.slice(before).map((v) => `${v.id} ${v.message}`) };
}

describe("inline guards = the generic check, on any receiver", () => {
  propTest.prop([fc.constantFrom(...ENTRIES), desc, index], { numRuns: process.env["CI"] ? 1500 : 800 })("same outcome and same observable effects", (entry, d, i) => {
    const a = outcome(inline, entry, d, i);
    const b = outcome(generic, entry, d, i);
    expect(a).toEqual(b);
  });

  // One site, one call, a sequence of receivers: the typed guard's per-site cache (a genuine
  // typed array seen before) must never let a different receiver through.
  propTest.prop([fc.array(fc.tuple(desc, index), { minLength: 1, maxLength: 6 })], { numRuns: process.env["CI"] ? 600 : 300 })("typed guard cache: same outcomes over a sequence of receivers at one site", (pairs) => {
    const run = (m: ReturnType<typeof load>) => {
      const log: Log = [];
      // The same receiver object may recur (cache hit), so build each distinct descriptor once.
      const built = pairs.map(([d]) => {
        try {
          return build(d, log);
        } catch {
          return "unbuildable"; // e.g. a resize past the maximum: the same on both sides
        }
      });
      const rs = pairs.map((_, n) => built[n % 2 === 0 ? n : Math.max(0, n - 1)]);
      const is = pairs.map(([, i]) => buildIndex(i, log));
      let result: string;
      try {
        result = (m.exports["many"]!(rs, is) as unknown[]).map(show).join(",");
      } catch (error) {
        result = `throws ${(error as Error)?.constructor?.name}`;
      }
      return { result, log };
    };
    expect(run(inline)).toEqual(run(generic));
  });

  it("the generated receivers cover every fast path and its fallback (the property is not vacuous)", () => {
    // Sanity: the inline module really contains the three guard kinds and the generic call.
    expect(inline.js).toMatch(/_isArray\(/);
    expect(inline.js).toMatch(/_ta\(/);
    expect(inline.js).toMatch(/typeof __anrf_t\d+ === "string"/);
    expect(generic.js).not.toMatch(/isArray/);
    // Hand-picked cases where a wrong guard would differ: a lying typed-array subclass, a
    // shadowed length, a proxy whose length changes on every read.
    const lying = outcome(inline, "typed", { t: "typed", cls: 1, n: 2, shadow: 50, sub: true }, { k: "value", v: 5 });
    expect(lying.result).toMatch(/^violation .*index 5 out of bounds for length 2/);
    const shadow = outcome(inline, "anyKind", { t: "typed", cls: 8, n: 2, shadow: 50, sub: false }, { k: "value", v: 3 });
    expect(shadow.result).toMatch(/^violation .*out of bounds for length 2/);
    const proxy = outcome(inline, "arr", { t: "proxy", cells: [1, 2, 3], lengths: [1, 9] }, { k: "value", v: 2 });
    expect(proxy.result).toMatch(/^violation .*out of bounds for length 1/);
    expect(proxy.log.filter((x) => x === "get length")).toHaveLength(1);
    expect(outcome(inline, "arr", { t: "array", cells: [1, 2] }, { k: "value", v: -0 }).result).toBe("ok 1");
    expect(outcome(inline, "arr", { t: "array", cells: [1, 2] }, { k: "value", v: "01" }).result).toBe("ok undefined");
    expect(outcome(inline, "arr", { t: "array", cells: [1, 2] }, { k: "value", v: "1" }).result).toBe("ok 2");
    expect(outcome(inline, "arr", { t: "array", cells: [1, 2] }, { k: "value", v: 2 ** 32 - 1 }).result).toMatch(/^violation/);
    // The appending write: the length passes on a genuine array, not through a proxy, and its
    // guard is inline (the generic call only on the slow path).
    expect(inline.checks.find((c) => c.id === "append/bounds/1:1")?.append).toBe(true);
    expect(inline.js).toMatch(/__anrf_c\.oa\(/);
    expect(outcome(inline, "append", { t: "array", cells: [1, 2] }, { k: "value", v: 2 }).result).toBe("ok 3");
    expect(outcome(inline, "append", { t: "array", cells: [1, 2] }, { k: "value", v: 3 }).result).toMatch(/^violation/);
    expect(outcome(inline, "append", { t: "proxy", cells: [1, 2], lengths: [2] }, { k: "value", v: 2 }).result).toMatch(/^violation/);
  });
});

describe("no double work: one check per evaluation of a site (testing mode counts)", () => {
  const src = `
export function compound(a: number[], i: number): number { a[i] += 1; a[i] -= 2; a[i] **= 1; return a[i]!; }
export function update(a: number[], i: number): number { a[i]++; --a[i]; return a[i]++; }
export function chain(a: number[] | undefined, i: number): number | undefined { return a?.[i]; }
export function logical(a: number[], i: number): number { a[i] ||= 3; a[i] ??= 4; return a[i]!; }
export function loop(a: Int32Array): number { let s = 0; for (let i = 0; i < a.length; i++) { a[i] += i; s += a[i]!; } return s; }
export function method(s: string, i: number): number { return s.charCodeAt(i) + s.charCodeAt(i); }
`;
  const mk = (mode: RunMode) => {
    const out = instrument({ source: src, file: "m.ts", obligations: [], mode, entities: [] });
    const rt = makeChecks({ specs: out.checks, mode, mounts: [], writable: false, violate: (v) => new Violation(v.message) });
    const exports: Record<string, (...a: unknown[]) => unknown> = {};
    new Function("exports", "require", "module", out.checkParam, out.js)(exports, () => ({}), { exports }, rt.api);
    return { exports, rt, out };
  };
  const line = (id: string) => Number(/\/(\d+):\d+$/.exec(id)?.[1]);
  /** Executions per source line (each line of `src` holds one function). */
  const perLine = (m: ReturnType<typeof mk>): Record<number, number> => {
    const counts = m.rt.counters()!;
    const out: Record<number, number> = {};
    m.out.checks.forEach((c, k) => (out[line(c.id)] = (out[line(c.id)] ?? 0) + counts[k]!));
    return out;
  };

  it("compound assignment, ++/--, logical assignment: each site once per evaluation", () => {
    const m = mk("testing");
    expect(m.exports["compound"]!([5, 6], 1)).toBe(5);
    expect(m.exports["update"]!([5, 6], 0)).toBe(5);
    expect(m.exports["logical"]!([0, 6], 0)).toBe(3);
    // compound: 4 sites; update: 3; logical: 3 — each evaluated exactly once.
    expect(perLine(m)).toMatchObject({ 2: 4, 3: 3, 5: 3 });
    expect(m.out.checks.filter((c) => line(c.id) === 2)).toHaveLength(4);
    expect(m.rt.counters()!.every((n, k) => line(m.out.checks[k]!.id) !== 2 || n === 1)).toBe(true);
  });

  it("an optional chain is checked once when it reads, never when it short-circuits", () => {
    const m = mk("testing");
    expect(m.exports["chain"]!(undefined, 3)).toBeUndefined();
    expect(perLine(m)[4]).toBe(0);
    expect(m.exports["chain"]!([7], 0)).toBe(7);
    expect(perLine(m)[4]).toBe(1);
  });

  it("a loop site is checked once per iteration; a method read once per call", () => {
    const m = mk("testing");
    expect(m.exports["loop"]!(new Int32Array([1, 2, 3]))).toBe(9);
    expect(perLine(m)[6]).toBe(6); // two sites × three iterations
    expect(m.exports["method"]!("ab", 1)).toBe(196);
    expect(perLine(m)[7]).toBe(2);
  });

  it("development (inline guards, versioned loops): each site reads the receiver's length once per evaluation", () => {
    // A proxy's `length` trap is observable: the count of its runs is the count of checks made.
    const dev = mk("development");
    const testing = mk("testing");
    const lengthReads = (m: ReturnType<typeof mk>, name: string, args: (p: unknown) => unknown[]) => {
      let reads = 0;
      const target = [5, 6, 0];
      const p = new Proxy(target, { get: (t, k, r) => (k === "length" && reads++, Reflect.get(t, k, r)) });
      const value = m.exports[name]!(...args(p));
      return { value, reads };
    };
    for (const [name, args, sites] of [
      ["compound", (p: unknown) => [p, 1], 4],
      ["update", (p: unknown) => [p, 0], 3],
      ["logical", (p: unknown) => [p, 2], 3],
      ["chain", (p: unknown) => [p, 0], 1],
    ] as const) {
      const a = lengthReads(dev, name, args);
      expect(a).toEqual(lengthReads(testing, name, args));
      expect(a.reads).toBe(sites);
    }
  });

  it("inline guards evaluate index and receiver once (same results as the counted form)", () => {
    const dev = mk("development");
    const testing = mk("testing");
    for (const [name, args] of [["compound", () => [[5, 6], 1]], ["update", () => [[5, 6], 0]], ["logical", () => [[0, 6], 0]], ["chain", () => [[7], 0]], ["loop", () => [new Int32Array([4, 5])]], ["method", () => ["xyz", 2]]] as const) {
      expect(dev.exports[name]!(...args())).toEqual(testing.exports[name]!(...args()));
    }
    // No site's index expression is duplicated by the guard: `i` appears in each guard once,
    // assigned to a temp — except in the fast copy of the versioned loop, whose sites are
    // unguarded (instrument-hoist.ts; test/runtime/instrument-hoist.test.ts).
    const loopFn = /function loop\([\s\S]*?(?=function method)/.exec(dev.out.js)?.[0] ?? "";
    expect(loopFn).toMatch(/__anrf_c\.rl\(/);
    expect(dev.out.js.replace(loopFn, "")).not.toMatch(/\[i\]/);
  });
});
