import type { QueryPart } from "./components.js";
import type { SessionAnswer } from "./z3-session.js";

export type SolveWhole = (smt: string, timeoutMs: number, rlimit: number, jsIntegers: readonly string[]) => Promise<SessionAnswer>;

/**
 * Decides a query from its independent parts (components.ts), in order (the goal's part first):
 *  - some part unsat → unsat (a subset of the assertions is already contradictory);
 *  - every part sat → sat, with the union of the parts' models (disjoint constants);
 *  - otherwise unknown, with the first part's reason.
 * All parts share the query's time budget (and resource budget when rlimit > 0): each check gets
 * what the earlier ones left, so the whole never takes longer than one query would.
 */
export async function solveParts(parts: readonly QueryPart[], timeoutMs: number, rlimit: number, jsIntegers: readonly string[], solveWhole: SolveWhole, now: () => number = () => performance.now()): Promise<SessionAnswer> {
  const deadline = now() + timeoutMs;
  let used = 0;
  let anyUsed = false;
  let unknown: SessionAnswer | undefined;
  const model: Record<string, string> = {};
  for (const part of parts) {
    const left = Math.floor(deadline - now());
    const rlimitLeft = rlimit > 0 ? rlimit - used : 0;
    if (left <= 0 || (rlimit > 0 && rlimitLeft <= 0)) {
      // Out of budget before every part was decided: not an answer, whatever the parts said.
      unknown ??= { answer: "unknown", reasonUnknown: left <= 0 ? "timeout" : "resource limit (rlimit) exhausted" };
      break;
    }
    const names = new Set(part.constants);
    const r = await solveWhole(part.smt, left, rlimitLeft, jsIntegers.filter((n) => names.has(n)));
    if (r.rlimitUsed !== undefined) {
      used += r.rlimitUsed;
      anyUsed = true;
    }
    const rlimitUsed = anyUsed ? used : undefined;
    if (r.answer === "unsat") return { answer: "unsat", rlimitUsed };
    if (r.answer === "unknown") unknown ??= r;
    else Object.assign(model, r.model ?? {});
  }
  const rlimitUsed = anyUsed ? used : undefined;
  if (unknown !== undefined) return { answer: "unknown", reasonUnknown: unknown.reasonUnknown, rlimitUsed };
  return { answer: "sat", model, rlimitUsed };
}
