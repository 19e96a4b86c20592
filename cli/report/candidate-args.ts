/**
 * Arguments for an entity built from an unconfirmed model (pure). The verifier names a
 * parameter's constants by source terms: `n` for a number/string/boolean parameter, `data.length`
 * for an array or typed array. Elements have no per-index values in a model, so arrays are
 * filled with the element type's zero (0, "", false, []); constants of loop heads and other
 * abstractions are not inputs and are ignored. A parameter the model does not mention is free:
 * its zero is as good a witness as any. Values no JavaScript argument can carry (integers beyond
 * 2^53, algebraic numbers) or arrays too long for a small sandbox run make the candidate
 * not runnable — never approximated, since then a run would confirm nothing.
 */
import type { ValueShape } from "../../runtime/guest/protocol.js";
import type { Counterexample } from "../../verifier/obligation.js";
import { modelValueToNumber } from "../../verifier/solver/model-values.js";

/** Longest array built for a confirmation run (the run's memory limit is small). */
export const MAX_CANDIDATE_LENGTH = 1 << 16;

export interface CandidateParam {
  readonly name: string;
  readonly shape: ValueShape;
  readonly optional: boolean;
}

export type CandidateArgs = { readonly ok: true; readonly args: unknown[] } | { readonly ok: false; readonly reason: string };

const zeroOf = (shape: ValueShape): unknown => (shape.k === "number" ? 0 : shape.k === "string" ? "" : shape.k === "boolean" ? false : []);

function scalar(name: string, shape: ValueShape, value: Counterexample[string] | undefined): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (value === undefined || value === null) return { ok: true, value: zeroOf(shape) };
  switch (shape.k) {
    case "number": {
      const n = modelValueToNumber(value);
      if (n === undefined || (typeof value === "string" && /^-?\d+$/.test(value) && !Number.isSafeInteger(n))) return { ok: false, reason: `${name} = ${String(value)} is not a JavaScript number` };
      return { ok: true, value: n };
    }
    case "string":
      return typeof value === "string" ? { ok: true, value } : { ok: false, reason: `${name} is not a string in the model` };
    case "boolean":
      return typeof value === "boolean" ? { ok: true, value } : { ok: false, reason: `${name} is not a boolean in the model` };
    default:
      return { ok: false, reason: `${name} is an array, not a scalar` };
  }
}

export function candidateArgs(params: readonly CandidateParam[], candidate: Counterexample): CandidateArgs {
  const args: unknown[] = [];
  for (const p of params) {
    if (p.shape.k === "array" || p.shape.k === "typed") {
      const raw = candidate[`${p.name}.length`];
      const length = raw === undefined || raw === null ? 0 : modelValueToNumber(raw);
      if (length === undefined || !Number.isSafeInteger(length) || length < 0) return { ok: false, reason: `${p.name}.length = ${String(raw)} is not a length` };
      if (length > MAX_CANDIDATE_LENGTH) return { ok: false, reason: `${p.name}.length = ${length} is longer than a confirmation run builds (${MAX_CANDIDATE_LENGTH})` };
      const elem = p.shape.k === "array" ? zeroOf(p.shape.elem) : 0;
      // Typed arrays cross as plain arrays of numbers (the guest copies them into its own class).
      args.push(Array.from({ length }, () => (Array.isArray(elem) ? [] : elem)));
      continue;
    }
    const v = scalar(p.name, p.shape, candidate[p.name]);
    if (!v.ok) return v;
    args.push(v.value);
  }
  return { ok: true, args };
}

/** Arguments as the user would type them for `anrf run --args` (−0, NaN, ±Infinity spelled out; long arrays abbreviated). */
export function showArgs(params: readonly CandidateParam[], args: readonly unknown[]): string[] {
  return args.map((a, i) => {
    const name = params[i]?.name ?? `#${i}`;
    if (Array.isArray(a)) {
      const zero = a.length === 0 ? "" : JSON.stringify(a[0]);
      return a.length <= 8 ? `${name} = ${JSON.stringify(a)}` : `${name} = [${zero} × ${a.length}]`;
    }
    if (typeof a === "number") return `${name} = ${Object.is(a, -0) ? "-0" : String(a)}`;
    return `${name} = ${JSON.stringify(a)}`;
  });
}
