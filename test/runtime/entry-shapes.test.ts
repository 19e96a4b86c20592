/**
 * Audit A10: the verifier takes parameter types as facts, so the runtime checks at entry — in
 * every mode — that each argument has the shape its declared type promises, and rebuilds
 * typed arrays inside the sandbox. Entries whose types cannot be checked trust no proof.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ts } from "ts-morph";
import { run, SandboxPool, type RunResult } from "../../runtime/index.js";
import { entryShape } from "../../runtime/host/param-shapes.js";
import type { LoadedDocument } from "../../spec/load.js";
import type { ObligationResult } from "../../verifier/obligation.js";
import { makeDocument, tempDir } from "./fixtures.js";

// f is audit case c16 (cases/c16_paramtype.ts): both bounds sites were reported proved.
const code = String.raw`export function f(lut: number[], u: Uint8Array): number {
  if (u.length > 0) return lut[u[0]];
  return 0;
}
export function isU8(u: Uint8Array): boolean { return u instanceof Uint8Array && Object.getPrototypeOf(u) === Uint8Array.prototype && u.constructor === Uint8Array; }
export function i32(v: Int32Array): number { return v.length; }
export function fsum(v: Float64Array): number { let s = 0; for (let i = 0; i < v.length; i++) s += v[i]!; return s; }
export function kinds(n: number, s: string, b: boolean): string { return typeof n + typeof s + typeof b; }
export function total(a: number[]): number { let s = 0; for (const x of a) s += x; return s; }
export function grid(m: readonly number[][], names: Array<"a" | "b">): number { return m.length + names.length; }
export function opt(x: number, y?: number): number { return y === undefined ? x : x + y; }
export function same(a: number[], b: number[]): boolean { return a === b; }
export function loose(o: { i: number }, a: number[]): number { return a[o.i]!; }
`;

let dir: string;
let doc: LoadedDocument;
const pool = new SandboxPool();
const lut = Array.from({ length: 256 }, (_, i) => i * 2);

/** The verifier's c16 verdicts: both bounds sites of f, and a[o.i] in loose, proved. */
function proved(snippets: readonly string[]): ObligationResult[] {
  const text = doc.module!.text;
  return snippets.map((snippet, n) => {
    const start = text.indexOf(snippet);
    if (start < 0) throw new Error(`fixture: ${snippet} not found`);
    return {
      id: `E/bounds/${n}`,
      entity: "E",
      kind: "bounds",
      status: "proved",
      location: { file: doc.absoluteFile, line: 1, column: 1 },
      site: { start, end: start + snippet.length },
      description: "bounds",
      reason: "unsat",
      counterexample: null,
      smt: null,
    } satisfies ObligationResult;
  });
}

beforeAll(async () => {
  dir = tempDir();
  doc = await makeDocument({
    dir,
    code,
    functions: ["f", "isU8", "i32", "fsum", "kinds", "total", "grid", "opt", "same", "loose"].map((name) => (name === "f" ? { name, preconditions: ["len(lut) == 256"] } : name)),
  });
});
afterAll(async () => {
  await pool.close();
});

const go = (entry: string, args: readonly unknown[], mode: "production" | "development" = "production", verification: ObligationResult[] = []): Promise<RunResult> =>
  run(doc, entry, args, { mode, verification, audit: join(dir, "audit.jsonl"), pool });

function expectArgumentViolation(r: RunResult, entity: string, param: string): void {
  expect(r.status).toBe("violation");
  expect(r.value).toBeUndefined();
  expect(r.violations).toHaveLength(1);
  expect(r.violations[0]).toMatchObject({ kind: "precondition", id: `${entity}/precondition/entry:${param}` });
  expect(r.violations[0]!.message).toContain(`argument '${param}'`);
}

describe("audit c16: lut[u[0]] with u: Uint8Array, both bounds proved", () => {
  const sites = ["lut[u[0]]", "u[0]"];
  it("production skips both bounds checks, yet [1000] for u is refused before the entry runs", async () => {
    const r = await go("f", [lut, [1000]], "production", proved(sites));
    expect(r.security.checksSkippedByProof).toBe(2);
    expect(r.security.proofsTrusted).toBe(true);
    expectArgumentViolation(r, "ENT-0-F", "u");
    // Production messages carry no argument values.
    expect(r.violations[0]!.message).not.toContain("1000");
    // Refused before the entry precondition (which assumes the types) and before any module code.
    expect(r.security.checksExecuted).toBe(0);
  });
  it("development names the element and its value", async () => {
    const r = await go("f", [lut, [7, 256]], "development");
    expectArgumentViolation(r, "ENT-0-F", "u");
    expect(r.violations[0]!.message).toMatch(/u\[1\] = 256 is not an integer in 0\.\.255/);
  });
  it("in range, the entry runs with the proved checks left out", async () => {
    const r = await go("f", [lut, [3]], "production", proved(sites));
    expect(r).toMatchObject({ status: "ok", value: 6 });
    // Executed: only the entry precondition len(lut) == 256 (argument checks are counted apart).
    expect(r.security).toMatchObject({ checksSkippedByProof: 2, checksExecuted: 1, argumentChecks: 3, proofsTrusted: true });
  });
  it("a real Uint8Array (structured clone through run()) is accepted too", async () => {
    const r = await go("f", [lut, new Uint8Array([255])], "production", proved(sites));
    expect(r).toMatchObject({ status: "ok", value: 510 });
  });
  it("with the real verifier's verdicts too: production never reads lut[1000]", async () => {
    const r = await run(doc, "f", [lut, [1000]], { mode: "production", audit: join(dir, "audit.jsonl"), pool });
    expect(r.status).toBe("violation");
    expect(r.value).toBeUndefined();
    expect(r.violations[0]!.id).toBe("ENT-0-F/precondition/entry:u");
  }, 60_000);
  it("the same under process isolation (arguments cross an IPC channel instead of a worker port)", async () => {
    const opts = { mode: "production" as const, verification: proved(sites), audit: join(dir, "audit.jsonl"), pool, isolation: "process" as const };
    const bad = await run(doc, "f", [lut, [1000]], opts);
    expect(bad.security.limits.isolation).toBe("process");
    expectArgumentViolation(bad, "ENT-0-F", "u");
    expect(await run(doc, "f", [lut, new Uint8Array([4])], opts)).toMatchObject({ status: "ok", value: 8 });
  }, 30_000);
  it("a typed array of another class, a string, or a plain object is refused", async () => {
    for (const u of [new Uint16Array([1]), "ab", { 0: 1, length: 1 }, [1.5], ["1"]]) {
      expectArgumentViolation(await go("f", [lut, u], "production", proved(sites)), "ENT-0-F", "u");
    }
  });
});

describe("argument shapes", () => {
  it("the rebuilt typed array is an instance of the compartment's own class", async () => {
    expect(await go("isU8", [[1, 2]])).toMatchObject({ status: "ok", value: true });
    expect(await go("isU8", [new Uint8Array(2)])).toMatchObject({ status: "ok", value: true });
  });
  it("typed-array element ranges: Int32Array refuses 2^31, Float64Array takes any number", async () => {
    expectArgumentViolation(await go("i32", [[2 ** 31]]), "ENT-2-I32", "v");
    expect(await go("i32", [[-(2 ** 31), 2 ** 31 - 1]])).toMatchObject({ status: "ok", value: 2 });
    expect(await go("fsum", [[0.5, -1, 2.25]])).toMatchObject({ status: "ok", value: 1.75 });
    expect(await go("fsum", [new Float64Array([1.5])])).toMatchObject({ status: "ok", value: 1.5 });
  });
  it("number / string / boolean are checked with typeof", async () => {
    expect(await go("kinds", [1, "s", false])).toMatchObject({ status: "ok", value: "numberstringboolean" });
    expectArgumentViolation(await go("kinds", ["1", "s", false]), "ENT-4-KINDS", "n");
    expectArgumentViolation(await go("kinds", [1, 2, false]), "ENT-4-KINDS", "s");
    expectArgumentViolation(await go("kinds", [1, "s", 0]), "ENT-4-KINDS", "b");
    expectArgumentViolation(await go("kinds", [1, "s", null]), "ENT-4-KINDS", "b");
  });
  it("arrays: every element checked, holes refused", async () => {
    expect(await go("total", [[1, 2, 3]])).toMatchObject({ status: "ok", value: 6 });
    const bad = await go("total", [[1, "2", 3]], "development");
    expectArgumentViolation(bad, "ENT-5-TOTAL", "a");
    expect(bad.violations[0]!.message).toMatch(/a\[1\] is a string, not a number/);
    const holey = [1, 2, 3];
    delete holey[1];
    const r = await go("total", [holey], "development");
    expectArgumentViolation(r, "ENT-5-TOTAL", "a");
    expect(r.violations[0]!.message).toMatch(/hole at index 1/);
    expectArgumentViolation(await go("total", [new Float64Array([1])]), "ENT-5-TOTAL", "a");
  });
  it("nested arrays and literal unions (readonly number[][], Array<'a' | 'b'>)", async () => {
    expect(await go("grid", [[[1], [2, 3]], ["a", "b", "x"]])).toMatchObject({ status: "ok", value: 5 });
    const r = await go("grid", [[[1], [2, "x"]], []], "development");
    expectArgumentViolation(r, "ENT-6-GRID", "m");
    expect(r.violations[0]!.message).toMatch(/m\[1\]\[1\] is a string/);
  });
  it("missing and extra arguments are refused; an optional parameter may be left out", async () => {
    const missing = await go("kinds", [1, "s"]);
    expect(missing.status).toBe("violation");
    expect(missing.violations[0]).toMatchObject({ kind: "precondition", id: "ENT-4-KINDS/precondition/entry:arguments" });
    const extra = await go("total", [[1], 2], "development");
    expect(extra.violations[0]).toMatchObject({ id: "ENT-5-TOTAL/precondition/entry:arguments" });
    expect(extra.violations[0]!.message).toMatch(/expected 1 argument\(s\), got 2/);
    expect(await go("opt", [1])).toMatchObject({ status: "ok", value: 1 });
    expect(await go("opt", [1, 2])).toMatchObject({ status: "ok", value: 3 });
    expectArgumentViolation(await go("opt", [1, "2"]), "ENT-7-OPT", "y");
  });
  it("arguments are fresh copies: the same array passed twice arrives as two arrays", async () => {
    const a = [1, 2];
    expect(await go("same", [a, a])).toMatchObject({ status: "ok", value: false });
  });
});

describe("an entry whose parameter types cannot be checked trusts no proof", () => {
  it("production inserts the proved bounds check of loose(o: { i: number }, a) and it fires", async () => {
    const r = await go("loose", [{ i: 10 }, [1]], "production", proved(["a[o.i]"]));
    expect(r.security.proofsTrusted).toBe(false);
    expect(r.security.checksSkippedByProof).toBe(0);
    expect(r.security.notCheckable?.join("\n")).toMatch(/ENT-9-LOOSE: arguments of 'loose' cannot be checked at entry \(parameter 'o' of type '\{ i: number \}'\)/);
    expect(r.status).toBe("violation");
    expect(r.violations[0]!.kind).toBe("bounds");
  });
  it("the other entries of the same module still skip proved checks", async () => {
    const r = await go("f", [lut, [1]], "production", [...proved(["lut[u[0]]", "u[0]"]), ...proved(["a[o.i]"])]);
    expect(r).toMatchObject({ status: "ok", value: 2 });
    expect(r.security.checksSkippedByProof).toBe(3);
  });
});

describe("param-shapes (pure)", () => {
  const shape = (src: string, name = "g") => entryShape(ts.createSourceFile("m.ts", src, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS), name);
  it("classifies the built-in types the verifier relies on", () => {
    const s = shape("export function g(a: number[], b: ReadonlyArray<string>, c: (1 | 2), d: Uint8Array<ArrayBuffer>, e: true | false, f: -1) {}");
    expect(s.ok && s.params.map((p) => p.shape)).toEqual([
      { k: "array", elem: { k: "number" } },
      { k: "array", elem: { k: "string" } },
      { k: "number" },
      { k: "typed", cls: "Uint8Array" },
      { k: "boolean" },
      { k: "number" },
    ]);
    expect(shape("export const g = (x: string = 'a', y?: number) => x;")).toMatchObject({ ok: true, params: [{ optional: true }, { optional: true }] });
  });
  it("anything else is not checkable, with the reason", () => {
    for (const [src, reason] of [
      ["export function g(x: any) {}", /parameter 'x' of type 'any'/],
      ["type N = number; export function g(x: N) {}", /type 'N'/],
      ["export function g(x: number | string) {}", /number \| string/],
      ["export function g(x: [number, number]) {}", /\[number, number\]/],
      ["export function g(...xs: number[]) {}", /rest parameter/],
      ["export function g({ a }: { a: number }) {}", /destructured/],
      ["export function g(x) {}", /no type annotation/],
      ["class Uint8Array {} export function g(x: Uint8Array) {}", /type 'Uint8Array'/],
      ["export function g<Array>(x: Array) {}", /type 'Array'/],
      ["export function h() { function g(x: number) {} }", /no module-level function 'g'/],
    ] as const) {
      const s = shape(src);
      expect(s.ok, src).toBe(false);
      if (!s.ok) expect(s.reason, src).toMatch(reason);
    }
  });
});
