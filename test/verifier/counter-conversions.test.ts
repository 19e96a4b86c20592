/**
 * Two facts about integers the extractor now keeps (issue 12, the last bounds time-out):
 *
 * - a loop counter that only steps one way (`a++`, `i -= 2`) but whose bound is a double or a
 *   name the loop changes still never passes its entry value, and is never −0 unless it started
 *   so (verifier/extract/loops.ts monotoneCounters);
 * - an integer converted to a double twice on one path gets one constant, also when the first
 *   conversion was inside a conditional operand (`c <= a && dp[a - c] …`: numbers.ts smallToFP,
 *   State.asDouble, exec-expr underCondition).
 *
 * Each query is extracted without inferred invariants and solved by z3 bounded by rlimit, never
 * by the clock; a `sat` model is checked against a real run where it stands for one.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { extract } from "./extract/snippet.js";
import { openZ3Session, type Z3Session } from "../../verifier/solver/z3-session.js";
import { projectRoot } from "../../support/compiled-path.js";

const NO_CLOCK_MS = 2 ** 31 - 1;
const RLIMIT = 3_000_000;

interface Site {
  readonly smt: string;
}

/** The bounds obligations of `name` in `code`, by `line:column` of their site. */
function boundsSites(code: string, name: string, preconditions: string[] = []): Map<string, Site> {
  const out = new Map<string, Site>();
  for (const o of extract(code, { pre: preconditions }, { entities: [{ id: "E", name, type: "Function" }] })) {
    if (o.kind !== "bounds") continue;
    out.set(`${o.location.line}:${o.location.column}`, { smt: o.smt ?? "" });
  }
  return out;
}

describe("counters and conversions", () => {
  let z3: Z3Session;
  beforeAll(async () => {
    z3 = await openZ3Session();
  });

  const solve = async (site: Site | undefined, rlimit = RLIMIT, probes = true): Promise<string> => {
    expect(site?.smt, "the site has a query").toBeTruthy();
    return (await z3.solve(site!.smt, NO_CLOCK_MS, rlimit, [], { probes })).answer;
  };

  it("an up counter with a double bound is at least its start: xs[a - 1] for a from 1 is proved", async () => {
    const code = [
      "export function f(xs: number[], n: number): number {",
      "  let s = 0;",
      "  for (let a = 1; a <= n; a++) {",
      "    if (a <= xs.length) s += xs[a - 1];",
      "  }",
      "  return s;",
      "}",
      "",
    ].join("\n");
    expect(await solve(boundsSites(code, "f").get("4:30"))).toBe("unsat");
    // From 0 the same read fails at a = 0 (xs[-1]): a real model, not a proof.
    expect(await solve(boundsSites(code.replace("let a = 1", "let a = 0"), "f").get("4:30"))).toBe("sat");
  });

  it("a down counter with a double bound is at most its start: xs[i] for i from xs.length - 1 is proved", async () => {
    const code = [
      "export function g(xs: number[], t: number): number {",
      "  let s = 0;",
      "  for (let i = xs.length - 1; i >= t; i--) {",
      "    if (i >= 0) s += xs[i];",
      "  }",
      "  return s;",
      "}",
      "",
    ].join("\n");
    expect(await solve(boundsSites(code, "g").get("4:22"))).toBe("unsat");
    expect(await solve(boundsSites(code.replace("xs.length - 1", "xs.length"), "g").get("4:22"))).toBe("sat");
  });

  it("a counter that may start as −0 may still be −0 (1 / a is −Infinity on the first iteration)", async () => {
    const code = [
      "export function h(xs: number[], ys: number[], n: number): number {",
      "  for (let a = -xs.length; a < n; a++) {",
      "    if (1 / a === -Infinity) return ys[0];",
      "  }",
      "  return 0;",
      "}",
      "",
    ].join("\n");
    // h([], [], 1) starts at a = −0 and reads ys[0] of an empty array: never a proof (the loop makes any model
    // a candidate: unknown).
    const site = boundsSites(code, "h").get("3:37");
    // a as a double: a zero of either sign where a is 0, else the integer's double.
    expect(site?.smt).toMatch(/\(ite \(= v\d+ 0\) v\d+ v\d+\)/);
    // Not proved, within a small budget and without probes (z3 answers unknown: the model is
    // over the loop's abstraction); the text above is what tells the two encodings apart.
    expect(await solve(site, 300_000, false)).not.toBe("unsat");
  });

  it("a counter moved by another assignment too gets no bound from its start", async () => {
    const code = [
      "export function k(xs: number[], n: number): number {",
      "  let s = 0;",
      "  for (let a = 1; a <= n; a++) {",
      "    if (a > 3) a = -5;",
      "    if (a <= xs.length) s += xs[a - 1];",
      "  }",
      "  return s;",
      "}",
      "",
    ].join("\n");
    expect(await solve(boundsSites(code, "k").get("5:30"))).not.toBe("unsat");
  });

  // The reach corpus's coin change without contracts: `dp[a - c]` in `dp[a] = dp[a - c] + 1`
  // holds because the same index passed its check in the condition. The condition converted `a`
  // to a double inside `&&`'s right operand; the assignment converts it again. With two
  // constants z3 must bit-blast both to see them equal (a 10 s time-out on the corpus); with
  // one, the condition's check is the assignment's.
  it("coin change: the assignment's dp[a - c] reuses the condition's conversion of a and is proved", async () => {
    const code = readFileSync(join(projectRoot(), "bench", "corpus", "src", "coin-change.ts"), "utf8");
    const sites = boundsSites(code, "coinChange");
    const assigned = sites.get("6:52");
    expect(assigned?.smt.match(/\(declare-const v\d+ \(_ FloatingPoint 11 53\)\)/g)?.length, "doubles in the query").toBeGreaterThan(0);
    expect(await solve(assigned)).toBe("unsat");
  });
});
