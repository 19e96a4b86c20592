/**
 * `argument` obligations end to end: a number/string/boolean argument of a call to an entity
 * inside the module that the provenance analysis cannot show is checked with typeof before the
 * call (every mode), so the callee keeps its modelled parameters and its proofs. Each document
 * is verified for real (extraction, z3 bounded by work, not seconds) and run in the sandbox.
 */
import { afterAll, describe, expect, it } from "vitest";
import { KERNEL_SOURCE } from "../../bench/checks-kernels.js";
import { instrument, run, SandboxPool } from "../../runtime/index.js";
import { clausesFor, functionEntities } from "../../runtime/host/document-view.js";
import { verifyDocument, workBounded, type ObligationResult } from "../../verifier/index.js";
import type { LoadedDocument } from "../../spec/load.js";
import { makeDocument, tempDir, type FunctionSpec } from "./fixtures.js";

const pool = new SandboxPool();
afterAll(async () => {
  await pool.close();
});

async function verified(code: string, functions: FunctionSpec[]): Promise<{ doc: LoadedDocument; obligations: readonly ObligationResult[] }> {
  const dir = tempDir();
  const doc = await makeDocument({ dir, code, functions });
  const report = await verifyDocument(doc, { cwd: dir, ...workBounded(12_000_000, 3_000_000), jobs: 1 });
  return { doc, obligations: report.obligations };
}

const one = (obligations: readonly ObligationResult[], kind: string, entity: string, line: number): ObligationResult => {
  const hits = obligations.filter((o) => o.kind === kind && o.entity === entity && o.location.line === line);
  if (hits.length !== 1) throw new Error(`expected one ${kind} obligation of ${entity} on line ${line}: ${JSON.stringify(obligations.map((o) => [o.id, o.status]))}`);
  return hits[0]!;
};
const lineOf = (code: string, text: string): number => code.split("\n").findIndex((l) => l.includes(text)) + 1;

// The checks benchmark's kernel, verbatim (bench/checks-kernels.ts), without the other kernels.
const LOWER_BOUND = KERNEL_SOURCE.slice(KERNEL_SOURCE.indexOf("export function lowerBound"), KERNEL_SOURCE.indexOf("export function countPrimes"));

describe("the lower-bound kernel (issue 14)", () => {
  it("proves lowerBound's sorted[mid]; the argument check at the call is the only check left in production", async () => {
    const { doc, obligations } = await verified(LOWER_BOUND, [{ name: "lowerBound" }, { name: "countLowerBounds" }]);
    const site = one(obligations, "bounds", "ENT-0-LOWERBOUND", lineOf(LOWER_BOUND, "sorted[mid]"));
    expect(site.status).toBe("proved");
    const arg = one(obligations, "argument", "ENT-1-COUNTLOWERBOUNDS", lineOf(LOWER_BOUND, "lowerBound(sorted, queries[q]!)"));
    expect(arg).toMatchObject({ status: "unsupported", argumentShape: "number", source: "static" });
    expect(LOWER_BOUND.slice(arg.site.start, arg.site.end)).toBe("queries[q]!");
    // Everything else is proved (the inferred invariants, queries[q], the type claims).
    expect(obligations.filter((o) => o.status !== "proved").map((o) => o.id)).toEqual([arg.id]);

    const document = doc.document!;
    const entities = [...functionEntities(document).values()].map((e) => ({ id: e.id, name: e.name, clauses: clausesFor(document, e.id) }));
    const prod = instrument({ source: LOWER_BOUND, file: "k.ts", obligations, mode: "production", entities });
    expect(prod.checks.filter((c) => c.status !== "entry").map((c) => c.id)).toEqual([arg.id]);
    expect(prod.uncovered).toEqual([]);

    const sorted = Array.from({ length: 64 }, (_, i) => i * 3);
    const queries = [0, 1, 2, 95, 189, 190, 1000, -5];
    const expected = queries.reduce((sum, t) => sum + sorted.filter((x) => x < t).length, 0);
    for (const mode of ["production", "development"] as const) {
      const r = await run(doc, "countLowerBounds", [sorted, queries], { verification: obligations, audit: false, pool, mode });
      expect(r.status, JSON.stringify(r.violations)).toBe("ok");
      expect(r.value).toBe(expected);
      if (mode === "production") expect(r.security.checksInserted).toBe(1);
    }
  });
});

/**
 * f reads a[1] after a.length > 1 and a comparison with t: proved when t is a number (the
 * comparison runs no code). An object's valueOf would run there and could empty `a`.
 */
const F = `export function f(a: number[], t: number): number {
  if (a.length > 1) {
    if (t < 0) return 0;
    return a[1]!;
  }
  return -1;
}
`;

const ATTACKS: ReadonlyArray<readonly [string, string]> = [
  ["an object whose valueOf empties the array", `{ valueOf() { a.length = 0; return 1; } } as unknown as number`],
  ["a boxed number", `new Number(1) as unknown as number`],
  ["a string", `"1" as unknown as number`],
  ["undefined", `undefined as unknown as number`],
];

describe("an attacker module passing a non-number to an entity's number parameter", () => {
  it.each(ATTACKS)("%s: stopped by the argument check before f's proved a[1] runs (production and development)", async (_what, value) => {
    const g = `export function g(): number {\n  const a = [1, 2, 3];\n  return f(a, ${value});\n}\n`;
    const code = F + g;
    const { doc, obligations } = await verified(code, [{ name: "f" }, { name: "g" }]);
    expect(one(obligations, "bounds", "ENT-0-F", lineOf(code, "return a[1]!")).status).toBe("proved");
    const arg = one(obligations, "argument", "ENT-1-G", lineOf(code, "return f(a,"));
    expect(arg).toMatchObject({ status: "unsupported", argumentShape: "number" });
    for (const mode of ["production", "development"] as const) {
      const r = await run(doc, "g", [], { verification: obligations, audit: false, pool, mode });
      expect(r.status).toBe("violation");
      expect(r.violations.map((v) => v.id)).toEqual([arg.id]);
      expect(r.violations[0]!.location).toMatchObject({ line: arg.location.line, column: arg.location.column });
    }
  });

  it("control: without the argument check, production runs the proved read on the emptied array and returns undefined", async () => {
    const g = `export function g(): number {\n  const a = [1, 2, 3];\n  return f(a, ${ATTACKS[0]![1]});\n}\n`;
    const { doc, obligations } = await verified(F + g, [{ name: "f" }, { name: "g" }]);
    // As if the argument obligation had been proved: exactly what the check prevents.
    const forged = obligations.map((o) => (o.kind === "argument" ? { ...o, status: "proved" as const } : o));
    const r = await run(doc, "g", [], { verification: forged, audit: false, pool, mode: "production" });
    expect(r.status).toBe("ok");
    expect(r.value).toBeUndefined();
  });

  it("a number the module builds from literals and operators needs no argument obligation: no check in production", async () => {
    const g = `export function g(n: number): number {\n  const a = [1, 2, 3];\n  return f(a, (n + 1) * 2) + f(a, 7);\n}\n`;
    const code = F + g;
    const { doc, obligations } = await verified(code, [{ name: "f" }, { name: "g" }]);
    // Provenance shows both are numbers: nothing to check, and nothing reported proved without a query.
    expect(obligations.filter((o) => o.kind === "argument")).toEqual([]);
    expect(one(obligations, "bounds", "ENT-0-F", lineOf(code, "return a[1]!")).status).toBe("proved");
    const r = await run(doc, "g", [3], { verification: obligations, audit: false, pool, mode: "production" });
    expect(r).toMatchObject({ status: "ok", value: 4 });
    expect(r.security.checksInserted).toBe(0);
  });
});

describe("what the argument check does not cover keeps today's rule", () => {
  it("a call from module code outside every entity leaves the callee's parameters unmodelled", async () => {
    const code = `${F}function helper(x: any): number {\n  return f([1, 2], x);\n}\nexport function g(): number {\n  return helper({});\n}\n`;
    const { obligations } = await verified(code, [{ name: "f" }, { name: "g" }]);
    expect(one(obligations, "bounds", "ENT-0-F", lineOf(code, "return a[1]!")).status).toBe("unsupported");
    expect(obligations.filter((o) => o.kind === "argument")).toEqual([]);
  });

  it("an array argument of unknown provenance still leaves the callee's parameters unmodelled (no array check)", async () => {
    const code = `${F}export function g(xs: number[][]): number {\n  return f(xs[0]!, 1);\n}\n`;
    const { obligations } = await verified(code, [{ name: "f" }, { name: "g" }]);
    expect(one(obligations, "bounds", "ENT-0-F", lineOf(code, "return a[1]!")).status).toBe("unsupported");
    expect(obligations.filter((o) => o.kind === "argument")).toEqual([]);
  });
});
