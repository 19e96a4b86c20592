/**
 * Instrumentation (pure): which sites get checks, from which verdicts, in which mode.
 */
import { fc, test as propTest } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { instrument } from "../../runtime/index.js";
import type { ObligationResult, ObligationStatus } from "../../verifier/obligation.js";

const noClauses = { preconditions: [], postconditions: [], contractInvariants: [], directInvariants: [] };

function obligation(kind: ObligationResult["kind"], source: string, snippet: string, status: ObligationStatus, extra: Partial<ObligationResult> = {}): ObligationResult {
  const start = source.indexOf(snippet);
  if (start < 0) throw new Error(`snippet ${snippet} not in source`);
  return {
    id: `E/${kind}/${start}`,
    entity: "E",
    kind,
    status,
    location: { file: "m.ts", line: 1, column: start + 1 },
    site: { start, end: start + snippet.length },
    description: `${kind} at ${snippet}`,
    reason: status,
    counterexample: null,
    smt: null,
    ...extra,
  };
}

const countChecks = (js: string, method: string) => (js.match(new RegExp(`__anrf_c\\.${method}\\(`, "g")) ?? []).length;

describe("instrumentation", () => {
  const source = "export function f(a: number[], i: number): number { return a[i] + a[0]; }";

  it("production leaves out exactly the check whose site has a proved obligation", () => {
    const obligations = [obligation("bounds", source, "a[i]", "refuted"), obligation("bounds", source, "a[0]", "proved")];
    const out = instrument({ source, file: "m.ts", obligations, mode: "production", entities: [{ id: "E", name: "f", clauses: noClauses }] });
    expect(out.inserted).toBe(1);
    expect(out.skippedByProof).toBe(1);
    expect(out.checks[0]!.id).toBe(obligations[0]!.id);
    expect(countChecks(out.js, "b")).toBe(1);
    // The kept check is an inline guard whose slow path is the generic check of that index.
    expect(out.js).toMatch(/a\[\(typeof \((__anrf_t\d+) = i\) === "number" && .* : __anrf_c\.b\(a, \1, 0\)\)\] \+ a\[0\]/);
    // Testing mode (counting) calls the generic check at every site.
    const testing = instrument({ source, file: "m.ts", obligations, mode: "testing", entities: [] });
    expect(testing.js).toContain("a[__anrf_c.b(a, i, 0)] + a[__anrf_c.b(a, 0, 1)]");
  });

  it("development and testing keep every check, proved or not", () => {
    const obligations = [obligation("bounds", source, "a[i]", "proved"), obligation("bounds", source, "a[0]", "proved")];
    for (const mode of ["development", "testing"] as const) {
      const out = instrument({ source, file: "m.ts", obligations, mode, entities: [] });
      expect(out.inserted).toBe(2);
      expect(out.skippedByProof).toBe(0);
    }
  });

  it("a site the verifier said nothing about is checked (soundness default)", () => {
    const out = instrument({ source, file: "m.ts", obligations: [], mode: "production", entities: [] });
    expect(out.inserted).toBe(2);
    expect(out.checks.map((c) => c.status)).toEqual(["none", "none"]);
    expect(out.checks[0]!.location).toEqual({ file: "m.ts", line: 1, column: source.indexOf("a[i]") + 1 });
  });

  it("a proof for a different site (or a different kind) does not remove a check", () => {
    const shifted = { ...obligation("bounds", source, "a[i]", "proved"), site: { start: source.indexOf("a[i]"), end: source.indexOf("a[i]") + 3 } };
    const wrongKind = { ...obligation("bounds", source, "a[0]", "proved"), kind: "capability" as const };
    const out = instrument({ source, file: "m.ts", obligations: [shifted, wrongKind], mode: "production", entities: [] });
    expect(out.inserted).toBe(2);
  });

  it("unknown and unsupported verdicts keep their checks", () => {
    const obligations = [obligation("bounds", source, "a[i]", "unknown"), obligation("bounds", source, "a[0]", "unsupported")];
    expect(instrument({ source, file: "m.ts", obligations, mode: "production", entities: [] }).inserted).toBe(2);
  });

  it("string-literal element access is a property, not an element: no check", () => {
    const src = `export function g(o: any): number { return o["length"]; }`;
    expect(instrument({ source: src, file: "m.ts", obligations: [], mode: "production", entities: [] }).inserted).toBe(0);
  });

  it("receivers with side effects are evaluated once (temp), index expressions once", () => {
    const src = `export function g(m: number[][], i: number): number { return m[i++][i]; }`;
    const out = instrument({ source: src, file: "m.ts", obligations: [], mode: "testing", entities: [] });
    expect(out.js).toMatch(/\(__anrf_t\d+ = m\[__anrf_c\.b\(m, i\+\+, \d\)\]\)\[__anrf_c\.b\(__anrf_t\d+, i, \d\)\]/);
    // Inline guards: the index once into a temp; the receiver through a temp because the index
    // (i++) runs code, so the guard cannot re-read \`m\` itself.
    const prod = instrument({ source: src, file: "m.ts", obligations: [], mode: "production", entities: [] });
    expect(prod.js).toMatch(/\(__anrf_t\d+ = \(__anrf_t\d+ = m\)\[\(typeof \(__anrf_t\d+ = i\+\+\) === "number"/);
    expect(prod.js.match(/i\+\+/g)).toHaveLength(1);
  });

  it("postconditions at every return and at the closing brace; pre at entry; loop invariants in the condition", () => {
    const src = `export function h(n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) { s += i; }
  if (n > 10) return s;
  s = s + 1;
}
export function k(n: number): number { return n; }`;
    const out = instrument({
      source: src,
      file: "m.ts",
      obligations: [],
      mode: "development",
      entities: [{ id: "H", name: "h", clauses: { preconditions: ["n >= 0"], postconditions: ["result >= 0"], contractInvariants: [], directInvariants: [{ id: "INV-1", text: "i >= 0 && s >= 0" }] } }],
    });
    // h: the return (inline: the runtime's `pf` on failure) and the reachable closing brace
    // (the generic call); k ends in a return, so no tail check.
    expect(countChecks(out.js, "post") + countChecks(out.js, "pf")).toBe(2);
    expect(countChecks(out.js, "inv")).toBe(1);
    expect(out.js).toContain('__anrf_c.entry("h"');
    expect(out.checks.filter((c) => c.kind === "postcondition").map((c) => c.location.line)).toEqual([4, 6]);
  });

  it("informal clauses are reported as not checkable, never silently dropped", () => {
    const src = `export function h(n: number): number { return n; }`;
    const out = instrument({ source: src, file: "m.ts", obligations: [], mode: "production", entities: [{ id: "H", name: "h", clauses: { ...noClauses, postconditions: ["no memory safety violations"] } }] });
    expect(out.notCheckable.join()).toMatch(/no memory safety violations/);
  });

  it("unproved obligations that cannot become a check are listed as uncovered", () => {
    const typeOb = obligation("type", source, "a[i]", "refuted");
    const out = instrument({ source, file: "m.ts", obligations: [typeOb], mode: "production", entities: [] });
    expect(out.uncovered.join()).toContain(typeOb.id);
  });

  it("an unproved check whose clause cannot be evaluated is listed as uncovered, not counted as inserted", () => {
    // A precondition with old(...) has no meaning at a call site: it compiles to no check there.
    const src = `export function h(x: number): number { return x; }\nexport function k(): number { return h(1); }`;
    const call = obligation("precondition", src, "h(1)", "unknown", { entity: "K", clause: "old(x) > 0" });
    const out = instrument({ source: src, file: "m.ts", obligations: [call], mode: "production", entities: [{ id: "H", name: "h", clauses: { ...noClauses, preconditions: ["old(x) > 0"] } }, { id: "K", name: "k", clauses: noClauses }] });
    expect(countChecks(out.js, "pre")).toBe(0);
    expect(out.uncovered.join()).toContain(`${call.id} (precondition, unknown; not placed`);
    expect(out.inserted).toBe(0);
  });

  it("a parameter initializer's receiver temp lives where the initializer can see it", () => {
    const src = `function mk(): number[] { return [1]; }\nexport function f(i: number, x = mk()[i]): number { return x; }`;
    const out = instrument({ source: src, file: "m.ts", obligations: [], mode: "development", entities: [] });
    expect(countChecks(out.js, "b")).toBe(1);
    const t = /\(?(__anrf_t\d+) = mk\(\)\)/.exec(out.js)?.[1];
    expect(t).toBeDefined();
    // Declared at module level, not in f's body (which a parameter initializer cannot see).
    expect(out.js).toMatch(new RegExp(`^let [^\n]*\\b${t}\\b`, "m"));
    expect(out.js).not.toMatch(new RegExp(`\\{\\s*let [^\n]*\\b${t}\\b`));
  });

  it("the entry precondition binds the module-level function's parameters, not a nested namesake's", () => {
    const src = `function outer(): void { function f(b: number, a: number): void {} }\nexport function f(a: number, b: number): number { return a - b; }`;
    const out = instrument({ source: src, file: "m.ts", obligations: [], mode: "production", entities: [{ id: "F", name: "f", clauses: { ...noClauses, preconditions: ["a < b"] } }] });
    expect(out.js).toMatch(/__anrf_c\.entry\("f", \(args\) => \{ __anrf_c\.pre\(\d+, args, \(a, b\) => \(a < b\)\); \}\)/);
    expect(out.shapes["f"]?.params.map((p) => p.name)).toEqual(["a", "b"]);
  });

  it("an entity exported under another name gets its checks on the function the host calls, not on a same-named decoy", () => {
    const src = `function f(x: number): number { return x; }\nfunction real(a: Uint8Array): number { return a.length; }\nexport { real as f };`;
    const out = instrument({ source: src, file: "m.ts", obligations: [], mode: "production", entities: [{ id: "F", name: "f", clauses: { ...noClauses, preconditions: ["len(a) > 0"], postconditions: ["result > 0"] } }] });
    expect(out.shapes["f"]?.params).toMatchObject([{ name: "a", shape: { k: "typed", cls: "Uint8Array" } }]);
    expect(out.js).toMatch(/__anrf_c\.pre\(\d+, args, \(a\) => /);
    const decoy = out.js.slice(out.js.indexOf("function f("), out.js.indexOf("function real("));
    const realFn = out.js.slice(out.js.indexOf("function real("));
    expect(countChecks(decoy, "post") + countChecks(decoy, "pf")).toBe(0);
    expect(countChecks(realFn, "post") + countChecks(realFn, "pf")).toBe(1);
  });

  it("the wrapper parameter never collides with a name in the module", () => {
    const src = `export function f(__anrf_c: number[]): number { return __anrf_c[0]; }`;
    const out = instrument({ source: src, file: "m.ts", obligations: [], mode: "production", entities: [] });
    expect(out.checkParam).not.toBe("__anrf_c");
    expect(src.includes(out.checkParam)).toBe(false);
  });

  it("emits a source map for the module", () => {
    const out = instrument({ source, file: "m.ts", obligations: [], mode: "production", entities: [] });
    const map = JSON.parse(out.sourceMap) as { sources: string[]; mappings: string };
    expect(map.sources).toContain("m.ts");
    expect(map.mappings.length).toBeGreaterThan(0);
  });
});

describe("instrumentation property: checks = element accesses minus proved ones (production)", () => {
  propTest.prop([fc.array(fc.constantFrom<ObligationStatus>("proved", "refuted", "unknown", "unsupported", "informal"), { minLength: 1, maxLength: 12 }), fc.boolean()], { numRuns: process.env["CI"] ? 60 : 30 })(
    "each site is checked unless its own obligation is proved",
    (statuses, reportAll) => {
      const reads = statuses.map((_, n) => `a[${n}]`);
      const src = `export function f(a: number[]): number { return ${reads.join(" + ")}; }`;
      // Sometimes the verifier reports nothing for some sites: those must be checked too.
      const obligations = statuses.flatMap((status, n) => (reportAll || n % 2 === 0 ? [obligation("bounds", src, `a[${n}]`, status, { id: `E/bounds/${n}` })] : []));
      const prod = instrument({ source: src, file: "m.ts", obligations, mode: "production", entities: [] });
      const provedSites = obligations.filter((o) => o.status === "proved").length;
      expect(prod.inserted).toBe(statuses.length - provedSites);
      expect(prod.skippedByProof).toBe(provedSites);
      expect(countChecks(prod.js, "b")).toBe(prod.inserted);
      const dev = instrument({ source: src, file: "m.ts", obligations, mode: "development", entities: [] });
      expect(dev.inserted).toBe(statuses.length);
    },
  );
});
