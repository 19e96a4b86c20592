import { ts } from "ts-morph";
import { parseClause, type ParsedClause } from "../../spec/contract/index.js";
import type { ExecCtx } from "./context.js";
import { rowExpression } from "./rows.js";
import type { State } from "./state.js";

/**
 * Candidate loop invariants for Houdini-style inference (verifier/pipeline/houdini.ts).
 *
 * At a loop head the extractor proposes simple linear facts about the integers the loop
 * changes, in the contract language, so each is an ordinary `@anrf-invariant` clause: an
 * obligation on entry and at every back edge, assumed at the head. The pipeline solves the
 * candidates, drops every one that is not proved (refuted, unknown, time-out, unsupported)
 * and extracts again with the rest, until all that remain are proved together. Such a set
 * is inductive (each holds on entry, and each is preserved by an iteration that starts in a
 * state where all of them hold), so by induction over the iterations every one of them holds
 * at the head of every iteration of every real run: assuming them is sound, and a candidate
 * that is wrong can only be dropped, never make anything proved.
 *
 * Templates, for every integer x the loop changes and every name in scope that the loop
 * reads (a value the model holds as an integer, or an array or string with a length):
 *   x >= 0, x >= -1; x < len(a), x <= len(a); x <= y, x < y, x >= y, and x <= y + 1 when
 *   the loop changes y too (two indices that cross by one: lo <= hi + 1); x == y + z for three
 *   integers the loop changes (a merge's output index); x == len(a) (an index that follows a
 *   push); and for an array whose length the loop changes, len(a) == L and len(a) >= L, L its
 *   length on entry to the loop (a ghost name: not in the contract language, so such a clause
 *   cannot be checked at run time — it is only ever kept because it was proved).
 * No solver is involved here: this module only proposes.
 */

/** Candidates per loop, at most (the ones about lengths first): each is one query per round. */
export const MAX_CANDIDATES_PER_LOOP = 48;

export interface Candidate {
  readonly clause: ParsedClause;
  /** `<loop start>:<clause text>`: what the pipeline rejects. */
  readonly key: string;
  /** Stable clause number at this loop (after the user's clauses and the safe-integer one). */
  readonly index: number;
}

export interface InferenceState {
  /** Keys of candidates an earlier round did not prove. */
  readonly rejected: ReadonlySet<string>;
  /** Clause numbers by key, assigned in first-seen order (deterministic for one extraction). */
  readonly index: Map<string, number>;
}

/** The ghost name for the one length of every row of `array` (an array of rows: rows.ts; loops.ts binds it). */
export function rowLengthGhost(array: string): string {
  return `__anrf_rowlen_${array}`;
}

/** The ghost name for the length of `array` on entry to the loop (loops.ts binds it). */
export function lengthGhost(array: string): string {
  return `__anrf_len0_${array}`;
}

export function candidateKey(loopStart: number, text: string): string {
  return `${loopStart}:${text}`;
}

const referencedCache = new WeakMap<ts.Node, Set<ts.Symbol>>();
const indexedCache = new WeakMap<ts.Node, Map<string, Set<string>>>();
const rowIndexedCache = new WeakMap<ts.Node, Map<string, Set<string>>>();

/** For each array of rows `g` in the function, the names in the indexes `j` of `g[i][j]` (or of `r[j]`, `r` a row variable: not tracked). */
function rowIndexes(ctx: ExecCtx): Map<string, Set<string>> {
  let out = rowIndexedCache.get(ctx.fn);
  if (out) return out;
  const found = new Map<string, Set<string>>();
  const names = (e: ts.Node, into: Set<string>): void => {
    if (ts.isIdentifier(e)) into.add(e.text);
    ts.forEachChild(e, (c) => names(c, into));
  };
  const visit = (n: ts.Node): void => {
    if (ts.isElementAccessExpression(n) && ts.isElementAccessExpression(n.expression) && ts.isIdentifier(n.expression.expression)) {
      const g = n.expression.expression.text;
      const set = found.get(g) ?? new Set<string>();
      names(n.argumentExpression, set);
      found.set(g, set);
    }
    ts.forEachChild(n, visit);
  };
  visit(ctx.fn);
  out = found;
  rowIndexedCache.set(ctx.fn, out);
  return out;
}

/**
 * The lengths E of the fresh rows `new Array(E)…` the function stores into `a` (`a.push(ROW)`,
 * `a[i] = ROW`, ROW directly or a const initialised so), as clause text, when E names nothing
 * the loop changes: `dp.push(new Array(n + 1).fill(0))` proposes `n + 1` at the loop that
 * pushes and at every later loop that writes the rows (a write at a row's length would append,
 * so the rows' lengths are havocked there too).
 */
function storedRowLengths(ctx: ExecCtx, a: string, changed: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  const consts = new Map<string, ts.Expression>();
  const collect = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer !== undefined && ts.getCombinedNodeFlags(n) & ts.NodeFlags.Const) consts.set(n.name.text, n.initializer);
    ts.forEachChild(n, collect);
  };
  collect(ctx.fn);
  const consider = (x: ts.Expression): void => {
    const row = ts.isIdentifier(x) ? consts.get(x.text) : x;
    const len = row === undefined ? undefined : rowExpression(ctx, row);
    if (len === undefined) return;
    let mentionsChanged = false;
    const names = (e: ts.Node): void => {
      if (ts.isIdentifier(e) && changed.has(e.text)) mentionsChanged = true;
      ts.forEachChild(e, names);
    };
    names(len);
    if (!mentionsChanged) out.add(len.getText(ctx.sf));
  };
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === "push" && ts.isIdentifier(n.expression.expression) && n.expression.expression.text === a && n.arguments.length === 1) consider(n.arguments[0]!);
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isElementAccessExpression(n.left) && ts.isIdentifier(n.left.expression) && n.left.expression.text === a) consider(n.right);
    ts.forEachChild(n, visit);
  };
  visit(ctx.fn);
  return [...out];
}

/** For each array or string name indexed in `root` (`a[e]`, `s.charCodeAt(e)`, …), the names in its index expressions. */
function indexedBy(ctx: ExecCtx, loop: ts.Node): Map<string, Set<string>> {
  let out = indexedCache.get(loop);
  // (named `loop` for the cache; any node)
  if (out) return out;
  const found = new Map<string, Set<string>>();
  const names = (e: ts.Node, into: Set<string>): void => {
    if (ts.isIdentifier(e)) into.add(e.text);
    ts.forEachChild(e, (c) => names(c, into));
  };
  const add = (recv: ts.Expression, index: ts.Node): void => {
    if (!ts.isIdentifier(recv)) return;
    const set = found.get(recv.text) ?? new Set<string>();
    names(index, set);
    found.set(recv.text, set);
  };
  const visit = (n: ts.Node): void => {
    if (ts.isElementAccessExpression(n)) add(n.expression, n.argumentExpression);
    else if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.arguments[0] !== undefined) add(n.expression.expression, n.arguments[0]);
    ts.forEachChild(n, visit);
  };
  visit(loop);
  out = found;
  indexedCache.set(loop, out);
  void ctx;
  return out;
}

/** Symbols of the identifiers the loop mentions (nested functions included: they are analysed in place or make the entity unsupported). */
function referencedIn(ctx: ExecCtx, loop: ts.Node): Set<ts.Symbol> {
  let out = referencedCache.get(loop);
  if (out) return out;
  out = new Set();
  const found = out;
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) {
      const sym = ctx.checker.getSymbolAtLocation(n);
      if (sym) found.add(sym);
    }
    ts.forEachChild(n, visit);
  };
  visit(loop);
  referencedCache.set(loop, out);
  return out;
}

/**
 * The candidates at `loop` given the head state: `changed` are the variables the loop changes
 * (found by the executor), `head` holds their head values. Names that are shadowed or not
 * modelled as integers / arrays / strings get no candidate.
 */
export function invariantCandidates(
  ctx: ExecCtx,
  loop: ts.Node,
  head: State,
  changed: ReadonlySet<ts.Symbol>,
  firstIndex: number,
  ghosts: ReadonlyMap<string, unknown> = new Map(),
  rowsChanged: ReadonlySet<number> = new Set(),
): Candidate[] {
  const inference = ctx.inference;
  if (inference === undefined) return [];
  const referenced = referencedIn(ctx, loop);
  const byName = new Map<string, ts.Symbol | null>();
  for (const sym of ctx.checker.getSymbolsInScope(loop, ts.SymbolFlags.Variable)) {
    const name = sym.getName();
    // The contract language resolves a name to the innermost symbol; skip anything ambiguous.
    byName.set(name, byName.has(name) ? null : sym);
  }
  const ints: Array<{ name: string; changed: boolean }> = [];
  const lens: string[] = [];
  // Arrays of rows built row by row (per-row lengths, rows.ts storeRow).
  const rowArrays: string[] = [];
  // Integers in scope that the loop does not read: only the third name of `x == y + z`.
  const others: string[] = [];
  for (const [name, sym] of byName) {
    if (sym === null || !/^[A-Za-z_$][\w$]*$/.test(name)) continue;
    const v = head.env.get(sym);
    if (!referenced.has(sym)) {
      if (v?.k === "int" && ctx.fn.pos <= (sym.valueDeclaration?.pos ?? -1) && (sym.valueDeclaration?.end ?? Infinity) <= ctx.fn.end) others.push(name);
      continue;
    }
    if (v?.k === "int") ints.push({ name, changed: changed.has(sym) });
    else if (v?.k === "arr" || v?.k === "str") lens.push(name);
    if (v?.k === "arr" && head.rows.get(v.ref)?.lens !== undefined && rowsChanged.has(v.ref)) rowArrays.push(name);
  }
  others.sort();
  ints.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  lens.sort();
  const texts: string[] = [];
  const movers = ints.filter((x) => x.changed);
  // Indexed anywhere in the function: an index found in a loop is often used after it (dijkstra's u).
  const indexes = indexedBy(ctx, ctx.fn);
  const grows = (a: string): boolean => ghosts.has(lengthGhost(a));
  // In order of usefulness (at most MAX_CANDIDATES_PER_LOOP are kept): the length of an array
  // the loop changes against its length on entry; signs; an index against the length of an
  // array it indexes; three indices that move together (a merge: k == i + j); an index that
  // follows a growing array (a push); then order between two integers.
  for (const a of lens) if (grows(a)) texts.push(`len(${a}) == ${lengthGhost(a)}`, `len(${a}) >= ${lengthGhost(a)}`);
  // The rows of an array built row by row: every row up to a bound has one length (a name the
  // loop does not change) or the triangular length q + 1, and the row being built has the
  // length of the index that fills it.
  const q = ["q", "q_", "q__"].find((n) => !byName.has(n)) ?? "q___";
  rowArrays.sort();
  for (const a of rowArrays) {
    const rowIndex = (x: { name: string }): boolean => indexes.get(a)?.has(x.name) === true;
    const lengths = [...ints.filter((x) => !x.changed && !rowIndex(x)).map((x) => x.name), ...storedRowLengths(ctx, a, new Set(movers.map((x) => x.name)))];
    for (const end of [`len(${a})`, ...ints.filter(rowIndex).map((x) => x.name)]) for (const l of lengths) texts.push(`forall(${q}, 0, ${end}, len(${a}[${q}]) == ${l})`);
    texts.push(`forall(${q}, 0, len(${a}), len(${a}[${q}]) == ${q} + 1)`);
    for (const x of ints) if (!x.changed && rowIndex(x)) for (const y of movers) texts.push(`len(${a}[${x.name}]) == ${y.name}`);
  }
  for (const x of movers) texts.push(`${x.name} >= 0`, `${x.name} >= -1`);
  for (const x of movers) for (const a of lens) if (indexes.get(a)?.has(x.name)) texts.push(`${x.name} < len(${a})`, `${x.name} <= len(${a})`);
  // An index against the row length of an array of rows it indexes a row of (`g[r][x]`).
  for (const x of movers) {
    for (const a of lens) {
      const g = rowLengthGhost(a);
      if (ghosts.has(g) && rowIndexes(ctx).get(a)?.has(x.name)) texts.push(`${x.name} < ${g}`, `${x.name} <= ${g}`);
    }
  }
  for (const x of movers) {
    for (const y of movers) {
      for (const z of [...ints, ...others.map((name) => ({ name, changed: false }))]) {
        if (x.name !== y.name && x.name !== z.name && y.name !== z.name && (!z.changed || y.name < z.name)) texts.push(`${x.name} == ${y.name} + ${z.name}`);
      }
    }
  }
  for (const x of movers) for (const a of lens) if (grows(a)) texts.push(`${x.name} == len(${a})`);
  for (const x of movers) for (const a of lens) if (!indexes.get(a)?.has(x.name)) texts.push(`${x.name} < len(${a})`, `${x.name} <= len(${a})`);
  for (const x of movers) {
    for (const y of ints) {
      if (y.name === x.name) continue;
      texts.push(`${x.name} <= ${y.name}`, `${x.name} < ${y.name}`);
      if (!y.changed) texts.push(`${x.name} >= ${y.name}`);
      else texts.push(`${x.name} <= ${y.name} + 1`);
    }
  }
  const start = loop.getStart(ctx.sf);
  const out: Candidate[] = [];
  for (const text of texts.slice(0, MAX_CANDIDATES_PER_LOOP)) {
    const key = candidateKey(start, text);
    if (inference.rejected.has(key)) continue;
    let index = inference.index.get(key);
    if (index === undefined) {
      index = firstIndex + inference.index.size;
      inference.index.set(key, index);
    }
    out.push({ clause: parseClause(text), key, index });
  }
  return out;
}
