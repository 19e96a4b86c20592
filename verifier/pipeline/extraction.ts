import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ExtractionMemo } from "../../proofs-cache/api.js";
import { sha256Hex } from "../../proofs-cache/key.js";
import type { AnrfDocument } from "../../spec/document.js";
import { error, warning, type Finding } from "../../spec/finding.js";
import type { ModuleSource } from "../../spec/load.js";
import type { ExtractionProblem } from "../extract/input.js";
import type { DecideCandidates, HoudiniStats } from "./houdini.js";
import { obligationsByEntity } from "./incremental-obligations.js";
import { typeResultsByFunction } from "./incremental-types.js";
import type { Obligation } from "../obligation.js";
import type { StaticResult } from "../type-check/type-obligations.js";

/** Bump when type-check obligations change shape or meaning (part of the memo key). */
export const TYPECHECK_VERSION = "type-check-4";

export interface Extraction {
  /** The extractor's ENCODING_VERSION (part of every proof-cache key), kept so a memo hit needs no extractor. */
  readonly encodingVersion: string;
  readonly obligations: readonly Obligation[];
  /** Static verdicts (TypeScript strict diagnostics for type_safe entities). */
  readonly typeResults: readonly StaticResult[];
  readonly problems: readonly Finding[];
}

/** What extraction cost in one run: for reports, the bench and the tests. */
export interface ExtractionStats {
  /** Documents whose whole extraction came from the memo (TypeScript not loaded for them). */
  documentsMemoised: number;
  /** Documents extracted entity by entity. */
  documentsExtracted: number;
  /** Function entities whose obligations came from the per-entity memo (relocated). */
  entitiesReused: number;
  /** Function entities symbolically executed in this run. */
  entitiesExtracted: number;
  /** Function bodies whose type issues came from the memo (not type-checked again). */
  typeBodiesReused: number;
  /** Function bodies type-checked in this run (the ones the memo could have answered for). */
  typeBodiesChecked: number;
  /** Loop-invariant inference (houdini.ts) in this run. */
  houdini: HoudiniStats;
}

export const emptyExtractionStats = (): ExtractionStats => ({ documentsMemoised: 0, documentsExtracted: 0, entitiesReused: 0, entitiesExtracted: 0, typeBodiesReused: 0, typeBodiesChecked: 0, houdini: { rounds: 0, proposed: 0, kept: 0, unneeded: 0 } });

/**
 * Obligations for one document with code, memoised twice:
 *  - by a content hash of everything they depend on (the document, the module text and file,
 *    the extractor's code): a hit needs neither TypeScript nor z3;
 *  - on a miss, per Function entity and per function body (incremental-obligations.ts,
 *    incremental-types.ts): only what changed is analysed and type-checked again.
 * The extractor (which imports TypeScript) is loaded only on a document-level miss.
 */
export async function extractDocument(document: AnrfDocument, module: ModuleSource, memo: ExtractionMemo | undefined, stats?: ExtractionStats, decide?: DecideCandidates): Promise<Extraction> {
  const hash = sha256Hex(JSON.stringify(["anrf-extraction", extractorFingerprint(), TYPECHECK_VERSION, module.file, module.text, document, decide === undefined ? "no-inference" : "houdini"]));
  const memoised = memo === undefined ? undefined : asExtraction(await memo.get(hash));
  if (memoised !== undefined) {
    if (stats) stats.documentsMemoised++;
    return memoised;
  }

  const extractor = await import("../extract/index.js");
  const input = extractor.toExtractionInput({ document, module });
  const outline = extractor.outlineModule(input);
  const parts = extractor.entityKeyParts(outline);
  const extracted = await obligationsByEntity(extractor, outline, parts, extractorFingerprint(), memo, stats, decide);
  const typeResults = await typeResultsByFunction(
    {
      text: module.text,
      file: module.file,
      javascript: document.execution.format === "javascript",
      entities: document.semantics.entities
        .filter((e) => e.type === "Function")
        .map((e) => ({ id: e.id, name: e.name, typeSafe: e.security_properties.type_safe })),
    },
    parts,
    sha256Hex(JSON.stringify(["anrf-function-types", extractorFingerprint(), TYPECHECK_VERSION, outline.javascript, parts.skeleton])),
    memo,
    stats,
  );
  const extraction: Extraction = {
    encodingVersion: extractor.ENCODING_VERSION,
    obligations: extracted.obligations,
    typeResults,
    problems: [...(await syntaxFindings(document, module)), ...extracted.problems.map(problemToFinding)],
  };
  if (stats) stats.documentsExtracted++;
  await memo?.put(hash, extraction);
  return extraction;
}

let fingerprint: string | undefined;

/**
 * A hash of the compiled extractor, type check, this pipeline (memo keys, relocation) and the
 * contract parser. The extractor's ENCODING_VERSION lives
 * in a module that imports ts-morph, so a warm run cannot read it; hashing the code instead
 * also catches an extractor change that forgot to bump the version.
 */
export function extractorFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const parts: string[] = [];
  for (const relative of ["../extract/", "../type-check/", "./", "../../spec/contract/"]) {
    const dir = fileURLToPath(new URL(relative, import.meta.url));
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => /\.(js|ts)$/.test(n) && !n.endsWith(".d.ts")).sort();
    } catch {
      names = [];
    }
    for (const name of names) parts.push(relative + name, sha256Hex(readFileSync(dir + name)));
  }
  fingerprint = sha256Hex(parts.join("\n"));
  return fingerprint;
}

/**
 * TypeScript syntax errors of the module: the document is invalid (error `syntax`), whatever its
 * entities claim (`type_safe` or not) — code that does not parse cannot run, and every verdict
 * computed on it means nothing. One finding per diagnostic (at most 5), with the code's line and
 * column. Computed on a memo miss only (memoised with the extraction).
 */
async function syntaxFindings(document: AnrfDocument, module: ModuleSource): Promise<Finding[]> {
  const { ts } = await import("ts-morph");
  const javascript = document.execution.format === "javascript";
  const sf = ts.createSourceFile(module.file, module.text, ts.ScriptTarget.ES2022, true, javascript ? ts.ScriptKind.JS : ts.ScriptKind.TS);
  const diagnostics = ((sf as unknown as { parseDiagnostics?: readonly import("ts-morph").ts.DiagnosticWithLocation[] }).parseDiagnostics ?? []).slice(0, 5);
  const where = module.fromInline ? "/execution/code" : "/execution/source";
  const place = module.fromInline ? "execution.code" : module.file;
  return diagnostics.map((d) => {
    const at = sf.getLineAndCharacterOfPosition(d.start);
    const text = ts.flattenDiagnosticMessageText(d.messageText, " ");
    return error("syntax", where, `TS${d.code} at ${place} line ${at.line + 1}, column ${at.character + 1}: ${text}`, "fix the syntax: code that does not parse cannot run, and no verdict on it means anything");
  });
}

function problemToFinding(problem: ExtractionProblem): Finding {
  const entity = problem.entity === undefined ? "" : ` (entity ${problem.entity})`;
  return warning(problem.code, "/execution", `${problem.message}${entity}`, "this part of the module is not verified; its checks stay at run time");
}

/** A memo entry is only used when it has the expected shape; anything else is a miss. */
function asExtraction(value: unknown): Extraction | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Partial<Extraction>;
  return typeof v.encodingVersion === "string" && Array.isArray(v.obligations) && Array.isArray(v.typeResults) && Array.isArray(v.problems)
    ? (v as Extraction)
    : undefined;
}
