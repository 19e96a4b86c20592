import { lineColumnAt } from "../../spec/json-position.js";
import type { Obligation, SourceSite, Verdict } from "../obligation.js";
import type { TypeIssue } from "./check-module.js";

/**
 * `type` obligations for entities that claim `type_safe: true`: the module must compile under
 * TypeScript `strict` with no explicit `any` and no comment that switches checking off
 * (check-module.ts). One obligation per diagnostic site and per `any`
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

/** Type obligations of a whole module, checked in one go. */
export async function typeObligations(input: TypeCheckInput): Promise<StaticResult[]> {
  const entities = input.entities.filter((e) => e.typeSafe);
  if (entities.length === 0) return [];
  if (input.javascript) return javascriptResults(input);
  // TypeScript loads only when some entity claims type safety; the lib is parsed once per process.
  const { checkModuleTypes } = await import("./check-module.js");
  const { issues, spans } = checkModuleTypes(input.text);
  return typeResults(input, issues, spans);
}

/** A JavaScript module has no static types: each type_safe claim is unsupported. */
export function javascriptResults(input: TypeCheckInput): StaticResult[] {
  return input.entities
    .filter((e) => e.typeSafe)
    .map((entity) => ({
      obligation: { id: `${entity.id}/type/1:1`, entity: entity.id, kind: "type", location: { file: input.file, line: 1, column: 1 }, site: { start: 0, end: 0 }, description: `'${entity.name}' is type safe`, smt: null },
      verdict: { status: "unsupported", reason: "type_safe cannot be checked: the module is JavaScript (no static types)", counterexample: null },
    }));
}

/**
 * Per type_safe entity: the issues inside its declaration, and every issue outside all entity
 * declarations (module-level code every entity depends on). `issues` sorted by position, `spans`
 * by exported name — both in `input.text` coordinates.
 */
export function typeResults(input: TypeCheckInput, issues: readonly TypeIssue[], spans: ReadonlyMap<string, SourceSite>): StaticResult[] {
  const spanOf = (name: string): SourceSite | undefined => spans.get(name);
  const inside = (site: SourceSite, span: SourceSite | undefined): boolean => span !== undefined && site.start >= span.start && site.end <= span.end;
  const insideSomeEntity = (site: SourceSite): boolean => input.entities.some((e) => inside(site, spanOf(e.name)));

  const results: StaticResult[] = [];
  for (const entity of input.entities.filter((e) => e.typeSafe)) {
    const span = spanOf(entity.name);
    const mine = issues.filter((issue) => (inside(issue.site, span) ? true : !insideSomeEntity(issue.site)));
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
