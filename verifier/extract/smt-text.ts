import { ABSTRACTION_MARKER } from "../solver/verdict.js";
import { stringLemmas } from "./strings.js";
import { inferredFacts } from "./invariant-facts.js";
import { and, constsOf, implies, isAbstraction, isTrue, not, type Const, type Sort, type Term } from "./terms.js";

/**
 * Canonical SMT-LIB text for one obligation. Canonical means: constants named p<i>… for
 * parameter facets (fixed by parameter position) and v<k> for everything else by first
 * appearance in the assertions; declarations sorted by name; no comments, no source names,
 * no positions. So the same obligation in a renamed or moved function hashes equal, and the
 * proof cache keys on the text alone.
 */
export interface CanonicalQuery {
  readonly smt: string;
  /** SMT constant name → source term, for counterexamples. */
  readonly symbols: Record<string, string>;
}

export function sortText(sort: Sort): string {
  switch (sort) {
    case "FP":
      return "(_ FloatingPoint 11 53)";
    case "IntArray":
      return "(Array Int Int)";
    case "FPArray":
      return "(Array Int (_ FloatingPoint 11 53))";
    default:
      return sort;
  }
}

/**
 * Builds `assumptions ⇒ goal` as a satisfiability query of its negation. Assumptions not
 * connected to the goal through shared constants are dropped (cone of influence): dropping
 * assumptions only weakens them, so an unsat answer stays a proof.
 */
export function canonicalQuery(assumptions: readonly Term[], goal: Term): CanonicalQuery {
  return canonicalAssertions(coneOfInfluence(assumptions, goal), goal, dependsOnAbstraction(assumptions, goal));
}

/**
 * Whether a counterexample to `assumptions ⇒ goal` can involve an abstraction constant: one in
 * the goal or in any fact the query keeps. A kept fact outside the goal's cone is a path
 * condition too: over an abstraction, the model may satisfy it where no real run does (a path
 * that is infeasible in reality), so it counts as much as the goal's own constants.
 */
function dependsOnAbstraction(assumptions: readonly Term[], goal: Term): boolean {
  // Inferred invariants hold in every real state (invariant-facts.ts): they make no model less real.
  return [goal, ...coneOfInfluence(assumptions, goal).filter((t) => !inferredFacts.has(t))].some((t) => constsOf(t).some(isAbstraction));
}

/**
 * Several paths reach one site: the obligation is the conjunction of (path condition ⇒ goal)
 * over the paths, each path condition reduced to its own cone of influence.
 */
export function canonicalQueryPaths(paths: ReadonlyArray<{ readonly assumptions: readonly Term[]; readonly goal: Term }>): CanonicalQuery {
  const [only] = paths;
  if (paths.length === 1 && only) return canonicalQuery(only.assumptions, only.goal);
  const seen = new Set<string>();
  const parts: Term[] = [];
  const abstraction = paths.some((p) => dependsOnAbstraction(p.assumptions, p.goal));
  for (const p of paths) {
    const part = implies(and(...coneOfInfluence(p.assumptions, p.goal)), p.goal);
    const key = print(part, new Map(), true);
    if (seen.has(key)) continue;
    seen.add(key);
    parts.push(part);
  }
  return canonicalAssertions([], and(...parts), abstraction);
}

function canonicalAssertions(kept: readonly Term[], goal: Term, abstraction: boolean): CanonicalQuery {
  const lemmas = stringLemmas([...kept, goal], (t) => print(t, new Map(), true));
  const assertions = [...lemmas, ...kept, not(goal)];
  const names = new Map<number, string>();
  let counter = 0;
  const all: Const[] = [];
  for (const a of assertions) constsOf(a, all, new Set(all.map((c) => c.id)));
  for (const c of all) {
    if (c.canon !== undefined) names.set(c.id, c.canon);
  }
  for (const c of all) {
    if (!names.has(c.id)) names.set(c.id, `v${counter++}`);
  }
  const decls = all
    .map((c) => ({ name: names.get(c.id) ?? "?", sort: c.sort }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const lines = ["(set-logic ALL)"];
  for (const d of decls) lines.push(`(declare-const ${d.name} ${sortText(d.sort)})`);
  for (const a of assertions) lines.push(`(assert ${print(a, names)})`);
  // A model through an abstraction constant (loop head, length after a call, callee result,
  // rounding witness) need not be a real run: the verdict mapping reports such `sat` as unknown.
  if (abstraction) lines.push(ABSTRACTION_MARKER);
  lines.push("(check-sat)");
  const symbols: Record<string, string> = {};
  for (const c of all) symbols[names.get(c.id) ?? "?"] = c.source;
  return { smt: `${lines.join("\n")}\n`, symbols };
}

const KEEP_ALL_FACTS = true;

export function coneOfInfluence(assumptions: readonly Term[], goal: Term): Term[] {
  const facts = dedupe(assumptions.filter((a) => !isTrue(a)));
  // Every path condition is kept (audit B2): a dropped fact over other constants may be
  // unsatisfiable (the site is dead), and without it `sat` would be a bogus refutation
  // (dropping is sound for `proved` but not honest for `refuted`). The only facts dropped are
  // those outside the goal's cone that bound one constant alone by literals within a non-empty
  // interval (e.g. a loop-head variable's range): satisfiable on their own and disjoint from the
  // rest, they change neither the answer nor the goal's values.
  if (!KEEP_ALL_FACTS) return goalCone(facts, goal);
  const cone = new Set(goalCone(facts, goal));
  const outside = facts.filter((f) => !cone.has(f));
  const lonely = new Map<number, { lo?: bigint; hi?: bigint; facts: Term[]; shared: boolean }>();
  const constsOfFact = outside.map((f) => constsOf(f));
  const users = new Map<number, number>();
  for (const cs of constsOfFact) for (const id of new Set(cs.map((c) => c.id))) users.set(id, (users.get(id) ?? 0) + 1);
  const dropped = new Set<Term>();
  outside.forEach((f, i) => {
    const cs = constsOfFact[i] ?? [];
    const ids = new Set(cs.map((c) => c.id));
    const [only] = cs;
    if (ids.size !== 1 || only === undefined) return;
    const b = literalBounds(f, only.id);
    if (b === undefined) return;
    const slot = lonely.get(only.id) ?? { facts: [], shared: false };
    if (b.lo !== undefined) slot.lo = slot.lo === undefined || b.lo > slot.lo ? b.lo : slot.lo;
    if (b.hi !== undefined) slot.hi = slot.hi === undefined || b.hi < slot.hi ? b.hi : slot.hi;
    slot.facts.push(f);
    lonely.set(only.id, slot);
  });
  for (const [id, slot] of lonely) {
    // Every fact about this constant must be one of its bound facts, and the interval non-empty.
    if ((users.get(id) ?? 0) !== slot.facts.length) continue;
    if (slot.lo !== undefined && slot.hi !== undefined && slot.lo > slot.hi) continue;
    for (const f of slot.facts) dropped.add(f);
  }
  return facts.filter((f) => !dropped.has(f));
}

/** `lo <= c`, `c <= hi` (and conjunctions of them) with integer literals: the bounds, else undefined. */
function literalBounds(t: Term, id: number): { lo?: bigint; hi?: bigint } | undefined {
  if (t.kind !== "app") return undefined;
  if (t.op === "and") {
    const out: { lo?: bigint; hi?: bigint } = {};
    for (const a of t.args) {
      const b = literalBounds(a, id);
      if (b === undefined) return undefined;
      if (b.lo !== undefined) out.lo = out.lo === undefined || b.lo > out.lo ? b.lo : out.lo;
      if (b.hi !== undefined) out.hi = out.hi === undefined || b.hi < out.hi ? b.hi : out.hi;
    }
    return out;
  }
  if (!["<=", ">=", "<", ">"].includes(t.op) || t.args.length !== 2) return undefined;
  // x >= y is y <= x; over Int, x < y is x <= y - 1.
  const [x, y] = t.op === ">=" || t.op === ">" ? [t.args[1], t.args[0]] : [t.args[0], t.args[1]];
  const strict = t.op === "<" || t.op === ">";
  const lit = (u: Term | undefined): bigint | undefined => {
    if (u?.kind === "lit" && u.sort === "Int") return BigInt(u.text);
    if (u?.kind === "app" && u.op === "-" && u.args.length === 1 && u.args[0]?.kind === "lit" && u.args[0].sort === "Int") return -BigInt(u.args[0].text);
    return undefined;
  };
  const isC = (u: Term | undefined): boolean => u?.kind === "const" && u.id === id && u.sort === "Int";
  const lx = lit(x);
  const ly = lit(y);
  if (isC(y) && lx !== undefined) return { lo: strict ? lx + 1n : lx };
  if (isC(x) && ly !== undefined) return { hi: strict ? ly - 1n : ly };
  return undefined;
}

/** The facts connected to the goal through shared constants (transitively). */
function goalCone(facts: readonly Term[], goal: Term): Term[] {
  const constSets = facts.map((f) => new Set(constsOf(f).map((c) => c.id)));
  const relevant = new Set(constsOf(goal).map((c) => c.id));
  const keep = facts.map((_, i) => (constSets[i]?.size ?? 0) === 0);
  let changed = true;
  while (changed) {
    changed = false;
    facts.forEach((_, i) => {
      const set = constSets[i];
      if (keep[i] || set === undefined) return;
      for (const id of set) {
        if (relevant.has(id)) {
          keep[i] = true;
          changed = true;
          for (const other of set) relevant.add(other);
          return;
        }
      }
    });
  }
  return facts.filter((_, i) => keep[i]);
}

function dedupe(terms: readonly Term[]): Term[] {
  const seen = new Set<string>();
  const out: Term[] = [];
  for (const t of terms) {
    const key = print(t, new Map(), true);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(t);
  }
  return out;
}

export function print(t: Term, names: ReadonlyMap<number, string>, byId = false): string {
  switch (t.kind) {
    case "const":
      return byId ? `#${t.id}` : (names.get(t.id) ?? `#${t.id}`);
    case "lit":
      return t.text;
    case "bound":
      return t.name;
    case "forall":
      return `(forall ((${t.name} Int)) ${print(t.body, names, byId)})`;
    case "app":
      if (t.args.length === 0) return t.op;
      return `(${t.op} ${t.args.map((a) => print(a, names, byId)).join(" ")})`;
  }
}
