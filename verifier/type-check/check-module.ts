import { ts } from "ts-morph";
import { createInMemoryProgram } from "../extract/compiler-host.js";
import type { SourceSite } from "../obligation.js";
import { CAPABILITY_TYPINGS, CAPABILITY_TYPINGS_FILE } from "./capability-typings.js";
import { HOST_GLOBALS_FILE, HOST_GLOBALS_TYPINGS } from "./host-globals.js";

/** One reason a module does not type-check: a compiler diagnostic, an explicit `any`, a suppression comment. */
export interface TypeIssue {
  readonly site: SourceSite;
  readonly message: string;
}

export interface ModuleTypes {
  readonly issues: readonly TypeIssue[];
  /** Exported name → span of the statement that declares it (through `export { a as b }`), in this module. */
  readonly spans: ReadonlyMap<string, SourceSite>;
}

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ["lib.es2023.d.ts"],
  types: [],
};

let moduleCounter = 0;

/**
 * The module under TypeScript `strict`, alone with the capability facade's typings (so `node:fs`
 * imports type-check against what the runtime endows). Issues, in source order:
 *  - every compiler diagnostic located in the module;
 *  - every `any` keyword;
 *  - every `@ts-ignore`, `@ts-expect-error` or `@ts-nocheck` in the text: a module that
 *    silences the compiler has not shown that it type-checks.
 */
export function checkModuleTypes(text: string): ModuleTypes {
  // A fresh name per module: nothing of an earlier module is visible to a later check.
  const name = `/__anrf__/module-${++moduleCounter}.ts`;
  const program = createInMemoryProgram(
    [
      { name, text },
      { name: CAPABILITY_TYPINGS_FILE, text: CAPABILITY_TYPINGS },
      { name: HOST_GLOBALS_FILE, text: HOST_GLOBALS_TYPINGS },
    ],
    OPTIONS,
  );
  const source = program.getSourceFile(name);
  if (source === undefined) throw new Error(`TypeScript did not load ${name}`);
  const issues: TypeIssue[] = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program, source)) {
    if (diagnostic.file?.fileName !== source.fileName) continue;
    const start = diagnostic.start ?? 0;
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, " ");
    issues.push({ site: { start, end: start + (diagnostic.length ?? 0) }, message: `TS${diagnostic.code}: ${message}` });
  }
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.AnyKeyword) issues.push({ site: { start: node.getStart(source), end: node.getEnd() }, message: "explicit 'any' in a type_safe entity" });
    ts.forEachChild(node, visit);
  };
  visit(source);
  issues.push(...suppressions(text));
  issues.sort((a, b) => a.site.start - b.site.start || a.site.end - b.site.end);
  return { issues, spans: exportedSpans(program.getTypeChecker(), source) };
}

const SUPPRESSION = /@ts-(ignore|expect-error|nocheck)\b/gi;

/**
 * Every occurrence of a directive that switches checking off. Plain text search, on purpose:
 * telling comments from strings needs the parser's context (a regular expression literal can
 * hide a comment from a bare scanner), and a false alarm — the words in a string — costs a
 * refuted claim with this message, while a miss would certify code the compiler was told to skip.
 */
function suppressions(text: string): TypeIssue[] {
  return [...text.matchAll(SUPPRESSION)].map((m) => ({
    site: { start: m.index!, end: m.index! + m[0].length },
    message: `type checking may be switched off: '@ts-${m[1]!.toLowerCase()}' in a type_safe entity (remove it and fix what it hides)`,
  }));
}

function exportedSpans(checker: ts.TypeChecker, source: ts.SourceFile): Map<string, SourceSite> {
  const out = new Map<string, SourceSite>();
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (moduleSymbol === undefined) return out;
  for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const declaration = target.getDeclarations()?.[0];
    if (declaration === undefined || declaration.getSourceFile() !== source) continue;
    // For `export const f = (…) => …` the declaration is the VariableDeclaration; its statement
    // is the span that holds the function.
    const statement = ts.isVariableDeclaration(declaration) ? declaration.parent?.parent ?? declaration : declaration;
    out.set(symbol.getName(), { start: statement.getStart(source), end: statement.getEnd() });
  }
  return out;
}
