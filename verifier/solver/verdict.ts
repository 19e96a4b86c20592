import type { Counterexample, Obligation, SolverLimits, Verdict } from "../obligation.js";
import { decodeModelValue } from "./model-values.js";
import type { RawModel, SolveOutcome } from "./protocol.js";

/**
 * Turn z3's answer into a verdict. The only way to `proved` is an `unsat` answer: every
 * failure (parse error, crash, cancellation) and every `unknown` keeps the runtime check.
 */
/**
 * Comment line the extractor puts into a query whose constants include an abstraction (a loop
 * head's havocked state, a length after a call, a callee's result, a rounding witness): a model
 * of it may describe no real run, so `sat` there is not a counterexample.
 */
export const ABSTRACTION_MARKER = "; anrf: counterexample depends on an abstraction";

export const UNCONFIRMED_REASON = "counterexample depends on a loop abstraction; not confirmed";

/**
 * `obligation.smt`, when given, is the query text: `sat` on a query carrying ABSTRACTION_MARKER
 * is reported unknown (the runtime check stays), never refuted with a possibly bogus model.
 */
export function verdictFromOutcome(outcome: SolveOutcome, obligation: Pick<Obligation, "symbols"> & { readonly smt?: string | null | undefined }, limits: SolverLimits): Verdict {
  if (outcome.kind === "failed") {
    return { status: "unknown", reason: outcome.reason, counterexample: null, cost: { timeMs: round(outcome.timeMs) } };
  }
  const cost = { timeMs: round(outcome.timeMs), rlimit: outcome.rlimitUsed };
  switch (outcome.answer) {
    case "unsat":
      return { status: "proved", reason: "unsat", counterexample: null, cost };
    case "sat":
      // The model is kept as a *candidate* (not a counterexample): `anrf verify` may confirm it
      // by running the entity on those values in the sandbox (cli/report/confirm.ts).
      if (obligation.smt?.includes(ABSTRACTION_MARKER)) {
        return { status: "unknown", reason: UNCONFIRMED_REASON, counterexample: null, candidate: counterexampleFromModel(outcome.model ?? {}, obligation.symbols), cost };
      }
      return {
        status: "refuted",
        reason: "sat: z3 found a counterexample",
        counterexample: counterexampleFromModel(outcome.model ?? {}, obligation.symbols),
        cost,
      };
    case "unknown":
      return { status: "unknown", reason: unknownReason(outcome.reasonUnknown, limits, outcome.rlimitUsed), counterexample: null, cost };
  }
}

export function unknownReason(reason: string | undefined, limits: SolverLimits, rlimitUsed?: number): string {
  const text = (reason ?? "").trim();
  // z3 says "canceled" for both limits; the resource counter tells them apart.
  if (limits.rlimit > 0 && rlimitUsed !== undefined && rlimitUsed >= limits.rlimit) {
    return `solver resource limit (rlimit ${limits.rlimit}) exhausted`;
  }
  if (text.startsWith("only counterexamples with integers beyond 2^53")) return `not proved: ${text}`;
  if (text === "canceled" || text === "timeout" || text.includes("timeout")) return `solver timeout after ${limits.timeoutMs} ms`;
  if (text.includes("resource limit") || text.includes("rlimit")) return `solver resource limit (rlimit ${limits.rlimit}) exhausted`;
  return `solver incomplete: ${text || "no reason given"}`;
}

/**
 * Model → counterexample in source terms: constants named in `symbols` appear under their
 * source name (e.g. "i" → "index in data[i]"); auxiliary constants are left out. Without a
 * symbol table every constant appears under its SMT name.
 */
export function counterexampleFromModel(model: RawModel, symbols: Readonly<Record<string, string>> | undefined): Counterexample {
  const out: Record<string, string | number | boolean | null> = {};
  for (const name of Object.keys(model).sort()) {
    const source = symbols === undefined ? name : symbols[stripQuotes(name)] ?? symbols[name];
    if (source === undefined) continue;
    out[source] = decodeModelValue(model[name]!);
  }
  return out;
}

function stripQuotes(name: string): string {
  return name.startsWith("|") && name.endsWith("|") ? name.slice(1, -1) : name;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
