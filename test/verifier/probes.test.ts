/**
 * Probes after a query runs out of budget (verifier/solver/probes.ts, z3-session.ts): the query
 * with its floating-point parameters pinned. A pinned query only adds assertions, so its `sat`
 * is a model of the query; the tests check the text it builds, that a probe answers where the
 * query alone exhausts its resources, and that the model it gives is a real failing call.
 * z3 work is bounded by rlimit, never by the clock.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { extractObligations } from "../../verifier/extract/index.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../../support/compiled-path.js";
import { floatParameters, outOfBudget, pinned, probeBudget, probeSchedule, PROBE_BASES, PROBE_VALUES, worthProbing } from "../../verifier/solver/probes.js";
import { openZ3Session, type Z3Session } from "../../verifier/solver/z3-session.js";
import { decodeModelValue } from "../../verifier/solver/model-values.js";

const NO_CLOCK_MS = 2 ** 31 - 1;

describe("pinned queries (text)", () => {
  const query = ["(set-logic ALL)", "(declare-const p0 (_ FloatingPoint 11 53))", "(declare-const p1_len Int)", "(declare-const p2 (_ FloatingPoint 11 53))", "(declare-const v0 (_ FloatingPoint 11 53))", "(assert (fp.lt p0 p2))", "(check-sat)", ""].join("\n");

  it("pins the floating-point parameters only (not Int parameters, not other constants)", () => {
    expect(floatParameters(query)).toEqual(["p0", "p2"]);
  });

  it("adds one equality per parameter before (check-sat) and keeps every original line", () => {
    const text = pinned(query, ["p0", "p2"], -1);
    const lines = text.split("\n");
    for (const line of query.split("\n").filter((l) => l !== "")) expect(lines).toContain(line);
    const minusOne = "(fp #b1 #b01111111111 #b0000000000000000000000000000000000000000000000000000)";
    expect(lines.filter((l) => l.startsWith("(assert (= p"))).toEqual([`(assert (= p0 ${minusOne}))`, `(assert (= p2 ${minusOne}))`]);
    expect(lines.indexOf(`(assert (= p2 ${minusOne}))`)).toBeLessThan(lines.indexOf("(check-sat)"));
    expect(pinned(query, ["p0"], Number.NaN)).toContain("(assert (= p0 (_ NaN 11 53)))");
  });

  it("tries one value for every parameter first, then each parameter alone at each value over a base", () => {
    const schedule = probeSchedule(["p0", "p2"]);
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
    expect(probeSchedule(["p1"])).toHaveLength(PROBE_VALUES.length);
    expect(probeSchedule([])).toEqual([]);
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
    const { obligations } = extractObligations({
      documentFile: "doc.anrf.json",
      moduleFile: "mod.ts",
      moduleText: code,
      entities: [{ id: "f", name: "f", type: "Function" }],
      contracts: [{ id: "C-f", preconditions: [], postconditions: [], invariants: [], applies_to: ["f"] }],
      invariants: [],
      filesystem: "None",
      network: false,
      mounts: [],
    });
    const o = obligations.find((x) => x.kind === "bounds" && x.description.includes("w[n]"));
    expect(o?.smt).toBeTruthy();
    return { smt: o!.smt! };
  };
  // Resources the query alone does not finish with, and a probe needs a small share of.
  const RLIMIT = 4_000_000;

  it("answers sat where the query alone exhausts its rlimit, with a model that is a real failing call", async () => {
    const { smt } = site();
    expect(floatParameters(smt)).toEqual(["p0"]);
    // The same query with the parameter renamed is not probed: it runs out of resources.
    const unprobed = await z3.solve(smt.replaceAll("p0", "q0"), NO_CLOCK_MS, RLIMIT);
    expect(unprobed.answer).toBe("unknown");
    const probed = await z3.solve(smt, NO_CLOCK_MS, RLIMIT);
    expect(probed.answer).toBe("sat");
    const n = decodeModelValue(probed.model!["p0"]!);
    expect(typeof n).toBe("number");
    expect(PROBE_VALUES.some((v) => Object.is(v, n))).toBe(true);
    // The call really fails at w[n]: the array exists (no RangeError) and n is not an index of it.
    const w = new Array((n as number) + 1).fill(0);
    expect(Number.isInteger(n) && (n as number) >= 0 && (n as number) < w.length).toBe(false);
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

  // The reach corpus's histogram with its natural precondition (scores in [0, 1)): `table[b]`
  // fails only for buckets = 0 (Math.min(-1, 0) = -1 on an empty table). With the quantified
  // precondition, E-matching ends "incomplete quantifiers" or runs out, and MBQI finds no
  // model within its share; the probe with buckets pinned to 0 does, with MBQI, at once.
  it("finds a model after a quantified query ends without one (probes with MBQI)", async () => {
    const code = readFileSync(join(projectRoot(), "bench", "corpus", "src", "histogram-table.ts"), "utf8");
    const { obligations } = extractObligations({
      documentFile: "doc.anrf.json",
      moduleFile: "histogram-table.ts",
      moduleText: code,
      entities: [{ id: "h", name: "histogram", type: "Function" }],
      contracts: [{ id: "C-h", preconditions: ["forall(i, 0, scores.length, scores[i] >= 0 && scores[i] < 1)"], postconditions: [], invariants: [], applies_to: ["h"] }],
      invariants: [],
      filesystem: "None",
      network: false,
      mounts: [],
    });
    const o = obligations.find((x) => x.kind === "bounds" && x.description.includes("table[b]"));
    expect(o?.smt).toContain("(forall ");
    const smt = o!.smt!;
    const buckets = floatParameters(smt);
    expect(buckets).toEqual(["p1"]);
    const unprobed = await z3.solve(smt.replaceAll("p1", "q1"), NO_CLOCK_MS, 2_000_000);
    expect(unprobed.answer).toBe("unknown");
    const probed = await z3.solve(smt, NO_CLOCK_MS, 2_000_000);
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
    const code = readFileSync(join(projectRoot(), "bench", "corpus", "src", "prefix-sum-2d.ts"), "utf8");
    const { obligations } = extractObligations({
      documentFile: "doc.anrf.json",
      moduleFile: "prefix-sum-2d.ts",
      moduleText: code,
      entities: [{ id: "r", name: "regionSum", type: "Function" }],
      contracts: [{ id: "C-r", preconditions: [], postconditions: [], invariants: [], applies_to: ["r"] }],
      invariants: [],
      filesystem: "None",
      network: false,
      mounts: [],
    });
    const o = obligations.find((x) => x.kind === "bounds" && x.description.startsWith("0 <= c1 < pre[r2 + 1].length"));
    const smt = o!.smt!;
    expect(floatParameters(smt)).toEqual(["p1", "p2", "p3", "p4"]);
    const unprobed = await z3.solve(smt.replaceAll(/\bp([1-4])\b/g, "q$1"), NO_CLOCK_MS, 2_000_000);
    expect(unprobed.answer).toBe("unknown");
    const probed = await z3.solve(smt, NO_CLOCK_MS, 2_000_000);
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
});
