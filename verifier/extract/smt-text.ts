import { ABSTRACTION_MARKER } from "../solver/verdict.js";
import { stringLemmas } from "./strings.js";
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
  return sort === "FP" ? "(_ FloatingPoint 11 53)" : sort;
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
 * Whether a counterexample to `assumptions ⇒ goal` can involve an abstraction constant: one
 * connected to the goal through shared constants (its cone of influence). Facts outside the
 * cone are kept in the query (audit B2) but cannot shape the values the goal fails on.
 */
function dependsOnAbstraction(assumptions: readonly Term[], goal: Term): boolean {
  const cone = goalCone(dedupe(assumptions.filter((a) => !isTrue(a))), goal);
  return [goal, ...cone].some((t) => constsOf(t).some(isAbstraction));
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
  // (dropping is sound for `proved` but not honest for `refuted`). The goal's cone still
  // decides whether a counterexample depends on an abstraction (dependsOnAbstraction).
  if (KEEP_ALL_FACTS) return facts;
  return goalCone(facts, goal);
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
