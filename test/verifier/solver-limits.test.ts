/**
 * A solver limit that is not a whole number must never reach z3. Found this stop: a fractional
 * or NaN `timeout` (or `rlimit`) set on z3's Solver makes its next push open no scope, so the
 * query's assertions stay on the Solver and every later query — with valid limits too — is
 * solved on top of them: a satisfiable query answered `unsat`, reported *proved*. The library
 * API let it through (`verifyDocument(loaded, {})` proved prefix[hi] for an arbitrary `hi`).
 *
 * Guards: verifyLoaded refuses such options before anything is solved (index.ts checkedLimits);
 * the session refuses such limits (z3-session.ts checkedLimit) and checks before and after each
 * query that exactly the query's scope is open (SOLVER_STATE_LOST otherwise).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkedLimits, verifyDocuments } from "../../verifier/index.js";
import { projectRoot } from "../../support/compiled-path.js";
import { join } from "node:path";
import { checkedLimit, openZ3Session, type Z3Session } from "../../verifier/solver/z3-session.js";

const CONTRADICTION = ["(declare-const x Int)", "(assert (> x 0))", "(assert (< x 0))", "(check-sat)"].join("\n");
const SATISFIABLE = ["(declare-const y Int)", "(assert (> y 0))", "(check-sat)"].join("\n");

// Valid limits bounded by work, not by the clock (the time limit is only a backstop).
const BACKSTOP_MS = 600_000;
const WORK = 1_000_000;

const INVALID = [Number.NaN, 1.5, 4999.25, -1, Number.POSITIVE_INFINITY, 2 ** 53];

let z3: Z3Session;
beforeAll(async () => {
  z3 = await openZ3Session();
}, 60_000);
afterAll(() => undefined);

describe("solver limits", () => {
  it("a session refuses a limit that is not a whole number >= 0, and answers the next queries as before", async () => {
    for (const bad of INVALID) {
      for (const [timeoutMs, rlimit] of [[bad, WORK], [BACKSTOP_MS, bad]] as const) {
        // The sequence that went wrong: an unsat query, then a satisfiable one (answered unsat).
        await expect(z3.solve(CONTRADICTION, timeoutMs, rlimit)).rejects.toThrow(/invalid solver (timeout|rlimit)/);
        await expect(z3.solve(SATISFIABLE, timeoutMs, rlimit)).rejects.toThrow(/invalid solver (timeout|rlimit)/);
        expect((await z3.solve(CONTRADICTION, BACKSTOP_MS, WORK)).answer).toBe("unsat");
        expect((await z3.solve(SATISFIABLE, BACKSTOP_MS, WORK)).answer).toBe("sat");
      }
    }
  });

  it("whole-number limits of any size are accepted: the satisfiable query stays sat after an unsat one", async () => {
    for (const [timeoutMs, rlimit] of [[BACKSTOP_MS, WORK], [2 ** 32, WORK], [2 ** 53 - 1, WORK], [BACKSTOP_MS, 2 ** 40]] as const) {
      expect((await z3.solve(CONTRADICTION, timeoutMs, rlimit)).answer).toBe("unsat");
      expect((await z3.solve(SATISFIABLE, timeoutMs, rlimit)).answer).toBe("sat");
    }
    expect(checkedLimit("timeout", 2 ** 40)).toBe(4294967295);
    expect(checkedLimit("rlimit", 7)).toBe(7);
  });

  it("verify's options are checked before anything is solved, naming the option", () => {
    expect(() => checkedLimits({ timeoutMs: Number.NaN, rlimit: 0 }, "options")).toThrow("options.timeoutMs must be a whole number >= 0 (got NaN)");
    expect(() => checkedLimits({ timeoutMs: 5000, rlimit: 0.5 }, "options.candidateLimits")).toThrow("options.candidateLimits.rlimit must be a whole number >= 0 (got 0.5)");
    expect(() => checkedLimits({ timeoutMs: undefined as unknown as number, rlimit: 0 }, "options")).toThrow(/timeoutMs .*got undefined/);
    expect(checkedLimits({ timeoutMs: 10_000, rlimit: 0 }, "options")).toEqual({ timeoutMs: 10_000, rlimit: 0 });
  });

  it("verifyDocuments with a missing or fractional limit rejects instead of verifying", async () => {
    const file = join(projectRoot(), "examples", "read-note.anrf.json");
    await expect(verifyDocuments([file], { cwd: projectRoot(), timeoutMs: undefined as unknown as number, rlimit: 0 })).rejects.toThrow(/options\.timeoutMs/);
    await expect(verifyDocuments([file], { cwd: projectRoot(), timeoutMs: 10_000, rlimit: 2.5 })).rejects.toThrow(/options\.rlimit/);
    await expect(verifyDocuments([file], { cwd: projectRoot(), timeoutMs: 10_000, rlimit: 0, candidateLimits: { timeoutMs: Number.NaN, rlimit: 0 } })).rejects.toThrow(/options\.candidateLimits\.timeoutMs/);
  });
});
