import { ts } from "ts-morph";
import { parseClause, type ParsedClause } from "../../spec/contract/index.js";
import { where, type ExecCtx } from "./context.js";
import { asAssumption, asGoal, clauseTerm } from "./contract-eval.js";
import { condition, evalExpr, modelled } from "./exec-expr.js";
import { valueOfElem } from "./exec-bounds.js";
import { readContents } from "./elements.js";
import { declare, execGuarded, recordAbort } from "./exec-stmt.js";
import { invariantCandidates, lengthGhost, rowLengthGhost, type Candidate } from "./invariant-candidates.js";
import { inferredFacts } from "./invariant-facts.js";
import { Abort, type SiteKey } from "./sink.js";
import { bounded, strLen, type State } from "./state.js";
import { print } from "./smt-text.js";
import { abstractConst, and, app, eq, exactConst, freshConst, intLit, le, lt, not, or, type Term } from "./terms.js";
import { MAX_STRING_LENGTH, TWO_53, type IntVal, type Val } from "./values.js";

/**
 * Loops: one arbitrary iteration from a havocked head state. Which variables and array
 * lengths the loop changes is found by running the body and comparing values by identity at
 * the back edges (re-running with those havocked until nothing new changes), so no
 * syntactic guess can miss a modification. At the head we assume:
 *  - invariants written as `// @anrf-invariant <clause>` directly before the loop (and
 *    document invariants naming the loop's variables) — each an obligation, checked on
 *    entry and at every back edge;
 *  - for a counter changed only by one ±k step per iteration (k a positive integer literal;
 *    for k > 1 the bound must be statically within 2^53 - k) and tested by a top-level
 *    conjunct `i < e` / `i <= e` (or `>`/`>=` when counting down) with `e` unchanged by the
 *    loop: a <= i <= e (or i = a), a the entry value — true of every real run because each
 *    step happens in an iteration that began with the test true;
 *  - every other integer variable the loop changes is a safe integer — an obligation of
 *    kind invariant too, checked like user invariants.
 * After the loop: the head facts and the negated condition, or the states at `break`.
 */
const MAX_ROUNDS = 5;

type Shape = "int" | "num" | "str" | "bool" | "undef" | "opaque" | `arr:${number}`;

interface HavocPlan {
  readonly vars: Map<ts.Symbol, Shape>;
  readonly refs: Set<number>;
  readonly shared: Set<number>;
  /** References some iteration made exotic (escaped): exotic at the head of every iteration. */
  readonly exotic?: Set<number>;
  /** Arrays of rows whose RowFact some iteration lost (rows.ts): unknown rows at every head. */
  readonly unrows?: Set<number>;
  /** Arrays of rows built row by row whose per-row lengths some iteration changed (RowFact.lens): unknown at every head. */
  readonly relens?: Set<number>;
  /** References some iteration stored as a row (rows.ts storeRow), by array: possibly rows of it at every head. */
  readonly linked?: Map<number, number>;
  /** Row references some iteration stopped counting as the row at their index (a row stored into their array). */
  readonly unindexed?: Set<number>;
  /** References whose elements some iteration changed (State.contents): unknown at the head. */
  readonly contents?: Set<number>;
  /**
   * Of those, the integral views (State.intViews) that some iteration did not keep: doubles at
   * the head. The others are integers at the head (they were before the loop, and every
   * iteration that started with integers ended with integers).
   */
  readonly unviewed?: Set<number>;
  /** Interval assumed at the head for integer variables (grown to the hull of the back edges, widened to safe integers). */
  readonly intervals: Map<ts.Symbol, { lo: bigint; hi: bigint; growth: number }>;
}

const SAFE_LO = -(TWO_53 - 1n);
const SAFE_HI = TWO_53 - 1n;

export function execLoop(ctx: ExecCtx, loop: ts.IterationStatement, st: State): State[] {
  if (ts.isForStatement(loop) && loop.initializer) {
    if (ts.isVariableDeclarationList(loop.initializer)) declare(ctx, loop.initializer, st);
    else evalExpr(ctx, loop.initializer, st);
  }
  let iterable: Val | undefined;
  if (ts.isForOfStatement(loop)) iterable = evalExpr(ctx, loop.expression, st);
  const clauses = loopInvariants(ctx, loop);
  const plan: HavocPlan = { vars: new Map(), refs: new Set(), shared: new Set(), exotic: new Set(), unrows: new Set(), relens: new Set(), linked: new Map(), unindexed: new Set(), contents: new Set(), unviewed: new Set(), intervals: new Map() };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const mark = ctx.sink.mark();
    const result = oneIteration(ctx, loop, st, plan, clauses, iterable);
    if (!widen(plan, st, result.head, result.backEdges)) return result.exits;
    ctx.sink.rollback(mark);
  }
  recordAbort(ctx, new Abort(loop, `loop at ${where(ctx, loop)} did not stabilise`));
  return [];
}

interface IterationResult {
  readonly head: State;
  readonly backEdges: State[];
  readonly exits: State[];
}

function oneIteration(ctx: ExecCtx, loop: ts.IterationStatement, pre: State, plan: HavocPlan, written: ReadonlyArray<{ clause: ParsedClause; id?: string }>, iterable: Val | undefined): IterationResult {
  let clauses: ReadonlyArray<{ clause: ParsedClause; id?: string; inferred?: Candidate }> = written;
  const head = pre.clone();
  const loc = where(ctx, loop);
  // A `var` declared in the loop keeps its value from the previous iteration (function
  // scope): at the head it is whatever an earlier iteration left, unless already tracked.
  for (const sym of varsDeclaredIn(ctx, loop)) {
    if (!head.env.has(sym)) head.env.set(sym, { k: "opaque", why: `'${sym.getName()}' (a var that may hold a value from an earlier iteration)` });
  }
  for (const ref of plan.shared) head.shared.add(ref);
  for (const ref of plan.exotic ?? []) head.exotic.add(ref);
  for (const m of plan.unrows ?? []) head.forgetRows(m, `an earlier iteration of the loop at ${where(ctx, loop)}`);
  for (const ref of plan.unindexed ?? []) head.rowIndex.delete(ref);
  for (const [ref, m] of plan.linked ?? []) {
    if (!head.rowOf.has(ref)) head.rowOf.set(ref, m);
    head.rowIndex.delete(ref);
  }
  // Per-row lengths an iteration changed: unknown at the head (what inferred invariants say);
  // each row reference at a known index reads its length from them.
  const relensed = new Set<number>();
  for (const m of plan.relens ?? []) {
    const fact = head.rows.get(m);
    if (fact?.lens === undefined) continue;
    head.setRowLengths(m, { ...fact, lens: abstractConst("IntArray", `the lengths of the rows at the loop at ${loc}`) });
    relensed.add(m);
  }
  for (const ref of plan.refs) {
    const of = head.rowOf.get(ref);
    if (of !== undefined && relensed.has(of) && head.rowIndex.has(ref)) continue;
    const fact = relensed.has(ref) ? head.rows.get(ref) : undefined;
    // The array's own length: unknown, its rows still its rows (every iteration kept them so).
    if (fact !== undefined) head.rows.delete(ref);
    head.havocLength(ref, `length at the loop at ${loc}`);
    if (fact !== undefined) head.rows.set(ref, fact);
  }
  for (const ref of plan.contents ?? []) {
    // A view speaks of the elements below the current length, whatever it is: a length the
    // loop changes (appends) keeps it as long as every iteration does.
    const keepsView = pre.integralView(ref) !== undefined && !(plan.unviewed?.has(ref) ?? true);
    if (keepsView) head.havocIntegralView(ref, `the elements (integers) at the loop at ${loc}`);
    else head.forgetContents(ref);
  }
  const counters = plan.vars.size > 0 ? inferCounters(ctx, loop, pre, plan) : new Map<ts.Symbol, Term>();
  const monotone = plan.vars.size > 0 ? monotoneCounters(ctx, loop, pre, plan, counters) : new Map<ts.Symbol, Monotone>();
  const safeInts: Array<{ name: string; sym: ts.Symbol; lo: bigint; hi: bigint }> = [];
  for (const [sym, shape] of plan.vars) {
    const name = sym.getName();
    const source = `${name} (loop at ${loc})`;
    let v: Val;
    if (shape === "int") {
      // A counter with its inferred range, in a loop without early exits, takes every value of
      // that range in a real run: not an abstraction for counterexamples. Anything else is.
      const counterFact = counters.get(sym);
      const c = counterFact !== undefined && !hasEarlyExit(loop) ? exactConst("Int", source) : abstractConst("Int", source);
      // The body may make it -0 (x = -x, x % k, x * y): only a counter that starts as a
      // non-negative-zero value and moves by non-zero steps never is one (issue 9, class C).
      const entry = pre.env.get(sym);
      const moving = monotone.get(sym);
      const negZero = (counterFact === undefined && moving === undefined) || (entry?.k === "int" && Boolean(entry.negZero)) || entry?.k !== "int";
      v = { k: "int", t: c, lo: undefined, hi: undefined, negZero };
      if (moving !== undefined) head.assume(moving.up ? le(moving.entry.t, c) : le(c, moving.entry.t));
      if (counterFact === undefined) {
        const iv = plan.intervals.get(sym) ?? { lo: SAFE_LO, hi: SAFE_HI };
        safeInts.push({ name, sym, lo: iv.lo, hi: iv.hi });
      } else head.assume(substitute(counterFact, c));
    } else if (shape === "num") v = { k: "num", t: abstractConst("FP", source), hole: true };
    else if (shape === "bool") v = { k: "bool", t: abstractConst("Bool", source) };
    else if (shape === "str") {
      const c = abstractConst("String", source);
      head.assume(bounded(strLen(c), 0n, MAX_STRING_LENGTH));
      v = { k: "str", t: c };
    } else if (shape === "undef") v = { k: "undef" };
    else if (shape.startsWith("arr:")) v = pre.env.get(sym) ?? { k: "opaque", why: source };
    else v = { k: "opaque", why: `${name}, changed by the loop at ${loc} in a way that is not modelled` };
    head.env.set(sym, v);
  }
  // Inferred candidates (Houdini, invariant-candidates.ts) after the written clauses: numbered
  // after them and the safe-integer clause, so the written ones keep their ids.
  const userCount = clauses.length;
  const ghosts = entryLengths(ctx, loop, pre, head, plan.refs);
  const candidates = invariantCandidates(ctx, loop, head, new Set(plan.vars.keys()), userCount + 2, ghosts, relensed);
  clauses = [...clauses, ...candidates.map((c) => ({ clause: c.clause, inferred: c }))];
  // Obligations at the loop site: entry (pre state) and preservation (back edges).
  const sites = clauses.map((c, i) =>
    c.inferred === undefined ? loopSite(ctx, loop, c, i, userCount + (safeInts.length > 0 ? 1 : 0)) : inferredSite(ctx, loop, c.clause, c.inferred.index),
  );
  const safeSite: SiteKey | undefined = safeInts.length > 0 ? safeIntSite(ctx, loop, safeInts, userCount + 1) : undefined;
  const check = (s: State, phase: "entry" | "back"): void => {
    clauses.forEach(({ clause }, i) => {
      const site = sites[i];
      if (!site || clause.kind === "informal") return;
      const c = clauseTerm(clause.expr, clauseEnv(ctx, loop, s, ghosts));
      if (!c.ok) ctx.sink.unsupported(site, c.reason);
      else {
        ctx.sink.add(site, [...s.pc, ...c.defs], s.guarded(asGoal(c)));
        for (const e of s.exactAt) ctx.sink.add(site, e.pc, e.cond);
      }
    });
  };
  const checkIntervals = (s: State, phase: "entry" | "back"): void => {
    if (!safeSite) return;
    const goals: Term[] = [];
    for (const { sym, lo, hi } of safeInts) {
      const v = s.env.get(sym);
      if (v?.k === "int") goals.push(bounded(v.t, lo, hi));
      else if (phase === "back") return; // kinds are widened before this round is kept
    }
    ctx.sink.add(safeSite, s.pc, s.guarded(and(...goals)));
    for (const e of s.exactAt) ctx.sink.add(safeSite, e.pc, e.cond);
  };
  check(pre, "entry");
  for (const { sym, lo, hi } of safeInts) {
    const v = head.env.get(sym);
    if (v?.k === "int") {
      head.assume(bounded(v.t, lo, hi));
      // A monotone counter never passes its entry value (assumed above): the entry's static bound narrows the interval.
      const moving = monotone.get(sym);
      const from = moving === undefined ? undefined : moving.up ? moving.entry.lo : moving.entry.hi;
      const narrowed = moving === undefined || from === undefined ? { lo, hi } : moving.up ? { lo: from > lo ? from : lo, hi } : { lo, hi: from < hi ? from : hi };
      head.env.set(sym, { ...v, ...narrowed });
    }
  }
  for (const { clause, inferred } of clauses) {
    if (clause.kind === "informal") continue;
    const c = clauseTerm(clause.expr, clauseEnv(ctx, loop, head, ghosts));
    if (!c.ok) continue;
    const fact = asAssumption(c);
    if (inferred !== undefined) inferredFacts.add(fact);
    head.assume(fact);
  }
  // Counter variables get the static interval of their inferred bounds, so steps need no exactness condition.
  for (const [sym] of counters) {
    const v = head.env.get(sym);
    const bounds = counterInterval(ctx, loop, pre, sym);
    if (v?.k === "int" && bounds) head.env.set(sym, { ...v, lo: bounds.lo, hi: bounds.hi });
  }

  const backEdges: State[] = [];
  const exits: State[] = [];
  ctx.loopStack.push(loop);
  try {
    const atHead = head.clone();
    if (ts.isDoStatement(loop)) {
      const flow = execGuarded(ctx, loop.statement, atHead);
      exits.push(...flow.breaks);
      for (const s of [...flow.normal, ...flow.continues]) {
        try {
          const c = condition(ctx, loop.expression, s);
          const again = s.clone();
          again.assume(c);
          backEdges.push(again);
          s.assume(not(c));
          exits.push(s);
        } catch (error) {
          if (error instanceof Abort) recordAbort(ctx, error);
          else throw error;
        }
      }
    } else {
      let c: Term;
      if (ts.isForOfStatement(loop)) {
        c = abstractConst("Bool", `another element at the loop at ${loc}`);
      } else {
        const test = ts.isForStatement(loop) ? loop.condition : (loop as ts.WhileStatement).expression;
        c = test ? condition(ctx, test, atHead) : { kind: "lit", text: "true", sort: "Bool" };
      }
      const body = atHead.clone();
      body.assume(c);
      atHead.assume(not(c));
      exits.push(atHead);
      if (ts.isForOfStatement(loop)) bindForOf(ctx, loop, iterable, body);
      const flow = execGuarded(ctx, loop.statement, body);
      exits.push(...flow.breaks);
      for (const s of [...flow.normal, ...flow.continues]) {
        if (ts.isForStatement(loop) && loop.incrementor) {
          try {
            evalExpr(ctx, loop.incrementor, s);
          } catch (error) {
            if (error instanceof Abort) {
              recordAbort(ctx, error);
              continue;
            }
            throw error;
          }
        }
        backEdges.push(s);
      }
    }
  } catch (error) {
    if (!(error instanceof Abort)) throw error;
    recordAbort(ctx, error);
  } finally {
    ctx.loopStack.pop();
  }
  for (const s of backEdges) check(s, "back");
  // The head intervals are an inductive invariant without any proof obligation when the entry
  // values and every back-edge value lie in them by static interval arithmetic and no
  // integer operation of the iteration needed an exactness condition; otherwise they are
  // an obligation like a written invariant.
  const within = (v: Val | undefined, lo: bigint, hi: bigint): boolean => v?.k === "int" && v.lo !== undefined && v.hi !== undefined && v.lo >= lo && v.hi <= hi && !v.mayBeInfinite;
  const staticallyInductive =
    safeInts.every(({ sym, lo, hi }) => within(pre.env.get(sym), lo, hi) && backEdges.every((b) => within(b.env.get(sym), lo, hi))) &&
    backEdges.every((b) => b.exact.length === head.exact.length && b.exact.every((e, i) => e === head.exact[i]));
  if (!staticallyInductive) {
    checkIntervals(pre, "entry");
    for (const s of backEdges) checkIntervals(s, "back");
  }
  return { head, backEdges, exits };
}

function bindForOf(ctx: ExecCtx, loop: ts.ForOfStatement, iterable0: Val | undefined, st: State): void {
  const init = loop.initializer;
  // The iterator reads the array afresh each step: if it became exotic in the body, so is the next step.
  const iterable = iterable0 === undefined ? undefined : modelled(st, iterable0);
  const element: Val =
    iterable?.k === "arr" ? forOfElement(st, iterable) : iterable?.k === "str" ? { k: "str", t: freshConst("String", "a character of a string") } : { k: "opaque", why: "an element of an unmodelled iterable" };
  if (iterable && iterable.k !== "arr" && iterable.k !== "str") st.havocShared(`array lengths while iterating at ${where(ctx, loop)}`);
  if (ts.isVariableDeclarationList(init)) {
    const d = init.declarations[0];
    if (d && ts.isIdentifier(d.name)) {
      const sym = ctx.checker.getSymbolAtLocation(d.name);
      if (sym) st.env.set(sym, element);
      return;
    }
  }
  throw new Abort(loop, `for-of binding at ${where(ctx, loop)} is not modelled`);
}

/**
 * The element a for-of step binds: the iterator reads `a[k]` at its position k, which is below
 * the length at that moment (else the loop ends). So it is the current contents at some k in
 * [0, length) — with the facts the contents carry (preconditions on the elements, an integral
 * view) — or, where contents are not modelled, an unknown value of the element type.
 */
function forOfElement(st: State, iterable: Extract<Val, { k: "arr" }>): Val {
  const k = freshConst("Int", "a for-of position");
  const position: Val = { k: "int", t: k, lo: 0n, hi: TWO_53 };
  st.assume(and(le(intLit(0), k), lt(k, st.lengthOf(iterable.ref))));
  return readContents(st, iterable, position) ?? valueOfElem(iterable.elem, st, iterable.cls);
}

/** Adds what changed at the back edges to the plan; true when the plan grew (run again). */
function widen(plan: HavocPlan, pre: State, head: State, backEdges: readonly State[]): boolean {
  let grew = false;
  for (const s of backEdges) {
    for (const [sym, v] of s.env) {
      if (!head.env.has(sym)) continue;
      const before = head.env.get(sym);
      if (v === before) continue;
      const key = sym as ts.Symbol;
      const old = plan.vars.get(key);
      const joined = join(join(old ?? shapeOf(pre.env.get(key)), shapeOf(before)), shapeOf(v));
      if (old !== joined) {
        plan.vars.set(key, joined);
        grew = true;
      }
      if (joined === "int") grew = growInterval(plan, key, pre.env.get(key), v) || grew;
    }
    for (const [ref, len] of head.lens) {
      if (s.lens.get(ref) !== len && !plan.refs.has(ref)) {
        plan.refs.add(ref);
        grew = true;
      }
    }
    for (const [ref, now] of s.contents) {
      if (head.contents.get(ref) !== now && head.lens.has(ref) && plan.contents !== undefined && !plan.contents.has(ref)) {
        plan.contents.add(ref);
        grew = true;
      }
    }
    // An integral view held at the head but not at this back edge: doubles at every head.
    for (const ref of plan.contents ?? []) {
      if (head.integralView(ref) !== undefined && s.integralView(ref) === undefined && plan.unviewed !== undefined && !plan.unviewed.has(ref)) {
        plan.unviewed.add(ref);
        grew = true;
      }
    }
    for (const ref of s.shared) {
      if (!head.shared.has(ref) && head.lens.has(ref) && !plan.shared.has(ref)) {
        plan.shared.add(ref);
        grew = true;
      }
    }
    // Only references that exist at the head: one made inside the body (an element read of an
    // array of unknown provenance) is a new reference in every round, and the plan would grow
    // forever ("did not stabilise"); it is not visible at the head anyway.
    for (const ref of s.exotic) {
      if (!head.exotic.has(ref) && head.lens.has(ref) && plan.exotic !== undefined && !plan.exotic.has(ref)) {
        plan.exotic.add(ref);
        grew = true;
      }
    }
    for (const [m, fact] of head.rows) {
      const now = s.rows.get(m);
      if (now === fact || plan.unrows === undefined || plan.unrows.has(m)) continue;
      // Only the per-row lengths changed (rows stored or appended to, rows.ts storeRow).
      if (fact.lens !== undefined && now?.lens !== undefined && now.cls === fact.cls && now.elem === fact.elem && plan.relens !== undefined) {
        if (!plan.relens.has(m)) {
          plan.relens.add(m);
          grew = true;
        }
        continue;
      }
      plan.unrows.add(m);
      grew = true;
    }
    for (const [ref, m] of s.rowOf) {
      if (head.lens.has(ref) && head.rowOf.get(ref) !== m && plan.linked !== undefined && !plan.linked.has(ref)) {
        plan.linked.set(ref, m);
        grew = true;
      }
    }
    for (const ref of head.rowIndex.keys()) {
      if (!s.rowIndex.has(ref) && plan.unindexed !== undefined && !plan.unindexed.has(ref)) {
        plan.unindexed.add(ref);
        grew = true;
      }
    }
  }
  return grew;
}

/** Hull of the interval so far, the entry value and a back-edge value; after two growths, all safe integers. */
function growInterval(plan: HavocPlan, sym: ts.Symbol, entry: Val | undefined, v: Val): boolean {
  const lo = (x: Val | undefined): bigint => (x?.k === "int" && x.lo !== undefined && !x.mayBeInfinite ? x.lo : SAFE_LO);
  const hi = (x: Val | undefined): bigint => (x?.k === "int" && x.hi !== undefined && !x.mayBeInfinite ? x.hi : SAFE_HI);
  const cur = plan.intervals.get(sym) ?? { lo: lo(entry), hi: hi(entry), growth: 0 };
  let nlo = cur.lo < lo(v) ? cur.lo : lo(v);
  let nhi = cur.hi > hi(v) ? cur.hi : hi(v);
  if (nlo < SAFE_LO) nlo = SAFE_LO;
  if (nhi > SAFE_HI) nhi = SAFE_HI;
  const existing = plan.intervals.get(sym);
  if (existing && existing.lo === nlo && existing.hi === nhi) return false;
  const growth = (existing?.growth ?? 0) + 1;
  plan.intervals.set(sym, growth > 2 ? { lo: SAFE_LO, hi: SAFE_HI, growth } : { lo: nlo, hi: nhi, growth });
  return true;
}

function shapeOf(v: Val | undefined): Shape {
  if (!v) return "opaque";
  if (v.k === "arr") return `arr:${v.ref}`;
  if (v.k === "fn") return "opaque";
  return v.k;
}

function join(a: Shape, b: Shape): Shape {
  if (a === b) return a;
  if ((a === "int" && b === "num") || (a === "num" && b === "int")) return "num";
  return "opaque";
}

function loopSite(ctx: ExecCtx, loop: ts.Node, c: { clause: ParsedClause; id?: string }, i: number, count: number): SiteKey {
  return {
    kind: "invariant",
    start: loop.getStart(ctx.sf),
    end: loop.getEnd(),
    clauseIndex: i + 1,
    clauseCount: count,
    clause: c.id ?? c.clause.text,
    description: `loop invariant ${c.clause.text} on entry and after each iteration of the loop at ${where(ctx, loop)}`,
  };
}

function inferredSite(ctx: ExecCtx, loop: ts.Node, clause: ParsedClause, index: number): SiteKey {
  return {
    kind: "invariant",
    start: loop.getStart(ctx.sf),
    end: loop.getEnd(),
    clauseIndex: index,
    clauseCount: index,
    clause: clause.text,
    inferred: true,
    description: `inferred loop invariant ${clause.text} on entry and after each iteration of the loop at ${where(ctx, loop)}`,
  };
}

function safeIntSite(ctx: ExecCtx, loop: ts.Node, vars: ReadonlyArray<{ name: string; lo: bigint; hi: bigint }>, index: number): SiteKey {
  const text = vars.map((v) => (v.lo === SAFE_LO && v.hi === SAFE_HI ? `Number.isSafeInteger(${v.name})` : `Number.isInteger(${v.name}) && ${v.name} >= ${v.lo} && ${v.name} <= ${v.hi}`)).join(" && ");
  return {
    kind: "invariant",
    start: loop.getStart(ctx.sf),
    end: loop.getEnd(),
    clauseIndex: index,
    clauseCount: index,
    clause: text,
    description: `integers changed by the loop stay safe: ${text} on entry and after each iteration of the loop at ${where(ctx, loop)}`,
  };
}

/** Loop invariants: `// @anrf-invariant <clause>` comments directly before the loop, then document invariants naming its variables. */
export function loopInvariants(ctx: ExecCtx, loop: ts.Node): Array<{ clause: ParsedClause; id?: string }> {
  const out: Array<{ clause: ParsedClause; id?: string }> = [];
  const text = ctx.sf.text;
  for (const range of ts.getLeadingCommentRanges(text, loop.getFullStart()) ?? []) {
    const comment = text.slice(range.pos, range.end);
    const m = /^\/\/\s*@anrf-invariant\s+(.*)$/.exec(comment) ?? /^\/\*\s*@anrf-invariant\s+([\s\S]*?)\*\/$/.exec(comment);
    if (m?.[1]) out.push({ clause: parseClause(m[1].trim()) });
  }
  const inScope = new Set(ctx.checker.getSymbolsInScope(loop, ts.SymbolFlags.Variable).map((s) => s.getName()));
  for (const inv of ctx.documentLoopInvariants) {
    if (inv.clause.kind !== "formal") continue;
    const names = collectNames(inv.clause);
    if (names.every((n) => inScope.has(n))) out.push(inv);
  }
  return out;
}

function collectNames(c: ParsedClause): string[] {
  if (c.kind !== "formal") return [];
  const out: string[] = [];
  const walk = (e: unknown): void => {
    if (e && typeof e === "object") {
      const o = e as { tag?: string; name?: string };
      if (o.tag === "name" && o.name) out.push(o.name);
      for (const v of Object.values(e)) walk(v);
    }
  };
  walk(c.expr);
  return out;
}

/** Names in a loop invariant denote the variables in scope at the loop, with their current values. */
function clauseEnv(ctx: ExecCtx, loop: ts.Node, st: State, ghosts?: ReadonlyMap<string, Val>): Parameters<typeof clauseTerm>[1] {
  const names = new Map<string, Val>(ghosts);
  for (const sym of ctx.checker.getSymbolsInScope(loop, ts.SymbolFlags.Variable)) {
    const v = st.env.get(sym);
    if (v) names.set(sym.getName(), v);
  }
  return { names, current: st, entry: ctx.entry ?? st };
}

/**
 * Ghost names for inferred candidates (invariant-candidates.ts `lengthGhost`): the length on
 * entry to the loop of each array in scope whose length the loop changes. The same term at the
 * entry check and at every back edge.
 */
function entryLengths(ctx: ExecCtx, loop: ts.Node, pre: State, head: State, changed: ReadonlySet<number>): Map<string, Val> {
  const out = new Map<string, Val>();
  if (ctx.inference === undefined) return out;
  for (const sym of ctx.checker.getSymbolsInScope(loop, ts.SymbolFlags.Variable)) {
    const v = head.env.get(sym);
    if (v?.k !== "arr" || !changed.has(v.ref)) continue;
    const len = pre.lens.get(v.ref);
    if (len !== undefined) out.set(lengthGhost(sym.getName()), { k: "int", t: len, lo: 0n });
  }
  // The one length of every row of an array of rows (rows.ts).
  for (const sym of ctx.checker.getSymbolsInScope(loop, ts.SymbolFlags.Variable)) {
    const v = head.env.get(sym);
    const fact = v?.k === "arr" ? head.rows.get(v.ref) : undefined;
    if (fact?.len !== undefined) out.set(rowLengthGhost(sym.getName()), { k: "int", t: fact.len, lo: 0n });
  }
  return out;
}

// ---- counting loops ----

interface CounterShape {
  readonly sym: ts.Symbol;
  readonly up: boolean;
  /** The bound expression and whether the test is inclusive. */
  readonly bound: ts.Expression;
  readonly inclusive: boolean;
  /** The step's magnitude k (i += k / i -= k; 1 for ++ and --). */
  readonly step: bigint;
}

function inferCounters(ctx: ExecCtx, loop: ts.IterationStatement, pre: State, plan: HavocPlan): Map<ts.Symbol, Term> {
  const out = new Map<ts.Symbol, Term>();
  for (const shape of counterShapes(ctx, loop)) {
    if (plan.vars.get(shape.sym) !== "int") continue;
    const entry = pre.env.get(shape.sym);
    if (entry?.k !== "int") continue;
    const bound = loopInvariantBound(ctx, shape.bound, pre, plan);
    if (!bound) continue;
    const k = shape.step;
    // A step k > 1 is exact only while i + k stays within ±2^53: require it statically.
    if (k > 1n && (shape.up ? bound.hi === undefined || bound.hi + k > TWO_53 || entry.lo === undefined || entry.lo < -TWO_53 : bound.lo === undefined || bound.lo - k < -TWO_53 || entry.hi === undefined || entry.hi > TWO_53)) continue;
    const x: Term = { kind: "bound", name: "__counter", sort: "Int" };
    const reach = shape.inclusive ? k : k - 1n;
    const limit = reach === 0n ? bound.t : app(shape.up ? "+" : "-", "Int", bound.t, intLit(reach));
    const fact = shape.up ? and(le(entry.t, x), or(le(x, limit), eq(x, entry.t))) : and(le(x, entry.t), or(le(limit, x), eq(x, entry.t)));
    out.set(shape.sym, fact);
  }
  return out;
}

interface Monotone {
  readonly up: boolean;
  readonly entry: IntVal;
}

/**
 * Counters (counterShapes: changed only by one `++`/`--`/`+= k`/`-= k`) whose bound inferCounters
 * could not use (a double, or a name the loop changes): they still only move one way, so at
 * every head an up counter is at least its entry value and a down counter at most it. Nor are
 * they ever −0 when the entry value is not: x ± k for k ≥ 1 is −0 only if x is. Not exact: the
 * counter need not take every value of its range.
 */
function monotoneCounters(ctx: ExecCtx, loop: ts.IterationStatement, pre: State, plan: HavocPlan, counters: ReadonlyMap<ts.Symbol, Term>): Map<ts.Symbol, Monotone> {
  const out = new Map<ts.Symbol, Monotone>();
  for (const shape of counterShapes(ctx, loop)) {
    if (plan.vars.get(shape.sym) !== "int" || counters.has(shape.sym) || out.has(shape.sym)) continue;
    const entry = pre.env.get(shape.sym);
    if (entry?.k === "int") out.set(shape.sym, { up: shape.up, entry });
  }
  return out;
}

function counterInterval(ctx: ExecCtx, loop: ts.IterationStatement, pre: State, sym: ts.Symbol): { lo: bigint | undefined; hi: bigint | undefined } | undefined {
  const shape = counterShapes(ctx, loop).find((s) => s.sym === sym);
  const entry = pre.env.get(sym);
  if (!shape || entry?.k !== "int") return undefined;
  const bound = loopInvariantBound(ctx, shape.bound, pre, { vars: new Map(), refs: new Set(), shared: new Set(), intervals: new Map() });
  if (!bound) return undefined;
  const extra = shape.inclusive ? shape.step : shape.step - 1n;
  if (shape.up) {
    const hi = bound.hi === undefined || entry.hi === undefined ? undefined : (bound.hi + extra > entry.hi ? bound.hi + extra : entry.hi);
    return { lo: entry.lo, hi };
  }
  const lo = bound.lo === undefined || entry.lo === undefined ? undefined : (bound.lo - extra < entry.lo ? bound.lo - extra : entry.lo);
  return { lo, hi: entry.hi };
}

/** The bound's value if the loop cannot change it (no variable or length it reads is changed). */
function loopInvariantBound(ctx: ExecCtx, expr: ts.Expression, pre: State, plan: HavocPlan): IntVal | undefined {
  let ok = true;
  const visit = (n: ts.Node): void => {
    if (!ok) return;
    if (ts.isIdentifier(n)) {
      const sym = ctx.checker.getSymbolAtLocation(n);
      if (sym && plan.vars.has(sym)) ok = false;
      const v = sym ? pre.env.get(sym) : undefined;
      if (v?.k === "arr" && plan.refs.has(v.ref)) ok = false;
    } else if (ts.isCallExpression(n) || ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment) ok = false;
    else if (ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) {
      if (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken) ok = false;
    } else if (ts.isElementAccessExpression(n)) ok = false;
    ts.forEachChild(n, visit);
  };
  visit(expr);
  if (!ok) return undefined;
  const scratch = pre.clone();
  const before = print(and(...scratch.exact), new Map(), true);
  try {
    const v = evalExpr(ctx, expr, scratch);
    if (v.k !== "int") return undefined;
    // Evaluating the bound must not add exactness conditions or facts we would lose.
    if (print(and(...scratch.exact), new Map(), true) !== before || scratch.pc.length !== pre.pc.length) return undefined;
    return v;
  } catch (error) {
    if (error instanceof Abort) return undefined;
    throw error;
  }
}

function counterShapes(ctx: ExecCtx, loop: ts.IterationStatement): CounterShape[] {
  const test = ts.isForStatement(loop) ? loop.condition : ts.isWhileStatement(loop) ? loop.expression : undefined;
  if (!test) return [];
  const conjuncts: ts.Expression[] = [];
  const split = (e: ts.Expression): void => {
    const inner = ts.isParenthesizedExpression(e) ? e.expression : e;
    if (ts.isBinaryExpression(inner) && inner.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) {
      split(inner.left);
      split(inner.right);
    } else conjuncts.push(inner);
  };
  split(test);
  const out: CounterShape[] = [];
  for (const c of conjuncts) {
    if (!ts.isBinaryExpression(c)) continue;
    const op = c.operatorToken.kind;
    const rel = op === ts.SyntaxKind.LessThanToken ? "<" : op === ts.SyntaxKind.LessThanEqualsToken ? "<=" : op === ts.SyntaxKind.GreaterThanToken ? ">" : op === ts.SyntaxKind.GreaterThanEqualsToken ? ">=" : undefined;
    if (!rel) continue;
    const candidates: Array<{ id: ts.Expression; other: ts.Expression; rel: string }> = [
      { id: c.left, other: c.right, rel },
      { id: c.right, other: c.left, rel: rel === "<" ? ">" : rel === "<=" ? ">=" : rel === ">" ? "<" : "<=" },
    ];
    for (const cand of candidates) {
      if (!ts.isIdentifier(cand.id)) continue;
      const sym = ctx.checker.getSymbolAtLocation(cand.id);
      if (!sym) continue;
      const step = singleStep(ctx, loop, sym);
      if (step === undefined) continue;
      const up = cand.rel === "<" || cand.rel === "<=";
      if (step === 0 || step > 0 !== up) continue;
      out.push({ sym, up, bound: cand.other, inclusive: cand.rel === "<=" || cand.rel === ">=", step: BigInt(Math.abs(step)) });
    }
  }
  return out;
}

/** The signed step k when the loop changes `sym` exactly once, by `++`/`--`/`+= k`/`-= k`, outside nested loops and closures. */
function singleStep(ctx: ExecCtx, loop: ts.IterationStatement, sym: ts.Symbol): number | undefined {
  const steps: number[] = [];
  let other = false;
  const refersTo = (e: ts.Expression): boolean => ts.isIdentifier(e) && ctx.checker.getSymbolAtLocation(e) === sym;
  const visit = (n: ts.Node, nested: boolean): void => {
    if (ts.isFunctionLike(n)) {
      other = true;
      return;
    }
    const inner = nested || (n !== loop && ts.isIterationStatement(n, false));
    if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken) && refersTo(n.operand)) {
      if (nested) other = true;
      else steps.push(n.operator === ts.SyntaxKind.PlusPlusToken ? 1 : -1);
    } else if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment && refersTo(n.left)) {
      const k = n.operatorToken.kind;
      const size = ts.isNumericLiteral(n.right) ? Number(n.right.text) : Number.NaN;
      const literal = Number.isSafeInteger(size) && size >= 1;
      if (!nested && literal && (k === ts.SyntaxKind.PlusEqualsToken || k === ts.SyntaxKind.MinusEqualsToken)) steps.push(k === ts.SyntaxKind.PlusEqualsToken ? size : -size);
      else other = true;
    } else if (ts.isIdentifier(n) && ctx.checker.getSymbolAtLocation(n) === sym && isOtherWrite(n, loop)) {
      // `var i = 10` in the body, `(i) = 5`, `[i] = xs`, `for (i of xs)`: a change that is not the step.
      other = true;
    }
    ts.forEachChild(n, (c) => visit(c, inner));
  };
  ts.forEachChild(loop, (c) => visit(c, false));
  if (ts.isForStatement(loop) && loop.initializer) {
    // Changes in the initializer run once, before the loop: they do not count.
    let inInit = 0;
    const countInit = (n: ts.Node): void => {
      if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && refersTo((n as ts.PrefixUnaryExpression).operand)) inInit++;
      ts.forEachChild(n, countInit);
    };
    countInit(loop.initializer);
    if (inInit > 0) return undefined;
  }
  if (other || steps.length !== 1) return undefined;
  return steps[0];
}

/**
 * Whether the identifier `id` (inside `loop`) is written by something other than the direct
 * `i++` / `i op= e` forms singleStep already classifies: a declaration with an initializer
 * (outside the for-initializer, which runs once), a parenthesized or destructuring assignment
 * target, or a for-in/for-of binding. Conservative: an unclear position counts as a write.
 */
function isOtherWrite(id: ts.Identifier, loop: ts.IterationStatement): boolean {
  const p = id.parent;
  if ((ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) && p.operand === id) return false;
  if (ts.isBinaryExpression(p) && p.left === id) return false;
  if ((ts.isForOfStatement(p) || ts.isForInStatement(p)) && p.initializer === id) return true;
  const inForInit = ts.isForStatement(loop) && loop.initializer !== undefined && id.getStart() >= loop.initializer.getStart() && id.getEnd() <= loop.initializer.getEnd();
  if ((ts.isVariableDeclaration(p) || ts.isBindingElement(p) || ts.isParameter(p)) && p.name === id) return !inForInit || ts.isBindingElement(p);
  // Walk up through wrappers and destructuring patterns; a write if the top is an assignment target.
  let n: ts.Node = id;
  while (
    ts.isParenthesizedExpression(n.parent) ||
    ts.isNonNullExpression(n.parent) ||
    ts.isAsExpression(n.parent) ||
    ts.isArrayLiteralExpression(n.parent) ||
    ts.isObjectLiteralExpression(n.parent) ||
    ts.isShorthandPropertyAssignment(n.parent) ||
    (ts.isPropertyAssignment(n.parent) && n.parent.initializer === n) ||
    ts.isSpreadElement(n.parent) ||
    ts.isSpreadAssignment(n.parent)
  ) {
    n = n.parent;
  }
  if (n === id) return false;
  const top = n.parent;
  if (ts.isBinaryExpression(top) && top.left === n && top.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && top.operatorToken.kind <= ts.SyntaxKind.LastAssignment) return true;
  if ((ts.isPrefixUnaryExpression(top) || ts.isPostfixUnaryExpression(top)) && top.operand === n) return true;
  if ((ts.isForOfStatement(top) || ts.isForInStatement(top)) && top.initializer === n) return true;
  return false;
}

function varsDeclaredIn(ctx: ExecCtx, loop: ts.Node): ts.Symbol[] {
  const out: ts.Symbol[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionLike(n)) return;
    if (ts.isVariableDeclarationList(n) && (n.flags & ts.NodeFlags.BlockScoped) === 0) {
      for (const d of n.declarations) {
        const names: ts.Identifier[] = [];
        const collect = (b: ts.Node): void => {
          if (ts.isIdentifier(b)) names.push(b);
          else ts.forEachChild(b, collect);
        };
        collect(d.name);
        for (const id of names) {
          const sym = ctx.checker.getSymbolAtLocation(id);
          if (sym) out.push(sym);
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(loop, visit);
  return out;
}

/** `break`, `return`, `throw` or a labelled `continue` anywhere in the loop (closures aside): the run may leave early. */
function hasEarlyExit(loop: ts.IterationStatement): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || ts.isFunctionLike(n)) return;
    if (ts.isBreakStatement(n) || ts.isReturnStatement(n) || ts.isThrowStatement(n) || (ts.isContinueStatement(n) && n.label !== undefined)) found = true;
    else ts.forEachChild(n, visit);
  };
  ts.forEachChild(loop, visit);
  return found;
}

/** Replaces the placeholder bound variable of an inferred fact by the head constant. */
function substitute(t: Term, c: Term): Term {
  switch (t.kind) {
    case "bound":
      return t.name === "__counter" ? c : t;
    case "app":
      return { ...t, args: t.args.map((a) => substitute(a, c)) };
    default:
      return t;
  }
}

export { Abort };
