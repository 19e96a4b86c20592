/**
 * drop-quantified.ts: only quantifiers that the query assumes (positive polarity in an
 * assertion) become `true`; a quantified goal or one under mixed polarity is kept, so the
 * weaker query can never prove what the original could not refute.
 */
import { describe, expect, it } from "vitest";
import { dropAssumedQuantifiers } from "../../verifier/pipeline/drop-quantified.js";

const Q = "(forall ((q0 Int)) (>= (select a q0) 0))";

describe("dropAssumedQuantifiers", () => {
  it("replaces a quantified hypothesis of a negated implication", () => {
    const smt = `(declare-const a (Array Int Int))\n(declare-const x Int)\n(assert (not (=> (and (>= x 0) ${Q}) (>= x 0))))\n(check-sat)\n`;
    const out = dropAssumedQuantifiers(smt)!;
    expect(out).toContain("(assert (not (=> (and (>= x 0) true) (>= x 0))))");
    expect(out).not.toContain("forall");
  });

  it("replaces a quantifier asserted directly", () => {
    expect(dropAssumedQuantifiers(`(assert ${Q})\n(check-sat)`)).toBe("(assert true)\n(check-sat)\n");
  });

  it("keeps a quantified goal (negative polarity): dropping it would prove anything", () => {
    const smt = `(assert (not (=> (>= x 0) ${Q})))\n(check-sat)`;
    expect(dropAssumedQuantifiers(smt)).toBeUndefined();
  });

  it("keeps quantifiers under ite, = and nested negation of a hypothesis", () => {
    expect(dropAssumedQuantifiers(`(assert (ite ${Q} p r))`)).toBeUndefined();
    expect(dropAssumedQuantifiers(`(assert (= ${Q} p))`)).toBeUndefined();
    expect(dropAssumedQuantifiers(`(assert (not (=> (not ${Q}) p)))`)).toBeUndefined();
  });

  it("drops a doubly negated one and leaves the rest of the text as it was", () => {
    const smt = `; comment\n(declare-const s String)\n(assert (not (not ${Q})))\n(assert (= s "a)""b"))\n(check-sat)`;
    expect(dropAssumedQuantifiers(smt)).toBe(`(declare-const s String)\n(assert (not (not true)))\n(assert (= s "a)""b"))\n(check-sat)\n`);
  });

  it("no quantifier: nothing to retry", () => {
    expect(dropAssumedQuantifiers("(assert (> x 0))\n(check-sat)")).toBeUndefined();
  });
});
