/**
 * Arrays of rows (verifier/extract/rows.ts): a row read `g[i]` is a plain Array of the known row
 * length only while every use of `g` keeps its rows in sight. Each case below lets a row (or
 * the whole array) out in one way; the row-element site must then stay unmodelled. The
 * control (`kept`) shows the same function without the leak does get an encoded query, so the
 * cases fail if the leak were not noticed. What proved sites do at run time is tested
 * differentially in reach-soundness-rows.test.ts.
 */
import { describe, expect, it } from "vitest";
import { extract } from "./extract/snippet.js";

const PRE = ["forall(i, 0, g.length, g[i].length == n)", "Number.isInteger(n) && n >= 1"];

/** The obligation of the bounds site `g[i][0]` (the row element read at the marked line). */
function rowSite(body: string, pre = PRE, local = false, before = ""): { smt: string | null; reason?: string } {
  const params = local ? "n: number" : "g: number[][], n: number";
  const code = `export function f(${params}): number {
${local ? "  const g = Array.from({ length: 3 }, () => new Array(n).fill(0));\n" : ""}  let s = 0;
${before}
  for (let i = 0; i < g.length; i++) {
    s += g[i][0];
  }
${body}
  return s;
}
`;
  const obligations = extract(code, { pre });
  const site = obligations.find((o) => o.kind === "bounds" && o.description.includes("at g[i][0]"));
  if (site === undefined) throw new Error(`no g[i][0] site: ${obligations.map((o) => o.description).join("; ")}`);
  return { smt: site.smt, ...(site.unsupportedReason === undefined ? {} : { reason: site.unsupportedReason }) };
}

describe("rows stay in sight", () => {
  it("kept: a parameter with a row-length precondition, used only by index", () => {
    expect(rowSite("").smt).not.toBeNull();
  });

  it("kept: a local array of fresh rows, used only by index", () => {
    expect(rowSite("", ["Number.isInteger(n) && n >= 1"], true).smt).not.toBeNull();
  });

  const leaks: Array<[string, string]> = [
    ["a row's method is called", "  g[0].push(1);"],
    ["the array is passed to a function", "  console.log(g);"],
    ["a row is passed to a function", "  console.log(g[0]);"],
    ["the array is captured by a closure", "  [1].forEach(() => { s += g.length; });"],
    ["the rows are iterated with for-of", "  for (const r of g) s += r.length;"],
    ["the array is sliced", "  const h = g.slice(); s += h.length;"],
    ["a row is kept in a variable that escapes", "  const r = g[0]; console.log(r);"],
    ["a row's length is assigned", "  g[0].length = 0;"],
    ["the array's length is assigned", "  g.length = 0;"],
    ["the array is reassigned", "  g = [];"],
  ];
  for (const [what, body] of leaks) {
    it(`not kept when ${what} (parameter)`, () => {
      const r = rowSite(body);
      expect(r.smt, r.reason).toBeNull();
    });
    it(`not kept when ${what} (local)`, () => {
      const r = rowSite(body.replace("g = [];", "s = 0; const g2 = g; s += g2.length;"), ["Number.isInteger(n) && n >= 1"], true);
      expect(r.smt, r.reason).toBeNull();
    });
  }

  // Storing a row (`g[i] = x`) is seen by the model where it happens (rows.ts storeRow): reads
  // before it keep the rows, reads after it do not — whatever is stored, even a fresh row of
  // the same length, since these rows have one length and no per-row record.
  for (const stored of ["[]", "new Array(n).fill(0)", "g[0]"]) {
    it(`not kept after a row is replaced by ${stored} (parameter and local)`, () => {
      const r = rowSite("", PRE, false, `  g[1] = ${stored};`);
      expect(r.smt, r.reason).toBeNull();
      const l = rowSite("", ["Number.isInteger(n) && n >= 1"], true, `  g[1] = ${stored};`);
      expect(l.smt, l.reason).toBeNull();
    });
  }
  it("kept before a row is replaced", () => {
    expect(rowSite("  g[1] = [];").smt).not.toBeNull();
    expect(rowSite("  g[1] = [];", ["Number.isInteger(n) && n >= 1"], true).smt).not.toBeNull();
  });

  it("kept without a row-length precondition: the host rebuilt every row (arg-shapes), each of its own unknown length", () => {
    const r = rowSite("", ["Number.isInteger(n) && n >= 1"]);
    expect(r.smt, r.reason).not.toBeNull();
    // Nothing ties the row's length to n (with the precondition, the same site's query does).
    expect(r.smt).not.toMatch(/\(= \S+ p1\)|\(= p1 \S+\)/);
    expect(rowSite("").smt).toMatch(/\(= \S+ p1\)|\(= p1 \S+\)/);
  });

  it("not kept: the function is also called by module code (its arguments are not rebuilt by the host)", () => {
    const code = `export function f(g: number[][], n: number): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i][0];
  return s;
}
export function caller(): number {
  return f([[1]], 1);
}
`;
    const o = extract(code, { pre: PRE }).find((x) => x.kind === "bounds" && x.description.includes("at g[i][0]"));
    expect(o?.smt).toBeNull();
  });

  it("not kept: the rows' length depends on the factory's index", () => {
    const code = `export function f(n: number): number {
  const g = Array.from({ length: n }, (_, k) => new Array(k + 1).fill(0));
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i][0];
  return s;
}
`;
    const o = extract(code, { pre: ["Number.isInteger(n) && n >= 1"] }).find((x) => x.kind === "bounds" && x.description.includes("at g[i][0]"));
    expect(o?.smt).toBeNull();
  });
});
