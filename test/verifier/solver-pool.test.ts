import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { SolverPool } from "../../verifier/solver/pool.js";
import { verdictFromOutcome } from "../../verifier/solver/verdict.js";
import { solverVersion } from "../../verifier/solver/solver-version.js";

const limits = { timeoutMs: 5_000, rlimit: 0 };
const bounds = (extra = "") =>
  `(declare-const i Int)(declare-const n Int)(assert (>= n 1))(assert (<= 0 i))(assert (< i n))${extra}` +
  `(assert (not (and (<= 0 (- n 1 i)) (< (- n 1 i) n))))(check-sat)`;
// x^3 + y^3 = z^3 with x, y, z > 1: unsat (Fermat) but far beyond z3's nonlinear arithmetic.
const hard =
  "(declare-const x Int)(declare-const y Int)(declare-const z Int)(assert (> x 1))(assert (> y 1))(assert (> z 1))" +
  "(assert (= (+ (* x x x) (* y y y)) (* z z z)))(check-sat)";

describe("solver pool (real z3 in worker threads)", () => {
  const pool = new SolverPool({ size: 2 });
  afterAll(() => pool.close());

  it("starts no worker (so loads no z3) before the first query", () => {
    expect(new SolverPool({ size: 4 }).stats().workersStarted).toBe(0);
  });

  it("proves an unsat bounds query and reuses one solver for queries with the same constant names", async () => {
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => pool.solve({ smt: bounds(), ...limits })));
    for (const outcome of outcomes) expect(verdictFromOutcome(outcome, {}, limits).status).toBe("proved");
    expect(pool.stats().workersStarted).toBeLessThanOrEqual(2);
  });

  it("refutes with a counterexample in source terms, leaving out auxiliary constants", async () => {
    const smt = "(declare-const i Int)(declare-const n Int)(declare-const aux Int)(assert (= aux 1))(assert (>= n 0))(assert (not (< i n)))(assert (> i 5))(check-sat)";
    const verdict = verdictFromOutcome(await pool.solve({ smt, ...limits }), { symbols: { i: "i", n: "data.length" } }, limits);
    expect(verdict.status).toBe("refuted");
    const cx = verdict.counterexample!;
    expect(Object.keys(cx).sort()).toEqual(["data.length", "i"]);
    expect(cx["i"] as number).toBeGreaterThan(5);
    expect(cx["i"] as number).toBeGreaterThanOrEqual(cx["data.length"] as number);
  });

  it("decodes IEEE specials, strings, reals, booleans and 32-bit vectors from real models", async () => {
    const cases: [string, (v: unknown) => void][] = [
      ["(declare-const x Float64)(assert (fp.isNaN x))(check-sat)", (v) => expect(v).toBe("NaN")],
      ["(declare-const x Float64)(assert (fp.isInfinite x))(assert (fp.isNegative x))(check-sat)", (v) => expect(v).toBe("-Infinity")],
      ["(declare-const x Float64)(assert (fp.isZero x))(assert (fp.isNegative x))(check-sat)", (v) => expect(v).toBe("-0")],
      ["(declare-const x Float64)(assert (fp.eq x ((_ to_fp 11 53) RNE (- 2.75))))(check-sat)", (v) => expect(v).toBe(-2.75)],
      ['(declare-const x String)(assert (= x (str.++ "/da\\u{22}ta/" "..")))(check-sat)', (v) => expect(v).toBe('/da"ta/..')],
      ["(declare-const x Real)(assert (= (* 2.0 x) (- 3.0)))(check-sat)", (v) => expect(v).toBe(-1.5)],
      ["(declare-const x Bool)(assert x)(check-sat)", (v) => expect(v).toBe(true)],
      ["(declare-const x (_ BitVec 32))(assert (= x (bvshl #x00000001 #x0000001f)))(check-sat)", (v) => expect(v).toBe(-(2 ** 31))],
    ];
    for (const [smt, check] of cases) {
      const verdict = verdictFromOutcome(await pool.solve({ smt, ...limits }), { symbols: { x: "x" } }, limits);
      expect(verdict.status, smt).toBe("refuted");
      check(verdict.counterexample!["x"]);
    }
  });

  it("never returns a counterexample no JavaScript number can hold: re-asks within ±2^53, else unknown", async () => {
    const big = "(declare-const x Int)(declare-const aux Int)(assert (> x 9007199254740993))(assert (> aux 9007199254740993))(check-sat)";
    const only = verdictFromOutcome(await pool.solve({ smt: big, ...limits, jsIntegers: ["x"] }), { symbols: { x: "x" } }, limits);
    expect(only.status).toBe("unknown");
    expect(only.reason).toMatch(/beyond 2\^53/);
    // Unconstrained internal constants may stay big; only source terms are bounded.
    const mixed = "(declare-const x Int)(declare-const aux Int)(assert (> aux 9007199254740993))(assert (or (> x 9007199254740993) (= x (- 7))))(check-sat)";
    const verdict = verdictFromOutcome(await pool.solve({ smt: mixed, ...limits, jsIntegers: ["x"] }), { symbols: { x: "x" } }, limits);
    expect(verdict).toMatchObject({ status: "refuted", counterexample: { x: -7 } });
  });

  it("reports malformed SMT as unknown with the parser's message, never proved", async () => {
    const verdict = verdictFromOutcome(await pool.solve({ smt: "(declare-const x Int)(assert (foo x))(check-sat)", ...limits }), {}, limits);
    expect(verdict.status).toBe("unknown");
    expect(verdict.reason).toMatch(/parse error.*foo/);
  });

  it("answers unknown with the reason on timeout and on rlimit", async () => {
    const timeout = { timeoutMs: 300, rlimit: 0 };
    const timedOut = verdictFromOutcome(await pool.solve({ smt: hard, ...timeout }), {}, timeout);
    expect(timedOut).toMatchObject({ status: "unknown", reason: "solver timeout after 300 ms" });
    const rlimited = { timeoutMs: 30_000, rlimit: 2_000 };
    const exhausted = verdictFromOutcome(await pool.solve({ smt: hard, ...rlimited }), {}, rlimited);
    expect(exhausted).toMatchObject({ status: "unknown", reason: "solver resource limit (rlimit 2000) exhausted" });
  });

  it("applies rlimit per query, not over the solver's lifetime", async () => {
    const small = { timeoutMs: 5_000, rlimit: 20_000 };
    const single = new SolverPool({ size: 1 });
    try {
      for (let k = 0; k < 60; k++) {
        const verdict = verdictFromOutcome(await single.solve({ smt: bounds(), ...small }), {}, small);
        expect(verdict.status, `query ${k}`).toBe("proved");
      }
    } finally {
      await single.close();
    }
  });

  it("cancels a running query through its AbortSignal and keeps serving others", async () => {
    const controller = new AbortController();
    const running = pool.solve({ smt: hard, timeoutMs: 60_000, rlimit: 0 }, controller.signal);
    setTimeout(() => controller.abort(), 200);
    expect(await running).toMatchObject({ kind: "failed", reason: "cancelled" });
    const after = await pool.solve({ smt: bounds(), ...limits });
    expect(verdictFromOutcome(after, {}, limits).status).toBe("proved");
    const aborted = new AbortController();
    aborted.abort();
    expect(await pool.solve({ smt: bounds(), ...limits }, aborted.signal)).toMatchObject({ kind: "failed", reason: "cancelled" });
  });

  it("knows the solver version without starting z3", () => {
    expect(solverVersion()).toMatch(/^z3-solver@\d+\.\d+\.\d+$/);
  });
});

describe("solver pool failure handling", () => {
  const fake = fileURLToPath(new URL("./fixtures/fake-solver-worker.mjs", import.meta.url));

  it("replaces a crashed worker and reports its query unknown with the reason", async () => {
    const pool = new SolverPool({ size: 1, workerPath: fake });
    try {
      const [crashed, next] = await Promise.all([
        pool.solve({ smt: "CRASH", ...limits }),
        pool.solve({ smt: "(check-sat)", ...limits }),
      ]);
      expect(crashed).toMatchObject({ kind: "failed" });
      expect(crashed.kind === "failed" && crashed.reason).toMatch(/solver worker crashed \(exit code 7/);
      expect(verdictFromOutcome(crashed, {}, limits).status).toBe("unknown");
      expect(next).toMatchObject({ kind: "answer", answer: "unsat" });
      expect(pool.stats()).toMatchObject({ workersStarted: 2, workersReplaced: 1 });
    } finally {
      await pool.close();
    }
  });

  it("declares a silent worker stuck after timeout + grace and replaces it", async () => {
    const pool = new SolverPool({ size: 1, workerPath: fake, graceMs: 100 });
    try {
      // The first query on a worker gets the init allowance, so warm the worker up first.
      await pool.solve({ smt: "(check-sat)", ...limits });
      const stuck = await pool.solve({ smt: "HANG", timeoutMs: 100, rlimit: 0 });
      expect(stuck.kind === "failed" && stuck.reason).toMatch(/did not answer within 200 ms/);
      expect(await pool.solve({ smt: "(check-sat)", ...limits })).toMatchObject({ kind: "answer", answer: "unsat" });
    } finally {
      await pool.close();
    }
  });

  it("answers queued queries 'solver pool closed' on close", async () => {
    const pool = new SolverPool({ size: 1, workerPath: fake });
    const pending = [pool.solve({ smt: "HANG", ...limits }), pool.solve({ smt: "(check-sat)", ...limits })];
    await new Promise((r) => setTimeout(r, 50));
    await pool.close();
    for (const outcome of await Promise.all(pending)) expect(outcome).toMatchObject({ kind: "failed", reason: "solver pool closed" });
  });

  it("fails loudly (internal error) when the compiled worker is missing", async () => {
    const pool = new SolverPool({ size: 1, workerPath: "/nonexistent/solver-worker.js" });
    await expect(pool.solve({ smt: "(check-sat)", ...limits })).rejects.toThrow(/npm run build/);
  });

  it("grows on demand: a handful of queries share one worker; a backlog, or queries left waiting, start more", async () => {
    const few = new SolverPool({ size: 4, workerPath: fake });
    try {
      const answers = await Promise.all(Array.from({ length: 10 }, () => few.solve({ smt: "(check-sat)", ...limits })));
      expect(answers.every((a) => a.kind === "answer")).toBe(true);
      expect(few.stats().workersStarted).toBe(1);
    } finally {
      await few.close();
    }
    const many = new SolverPool({ size: 4, workerPath: fake });
    try {
      await Promise.all(Array.from({ length: 200 }, () => many.solve({ smt: "(check-sat)", ...limits })));
      expect(many.stats().workersStarted).toBeGreaterThan(1);
      expect(many.stats().workersStarted).toBeLessThanOrEqual(4);
    } finally {
      await many.close();
    }
    // A query that does not come back keeps its worker busy: the one queued behind it gets a second worker.
    const slow = new SolverPool({ size: 2, workerPath: fake });
    try {
      await slow.solve({ smt: "(check-sat)", ...limits });
      const hang = slow.solve({ smt: "HANG", ...limits });
      expect(await slow.solve({ smt: "(check-sat)", ...limits })).toMatchObject({ kind: "answer" });
      expect(slow.stats().workersStarted).toBe(2);
      void hang;
    } finally {
      await slow.close();
    }
  });
});
