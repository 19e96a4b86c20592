import type { Node as MorphNode, Project as MorphProject, SourceFile as MorphSourceFile } from "ts-morph";
import { lineColumnAt } from "../../spec/json-position.js";
import type { Obligation, SourceSite, Verdict } from "../obligation.js";
import { CAPABILITY_TYPINGS, CAPABILITY_TYPINGS_FILE } from "./capability-typings.js";

/**
 * `type` obligations for entities that claim `type_safe: true`: the module must compile under
 * TypeScript `strict` with no explicit `any`. One obligation per diagnostic site and per `any`
 * keyword (refuted, with the compiler's message); an entity with neither gets one obligation
 * at its declaration whose verdict comes from the compiler (source "static"), not from z3.
 *
 * Diagnostics inside an entity's function belong to that entity; diagnostics elsewhere in the
 * module (imports, helpers, module-level declarations) belong to every type_safe entity,
 * because each of them depends on the module compiling.
 */
export interface TypeCheckInput {
  /** Module source text exactly as the document carries it. */
  readonly text: string;
  /** File for locations (document file for inline code, else the module file). */
  readonly file: string;
  readonly entities: readonly { readonly id: string; readonly name: string; readonly typeSafe: boolean }[];
  /** A JavaScript module (execution.format "javascript") has no static types to check. */
  readonly javascript?: boolean | undefined;
}

export interface StaticResult {
  readonly obligation: Obligation;
  readonly verdict: Verdict;
}

export async function typeObligations(input: TypeCheckInput): Promise<StaticResult[]> {
  const entities = input.entities.filter((e) => e.typeSafe);
  if (entities.length === 0) return [];
  if (input.javascript) {
    return entities.map((entity) => ({
      obligation: { id: `${entity.id}/type/1:1`, entity: entity.id, kind: "type", location: { file: input.file, line: 1, column: 1 }, site: { start: 0, end: 0 }, description: `'${entity.name}' is type safe`, smt: null },
      verdict: { status: "unsupported", reason: "type_safe cannot be checked: the module is JavaScript (no static types)", counterexample: null },
    }));
  }
  // ts-morph (and TypeScript) load only when some entity claims type safety.
  const { ts } = await import("ts-morph");
  const project = await sharedProject();
  const source = project.createSourceFile(`/__anrf__/module-${++moduleCounter}.ts`, input.text);
  try {
    return collect(input, entities, source, ts);
  } finally {
    // The project (lib files, capability typings) is reused; modules never see each other.
    project.removeSourceFile(source);
  }
}

let project: Promise<MorphProject> | undefined;
let moduleCounter = 0;

/** One Project per process: building the lib environment is the expensive part (~300 ms). */
function sharedProject(): Promise<MorphProject> {
  project ??= import("ts-morph").then(({ Project, ts }) => {
    const created = new Project({
      useInMemoryFileSystem: true,
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        lib: ["lib.es2023.d.ts"],
        types: [],
      },
    });
    created.createSourceFile(CAPABILITY_TYPINGS_FILE, CAPABILITY_TYPINGS);
    return created;
  });
  return project;
}

function collect(input: TypeCheckInput, entities: TypeCheckInput["entities"], source: MorphSourceFile, ts: typeof import("ts-morph").ts): StaticResult[] {
  interface Issue {
    readonly site: SourceSite;
    readonly message: string;
  }
  const issues: Issue[] = [];
  for (const diagnostic of source.getPreEmitDiagnostics()) {
    if (diagnostic.getSourceFile()?.getFilePath() !== source.getFilePath()) continue;
    const start = diagnostic.getStart() ?? 0;
    const message = ts.flattenDiagnosticMessageText(diagnostic.compilerObject.messageText, " ");
    issues.push({ site: { start, end: start + (diagnostic.getLength() ?? 0) }, message: `TS${diagnostic.getCode()}: ${message}` });
  }
  source.forEachDescendant((node) => {
    if (node.getKind() === ts.SyntaxKind.AnyKeyword) {
      issues.push({ site: { start: node.getStart(), end: node.getEnd() }, message: "explicit 'any' in a type_safe entity" });
    }
  });
  issues.sort((a, b) => a.site.start - b.site.start || a.site.end - b.site.end);

  const spans = new Map<string, { start: number; end: number } | undefined>();
  for (const entity of entities) spans.set(entity.id, declarationSpan(source.getExportedDeclarations().get(entity.name)));
  const insideSomeEntity = (site: SourceSite): boolean =>
    input.entities.some((e) => {
      const span = spans.get(e.id) ?? declarationSpan(source.getExportedDeclarations().get(e.name));
      return span !== undefined && site.start >= span.start && site.end <= span.end;
    });

  const results: StaticResult[] = [];
  for (const entity of entities) {
    const span = spans.get(entity.id);
    const mine = issues.filter((issue) =>
      span !== undefined && issue.site.start >= span.start && issue.site.end <= span.end ? true : !insideSomeEntity(issue.site),
    );
    const seen = new Map<string, number>();
    const at = (site: SourceSite) => {
      const { line, column } = lineColumnAt(input.text, site.start);
      const base = `${entity.id}/type/${line}:${column}`;
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      return { id: n === 1 ? base : `${base}#${n - 1}`, location: { file: input.file, line, column } };
    };
    if (span === undefined) {
      const site = { start: 0, end: 0 };
      results.push({
        obligation: { ...at(site), entity: entity.id, kind: "type", site, description: `exported function '${entity.name}' type-checks under strict`, smt: null },
        verdict: { status: "refuted", reason: `no exported function '${entity.name}' in the module`, counterexample: null },
      });
      continue;
    }
    if (mine.length === 0) {
      const site = { start: span.start, end: span.end };
      results.push({
        obligation: { ...at(site), entity: entity.id, kind: "type", site, description: `'${entity.name}' type-checks under strict with no explicit any`, smt: null },
        verdict: { status: "proved", reason: "TypeScript strict: no diagnostics and no explicit any", counterexample: null },
      });
      continue;
    }
    for (const issue of mine) {
      results.push({
        obligation: { ...at(issue.site), entity: entity.id, kind: "type", site: issue.site, description: issue.message, smt: null },
        verdict: { status: "refuted", reason: issue.message, counterexample: null },
      });
    }
  }
  return results;
}

function declarationSpan(nodes: readonly MorphNode[] | undefined): { start: number; end: number } | undefined {
  const node = nodes?.[0];
  if (node === undefined) return undefined;
  // For `export const f = (…) => …` the declaration node is the VariableDeclaration; its
  // statement is the span that holds the function.
  const statement = node.getKindName() === "VariableDeclaration" ? node.getParent()?.getParent() ?? node : node;
  return { start: statement.getStart(), end: statement.getEnd() };
}
