import type { ExtractionMemo } from "../../proofs-cache/api.js";
import { sha256Hex } from "../../proofs-cache/key.js";
import type { AnrfDocument } from "../../spec/document.js";
import { warning, type Finding } from "../../spec/finding.js";
import type { ModuleSource } from "../../spec/load.js";
import type { Obligation } from "../obligation.js";
import type { StaticResult } from "../type-check/type-obligations.js";

/** Bump when type-check obligations change shape or meaning (part of the memo key). */
export const TYPECHECK_VERSION = "type-check-1";

export interface Extraction {
  readonly obligations: readonly Obligation[];
  /** Static verdicts (TypeScript strict diagnostics for type_safe entities). */
  readonly typeResults: readonly StaticResult[];
  readonly problems: readonly Finding[];
}

/** The extractor as the verifier uses it; loaded dynamically so that a memo hit never loads ts-morph. */
interface ExtractorModule {
  extractObligations(input: { document: AnrfDocument; module: ModuleSource }): ExtractorOutput | Promise<ExtractorOutput>;
}
interface ExtractorOutput {
  readonly obligations: readonly Obligation[];
  readonly problems: readonly unknown[];
}

const EXTRACTOR = "../extract/index.js";

/**
 * Obligations for one document with code, memoised by a content hash of everything they
 * depend on: the document, the module text and file, and the extractor/type-check versions.
 */
export async function extractDocument(
  document: AnrfDocument,
  module: ModuleSource,
  encodingVersion: string,
  memo: ExtractionMemo | undefined,
): Promise<Extraction> {
  const hash = sha256Hex(JSON.stringify(["anrf-extraction", encodingVersion, TYPECHECK_VERSION, module.file, module.text, document]));
  const memoised = memo === undefined ? undefined : asExtraction(await memo.get(hash));
  if (memoised !== undefined) return memoised;

  const extractor = (await import(EXTRACTOR)) as ExtractorModule;
  const { typeObligations } = await import("../type-check/type-obligations.js");
  const extracted = await extractor.extractObligations({ document, module });
  const typeResults = await typeObligations({
    text: module.text,
    file: module.file,
    entities: document.semantics.entities
      .filter((e) => e.type === "Function")
      .map((e) => ({ id: e.id, name: e.name, typeSafe: e.security_properties.type_safe })),
  });
  const extraction: Extraction = {
    obligations: extracted.obligations,
    typeResults,
    problems: extracted.problems.map(problemToFinding),
  };
  await memo?.put(hash, extraction);
  return extraction;
}

function problemToFinding(problem: unknown): Finding {
  if (typeof problem === "object" && problem !== null && "ruleId" in problem && "severity" in problem && "message" in problem) {
    return problem as Finding;
  }
  const message = typeof problem === "object" && problem !== null && "message" in problem ? String((problem as { message: unknown }).message) : String(problem);
  return warning("extract", "/execution", message, "the verifier could not read this part of the module; its checks stay at run time");
}

/** A memo entry is only used when it has the expected shape; anything else is a miss. */
function asExtraction(value: unknown): Extraction | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Partial<Extraction>;
  return Array.isArray(v.obligations) && Array.isArray(v.typeResults) && Array.isArray(v.problems) ? (v as Extraction) : undefined;
}

/**
 * The extractor's encoding version (part of every cache key and of the memo key).
 * TODO(integration): read it from a module that does not load ts-morph.
 */
export async function loadEncodingVersion(): Promise<string> {
  const extractor = (await import(EXTRACTOR)) as { ENCODING_VERSION?: unknown };
  if (typeof extractor.ENCODING_VERSION !== "string") throw new Error("verifier/extract does not export ENCODING_VERSION");
  return extractor.ENCODING_VERSION;
}
