/**
 * Probes after a query runs out of budget (verifier/solver/probes.ts, z3-session.ts): the query
 * with its floating-point parameters pinned. A pinned query only adds assertions, so its `sat`
 * is a model of the query; the tests check the text it builds, that a probe answers where the
 * query alone exhausts its resources, and that the model it gives is a real failing call.
 * z3 work is bounded by rlimit, never by the clock.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { extract } from "./extract/snippet.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../../support/compiled-path.js";
import { convertedConstants, CONVERTED_VALUES, EARLY_PROBES, earlyBudget, ELEMENT_VALUES, floatArrayParameters, floatParameters, outOfBudget, pinnedTo, pinnedValues, probeBudget, probeSchedule, PROBE_BASES, PROBE_VALUES, worthProbing } from "../../verifier/solver/probes.js";
import { openZ3Session, type Z3Session } from "../../verifier/solver/z3-session.js";
import { decodeModelValue } from "../../verifier/solver/model-values.js";
import { ABSTRACTION_MARKER } from "../../verifier/solver/verdict.js";
import { fpLitText } from "../../verifier/extract/terms.js";

const NO_CLOCK_MS = 2 ** 31 - 1;

/** The query of the first bounds obligation of a reach-corpus function whose description passes `is`. */
function corpusQuery(file: string, name: string, preconditions: string[], is: (description: string) => boolean): string {
  const code = readFileSync(join(projectRoot(), "bench", "corpus", "src", `${file}.ts`), "utf8");
  const o = extract(code, { pre: preconditions }, { entities: [{ id: "E", name, type: "Function" }] }).find((x) => x.kind === "bounds" && is(x.description));
  expect(o?.smt).toBeTruthy();
  return o!.smt!;
}

describe("pinned queries (text)", () => {
  const query = ["(set-logic ALL)", "(declare-const p0 (_ FloatingPoint 11 53))", "(declare-const p1_len Int)", "(declare-const p2 (_ FloatingPoint 11 53))", "(declare-const v0 (_ FloatingPoint 11 53))", "(assert (fp.lt p0 p2))", "(check-sat)", ""].join("\n");

  it("pins the floating-point parameters only (not Int parameters, not other constants)", () => {
    expect(floatParameters(query)).toEqual(["p0", "p2"]);
  });

  it("writes each pinned parameter's value in place of its name and drops its declaration; nothing else changes", () => {
    const minusOne = "(fp #b1 #b01111111111 #b0000000000000000000000000000000000000000000000000000)";
    const text = pinnedTo(query, [["p0", -1], ["p2", -1]]);
    expect(text.split("\n")).toEqual(["(set-logic ALL)", "(declare-const p1_len Int)", "(declare-const v0 (_ FloatingPoint 11 53))", `(assert (fp.lt ${minusOne} ${minusOne}))`, "(check-sat)", ""]);
    expect(pinnedTo(query, [["p0", Number.NaN]])).toContain("(assert (fp.lt (_ NaN 11 53) p2))");
    // Whole symbols only: p1 is neither p1_len nor p10.
    const similar = ["(declare-const p1 (_ FloatingPoint 11 53))", "(declare-const p10 (_ FloatingPoint 11 53))", "(declare-const p1_len Int)", "(assert (fp.lt p1 p10))", "(assert (< p1_len 3))", "(check-sat)"].join("\n");
    const zero = "(fp #b0 #b00000000000 #b0000000000000000000000000000000000000000000000000000)";
    expect(pinnedTo(similar, [["p1", 0]])).toBe(["(declare-const p10 (_ FloatingPoint 11 53))", "(declare-const p1_len Int)", `(assert (fp.lt ${zero} p10))`, "(assert (< p1_len 3))", "(check-sat)"].join("\n"));
    // Every element of an array parameter: a constant array.
    const arrays = ["(declare-const p0_elems (Array Int (_ FloatingPoint 11 53)))", "(declare-const v1 Int)", "(assert (fp.isNaN (select p0_elems v1)))", "(check-sat)"].join("\n");
    expect(floatArrayParameters(arrays)).toEqual(["p0_elems"]);
    expect(pinnedTo(arrays, [["p0_elems", 0.5, "elements"]])).toBe(["(declare-const v1 Int)", "(assert (fp.isNaN (select ((as const (Array Int (_ FloatingPoint 11 53))) (fp #b0 #b01111111110 #b0000000000000000000000000000000000000000000000000000)) v1)))", "(check-sat)"].join("\n"));
    // The model of a probe gets the pinned doubles back (not the arrays: no model constant).
    expect(pinnedValues([["p1", -1], ["p0_elems", 0.5, "elements"]])).toEqual({ p1: minusOne });
  });

  it("finds the doubles a query converts to an integer (parameters or not), never other constants", () => {
    const smt = [
      "(declare-const p1 (_ FloatingPoint 11 53))",
      "(declare-const v6 (_ FloatingPoint 11 53))",
      "(declare-const v7 (_ FloatingPoint 11 53))",
      "(declare-const v2 Int)",
      "(assert (= (bv2nat ((_ fp.to_sbv 64) RTN v6)) v2))",
      "(assert (= (bv2nat ((_ fp.to_sbv 64) RTN (fp.add RNE p1 v7))) v2))",
      "(assert (= (bv2nat ((_ fp.to_sbv 64) RTN p1)) v2))",
      "(check-sat)",
    ].join("\n");
    // v7 only inside a sum that is converted: left to z3.
    expect(convertedConstants(smt)).toEqual(["v6", "p1"]);
  });

  it("tries one value for every parameter first, then each parameter alone at each value over a base", () => {
    const schedule = probeSchedule({ params: ["p0", "p2"] });
    // Every probe pins every parameter, once each.
    for (const pins of schedule) expect(pins.map(([p]) => p)).toEqual(["p0", "p2"]);
    expect(schedule.slice(0, PROBE_VALUES.length).map((pins) => pins.map(([, v]) => v))).toEqual(PROBE_VALUES.map((v) => [v, v]));
    const rest = schedule.slice(PROBE_VALUES.length);
    // 2 bases × 2 parameters × the 5 values other than the base, less the two that both
    // bases give ((1, 0) and (0, 1)); no probe twice.
    expect(PROBE_BASES).toEqual([0, 1]);
    expect(rest).toHaveLength(2 * 2 * (PROBE_VALUES.length - 1) - 2);
    const keys = schedule.map((pins) => pins.map(([p, v]) => `${p}=${Object.is(v, -0) ? "-0" : String(v)}`).join(","));
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toContain("p0=0.5,p2=0");
    expect(keys).toContain("p0=1,p2=NaN");
    // A single parameter: only the shared values (the rest would repeat them).
    expect(probeSchedule({ params: ["p1"] })).toHaveLength(PROBE_VALUES.length);
    expect(probeSchedule({ params: [] })).toEqual([]);
  });

  it("pins the converted doubles and the elements first, then the parameters with and without the counters", () => {
    const schedule = probeSchedule({ params: ["p1"], converted: ["p1", "v6"], arrays: ["p0_elems"] });
    const text = schedule.map((pins) => pins.map(([n, v, a]) => `${n}${a === undefined ? "" : "[*]"}=${v}`).join(","));
    const first = ELEMENT_VALUES.flatMap((e) => CONVERTED_VALUES.map((b) => `p1=${b},v6=${b},p0_elems[*]=${e}`));
    expect(text.slice(0, first.length)).toEqual(first);
    // Then the parameter at each value with the counter v6 at each of its own, the elements
    // free (so p1 = v6 = 0 is not the same probe as above); these include the converted
    // doubles alone at the probe values (0 and 1).
    const paired = PROBE_VALUES.flatMap((v) => CONVERTED_VALUES.map((b) => `p1=${v},v6=${b}`));
    expect(text.slice(first.length, first.length + paired.length)).toEqual(paired);
    // Then the parameter's own values, v6 and the elements free, and last the converted
    // doubles alone at the values that are not probe values (2).
    expect(text.slice(first.length + paired.length)).toEqual([...PROBE_VALUES.map((v) => `p1=${v}`), ...CONVERTED_VALUES.filter((b) => !PROBE_VALUES.includes(b)).map((b) => `p1=${b},v6=${b}`)]);
    // No arrays: the converted doubles at each value, first.
    expect(probeSchedule({ params: ["p1"], converted: ["v6"], arrays: [] }).slice(0, CONVERTED_VALUES.length)).toEqual(CONVERTED_VALUES.map((b) => [["v6", b]]));
  });

  it("pins the parameters at each value with the converted non-parameters (counters) at each of theirs, before the parameters alone", () => {
    const schedule = probeSchedule({ params: ["p1"], converted: ["p1", "v6"], arrays: [] });
    const text = schedule.map((pins) => pins.map(([n, v]) => `${n}=${v}`).join(","));
    // Phase 0: everything converted at one value.
    expect(text.slice(0, CONVERTED_VALUES.length)).toEqual(CONVERTED_VALUES.map((b) => `p1=${b},v6=${b}`));
    // Then the parameter at each probe value with the counter at each of its values (those of
    // phase 0 not again), then the parameter alone.
    const paired = PROBE_VALUES.flatMap((v) => CONVERTED_VALUES.filter((b) => b !== v).map((b) => `p1=${v},v6=${b}`));
    expect(text.slice(CONVERTED_VALUES.length, CONVERTED_VALUES.length + paired.length)).toEqual(paired);
    expect(text.slice(CONVERTED_VALUES.length + paired.length)).toEqual(PROBE_VALUES.map((v) => `p1=${v}`));
    // Only converted parameters: nothing between phase 0 and the parameters alone.
    expect(probeSchedule({ params: ["p1"], converted: ["p1"] }).map((pins) => pins.map(([n, v]) => `${n}=${v}`).join(","))).toEqual([
      ...CONVERTED_VALUES.map((b) => `p1=${b}`),
      ...PROBE_VALUES.filter((v) => !CONVERTED_VALUES.includes(v)).map((v) => `p1=${v}`),
    ]);
  });

  it("tries the query and the first probes early within a twentieth of the budget (at most 200 000 units or 200 ms)", () => {
    expect(earlyBudget(10_000, 0)).toEqual({ timeMs: 200, rlimit: 0 });
    expect(earlyBudget(2_000, 0)).toEqual({ timeMs: 100, rlimit: 0 });
    expect(earlyBudget(NO_CLOCK_MS, 2_000_000)).toEqual({ timeMs: Math.floor(NO_CLOCK_MS / 20), rlimit: 100_000 });
    expect(earlyBudget(NO_CLOCK_MS, 10_000_000)).toEqual({ timeMs: Math.floor(NO_CLOCK_MS / 20), rlimit: 200_000 });
    // Work-bounded with a backstop: the slice's time is a twentieth of the backstop too, so all
    // phases together stay below the pool's stuck-worker limit even if z3 ignored its rlimit.
    expect(earlyBudget(300_000, 3_000_000)).toEqual({ timeMs: 15_000, rlimit: 150_000 });
    const phases = (t: number, r: number) => 2 * earlyBudget(t, r).timeMs + t + probeBudget(t, r).timeMs;
    expect(phases(300_000, 3_000_000)).toBeLessThan(2 * 300_000);
    expect(EARLY_PROBES).toBeGreaterThanOrEqual(CONVERTED_VALUES.length);
  });

  it("probes with a share of the budget, and only after a time or resource limit", () => {
    expect(probeBudget(10_000, 0)).toEqual({ timeMs: 2500, rlimit: 0 });
    expect(probeBudget(2_000, 8_000_000)).toEqual({ timeMs: 500, rlimit: 2_000_000 });
    // Bounded by work: no 2.5 s cap on top of the query's own (effectively absent) time limit.
    expect(probeBudget(2 ** 31 - 1, 8_000_000)).toEqual({ timeMs: Math.floor((2 ** 31 - 1) / 4), rlimit: 2_000_000 });
    expect(outOfBudget("timeout")).toBe(true);
    expect(outOfBudget("canceled")).toBe(true);
    expect(outOfBudget("max. resource limit exceeded")).toBe(true);
    expect(outOfBudget("(incomplete quantifiers)")).toBe(false);
    expect(outOfBudget(undefined)).toBe(false);
    // Probes also follow an incomplete instantiation, never the 2^53 re-check's refusal.
    expect(worthProbing("timeout")).toBe(true);
    expect(worthProbing("(incomplete quantifiers)")).toBe(true);
    expect(worthProbing("only counterexamples with integers beyond 2^53, which no JavaScript number holds exactly")).toBe(false);
    expect(worthProbing(undefined)).toBe(false);
  });
});

describe("probes in the z3 session", () => {
  let z3: Z3Session;
  beforeAll(async () => {
    z3 = await openZ3Session();
  });

  // `new Array(n + 1)` for a double n, then `w[n]`: a real failure for n = −1 (an empty array)
  // or a fraction that n + 1 absorbs. z3 must bit-blast n's conversions to find any model.
  const code = "export function f(n: number): number {\n  const w = new Array(n + 1).fill(0);\n  return w[n];\n}\n";
  const site = (): { smt: string } => {
    const o = extract(code).find((x) => x.kind === "bounds" && x.description.includes("w[n]"));
    expect(o?.smt).toBeTruthy();
    return { smt: o!.smt! };
  };
  // Resources the query alone does not finish with, and a probe needs a small share of.
  const RLIMIT = 2_000_000;

  it("answers sat where the query alone exhausts its rlimit, with a model that is a real failing call", async () => {
    const { smt } = site();
    expect(floatParameters(smt)).toEqual(["p0"]);
    // The same query without probes runs out of resources.
    const unprobed = await z3.solve(smt, NO_CLOCK_MS, RLIMIT, [], { probes: false });
    expect(unprobed.answer).toBe("unknown");
    const probed = await z3.solve(smt, NO_CLOCK_MS, RLIMIT);
    expect(probed.answer).toBe("sat");
    const n = decodeModelValue(probed.model!["p0"]!);
    expect(typeof n).toBe("number");
    expect(PROBE_VALUES.some((v) => Object.is(v, n))).toBe(true);
    // The call really fails at w[n]: the array exists (no RangeError) and n is not an index of it.
    const w = new Array((n as number) + 1).fill(0);
    expect(Number.isInteger(n) && (n as number) >= 0 && (n as number) < w.length).toBe(false);
    // Found early: the query within its slice, then the first probes within as much again —
    // not after the query's whole budget (the query alone used all of it, above).
    const slice = earlyBudget(NO_CLOCK_MS, RLIMIT).rlimit;
    expect(unprobed.rlimitUsed).toBeGreaterThanOrEqual(RLIMIT);
    expect(probed.rlimitUsed).toBeLessThanOrEqual(2 * slice + 1000);
  });

  it("a query the early slice does not decide still gets its whole budget: 3x = 6 only for x = 2", async () => {
    // Unsat, and more work for z3 than the slice (a bit-blasted multiplier); every early
    // probe pins x and is unsat, so the query's own whole-budget run decides it.
    const smt = ["(set-logic ALL)", "(declare-const p0 (_ FloatingPoint 11 53))", `(assert (fp.eq (fp.mul RNE p0 ${fpLitText(3)}) ${fpLitText(6)}))`, `(assert (not (fp.eq p0 ${fpLitText(2)})))`, "(check-sat)"].join("\n");
    const slice = earlyBudget(NO_CLOCK_MS, RLIMIT).rlimit;
    expect((await z3.solve(smt, NO_CLOCK_MS, slice, [], { probes: false })).answer).toBe("unknown");
    const r = await z3.solve(smt, NO_CLOCK_MS, RLIMIT);
    expect(r.answer).toBe("unsat");
    expect(r.rlimitUsed).toBeGreaterThan(slice);
  });

  it("keeps the query's own answer when every probe is unsat: no double squares to exactly 2", async () => {
    // Unsat, and costly for z3 (a bit-blasted multiplier); each pinned probe is unsat at once.
    const two = "(fp #b0 #b10000000000 #b0000000000000000000000000000000000000000000000000000)";
    const smt = ["(set-logic ALL)", "(declare-const p0 (_ FloatingPoint 11 53))", `(assert (fp.eq (fp.mul RNE p0 p0) ${two}))`, "(check-sat)"].join("\n");
    const r = await z3.solve(smt, NO_CLOCK_MS, 200_000);
    expect(r.answer).toBe("unknown");
    expect(outOfBudget(r.reasonUnknown)).toBe(true);
    // The next query reports its own resource use: z3's counter belongs to the Context, and a
    // Solver replaced after a cut-short query starts from where the old one stopped (reported
    // from 0, the use included every earlier query's, and spent the budget of later parts).
    const next = await z3.solve(["(set-logic ALL)", "(declare-const q0 Int)", "(assert (< q0 q0))", "(check-sat)"].join("\n"), NO_CLOCK_MS, 200_000);
    expect(next.answer).toBe("unsat");
    expect(next.rlimitUsed).toBeLessThan(200_000);
  });

  // A quantified fact over an array no probe pins, in a query over an abstraction (E-matching
  // first): E-matching alone never says sat with a forall left, so the probe p0 = −1 — the
  // model of p0 · (p0 + 1) = p0 + 1 that bit-blasting the product does not reach — needs MBQI.
  it("probes with model-based instantiation, so a quantified fact does not stop a model", async () => {
    const one = "(fp #b0 #b01111111111 #b0000000000000000000000000000000000000000000000000000)";
    const smt = [
      "(set-logic ALL)",
      "(declare-const p0 (_ FloatingPoint 11 53))",
      "(declare-const a (Array Int Int))",
      "(declare-const n Int)",
      "(assert (forall ((q Int)) (=> (and (<= 0 q) (< q n)) (>= (select a q) q))))",
      "(assert (> n 2))",
      "(assert (< (select a 1) 5))",
      `(assert (fp.eq (fp.mul RNE p0 (fp.add RNE p0 ${one})) (fp.add RNE p0 ${one})))`,
      ABSTRACTION_MARKER,
      "(check-sat)",
    ].join("\n");
    const unprobed = await z3.solve(smt, NO_CLOCK_MS, 1_000_000, [], { probes: false });
    expect(unprobed.answer).toBe("unknown");
    const probed = await z3.solve(smt, NO_CLOCK_MS, 1_000_000);
    expect(probed.answer).toBe("sat");
    const p0 = decodeModelValue(probed.model!["p0"]!) as number;
    // IEEE equality, as fp.eq: −1 · (−1 + 1) is −0, which equals 0.
    expect(p0 * (p0 + 1) === p0 + 1).toBe(true);
  });

  // The reach corpus's histogram with its natural precondition (scores in [0, 1)): `table[b]`
  // fails only for buckets = 0 (Math.min(-1, 0) = -1 on an empty table). With the quantified
  // precondition, E-matching ends "incomplete quantifiers" or runs out, and MBQI finds no
  // model within its share; a probe with buckets pinned to 0 (and the scores pinned, which
  // makes the quantified precondition ground) finds one at once.
  it("finds a model after a quantified query ends without one (the corpus's histogram)", async () => {
    const smt = corpusQuery("histogram-table", "histogram", ["forall(i, 0, scores.length, scores[i] >= 0 && scores[i] < 1)"], (d) => d.includes("table[b]"));
    expect(smt).toContain("(forall ");
    const buckets = floatParameters(smt);
    expect(buckets).toEqual(["p1"]);
    const unprobed = await z3.solve(smt, NO_CLOCK_MS, 1_000_000, [], { probes: false });
    expect(unprobed.answer).toBe("unknown");
    const probed = await z3.solve(smt, NO_CLOCK_MS, 1_000_000);
    expect(probed.answer).toBe("sat");
    const b = decodeModelValue(probed.model!["p1"]!) as number;
    expect(Object.is(b, 0)).toBe(true);
    // The call fails there: scores [0.5] (in [0, 1)) and buckets 0 give the index −1 of [].
    const table: number[] = Array(b).fill(0);
    const index = Math.min(b - 1, Math.floor(0.5 * b));
    expect(index >= 0 && index < table.length).toBe(false);
  });

  // The reach corpus's prefix-sum-2d without contracts: `pre[r2 + 1][c1]` fails for c1 = −1 or
  // 0.5 with r1, r2, c2 indices. One value for all four parameters is never a model (an index
  // and a non-index at once); c1 varied with the others at 0 is.
  it("finds a model where the parameters need different values (one varied, the others at a base)", async () => {
    const smt = corpusQuery("prefix-sum-2d", "regionSum", [], (d) => d.startsWith("0 <= c1 < pre[r2 + 1].length"));
    expect(floatParameters(smt)).toEqual(["p1", "p2", "p3", "p4"]);
    const unprobed = await z3.solve(smt, NO_CLOCK_MS, 500_000, [], { probes: false });
    expect(unprobed.answer).toBe("unknown");
    const probed = await z3.solve(smt, NO_CLOCK_MS, 500_000);
    expect(probed.answer).toBe("sat");
    const value = (name: string) => decodeModelValue(probed.model![name]!) as number;
    const [r1, c1, r2, c2] = ["p1", "p2", "p3", "p4"].map(value) as [number, number, number, number];
    const rows = Number(probed.model!["p0_len"]);
    const cols = Number(probed.model!["v0"]); // grid[0].length
    // A real failing call: rows + 1 rows of cols + 1 entries; every access before pre[r2 + 1][c1]
    // is in range, and c1 is not an index of that row.
    const index = (i: number, n: number) => Number.isInteger(i) && i >= 0 && i < n;
    expect(rows).toBeGreaterThanOrEqual(1);
    expect([index(r2 + 1, rows + 1), index(c2 + 1, cols + 1), index(r1, rows + 1)]).toEqual([true, true, true]);
    expect(index(c1, cols + 1)).toBe(false);
  });

  // The reach corpus's coin-change without contracts: `dp[a - c]` fails for a coin of 0.5 (or
  // −1) at amount 1. Free, the amount and the loop counter are doubles z3 must convert to
  // integers, and the elements any doubles; pinned together, the model comes in milliseconds.
  it("finds a model with the converted doubles and the array elements pinned together", async () => {
    const smt = corpusQuery("coin-change", "coinChange", [], (d) => d.includes("at dp[a - c]"));
    expect(floatArrayParameters(smt)).toEqual(["p0_elems"]);
    expect(convertedConstants(smt)).toContain("p1");
    const unprobed = await z3.solve(smt, NO_CLOCK_MS, 500_000, [], { probes: false });
    expect(unprobed.answer).toBe("unknown");
    const probed = await z3.solve(smt, NO_CLOCK_MS, 500_000);
    expect(probed.answer).toBe("sat");
    const amount = decodeModelValue(probed.model!["p1"]!) as number;
    expect(PROBE_BASES).toContain(amount);
    // With every coin one of the element values, a real call reads dp at a non-index.
    const fails = (coin: number): boolean => {
      const dp: number[] = Array(amount + 1).fill(Infinity);
      for (let a = 1; a <= amount; a++) if (coin <= a && !(Number.isInteger(a - coin) && a - coin >= 0 && a - coin < dp.length)) return true;
      return false;
    };
    expect(ELEMENT_VALUES.some(fails)).toBe(true);
  });

  // The reach corpus's sieve without contracts: `isPrime[i]` in `for (let i = 2; i <= n; i++)`
  // holds, but over the loops' abstraction (isPrime's length havocked by the loop before) it has
  // a model — which needs n >= 2, since the counter never goes below its start. With the
  // converted doubles only at 0 and 1 no probe found it, and the query timed out.
  it("finds a model that needs a converted double at 2 (a counter that starts there)", async () => {
    const smt = corpusQuery("sieve", "sieve", [], (d) => d.includes("at isPrime[i]"));
    expect(smt).toContain(ABSTRACTION_MARKER);
    const unprobed = await z3.solve(smt, NO_CLOCK_MS, 500_000, [], { probes: false });
    expect(unprobed.answer).toBe("unknown");
    const probed = await z3.solve(smt, NO_CLOCK_MS, 500_000);
    expect(probed.answer).toBe("sat");
    const n = decodeModelValue(probed.model!["p0"]!) as number;
    expect(n).toBe(2);
  });

  // The reach corpus's moving-average without contracts: `xs[i - window]` under `i >= window`
  // fails for window −1 at i = 0, or 0.5 at i = 1. With only the parameter pinned, z3 is left
  // the counter's conversion to bit-blast (the query sat at the corpus's 10 s limit); with the
  // counter pinned too, the model comes in milliseconds.
  it("finds a model that needs a parameter at a probe value and the loop counter at a base", async () => {
    const smt = corpusQuery("moving-average", "movingAverage", [], (d) => d.includes("at xs[i - window]"));
    const params = floatParameters(smt);
    expect(params).toHaveLength(1);
    expect(convertedConstants(smt).filter((c) => !params.includes(c)).length).toBeGreaterThan(0);
    const unprobed = await z3.solve(smt, NO_CLOCK_MS, 500_000, [], { probes: false });
    expect(unprobed.answer).toBe("unknown");
    const probed = await z3.solve(smt, NO_CLOCK_MS, 500_000);
    expect(probed.answer).toBe("sat");
    const window = decodeModelValue(probed.model![params[0]!]!) as number;
    // A real call with that window and two elements reads xs at a non-index.
    const fails = (xs: number[]): boolean => {
      for (let i = 0; i < xs.length; i++) if (i >= window && !(Number.isInteger(i - window) && i - window >= 0 && i - window < xs.length)) return true;
      return false;
    };
    expect(fails([1, 2])).toBe(true);
  });
});
