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
import type { CheckLocation, CheckSpec, RunMode } from "../guest/protocol.js";
import { CheckTable } from "./check-table.js";
import { makeVisitorTransformer, type VisitorEntity } from "./instrument-visitor.js";

export interface InstrumentInput {
  readonly source: string;
  /** File named in synthesized locations and the source map (the module file, or the document for inline code). */
  readonly file: string;
  readonly obligations: readonly ObligationResult[];
  readonly mode: RunMode;
  readonly entities: readonly VisitorEntity[];
  /** Transpile only, no checks at all: the benchmarks' uninstrumented baseline. run() never sets it. */
  readonly bare?: boolean | undefined;
}

export interface Instrumented {
  readonly js: string;
  readonly sourceMap: string;
  readonly checkParam: string;
  readonly checks: readonly CheckSpec[];
  readonly inserted: number;
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
  const table = new CheckTable(input.obligations, input.mode, locationOf);
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
    inserted: table.specs.length,
    skippedByProof: table.skippedByProof,
    uncovered: table.uncovered(),
    notCheckable,
    diagnostics,
  };
}
