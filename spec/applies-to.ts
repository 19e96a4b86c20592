/**
 * Which entities a contract or invariant constrains (TypeScript profile, ANRF-1.1.md §6):
 * `applies_to` when given; when absent, the document's only `Function` entity — or nothing
 * when there are zero or several (the `applies-to` rule reports that case). An invariant named
 * by a contract constrains what the contract constrains; only an invariant no contract names
 * ("used directly") falls back to the default. One definition for the validator, the verifier
 * and the runtime.
 */
import type { AnrfDocument, Invariant, SecurityContract } from "./document.js";

/** The id of the document's only Function entity, if it has exactly one. */
export const soleFunctionEntity = (doc: AnrfDocument): string | undefined => {
  const functions = doc.semantics.entities.filter((e) => e.type === "Function");
  return functions.length === 1 ? functions[0]!.id : undefined;
};

export const contractTargets = (doc: AnrfDocument, contract: SecurityContract): readonly string[] => {
  if (contract.applies_to !== undefined) return contract.applies_to;
  const sole = soleFunctionEntity(doc);
  return sole === undefined ? [] : [sole];
};

/** Is the invariant named in some contract's `invariants`? */
export const usedByContract = (doc: AnrfDocument, invariant: Invariant): boolean =>
  doc.semantics.security_contracts.some((c) => c.invariants.includes(invariant.id));

/** Entities the invariant constrains directly (not through a contract naming it). */
export const directInvariantTargets = (doc: AnrfDocument, invariant: Invariant): readonly string[] => {
  if (invariant.applies_to !== undefined) return invariant.applies_to;
  if (usedByContract(doc, invariant)) return [];
  const sole = soleFunctionEntity(doc);
  return sole === undefined ? [] : [sole];
};
