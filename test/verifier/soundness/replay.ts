import type { Counterexample } from "../../../verifier/obligation.js";
import { modelValueToNumber } from "../../../verifier/solver/model-values.js";
import { virtualArray } from "./bounds-watch.js";
import type { EntityHarness } from "./entity-harness.js";

/** Beyond this many elements a counterexample's array is replayed as a virtual array-like. */
const MATERIALISE_LIMIT = 1 << 16;

/**
 * Inputs from a counterexample, when it determines them: every number parameter by name,
 * every array/string parameter by `<name>.length` (elements `<name>[k]` when given, else 0 /
 * "a"). `undefined` when some parameter is not determined.
 */
export function inputsFromCounterexample(harness: EntityHarness, cx: Counterexample): Record<string, unknown> | undefined {
  const inputs: Record<string, unknown> = {};
  for (const p of harness.params) {
    if (p.type.kind === "number") {
      const v = modelValueToNumber(cx[p.name] ?? null);
      if (v === undefined) return undefined;
      inputs[p.name] = v;
      continue;
    }
    if (p.type.kind === "boolean") {
      if (typeof cx[p.name] !== "boolean") return undefined;
      inputs[p.name] = cx[p.name];
      continue;
    }
    const length = modelValueToNumber(cx[`${p.name}.length`] ?? cx[`len(${p.name})`] ?? null);
    if (length === undefined || !Number.isInteger(length) || length < 0) return undefined;
    if (p.type.kind === "string") {
      if (length > MATERIALISE_LIMIT) return undefined;
      inputs[p.name] = "a".repeat(length);
      continue;
    }
    if (length > MATERIALISE_LIMIT) {
      inputs[p.name] = virtualArray(length, 0);
      continue;
    }
    const items = Array.from({ length }, (_, k) => modelValueToNumber(cx[`${p.name}[${k}]`] ?? null) ?? 0);
    inputs[p.name] = p.type.kind === "typed" ? new globalThis[p.type.ctor](items) : items;
  }
  return inputs;
}
