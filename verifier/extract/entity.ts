import { ts } from "ts-morph";
import type { ParsedClause } from "../../spec/contract/index.js";
import { argumentObligations } from "./argument-obligations.js";
import { assemble } from "./assemble.js";
import { where, type ExecCtx } from "./context.js";
import { asAssumption, clauseTerm } from "./contract-eval.js";
import { declaredSites } from "./declared.js";
import type { EntityContract } from "./entity-contract.js";
import { ENTRY_PARAMS, emitReturn, execStatements, recordAbort } from "./exec-stmt.js";
import { evalExpr, hasEffects } from "./exec-expr.js";
import { paramNames, type ModuleAnalysis } from "./module-analysis.js";
import type { RawObligation } from "./positions.js";
import { firstUnmodelledClosure } from "./callbacks.js";
import { hostGlobalUses } from "./host-globals.js";
import { integralArrays } from "./integral-arrays.js";
import { shapeOf, type FunctionLike } from "./program.js";
import { calledFromModule, parameterRowFacts, rowsStayInSight } from "./rows.js";
import { Abort, Sink, type SiteKey } from "./sink.js";
import { bounded, newRefId, State, strLen } from "./state.js";
import { canonicalQuery } from "./smt-text.js";
import { FALSE, freshConst } from "./terms.js";
import { MAX_STRING_LENGTH, maxLengthOf, TWO_53, type Val } from "./values.js";

export interface ExtractEntityOptions {
  /**
   * Propose loop-invariant candidates (obligations marked `inferred`), except the rejected ones
   * (keys from invariant-candidates.ts `candidateKey`). Absent: none are proposed.
   */
  readonly infer?: { readonly rejected: ReadonlySet<string> } | undefined;
}

/**
 * One Function entity's obligations, by symbolic execution of its function with its contract
 * (callees are used through their contracts only). Positions are tokens (positions.ts) until
 * the pipeline finalizes them. The entity must resolve to a function (`m.resolved`).
 */
export function extractEntity(m: ModuleAnalysis, entityId: string, options: ExtractEntityOptions = {}): RawObligation[] {
  const { sf, input } = m;
  const fn = m.resolved.get(entityId);
  const e = m.functionEntities.find((x) => x.id === entityId);
  if (fn === undefined || e === undefined) throw new Error(`entity '${entityId}' has no function to extract`);
  const c = m.contractOf(e.id);
  const sink = new Sink();
  const ctx: ExecCtx = {
    checker: m.checker,
    sf,
    sink,
    entityId: e.id,
    fn,
    callees: m.callees,
    facadeBindings: m.facade.bindings,
    facadeNamespaces: m.facade.namespaces,
    caps: m.caps,
    returnClauses: c.post,
    paramNames: paramNames(fn),
    entry: undefined,
    loopStack: [],
    documentLoopInvariants: c.loop,
    pathBudget: 0,
    ...(options.infer === undefined ? {} : { inference: { rejected: options.infer.rejected, index: new Map<string, number>() } }),
  };
  runEntity(ctx, fn, c, m.provenance.whyUntrusted(fn));
  hostGlobalUses(ctx, fn);
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
  // Network imports are module-level: reported on the first Function entity that has a function.
  if (!input.network && m.resolved.keys().next().value === e.id) {
    for (const imp of m.facade.networkImports) {
      const site: SiteKey = { kind: "capability", start: imp.getStart(sf), end: imp.getEnd(), description: `import of network module ${imp.moduleSpecifier.getText(sf)} with network: false` };
      sink.add(site, [], { kind: "lit", text: "false", sort: "Bool" });
    }
  }
  const formalPre = c.pre.some(({ clause }) => clause.kind === "formal");
  const preconditionsSmt = formalPre && ctx.entry !== undefined ? canonicalQuery(ctx.entry.pc, FALSE).smt : undefined;
  const fromPaths = assemble({ entityId: e.id, declared, entries: sink.entries, aborts: sink.aborts, preconditionsSmt });
  // Decided by provenance, not by any path: present even where the execution stopped early.
  const args = argumentObligations(sf, e.id, m.provenance.argumentSites(fn));
  return [...fromPaths, ...args].sort((a, b) => a.site.start - b.site.start);
}

function runEntity(ctx: ExecCtx, fn: FunctionLike, c: EntityContract, untrusted: string | undefined): void {
  const closure = firstUnmodelledClosure(fn.body, ctx.checker);
  if (closure) {
    ctx.sink.aborts.push({ start: 0, loops: [], reason: `closure at ${where(ctx, closure)} is not modelled` });
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
    // Parameters are modelled only when every caller's arguments are (provenance.ts, issue 9).
    const v: Val = untrusted === undefined ? paramValue(ctx, p, i, c, st) : { k: "opaque", why: `parameter '${name}' of unknown provenance: ${untrusted}` };
    if (sym) st.env.set(sym, v);
    names.set(name, v);
  });
  ENTRY_PARAMS.set(ctx, names);
  // Parameters that are arrays of rows (rows.ts), row lengths from the preconditions: only
  // when the host builds every argument (no module code calls the function). Before the
  // preconditions are assumed, so that `len(g[0])` in them is the rows' length.
  if (untrusted === undefined && !calledFromModule(ctx, fn)) {
    const eligible = new Map<string, Val>();
    fn.parameters.forEach((p) => {
      const sym = ts.isIdentifier(p.name) ? ctx.checker.getSymbolAtLocation(p.name) : undefined;
      const v = sym ? st.env.get(sym) : undefined;
      if (sym && v?.k === "arr" && v.elem.k === "arr" && rowsStayInSight(ctx, sym, fn)) eligible.set(sym.getName(), v);
    });
    if (eligible.size > 0) parameterRowFacts(c.pre.map(({ clause }) => clause), eligible, names, st);
    // Without a row-length precondition the rows are still what the host built: distinct dense
    // plain Arrays of the element shape (arg-shapes.ts), each of its own unknown length.
    for (const v of eligible.values()) if (v.k === "arr" && v.elem.k === "arr" && v.elem.cls === "Array" && !st.rows.has(v.ref)) st.rows.set(v.ref, { cls: "Array" });
  }
  // Number arrays whose elements a precondition makes integers are held as integers (integral-arrays.ts).
  if (untrusted === undefined) {
    const integral = integralArrays(c.pre.flatMap(({ clause }) => (clause.kind === "formal" ? [clause.expr] : [])));
    for (const [name, bounds] of integral) {
      const v = names.get(name);
      if (v?.k === "arr" && v.elem.k === "num" && (v.cls === "Array" || v.cls === "Float64Array")) st.startIntegralView(v.ref, bounds);
    }
  }
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


/** A parameter's value at entry, with canonical constant names p<i> (and p<i>_len for arrays). */
function paramValue(ctx: ExecCtx, p: ts.ParameterDeclaration, i: number, c: EntityContract, st: State): Val {
  const name = ts.isIdentifier(p.name) ? p.name.text : `#${i}`;
  if (p.dotDotDotToken) return { k: "opaque", why: `rest parameter '${name}'` };
  // A default parameter is the caller's argument or, when that is undefined, the default: either
  // way a value of the parameter's type, so (when the default has no effects) it is modelled like
  // any parameter of that type — the default is one of the values a caller may pass anyway.
  if (p.initializer && hasEffects(p.initializer, ctx.checker)) return { k: "opaque", why: `default parameter '${name}' with effects` };
  if (p.questionToken && !p.initializer) {
    // Optional: a number or undefined (a hole-like value: `??` and `=== undefined` tell them apart).
    const t = ctx.checker.getNonNullableType(ctx.checker.getTypeAtLocation(p));
    const inner = shapeOf(ctx.checker, t);
    if (inner?.k === "number") return { k: "num", t: freshConst("FP", name, `p${i}`), hole: true };
    return { k: "opaque", why: `optional parameter '${name}'` };
  }
  const shape = shapeOf(ctx.checker, ctx.checker.getTypeAtLocation(p));
  if (!shape) return { k: "opaque", why: `parameter '${name}' of type '${ctx.checker.typeToString(ctx.checker.getTypeAtLocation(p))}'` };
  const canon = `p${i}`;
  switch (shape.k) {
    case "number": {
      const integral = integralByPrecondition(c, name);
      // Number.isInteger(-0) is true and the host passes -0 through: the Int may stand for -0
      // wherever the sign of a zero is observable (1 / x, Math.min, …) — issue 9, class C.
      if (integral === "safe") return { k: "int", t: freshConst("Int", name, canon), lo: -(TWO_53 - 1n), hi: TWO_53 - 1n, negZero: true };
      if (integral === "integer") return { k: "int", t: freshConst("Int", name, canon), negZero: true };
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

