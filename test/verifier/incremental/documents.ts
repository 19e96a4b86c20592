import { readFileSync } from "node:fs";
import path from "node:path";
import { checkParsedDocument, type LoadedDocument } from "../../../spec/load.js";
import { repoRoot } from "../../spec/documents.js";

/** One Function entity of a generated document: the exported function it names and its contract. */
export interface EntitySpec {
  readonly name: string;
  readonly pre?: readonly string[];
  readonly post?: readonly string[];
  readonly typeSafe?: boolean;
}

const template = JSON.parse(readFileSync(path.join(repoRoot, "examples", "adler32-checksum.anrf.json"), "utf8")) as Record<string, any>;

/** A valid ANRF 1.1.0 document (inline TypeScript `code`, or `source` naming a module file) with these entities, one contract each. */
export function documentValue(code: string, entities: readonly EntitySpec[], options: { network?: boolean; source?: string } = {}): unknown {
  const doc = structuredClone(template);
  const entityTemplate = doc["semantics"]["entities"][0];
  const contractTemplate = doc["semantics"]["security_contracts"][0];
  doc["semantics"]["entities"] = entities.map((e, i) => ({
    ...structuredClone(entityTemplate),
    id: `ENT-${i}`,
    name: e.name,
    security_properties: { ...structuredClone(entityTemplate["security_properties"]), type_safe: e.typeSafe ?? true },
  }));
  doc["semantics"]["security_contracts"] = entities.map((e, i) => ({
    ...structuredClone(contractTemplate),
    id: `SC-${i}`,
    description: `contract of ${e.name}`,
    preconditions: [...(e.pre ?? [])],
    postconditions: [...(e.post ?? [])],
    invariants: [],
    applies_to: [`ENT-${i}`],
  }));
  doc["semantics"]["invariants"] = [];
  if (options.network !== undefined) doc["security"]["isolation_requirements"]["resource_limits"]["network"] = options.network;
  if (options.source === undefined) doc["execution"]["code"] = code;
  else {
    // The module lives in its own file (the caller writes `code` there).
    delete doc["execution"]["code"];
    doc["execution"]["source"] = options.source;
  }
  return doc;
}

/** The document as `anrf verify` loads it (validated; must be valid). */
export async function loadedDocument(code: string, entities: readonly EntitySpec[], options: { network?: boolean; file?: string } = {}): Promise<LoadedDocument> {
  const file = options.file ?? "/virtual/generated.anrf.json";
  const loaded = await checkParsedDocument(file, file, documentValue(code, entities, options));
  if (!loaded.valid || loaded.document === undefined || loaded.module === undefined) {
    throw new Error(`generated document is not valid: ${JSON.stringify(loaded.findings)}`);
  }
  return loaded;
}
