import { ts } from "ts-morph";
import { where, type ExecCtx } from "./context.js";
import { asGoal, clauseTerm } from "./contract-eval.js";
import { condition, evalExpr, hasEffects } from "./exec-expr.js";
import { strictEquals } from "./ops.js";
import { execLoop } from "./loops.js";
import { emptyRowFact, localRowFact, rowsStayInSight } from "./rows.js";
import { Abort, type SiteKey } from "./sink.js";
import type { State } from "./state.js";
import { abstractConst, freshConst, not, type Term } from "./terms.js";
import type { Val } from "./values.js";

/**
 * Statements by symbolic execution with path conditions: `if` forks the path, `return` and
 * `throw` end it (a return first asserts the postconditions), `break`/`continue` leave the
 * innermost loop. A construct that is not modelled stops its path (Abort) and every site it
 * could reach becomes unsupported (see obligations.ts).
 */
export interface Flow {
  readonly normal: State[];
  readonly breaks: State[];
  readonly continues: State[];
}

const MAX_PATHS = 96;

export function execStatements(ctx: ExecCtx, stmts: readonly ts.Statement[], states: State[]): Flow {
  let current = states;
  const breaks: State[] = [];
  const continues: State[] = [];
  for (const stmt of stmts) {
    const next: State[] = [];
    for (const st of current) {
      const flow = execGuarded(ctx, stmt, st);
      next.push(...flow.normal);
      breaks.push(...flow.breaks);
      continues.push(...flow.continues);
    }
    current = next;
    if (current.length > MAX_PATHS) {
      recordAbort(ctx, new Abort(stmt, `more than ${MAX_PATHS} paths at ${where(ctx, stmt)}`));
      current = [];
    }
  }
  return { normal: current, breaks, continues };
}

export function execGuarded(ctx: ExecCtx, stmt: ts.Statement, st: State): Flow {
  try {
    return execStatement(ctx, stmt, st);
  } catch (error) {
    if (error instanceof Abort) {
      recordAbort(ctx, error);
      return { normal: [], breaks: [], continues: [] };
    }
    throw error;
  }
}

export function recordAbort(ctx: ExecCtx, error: Abort): void {
  ctx.sink.aborts.push({
    start: error.node.getStart(),
    loops: ctx.loopStack.map((l) => ({ start: l.getStart(ctx.sf), end: l.getEnd() })),
    reason: error.reason,
  });
}

function execStatement(ctx: ExecCtx, stmt: ts.Statement, st: State): Flow {
  const only = (s: State): Flow => ({ normal: [s], breaks: [], continues: [] });
  const none: Flow = { normal: [], breaks: [], continues: [] };
  switch (stmt.kind) {
    case ts.SyntaxKind.Block:
      return execStatements(ctx, (stmt as ts.Block).statements, [st]);
    case ts.SyntaxKind.EmptyStatement:
      return only(st);
    case ts.SyntaxKind.VariableStatement:
      declare(ctx, (stmt as ts.VariableStatement).declarationList, st);
      return only(st);
    case ts.SyntaxKind.ExpressionStatement:
      evalExpr(ctx, (stmt as ts.ExpressionStatement).expression, st);
      return only(st);
    case ts.SyntaxKind.IfStatement: {
      const s = stmt as ts.IfStatement;
      const c = condition(ctx, s.expression, st);
      const yes = st.clone();
      yes.assume(c);
      const no = st;
      no.assume(not(c));
      const a = execGuarded(ctx, s.thenStatement, yes);
      const b = s.elseStatement ? execGuarded(ctx, s.elseStatement, no) : only(no);
      return { normal: [...a.normal, ...b.normal], breaks: [...a.breaks, ...b.breaks], continues: [...a.continues, ...b.continues] };
    }
    case ts.SyntaxKind.ReturnStatement: {
      const r = stmt as ts.ReturnStatement;
      const value: Val = r.expression ? evalExpr(ctx, r.expression, st) : { k: "undef" };
      emitReturn(ctx, r.getStart(ctx.sf), r.getEnd(), value, st);
      return none;
    }
    case ts.SyntaxKind.ThrowStatement:
      evalExpr(ctx, (stmt as ts.ThrowStatement).expression, st);
      return none;
    case ts.SyntaxKind.BreakStatement:
    case ts.SyntaxKind.ContinueStatement: {
      const b = stmt as ts.BreakStatement;
      if (b.label) throw new Abort(stmt, `labelled ${stmt.kind === ts.SyntaxKind.BreakStatement ? "break" : "continue"} at ${where(ctx, stmt)} is not modelled`);
      return stmt.kind === ts.SyntaxKind.BreakStatement ? { normal: [], breaks: [st], continues: [] } : { normal: [], breaks: [], continues: [st] };
    }
    case ts.SyntaxKind.ForStatement:
    case ts.SyntaxKind.WhileStatement:
    case ts.SyntaxKind.DoStatement:
    case ts.SyntaxKind.ForOfStatement:
      return { normal: execLoop(ctx, stmt as ts.IterationStatement, st), breaks: [], continues: [] };
    case ts.SyntaxKind.SwitchStatement:
      return execSwitch(ctx, stmt as ts.SwitchStatement, st);
    case ts.SyntaxKind.TryStatement:
      return execTry(ctx, stmt as ts.TryStatement, st);
    default:
      throw new Abort(stmt, `${ts.SyntaxKind[stmt.kind]} at ${where(ctx, stmt)} is not modelled`);
  }
}

/**
 * `switch`: case labels are compared with `===` in order; entering at clause i means the
 * earlier labels did not match and label i did (the default clause: none matched), and
 * execution falls through the following clauses until `break`.
 */
function execSwitch(ctx: ExecCtx, sw: ts.SwitchStatement, st: State): Flow {
  const disc = evalExpr(ctx, sw.expression, st);
  const clauses = sw.caseBlock.clauses;
  const matches: Array<Term | undefined> = clauses.map((c) => {
    if (!ts.isCaseClause(c)) return undefined;
    if (hasEffects(c.expression, ctx.checker)) throw new Abort(c, `case label with effects at ${where(ctx, c)} is not modelled`);
    const label = evalExpr(ctx, c.expression, st);
    return strictEquals(st, disc, label) ?? abstractConst("Bool", `case ${c.expression.getText(ctx.sf)} matches`);
  });
  const normal: State[] = [];
  const continues: State[] = [];
  const entries: Array<{ index: number; state: State }> = [];
  const noneBefore = (i: number): Term[] => matches.slice(0, i).flatMap((m) => (m ? [not(m)] : []));
  clauses.forEach((c, i) => {
    const m = matches[i];
    const entry = st.clone();
    if (m) {
      for (const t of noneBefore(i)) entry.assume(t);
      entry.assume(m);
    } else {
      for (const t of matches.flatMap((x) => (x ? [not(x)] : []))) entry.assume(t);
    }
    entries.push({ index: i, state: entry });
  });
  if (!clauses.some((c) => ts.isDefaultClause(c))) {
    const none = st.clone();
    for (const t of matches.flatMap((x) => (x ? [not(x)] : []))) none.assume(t);
    normal.push(none);
  }
  for (const { index, state } of entries) {
    const statements = clauses.slice(index).flatMap((c) => [...c.statements]);
    const flow = execStatements(ctx, statements, [state]);
    normal.push(...flow.normal, ...flow.breaks);
    continues.push(...flow.continues);
  }
  return { normal, breaks: [], continues };
}

/**
 * `try { A } catch { B }`: A runs as usual. B can start after any prefix of A (any
 * expression may throw, and so does every failed runtime check), so it starts from the state
 * before the try with every variable A assigns unknown (unmodelled) and every array length
 * unknown. `finally` is not modelled.
 */
function execTry(ctx: ExecCtx, stmt: ts.TryStatement, st: State): Flow {
  if (stmt.finallyBlock) throw new Abort(stmt, `try…finally at ${where(ctx, stmt)} is not modelled`);
  const handler = stmt.catchClause;
  const before = st.clone();
  const tried = execStatements(ctx, stmt.tryBlock.statements, [st]);
  if (!handler) return tried;
  const entry = before;
  for (const sym of assignedIn(ctx, stmt.tryBlock)) {
    if (entry.env.has(sym)) entry.env.set(sym, { k: "opaque", why: `'${sym.getName()}' after an exception in the try block at ${where(ctx, stmt)}` });
  }
  for (const ref of [...entry.lens.keys()]) entry.havocLength(ref, `length after an exception in the try block at ${where(ctx, stmt)}`);
  if (handler.variableDeclaration) bindPattern(ctx, handler.variableDeclaration.name, entry);
  const caught = execStatements(ctx, handler.block.statements, [entry]);
  return {
    normal: [...tried.normal, ...caught.normal],
    breaks: [...tried.breaks, ...caught.breaks],
    continues: [...tried.continues, ...caught.continues],
  };
}

/** Variables assigned anywhere in a block (assignment targets, ++/--, var declarations), by symbol. */
export function assignedIn(ctx: ExecCtx, block: ts.Node): ts.Symbol[] {
  const out: ts.Symbol[] = [];
  const add = (e: ts.Node): void => {
    if (ts.isIdentifier(e)) {
      const sym = ctx.checker.getSymbolAtLocation(e);
      if (sym) out.push(sym);
    } else ts.forEachChild(e, add);
  };
  const visit = (n: ts.Node): void => {
    if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment) add(n.left);
    else if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) add(n.operand);
    else if (ts.isVariableDeclaration(n)) add(n.name);
    else if ((ts.isForOfStatement(n) || ts.isForInStatement(n)) && !ts.isVariableDeclarationList(n.initializer)) add(n.initializer);
    ts.forEachChild(n, visit);
  };
  visit(block);
  return out;
}

export function declare(ctx: ExecCtx, list: ts.VariableDeclarationList, st: State): void {
  // `var x;` of a binding that already exists (hoisted, redeclared, a parameter, or a second
  // loop iteration) does nothing in JavaScript: it must not reset x to undefined.
  const isVar = (list.flags & ts.NodeFlags.BlockScoped) === 0;
  for (const d of list.declarations) {
    if (isVar && !d.initializer && ts.isIdentifier(d.name)) {
      const existing = ctx.checker.getSymbolAtLocation(d.name);
      if (existing && st.env.has(existing)) continue;
    }
    const v: Val = d.initializer ? evalExpr(ctx, d.initializer, st) : { k: "undef" };
    if (ts.isIdentifier(d.name)) {
      const sym = ctx.checker.getSymbolAtLocation(d.name);
      if (!sym) throw new Abort(d, `declaration without a symbol at ${where(ctx, d)}`);
      st.env.set(sym, v);
      // A 2-D array built here whose rows stay in sight (rows.ts).
      if (d.initializer && v.k === "arr" && v.elem.k === "arr" && !st.exotic.has(v.ref) && !st.shared.has(v.ref) && rowsStayInSight(ctx, sym, ctx.fn)) {
        const fact = localRowFact(ctx, d.initializer, st, (e, s) => evalExpr(ctx, e, s), st.lengthOf(v.ref)) ?? emptyRowFact(d.initializer, d.name.text);
        if (fact !== undefined) st.rows.set(v.ref, fact);
      }
    } else {
      bindPattern(ctx, d.name, st);
    }
  }
}

/** Destructured bindings are not modelled: each bound name gets an unmodelled value. */
export function bindPattern(ctx: ExecCtx, pattern: ts.BindingName, st: State): void {
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && ts.isBindingElement(n.parent) && n.parent.name === n) {
      const sym = ctx.checker.getSymbolAtLocation(n);
      if (sym) st.env.set(sym, { k: "opaque", why: `destructured '${n.text}'` });
      return;
    }
    ts.forEachChild(n, visit);
  };
  if (ts.isIdentifier(pattern)) {
    const sym = ctx.checker.getSymbolAtLocation(pattern);
    if (sym) st.env.set(sym, { k: "opaque", why: `'${pattern.text}'` });
  } else visit(pattern);
}

/** Postconditions (and contract invariants) asserted at a return with its value. */
export function emitReturn(ctx: ExecCtx, start: number, end: number, value: Val, st: State): void {
  const entry = ctx.entry;
  if (!entry) return;
  const names = new Map<string, Val>();
  for (const name of ctx.paramNames) {
    const v = entryParam(ctx, name);
    if (v) names.set(name, v);
  }
  const count = ctx.returnClauses.length;
  ctx.returnClauses.forEach(({ clause, id }, i) => {
    const site: SiteKey = {
      kind: "postcondition",
      start,
      end,
      clauseIndex: i + 1,
      clauseCount: count,
      clause: id ?? clause.text,
      description: `${clause.text}${id ? ` (invariant ${id})` : ""} at return`,
    };
    if (clause.kind === "informal") return;
    const c = clauseTerm(clause.expr, { names, result: value, current: st, entry });
    if (!c.ok) {
      ctx.sink.unsupported(site, c.reason);
      return;
    }
    const withDefs = st.clone();
    for (const d of c.defs) withDefs.assume(d);
    ctx.sink.add(site, withDefs.pc, st.guarded(asGoal(c)));
    for (const e of st.exactAt) ctx.sink.add(site, e.pc, e.cond);
  });
}

export const ENTRY_PARAMS = new WeakMap<ExecCtx, Map<string, Val>>();

function entryParam(ctx: ExecCtx, name: string): Val | undefined {
  return ENTRY_PARAMS.get(ctx)?.get(name);
}
