/**
 * Which number arrays a precondition makes integral, with which literal bounds per element
 * (verifier/extract/integral-arrays.ts, issue 12). The view this allows is tested differentially
 * in reach-soundness-integral.test.ts.
 */
import { describe, expect, it } from "vitest";
import { parseClause, type ClauseExpr } from "../../spec/contract/index.js";
import { integralArrays } from "../../verifier/extract/integral-arrays.js";

const exprs = (...clauses: string[]): ClauseExpr[] =>
  clauses.map((c) => {
    const p = parseClause(c);
    if (p.kind !== "formal") throw new Error(`not formal: ${c}`);
    return p.expr;
  });
const found = (...clauses: string[]): Record<string, { lo?: bigint | undefined; hi?: bigint | undefined }> => Object.fromEntries(integralArrays(exprs(...clauses)));

describe("integralArrays", () => {
  it("finds a forall over the whole array with Number.isInteger of its element, and the element's literal bounds", () => {
    expect(found("forall(i, 0, a.length, Number.isInteger(a[i]) && a[i] >= 1)")).toEqual({ a: { lo: 1n, hi: undefined } });
    expect(found("forall(k, 0, len(w), Number.isInteger(w[k]))")).toEqual({ w: { lo: undefined, hi: undefined } });
    // Among other top-level conjuncts, on either side of a comparison, strict or not, fractions rounded inwards.
    expect(found("n >= 0 && forall(i, 0, a.length, 0 <= a[i] && Number.isInteger(a[i]) && a[i] < 10)")).toEqual({ a: { lo: 0n, hi: 9n } });
    expect(found("forall(i, 0, a.length, Number.isInteger(a[i]) && a[i] > 0.5 && 2.5 >= a[i])")).toEqual({ a: { lo: 1n, hi: 2n } });
    expect(found("forall(i, 0, a.length, Number.isInteger(a[i]) && a[i] > -3 && a[i] >= -5 && a[i] < 0)")).toEqual({ a: { lo: -2n, hi: -1n } });
    // The tightest of two clauses about one array.
    expect(found("forall(i, 0, a.length, Number.isInteger(a[i]) && a[i] >= 0)", "forall(j, 0, a.length, Number.isInteger(a[j]) && a[j] >= 2 && a[j] <= 7)")).toEqual({ a: { lo: 2n, hi: 7n } });
    expect(found("forall(i, 0, a.length, Number.isSafeInteger(a[i]))")).toEqual({ a: { lo: -(2n ** 53n - 1n), hi: 2n ** 53n - 1n } });
  });

  it("ignores what does not make every element an integer", () => {
    for (const clause of [
      "forall(i, 1, a.length, Number.isInteger(a[i]))", // not from 0
      "forall(i, 0, b.length, Number.isInteger(a[i]))", // another array's range
      "forall(i, 0, a.length - 1, Number.isInteger(a[i]))", // not the whole array
      "forall(i, 0, a.length, Number.isInteger(a[i + 1]))", // another element
      "forall(i, 0, a.length, Number.isInteger(a[i]) || a[i] > 0)", // only one side of ||
      "forall(i, 0, a.length, implies(i > 0, Number.isInteger(a[i])))", // under a condition
      "forall(i, 0, a.length, a[i] >= 1)", // no integrality
      "n > 0 || forall(i, 0, a.length, Number.isInteger(a[i]))", // not a top-level conjunct
      "forall(a, 0, a.length, Number.isInteger(a[a]))", // the variable shadows the array
    ]) {
      expect(found(clause), clause).toEqual({});
    }
    // Bounds with a non-literal side give no interval (the view still holds).
    expect(found("forall(i, 0, a.length, Number.isInteger(a[i]) && a[i] < t.length)")).toEqual({ a: { lo: undefined, hi: undefined } });
  });
});
