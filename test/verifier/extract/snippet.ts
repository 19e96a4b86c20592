import { extractObligations, type ExtractionInput } from "../../../verifier/extract/index.js";
import type { Obligation } from "../../../verifier/obligation.js";

/** Extracts obligations from a module snippet whose entity `f` (or `names`) carries one contract each. */
export function extract(
  moduleText: string,
  contract: { pre?: string[]; post?: string[] } = {},
  more: Partial<ExtractionInput> = {},
): Obligation[] {
  return extractObligations({
    documentFile: "doc.anrf.json",
    moduleFile: "mod.ts",
    moduleText,
    entities: [{ id: "E", name: "f", type: "Function" }],
    contracts: [{ id: "C", preconditions: contract.pre ?? [], postconditions: contract.post ?? [], invariants: [] }],
    invariants: [],
    filesystem: "ReadOnly",
    network: false,
    mounts: [{ mount: "/data", path: "data" }],
    ...more,
  }).obligations;
}

export function only(obligations: readonly Obligation[], kind: Obligation["kind"]): Obligation[] {
  return obligations.filter((o) => o.kind === kind);
}
