import { ts } from "ts-morph";
import { freeNames, parseClause, usesOld, type ParsedClause } from "../../spec/contract/index.js";
import type { Obligation } from "../obligation.js";
import { assemble } from "./assemble.js";
import { lineColumn, type CalleeInfo, type Capabilities, type ExecCtx, type FacadeFunction } from "./context.js";
import { asAssumption, clauseTerm } from "./contract-eval.js";
import { declaredSites } from "./declared.js";
import { ENTRY_PARAMS, emitReturn, execStatements, recordAbort } from "./exec-stmt.js";
import { evalExpr } from "./exec-expr.js";
import { boundsDescription } from "./exec-bounds.js";
import { exportedFunctions, firstClosure, loadModule, shapeOf, type FunctionLike } from "./program.js";
import { Abort, Sink, type SiteKey } from "./sink.js";
import { bounded, newRefId, State, strLen } from "./state.js";
import { freshConst } from "./terms.js";
import { MAX_STRING_LENGTH, maxLengthOf, TWO_53, type Val } from "./values.js";

/**
 * Front end of the verifier: a module's TypeScript and the document's contracts become
 * Obligations with canonical SMT-LIB text (see docs/verification.md for what is modelled).
 * Pure and synchronous; this folder is the only place that imports ts-morph, so the rest of
 * the application can load it lazily.
 */

/** Bumped whenever the encoding of any obligation changes: part of the proof-cache key. */
export const ENCODING_VERSION = "anrf-encode-3";

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

export interface ExtractionResult {
  readonly obligations: Obligation[];
  readonly problems: ExtractionProblem[];
}

interface EntityContract {
  readonly pre: Array<{ clause: ParsedClause; id?: string }>;
  readonly post: Array<{ clause: ParsedClause; id?: string }>;
  readonly loop: Array<{ clause: ParsedClause; id: string }>;
  readonly informal: Array<{ clause: ParsedClause; id?: string }>;
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

export function extractObligations(given: ExtractionInput | DocumentExtractionInput): ExtractionResult {
  const input = "document" in given ? toExtractionInput(given) : given;
  const problems: ExtractionProblem[] = [];
  const obligations: Obligation[] = [];
  const javascript = /\.(c|m)?jsx?$/.test(input.moduleFile);
  const { sourceFile: sf, checker } = loadModule(input.moduleText, javascript);
  const exported = exportedFunctions(sf);
  const functionEntities = input.entities.filter((e) => e.type === "Function");
  const contractsOf = (entityId: string): EntityContract => {
    const entity = functionEntities.find((e) => e.id === entityId);
    const fn = entity ? exported.get(entity.name) : undefined;
    const params = fn ? fn.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : "")) : [];
    return entityContract(input, entityId, functionEntities.length, params);
  };

  const resolved = new Map<string, FunctionLike>();
  for (const e of functionEntities) {
    const fn = exported.get(e.name);
    if (fn) resolved.set(e.id, fn);
    else {
      problems.push({ code: "ENTITY_NO_FUNCTION", entity: e.id, message: `entity '${e.id}' names '${e.name}', which is not an exported function of ${input.moduleFile}` });
      obligations.push(...unverifiableObligations({ documentFile: input.documentFile, entities: [e], reason: `no exported function '${e.name}' in ${input.moduleFile}` }));
    }
  }

  const callees = new Map<ts.Node, CalleeInfo>();
  for (const e of functionEntities) {
    const fn = resolved.get(e.id);
    if (!fn) continue;
    const c = contractsOf(e.id);
    const sig = checker.getSignatureFromDeclaration(fn);
    callees.set(fn, {
      entityId: e.id,
      name: e.name,
      fn,
      paramNames: fn.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : "")),
      preconditions: c.pre.map((x) => x.clause),
      postconditions: c.post.map((x) => x.clause),
      returnShape: sig ? shapeOf(checker, checker.getReturnTypeOfSignature(sig)) : undefined,
    });
  }

  const { bindings, namespaces, networkImports } = facadeImports(sf, checker);
  const caps: Capabilities = { filesystem: input.filesystem, network: input.network, mounts: input.mounts };

  for (const e of functionEntities) {
    const fn = resolved.get(e.id);
    if (!fn) continue;
    const c = contractsOf(e.id);
    const sink = new Sink();
    const ctx: ExecCtx = {
      checker,
      sf,
      sink,
      entityId: e.id,
      fn,
      callees,
      facadeBindings: bindings,
      facadeNamespaces: namespaces,
      caps,
      returnClauses: c.post,
      paramNames: fn.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : "")),
      entry: undefined,
      loopStack: [],
      documentLoopInvariants: c.loop,
      pathBudget: 0,
    };
    runEntity(ctx, fn, c);
    const declared = declaredSites(ctx, fn, c.post);
    // Informal clauses: reported, never proved.
    c.informal.forEach(({ clause, id }, i) => {
      if (clause.kind !== "informal") return;
      const site: SiteKey = { kind: "informal", start: fn.getStart(sf), end: fn.getEnd(), clauseIndex: i + 1, clauseCount: c.informal.length, clause: id ?? clause.text, description: `informal clause: ${clause.text}` };
      sink.unsupported(site, clause.reason);
    });
    // A document invariant meant for loops that no loop can use is reported, not dropped.
    const usedLoopInvariants = new Set(sink.entries.filter((x) => x.site.kind === "invariant").map((x) => x.site.clause));
    c.loop.forEach(({ clause, id }, i) => {
      if (usedLoopInvariants.has(id)) return;
      const site: SiteKey = { kind: "informal", start: fn.getStart(sf), end: fn.getEnd(), clauseIndex: c.informal.length + i + 1, clauseCount: c.informal.length + c.loop.length, clause: id, description: `invariant ${id}: ${clause.text}` };
      sink.unsupported(site, `invariant ${id} names variables that are in scope at no loop of '${e.name}' (and is not about parameters and result only)`);
    });
    // Network imports are module-level: reported on the first entity whose function uses them, else the first entity.
    if (!input.network && functionEntities[0]?.id === e.id) {
      for (const imp of networkImports) {
        const site: SiteKey = { kind: "capability", start: imp.getStart(sf), end: imp.getEnd(), description: `import of network module ${imp.moduleSpecifier.getText(sf)} with network: false` };
        sink.add(site, [], { kind: "lit", text: "false", sort: "Bool" });
      }
    }
    obligations.push(...assemble({ entityId: e.id, file: input.moduleFile, sf, declared, entries: sink.entries, aborts: sink.aborts }));
  }
  return { obligations, problems };
}

function runEntity(ctx: ExecCtx, fn: FunctionLike, c: EntityContract): void {
  const closure = firstClosure(fn);
  if (closure) {
    ctx.sink.aborts.push({ start: 0, loops: [], reason: `closure at ${lc(ctx, closure)} is not modelled` });
    return;
  }
  if (fn.asteriskToken) {
    ctx.sink.aborts.push({ start: 0, loops: [], reason: "generator functions are not modelled" });
    return;
  }
  const st = State.empty();
  const names = new Map<string, Val>();
  fn.parameters.forEach((p, i) => {
    if (!ts.isIdentifier(p.name)) return;
    const name = p.name.text;
    const sym = ctx.checker.getSymbolAtLocation(p.name);
    const v = paramValue(ctx, p, i, c, st);
    if (sym) st.env.set(sym, v);
    names.set(name, v);
  });
  ENTRY_PARAMS.set(ctx, names);
  const entryForClauses = st.clone();
  for (const { clause } of c.pre) {
    if (clause.kind !== "formal") continue;
    const t = clauseTerm(clause.expr, { names, current: entryForClauses, entry: entryForClauses });
    if (t.ok) st.assume(asAssumption(t));
  }
  ctx.entry = st.clone();
  const body = fn.body;
  if (!body) return;
  if (!ts.isBlock(body)) {
    // Expression-bodied arrow: `(…) => expr` returns expr (the expression is the return site).
    try {
      const v = evalExpr(ctx, body, st);
      emitReturn(ctx, body.getStart(ctx.sf), body.getEnd(), v, st);
    } catch (error) {
      if (error instanceof Abort) recordAbort(ctx, error);
      else throw error;
    }
    return;
  }
  const flow = execStatements(ctx, body.statements, [st]);
  const close = body.getEnd() - 1;
  for (const s of flow.normal) emitReturn(ctx, close, close, { k: "undef" }, s);
}

function lc(ctx: ExecCtx, n: ts.Node): string {
  const { line, column } = lineColumn(ctx.sf, n.getStart(ctx.sf));
  return `${line}:${column}`;
}

/** A parameter's value at entry, with canonical constant names p<i> (and p<i>_len for arrays). */
function paramValue(ctx: ExecCtx, p: ts.ParameterDeclaration, i: number, c: EntityContract, st: State): Val {
  const name = ts.isIdentifier(p.name) ? p.name.text : `#${i}`;
  if (p.questionToken || p.initializer || p.dotDotDotToken) return { k: "opaque", why: `optional or rest parameter '${name}'` };
  const shape = shapeOf(ctx.checker, ctx.checker.getTypeAtLocation(p));
  if (!shape) return { k: "opaque", why: `parameter '${name}' of type '${ctx.checker.typeToString(ctx.checker.getTypeAtLocation(p))}'` };
  const canon = `p${i}`;
  switch (shape.k) {
    case "number": {
      const integral = integralByPrecondition(c, name);
      if (integral === "safe") return { k: "int", t: freshConst("Int", name, canon), lo: -(TWO_53 - 1n), hi: TWO_53 - 1n };
      if (integral === "integer") return { k: "int", t: freshConst("Int", name, canon) };
      return { k: "num", t: freshConst("FP", name, canon) };
    }
    case "string": {
      const s = freshConst("String", name, canon);
      st.assume(bounded(strLen(s), 0n, MAX_STRING_LENGTH));
      return { k: "str", t: s };
    }
    case "boolean":
      return { k: "bool", t: freshConst("Bool", name, canon) };
    case "array": {
      const ref = newRefId();
      const len = freshConst("Int", `${name}.length`, `${canon}_len`);
      st.refClass.set(ref, shape.cls);
      st.lens.set(ref, len);
      // Parameters may alias each other and be reachable from elsewhere.
      st.shared.add(ref);
      st.assume(bounded(len, 0n, maxLengthOf(shape.cls)));
      return { k: "arr", ref, cls: shape.cls, elem: shape.elem };
    }
  }
}

/** A top-level conjunct Number.isInteger(x) / Number.isSafeInteger(x) among the preconditions makes x an Int. */
function integralByPrecondition(c: EntityContract, name: string): "safe" | "integer" | undefined {
  let found: "safe" | "integer" | undefined;
  const visit = (e: Extract<ParsedClause, { kind: "formal" }>["expr"]): void => {
    if (e.tag === "bin" && e.op === "&&") {
      visit(e.left);
      visit(e.right);
    } else if (e.tag === "call" && (e.fn === "Number.isInteger" || e.fn === "Number.isSafeInteger") && e.args[0]?.tag === "name" && e.args[0].name === name) {
      found = e.fn === "Number.isSafeInteger" || found === "safe" ? "safe" : "integer";
    }
  };
  for (const { clause } of c.pre) if (clause.kind === "formal") visit(clause.expr);
  return found;
}

function entityContract(input: ExtractionInput, entityId: string, functionCount: number, params: readonly string[]): EntityContract {
  const applies = (to: readonly string[] | undefined): boolean => (to ? to.includes(entityId) : functionCount === 1);
  const pre: Array<{ clause: ParsedClause; id?: string }> = [];
  const post: Array<{ clause: ParsedClause; id?: string }> = [];
  const loop: Array<{ clause: ParsedClause; id: string }> = [];
  const informal: Array<{ clause: ParsedClause; id?: string }> = [];
  const invariantById = new Map(input.invariants.map((i) => [i.id, i]));
  const known = new Set([...params, "result", "output", "undefined", "null"]);
  // A clause that parses but names something that is not a parameter is prose ("bounded", "safe").
  const classify = (text: string): ParsedClause => {
    const clause = parseClause(text);
    if (clause.kind !== "formal") return clause;
    const unknown = freeNames(clause.expr).find((n) => !known.has(n));
    return unknown === undefined ? clause : { kind: "informal", text, reason: `not in the contract language: '${unknown}' is not a parameter` };
  };
  const add = (list: Array<{ clause: ParsedClause; id?: string }>, clause: ParsedClause, id?: string): void => {
    if (clause.kind === "informal") informal.push(id ? { clause, id } : { clause });
    else list.push(id ? { clause, id } : { clause });
  };
  for (const contract of input.contracts) {
    if (!applies(contract.applies_to)) continue;
    for (const text of contract.preconditions) add(pre, classify(text));
    for (const text of contract.postconditions) add(post, classify(text));
    for (const invId of contract.invariants) {
      const inv = invariantById.get(invId);
      if (!inv) continue;
      const clause = classify(inv.formal_representation);
      add(post, clause, inv.id);
      // An invariant without result/old holds at entry too: callers must establish it.
      if (clause.kind === "formal" && !usesOld(clause.expr) && !freeNames(clause.expr).some((n) => n === "result" || n === "output")) pre.push({ clause, id: inv.id });
    }
  }
  // Invariants used directly: `applies_to`, or (absent, and named by no contract) the only
  // Function entity — the same rule as spec/applies-to.ts, which the runtime follows too.
  const namedByContract = new Set(input.contracts.flatMap((c) => c.invariants));
  for (const inv of input.invariants) {
    if (inv.applies_to === undefined ? namedByContract.has(inv.id) || functionCount !== 1 : !inv.applies_to.includes(entityId)) continue;
    const parsed = parseClause(inv.formal_representation);
    if (parsed.kind !== "formal") {
      informal.push({ clause: parsed, id: inv.id });
      continue;
    }
    // Only parameters and result: a function-level invariant, asserted at every return.
    // Other names: a loop invariant for every loop where they are all in scope.
    if (freeNames(parsed.expr).every((n) => known.has(n))) post.push({ clause: parsed, id: inv.id });
    else loop.push({ clause: parsed, id: inv.id });
  }
  return { pre, post, loop, informal };
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

/** Obligations for code-level guarantees of a document without checkable code: reported unverifiable, never verified. */
export function unverifiableObligations(input: { documentFile: string; entities: ReadonlyArray<ExtractionEntity>; reason?: string }): Obligation[] {
  return input.entities.map((e) => ({
    id: `${e.id}/unverifiable/1:1`,
    entity: e.id,
    kind: "unverifiable" as const,
    location: { file: input.documentFile, line: 1, column: 1 },
    site: { start: 0, end: 0 },
    description: `code-level guarantees of '${e.name}' cannot be verified: ${input.reason ?? "the document carries no code"}`,
    smt: null,
    unsupportedReason: input.reason ?? "the document carries no code",
  }));
}

export { boundsDescription };
