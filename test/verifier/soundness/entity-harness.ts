import { Project, ts } from "ts-morph";
import type { AnrfDocument } from "../../../spec/document.js";
import { parseClause, type ClauseExpr } from "../../../spec/contract/index.js";
import { freeNames } from "../../../spec/contract/index.js";
import type { Param, ParamType } from "./input-gen.js";

/** What the soundness tests need to know about one Function entity. */
export interface EntityHarness {
  readonly id: string;
  readonly name: string;
  readonly params: readonly Param[];
  /** Preconditions plus parameter-only contract invariants: what generated inputs satisfy. */
  readonly preconditions: readonly ClauseExpr[];
  /** Formal postconditions and result invariants, with their text. */
  readonly postconditions: readonly { readonly text: string; readonly expr: ClauseExpr }[];
  /** Why the entity cannot be fuzzed (parameter types the generator does not know). */
  readonly unsupported?: string | undefined;
}

const TYPED = ["Uint8Array", "Int8Array", "Uint16Array", "Int16Array", "Int32Array", "Uint32Array", "Float32Array", "Float64Array", "Uint8ClampedArray"] as const;

function paramType(text: string): ParamType | undefined {
  const t = text.replace(/^readonly\s+/, "").trim();
  if (t === "number") return { kind: "number" };
  if (t === "string") return { kind: "string" };
  if (t === "boolean") return { kind: "boolean" };
  if (t === "number[]" || t === "Array<number>" || t === "ReadonlyArray<number>") return { kind: "array" };
  const typed = TYPED.find((c) => c === t);
  return typed === undefined ? undefined : { kind: "typed", ctor: typed };
}

export function entityHarnesses(document: AnrfDocument, moduleText: string): EntityHarness[] {
  const project = new Project({ useInMemoryFileSystem: true, compilerOptions: { target: ts.ScriptTarget.ES2022 } });
  const source = project.createSourceFile("/module.ts", moduleText);
  const functions = document.semantics.entities.filter((e) => e.type === "Function");
  return functions.map((entity): EntityHarness => {
    const contracts = document.semantics.security_contracts.filter((c) =>
      c.applies_to === undefined ? functions.length === 1 : c.applies_to.includes(entity.id),
    );
    const declaration = source.getFunction(entity.name);
    const params: Param[] = [];
    let unsupported: string | undefined;
    for (const p of declaration?.getParameters() ?? []) {
      const type = paramType(p.getTypeNode()?.getText() ?? "");
      if (type === undefined) unsupported = `parameter ${p.getName()}: ${p.getTypeNode()?.getText() ?? "untyped"}`;
      else params.push({ name: p.getName(), type });
    }
    if (declaration === undefined) unsupported = `no exported function ${entity.name}`;
    const formal = (text: string) => {
      const parsed = parseClause(text);
      return parsed.kind === "formal" ? parsed.expr : undefined;
    };
    const names = new Set(params.map((p) => p.name));
    const preconditions: ClauseExpr[] = [];
    const postconditions: { text: string; expr: ClauseExpr }[] = [];
    for (const contract of contracts) {
      for (const text of contract.preconditions) {
        const expr = formal(text);
        if (expr) preconditions.push(expr);
      }
      for (const text of contract.postconditions) {
        const expr = formal(text);
        if (expr) postconditions.push({ text, expr });
      }
      for (const id of contract.invariants) {
        const text = document.semantics.invariants.find((i) => i.id === id)?.formal_representation;
        const expr = text === undefined ? undefined : formal(text);
        if (text === undefined || expr === undefined) continue;
        if (freeNames(expr).every((n) => names.has(n))) preconditions.push(expr);
        else postconditions.push({ text, expr });
      }
    }
    return { id: entity.id, name: entity.name, params, preconditions, postconditions, unsupported };
  });
}
