import type { ObligationResult } from "../../../verifier/obligation.js";
import { watchValue, type Violation } from "./bounds-watch.js";
import { holds } from "./contract-eval.js";
import type { GuestModule } from "./guest-module.js";
import type { EntityHarness } from "./entity-harness.js";

export interface RunOutcome {
  readonly threw: boolean;
  readonly result: unknown;
  readonly violations: readonly Violation[];
  /** Postcondition texts that evaluated false after a normal return. */
  readonly failedPostconditions: readonly string[];
}

/** A copy for the call: the module may mutate its arguments, and `old()` needs the originals. */
export function copyValue(value: unknown): unknown {
  if (Array.isArray(value)) return [...value];
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return (value as unknown as { slice(): unknown }).slice();
  return value;
}

export function runEntity(guest: GuestModule, harness: EntityHarness, inputs: Readonly<Record<string, unknown>>): RunOutcome {
  const fn = guest.exports[harness.name];
  if (typeof fn !== "function") throw new Error(`module does not export function ${harness.name}`);
  const old: Record<string, unknown> = {};
  const now: Record<string, unknown> = {};
  for (const p of harness.params) {
    old[p.name] = copyValue(inputs[p.name]);
    now[p.name] = copyValue(inputs[p.name]);
  }
  const violations: Violation[] = [];
  const args = harness.params.map((p) => watchValue(now[p.name], (stack) => guest.siteOfCaller(stack), (v) => violations.push(v)));
  let result: unknown;
  let threw = false;
  try {
    result = (fn as (...a: unknown[]) => unknown)(...args);
  } catch {
    threw = true;
  }
  const failedPostconditions = threw
    ? []
    : harness.postconditions.filter((c) => holds(c.expr, { values: { ...now, result, output: result }, old }) === false).map((c) => c.text);
  return { threw, result, violations, failedPostconditions };
}

/** The obligation of `kind` whose site holds the offset (innermost when nested). */
export function obligationAt(obligations: readonly ObligationResult[], offset: number | undefined, kind: ObligationResult["kind"] = "bounds"): ObligationResult | undefined {
  if (offset === undefined) return undefined;
  let best: ObligationResult | undefined;
  for (const o of obligations) {
    if (o.kind !== kind || offset < o.site.start || offset >= o.site.end) continue;
    if (best === undefined || o.site.end - o.site.start < best.site.end - best.site.start) best = o;
  }
  return best;
}
