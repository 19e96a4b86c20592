/**
 * The argument check of a call inside the module (`argument` obligations) accepts exactly the
 * values the host's entry check accepts for that type (runtime/guest/arg-shapes.ts `conform`),
 * no more: the callee's proofs rest on either. Property test over any value (boxed primitives,
 * objects with valueOf/toString/Symbol.toPrimitive, proxies, -0, NaN, bigint, symbols, …), for
 * the generic check (`C.arg`, testing mode) and the inline guard the instrumenter emits
 * (development and production), each evaluated in-process with the real check runtime.
 */
import { fc, test as propTest } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { instrument } from "../../runtime/index.js";
import { conform } from "../../runtime/guest/arg-shapes.js";
import { makeChecks } from "../../runtime/guest/checks.js";
import type { RunMode, ViolationData } from "../../runtime/guest/protocol.js";
import type { ArgumentShape, ObligationResult } from "../../verifier/obligation.js";
import { stubHarden } from "./harden-stub.js";

stubHarden();

const SHAPES: readonly ArgumentShape[] = ["number", "string", "boolean"];

const moduleFor = (shape: ArgumentShape): string => `export function callee(x: ${shape}): unknown { return x; }
export function caller(v: any): unknown { return callee(v); }
`;

class Violation extends Error {}

const NO_CLAUSES = { preconditions: [], postconditions: [], contractInvariants: [], directInvariants: [] };

function argumentObligation(source: string, shape: ArgumentShape): ObligationResult {
  const at = source.indexOf("callee(v)") + "callee(".length;
  return {
    id: "ENT-CALLER/argument/2:57",
    entity: "ENT-CALLER",
    kind: "argument",
    status: "unsupported",
    location: { file: "m.ts", line: 2, column: 57 },
    site: { start: at, end: at + 1 },
    description: `argument 1 of the call to callee at 2:50 is a ${shape}: typeof (v) === "${shape}"`,
    reason: "test",
    counterexample: null,
    smt: null,
    source: "static",
    argumentShape: shape,
  };
}

function load(shape: ArgumentShape, mode: RunMode) {
  const source = moduleFor(shape);
  const entities = [
    { id: "ENT-CALLEE", name: "callee", clauses: NO_CLAUSES },
    { id: "ENT-CALLER", name: "caller", clauses: NO_CLAUSES },
  ];
  const out = instrument({ source, file: "m.ts", obligations: [argumentObligation(source, shape)], mode, entities });
  const violations: ViolationData[] = [];
  const rt = makeChecks({ specs: out.checks, mode, mounts: [], writable: false, violate: (v) => (violations.push(v), new Violation(v.message)) });
  const exports: Record<string, (...a: unknown[]) => unknown> = {};
  new Function("exports", "require", "module", out.checkParam, out.js)(exports, () => ({}), { exports }, rt.api);
  return { exports, violations, rt, out };
}

const loaded = new Map(SHAPES.flatMap((shape) => (["testing", "development", "production"] as const).map((mode) => [`${shape}/${mode}`, load(shape, mode)] as const)));

/** Does the instrumented call let `value` through to the callee (and the callee receive it unchanged)? */
function passes(shape: ArgumentShape, mode: RunMode, value: unknown): boolean {
  const m = loaded.get(`${shape}/${mode}`)!;
  const before = m.violations.length;
  try {
    const got = m.exports["caller"]!(value);
    expect(Object.is(got, value)).toBe(true);
    expect(m.violations.length).toBe(before);
    return true;
  } catch (error) {
    // A refusal is always a recorded violation of this obligation, never another error.
    expect(error).toBeInstanceOf(Violation);
    expect(m.violations.length).toBe(before + 1);
    expect(m.violations[before]!.id).toBe("ENT-CALLER/argument/2:57");
    expect(m.violations[before]!.kind).toBe("argument");
    return false;
  }
}

/** Values that are not primitives but convert to one, and other exotic values. */
const exotic = fc.constantFrom<() => unknown>(
  () => new Number(1),
  () => new String("s"),
  () => new Boolean(false),
  () => ({ valueOf: () => 1 }),
  () => ({ toString: () => "s" }),
  () => ({ [Symbol.toPrimitive]: () => true }),
  () => new Proxy({}, {}),
  () => {
    const r = Proxy.revocable({}, {});
    r.revoke();
    return r.proxy;
  },
  () => Object.create(null),
  () => -0,
  () => NaN,
  () => -Infinity,
  () => 10n,
  () => Symbol("s"),
  () => () => 1,
  () => null,
  () => undefined,
  () => [1],
  () => new Uint8Array(1),
);
// Thunks: fast-check inspects what it generates, and a revoked proxy throws on inspection.
const anyValue = fc.oneof(fc.anything({ withBigInt: true, withBoxedValues: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true }).map((v) => () => v), exotic);

/**
 * The entry check's verdict. `conform` describes a refused value with Array.isArray, which throws
 * for a revoked proxy — one that can never reach the entry (arguments arrive as structured
 * clones) — so a throw there is a refusal too.
 */
function entryAccepts(shape: ArgumentShape, value: unknown): boolean {
  try {
    return conform({ k: shape }, value, "x").ok;
  } catch {
    return false;
  }
}

describe("argument checks accept exactly what the entry check accepts", () => {
  for (const shape of SHAPES) {
    for (const mode of ["testing", "development", "production"] as const) {
      propTest.prop([anyValue], { numRuns: 300 })(`${shape}, ${mode}`, (make) => {
        expect(passes(shape, mode, make())).toBe(entryAccepts(shape, make()));
      });
    }
  }

  it("every mode places the check (a proof-less obligation is never left out), inline where checks are inline", () => {
    for (const shape of SHAPES) {
      expect(loaded.get(`${shape}/testing`)!.out.js).toContain(".arg(");
      for (const mode of ["development", "production"] as const) {
        const m = loaded.get(`${shape}/${mode}`)!;
        expect(m.out.js).toContain(`=== "${shape}"`);
        expect(m.out.uncovered).toEqual([]);
        expect(m.out.checks.filter((c) => c.kind === "argument")).toEqual([expect.objectContaining({ id: "ENT-CALLER/argument/2:57", shape })]);
      }
    }
  });

  it("a proved argument obligation has no check in production, and one in development", () => {
    const source = moduleFor("number");
    const proved = { ...argumentObligation(source, "number"), status: "proved" as const };
    const entities = [
      { id: "ENT-CALLEE", name: "callee", clauses: NO_CLAUSES },
      { id: "ENT-CALLER", name: "caller", clauses: NO_CLAUSES },
    ];
    expect(instrument({ source, file: "m.ts", obligations: [proved], mode: "production", entities }).checks.filter((c) => c.kind === "argument")).toEqual([]);
    expect(instrument({ source, file: "m.ts", obligations: [proved], mode: "development", entities }).checks.filter((c) => c.kind === "argument")).toHaveLength(1);
  });

  it("no argument obligation, no argument check (the transformer cannot tell which function a name denotes)", () => {
    const source = moduleFor("number");
    const entities = [
      { id: "ENT-CALLEE", name: "callee", clauses: NO_CLAUSES },
      { id: "ENT-CALLER", name: "caller", clauses: NO_CLAUSES },
    ];
    expect(instrument({ source, file: "m.ts", obligations: [], mode: "development", entities }).checks.filter((c) => c.kind === "argument")).toEqual([]);
  });

  it("a check whose spec names no type accepts nothing (fails closed)", () => {
    const rt = makeChecks({
      specs: [{ id: "x/argument/1:1", kind: "argument", entity: "x", location: { file: "m.ts", line: 1, column: 1 }, description: "argument", status: "unsupported" }],
      mode: "production",
      mounts: [],
      writable: false,
      violate: (v) => new Violation(v.message),
    });
    expect(() => (rt.api as { arg(k: number, v: unknown): unknown }).arg(0, 1)).toThrow(Violation);
  });
});

describe("order at a call with preconditions", () => {
  it("the argument check runs before the callee's precondition clause (which would call valueOf)", () => {
    const source = `export function callee(x: number): unknown { return x; }
export function caller(v: any): unknown { return callee(v); }
`;
    const entities = [
      { id: "ENT-CALLEE", name: "callee", clauses: { ...NO_CLAUSES, preconditions: ["x >= 0"] } },
      { id: "ENT-CALLER", name: "caller", clauses: NO_CLAUSES },
    ];
    for (const mode of ["testing", "development", "production"] as const) {
      const out = instrument({ source, file: "m.ts", obligations: [argumentObligation(source, "number")], mode, entities });
      const violations: ViolationData[] = [];
      const rt = makeChecks({ specs: out.checks, mode, mounts: [], writable: false, violate: (v) => (violations.push(v), new Violation(v.message)) });
      const exports: Record<string, (...a: unknown[]) => unknown> = {};
      new Function("exports", "require", "module", out.checkParam, out.js)(exports, () => ({}), { exports }, rt.api);
      let converted = 0;
      expect(() => exports["caller"]!({ valueOf: () => (converted++, 1) })).toThrow(Violation);
      expect(converted).toBe(0);
      expect(violations.map((v) => v.kind)).toEqual(["argument"]);
      expect(exports["caller"]!(2)).toBe(2);
    }
  });
});
