/**
 * z3 for the extractor's tests, through the product's own session (verifier/solver/z3-session.ts):
 * each query parsed with Z3_parse_smtlib2_string and checked in a push/pop scope, with no
 * GC-finalised z3 wrapper created per query (a finaliser running during an async check races
 * with z3's single-threaded heap — see the session's comments).
 */
import { openZ3Session } from "../../../verifier/solver/z3-session.js";

export interface Z3Check {
  check(smt: string): Promise<"sat" | "unsat" | "unknown">;
}

export async function openZ3(): Promise<Z3Check> {
  const session = await openZ3Session();
  return {
    async check(smt) {
      return (await session.solve(smt, 60_000, 0)).answer;
    },
  };
}
