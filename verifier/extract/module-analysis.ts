import { ts } from "ts-morph";
import { writtenSymbols } from "./bindings.js";
import type { CalleeInfo, Capabilities, FacadeFunction } from "./context.js";
import { entityContract, type EntityContract } from "./entity-contract.js";
import type { ExtractionEntity, ExtractionInput } from "./input.js";
import { isJavaScriptFile, resolveEntities } from "./outline.js";
import { loadModule, shapeOf, type FunctionLike } from "./program.js";
import { analyseProvenance, type ProvenanceFacts } from "./provenance.js";

/**
 * Everything about a module that more than one entity's extraction reads: the parsed file and
 * its checker, which exported function each Function entity names, every entity's contract as a
 * callee, the filesystem facade and network imports. Built once per module; each entity is then
 * extracted on its own (entity.ts), so an unchanged entity can be skipped.
 */
export interface ModuleAnalysis {
  readonly input: ExtractionInput;
  readonly javascript: boolean;
  readonly sf: ts.SourceFile;
  readonly checker: ts.TypeChecker;
  /** Function entities in document order. */
  readonly functionEntities: readonly ExtractionEntity[];
  /** Entity id → the exported function it names (absent: no such function). */
  readonly resolved: ReadonlyMap<string, FunctionLike>;
  readonly callees: ReadonlyMap<ts.Node, CalleeInfo>;
  readonly facade: { readonly bindings: ReadonlyMap<ts.Symbol, FacadeFunction>; readonly namespaces: ReadonlySet<ts.Symbol>; readonly networkImports: readonly ts.ImportDeclaration[] };
  readonly caps: Capabilities;
  /** Which entities' parameters are plain at entry, and which keep array arguments plain (issue 9). */
  readonly provenance: ProvenanceFacts;
  contractOf(entityId: string): EntityContract;
}

export function analyseModule(input: ExtractionInput): ModuleAnalysis {
  const javascript = isJavaScriptFile(input.moduleFile);
  const { sourceFile: sf, checker } = loadModule(input.moduleText, javascript);
  const { functionEntities, resolved } = resolveEntities(input, sf);
  const contracts = new Map<string, EntityContract>();
  const contractOf = (entityId: string): EntityContract => {
    let c = contracts.get(entityId);
    if (c === undefined) {
      const fn = resolved.get(entityId);
      c = entityContract(input, entityId, functionEntities.length, fn ? paramNames(fn) : []);
      contracts.set(entityId, c);
    }
    return c;
  };

  // Only a function whose binding nothing writes is the function its contract describes.
  const written = writtenSymbols(sf, checker);
  const bindings = new Map<FunctionLike, ts.Symbol | undefined>();
  for (const e of functionEntities) {
    const fn = resolved.get(e.id);
    if (!fn) continue;
    const binding = bindingName(fn);
    bindings.set(fn, binding === undefined ? undefined : checker.getSymbolAtLocation(binding));
  }
  const provenance = analyseProvenance(sf, checker, bindings, written);
  const callees = new Map<ts.Node, CalleeInfo>();
  for (const e of functionEntities) {
    const fn = resolved.get(e.id);
    if (!fn) continue;
    const binding = bindingName(fn);
    const sym = binding === undefined ? undefined : checker.getSymbolAtLocation(binding);
    if (sym === undefined || written.has(sym)) continue;
    const c = contractOf(e.id);
    const sig = checker.getSignatureFromDeclaration(fn);
    callees.set(fn, {
      entityId: e.id,
      name: e.name,
      fn,
      paramNames: paramNames(fn),
      preconditions: c.pre.map((x) => x.clause),
      postconditions: c.post.map((x) => x.clause),
      returnShape: sig ? shapeOf(checker, checker.getReturnTypeOfSignature(sig)) : undefined,
      keepsPlain: provenance.keepsPlain(fn),
    });
  }
  return {
    input,
    javascript,
    sf,
    checker,
    functionEntities,
    resolved,
    callees,
    facade: facadeImports(sf, checker),
    caps: { filesystem: input.filesystem, network: input.network, mounts: input.mounts },
    provenance,
    contractOf,
  };
}

/** The name a function is bound to in the module: `function f`, or `const f = (…) => …`. */
function bindingName(fn: FunctionLike): ts.Identifier | undefined {
  if (ts.isFunctionDeclaration(fn)) return fn.name;
  return ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name) ? fn.parent.name : undefined;
}

export function paramNames(fn: FunctionLike): string[] {
  return fn.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : ""));
}

function facadeImports(sf: ts.SourceFile, checker: ts.TypeChecker): { bindings: Map<ts.Symbol, FacadeFunction>; namespaces: Set<ts.Symbol>; networkImports: ts.ImportDeclaration[] } {
  const bindings = new Map<ts.Symbol, FacadeFunction>();
  const namespaces = new Set<ts.Symbol>();
  const networkImports: ts.ImportDeclaration[] = [];
  const FS = new Set(["node:fs", "fs", "node:fs/promises", "fs/promises"]);
  const NET = new Set(["node:net", "net", "node:http", "http", "node:https", "https", "node:dgram", "dgram", "node:tls", "tls", "node:http2", "http2"]);
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    const spec = st.moduleSpecifier.text;
    if (NET.has(spec)) networkImports.push(st);
    if (!FS.has(spec) || !st.importClause) continue;
    const clause = st.importClause;
    if (clause.name) {
      const sym = checker.getSymbolAtLocation(clause.name);
      if (sym) namespaces.add(sym);
    }
    const named = clause.namedBindings;
    if (named && ts.isNamespaceImport(named)) {
      const sym = checker.getSymbolAtLocation(named.name);
      if (sym) namespaces.add(sym);
    } else if (named) {
      for (const el of named.elements) {
        const sym = checker.getSymbolAtLocation(el.name);
        if (sym) bindings.set(sym, (el.propertyName ?? el.name).text as FacadeFunction);
      }
    }
  }
  return { bindings, namespaces, networkImports };
}

