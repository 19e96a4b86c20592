/**
 * Instrumentation (pure): module TypeScript + the verifier's ObligationResult[] → CommonJS
 * JavaScript with checks where no proof covers the site, a source map, and the check table.
 *
 * Modes: development and testing insert every check (testing also counts executions per
 * check; development reports values); production leaves out exactly the checks whose site has
 * a `proved` obligation of the same kind.
 */
import { ts } from "ts-morph";
import type { ObligationResult } from "../../verifier/obligation.js";
import type { CheckLocation, CheckSpec, EntryShapes, RunMode } from "../guest/protocol.js";
import { CheckTable } from "./check-table.js";
import { makeVisitorTransformer, type VisitorEntity } from "./instrument-visitor.js";
import { entryShapes, shapeText } from "./param-shapes.js";

export interface InstrumentInput {
  readonly source: string;
  /** File named in synthesized locations and the source map (the module file, or the document for inline code). */
  readonly file: string;
  readonly obligations: readonly ObligationResult[];
  readonly mode: RunMode;
  readonly entities: readonly VisitorEntity[];
  /** Transpile only, no checks at all: the benchmarks' uninstrumented baseline. run() never sets it. */
  readonly bare?: boolean | undefined;
  /**
   * Bounds checks and loop invariants inline (default: every mode but testing) or as the
   * generic call at every site (the benchmarks' "before"). run() never sets it.
   */
  readonly inlineChecks?: boolean | undefined;
  /**
   * Versioned counting loops (instrument-hoist.ts). Default: where checks are inline
   * (development, production). False: never (every guard in every iteration — the tests' and
   * benchmarks' comparison). True: also with the generic call at every site, so that testing
   * mode counts the checks a versioned loop still executes (the benchmark's count "after
   * hoisting"). run() never sets it.
   */
  readonly hoistLoops?: boolean | undefined;
  /**
   * False: skip no check even in production (run() sets it when the entry's argument types
   * cannot be checked at entry, so no proof's assumptions are known to hold). Default true.
   */
  readonly trustProofs?: boolean | undefined;
}

export interface Instrumented {
  readonly js: string;
  readonly sourceMap: string;
  readonly checkParam: string;
  readonly checks: readonly CheckSpec[];
  /** Checks in the module (sites and entry preconditions); the argument-shape checks are counted apart. */
  readonly inserted: number;
  /** Argument-shape checks per exported entry (guest/arg-shapes.ts), for every entry whose parameter types can be checked. */
  readonly shapes: Readonly<Record<string, EntryShapes>>;
  readonly argumentChecks: number;
  /** Entries whose argument types cannot be checked at entry, with the reason (run them trusting no proof). */
  readonly uncheckedEntries: Readonly<Record<string, string>>;
  readonly skippedByProof: number;
  /** Unproved obligations that did not become a check (type, informal, or an uninstrumented site). */
  readonly uncovered: readonly string[];
  /** Clauses that cannot be evaluated at run time (informal, or outside what the compiler handles). */
  readonly notCheckable: readonly string[];
  /** TypeScript syntax errors, if any (the module then does not run). */
  readonly diagnostics: readonly string[];
}

/** A wrapper parameter name that does not occur anywhere in the module text. */
function freshName(source: string): string {
  let name = "__anrf_c";
  for (let i = 0; source.includes(name); i++) name = `__anrf_c${i}`;
  return name;
}

export function instrument(input: InstrumentInput): Instrumented {
  const sf = ts.createSourceFile(input.file, input.source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const locationOf = (offset: number): CheckLocation => {
    const lc = sf.getLineAndCharacterOfPosition(offset);
    return { file: input.file, line: lc.line + 1, column: lc.character + 1 };
  };
  const table = new CheckTable(input.obligations, input.mode, locationOf, input.obligations, input.trustProofs ?? true);
  const checkParam = freshName(input.source);
  const notCheckable: string[] = [];
  const entryLocation = (name: string): CheckLocation => {
    let found: number | undefined;
    const find = (node: ts.Node): void => {
      if (found !== undefined) return;
      if ((ts.isFunctionDeclaration(node) && node.name?.text === name) || (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name)) found = node.getStart(sf);
      else ts.forEachChild(node, find);
    };
    find(sf);
    return locationOf(found ?? 0);
  };
  const transformer = makeVisitorTransformer(
    {
      checks: checkParam,
      table,
      entities: input.entities,
      invariantObligations: input.obligations.some((o) => o.kind === "invariant"),
      notCheckable,
      entryLocation,
      // Testing mode counts every check execution per check: the generic call at every site.
      inlineChecks: input.inlineChecks ?? input.mode !== "testing",
      hoistLoops: input.hoistLoops,
    },
    sf,
  );
  // TypeScript picks the language from the extension: inline code is labelled with the document
  // file (…anrf.json#/execution/code), which must still be read as TypeScript.
  const out = ts.transpileModule(input.source, {
    fileName: /\.[cm]?tsx?$/.test(input.file) ? input.file : `${input.file}.ts`,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      sourceMap: true,
      inlineSources: false,
      importHelpers: false,
      removeComments: true,
      verbatimModuleSyntax: false,
    },
    transformers: input.bare ? {} : { before: [transformer] },
  });
  // Argument shapes (checked in every mode: every proof, and the entry preconditions, assume
  // them). Registered after the module's checks, so site checks keep their table indices.
  const shapes: Record<string, EntryShapes> = {};
  const uncheckedEntries = Object.create(null) as Record<string, string>;
  let argumentChecks = 0;
  for (const [name, shape] of entryShapes(sf, input.entities.map((e) => e.name))) {
    const entity = input.entities.find((e) => e.name === name)!;
    if (!shape.ok) {
      uncheckedEntries[name] = shape.reason;
      notCheckable.push(`${entity.id}: arguments of '${name}' cannot be checked at entry (${shape.reason}); proofs are not trusted when it is the entry, every check is inserted`);
      continue;
    }
    const arity = table.always({ id: `${entity.id}/precondition/entry:arguments`, kind: "precondition", entity: entity.id, location: locationOf(shape.start), description: `'${name}' takes ${shape.params.length} argument(s)` });
    const params = shape.params.map((p) => ({
      name: p.name,
      shape: p.shape,
      optional: p.optional,
      check: table.always({ id: `${entity.id}/precondition/entry:${p.name}`, kind: "precondition", entity: entity.id, location: locationOf(p.start), description: `argument '${p.name}' must be ${p.optional ? "undefined or " : ""}${shapeText(p.shape)}` }),
    }));
    argumentChecks += 1 + params.length;
    Object.defineProperty(shapes, name, { value: { arity, params }, enumerable: true, writable: true, configurable: true });
  }
  // Drop the sourceMappingURL comment: the map is returned as data, not resolved by the engine.
  const js = out.outputText.replace(/\n\/\/# sourceMappingURL=.*$/m, "");
  // Only problems in the module text itself (syntax); option notes are not the module's fault.
  const diagnostics = (out.diagnostics ?? []).filter((d) => d.file !== undefined && d.category === ts.DiagnosticCategory.Error).map((d) => {
    const lc = d.start !== undefined ? sf.getLineAndCharacterOfPosition(d.start) : { line: 0, character: 0 };
    return `${input.file}:${lc.line + 1}:${lc.character + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
  return {
    js,
    sourceMap: out.sourceMapText ?? "",
    checkParam,
    checks: table.specs,
    inserted: table.specs.length - argumentChecks - table.unplacedCount,
    shapes,
    argumentChecks,
    uncheckedEntries,
    skippedByProof: table.skippedByProof,
    uncovered: table.uncovered(),
    notCheckable: [...new Set(notCheckable)], // a versioned loop visits its body twice
    diagnostics,
  };
}
