import { freeNames, parseClause, usesOld, type ParsedClause } from "../../spec/contract/index.js";
import type { ExtractionInput } from "./input.js";

/** The contract clauses that apply to one Function entity, sorted by how the extractor uses them. */
export interface EntityContract {
  readonly pre: Array<{ clause: ParsedClause; id?: string }>;
  readonly post: Array<{ clause: ParsedClause; id?: string }>;
  readonly loop: Array<{ clause: ParsedClause; id: string }>;
  readonly informal: Array<{ clause: ParsedClause; id?: string }>;
}

export function entityContract(input: ExtractionInput, entityId: string, functionCount: number, params: readonly string[]): EntityContract {
  const applies = (to: readonly string[] | undefined): boolean => (to ? to.includes(entityId) : functionCount === 1);
  const pre: Array<{ clause: ParsedClause; id?: string }> = [];
  const post: Array<{ clause: ParsedClause; id?: string }> = [];
  const loop: Array<{ clause: ParsedClause; id: string }> = [];
  const informal: Array<{ clause: ParsedClause; id?: string }> = [];
  const invariantById = new Map(input.invariants.map((i) => [i.id, i]));
  const known = new Set([...params, "result", "output", "undefined", "null"]);
  // A clause that parses but names something that is not a parameter is prose ("bounded", "safe").
  const classify = (text: string): ParsedClause => {
    const clause = parseClause(text);
    if (clause.kind !== "formal") return clause;
    const unknown = freeNames(clause.expr).find((n) => !known.has(n));
    return unknown === undefined ? clause : { kind: "informal", text, reason: `not in the contract language: '${unknown}' is not a parameter` };
  };
  const add = (list: Array<{ clause: ParsedClause; id?: string }>, clause: ParsedClause, id?: string): void => {
    if (clause.kind === "informal") informal.push(id ? { clause, id } : { clause });
    else list.push(id ? { clause, id } : { clause });
  };
  for (const contract of input.contracts) {
    if (!applies(contract.applies_to)) continue;
    for (const text of contract.preconditions) add(pre, classify(text));
    for (const text of contract.postconditions) add(post, classify(text));
    for (const invId of contract.invariants) {
      const inv = invariantById.get(invId);
      if (!inv) continue;
      const clause = classify(inv.formal_representation);
      add(post, clause, inv.id);
      // An invariant without result/old holds at entry too: callers must establish it.
      if (clause.kind === "formal" && !usesOld(clause.expr) && !freeNames(clause.expr).some((n) => n === "result" || n === "output")) pre.push({ clause, id: inv.id });
    }
  }
  // Invariants used directly: `applies_to`, or (absent, and named by no contract) the only
  // Function entity — the same rule as spec/applies-to.ts, which the runtime follows too.
  const namedByContract = new Set(input.contracts.flatMap((c) => c.invariants));
  for (const inv of input.invariants) {
    if (inv.applies_to === undefined ? namedByContract.has(inv.id) || functionCount !== 1 : !inv.applies_to.includes(entityId)) continue;
    const parsed = parseClause(inv.formal_representation);
    if (parsed.kind !== "formal") {
      informal.push({ clause: parsed, id: inv.id });
      continue;
    }
    // Only parameters and result: a function-level invariant, asserted at every return.
    // Other names: a loop invariant for every loop where they are all in scope.
    if (freeNames(parsed.expr).every((n) => known.has(n))) post.push({ clause: parsed, id: inv.id });
    else loop.push({ clause: parsed, id: inv.id });
  }
  return { pre, post, loop, informal };
}
