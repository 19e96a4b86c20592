/**
 * Audit A11: in a postcondition a parameter name denotes the value the caller passed (the
 * binding at entry; for arrays the reference, so `len(a)` is the passed array's current length
 * and `old(len(a))` its length at entry) — the verifier's reading (docs/verification.md). The
 * runtime's compiled checks must agree, or a proved clause could be false at run time and an
 * unproved one checked against a different fact than callers assume.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run, SandboxPool, type RunMode } from "../../runtime/index.js";
import { compileClauseText } from "../../runtime/host/clause-compile.js";
import type { LoadedDocument } from "../../spec/load.js";
import { makeDocument, tempDir } from "./fixtures.js";

const code = String.raw`export function g(x: number): number {
  const r = x;
  x = x + 1;
  return r;
}
export function bad(x: number): number { x = x + 1; return x; }
export function grow(a: number[]): number { a.push(1); return a.length; }
export function swap(a: number[]): number { const n = a.length; a = []; return n; }
export const arrow = (k: number): number => k * 2;
`;

let dir: string;
let doc: LoadedDocument;
const pool = new SandboxPool();
const modes: RunMode[] = ["development", "testing", "production"];

beforeAll(async () => {
  dir = tempDir();
  doc = await makeDocument({
    dir,
    code,
    functions: [
      // audit case c32 (cases/c32_paramsem.ts)
      { name: "g", preconditions: ["Number.isSafeInteger(x)"], postconditions: ["result == x"] },
      { name: "bad", postconditions: ["result == x"] },
      { name: "grow", postconditions: ["result == len(a) && len(a) == old(len(a)) + 1"] },
      { name: "swap", postconditions: ["result == len(a)", "len(a) > 0"] },
      { name: "arrow", postconditions: ["result == k + k && old(k) == k"] },
    ],
  });
});
afterAll(async () => {
  await pool.close();
});

const go = (entry: string, args: readonly unknown[], mode: RunMode) => run(doc, entry, args, { mode, verification: [], audit: join(dir, "audit.jsonl"), pool });

describe("postconditions read parameters at entry", () => {
  it.each(modes)("c32 (x reassigned, post result == x): no violation in %s mode", async (mode) => {
    const r = await go("g", [3], mode);
    expect(r.violations).toEqual([]);
    expect(r).toMatchObject({ status: "ok", value: 3 });
    expect(r.security.checksInserted).toBeGreaterThanOrEqual(2); // entry precondition + the postcondition (nothing proved)
  });
  it("a postcondition that is genuinely false for the entry value is still a violation", async () => {
    const r = await go("bad", [3], "development");
    expect(r.status).toBe("violation");
    expect(r.violations[0]).toMatchObject({ kind: "postcondition" });
    expect(r.violations[0]!.message).toMatch(/result == x does not hold for result 4/);
  });
  it("len(a) is the passed array's length now; old(len(a)) its length at entry", async () => {
    expect(await go("grow", [[5, 6]], "development")).toMatchObject({ status: "ok", value: 3 });
  });
  it("reassigning an array parameter does not change what the postcondition reads", async () => {
    // Under the current-variable reading a = [] would make `result == len(a)` false and `len(a) > 0` false.
    expect(await go("swap", [[1, 2]], "development")).toMatchObject({ status: "ok", value: 2 });
    const r = await go("swap", [[]], "development");
    expect(r.status).toBe("violation");
    expect(r.violations[0]!.message).toMatch(/len\(a\) > 0 does not hold/);
  });
  it("expression-bodied arrows snapshot too", async () => {
    expect(await go("arrow", [4], "development")).toMatchObject({ status: "ok", value: 8 });
  });
});

describe("clause compilation with entry values (pure)", () => {
  const scope = { checks: "c", params: ["x", "a"], result: "r", entryValue: (p: string) => `in_${p}` };
  it("parameters map to their entry snapshots, result and old() do not", () => {
    const out = compileClauseText("result == x + len(a) && old(x) <= x", { ...scope, old: () => "old1" });
    expect(out).toEqual({ ok: true, js: "((r === (in_x + c.len(in_a))) && (old1 <= in_x))", usesOld: true });
  });
  it("a forall variable that shadows a parameter is the bound variable", () => {
    const out = compileClauseText("forall(x, 0, x, x >= 0)", scope);
    expect(out).toMatchObject({ ok: true, js: "c.all((0), in_x, (x) => (x >= (0)))" });
  });
});
