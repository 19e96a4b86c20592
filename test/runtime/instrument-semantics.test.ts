/**
 * Instrumentation preserves meaning: when no check fails, a module instrumented with every
 * check (development mode, run in the real sandbox) returns exactly what the plain transpiled
 * module returns when evaluated directly (the reference, computed here, not hard-coded).
 * Covers receivers needing temps, compound assignment, ++, optional chains, arrow expression
 * bodies, string indexing methods, nested functions and loops of every kind.
 */
import { ts } from "ts-morph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run, SandboxPool } from "../../runtime/index.js";
import type { LoadedDocument } from "../../spec/load.js";
import { makeDocument } from "./fixtures.js";

const code = String.raw`
export function bump(m: number[][], i: number): number[][] { m[i]![0]! += 5; m[i]![1]!++; (m[i]!)[2] = m[i]![0]! * 2; return m; }
export const twice = (o: { a: number[] }, i: number): number => o.a[i]! * 2;
export function chars(s: string): number {
  let c = 0;
  for (let i = 0; i < s.length; i++) c += s.charCodeAt(i) + (s[i] === "a" ? 1 : 0) + s.charAt(i).length;
  return c;
}
export function viaOf(a: number[]): number[] { const out: number[] = []; for (const x of a) out.push(a[a.indexOf(x)]!); return out; }
export function optional(a: number[] | undefined): number { return a?.[0] ?? -1; }
export function nested(rows: number[][]): number[] { return rows.map((r, i) => r[i % r.length]!); }
export function loops(n: number): number {
  const a = [1, 2, 3, 4, 5, 6, 7, 8];
  let s = 0, i = 0;
  while (i < n) { s += a[i]!; i++; }
  do { s += a[0]!; } while (s < 0);
  for (const k in a) s += a[Number(k)]!;
  return s;
}
export function sideEffects(a: number[]): number { let i = 0; const b = [a, a]; return b[i++]![i++]! + i; }
function mk(n: number): number[] { return [n, n + 1]; }
export function defaults(i: number, x = mk(i)[i], y = (() => mk(2)[1]!)()): number { return x! + y; }
export function typed(n: number): number { const t = new Float64Array(n); for (let i = 0; i < n; i++) t[i] = i / 2; return t[n - 1]! + t.length; }
`;

const cases: Array<[string, unknown[]]> = [
  ["bump", [[[1, 2, 3], [4, 5, 6]], 1]],
  ["twice", [{ a: [3, 4, 5] }, 2]],
  ["chars", ["banana-ä"]],
  ["viaOf", [[5, 6, 7]]],
  ["optional", [[9]]],
  ["optional", [null]],
  ["nested", [[[1, 2], [3, 4], [5, 6, 7]]]],
  ["loops", [5]],
  ["sideEffects", [[10, 20, 30]]],
  ["typed", [7]],
  ["defaults", [1]],
];

function reference(entry: string, args: unknown[]): unknown {
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const exports: Record<string, (...a: unknown[]) => unknown> = {};
  new Function("exports", "require", js)(exports, () => ({}));
  return JSON.parse(JSON.stringify(exports[entry]!(...structuredClone(args))));
}

let doc: LoadedDocument;
const pool = new SandboxPool();
beforeAll(async () => {
  doc = await makeDocument({ code, functions: [...new Set(cases.map(([n]) => n))] });
});
afterAll(async () => {
  await pool.close();
});

describe("instrumented (every check) = plain JavaScript when no check fails", () => {
  // Development: inline guards (instrument-guards.ts); testing: the generic check, counted.
  it.each(cases)("%s%j", async (entry, args) => {
    for (const mode of ["development", "testing"] as const) {
      const r = await run(doc, entry, args, { verification: [], audit: false, pool, mode });
      expect(r.status, JSON.stringify(r.violations) + JSON.stringify(r.error)).toBe("ok");
      // Checks really ran (except where the optional chain short-circuits before any access).
      if (mode === "testing" && !(entry === "optional" && args[0] === null)) expect(r.security.checksExecuted).toBeGreaterThan(0);
      expect(r.value).toEqual(reference(entry, args));
    }
  });
});

describe("checks inside parameter initializers", () => {
  it("an out-of-bounds read in a default value is a bounds violation (not a ReferenceError from a misplaced temp)", async () => {
    const r = await run(doc, "defaults", [5], { verification: [], audit: false, pool, mode: "development" });
    expect(r.status, JSON.stringify(r.error)).toBe("violation");
    expect(r.violations[0]!.kind).toBe("bounds");
    expect(r.violations[0]!.message).toMatch(/index 5 out of bounds for length 2/);
  });
});
