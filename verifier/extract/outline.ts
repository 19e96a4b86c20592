import { ts } from "ts-morph";
import type { ExtractionEntity, ExtractionInput } from "./input.js";
import { exportedFunctions, type FunctionLike } from "./program.js";

/**
 * A module parsed for its syntax only — no program, no checker: which exported function each
 * Function entity names and where everything is. Enough to compute memo keys (skeleton.ts) and
 * to decide what must really be analysed; cheap compared with type checking.
 */
export interface ModuleOutline {
  readonly input: ExtractionInput;
  readonly javascript: boolean;
  readonly sf: ts.SourceFile;
  /** Function entities in document order. */
  readonly functionEntities: readonly ExtractionEntity[];
  /** Entity id → the exported function it names (absent: no such function), in document order. */
  readonly resolved: ReadonlyMap<string, FunctionLike>;
}

export function outlineModule(input: ExtractionInput): ModuleOutline {
  const javascript = isJavaScriptFile(input.moduleFile);
  const sf = ts.createSourceFile(`/anrf-outline.${javascript ? "js" : "ts"}`, input.moduleText, ts.ScriptTarget.ES2022, true, javascript ? ts.ScriptKind.JS : ts.ScriptKind.TS);
  return { input, javascript, sf, ...resolveEntities(input, sf) };
}

/** The Function entities (document order) and the exported function each names, where there is one. */
export function resolveEntities(input: ExtractionInput, sf: ts.SourceFile): Pick<ModuleOutline, "functionEntities" | "resolved"> {
  const exported = exportedFunctions(sf);
  const functionEntities = input.entities.filter((e) => e.type === "Function");
  const resolved = new Map<string, FunctionLike>();
  for (const e of functionEntities) {
    const fn = exported.get(e.name);
    if (fn) resolved.set(e.id, fn);
  }
  return { functionEntities, resolved };
}

export function isJavaScriptFile(file: string): boolean {
  return /\.(c|m)?jsx?$/.test(file);
}
