/**
 * Issue 12 (time-outs on index arithmetic): the length of `Array(y ± c)` states −2^52 <= y < 2^52
 * (numbers.ts shiftedLengthFacts), the condition under which ⌊y⌋'s facts hold, instead of leaving
 * z3 to derive it from the length's range through a 64-bit adder. The fact must follow from
 * JavaScript (checked over all doubles, in JavaScript and by z3), and with it an index that runs
 * up to the operand (the reach corpus's coin-change `dp[a]` pattern) must be proved within a
 * work bound that the query without it exceeds.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { shiftedLengthFacts, shiftedOperandRange } from "../../verifier/extract/numbers.js";
import { canonicalQuery } from "../../verifier/extract/smt-text.js";
import { and, app, fpLit, freshConst, not, type Term } from "../../verifier/extract/terms.js";
import { openZ3Session, type Z3Session } from "../../verifier/solver/z3-session.js";
import { extract } from "./extract/snippet.js";

const NO_CLOCK_MS = 2 ** 31 - 1;
const rne: Term = { kind: "lit", text: "RNE", sort: "Bool" };

let z3: Z3Session;
beforeAll(async () => {
  z3 = await openZ3Session();
});

describe("the operand of a valid array length y ± c lies in [−2^52, 2^52)", () => {
  it("JavaScript: 0 <= y + c <= 2^32 − 1 (an array length) only for −2^52 <= y < 2^52, for every double y and integer |c| <= 2^32", () => {
    const ys = fc.oneof(fc.double(), fc.constantFrom(2 ** 52, -(2 ** 52) - 1, 2 ** 52 - 2 ** 32, -(2 ** 52) + 2 ** 32, 2 ** 53, -(2 ** 53), Infinity, -Infinity, 2 ** 33, -(2 ** 33)));
    const cs = fc.oneof(fc.integer({ min: -(2 ** 32), max: 2 ** 32 }), fc.constantFrom(1, -1, 2 ** 32, -(2 ** 32)));
    let lengths = 0;
    fc.assert(
      fc.property(ys, cs, (y, c) => {
        for (const x of [y + c, y - c]) {
          if (!(Number.isInteger(x) && x >= 0 && x <= 2 ** 32 - 1)) continue;
          lengths++;
          expect(y >= -(2 ** 52) && y < 2 ** 52, `y = ${y}, c = ${c}`).toBe(true);
        }
      }),
      { numRuns: 5000, examples: [[2 ** 32, -(2 ** 32)], [-(2 ** 32), 2 ** 32], [2 ** 52 - 1, -(2 ** 32)], [-0.5, 1], [2 ** -60, 1]] },
    );
    // The generator reaches lengths (the property is not vacuous).
    expect(lengths).toBeGreaterThan(50);
  });

  it("z3 agrees for every double y: y + 1, y − 2^32 and 2^32 + y in [0, 2^32] imply −2^52 <= y < 2^52 (the condition shiftedLengthFacts states)", async () => {
    for (const make of [(y: Term) => app("fp.add", "FP", rne, y, fpLit(1)), (y: Term) => app("fp.sub", "FP", rne, y, fpLit(2 ** 32)), (y: Term) => app("fp.add", "FP", rne, fpLit(2 ** 32), y)]) {
      const y = freshConst("FP", "y");
      const x = make(y);
      const length = and(not(app("fp.isNaN", "Bool", x)), app("fp.leq", "Bool", fpLit(0), x), app("fp.leq", "Bool", x, fpLit(2 ** 32)));
      const r = await z3.solve(canonicalQuery([length], shiftedOperandRange(x)!).smt, NO_CLOCK_MS, 20_000_000, [], { probes: false });
      expect(r.answer).toBe("unsat");
    }
  });

  it("undefined where it does not apply (y × 2, c − y, a fractional or too large c)", () => {
    const y = freshConst("FP", "y");
    expect(shiftedLengthFacts(app("fp.mul", "FP", rne, y, fpLit(2)))).toBeUndefined();
    expect(shiftedLengthFacts(app("fp.sub", "FP", rne, fpLit(1), y))).toBeUndefined();
    expect(shiftedLengthFacts(app("fp.add", "FP", rne, y, fpLit(0.5)))).toBeUndefined();
    expect(shiftedLengthFacts(app("fp.add", "FP", rne, y, fpLit(2 ** 32 + 1)))).toBeUndefined();
  });
});

describe("an index up to the operand of the length: Array(amount + 1), a <= amount (coin-change's dp[a])", () => {
  // The reach corpus's coin-change (`dp[a]`, with inferred loop invariants) took about 24 million
  // rlimit units (7–36 s) to unsat with the condition left to z3, and sat at the corpus's 10 s
  // limit; stated, 0.5–2.5 million. This loop without the inner one: 4 million before, 42 000 now.
  it("is proved within 1 million rlimit units", async () => {
    const code = [
      "export function total(amount: number): number {",
      "  const dp = Array(amount + 1).fill(1);",
      "  let s = 0;",
      "  for (let a = 1; a <= amount; a++) s += dp[a];",
      "  return s;",
      "}",
    ].join("\n");
    const o = extract(code, { pre: [] }, { entities: [{ id: "E", name: "total", type: "Function" }] }).find((x) => x.kind === "bounds");
    expect(o?.description).toBe("0 <= a < dp.length and a integral at dp[a]");
    expect((await z3.solve(o!.smt!, NO_CLOCK_MS, 1_000_000)).answer).toBe("unsat");
  });
});
