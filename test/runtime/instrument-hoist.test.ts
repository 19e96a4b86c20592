/**
 * Versioned counting loops (runtime/host/instrument-hoist.ts) decide exactly as the
 * per-iteration checks: the same module is instrumented with hoisting (development and
 * production), without it (every guard in every iteration), and in testing mode (the generic
 * call at every site); on generated receivers, loop bounds, offsets, strides and callbacks the
 * outcome (value, violation with its id and location, or thrown error) and every observable
 * effect (body side effects before a failing access, condition evaluations, valueOf calls,
 * proxy traps, getters) must be identical — including −0, NaN, fractions, 2^32 − 1, strings
 * that look like indices, holes, proxies, accessor-bearing arrays, subclasses with a lying
 * length, resizable buffers and arrays whose length changes in the loop body.
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
export function sum(x: Uint8Array, a: any, b: any, cb: (i: any) => void, log: string[]): unknown {
  let s = 0;
  for (let i = a; i < b; i++) { log.push("i" + i); s += x[i]!; cb(i); }
  return s;
}
export function window(x: Float64Array, a: any, b: any, c: any, d: any, cb: (i: any) => void, log: string[]): unknown {
  let s = 0;
  for (let i = a; i <= b; i++) { log.push("w" + i); s += x[i + c]! - x[i - d]!; cb(i); if (s > 1e9) break; }
  return s;
}
export function early(x: string, a: any, b: any, stop: any, cb: (i: any) => void, log: string[]): unknown {
  for (let i = a; i < b; i++) {
    if (x.charCodeAt(i) === stop) return "found " + i;
    log.push(x[i]!);
    cb(i);
    if (i === 5) throw new RangeError("five");
  }
  return -1;
}
export function write(x: Int32Array, a: any, b: any, st: any, cb: (i: any) => void, log: string[]): unknown {
  for (let i = a; i < b; i += st) { x[i] = 3; log.push("v" + x[i]); cb(i); }
  return log.length;
}
export function nested(x: Float64Array, y: Float64Array, n: any, m: any, cb: (i: any) => void, log: string[]): unknown {
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) { s += x[i * m + j]! * y[j]!; log.push(i + "," + j); }
    log.push("row");
    cb(i);
  }
  return s;
}
export function cond(x: Uint8Array, a: any, lim: () => any, cb: (i: any) => void, log: string[]): unknown {
  let s = 0;
  for (let i = a; i < lim(); i++) { s += x[i]!; cb(i); log.push("c" + i); }
  return s;
}
export function column(x: Float64Array, a: any, b: any, c: any, e: any, cb: (i: any) => void, log: string[]): unknown {
  let s = 0;
  for (let i = a; i < b; i++) { log.push("col" + i); s += x[c * i + e]! - x[i * c]!; cb(i); }
  return s;
}
export function invariantSite(x: Uint16Array, k: any, n: any, cb: (i: any) => void, log: string[]): unknown {
  let s = 0;
  for (let i = 0; i < n; i++) { log.push("k" + i); s += x[k]! + x[k + 1]!; cb(i); }
  return s;
}
export function jumps(x: Uint8Array, a: any, b: any, cb: (i: any) => void, log: string[]): unknown {
  let s = 0;
  outer: for (let r = 0; r < 2; r++) {
    for (let i = a; i < b; i++) {
      if (i % 3 === 0) continue;
      for (let j = 0; j < 3; j++) { if (j === 1) break; s += x[i]!; }
      switch (i) { case 4: log.push("four"); break; default: log.push("j" + i); }
      if (i === 6) continue outer;
      if (s > 20) break;
      if (i === 9) break outer;
      cb(i);
    }
    log.push("r" + r);
  }
  return s;
}
export function text(x: string, y: string, cb: (i: any) => void, log: string[]): unknown {
  const m = x.length;
  let hits = 0;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= y.length; j++) if (x[i - 1] === y[j - 1]) hits++;
    log.push("t" + i);
    cb(i);
  }
  return hits;
}
export function arrSum(x: number[], a: any, b: any, cb: (i: any) => void, log: string[]): unknown {
  let s = 0;
  for (let i = a; i < b; i++) { log.push("i" + i); s += x[i]!; cb(i); }
  return s;
}
export function arrWhile(x: number[], a: any, cb: (i: any) => void, log: string[]): unknown {
  let i = a;
  let s = 0;
  while (i > 0) { log.push("w" + i); s += x[i]! - x[i - 1]!; cb(i); i--; }
  return s;
}
export function arrDo(x: number[], n: any, cb: (i: any) => void, log: string[]): unknown {
  let k = 0;
  do { x[k] = k; log.push("d" + x[k]); cb(k); k++; } while (k < n);
  return k;
}
export function gnome(x: number[], cb: (i: any) => void, log: string[]): unknown {
  let pos = 0;
  let steps = 0;
  while (pos < x.length && steps < 30) {
    steps++;
    if (pos === 0 || x[pos]! >= x[pos - 1]!) pos++;
    else { const t = x[pos]!; x[pos] = x[pos - 1]!; x[pos - 1] = t; pos--; cb(pos); }
    log.push("g" + pos);
  }
  return pos;
}
export function bsearch(x: number[], target: any, cb: (i: any) => void, log: string[]): unknown {
  let lo = 0;
  let hi = x.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    log.push("m" + mid);
    cb(mid);
    if (x[mid]! < target) lo = mid + 1; else hi = mid;
    if (x[mid] === x[lo]) log.push("eq");
  }
  return lo;
}
export function down(x: number[], a: any, k: any, cb: (i: any) => void, log: string[]): unknown {
  let s = 0;
  for (let i = a; i >= -1; i--) { log.push("d" + i); s += x[i + k]! * 2 + x[i]!; cb(i); }
  return s;
}
export function select(x: number[], n: any, cb: (i: any) => void, log: string[]): unknown {
  for (let i = 0; i < n; i++) {
    let min = i;
    for (let j = i + 1; j < x.length; j++) if (x[j]! < x[min]!) min = j;
    log.push("s" + min);
    cb(i);
    const t = x[i]!; x[i] = x[min]!; x[min] = t;
  }
  return x.length;
}
export function mixed(x: number[], a: any, b: any, cb: (i: any) => void, log: string[]): unknown {
  let i = a;
  let s = 0;
  do { s += x[i]! + x[i * 2 - b]!; i = i + 1; cb(i); log.push("x" + i); if (i > 6) i *= 1; } while (i < 8);
  return s;
}
export function stepBy(x: number[], a: any, cb: (i: any) => void, log: string[]): unknown {
  let i = 0;
  let s = 0;
  while (i < 6) { s += x[i]! + x[i + 1]!; i = i + a; cb(i); log.push("n" + i); }
  return s;
}
export function halves(x: number[], a: any, cb: (i: any) => void, log: string[]): unknown {
  let i = a;
  let s = 0;
  while (i >= 1) { s += x[i]! + x[i - 1]!; i = i / 2; cb(i); log.push("h" + i); }
  return s;
}
export function shadow(x: number[], a: any, cb: (i: any) => void, log: string[]): unknown {
  let k = a;
  let s = 0;
  for (let i = 0; i < 3; i++) { { let k = i; s += x[k]!; } s += x[k]! + x[i]!; cb(i); log.push("sh" + k); }
  return s;
}
export function bumpAll(x: number[], a: any, b: any, cb: (i: any) => void, log: string[]): unknown {
  let s = 0;
  for (let i = a; i < b; i++) { x[i] = x[i]! + 1; log.push("b" + i); cb(i); s += x[i]!; x[i] = -x[i]!; }
  return s;
}
export function bumpWhile(x: number[], k: any, cb: (i: any) => void, log: string[]): unknown {
  let n = 0;
  while (n < 3) { x[k] = x[k]! * 2 + n; x[k + 1] = x[k + 1]! - 1; cb(n); log.push("w" + n); n++; }
  return n;
}
export function scoped(x: number[], cb: (i: any) => void, log: string[]): unknown {
  let s = 0;
  let n = 0;
  // the second x[kk] reads the module's kk (0.5), not the block's
  while (n < 2) { { const kk = n; s += x[kk]!; } s += x[kk]! + x[n]!; cb(n); log.push("sc" + n); n++; }
  return s;
}
export function bumpOnce(x: number[], k: any, cb: (i: any) => void, log: string[]): unknown {
  x[k] = x[k]! + 1;
  cb(k);
  x[k] = (x[k]! > 2 ? x[k]! : 0) + 1;
  log.push("o");
  return x[k];
}
let kk: any = 0.5;
`;
const ARRAY_ENTRIES = ["arrSum", "arrWhile", "arrDo", "gnome", "bsearch", "down", "select", "mixed", "stepBy", "halves", "shadow", "bumpAll", "bumpWhile", "bumpOnce", "scoped"] as const;
/** Array loops with integer-indexed sites: emitted twice, the integer copy with reduced guards (instrument-hoist-int.ts). */
const INT_ENTRIES = ["arrWhile", "arrDo", "gnome", "bsearch", "down", "select", "mixed", "stepBy", "bumpAll", "bumpWhile"] as const;
const ENTRIES = ["sum", "window", "early", "write", "nested", "column", "cond", "invariantSite", "jumps", "text", ...ARRAY_ENTRIES] as const;

class Violation extends Error {}

/** One entity's module, instrumented and loaded with the real check runtime (a violation throws `Violation` with its id and message). */
function loadEntity(src: string, entity: { id: string; name: string; clauses: Parameters<typeof instrument>[0]["entities"][number]["clauses"] }, obligations: ObligationResult[], mode: RunMode, hoistLoops: boolean) {
  const out = instrument({ source: src, file: "m.ts", obligations, mode, entities: [entity], hoistLoops });
  const rt = makeChecks({ specs: out.checks, mode, mounts: [], writable: false, violate: (v) => new Violation(`${v.id} ${v.message}`) });
  const exports: Record<string, (...a: unknown[]) => unknown> = {};
  new Function("exports", "require", "module", out.checkParam, out.js)(exports, () => ({}), { exports }, rt.api);
  return { exports, js: out.js, checks: out.checks };
}

function load(mode: RunMode, hoistLoops: boolean, inlineChecks?: boolean) {
  const out = instrument({ source, file: "m.ts", obligations: [], mode, entities: [], hoistLoops, inlineChecks });
  expect(out.diagnostics).toEqual([]);
  const violations: ViolationData[] = [];
  const rt = makeChecks({ specs: out.checks, mode, mounts: [], writable: false, violate: (v) => (violations.push(v), new Violation(v.message)) });
  let rangeChecks = 0;
  let fastEntries = 0;
  const api = {
    ...(rt.api as Record<string, unknown>),
    rl: (o: unknown) => {
      rangeChecks++;
      const n = (rt.api as { rl: (o: unknown) => number }).rl(o);
      if (n >= 0) fastEntries++;
      return n;
    },
  };
  const exports: Record<string, (...a: unknown[]) => unknown> = {};
  new Function("exports", "require", "module", out.checkParam, out.js)(exports, () => ({}), { exports }, api);
  return { exports, violations, js: out.js, checks: out.checks, rangeChecks: () => rangeChecks, fastEntries: () => fastEntries };
}

// ---- receivers (fresh per evaluation), logging observable effects
type Log = string[];
const TYPED = [Uint8Array, Int32Array, Float64Array, Uint16Array, BigInt64Array] as const;
type Desc =
  | { t: "typed"; cls: number; cells: number[] }
  | { t: "lying"; cls: number; n: number; claims: number }
  | { t: "shadow"; cls: number; n: number; claims: number }
  | { t: "resizable"; n: number; shrinkTo: number }
  | { t: "proxyTyped"; n: number }
  | { t: "array"; cells: Array<number | null> }
  | { t: "accessor"; cells: number[]; at: number; shrinkTo: number }
  | { t: "revocable"; cells: number[] }
  | { t: "subArray"; cells: number[] }
  | { t: "string"; s: string }
  | { t: "stringObject"; s: string }
  | { t: "nullish" };

const revokers = new WeakMap<object, () => void>();

function build(d: Desc, log: Log): unknown {
  switch (d.t) {
    case "typed": {
      const C = TYPED[d.cls]!;
      const u = new (C as unknown as new (n: number) => Record<number, unknown>)(d.cells.length);
      d.cells.forEach((c, i) => (u[i] = C === BigInt64Array ? BigInt(c) : c));
      return u;
    }
    case "lying": {
      const C = TYPED[d.cls]! as unknown as new (n: number) => object;
      const claims = d.claims;
      class Lying extends C {
        get length(): number {
          log.push("lying length");
          return claims;
        }
      }
      return new Lying(d.n);
    }
    case "shadow": {
      const u = new (TYPED[d.cls]! as unknown as new (n: number) => object)(d.n);
      Object.defineProperty(u, "length", { value: d.claims });
      return u;
    }
    case "resizable": {
      const buffer = new (ArrayBuffer as unknown as new (n: number, o: object) => ArrayBuffer)(d.n, { maxByteLength: 16 });
      return new Uint8Array(buffer);
    }
    case "proxyTyped":
      return new Proxy(new Uint8Array(d.n).fill(1), {
        get(target, key) {
          log.push(`get ${String(key)}`);
          const v = Reflect.get(target, key);
          return typeof v === "function" ? v.bind(target) : v;
        },
      });
    case "array": {
      const a: unknown[] = [];
      a.length = d.cells.length;
      d.cells.forEach((c, i) => c !== null && (a[i] = c));
      return a;
    }
    case "accessor": {
      const a: number[] = [...d.cells];
      if (d.at < a.length) {
        Object.defineProperty(a, d.at, {
          get() {
            log.push(`getter ${d.at}`);
            a.length = Math.min(a.length, d.shrinkTo);
            return 1;
          },
          configurable: true,
        });
      }
      return a;
    }
    case "revocable": {
      const { proxy, revoke } = Proxy.revocable([...d.cells], {
        get(target, key, recv) {
          log.push(`get ${String(key)}`);
          return Reflect.get(target, key, recv);
        },
      });
      revokers.set(proxy, revoke);
      return proxy;
    }
    case "subArray": {
      class Sub extends Array<number> {}
      const a = new Sub();
      a.push(...d.cells);
      return a;
    }
    case "string":
      return d.s;
    case "stringObject":
      return new String(d.s);
    case "nullish":
      return undefined;
  }
}

const desc: fc.Arbitrary<Desc> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant("typed" as const), cls: fc.integer({ min: 0, max: TYPED.length - 1 }), cells: fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 12 }) }) },
  fc.record({ t: fc.constant("lying" as const), cls: fc.integer({ min: 0, max: 3 }), n: fc.integer({ min: 0, max: 8 }), claims: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ t: fc.constant("shadow" as const), cls: fc.integer({ min: 0, max: 3 }), n: fc.integer({ min: 0, max: 8 }), claims: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ t: fc.constant("resizable" as const), n: fc.integer({ min: 0, max: 8 }), shrinkTo: fc.integer({ min: 0, max: 8 }) }),
  fc.record({ t: fc.constant("proxyTyped" as const), n: fc.integer({ min: 0, max: 8 }) }),
  fc.record({ t: fc.constant("array" as const), cells: fc.array(fc.option(fc.integer({ min: 0, max: 9 }), { nil: null }), { maxLength: 10 }) }),
  fc.record({ t: fc.constant("accessor" as const), cells: fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 10 }), at: fc.integer({ min: 0, max: 9 }), shrinkTo: fc.integer({ min: 0, max: 9 }) }),
  fc.record({ t: fc.constant("revocable" as const), cells: fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 10 }) }),
  fc.record({ t: fc.constant("subArray" as const), cells: fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 10 }) }),
  { weight: 3, arbitrary: fc.record({ t: fc.constant("string" as const), s: fc.string({ maxLength: 12 }) }) },
  fc.record({ t: fc.constant("stringObject" as const), s: fc.string({ maxLength: 8 }) }),
  fc.constant({ t: "nullish" as const }),
);

/** Loop bounds, offsets and strides: mostly small integers, plus every awkward value. */
type NumDesc = { k: "value"; v: unknown } | { k: "valueOf"; v: number };
const num: fc.Arbitrary<NumDesc> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -3, max: 14 }).map((v) => ({ k: "value" as const, v })) },
  { weight: 3, arbitrary: fc.constantFrom<unknown>(-0, 0.5, 1.5, -0.5, 2 ** 31, 2 ** 32 - 1, -(2 ** 31) - 1).map((v) => ({ k: "value" as const, v })) },
  fc.constantFrom<unknown>(-0, NaN, 0.5, 1.5, -1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, -(2 ** 31), Infinity, -Infinity, "2", "1e0", "x", null, undefined, true, 1n).map((v) => ({ k: "value" as const, v })),
  fc.integer({ min: -2, max: 10 }).map((v) => ({ k: "valueOf" as const, v })),
);
function buildNum(d: NumDesc, log: Log): unknown {
  if (d.k === "value") return d.v;
  return { valueOf: () => (log.push(`valueOf ${d.v}`), d.v), toString: () => (log.push(`toString ${d.v}`), String(d.v)) };
}

/** What the body's callback does: nothing, or something that changes the world the loop sees. */
type Effect = "none" | "log" | "shrink" | "shadowLength" | "resize" | "throwAt3" | "poke" | "revoke" | "reproto";
const effect: fc.Arbitrary<Effect> = fc.constantFrom("none", "log", "shrink", "shadowLength", "resize", "throwAt3", "poke", "revoke", "reproto");
function callback(e: Effect, receiver: () => unknown, log: Log): (i: unknown) => void {
  return (i) => {
    const x = receiver() as { length?: number; pop?: () => void; buffer?: { resize?: (n: number) => void } } | undefined;
    switch (e) {
      case "log":
        log.push(`cb ${typeof i === "number" ? i : typeof i}`);
        return;
      case "shrink":
        if (Array.isArray(x)) x.pop();
        return;
      case "shadowLength":
        if (x !== null && typeof x === "object") Object.defineProperty(x, "length", { value: 0, configurable: true });
        return;
      case "resize":
        try {
          x?.buffer?.resize?.(1);
        } catch {
          log.push("resize refused");
        }
        return;
      case "throwAt3":
        if (i === 3) throw new TypeError("cb three");
        return;
      case "poke":
        if (x !== null && typeof x === "object") (x as Record<number, unknown>)[0] = 7;
        return;
      case "revoke":
        if (x !== null && typeof x === "object") revokers.get(x)?.();
        return;
      case "reproto":
        // An element getter on a new prototype: holes now run code that shrinks the array.
        if (Array.isArray(x) && !revokers.has(x)) {
          const arr = x as unknown[];
          Object.setPrototypeOf(arr, Object.create(Array.prototype, { 1: { get: () => (log.push("proto getter"), (arr.length = 0), 5) } }));
        }
        return;
    }
  };
}

function show(v: unknown): string {
  if (typeof v === "number") return Object.is(v, -0) ? "-0" : String(v);
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "string") return JSON.stringify(v);
  if (v === null || v === undefined) return String(v);
  return typeof v;
}

type Case = { entry: (typeof ENTRIES)[number]; x: Desc; y: Desc; nums: NumDesc[]; effect: Effect; limits: number[] };
const caseArb: fc.Arbitrary<Case> = fc.record({
  // the typed-array and string entries as often as before the array entries were added
  entry: fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...ENTRIES.filter((e) => !(ARRAY_ENTRIES as readonly string[]).includes(e))) }, { weight: 1, arbitrary: fc.constantFrom(...ARRAY_ENTRIES) }),
  x: desc,
  y: desc,
  nums: fc.array(num, { minLength: 4, maxLength: 4 }),
  effect,
  limits: fc.array(fc.integer({ min: -1, max: 12 }), { minLength: 1, maxLength: 4 }),
});

/** A log that ends the run after a few hundred entries (loops over 2^32 or with stride 0 must stop). */
function boundedLog(): Log {
  const log: Log = [];
  Object.defineProperty(log, "push", {
    value: (...xs: string[]) => {
      if (log.length >= 300) throw new Error("budget");
      return Array.prototype.push.apply(log, xs);
    },
  });
  return log;
}

function run(m: ReturnType<typeof load>, c: Case): { result: string; log: Log; violations: string[] } {
  const log: Log = boundedLog();
  const before = m.violations.length;
  let x: unknown;
  let y: unknown;
  let result: string;
  try {
    x = build(c.x, log);
    y = build(c.y, log);
    const [n0, n1, n2, n3] = c.nums.map((d) => buildNum(d, log));
    const cb = callback(c.effect, () => x, log);
    let calls = 0;
    const lim = () => (log.push("lim"), c.limits[calls++ % c.limits.length]);
    const args: Record<(typeof ENTRIES)[number], unknown[]> = {
      sum: [x, n0, n1, cb, log],
      window: [x, n0, n1, n2, n3, cb, log],
      early: [x, n0, n1, n2, cb, log],
      write: [x, n0, n1, n2, cb, log],
      nested: [x, y, n0, n1, cb, log],
      column: [x, n0, n1, n2, n3, cb, log],
      cond: [x, n0, lim, cb, log],
      invariantSite: [x, n0, n1, cb, log],
      jumps: [x, n0, n1, cb, log],
      text: [x, y, cb, log],
      arrSum: [x, n0, n1, cb, log],
      arrWhile: [x, n0, cb, log],
      arrDo: [x, n0, cb, log],
      gnome: [x, cb, log],
      bsearch: [x, n0, cb, log],
      down: [x, n0, n1, cb, log],
      select: [x, n0, cb, log],
      mixed: [x, n0, n1, cb, log],
      stepBy: [x, n0, cb, log],
      halves: [x, n0, cb, log],
      shadow: [x, n0, cb, log],
      bumpAll: [x, n0, n1, cb, log],
      bumpWhile: [x, n0, cb, log],
      bumpOnce: [x, n0, cb, log],
      scoped: [x, cb, log],
    };
    result = `ok ${show(m.exports[c.entry]!(...args[c.entry]))}`;
  } catch (error) {
    // An engine TypeError names the expression it failed on (a temp in the guarded copy, the
    // variable in the fast one, as before this work in guarded vs uninstrumented code): compare the rest.
    const message = String((error as Error)?.message).replace(/^[\w$.]+ is not a function$/, "<expression> is not a function");
    result = error instanceof Violation ? `violation ${error.message}` : `throws ${(error as Error)?.constructor?.name} ${message}`;
  }
  return { result, log: [...log], violations: m.violations.slice(before).map((v) => `${v.id} ${JSON.stringify(v.location)} ${v.message}`) };
}

const hoisted = load("development", true);
const perIteration = load("development", false);
const generic = load("testing", false);
/** Generic calls at every site that is not hoisted (what the benchmark counts "after hoisting"). */
const genericHoisted = load("testing", true, false);
const prodHoisted = load("production", true);
const prodPerIteration = load("production", false);

describe("versioned loops decide exactly as per-iteration checks", () => {
  propTest.prop([caseArb], { numRuns: process.env["CI"] ? 3000 : 1500 })("same outcome, same violation (id, location, message), same effects", (c) => {
    const a = run(hoisted, c);
    expect(a).toEqual(run(perIteration, c));
    expect(a).toEqual(run(generic, c));
    expect(a).toEqual(run(genericHoisted, c));
    expect(run(prodHoisted, c)).toEqual(run(prodPerIteration, c));
  });

  // Array loops (the receiver's kind established once per loop entry): receivers and body
  // effects biased to what could make a once-per-loop answer stale — a proxy revoked in the
  // loop, a prototype swapped for one with element getters, a shrinking array.
  const arrayDesc: fc.Arbitrary<Desc> = fc.oneof(
    fc.record({ t: fc.constant("revocable" as const), cells: fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 6 }) }),
    fc.record({ t: fc.constant("array" as const), cells: fc.array(fc.option(fc.integer({ min: 0, max: 9 }), { nil: null }), { maxLength: 6 }) }),
    fc.record({ t: fc.constant("accessor" as const), cells: fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 6 }), at: fc.integer({ min: 0, max: 5 }), shrinkTo: fc.integer({ min: 0, max: 5 }) }),
    fc.record({ t: fc.constant("subArray" as const), cells: fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 6 }) }),
    fc.record({ t: fc.constant("typed" as const), cls: fc.integer({ min: 0, max: 3 }), cells: fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 6 }) }),
    fc.record({ t: fc.constant("string" as const), s: fc.string({ maxLength: 6 }) }),
  );
  const arrayCase: fc.Arbitrary<Case> = fc.record({
    entry: fc.constantFrom(...ARRAY_ENTRIES),
    x: arrayDesc,
    y: fc.constant({ t: "nullish" as const }),
    nums: fc.array(fc.integer({ min: -1, max: 7 }).map((v) => ({ k: "value" as const, v })), { minLength: 4, maxLength: 4 }),
    effect: fc.constantFrom<Effect>("revoke", "reproto", "shrink", "poke", "none"),
    limits: fc.constant([0]),
  });
  propTest.prop([arrayCase], { numRuns: process.env["CI"] ? 1500 : 600 })("array loops: same outcome and effects when the body revokes, re-prototypes or shrinks the receiver", (c) => {
    const a = run(hoisted, c);
    expect(a).toEqual(run(perIteration, c));
    expect(a).toEqual(run(generic, c));
    expect(run(prodHoisted, c)).toEqual(run(prodPerIteration, c));
  });

  // Strided sites (x[c * i + e], x[i * c]): typed arrays and small bounds, so that loops run
  // into the limit ⌊(length − e − 1) / c⌋ + 1 from both sides.
  const columnCase: fc.Arbitrary<Case> = fc.record({
    entry: fc.constant("column" as const),
    x: fc.record({ t: fc.constant("typed" as const), cls: fc.integer({ min: 0, max: 3 }), cells: fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 14 }) }),
    y: fc.constant({ t: "nullish" as const }),
    nums: fc.tuple(fc.integer({ min: -2, max: 4 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: -3, max: 4 })).map((ns) => ns.map((v) => ({ k: "value" as const, v }))),
    effect: fc.constantFrom<Effect>("none", "log", "resize"),
    limits: fc.constant([0]),
  });
  propTest.prop([columnCase], { numRuns: process.env["CI"] ? 1000 : 500 })("strided sites: same outcome and effects at and around the limit", (c) => {
    const a = run(hoisted, c);
    expect(a).toEqual(run(perIteration, c));
    expect(a).toEqual(run(generic, c));
    expect(run(prodHoisted, c)).toEqual(run(prodPerIteration, c));
  });

  it("the generated cases reach the range check with a usable receiver often (run after the property)", () => {
    // rl is called only once PRE's cheaper conditions hold (int32 counter, offsets, stride);
    // a typed array or string there means the fast copy was entered or LIM was computed.
    expect(hoisted.fastEntries()).toBeGreaterThan(200);
  });

  it("every entry's loop is versioned, and the fast copy runs on ordinary inputs (the property is not vacuous)", () => {
    for (const name of ENTRIES.filter((e) => !(ARRAY_ENTRIES as readonly string[]).includes(e))) expect(hoisted.js).toMatch(new RegExp(`function ${name}\\([\\s\\S]*?\\.rl\\(`));
    // a strided site c * i + E: its limit ⌊(length − E − 1) / c⌋ + 1, c tested an int32 ≥ 1
    expect(hoisted.js).toMatch(/function column\([\s\S]*?>= 1 && [\s\S]*?__anrf_c_floor\(\(/);
    // array loops: the receiver's kind established once per loop entry
    for (const name of ARRAY_ENTRIES.filter((e) => e !== "bumpOnce")) expect(hoisted.js).toMatch(new RegExp(`function ${name}\\([\\s\\S]*?\\.pa\\(x\\)`));
    // integer-indexed array loops: an integer copy with reduced guards, chosen at entry
    const fn = (name: string) => new RegExp(`function ${name}\\([\\s\\S]*?(?=\\nfunction |$)`).exec(hoisted.js)![0];
    for (const name of INT_ENTRIES) expect(fn(name)).toMatch(/>= 0 && __anrf_t\d+ < \(__anrf_t\d+ = x\.length\) \? __anrf_t\d+ : __anrf_c\.b\(x, /);
    expect(fn("down")).toMatch(/if \(__anrf_t\d+ && typeof (a|k) === "number" && \(\1 \| 0\) === \1 && typeof (a|k) === "number"/);
    expect(fn("gnome")).toMatch(/if \(__anrf_t\d+ && typeof pos === "number" && \(pos \| 0\) === pos\)/);
    // i = i / 2 can make a fraction; k has a second declaration inside the loop: full guards only
    // a block's kk inside the loop, the module's kk after it: only the block's x[kk] and x[n] reduced
    expect((fn("scoped").match(/\(\(__anrf_t\d+ = kk\) >= 0 && /g) ?? []).length).toBe(1);
    expect(fn("scoped")).toMatch(/typeof \(__anrf_t\d+ = kk\) === "number"/);
    expect(fn("halves")).not.toMatch(/>= 0 && __anrf_t\d+ < \(__anrf_t\d+ = x\.length\) \?/);
    expect(fn("shadow")).not.toMatch(/\(\(__anrf_t\d+ = k\) >= 0 && /);
    expect(fn("shadow")).toMatch(/\(\(__anrf_t\d+ = i\) >= 0 && /);
    // straight-line merging: in the integer copy `x[i] = x[i]! + 1` checks once, the right-hand x[i] is bare
    const [intCopy, checkedCopy] = fn("bumpAll").split(/\n\s*else \{/);
    expect(intCopy).toMatch(/\] = x\[i\] \+ 1;/);
    expect(intCopy).toMatch(/\] = -x\[i\];/);
    expect(fn("bumpWhile")).toMatch(/\] = x\[k \+ 1\] - 1;/);
    // in the other copy, only where the array test holds; outside a planned loop, never
    expect(checkedCopy).toMatch(/\] = x\[__anrf_t\d+ \? i : \(typeof/);
    expect(fn("bumpOnce")).not.toMatch(/x\[k\]|\? k :/);
    expect(perIteration.js).not.toMatch(/\.rl\(/);
    const before = hoisted.rangeChecks();
    const log: Log = [];
    expect(hoisted.exports["sum"]!(new Uint8Array([1, 2, 3, 4]), 0, 4, () => {}, log)).toBe(10);
    expect(hoisted.rangeChecks()).toBe(before + 1);
    // the fast copy has no guard at the hoisted site: x[i] appears unguarded in `sum`
    expect(/function sum\([\s\S]*?(?=function window)/.exec(hoisted.js)?.[0]).toMatch(/s \+= x\[i\]/);
  });

  it("a failing range reports the first failing index at its own site, after the body's earlier effects", () => {
    const log: Log = [];
    const a = run(hoisted, { entry: "sum", x: { t: "typed", cls: 0, cells: [1, 2, 3] }, y: { t: "nullish" }, nums: [{ k: "value", v: 0 }, { k: "value", v: 6 }, { k: "value", v: 0 }, { k: "value", v: 0 }], effect: "log", limits: [0] });
    void log;
    expect(a.result).toMatch(/^violation bounds violation at m\.ts:4:\d+ .*index 3 out of bounds for length 3/);
    expect(a.log).toEqual(["i0", "cb 0", "i1", "cb 1", "i2", "cb 2", "i3"]);
    expect(a).toEqual(run(perIteration, { entry: "sum", x: { t: "typed", cls: 0, cells: [1, 2, 3] }, y: { t: "nullish" }, nums: [{ k: "value", v: 0 }, { k: "value", v: 6 }, { k: "value", v: 0 }, { k: "value", v: 0 }], effect: "log", limits: [0] }));
    // An early exit before the failing index: no violation at all.
    const early = run(hoisted, { entry: "early", x: { t: "string", s: "abcdefgh" }, y: { t: "nullish" }, nums: [{ k: "value", v: 0 }, { k: "value", v: 100 }, { k: "value", v: 200 }, { k: "value", v: 0 }], effect: "none", limits: [0] });
    expect(early.result).toBe("throws RangeError five");
  });

  it("hoisting needs a let counter and invariant receivers: other loops keep their per-iteration guards", () => {
    const src = `
export function reassigned(x: Uint8Array, y: Uint8Array, n: number): number { let s = 0; for (let i = 0; i < n; i++) { s += x[i]!; if (s > 3) x = y; } return s; }
export function viaVar(x: Uint8Array, n: number): number { let s = 0; for (var i = 0; i < n; i++) s += x[i]!; return s; }
export function closure(x: Uint8Array, n: number): number { let s = 0; for (let i = 0; i < n; i++) { s += x[i]!; [1].forEach(() => s++); } return s; }
export function counterWritten(x: Uint8Array, n: number): number { let s = 0; for (let i = 0; i < n; i++) { s += x[i]!; if (s > 2) i++; } return s; }
export function captured(x: Uint8Array, n: number): number { let s = 0; const f = () => { x = new Uint8Array(0); }; for (let i = 0; i < n; i++) { s += x[i]!; if (i === 1) f(); } return s; }
export function anArray(x: number[], n: number): number { let s = 0; for (let i = 0; i < n; i++) s += x[i]!; return s; }
export function labelled(x: Uint8Array, n: number): number { let s = 0; l: for (let i = 0; i < n; i++) s += x[i]!; return s; }
export function direct(x: Uint8Array, n: number): number { let s = 0; for (let i = 0; i < n; i++) { s += x[i]!; eval("x = new Uint8Array(0)"); } return s; }
export function shadowClass(x: Uint8Array, n: number): number { let s = 0; { for (let i = 0; i < n; i++) s += x[i]!; class x {} void x; } return s; }
export function shadowCatch(x: Uint8Array, n: number): number { let s = 0; try { throw 1; } catch (x) { for (let i = 0; i < n; i++) s += (x as any)[i]; } return s; }
export function tdz(n: number): number { let s = 0; for (let i = 0; i < n; i++) s += late[i]!; const late = new Uint8Array(4); return s; }
`;
    const out = instrument({ source: src, file: "m.ts", obligations: [], mode: "development", entities: [] });
    expect(out.js).not.toMatch(/\.rl\(/);
    // and a script (no import/export: sloppy mode, where arguments alias parameters) is never versioned
    const script = instrument({ source: "function f(x: Uint8Array, n: number) { let s = 0; for (let i = 0; i < n; i++) s += x[i]!; return s; }", file: "m.ts", obligations: [], mode: "development", entities: [] });
    expect(script.js).not.toMatch(/\.rl\(/);
  });

  describe("loop invariants in a versioned loop", () => {
    // The verifier's safe-integer invariants name the counter; in the fast copy the counter is an
    // int32 below LIM, so that conjunct is dropped there — the rest of the clause is still checked
    // at every evaluation, and the checked copy checks it in full.
    const src = `
export function acc(x: Uint8Array, a: any, b: any, limit: any, log: string[]): unknown {
  let s = 0;
  for (let i = a; i < b; i++) { log.push("a" + i); s += x[i]!; }
  return s;
}
`;
    const clauses = { preconditions: [], postconditions: [], contractInvariants: [], directInvariants: [{ id: "INV-1", text: "Number.isSafeInteger(i) && s <= limit" }] };
    const mk = (mode: RunMode, hoistLoops: boolean) => loadEntity(src, { id: "ACC", name: "acc", clauses }, [], mode, hoistLoops);
    const h = mk("development", true);
    const p = mk("development", false);
    const g = mk("testing", false);
    const once = (m: ReturnType<typeof mk>, cells: number[], a: unknown, b: unknown, limit: unknown) => {
      const log = boundedLog();
      try {
        return { r: `ok ${show(m.exports["acc"]!(new Uint8Array(cells), a, b, limit, log))}`, log: [...log] };
      } catch (error) {
        return { r: error instanceof Violation ? `violation ${error.message}` : `throws ${(error as Error)?.constructor?.name}`, log: [...log] };
      }
    };

    it("the fast copy drops only the counter's conjunct", () => {
      const fn = /function acc\([\s\S]*$/.exec(h.js)![0];
      expect(fn).toMatch(/\.rl\(/);
      expect((fn.match(/isSafeInteger\(i\)/g) ?? []).length).toBe(1); // the checked copy only
      expect((fn.match(/s <= limit/g) ?? []).length).toBe(2); // both copies
      expect(h.checks).toEqual(p.checks);
    });

    propTest.prop([fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 10 }), num, num, fc.oneof(fc.integer({ min: -1, max: 40 }), fc.constantFrom(NaN, Infinity))], { numRuns: 400 })("same outcome as per-iteration checks", (cells, a, b, limit) => {
      const log: Log = [];
      const av = buildNum(a, log);
      const bv = buildNum(b, log);
      const x = once(h, cells, av, bv, limit);
      expect(x).toEqual(once(p, cells, av, bv, limit));
      expect(x).toEqual(once(g, cells, av, bv, limit));
    });
  });

  describe("a loop versioned for its counter alone (every site proved: production)", () => {
    // A sieve's inner loop in production: its bounds site is proved, so nothing is hoisted, but
    // the verifier's Number.isSafeInteger(j) invariant stays unproved (j = i * i may pass 2^53).
    // The fast copy runs while j < 2^31 − 1 without it; from there the checked copy checks it.
    const src = `
export function mark(x: Uint8Array, start: any, limit: any, step: any, log: string[]): unknown {
  let n = 0;
  for (let j = start; j <= limit; j += step) { log.push("m" + j); n++; if (j < 4) x[j] = 1; }
  return n;
}
`;
    const site = src.indexOf("x[j]");
    const provedSite: ObligationResult = {
      id: "MARK/bounds/1",
      entity: "MARK",
      kind: "bounds",
      status: "proved",
      location: { file: "m.ts", line: 4, column: 1 },
      site: { start: site, end: site + 4 },
      description: "bounds",
      reason: "unsat",
      counterexample: null,
      smt: null,
    };
    const clauses = { preconditions: [], postconditions: [], contractInvariants: [], directInvariants: [{ id: "INV-1", text: "Number.isSafeInteger(j)" }] };
    const mk = (mode: RunMode, hoistLoops: boolean) => loadEntity(src, { id: "MARK", name: "mark", clauses }, [provedSite], mode, hoistLoops);
    const versioned = mk("production", true);
    const plain = mk("production", false);
    const once = (m: ReturnType<typeof mk>, start: unknown, limit: unknown, step: unknown) => {
      const log = boundedLog();
      const x = new Uint8Array(4);
      try {
        return { r: `ok ${show(m.exports["mark"]!(x, start, limit, step, log))}`, log: [...log], x: [...x] };
      } catch (error) {
        return { r: error instanceof Violation ? `violation ${error.message}` : `throws ${(error as Error)?.constructor?.name}`, log: [...log], x: [...x] };
      }
    };
    const big = (...vs: number[]) => fc.constantFrom(...vs).map((v) => ({ k: "value" as const, v }) as NumDesc);

    it("production versions the loop: the fast copy runs below 2^31 − 1 without the invariant, the checked copy keeps it", () => {
      const fn = /function mark\([\s\S]*$/.exec(versioned.js)![0];
      expect(fn).toMatch(/j < 2147483647/);
      expect((fn.match(/isSafeInteger\(j\)/g) ?? []).length).toBe(1); // the checked copy only
      expect(fn).not.toMatch(/\.b\(/); // the proved site has no check in either copy
      expect(versioned.checks).toEqual(plain.checks);
      // Unversioned before this (the plain build): the invariant at every iteration.
      expect(/function mark\([\s\S]*$/.exec(plain.js)![0]).not.toMatch(/2147483647/);
    });

    it("the checked copy still stops a counter that leaves the safe integers after the fast copy", () => {
      const r = once(versioned, 2 ** 31 - 3, 2 ** 55, 2 ** 52);
      expect(r.r).toMatch(/^violation MARK\/invariant/);
      expect(r.log).toEqual(["m2147483645", `m${2 ** 31 - 3 + 2 ** 52}`]);
      expect(r).toEqual(once(plain, 2 ** 31 - 3, 2 ** 55, 2 ** 52));
      // Ordinary inputs: the same result and effects as the per-iteration invariant.
      expect(once(versioned, 0, 5, 2)).toEqual({ r: "ok 3", log: ["m0", "m2", "m4"], x: [1, 0, 1, 0] });
      expect(once(plain, 0, 5, 2)).toEqual(once(versioned, 0, 5, 2));
    });

    propTest.prop(
      [fc.oneof(num, big(2 ** 31 - 3, 2 ** 31 - 2, 2 ** 52, 2 ** 53 - 2)), fc.oneof(num, big(2 ** 31 + 5, 2 ** 53, 2 ** 55)), fc.oneof(num, big(2 ** 30, 2 ** 52))],
      { numRuns: 400 },
    )("same outcome as the per-iteration invariant", (start, limit, step) => {
      // Each run its own valueOf objects and log: coercions are effects to compare too.
      const run = (m: ReturnType<typeof mk>) => {
        const coerced: Log = [];
        const r = once(m, buildNum(start, coerced), buildNum(limit, coerced), buildNum(step, coerced));
        return { ...r, coerced };
      };
      expect(run(versioned)).toEqual(run(plain));
    });
  });

  it("a name declared in several scopes resolves to the binding the loop sees", () => {
    const src = `
export function two(a: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s += a[i * n + j]!;
  for (let i = 0; i < n; i++) s += a[i]!;
  return s;
}
`;
    const out = instrument({ source: src, file: "m.ts", obligations: [], mode: "development", entities: [] });
    // the j loop (i from the enclosing loop's head) and the second i loop are versioned; the j
    // loop's length cache is also seeded before the outer loop
    expect((out.js.match(new RegExp(`if \\(\\(typeof [^\\n]*${out.checkParam}\\.rl\\(`, "g")) ?? []).length).toBe(2);
    expect((out.js.match(new RegExp(`${out.checkParam}\\.rl\\(`, "g")) ?? []).length).toBe(3);
  });

  it("a nested versioned loop's length cache is seeded before the outermost loop, only where the receiver is initialised there", () => {
    const src = `
export function grid(x: Float64Array, n: number, m: number): number { let s = 0; for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) s += x[i * m + j]!; return s; }
export function rowLocal(n: number, m: number): number { let s = 0; for (let i = 0; i < n; i++) { const row = new Float64Array(m); row.fill(i); for (let j = 0; j < m; j++) s += row[j]!; } return s; }
export function headBound(n: number, m: number): number { let s = 0; for (let i = 0, h = new Float64Array(m); i < n; i++) for (let j = 0; j < m; j++) s += h[j]! + i; return s; }
export function shadowed(x: Float64Array, n: number): number { let s = 0; for (let i = 0; i < n; i++) { const x = new Float64Array(3); x.fill(i); for (let j = 0; j < 3; j++) s += x[j]!; } return s; }
export function swapped(x: Float64Array, y: Float64Array, n: number): number { let s = 0; for (let i = 0; i < n; i++) { for (let j = 0; j < 4; j++) s += x[j]!; x = y; } return s; }
`;
    const entity = { id: "E", name: "grid", clauses: { preconditions: [], postconditions: [], contractInvariants: [], directInvariants: [] } };
    for (const mode of ["development", "production"] as const) {
      const m = loadEntity(src, entity, [], mode, true);
      expect(m.js).toContain("__anrf_c.rl(");
      const fn = (name: string) => new RegExp(`function ${name}\\([\\s\\S]*?(?=\\nfunction |$)`).exec(m.js)![0];
      const rl = (name: string) => (fn(name).match(/__anrf_c\.rl\(/g) ?? []).length;
      // grid: the seed, then the outer loop; the inner PRE keeps its own cache test
      expect(fn("grid")).toMatch(/__anrf_t\d+ = __anrf_c\.rl\(__anrf_t\d+ = x\);\s*for \(let i = 0/);
      expect(rl("grid")).toBe(2);
      // a row declared in the outer loop, a variable of the outer loop's head: no seed (not in scope there)
      expect(rl("rowLocal")).toBe(1);
      expect(rl("headBound")).toBe(1);
      // a parameter: seeded even where an inner binding shadows it or the loop reassigns it — a miss, never a wrong length
      expect(rl("shadowed")).toBe(2);
      expect(rl("swapped")).toBe(2);
      expect(m.exports["grid"]!(Float64Array.from([1, 2, 3, 4, 5, 6]), 2, 3)).toBe(21);
      expect(() => m.exports["grid"]!(Float64Array.from([1, 2, 3, 4, 5]), 2, 3)).toThrow(/^E\/bounds\/2:\d+ bounds violation/);
      expect(m.exports["rowLocal"]!(3, 2)).toBe(6);
      expect(m.exports["headBound"]!(0, 3)).toBe(0);
      expect(m.exports["headBound"]!(2, 3)).toBe(3);
      expect(m.exports["shadowed"]!(new Float64Array(0), 3)).toBe(9);
      expect(m.exports["swapped"]!(Float64Array.from([1, 1, 1, 1]), Float64Array.from([2, 2, 2, 2]), 3)).toBe(20);
      expect(() => m.exports["swapped"]!(Float64Array.from([1, 1, 1, 1]), Float64Array.from([2, 2, 2]), 2)).toThrow(/^module\/bounds\/6:\d+ bounds violation/);
    }
  });

  it("the swap pattern keeps every check: a getter run by an element read in between can shrink the array", () => {
    // a[j + 1] is checked in the condition and again in the body; merging the second into the
    // first would be unsound: reading a[1] runs the accessor, which shrinks the array to length 1.
    const src = `export function swap(a: number[], j: number): unknown {
  for (let k = 0; k < 1; k++) {
    if (a[j]! > a[j + 1]!) {
      const t = a[j]!;
      a[j] = a[j + 1]!;
      a[j + 1] = t;
    }
  }
  return a.length;
}`;
    const outcome = (mode: RunMode) => {
      const out = instrument({ source: src, file: "m.ts", obligations: [], mode, entities: [] });
      const rt = makeChecks({ specs: out.checks, mode, mounts: [], writable: false, violate: (v) => new Violation(`${v.id} ${JSON.stringify(v.location)} ${v.message}`) });
      const exports: Record<string, (...a: unknown[]) => unknown> = {};
      new Function("exports", "require", "module", out.checkParam, out.js)(exports, () => ({}), { exports }, rt.api);
      const a: number[] = [5, 0];
      Object.defineProperty(a, 1, { get: () => ((a.length = 1), 1), configurable: true });
      try {
        return `ok ${String(exports["swap"]!(a, 0))}`;
      } catch (error) {
        return error instanceof Violation ? error.message : `throws ${String(error)}`;
      }
    };
    const dev = outcome("development");
    expect(dev).toMatch(/^\S+ \{"file":"m\.ts","line":5,"column":14\} bounds violation .*index 1 out of bounds for length 1/);
    expect(dev).toBe(outcome("testing"));
    expect(outcome("production")).toMatch(/"line":5,"column":14/);
  });

  it("both copies carry the same check: one spec per site, never a second one", () => {
    const a = instrument({ source, file: "m.ts", obligations: [], mode: "development", entities: [], hoistLoops: true });
    const b = instrument({ source, file: "m.ts", obligations: [], mode: "development", entities: [], hoistLoops: false });
    expect(a.checks).toEqual(b.checks);
    expect(a.inserted).toBe(b.inserted);
  });
});
