import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ExtractionMemo } from "../../proofs-cache/api.js";
import { sha256Hex } from "../../proofs-cache/key.js";
import type { AnrfDocument } from "../../spec/document.js";
import { warning, type Finding } from "../../spec/finding.js";
import type { ModuleSource } from "../../spec/load.js";
import type { ExtractionProblem } from "../extract/index.js";
import type { Obligation } from "../obligation.js";
import type { StaticResult } from "../type-check/type-obligations.js";

/** Bump when type-check obligations change shape or meaning (part of the memo key). */
export const TYPECHECK_VERSION = "type-check-2";

export interface Extraction {
  /** The extractor's ENCODING_VERSION (part of every proof-cache key), kept so a memo hit needs no extractor. */
  readonly encodingVersion: string;
  readonly obligations: readonly Obligation[];
  /** Static verdicts (TypeScript strict diagnostics for type_safe entities). */
  readonly typeResults: readonly StaticResult[];
  readonly problems: readonly Finding[];
}

/**
 * Obligations for one document with code, memoised by a content hash of everything they
 * depend on: the document, the module text and file, and the code of the extractor itself.
 * The extractor (which imports ts-morph) is loaded only on a memo miss.
 */
export async function extractDocument(document: AnrfDocument, module: ModuleSource, memo: ExtractionMemo | undefined): Promise<Extraction> {
  const hash = sha256Hex(JSON.stringify(["anrf-extraction", extractorFingerprint(), TYPECHECK_VERSION, module.file, module.text, document]));
  const memoised = memo === undefined ? undefined : asExtraction(await memo.get(hash));
  if (memoised !== undefined) return memoised;

  const extractor = await import("../extract/index.js");
  const { typeObligations } = await import("../type-check/type-obligations.js");
  const extracted = extractor.extractObligations({ document, module });
  const typeResults = await typeObligations({
    text: module.text,
    file: module.file,
    javascript: document.execution.format === "javascript",
    entities: document.semantics.entities
      .filter((e) => e.type === "Function")
      .map((e) => ({ id: e.id, name: e.name, typeSafe: e.security_properties.type_safe })),
  });
  const extraction: Extraction = {
    encodingVersion: extractor.ENCODING_VERSION,
    obligations: extracted.obligations,
    typeResults,
    problems: extracted.problems.map(problemToFinding),
  };
  await memo?.put(hash, extraction);
  return extraction;
}

let fingerprint: string | undefined;

/**
 * A hash of the compiled extractor and contract parser. The extractor's ENCODING_VERSION lives
 * in a module that imports ts-morph, so a warm run cannot read it; hashing the code instead
 * also catches an extractor change that forgot to bump the version.
 */
export function extractorFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const parts: string[] = [];
  for (const relative of ["../extract/", "../type-check/", "../../spec/contract/"]) {
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
