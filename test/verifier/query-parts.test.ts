/**
 * Issue 12 (solver time-outs): a query is decided from its independent parts
 * (verifier/solver/components.ts, solve-parts.ts), and doubles meet integers through bit-vectors
 * instead of fp.to_real (verifier/extract/numbers.ts). The first must decide exactly what the
 * whole query decides (the second: double-int-encoding.test.ts).
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { floorDivByDouble } from "../../verifier/extract/numbers.js";
import { canonicalQuery } from "../../verifier/extract/smt-text.js";
import { State } from "../../verifier/extract/state.js";
import { and, app, eq, fpLit, freshConst, intLit, not, type Term } from "../../verifier/extract/terms.js";
import { splitQuery } from "../../verifier/solver/components.js";
import { solveParts } from "../../verifier/solver/solve-parts.js";
import { openZ3Session, type SessionAnswer, type Z3Session } from "../../verifier/solver/z3-session.js";

let z3: Z3Session;
beforeAll(async () => {
  z3 = await openZ3Session();
}, 60_000);
afterAll(() => undefined);

describe("splitQuery", () => {
  it("separates assertions that share no constant, the goal's part first", () => {
    const smt = [
      "(set-logic ALL)",
      "(declare-const a Int)",
      "(declare-const b Int)",
      "(declare-const c Int)",
      "(declare-const s String)",
      '(assert (= s "x) (y"))',
      "(assert (< a b))",
      "(assert (< 0 c))",
      "(assert (not (< a 5)))",
      "; a comment",
      "(check-sat)",
    ].join("\n");
    const parts = splitQuery(smt)!;
    expect(parts.map((p) => p.constants)).toEqual([["a", "b"], ["s"], ["c"]]);
    expect(parts[0]!.smt).toContain("(assert (not (< a 5)))");
    expect(parts[0]!.smt).not.toContain("(declare-const c ");
    expect(parts[1]!.smt).toContain('"x) (y"');
  });

  it("joins transitively through shared constants", () => {
    const smt = "(declare-const a Int)\n(declare-const b Int)\n(declare-const c Int)\n(assert (< a b))\n(assert (< b c))\n(assert (not (< a c)))\n(check-sat)\n";
    expect(splitQuery(smt)!.length).toBe(1);
  });

  it("refuses shapes it does not understand", () => {
    expect(splitQuery("(declare-fun f (Int) Int)\n(assert (= (f 1) 2))\n(check-sat)\n")).toBeUndefined();
    expect(splitQuery("(declare-const a Int)\n(assert (< a 1))\n(check-sat)\n(assert (< a 0))\n(check-sat)\n")).toBeUndefined();
    expect(splitQuery("(declare-const |a b| Int)\n(assert (< |a b| 1))\n(check-sat)\n")).toBeUndefined();
    expect(splitQuery("(declare-const a Int)\n(assert (< a 1)\n(check-sat)\n")).toBeUndefined();
  });
});

describe("solveParts", () => {
  const part = (name: string) => ({ smt: name, constants: [name] });
  const fake =
    (answers: Record<string, SessionAnswer>) =>
    async (smt: string): Promise<SessionAnswer> =>
      answers[smt]!;

  it("is unsat when any part is, even after an unknown part", async () => {
    const r = await solveParts([part("a"), part("b")], 1000, 0, [], fake({ a: { answer: "unknown", reasonUnknown: "timeout" }, b: { answer: "unsat" } }));
    expect(r.answer).toBe("unsat");
  });

  it("is sat only when every part is, with the union of the models", async () => {
    const r = await solveParts([part("a"), part("b")], 1000, 0, [], fake({ a: { answer: "sat", model: { a: "1" } }, b: { answer: "sat", model: { b: "2" } } }));
    expect(r).toMatchObject({ answer: "sat", model: { a: "1", b: "2" } });
    const u = await solveParts([part("a"), part("b")], 1000, 0, [], fake({ a: { answer: "sat", model: { a: "1" } }, b: { answer: "unknown", reasonUnknown: "timeout" } }));
    expect(u.answer).toBe("unknown");
  });

  it("is unknown when the budget runs out before every part was decided", async () => {
    let t = 0;
    const slow = async (): Promise<SessionAnswer> => {
      t += 600;
      return { answer: "sat", model: {} };
    };
    const r = await solveParts([part("a"), part("b"), part("c")], 1000, 0, [], slow, () => t);
    expect(r.answer).toBe("unknown");
  });

  it("decides random queries exactly as the whole query (z3)", async () => {
    // Small integer constraint sets over a few constants; the session splits them itself.
    const atom = fc.tuple(fc.integer({ min: 0, max: 4 }), fc.constantFrom("<", "<=", "=", ">"), fc.oneof(fc.integer({ min: 0, max: 4 }).map((i) => `x${i}`), fc.integer({ min: -3, max: 3 }).map(String)));
    await fc.assert(
      fc.asyncProperty(fc.array(atom, { minLength: 1, maxLength: 7 }), async (atoms) => {
        const lines = ["(set-logic ALL)", ...[0, 1, 2, 3, 4].map((i) => `(declare-const x${i} Int)`)];
        for (const [a, op, b] of atoms) lines.push(`(assert (${op} x${a} ${b.startsWith("-") ? `(- ${b.slice(1)})` : b}))`);
        lines.push("(check-sat)");
        const smt = `${lines.join("\n")}\n`;
        const parts = splitQuery(smt);
        expect(parts).toBeDefined();
        // The same query with one more (always satisfiable) assertion joining every constant: one part.
        const joined = smt.replace("(check-sat)", "(declare-const unsplit Int)\n(assert (= unsplit (+ x0 x1 x2 x3 x4)))\n(check-sat)");
        expect(splitQuery(joined)?.length ?? 1).toBe(1);
        const whole = await z3.solve(joined, 10_000, 0);
        const split = await z3.solve(smt, 10_000, 0);
        expect(split.answer).toBe(whole.answer);
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});

describe("quantified facts in queries over an abstraction", () => {
  const facts = [
    "(set-logic ALL)",
    "(declare-const a (Array Int Int))",
    "(declare-const n Int)",
    "(declare-const k Int)",
    "(assert (forall ((q Int)) (=> (and (<= 1 q) (< q n)) (<= (select a (- q 1)) (select a q)))))",
    "(assert (and (<= 1 k) (< k n)))",
  ];
  const marker = "; anrf: counterexample depends on an abstraction";
  it("still proves what instantiation proves (E-matching) when the query is over an abstraction", async () => {
    const smt = [...facts, "(assert (not (<= (select a (- k 1)) (select a k))))", marker, "(check-sat)", ""].join("\n");
    expect((await z3.solve(smt, 20_000, 0)).answer).toBe("unsat");
  });
  it("keeps model-based instantiation (real counterexamples) for queries without an abstraction", async () => {
    const smt = [...facts, "(assert (not (<= (select a 0) (select a k))))", "(assert (= k 1))", "(check-sat)", ""].join("\n");
    expect((await z3.solve(smt, 20_000, 0)).answer).toBe("unsat");
    const open = [...facts, "(assert (not (< (select a (- k 1)) (select a k))))", "(check-sat)", ""].join("\n");
    expect((await z3.solve(open, 20_000, 0)).answer).toBe("sat");
  });
});

describe("Math.floor(a / d) for a double literal d", () => {
  it("states only facts that hold of every a in [0, 2^53] and d >= 1", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constantFrom(2 ** 53, 2 ** 53 - 1, 2 ** 32)),
        fc.oneof(fc.double({ min: 1, max: 1e6, noNaN: true }), fc.constantFrom(1, 1.3, 1 + 2 ** -40, 1 + 2 ** -52, 2, 1.0000001)),
        (a, d) => {
          const st = State.empty();
          const r = floorDivByDouble(st, { k: "int", t: intLit(a), lo: 0n, hi: BigInt(a) }, d)!;
          expect(r).toBeDefined();
          const real = Math.floor(a / d);
          // Each stated fact, evaluated at the real value.
          expect(real >= 0 && real <= a).toBe(true);
          if (a >= Math.ceil(d)) expect(real).toBeGreaterThanOrEqual(1);
          if (d >= 1 + 2 ** -40 && a >= 1) expect(real).toBeLessThanOrEqual(a - 1);
          expect(BigInt(real) <= r.hi!).toBe(true);
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it("is not used for divisors below 1 or operands that may be negative", () => {
    const st = State.empty();
    expect(floorDivByDouble(st, { k: "int", t: intLit(5), lo: 5n, hi: 5n }, 0.5)).toBeUndefined();
    expect(floorDivByDouble(st, { k: "int", t: intLit(-5), lo: -5n, hi: -5n }, 1.3)).toBeUndefined();
  });
});
