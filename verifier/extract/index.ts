import type { Obligation } from "../obligation.js";
import { extractEntity } from "./entity.js";
import { toExtractionInput, type DocumentExtractionInput, type ExtractionEntity, type ExtractionInput, type ExtractionProblem } from "./input.js";
import { analyseModule, type ModuleAnalysis } from "./module-analysis.js";
import { finalize, LineTable, type RawObligation } from "./positions.js";

/**
 * Front end of the verifier: a module's TypeScript and the document's contracts become
 * Obligations with canonical SMT-LIB text (see docs/verification.md for what is modelled).
 * Pure and synchronous; this folder is the only place that imports ts-morph, so the rest of
 * the application can load it lazily.
 *
 * Stages: analyseModule (parse, check, callee contracts) → extractEntity per Function entity
 * (raw obligations, positions as tokens) → assembleExtraction (document order, finalize). The
 * pipeline runs the same stages but skips entities whose raw obligations it has memoised, and
 * analyses only what changed (outlineModule + entityKeyParts decide; see
 * verifier/pipeline/incremental-obligations.ts).
 */

/**
 * Bumped whenever the encoding of any obligation, or how a query is solved, changes: part of
 * the proof-cache key. (10: probes after incomplete quantifiers, one parameter at a time, and
 * with the converted doubles and array elements pinned — a cached unknown of 8 may now be sat.
 * 9 was used by a reverted change and is skipped. 11: a counter that only steps one way keeps
 * its entry value as a bound and is never −0; one double per integer converted on a path; probes
 * also pin the converted doubles at 2. 12: probes pin the parameters with the loop counters at a
 * base, and the first probes are tried early — a cached unknown of 11 may now be sat. 13: the
 * length of `Array(y ± c)` states −2^52 <= y < 2^52 — a cached unknown of 12 may now be unsat.
 * 14: the solver session refuses limits that are not whole numbers and checks its scopes around
 * each query — a library caller's fractional or NaN limit desynchronised the Solver, so an
 * `unsat` stored by 13 or earlier may belong to another query's assertions and is not reused.)
 */
export const ENCODING_VERSION = "anrf-encode-14";

export type { DocumentExtractionInput, ExtractionContract, ExtractionEntity, ExtractionInput, ExtractionInvariant, ExtractionProblem } from "./input.js";
export { toExtractionInput } from "./input.js";
export { analyseModule, type ModuleAnalysis } from "./module-analysis.js";
export { extractEntity } from "./entity.js";
export { entityKeyParts, type EntityFunction, type EntityKeyParts } from "./skeleton.js";
export { outlineModule, type ModuleOutline } from "./outline.js";

export interface ExtractionResult {
  readonly obligations: Obligation[];
  readonly problems: ExtractionProblem[];
}

export function extractObligations(given: ExtractionInput | DocumentExtractionInput): ExtractionResult {
  const input = "document" in given ? toExtractionInput(given) : given;
  const m = analyseModule(input);
  const raw = new Map<string, readonly RawObligation[]>();
  for (const id of m.resolved.keys()) raw.set(id, extractEntity(m, id));
  return assembleExtraction(m, raw);
}

/**
 * The module's obligations in document order from each resolved entity's raw obligations:
 * entities that name no exported function first (unverifiable, with a problem), then every
 * resolved entity's obligations, finalized against the module text.
 */
export function assembleExtraction(m: Pick<ModuleAnalysis, "input" | "functionEntities" | "resolved">, raw: ReadonlyMap<string, readonly RawObligation[]>): ExtractionResult {
  const { input } = m;
  const problems: ExtractionProblem[] = [];
  const obligations: Obligation[] = [];
  for (const e of m.functionEntities) {
    if (m.resolved.has(e.id)) continue;
    problems.push({ code: "ENTITY_NO_FUNCTION", entity: e.id, message: `entity '${e.id}' names '${e.name}', which is not an exported function of ${input.moduleFile}` });
    obligations.push(...unverifiableObligations({ documentFile: input.documentFile, entities: [e], reason: `no exported function '${e.name}' in ${input.moduleFile}` }));
  }
  const lines = new LineTable(input.moduleText);
  for (const id of m.resolved.keys()) {
    const entity = raw.get(id);
    if (entity === undefined) throw new Error(`no obligations for entity '${id}'`);
    for (const o of entity) obligations.push(finalize(o, input.moduleFile, lines));
  }
  return { obligations, problems };
}

/** Obligations for code-level guarantees of a document without checkable code: reported unverifiable, never verified. */
export function unverifiableObligations(input: { documentFile: string; entities: ReadonlyArray<ExtractionEntity>; reason?: string }): Obligation[] {
  return input.entities.map((e) => ({
    id: `${e.id}/unverifiable/1:1`,
    entity: e.id,
    kind: "unverifiable" as const,
    location: { file: input.documentFile, line: 1, column: 1 },
    site: { start: 0, end: 0 },
    description: `code-level guarantees of '${e.name}' cannot be verified: ${input.reason ?? "the document carries no code"}`,
    smt: null,
    unsupportedReason: input.reason ?? "the document carries no code",
  }));
}

export { boundsDescription } from "./exec-bounds.js";
