/**
 * Issue 12 (solver time-outs): doubles meet integers through bit-vectors instead of fp.to_real
 * (verifier/extract/numbers.ts). The encoding must agree with JavaScript on every double and
 * integer: each query below pins the values and asks z3 whether any encoded comparison,
 * equality or conversion can differ from what JavaScript computes (unsat: none can).
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { compare, exactReciprocal, floorInt, fpDivide, numEquals, shiftedFloorFacts, toFP, type NumVal } from "../../verifier/extract/numbers.js";
import { canonicalQuery } from "../../verifier/extract/smt-text.js";
import { State } from "../../verifier/extract/state.js";
import { and, app, eq, fpLit, fpLitValue, freshConst, intLit, not, type Term } from "../../verifier/extract/terms.js";
import { openZ3Session, type Z3Session } from "../../verifier/solver/z3-session.js";
import { reference } from "../../bench/solver-pool-differential.js";

/**
 * z3 work in this file is bounded by count, not by the clock: no time limit that a loaded machine
 * could hit, and a resource limit 15× above the largest query's use here (the all-doubles proofs:
 * about 6 million). The suite's own test timeout stops a hung run.
 */
const NO_CLOCK_MS = 2 ** 31 - 1;
const RLIMIT = 100_000_000;

let z3: Z3Session;
beforeAll(async () => {
  z3 = await openZ3Session();
});

describe("doubles against integers without real arithmetic", () => {
  const OPS = ["<", "<=", ">", ">="] as const;
  const jsCompare = (op: (typeof OPS)[number], x: number, n: number): boolean => (op === "<" ? x < n : op === "<=" ? x <= n : op === ">" ? x > n : x >= n);

  /**
   * A query with x one of `xs` and n one of `ns`, whose goal is: for each such pair, every
   * encoded comparison and === has its JavaScript value. Unsat exactly when the one-pair-at-a-time
   * queries are all unsat (the goal is a conjunction of `x = xk ∧ n = nk ⇒ …`); z3 builds the
   * conversion circuits once for all of them (one query per x took five times as long).
   */
  function exactQuery(xs: readonly number[], ns: readonly bigint[], lo: bigint | undefined, hi: bigint | undefined): string {
    const st = State.empty();
    const xc = freshConst("FP", "x");
    const nc = freshConst("Int", "n");
    const xv: NumVal = { k: "num", t: xc };
    const nv: NumVal = { k: "int", t: nc, lo, hi };
    const equal = (t: Term, b: boolean): Term => (b ? t : not(t));
    const encoded = OPS.map((op) => ({ op, xn: compare(st, op, xv, nv), nx: compare(st, op, nv, xv) }));
    const same = numEquals(st, xv, nv);
    // No facts of their own (fresh constants defined on the side would be shared between the
    // pairs below): every comparison is a term of x and n alone.
    expect(st.pc).toEqual([]);
    // The terms are built for a symbolic x and n (the encoding a query gets), then each pair's
    // values are put in their place: z3 then evaluates the encoding on those values, with no
    // search (x and n pinned by constraints instead cost z3 a conversion circuit each: tens of
    // seconds for this test).
    const goals = xs.flatMap((x) =>
      ns.map((n) => {
        const at = (t: Term) => substitute(t, new Map([[xc.id, fpLit(x)], [nc.id, intLit(n)]]));
        return and(...encoded.flatMap(({ op, xn, nx }) => [equal(at(xn), jsCompare(op, x, Number(n))), equal(at(nx), jsCompare(op, Number(n), x))]), equal(at(same), x === Number(n)));
      }),
    );
    return canonicalQuery([], and(...goals)).smt;
  }

  /** t with the constants of `values` (by id) replaced. */
  function substitute(t: Term, values: ReadonlyMap<number, Term>): Term {
    if (t.kind === "const") return values.get(t.id) ?? t;
    if (t.kind === "app") return { ...t, args: t.args.map((a) => substitute(a, values)) };
    if (t.kind === "forall") return { ...t, body: substitute(t.body, values) };
    return t;
  }

  // Each double stands for a class the encoding must get right: signed zeros, fractions on both
  // sides of an integer, the ends of both integer ranges and just past them, doubles above 2^53
  // that are integers but not safe, infinities, NaN, the largest and the smallest magnitudes.
  const XS = [-0, 0, 0.5, 1, -0.5, -1, -(2 ** 40) - 0.5, 2 ** 32 - 0.5, 2 ** 32 - 1, 2 ** 32, 2 ** 53, -(2 ** 53), 2 ** 53 + 2, Infinity, -Infinity, NaN, 5e-324];
  // Each integer range at both ends, just inside them, and around 0 (every x above meets a
  // neighbour: x itself, the integers either side of a fraction).
  const SMALL_NS = [0n, 1n, 2n ** 32n - 1n, 2n ** 32n];
  const SAFE_NS = [-(2n ** 53n), -1n, 0n, 1n, 2n ** 53n - 1n, 2n ** 53n];

  it("compares like JavaScript for integers in [0, 2^32], safe integers and integers of unknown interval (every op, both sides, ===)", async () => {
    const failures: string[] = [];
    for (const [ns, lo, hi] of [
      [SMALL_NS, 0n, 2n ** 32n],
      [SAFE_NS, -(2n ** 53n), 2n ** 53n],
      // An integer of unknown interval (a parameter only known to be an integer): through ⌊x⌋
      // where n is a safe integer, through reals beyond 2^53.
      [[-(2n ** 53n), -1n, 0n, 2n ** 32n, 2n ** 32n + 1n, 2n ** 53n, 2n ** 53n + 2n, -(2n ** 53n) - 2n], undefined, undefined],
    ] as const) {
      if ((await z3.solve(exactQuery(XS, ns, lo, hi), NO_CLOCK_MS, RLIMIT)).answer === "unsat") continue;
      // Which x: one query each, for the report.
      for (const x of XS) {
        const r = await z3.solve(exactQuery([x], ns, lo, hi), NO_CLOCK_MS, RLIMIT);
        if (r.answer !== "unsat") failures.push(`${Object.is(x, -0) ? "-0" : x} vs ${ns.join(", ")} (range ${lo}..${hi}): ${r.answer}`);
      }
      if (failures.length === 0) failures.push(`range ${lo}..${hi}: not unsat for all x together, unsat for each alone`);
    }
    expect(failures).toEqual([]);
  });

  it("converts an integer to the double JavaScript holds (+0 for 0), at both ends of both ranges", async () => {
    const failures: string[] = [];
    for (const [ns, lo, hi] of [
      [[...SMALL_NS, 7n], 0n, 2n ** 32n],
      // The safe range's ends and 0 (1 is in the small range).
      [[-(2n ** 53n), 0n, 2n ** 53n - 1n, 2n ** 53n], -(2n ** 53n), 2n ** 53n],
    ] as const) {
      const st = State.empty();
      const nc = freshConst("Int", "n");
      const f = toFP(st, { k: "int", t: nc, lo, hi });
      // For each n, the double the facts define is exactly n, bit for bit (fp '=' tells -0 from
      // +0): the facts are built for a symbolic n, then n's value is put in its place (one query
      // per n: f is the facts' own constant).
      for (const n of ns) {
        const at = (t: Term) => substitute(t, new Map([[nc.id, intLit(n)]]));
        const q = canonicalQuery(st.pc.map(at), eq(f, fpLit(Number(n))));
        const r = await z3.solve(q.smt, NO_CLOCK_MS, RLIMIT);
        if (r.answer !== "unsat") failures.push(`${n} (range ${lo}..${hi}): ${r.answer}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe("division by a power of two as a product", () => {
  it("reads every literal back and takes the reciprocal exactly for normal ±2^k, never otherwise (JavaScript arithmetic, all doubles)", () => {
    fc.assert(
      fc.property(fc.double(), fc.double(), (x, d) => {
        // Finite literals read back bit for bit (−0 too); NaN and ±Infinity are named literals, not read.
        expect(Object.is(fpLitValue(fpLit(d)), Number.isFinite(d) ? d : undefined)).toBe(true);
        const r = exactReciprocal(d);
        const normalPower = d !== 0 && Number.isFinite(d) && Math.abs(d) >= 2 ** -1022 && Number.isInteger(Math.log2(Math.abs(d))) && 2 ** Math.log2(Math.abs(d)) === Math.abs(d);
        expect(r !== undefined, `d = ${d}`).toBe(normalPower);
        // x / d and x × r round the same real number: equal bit for bit (NaN, ±0, ±Infinity included).
        if (r !== undefined) expect(Object.is(x / d, x * r), `${x} / ${d}`).toBe(true);
      }),
      { numRuns: 2000, examples: [[1, 2 ** -1074], [1, 2 ** -1022], [5e-324, 2], [-0, 0.5], [Infinity, -(2 ** 1023)], [NaN, 4], [3, 3]] },
    );
    for (let k = -1022; k <= 1023; k++) for (const d of [2 ** k, -(2 ** k)]) for (const x of [1, -0, 5e-324, 2 ** -1022 * 1.5, 1.7976931348623157e308, 7.5]) expect(Object.is(x / d, x * exactReciprocal(d)!)).toBe(true);
    expect([3, 0.1, 2 ** -1074, 2 ** -1023, 0, -0, Infinity, NaN].map(exactReciprocal)).toEqual(Array(8).fill(undefined));
  });

  it("z3 agrees: x / 2 equals x × 0.5 for every double x, bit for bit; x / 3 keeps its division", async () => {
    const x = freshConst("FP", "x");
    const rne = { kind: "lit", text: "RNE", sort: "Bool" } as const;
    expect(fpDivide(x, fpLit(2))).toEqual(app("fp.mul", "FP", rne, x, fpLit(0.5)));
    expect(fpDivide(x, fpLit(-1024))).toEqual(app("fp.mul", "FP", rne, x, fpLit(-1 / 1024)));
    expect(fpDivide(x, fpLit(3))).toEqual(app("fp.div", "FP", rne, x, fpLit(3)));
    expect(fpDivide(x, x)).toEqual(app("fp.div", "FP", rne, x, x));
    // A fresh Solver without push: after a push z3 takes minutes on this query (its incremental
    // core), a fresh one seconds. SMT '=' on floats tells −0 from +0 and NaN equals NaN.
    const smt = canonicalQuery([], eq(app("fp.div", "FP", rne, x, fpLit(2)), app("fp.mul", "FP", rne, x, fpLit(0.5)))).smt;
    const api = await (await import("z3-solver")).init();
    expect(await reference(api, { name: "x / 2", smt, timeoutMs: NO_CLOCK_MS, rlimit: RLIMIT, jsIntegers: [] }, 0)).toBe("unsat");
  });
});

describe("c / b compared with zero, without the division", () => {
  const OPS = ["<", "<=", ">", ">="] as const;
  const rne = { kind: "lit", text: "RNE", sort: "Bool" } as const;
  const js = (op: (typeof OPS)[number] | "===", q: number): boolean => (op === "<" ? q < 0 : op === "<=" ? q <= 0 : op === ">" ? q > 0 : op === ">=" ? q >= 0 : q === 0);
  /** Every encoded comparison of c / b with 0 (both sides, and ===), each paired with the IEEE one on the real division. */
  const encoded = (c: number, b: Term): { op: string; mine: Term; ieee: Term }[] => {
    const st = State.empty();
    const q: NumVal = { k: "num", t: app("fp.div", "FP", rne, fpLit(c), b) };
    const zero: NumVal = { k: "int", t: intLit(0n), lo: 0n, hi: 0n };
    const ieee = (name: string, l: Term, r: Term) => app(name, "Bool", l, r);
    const names = { "<": "fp.lt", "<=": "fp.leq", ">": "fp.gt", ">=": "fp.geq" } as const;
    return [
      ...OPS.map((op) => ({ op, mine: compare(st, op, q, zero), ieee: ieee(names[op], q.t, fpLit(0)) })),
      ...OPS.map((op) => ({ op: `0 ${op}`, mine: compare(st, op, zero, q), ieee: ieee(names[op], fpLit(0), q.t) })),
      { op: "===", mine: numEquals(st, q, zero), ieee: app("fp.eq", "Bool", q.t, fpLit(0)) },
    ];
  };

  it("rewrites 1 / b < 0 into a test of b, and keeps the division for a numerator below 2^-51", () => {
    const b = freshConst("FP", "b");
    const [lt] = encoded(1, b);
    expect(JSON.stringify(lt!.mine)).not.toMatch(/fp\.div/);
    expect(JSON.stringify(encoded(2 ** -52, b)[0]!.mine)).toMatch(/fp\.div/);
    // Why 2^-51: below it a finite divisor can round the quotient to zero.
    expect(2 ** -51 / Number.MAX_VALUE).toBeGreaterThan(0);
    expect(2 ** -52 / Number.MAX_VALUE).toBe(0);
  });

  it("agrees with JavaScript at every corner divisor, for numerators 1, −1, 2^−51 and −3.5", async () => {
    const bs = [0, -0, Infinity, -Infinity, NaN, Number.MAX_VALUE, -Number.MAX_VALUE, 5e-324, -5e-324, 1, -1, 0.5, -(2 ** -1022), 3];
    const failures: string[] = [];
    for (const c of [1, -1, 2 ** -51, -3.5]) {
      for (const bv of bs) {
        const b = freshConst("FP", "b");
        const goals = encoded(c, b).map(({ op, mine }) => {
          const flipped = op.startsWith("0 ");
          const o = (flipped ? op.slice(2) : op) as (typeof OPS)[number] | "===";
          const want = flipped ? js(o === "<" ? ">" : o === "<=" ? ">=" : o === ">" ? "<" : "<=", c / bv) : js(o, c / bv);
          return want ? mine : not(mine);
        });
        const r = await z3.solve(canonicalQuery([eq(b, fpLit(bv))], and(...goals)).smt, NO_CLOCK_MS, RLIMIT);
        if (r.answer !== "unsat") failures.push(`${c} / ${Object.is(bv, -0) ? "-0" : bv}: ${r.answer}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("z3 agrees for every double b: 1 / b against 0, all comparisons, equal to IEEE division", async () => {
    const b = freshConst("FP", "b");
    const goal = and(...encoded(1, b).map(({ mine, ieee }) => eq(mine, ieee)));
    const api = await (await import("z3-solver")).init();
    expect(await reference(api, { name: "1 / b", smt: canonicalQuery([], goal).smt, timeoutMs: NO_CLOCK_MS, rlimit: RLIMIT, jsIntegers: [] }, 1)).toBe("unsat");
  });
});

describe("the floor of y ± c, the facts a length `new Array(n + 1)` gets", () => {
  const rne: Term = { kind: "lit", text: "RNE", sort: "Bool" };

  it("JavaScript: ⌊y⌋ + c <= ⌊y + c⌋ <= ⌊y⌋ + c + 1 for |y| < 2^52 and integers |c| <= 2^32", () => {
    const ys = fc.oneof(fc.double({ min: -(2 ** 52), max: 2 ** 52, noNaN: true, noDefaultInfinity: true }), fc.constantFrom(-0, 2 ** -60, -(2 ** -60), 0.5, -0.5, 2 ** 52 - 0.5, -(2 ** 52), 2 ** 31 - 2 ** -21));
    const cs = fc.oneof(fc.integer({ min: -(2 ** 32), max: 2 ** 32 }), fc.constantFrom(1, -1, 2 ** 32, -(2 ** 32)));
    fc.assert(
      fc.property(ys, cs, (y, c) => {
        if (!(y >= -(2 ** 52) && y < 2 ** 52)) return;
        const f = Math.floor(y + c);
        expect(f >= Math.floor(y) + c && f <= Math.floor(y) + c + 1).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("recognises y + c, c + y and y − c for an integer literal c with |c| <= 2^32, nothing else", () => {
    const y = freshConst("FP", "y");
    expect(shiftedFloorFacts(app("fp.add", "FP", rne, y, fpLit(1)))).toBeDefined();
    expect(shiftedFloorFacts(app("fp.add", "FP", rne, fpLit(2 ** 32), y))).toBeDefined();
    expect(shiftedFloorFacts(app("fp.sub", "FP", rne, y, fpLit(-7)))).toBeDefined();
    expect(shiftedFloorFacts(app("fp.sub", "FP", rne, fpLit(1), y))).toBeUndefined();
    expect(shiftedFloorFacts(app("fp.add", "FP", rne, y, fpLit(0.5)))).toBeUndefined();
    expect(shiftedFloorFacts(app("fp.add", "FP", rne, y, fpLit(2 ** 32 + 1)))).toBeUndefined();
    expect(shiftedFloorFacts(app("fp.mul", "FP", rne, y, fpLit(2)))).toBeUndefined();
  });

  it("z3 agrees on every corner y: the facts hold for y + 1, y − 1, y + 2^32 and y − 2^32, and are the JavaScript floors", async () => {
    // Over all doubles at once z3 does not finish (a 64-bit adder and three conversions); the
    // property over all doubles is the JavaScript one above, and z3 checks that the encoded
    // terms hold, and are the JavaScript values, on every corner.
    const YS = [-0, 0, 2 ** -60, -(2 ** -60), 0.5, -0.5, 1, -1, 2 ** 31 - 2 ** -21, 2 ** 32 - 0.5, -(2 ** 32) - 0.5, 2 ** 52 - 0.5, -(2 ** 52), 2 ** 53, NaN, Infinity];
    const failures: string[] = [];
    for (const yv of YS) {
      for (const [op, c] of [["fp.add", 1], ["fp.sub", 1], ["fp.add", 2 ** 32], ["fp.sub", 2 ** 32]] as const) {
        const y = freshConst("FP", "y");
        const x = app(op, "FP", rne, y, fpLit(c));
        const fact = shiftedFloorFacts(x)!;
        const sum = op === "fp.add" ? yv + c : yv - c;
        // Where the facts apply (|y| < 2^52), the floor of the sum is the JavaScript one.
        const js = yv >= -(2 ** 52) && yv < 2 ** 52 ? eq(floorInt(x), intLit(BigInt(Math.floor(sum)))) : fact;
        const pin = Number.isNaN(yv) ? app("fp.isNaN", "Bool", y) : app("=", "Bool", y, fpLit(yv));
        const r = await z3.solve(canonicalQuery([pin], and(fact, js)).smt, NO_CLOCK_MS, RLIMIT);
        if (r.answer !== "unsat") failures.push(`${Object.is(yv, -0) ? "-0" : yv} ${op} ${c}: ${r.answer}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
