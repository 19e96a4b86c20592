/**
 * Which clause is checked where — the same classification the verifier uses
 * (verifier/extract/index.ts entityContract), so each check lines up with the obligation the
 * verifier reports for it (pure):
 *  - preconditions: the contract's, plus contract invariants without result/old (callers must
 *    establish them); checked at entry and at call sites inside the module;
 *  - postconditions (every return): the contract's, every contract invariant, and direct
 *    invariants that name only parameters and result;
 *  - loop invariants: direct invariants naming other variables, at loops where all are in scope.
 * A clause that parses but names something that is not a parameter is prose: informal.
 * `key` is what the verifier puts in ObligationResult.clause (the invariant id, else the text).
 */
import { freeNames, parseClause, usesOld, type ParsedClause } from "../../spec/contract/index.js";
import type { EntityClauses } from "./document-view.js";

export interface Clause {
  readonly key: string;
  readonly text: string;
  readonly parsed: ParsedClause;
}

export interface ClauseSets {
  readonly pre: readonly Clause[];
  readonly post: readonly Clause[];
  readonly loop: readonly Clause[];
  readonly informal: readonly Clause[];
}

export function clauseSets(raw: EntityClauses, params: readonly string[]): ClauseSets {
  const known = new Set([...params, "result", "output", "undefined", "null"]);
  const classify = (text: string): ParsedClause => {
    const clause = parseClause(text);
    if (clause.kind !== "formal") return clause;
    const unknown = freeNames(clause.expr).find((n) => !known.has(n));
    return unknown === undefined ? clause : { kind: "informal", text, reason: `'${unknown}' is not a parameter` };
  };
  const pre: Clause[] = [];
  const post: Clause[] = [];
  const loop: Clause[] = [];
  const informal: Clause[] = [];
  const add = (list: Clause[], text: string, parsed: ParsedClause, id?: string) => (parsed.kind === "informal" ? informal : list).push({ key: id ?? text, text, parsed });
  for (const text of raw.preconditions) add(pre, text, classify(text));
  for (const text of raw.postconditions) add(post, text, classify(text));
  for (const inv of raw.contractInvariants) {
    const parsed = classify(inv.text);
    add(post, inv.text, parsed, inv.id);
    if (parsed.kind === "formal" && !usesOld(parsed.expr) && !freeNames(parsed.expr).some((n) => n === "result" || n === "output")) {
      pre.push({ key: inv.text, text: inv.text, parsed });
    }
  }
  for (const inv of raw.directInvariants) {
    const parsed = parseClause(inv.text);
    if (parsed.kind !== "formal") informal.push({ key: inv.id, text: inv.text, parsed });
    else if (freeNames(parsed.expr).every((n) => known.has(n))) post.push({ key: inv.id, text: inv.text, parsed });
    else loop.push({ key: inv.id, text: inv.text, parsed });
  }
  return { pre, post, loop, informal };
}
