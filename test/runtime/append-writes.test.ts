/**
 * Append by index (issue 12): `d[i] = v` with `i === d.length` on an array the function built is
 * legal JavaScript that appends. The verifier's obligation there is 0 <= i <= length
 * (verifier/extract/append.ts) and it is marked `append`; where it is not proved, the run-time
 * check must accept exactly that — the length itself on a genuine Array — and nothing more: a
 * hole past the end, a proxy, a typed array, a string, and every write whose obligation is the
 * ordinary one (a parameter's array) keep the strict check. Before, the check was strict
 * everywhere, so `fibonacci(10)` stopped with a bounds violation in every mode.
 */
import { fc, test as propTest } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { extractObligations } from "../../verifier/extract/index.js";
import type { ObligationResult } from "../../verifier/obligation.js";
import { instrument } from "../../runtime/index.js";
import { makeChecks } from "../../runtime/guest/checks.js";
import type { CheckSpec, RunMode, ViolationData } from "../../runtime/guest/protocol.js";
import { stubHarden } from "./harden-stub.js";

stubHarden();

const source = `export function fib(n: number): number {
  const memo: number[] = [];
  memo[0] = 0;
  memo[1] = 1;
  for (let i = 2; i <= n; i++) {
    memo[i] = memo[i - 1] + memo[i - 2];
  }
  return memo[n];
}
export function skip(n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out[2 * i] = i;
  return out;
}
export function intoParam(a: number[], i: number): number {
  a[i] = 1;
  return a.length;
}
export function either(a: number[], fresh: boolean, i: number): number {
  const d: number[] = fresh ? [] : a;
  d[i] = 1;
  return d.length;
}
`;
const NAMES = ["fib", "skip", "intoParam", "either"];

/** The module's obligations with nothing proved: every site keeps its check in every mode. */
function obligationsOf(text: string, names: readonly string[]): ObligationResult[] {
  const { obligations: all } = extractObligations({
    documentFile: "doc.anrf.json",
    moduleFile: "m.ts",
    moduleText: text,
    entities: names.map((name) => ({ id: name, name, type: "Function" })),
    contracts: [],
    invariants: [],
    filesystem: "None",
    network: false,
    mounts: [],
  });
  return all.map((o) => ({ ...o, status: "unknown" as const, reason: "not proved (test)", counterexample: null, source: "solver" as const }));
}

function obligations(): ObligationResult[] {
  return obligationsOf(source, NAMES);
}

class Violation extends Error {}

/** A module instrumented with these obligations and loaded with the real check runtime. */
function loadModule(text: string, names: readonly string[], obligationList: readonly ObligationResult[], mode: RunMode, inlineChecks: boolean) {
  const out = instrument({ source: text, file: "m.ts", obligations: [...obligationList], mode, entities: names.map((name) => ({ id: name, name, clauses: { preconditions: [], postconditions: [], contractInvariants: [], directInvariants: [] } })), inlineChecks });
  expect(out.diagnostics).toEqual([]);
  const violations: ViolationData[] = [];
  const rt = makeChecks({ specs: out.checks, mode, mounts: [], writable: false, violate: (v) => (violations.push(v), new Violation(v.message)) });
  const exports: Record<string, (...a: unknown[]) => unknown> = {};
  new Function("exports", "require", "module", out.checkParam, out.js)(exports, () => ({}), { exports }, rt.api);
  return { exports, violations, checks: out.checks, uncovered: out.uncovered, js: out.js };
}

function load(mode: RunMode, inlineChecks: boolean, extra: readonly ObligationResult[] = []) {
  return loadModule(source, NAMES, [...obligations(), ...extra], mode, inlineChecks);
}

describe("append by index: the verifier marks it", () => {
  const byId = new Map(obligations().map((o) => [o.id, o]));
  it("a write to an array the function built is an append obligation (0 <= i <= length); anything else is not", () => {
    expect(byId.get("fib/bounds/6:5")).toMatchObject({ append: true, description: expect.stringContaining("0 <= i <= memo.length") });
    expect(byId.get("fib/bounds/3:3")?.append).toBe(true);
    expect(byId.get("skip/bounds/12:31")?.append).toBe(true);
    // Reads, a parameter's array, and a site one of whose paths writes a parameter's array: strict.
    expect(byId.get("fib/bounds/6:16")?.append).toBeUndefined();
    expect(byId.get("fib/bounds/8:10")?.append).toBeUndefined();
    expect(byId.get("intoParam/bounds/16:3")?.append).toBeUndefined();
    expect(byId.get("either/bounds/21:3")?.append).toBeUndefined();
  });
});

describe.each<[RunMode, boolean]>([
  ["production", true],
  ["development", true],
  ["development", false],
  ["testing", false],
])("append by index at run time (%s, inline checks %s)", (mode, inline) => {
  it("appending at the length runs as JavaScript does", () => {
    const { exports, violations } = load(mode, inline);
    expect(exports["fib"]!(10)).toBe(55);
    expect(exports["fib"]!(1)).toBe(1);
    expect(violations).toEqual([]);
  });

  it("a write past the end (a hole) is still a violation, at its site", () => {
    const { exports, violations } = load(mode, inline);
    expect(exports["skip"]!(1)).toEqual([0]);
    expect(() => exports["skip"]!(2)).toThrow(Violation);
    expect(violations.map((v) => v.id)).toEqual(["skip/bounds/12:31"]);
  });

  it("where the obligation is the ordinary one, the length is still out of bounds", () => {
    const { exports, violations } = load(mode, inline);
    expect(exports["intoParam"]!([5, 6], 1)).toBe(2);
    expect(() => exports["intoParam"]!([5, 6], 2)).toThrow(Violation);
    expect(() => exports["either"]!([5, 6], true, 0)).toThrow(Violation);
    expect(violations.map((v) => v.id)).toEqual(["intoParam/bounds/16:3", "either/bounds/21:3"]);
  });
});

describe("the append check (runtime/guest/checks.ts b)", () => {
  const spec = (append: boolean): CheckSpec => ({ id: "E/bounds/1:1", kind: "bounds", entity: "E", location: { file: "m.ts", line: 1, column: 1 }, description: "test", status: "unknown", ...(append ? { append: true as const } : {}) });
  const rt = makeChecks({ specs: [spec(false), spec(true)], mode: "development", mounts: [], writable: false, violate: (v) => new Violation(v.message) });
  const b = (o: unknown, i: unknown, k: number) => (rt.api as unknown as { b: (o: unknown, i: unknown, k: number) => unknown }).b(o, i, k);
  it("accepts the length only on a genuine Array, only for an append check", () => {
    expect(b([1, 2], 2, 1)).toBe(2);
    expect(b([1, 2], "2", 1)).toBe("2");
    expect(b([], -0, 1)).toBe(-0);
    expect(() => b([1, 2], 2, 0)).toThrow(Violation);
    expect(() => b([1, 2], 3, 1)).toThrow(Violation);
    expect(() => b([1, 2], 2.5, 1)).toThrow(Violation);
    expect(() => b([1, 2], -1, 1)).toThrow(Violation);
    expect(() => b([1, 2], NaN, 1)).toThrow(Violation);
    expect(() => b(new Proxy([1, 2], {}), 2, 1)).toThrow(Violation);
    expect(() => b(new Int32Array(2), 2, 1)).toThrow(Violation);
    expect(() => b("ab", 2, 1)).toThrow(Violation);
    // In bounds is in bounds either way.
    expect(b([1, 2], 1, 0)).toBe(1);
    expect(b(new Int32Array(2), 1, 1)).toBe(1);
  });
});

/** An invariant obligation at fib's loop, as the verifier reports one (`inferred`: Houdini's). */
function loopInvariant(id: string, clause: string, status: ObligationResult["status"], inferred: boolean): ObligationResult {
  const loop = source.indexOf("for (let i = 2");
  return {
    id,
    entity: "fib",
    kind: "invariant",
    status,
    location: { file: "m.ts", line: 5, column: 3 },
    site: { start: loop, end: source.indexOf("return memo[n]") - 3 },
    description: `${inferred ? "inferred " : ""}loop invariant ${clause}`,
    clause,
    reason: "test",
    counterexample: null,
    smt: null,
    source: "solver",
    ...(inferred ? { inferred: true as const } : {}),
  };
}

describe("inferred invariants that name the verifier's ghosts", () => {
  // Houdini's `len(memo) >= __anrf_len0_memo` (the length on loop entry) at fib's loop: the run
  // holds no such value. Before, development mode evaluated it against undefined and stopped.
  const ghost = (status: ObligationResult["status"]): ObligationResult => loopInvariant("fib/invariant/5:3#2", "len(memo) >= __anrf_len0_memo", status, true);
  it("are not placed: the run goes on in every mode; unproved, they are reported uncovered", () => {
    const site = ghost("proved").site;
    expect(source.slice(site.start, site.end)).toMatch(/^for \(let i = 2[^]*\}$/);
    for (const mode of ["development", "testing", "production"] as const) {
      const proved = load(mode, mode !== "testing", [ghost("proved")]);
      expect(proved.exports["fib"]!(10)).toBe(55);
      expect(proved.violations).toEqual([]);
      expect(proved.uncovered.filter((u) => u.includes("invariant"))).toEqual([]);
      const open = load(mode, mode !== "testing", [ghost("unknown")]);
      expect(open.exports["fib"]!(10)).toBe(55);
      expect(open.uncovered.some((u) => u.startsWith("fib/invariant/5:3#2"))).toBe(true);
    }
  });
});

describe("inferred invariants in development and testing", () => {
  // A proved inferred invariant is the verifier's lemma, not a clause of the document:
  // development leaves it out (a quantified one costs a pass over the array per iteration),
  // testing evaluates it (the differential check of the verifier). Here it is deliberately
  // false at run time, so evaluating it shows as a violation.
  const lemma = (status: ObligationResult["status"], inferred: boolean): ObligationResult => loopInvariant("fib/invariant/5:3#3", "forall(q, 0, i, memo[q] < 0)", status, inferred);
  const placed = (r: ReturnType<typeof load>) => r.checks.filter((c) => c.id === "fib/invariant/5:3#3").length;
  it("development leaves out a proved inferred invariant; testing evaluates it", () => {
    const dev = load("development", true, [lemma("proved", true)]);
    expect(placed(dev)).toBe(0);
    expect(dev.exports["fib"]!(10)).toBe(55);
    expect(dev.violations).toEqual([]);
    const testing = load("testing", false, [lemma("proved", true)]);
    expect(placed(testing)).toBe(1);
    expect(() => testing.exports["fib"]!(10)).toThrow(Violation);
    expect(testing.violations.map((v) => v.id)).toEqual(["fib/invariant/5:3#3"]);
  });
  it("development still evaluates an invariant that is not inferred, or not proved", () => {
    for (const o of [lemma("proved", false), lemma("unknown", true)]) {
      const dev = load("development", true, [o]);
      expect(placed(dev)).toBe(1);
      expect(() => dev.exports["fib"]!(10)).toThrow(Violation);
    }
  });
});

/**
 * Appending writes in loop copies: an array the function built is a genuine non-proxy array, so
 * a loop can establish that once (`C.pa`) and, where the index is integer arithmetic, run an
 * integer copy whose appending write has the reduced guard `j >= 0 && j < length ? j : C.b(…)`.
 * Every failure goes to `b`, which accepts the length for an append check — so the outcome must
 * be the generic check's for every input: appends, holes past the end, bounds that are
 * fractions, NaN, strings or beyond int32.
 */
describe("appending writes in integer loop copies decide as the generic check", () => {
  const loopSource = `export function build(n: number, skipAt: number, log: string[]): number[] {
  const d: number[] = [];
  let k = 0;
  for (let i = 0; i < n; i++) {
    d[k] = i;
    log.push(i + ":" + d.length);
    if (i === skipAt) k++;
    k++;
  }
  return d;
}
export function scan(n: number, log: string[]): number[] {
  const d: number[] = [];
  let k = 0;
  while (k < n) {
    d[k] = k;
    if (k > 0) d[k - 1] = d[k]! + 1;
    log.push(k + ":" + d.length);
    k++;
  }
  return d;
}
export function alt(n: number, log: string[]): number[] {
  const d: number[] = [];
  let k = 0;
  while (k < n) {
    d[k] = k;
    log.push(k + ":" + d.length);
    k += k === 2 ? 2 : 1;
  }
  return d;
}
`;
  const names = ["build", "scan", "alt"];
  const all = obligationsOf(loopSource, names);
  const loadLoop = (mode: RunMode, inlineChecks: boolean) => loadModule(loopSource, names, all, mode, inlineChecks);
  const inline = loadLoop("development", true);
  const generic = loadLoop("development", false);
  const prodInline = loadLoop("production", true);
  const prodGeneric = loadLoop("production", false);

  it("the writes are append obligations and take the reduced guard in the integer copy", () => {
    expect(all.filter((o) => o.kind === "bounds" && o.append === true).map((o) => o.id)).toEqual(["build/bounds/5:5", "scan/bounds/16:5", "scan/bounds/17:16", "alt/bounds/27:5"]);
    const fn = (name: string) => new RegExp(`function ${name}\\([\\s\\S]*?(?=\\nfunction |$)`).exec(inline.js)![0];
    // alt's k is stepped by a conditional (not integer arithmetic): no integer copy, but the
    // array test before the loop — the known-array guard, whose failures go to C.b
    expect(fn("alt")).toMatch(/\.pa\(d\)/);
    expect(fn("alt")).toMatch(/typeof \(__anrf_t\d+ = k\) === "number" && __anrf_t\d+ >= 0 && __anrf_t\d+ && __anrf_t\d+ < \(__anrf_t\d+ = d\.length\) && \(__anrf_t\d+ \| 0\) === __anrf_t\d+ \? __anrf_t\d+ : __anrf_c\.b\(d, /);
    expect(() => inline.exports["alt"]!(5, [])).toThrow(Violation);
    expect(inline.exports["alt"]!(3, [])).toEqual([0, 1, 2]);
    for (const name of ["build", "scan"]) {
      expect(fn(name)).toMatch(/\.pa\(d\)/);
      // d[…] = … in the integer copy: `(j = I) >= 0 && j < (n = d.length) ? j : C.b(d, j, k)`
      expect(fn(name)).toMatch(/\n\s*d\[\(\(__anrf_t\d+ = k\) >= 0 && __anrf_t\d+ < \(__anrf_t\d+ = d\.length\) \? __anrf_t\d+ : __anrf_c\.b\(d, /);
    }
    // a hole past the end is still a violation, at its site; an append at the length is not
    const log: string[] = [];
    expect(() => inline.exports["build"]!(4, 1, log)).toThrow(Violation);
    expect(log).toEqual(["0:1", "1:2"]);
    expect(inline.exports["scan"]!(3, [])).toEqual([2, 3, 2]);
  });

  const outcome = (m: ReturnType<typeof loadLoop>, name: string, n: unknown, skipAt: unknown) => {
    const log: string[] = [];
    const before = m.violations.length;
    try {
      const value = name === "build" ? m.exports[name]!(n, skipAt, log) : m.exports[name]!(n, log);
      return { value: JSON.stringify(value), log, violations: m.violations.slice(before).map((v) => v.id) };
    } catch (err) {
      return { thrown: `${(err as Error).constructor.name} ${(err as Error).message}`, log, violations: m.violations.slice(before).map((v) => v.id) };
    }
  };
  // n bounds the loop (so no Infinity); skipAt may be anything
  const bound = fc.oneof(fc.integer({ min: -2, max: 7 }), fc.constantFrom(-0, 0.5, 2.5, NaN, -Infinity, "3"));
  const any = fc.oneof(bound, fc.constantFrom(Infinity, 2 ** 31, 2 ** 53, "1"));
  propTest.prop([fc.constantFrom("build", "scan", "alt"), bound, any], { numRuns: process.env["CI"] ? 1200 : 500 })("same value or violation (id, message) and the same effects as the generic check", (name, n, skipAt) => {
    expect(outcome(inline, name, n, skipAt)).toEqual(outcome(generic, name, n, skipAt));
    expect(outcome(prodInline, name, n, skipAt)).toEqual(outcome(prodGeneric, name, n, skipAt));
  });
});
