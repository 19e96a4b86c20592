/**
 * Inline postconditions (instrument-visitor.ts inlinePostconditions: development and
 * production evaluate the clause at each `return` and call the runtime only when it does not
 * hold) report exactly what the generic call `C.post(k, value, (r) => clause)` reports (testing
 * mode): the same first failing clause, id, location, message and values, the same error when a
 * clause throws (valueOf that throws, a Symbol compared, an error whose message getter throws),
 * and the same effects (valueOf calls, `finally` blocks, the order of clause evaluation).
 */
import { fc, test as propTest } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { instrument } from "../../runtime/index.js";
import { makeChecks } from "../../runtime/guest/checks.js";
import type { RunMode, ViolationData } from "../../runtime/guest/protocol.js";
import { stubHarden } from "./harden-stub.js";

stubHarden();

const source = `
export function pick(mode: any, a: any, b: any, log: string[]): unknown {
  log.push("enter");
  if (mode === 0) return a;
  if (mode === 1) { try { return b; } finally { log.push("finally"); } }
  if (mode === 2) return;
  for (let i = 0; i < 3; i++) if (i === mode - 3) return i === 1 ? b : a;
  if (mode === 9) { const __anrf_r = a; return __anrf_r; }
  log.push("end");
}
export const arrow = (a: any, b: any, log: string[]): unknown => (log.push("arrow"), a);
export function ident(a: any): unknown {
  return a;
}
export function twice(mode: any, a: any, b: any, log: string[]): unknown {
  const inner = (x: any): unknown => { if (x === 0) return pick(0, a, b, log); return pick(1, a, b, log); };
  log.push("twice");
  return inner(mode);
}
`;
const clauses = (post: string[]) => ({ preconditions: [], postconditions: post, contractInvariants: [], directInvariants: [] });
const POST = ["result >= 0", "result < len(log) + 3 || result === b"];
const entities = [
  { id: "PICK", name: "pick", clauses: clauses(POST) },
  { id: "ARROW", name: "arrow", clauses: clauses(["result >= 1"]) },
  { id: "TWICE", name: "twice", clauses: clauses(["result !== b"]) },
  // isSafeInteger / isInteger answer int32 Numbers inline first (instrument-visitor.ts), the intrinsic otherwise
  { id: "IDENT", name: "ident", clauses: clauses(["Number.isSafeInteger(result) || result === 0.5", "Number.isInteger(result) || result === 1e300 || result === 2"]) },
];

class Violation extends Error {}

function load(mode: RunMode, inlineChecks?: boolean) {
  const out = instrument({ source, file: "m.ts", obligations: [], mode, entities, inlineChecks });
  expect(out.diagnostics).toEqual([]);
  const violations: ViolationData[] = [];
  const rt = makeChecks({ specs: out.checks, mode, mounts: [], writable: false, violate: (v) => (violations.push(v), new Violation(v.message)) });
  const exports: Record<string, (...a: unknown[]) => unknown> = {};
  new Function("exports", "require", "module", out.checkParam, out.js)(exports, () => ({}), { exports }, rt.api);
  return { exports, violations, js: out.js, checks: out.checks, checkParam: out.checkParam };
}

type V = { k: "num"; v: number } | { k: "prim"; v: unknown } | { k: "valueOf"; v: number } | { k: "throws" } | { k: "hostile" } | { k: "symbol" };
const value: fc.Arbitrary<V> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -3, max: 12 }).map((v) => ({ k: "num" as const, v })) },
  fc.constantFrom<unknown>(-0, NaN, 0.5, Infinity, -Infinity, 2 ** 31, -(2 ** 31), 2 ** 32 + 0.5, 2 ** 53, 2 ** 53 - 1, -(2 ** 53), 1e300, "3", "x", null, undefined, true, 2n, -1n).map((v) => ({ k: "prim" as const, v })),
  fc.integer({ min: -2, max: 8 }).map((v) => ({ k: "valueOf" as const, v })),
  fc.constantFrom({ k: "throws" as const }, { k: "hostile" as const }, { k: "symbol" as const }),
);
const symbol = Symbol("s");
function build(d: V, log: string[]): unknown {
  switch (d.k) {
    case "num":
    case "prim":
      return d.v;
    case "valueOf":
      return { valueOf: () => (log.push(`valueOf ${d.v}`), d.v) };
    case "throws":
      return { valueOf: () => { log.push("valueOf throws"); throw new RangeError("no number"); } };
    case "hostile":
      return {
        valueOf: () => {
          const e = new Error("x");
          Object.defineProperty(e, "message", { get: () => { log.push("message getter"); throw new Error("hostile"); } });
          throw e;
        },
      };
    case "symbol":
      return symbol;
  }
}

function show(v: unknown): string {
  if (typeof v === "number") return Object.is(v, -0) ? "-0" : String(v);
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "symbol") return "symbol";
  if (typeof v === "string") return JSON.stringify(v);
  return v === null || v === undefined ? String(v) : typeof v;
}

type Case = { entry: "pick" | "arrow" | "twice" | "ident"; mode: number; a: V; b: V };
const caseArb: fc.Arbitrary<Case> = fc.record({ entry: fc.constantFrom("pick" as const, "arrow" as const, "twice" as const, "ident" as const), mode: fc.integer({ min: 0, max: 9 }), a: value, b: value });

function run(m: ReturnType<typeof load>, c: Case) {
  const log: string[] = [];
  const before = m.violations.length;
  let result: string;
  try {
    const a = build(c.a, log);
    const b = build(c.b, log);
    const args = c.entry === "arrow" ? [a, b, log] : c.entry === "ident" ? [a] : [c.mode, a, b, log];
    result = `ok ${show(m.exports[c.entry]!(...args))}`;
  } catch (error) {
    result = error instanceof Violation ? `violation ${error.message}` : `throws ${(error as Error)?.constructor?.name}`;
  }
  return { result, log, violations: m.violations.slice(before).map((v) => ({ id: v.id, location: v.location, message: v.message, values: v.values })) };
}

const inline = load("development");
const generic = load("testing");
const prodInline = load("production");
/** Production with the generic call (its messages are the descriptions, without values). */
const prodGeneric = load("production", false);

describe("inline postconditions", () => {
  it("returns are checked inline: no closure and no runtime call unless a clause fails", () => {
    const pick = /function pick\([\s\S]*?(?=\nconst arrow|\nfunction twice|exports\.arrow)/.exec(inline.js)?.[0] ?? "";
    // the returns are inline; only falling off the end (after log.push("end")) keeps the generic call
    expect(pick.slice(0, pick.indexOf(`log.push("end")`))).not.toMatch(/\.post\(/);
    expect((pick.match(/\.post\(/g) ?? []).length).toBe(2);
    expect(pick).toMatch(new RegExp(`${inline.checkParam}\\.pf\\(`));
    // testing mode keeps the generic call (it counts every evaluation)
    expect(generic.js).toMatch(/\.post\(/);
    expect(generic.js).not.toMatch(/\.pf\(/);
    expect(inline.checks).toEqual(generic.checks.map((c) => ({ ...c })));
  });

  propTest.prop([caseArb], { numRuns: process.env["CI"] ? 3000 : 1500 })("same outcome, same violation (id, location, message, values), same effects as C.post", (c) => {
    const g = run(generic, c);
    expect(run(inline, c)).toEqual(g);
    expect(run(prodInline, c)).toEqual(run(prodGeneric, c));
  });

  it("the generated cases fail each clause, throw in clauses, and pass (the property is not vacuous)", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(caseArb, (c) => {
        const r = run(generic, c);
        if (r.result.startsWith("ok")) seen.add("ok");
        else if (r.result.includes("clause threw")) seen.add("threw");
        else if (r.result.startsWith("violation")) seen.add(r.violations[0]!.id.includes("TWICE") ? "twice" : "fails");
      }),
      { numRuns: 500, seed: 7 },
    );
    expect([...seen].sort()).toEqual(["fails", "ok", "threw", "twice"]);
  });

  it("a value whose clause throws is reported with the clause's error, at its return", () => {
    const r = run(inline, { entry: "pick", mode: 0, a: { k: "throws" }, b: { k: "num", v: 0 } });
    expect(r.result).toMatch(/^violation postcondition violation at m\.ts:4:\d+ .*result >= 0 does not hold for result object \(clause threw no number\)/);
    expect(r.log).toEqual(["enter", "valueOf throws"]);
  });
});
