/** A sandbox outcome (checked plain data) → the public RunResult (pure). */
import type { CheckLocation, CheckSpec, ViolationData } from "../guest/protocol.js";
import type { SandboxOutcome } from "./sandbox.js";
import type { RunResult, RunSecurity, Violation } from "./types.js";

export interface OutcomeContext {
  readonly entity: string;
  readonly documentHash: string;
  readonly security: RunSecurity;
  readonly checks: readonly CheckSpec[];
  readonly fallback: { readonly declared: boolean; readonly value: unknown };
  readonly timing: { readonly totalMs: number; readonly instrumentMs: number; readonly coldStart: boolean };
  /** Maps a generated-JS position back to the module source (facade violations). */
  readonly locate?: ((line: number, column: number) => CheckLocation | undefined) | undefined;
}

function countsById(checks: readonly CheckSpec[], counters: readonly number[] | undefined): Record<string, number> | undefined {
  if (counters === undefined) return undefined;
  const out: Record<string, number> = {};
  checks.forEach((c, i) => (out[c.id] = (out[c.id] ?? 0) + (counters[i] ?? 0)));
  return out;
}

export function outcomeToResult(outcome: SandboxOutcome, ctx: OutcomeContext): RunResult {
  const base = { entity: ctx.entity, documentHash: ctx.documentHash, ...(outcome.memory !== undefined ? { memory: outcome.memory } : {}) };
  const timing = (guestMs: number | null) => ({ ...ctx.timing, guestMs });
  const security = (executed: number, counters?: readonly number[], claimsGranted?: number): RunSecurity => ({
    ...ctx.security,
    checksExecuted: executed,
    checkCounts: ctx.security.mode === "testing" ? countsById(ctx.checks, counters) : undefined,
    ...(claimsGranted !== undefined ? { claimsGranted } : {}),
  });
  const placed = (v: ViolationData): Violation => {
    const { generated, ...rest } = v;
    if (rest.location !== null || generated === undefined || ctx.locate === undefined) return rest;
    const location = ctx.locate(generated.line, generated.column);
    if (location === undefined) return rest;
    const where = `${location.file}:${location.line}:${location.column}`;
    return { ...rest, location, message: `${rest.message} (at ${where})` };
  };
  const violated = (raw: readonly ViolationData[], executed: number, counters?: readonly number[], claimsGranted?: number): RunResult => {
    const violations = raw.map(placed);
    const degrade = ctx.security.policy === "degrade" && ctx.fallback.declared;
    return {
      ...base,
      status: "violation",
      value: degrade ? ctx.fallback.value : undefined,
      degraded: degrade,
      violations,
      security: security(executed, counters, claimsGranted),
      timing: timing(null),
    };
  };
  switch (outcome.kind) {
    case "done": {
      const d = outcome.done;
      if (d.status === "violation") return violated(d.violations, d.checksExecuted, d.counters, d.claimsGranted ?? 0);
      return {
        ...base,
        status: d.status,
        value: d.status === "ok" ? d.value : undefined,
        violations: [],
        error: d.error,
        security: security(d.checksExecuted, d.counters, d.claimsGranted ?? 0),
        timing: timing(d.guestMs),
      };
    }
    case "violation":
      return violated([outcome.violation.violation], outcome.violation.checksExecuted, outcome.violation.counters, outcome.violation.claimsGranted ?? 0);
    case "timeout":
      return { ...base, status: "timeout", value: undefined, violations: [], error: { code: "ANRF_TIMEOUT", message: `the run exceeded its wall-time limit of ${ctx.security.limits.timeMs} ms and was stopped` }, security: security(0), timing: timing(null) };
    case "interrupted":
      return { ...base, status: "error", value: undefined, violations: [], error: { code: "ANRF_INTERRUPTED", message: "the run was interrupted by its caller and its sandbox was stopped" }, security: security(0), timing: timing(null) };
    case "out-of-memory":
      return { ...base, status: "out-of-memory", value: undefined, violations: [], error: { code: "ANRF_OUT_OF_MEMORY", message: outcome.detail }, security: security(0), timing: timing(null) };
    case "crashed":
      return { ...base, status: "error", value: undefined, violations: [], error: { code: "ANRF_SANDBOX_CRASHED", message: outcome.detail }, security: security(0), timing: timing(null) };
  }
}
