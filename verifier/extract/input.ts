/**
 * What the extractor reads: the parts of an ANRF document that decide obligations, and the
 * module text. Types only (plus one pure mapping), so the pipeline can hash and memoise inputs
 * without loading TypeScript.
 */
export interface ExtractionEntity {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly security_properties?: unknown;
}

export interface ExtractionContract {
  readonly id: string;
  readonly preconditions: readonly string[];
  readonly postconditions: readonly string[];
  readonly invariants: readonly string[];
  readonly applies_to?: readonly string[] | undefined;
}

export interface ExtractionInvariant {
  readonly id: string;
  readonly formal_representation: string;
  readonly applies_to?: readonly string[] | undefined;
}

export interface ExtractionInput {
  readonly documentFile: string;
  readonly moduleFile: string;
  readonly moduleText: string;
  readonly entities: ReadonlyArray<ExtractionEntity>;
  readonly contracts: ReadonlyArray<ExtractionContract>;
  readonly invariants: ReadonlyArray<ExtractionInvariant>;
  readonly filesystem: "None" | "ReadOnly" | "ReadWrite";
  readonly network: boolean;
  readonly mounts: ReadonlyArray<{ readonly mount: string; readonly path: string }>;
}

export interface ExtractionProblem {
  readonly code: string;
  readonly entity?: string | undefined;
  readonly message: string;
}

/**
 * The document-shaped form the verify pipeline passes: `{ document, module }` (spec/load.ts).
 * Structural, so this file needs no import of the schema module.
 */
export interface DocumentExtractionInput {
  readonly document: {
    readonly security: { readonly isolation_requirements: { readonly resource_limits: { readonly filesystem: "None" | "ReadOnly" | "ReadWrite"; readonly network: boolean } } };
    readonly semantics: {
      readonly entities: ReadonlyArray<ExtractionEntity>;
      readonly invariants: ReadonlyArray<ExtractionInvariant>;
      readonly security_contracts: ReadonlyArray<ExtractionContract>;
    };
    readonly execution: { readonly "x-anrf-filesystem-mounts"?: ReadonlyArray<{ readonly mount: string; readonly path: string }> | undefined };
  };
  readonly module: { readonly text: string; readonly file: string };
}

export function toExtractionInput(input: DocumentExtractionInput): ExtractionInput {
  const { document, module } = input;
  const limits = document.security.isolation_requirements.resource_limits;
  return {
    documentFile: module.file,
    moduleFile: module.file,
    moduleText: module.text,
    entities: document.semantics.entities,
    contracts: document.semantics.security_contracts,
    invariants: document.semantics.invariants,
    filesystem: limits.filesystem,
    network: limits.network,
    mounts: document.execution["x-anrf-filesystem-mounts"] ?? [],
  };
}

