/**
 * Arrays a function owns (runtime/host/instrument-owned.ts) as receivers of versioned loops:
 * one range check before the loop, also for the rows of a table the function built. The
 * analysis must refuse every array that other code can reach, and the versioned loop must
 * decide exactly as the per-iteration checks: the same module instrumented with hoisting and
 * without it, in each mode (development, production without proofs, testing: the generic call
 * at every site), gives the same value or violation (id and message) and the same observable
 * effects on generated tables, loop bounds and offsets — including jagged rows, holes, −0,
 * NaN, fractions, strings, a prototype swapped in by the module and appends by index.
 */
import { fc, test as propTest } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { ts } from "ts-morph";
import { instrument } from "../../runtime/index.js";
import { makeChecks } from "../../runtime/guest/checks.js";
import { ownedArrays, steadyLength } from "../../runtime/host/instrument-owned.js";
import { planLoop } from "../../runtime/host/instrument-hoist.js";
import type { RunMode } from "../../runtime/guest/protocol.js";
import { stubHarden } from "./harden-stub.js";

stubHarden();

const source = String.raw`
export function table(rows: number[], a: any, b: any, off: any, cb: (i: any) => void, log: string[]): unknown {
  const t: number[][] = [];
  for (let r = 0; r < rows.length; r++) t.push(new Array<number>(rows[r]!).fill(r));
  let s = 0;
  for (let r = 1; r < t.length; r++) {
    for (let j = a; j < b; j++) {
      s += t[r]![j]! + t[r - 1]![j + off]!;
      t[r]![j] = s % 7;
      log.push(r + ":" + j);
      cb(j);
    }
  }
  return s;
}
export function fromTable(rows: any, cols: any, a: any, b: any, cb: (i: any) => void, log: string[]): unknown {
  const t = Array.from({ length: rows }, () => new Array<number>(cols).fill(2));
  let s = 0;
  for (let r = 0; r < t.length; r++) {
    for (let j = a; j < b; j++) { s += t[r]![j]!; t[r]![j] = j; cb(j); log.push(r + "/" + j); }
  }
  return s;
}
export function appendThenScan(n: any, a: any, b: any, cb: (i: any) => void, log: string[]): unknown {
  const d: number[] = [];
  for (let i = 0; i < n; i++) d[i] = i * 2;
  let s = 0;
  for (let i = a; i < b; i++) { s += d[i]! - d[i + 1]!; d[i] = s; cb(i); log.push("v" + i); }
  return s;
}
export function growsInLoop(n: any, b: any, cb: (i: any) => void, log: string[]): unknown {
  const d = new Array<number>(n).fill(1);
  let s = 0;
  for (let i = 0; i < b; i++) { s += d[i]!; if (i % 3 === 0) d.push(i); cb(i); log.push("g" + i); }
  return s;
}
export function shrinkByKey(n: any, b: any, at: any, row: any, cb: (i: any) => void, log: string[]): unknown {
  const d = new Array<number>(n).fill(1);
  const t = [new Array<number>(n).fill(2)];
  let s = 0;
  for (let i = 0; i < b; i++) {
    s += d[i]! + t[0]![i]!;
    if (i === at) {
      if (row) (t[0] as any)["length"] = 1;
      else (d as any)["length"] = 1;
    }
    cb(i);
    log.push("k" + i);
  }
  return s;
}
export function protoSwap(cells: any, a: any, b: any, cb: (i: any) => void, log: string[]): unknown {
  const t: number[][] = [new Array<number>(cells)];
  const evil: object = {};
  for (let k = 0; k < 4; k++) {
    Object.defineProperty(evil, k, { get() { log.push("getter " + k); (this as number[]).length = 0; return k; } });
  }
  // A string key is no bounds site: the row's prototype becomes evil, whose getters get the row as \`this\`.
  (t[0] as any)["__proto__"] = evil;
  let s = 0;
  for (let j = a; j < b; j++) { s += t[0]![j] ?? 100; cb(j); log.push("p" + j); }
  return s;
}
export function protoSwapFlat(cells: any, a: any, b: any, cb: (i: any) => void, log: string[]): unknown {
  const d = new Array<number>(cells);
  const evil: object = {};
  for (let k = 0; k < 4; k++) {
    Object.defineProperty(evil, k, { get() { log.push("getter " + k); (this as number[]).length = 1; return k; } });
  }
  (d as any)["__proto__"] = evil;
  let s = 0;
  for (let j = a; j < b; j++) { s += d[j] ?? 100; cb(j); log.push("q" + j); }
  return s;
}
export function leakedRow(rows: number[], a: any, b: any, cb: (i: any) => void, log: string[]): unknown {
  const t: number[][] = [];
  for (let r = 0; r < rows.length; r++) t.push(new Array<number>(rows[r]!).fill(1));
  kept = t[0];
  let s = 0;
  for (let j = a; j < b; j++) { s += t[0]![j]!; cb(j); log.push("l" + j); }
  return s;
}
export function steadyScan(n: any, qs: any[], at: any, how: any, cb: (i: any) => void, log: string[]): unknown {
  const p = new Array<number>(n).fill(3);
  const d = new Array<number>(n);
  for (let k = 0; k < n; k++) d[k] = k;
  let s = 0;
  for (let q = 0; q < qs.length; q++) {
    const i = qs[q];
    s += p[i]! * 2 + p[i + 1]! + d[i]!;
    if (q === at) {
      // Changes of length inside the loop: p's length is then not one for the loop.
      if (how === 1) (p as any)["length"] = 1;
      else if (how === 2) p.push(9);
      else if (how === 3) p[n + 1] = 1;
    }
    cb(i);
    log.push("s" + i);
  }
  return s;
}
let kept: number[] | undefined;
export function shrinkKept(): void { if (kept !== undefined) kept.length = 1; }
`;

const ENTRIES = ["table", "fromTable", "appendThenScan", "growsInLoop", "shrinkByKey", "protoSwap", "protoSwapFlat", "leakedRow", "steadyScan"] as const;
class Violation extends Error {}

function load(mode: RunMode, hoistLoops: boolean, inlineChecks?: boolean) {
  const out = instrument({ source, file: "m.ts", obligations: [], mode, entities: [], hoistLoops, inlineChecks });
  expect(out.diagnostics).toEqual([]);
  const rt = makeChecks({ specs: out.checks, mode, mounts: [], writable: false, violate: (v) => new Violation(`${v.id} ${v.message}`) });
  const exports: Record<string, (...a: unknown[]) => unknown> = {};
  new Function("exports", "require", "module", out.checkParam, out.js)(exports, () => ({}), { exports }, rt.api);
  return { exports, js: out.js, executed: rt.executed };
}

const variants = {
  development: load("development", true),
  developmentPlain: load("development", false),
  production: load("production", true),
  productionPlain: load("production", false),
  testing: load("testing", true),
  testingPlain: load("testing", false),
  // The generic call `C.b` at every site, no loop planning at all (the reference for guards that
  // rely on a loop-wide fact such as a length read once before the loop).
  developmentGeneric: load("development", false, false),
  productionGeneric: load("production", false, false),
};

/** Value or error (class and message: a violation names its check id), and every logged effect. */
function outcome(variant: keyof typeof variants, entry: (typeof ENTRIES)[number], args: (log: string[]) => unknown[]): string {
  const log: string[] = [];
  const m = variants[variant];
  try {
    const v = m.exports[entry]!(...args(log));
    return JSON.stringify({ v: String(v), log });
  } catch (e) {
    return JSON.stringify({ e: `${(e as Error).constructor.name}: ${(e as Error).message}`, log });
  }
}

const SCALARS = [0, 1, 2, 3, 5, 7, -1, -0, 0.5, 2.5, NaN, Infinity, -Infinity, 2 ** 31 - 1, 2 ** 31, "1", "x", undefined, null] as const;
const scalar = fc.oneof(fc.integer({ min: -3, max: 9 }), fc.constantFrom(...SCALARS));
const rows = fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 5 });

/** The function `k` of a module made of `prelude` and `export function k(): unknown { BODY return R; }`. */
function functionK(prelude: string, body: string, result = "0"): ts.FunctionDeclaration {
  const m = ts.createSourceFile("c.ts", `${prelude}\nexport function k(): unknown { ${body} return ${result}; }`, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  return m.statements.find((s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === "k")!;
}

describe("owned arrays (instrument-owned.ts)", () => {
  const sf = ts.createSourceFile("m.ts", source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const fn = (name: string) => sf.statements.find((s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === name)!;
  // Local arrays (claimed parameters: test/runtime/claimed-params.test.ts).
  const owned = (name: string) => Object.fromEntries([...ownedArrays(fn(name))].filter(([, v]) => v.claim === undefined).map(([k, v]) => [k, v.rows]));

  it("owns what only the function reaches, rows too when they never leave it", () => {
    expect(owned("table")).toEqual({ t: true });
    expect(owned("fromTable")).toEqual({ t: true });
    // Arrays of numbers: owned; their elements are no rows.
    expect(owned("appendThenScan")).toEqual({ d: false });
    expect(owned("growsInLoop")).toEqual({ d: false });
    expect(owned("shrinkByKey")).toEqual({ d: false, t: true });
    expect(owned("protoSwap")).toEqual({ t: true });
    expect(owned("protoSwapFlat")).toEqual({ d: false });
    // A row stored in a module variable: the table is still the function's, its rows are not.
    expect(owned("leakedRow")).toEqual({ t: false });
  });

  it("refuses every array other code can reach or whose use it does not know", () => {
    const cases: Record<string, boolean> = {
      "const x = [1, 2]; f(x);": false,
      "const x = [1, 2]; return x;": false,
      "const x = [1, 2]; const y = x;": false,
      "const x = [1, 2]; const g = () => x[0];": false,
      "const x = [1, 2]; x.slice();": false,
      "const x = [1, 2]; for (const v of x) f(v);": false,
      "const x = [1, 2]; x.length = 0;": false,
      "const x = [1, 2]; x[0]!();": false,
      "const x = [1, 2]; delete x[0];": false,
      "let x = [1, 2]; x = [3];": false,
      "const x = g(); x[0] = 1;": false,
      "const x = [...h]; x[0] = 1;": false,
      "const x = h.fill(0); x[0] = 1;": false,
      "const x = [1, 2]; x[0] = 3; x.push(4); const n = x.length + x[1]!;": true,
      "const x = new Array(3); [x[0], x[1]] = [1, 2];": true,
      "const x = Array(3).fill(0); x[1]++;": true,
    };
    for (const [body, expected] of Object.entries(cases)) {
      expect(ownedArrays(functionK("declare const h: number[]; declare function f(x: unknown): void; declare function g(): number[];", body)).has("x"), body).toBe(expected);
    }
    // Array.from builds a fresh array only from `{ length: n }` (an iterable or other properties: not owned).
    for (const [body, expected] of [
      ["const x = Array.from({ length: 3 }); x[0] = 1;", true],
      ["const x = Array.from(h); x[0] = 1;", false],
      ["const x = Array.from({ length: 3, 0: h }); x[0] = 1;", false],
      ["const x = Array.from({ length: 3 }, f, h); x[0] = 1;", false],
    ] as const) {
      expect(ownedArrays(functionK("declare const h: any; declare function f(x: unknown): void;", body)).has("x"), body).toBe(expected);
    }
    // A module with its own `Array`: `new Array(n)` may be anything.
    const shadowed = ts.createSourceFile("s.ts", "const Array = globalThis.Array;\nexport function k(): number { const x = new Array<number>(2); x[0] = 1; return x[0]!; }", ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    expect(ownedArrays(shadowed.statements[1] as ts.FunctionDeclaration).size).toBe(0);
  });

  it("owns rows only where every element that can be an array is a fresh one", () => {
    const cases: Record<string, boolean> = {
      "const x: any[] = []; x.push(new Array(3).fill(0)); x[0][1] = 2;": true,
      "const x: any = new Array(n + 1); x[0] = [1]; x[0][0] = 2;": true,
      "const x: any = new Array(h.length); x[0] = [1];": false, // h.length may be anything: then it is x[0]
      "const x: any = new Array(g()).fill(0);": true, // fill(v) overwrites every element
      "const x: any = new Array(g()).fill(0, 1);": false, // …but not x[0] here
      "const x: any = new Array(2).fill(0, 1);": true,
      "const x: any[] = [h]; x[0][0] = 1;": false,
      "const x: any[] = []; x.push(h); x[0][0] = 1;": false,
      "const x: any[] = [[1]]; const r = x[0]; r[0] = 2;": false, // a row read into a variable leaves x
      "const x: any[] = [[1]]; x[0] += 1;": false,
      "const x = Array.from({ length: n }, () => new Array(3).fill(0)); x[0]![1] = 2;": true,
      "const x: any = Array.from({ length: n }, () => h); x[0][0] = 1;": false, // owned, rows not
      "const x: any = Array.from({ length: n }, (_, i) => { return [i]; }); x[0][0] = 1;": false,
      "const x: any = Array.from({ length: n }); x[0] = [1]; x[0][0] = 2;": true,
    };
    for (const [body, expected] of Object.entries(cases)) {
      expect(ownedArrays(functionK("declare const h: any; declare const n: number; declare function g(): any;", body)).get("x")?.rows, body).toBe(expected);
    }
  });

  it("knows a length steady through a loop only for a local it owns that the loop never writes or pushes", () => {
    const cases: Record<string, boolean> = {
      "const x = new Array(n).fill(0); for (let q = 0; q < n; q++) s += x[q]!;": true,
      "const x = [1, 2]; for (let q = 0; q < n; q++) { s += x[q]!; for (let r = 0; r < q; r++) s += x[r]!; }": true,
      "const x = new Array(n).fill(0); for (let q = 0; q < n; q++) { s += x[q]!; x.push(q); }": false,
      "const x = new Array(n).fill(0); for (let q = 0; q < n; q++) { s += x[q]!; x[q] = s; }": false,
      "const x = new Array(n).fill(0); for (let q = 0; q < n; q++) { s += x[q]!; for (let r = 0; r < q; r++) x[r]++; }": false,
      "const x: any = new Array(n).fill(0); for (let q = 0; q < n; q++) { s += x[q]!; x[\"length\"] = 0; }": false,
      "const x = new Array(n).fill(0); for (let q = 0; x.push(q) < n; q++) s += x[q]!;": false,
      "const x = new Array(n).fill(0); f(x); for (let q = 0; q < n; q++) s += x[q]!;": false, // not owned
      // The loop's x is the module's (which f may shrink), not the owned one of the inner block.
      "{ const x = [1, 2]; x[0] = 3; } for (let q = 0; q < n; q++) { s += x[q]!; f(0); }": false,
    };
    for (const [body, expected] of Object.entries(cases)) {
      const k = functionK("declare const n: number; declare function f(x: unknown): void; declare const x: number[];", `let s = 0; ${body}`, "s");
      let loop: ts.IterationStatement | undefined;
      const walk = (n: ts.Node): void => {
        if (loop === undefined && ts.isIterationStatement(n, false)) loop = n;
        else ts.forEachChild(n, walk);
      };
      walk(k);
      expect(steadyLength("x", loop!, k), body).toBe(expected);
    }
    // A claimed parameter is owned only in some calls: never steady this way (its length has its own prologue constant).
    const m = ts.createSourceFile("p.ts", "export function k(x: number[], n: number): number { let s = 0; for (let q = 0; q < n; q++) s += x[q]!; return s; }", ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const k = m.statements[0] as ts.FunctionDeclaration;
    expect(ownedArrays(k).get("x")?.claim).toBe(0);
    expect(steadyLength("x", (k.body!.statements[1] as ts.ForStatement), k)).toBe(false);
  });

  it("plans rows as receivers only while the loop writes them at hoisted sites and never writes or pushes the table", () => {
    const loops: ts.ForStatement[] = [];
    const walk = (n: ts.Node): void => {
      if (ts.isForStatement(n)) loops.push(n);
      ts.forEachChild(n, walk);
    };
    walk(fn("table"));
    const inner = loops.find((l) => l.initializer!.getText(sf) === "let j = a")!;
    const plan = planLoop({ loop: inner, sf, kindOf: () => "array", checked: () => true, alreadyHoisted: new Set(), stringIndexers: new Set() })!;
    expect(plan.rows.map((r) => r.key).sort()).toEqual(["t[(r - 1)]", "t[r]"]);
    // The same loop with t[r][j] = … as an appending write that the plan may not hoist: the rows are written elsewhere.
    const noAppend = planLoop({ loop: inner, sf, kindOf: () => "array", checked: (s) => !s.getText(sf).startsWith("t[r]![j]"), appending: () => false, alreadyHoisted: new Set(), stringIndexers: new Set() });
    expect(noAppend?.rows ?? []).toEqual([]);
    // A push in the loop: the array keeps its per-iteration checks.
    const grows: ts.ForStatement[] = [];
    const walk2 = (n: ts.Node): void => {
      if (ts.isForStatement(n)) grows.push(n);
      ts.forEachChild(n, walk2);
    };
    walk2(fn("growsInLoop"));
    expect(planLoop({ loop: grows[0]!, sf, kindOf: () => "array", checked: () => true, alreadyHoisted: new Set(), stringIndexers: new Set() })).toBeUndefined();
  });

  it("runs the table's inner loop without per-iteration checks (counted in testing mode with hoisting)", () => {
    const count = (hoistLoops: boolean) => {
      const out = instrument({ source, file: "m.ts", obligations: [], mode: "testing", entities: [], hoistLoops });
      const rt = makeChecks({ specs: out.checks, mode: "testing", mounts: [], writable: false, violate: (v) => new Violation(v.message) });
      const exports: Record<string, (...a: unknown[]) => unknown> = {};
      new Function("exports", "require", "module", out.checkParam, out.js)(exports, () => ({}), { exports }, rt.api);
      exports["table"]!([40, 40, 40, 40], 0, 39, 1, () => undefined, []);
      return rt.executed();
    };
    const plain = count(false);
    const hoisted = count(true);
    // 3 rows × 39 columns × 5 sites per iteration without hoisting; the fast copies check nothing.
    expect(plain).toBeGreaterThan(3 * 39 * 5);
    expect(hoisted).toBeLessThan(plain / 4);
  });
});

describe("versioned loops over owned arrays decide as the per-iteration checks", () => {
  it("the rows of an Array.from table are range-checked before the inner loop (the property below is not vacuous)", () => {
    const fn = /function fromTable\([\s\S]*?(?=\nfunction |$)/.exec(variants.development.js)![0];
    expect(fn).toMatch(/\.al\(t\[__anrf_t\d+\]\)/);
  });

  it("reads an owned array's length once before a loop that cannot change it, and never for one it can (the steadyScan property is not vacuous)", () => {
    for (const mode of ["development", "production"] as const) {
      const fn = /function steadyScan\([\s\S]*?(?=\nfunction |$)/.exec(variants[mode].js)![0];
      // d is only read in the query loop; p is written, pushed and shortened there.
      expect(fn, mode).toMatch(/__anrf_t\d+ = __anrf_c\.al\(d\)/);
      expect(fn, mode).not.toMatch(/\.al\(p\)/);
    }
  });

  // Each mode with hoisting against the same mode without (messages differ between modes).
  const same = (entry: (typeof ENTRIES)[number], args: (log: string[]) => unknown[]) => {
    for (const mode of ["development", "production", "testing"] as const) expect(outcome(mode, entry, args), mode).toBe(outcome(`${mode}Plain`, entry, args));
    // Against the generic call: the same site and message. (Without the verifier's obligations a
    // check's id is synthesized from its line:column, and two sites that start at one place —
    // `t[0]` in `t[0][j]` — are told apart by the order the instrumenter decides them in, which
    // loop planning changes: the `#n` of such an id is left out of this comparison.)
    const site = (o: string) => o.replace(/(\/bounds\/\d+:\d+)#\d+/g, "$1");
    for (const mode of ["development", "production"] as const) expect(site(outcome(mode, entry, args)), `${mode}, generic`).toBe(site(outcome(`${mode}Generic`, entry, args)));
  };

  propTest.prop([rows, scalar, scalar, scalar, fc.integer({ min: -1, max: 12 })], { numRuns: 300 })("table", (r, a, b, off, stopAt) => {
    same("table", (log) => [r, a, b, off, (j: unknown) => (j === stopAt ? log.push("cb") : undefined), log]);
  });

  propTest.prop([fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 6 }), scalar, scalar], { numRuns: 200 })("fromTable: rows from Array.from with a callback", (rowCount, cols, a, b) => {
    same("fromTable", (log) => [rowCount, cols, a, b, () => undefined, log]);
  });

  propTest.prop([scalar, scalar, scalar], { numRuns: 300 })("appendThenScan", (n, a, b) => {
    same("appendThenScan", (log) => [n, a, b, () => undefined, log]);
  });

  propTest.prop([fc.integer({ min: 0, max: 6 }), scalar], { numRuns: 200 })("growsInLoop", (n, b) => {
    same("growsInLoop", (log) => [n, b, () => undefined, log]);
  });

  propTest.prop([fc.integer({ min: 0, max: 6 }), scalar, fc.integer({ min: -1, max: 6 }), fc.boolean()], { numRuns: 200 })("shrinkByKey: a write with the key \"length\" in the loop", (n, b, at, row) => {
    same("shrinkByKey", (log) => [n, b, at, row, () => undefined, log]);
  });

  propTest.prop([fc.integer({ min: 0, max: 6 }), scalar, scalar], { numRuns: 200 })("protoSwap: a prototype with index getters, swapped in before the loop", (cells, a, b) => {
    same("protoSwap", (log) => [cells, a, b, () => undefined, log]);
  });

  propTest.prop([fc.integer({ min: 0, max: 6 }), scalar, scalar], { numRuns: 200 })("protoSwapFlat: the same on the owned array itself", (cells, a, b) => {
    same("protoSwapFlat", (log) => [cells, a, b, () => undefined, log]);
  });

  propTest.prop([fc.integer({ min: 0, max: 6 }), fc.array(fc.oneof(fc.integer({ min: 0, max: 6 }), scalar), { maxLength: 6 }), fc.integer({ min: -1, max: 5 }), fc.integer({ min: 0, max: 3 })], {
    numRuns: 300,
    // Each way the loop changes p's length, then an index that was in range before the change.
    examples: [
      [4, [0, 1, 2], 0, 1],
      [4, [0, 3, 4], 0, 2],
      [4, [0, 3, 5], 0, 3],
    ],
  })(
    "steadyScan: data-dependent indices against a length read before the loop, and every way the loop can change it",
    (n, qs, at, how) => {
      same("steadyScan", (log) => [n, qs, at, how, () => undefined, log]);
    },
  );

  propTest.prop([rows, scalar, scalar, fc.integer({ min: -1, max: 6 })], { numRuns: 200 })("leakedRow: other code shrinks a row during the loop", (r, a, b, at) => {
    same("leakedRow", (log) => [r, a, b, (j: unknown) => (j === at ? shrinkAll() : undefined), log]);
  });
});

/** shrinkKept in every variant's module (each call runs in one of them; the row it shrinks is that module's). */
function shrinkAll(): void {
  for (const m of Object.values(variants)) m.exports["shrinkKept"]!();
}
