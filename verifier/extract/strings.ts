import { and, app, eq, FALSE, or, strLit, TRUE, type Term } from "./terms.js";

/**
 * Exact rewrites of string predicates over concatenations with literal pieces, before z3
 * sees them: z3's sequence solver can take minutes on `str.contains (str.++ "/data/" x) "/../"`
 * but is instant on the equivalent facts about x alone. Every rule is an equivalence:
 *   contains(A++B, P)  ⇔ contains(A,P) ∨ contains(B,P) ∨ ⋁_{0<k<|P|} (suffixof(P[..k], A) ∧ prefixof(P[k..], B))
 *   prefixof(Q, A++B)  ⇔ (|A| ≥ |Q| ? prefixof(Q, A) : A = Q[..|A|] ∧ prefixof(Q[|A|..], B))   (A literal)
 *   suffixof(S, A++B)  ⇔ suffixof(S, B) ∨ ⋁_{0≤j<|S|} (B = S[|S|-j..] ∧ suffixof(S[..|S|-j], A))
 *   A++B = L           ⇔ L starts with A ∧ B = L[|A|..]                                     (A, L literal)
 */
export function litValue(t: Term): string | undefined {
  if (t.kind !== "lit" || t.sort !== "String") return undefined;
  const body = t.text.slice(1, -1).replace(/""/g, '"');
  return /\\u\{/.test(body) ? undefined : body;
}

function split(t: Term): [Term, Term] | undefined {
  if (t.kind !== "app" || t.op !== "str.++" || t.args.length < 2) return undefined;
  const [first, ...rest] = t.args;
  if (!first) return undefined;
  const tail = rest.length === 1 && rest[0] ? rest[0] : app("str.++", "String", ...rest);
  return [first, tail];
}

export function contains(s: Term, pattern: string): Term {
  const lit = litValue(s);
  if (lit !== undefined) return lit.includes(pattern) ? TRUE : FALSE;
  const parts = split(s);
  if (!parts) return app("str.contains", "Bool", s, strLit(pattern));
  const [a, b] = parts;
  const straddles: Term[] = [];
  for (let k = 1; k < pattern.length; k++) straddles.push(and(suffixOf(pattern.slice(0, k), a), prefixOf(pattern.slice(k), b)));
  return or(contains(a, pattern), contains(b, pattern), ...straddles);
}

export function prefixOf(q: string, s: Term): Term {
  if (q === "") return TRUE;
  const lit = litValue(s);
  if (lit !== undefined) return lit.startsWith(q) ? TRUE : FALSE;
  const parts = split(s);
  const a = parts ? litValue(parts[0]) : undefined;
  if (!parts || a === undefined) return app("str.prefixof", "Bool", strLit(q), s);
  if (a.length >= q.length) return a.startsWith(q) ? TRUE : FALSE;
  return q.startsWith(a) ? prefixOf(q.slice(a.length), parts[1]) : FALSE;
}

export function suffixOf(x: string, s: Term): Term {
  if (x === "") return TRUE;
  const lit = litValue(s);
  if (lit !== undefined) return lit.endsWith(x) ? TRUE : FALSE;
  const parts = split(s);
  if (!parts) return app("str.suffixof", "Bool", strLit(x), s);
  const [a, b] = parts;
  const cases: Term[] = [suffixOf(x, b)];
  for (let j = 0; j < x.length; j++) cases.push(and(equalsLiteral(b, x.slice(x.length - j)), suffixOf(x.slice(0, x.length - j), a)));
  return or(...cases);
}

export function equalsLiteral(s: Term, l: string): Term {
  const lit = litValue(s);
  if (lit !== undefined) return lit === l ? TRUE : FALSE;
  const parts = split(s);
  const a = parts ? litValue(parts[0]) : undefined;
  if (!parts || a === undefined) return eq(s, strLit(l));
  return l.startsWith(a) ? equalsLiteral(parts[1], l.slice(a.length)) : FALSE;
}

/**
 * Valid implications between literal-string facts about one term x: a fact that puts the
 * literal L into x (contains / prefix / suffix / equality) implies `str.contains x w` for every
 * `w` in L that the query also asks about. Adding valid facts never changes the answer, but
 * z3's sequence solver needs them to refute disjunctions such as
 * `¬contains(x, "..") ∧ (contains(x, "/../") ∨ prefixof("../", x))` quickly.
 */
export function stringLemmas(terms: readonly Term[], key: (t: Term) => string): Term[] {
  const atoms: Array<{ atom: Term; x: Term; lit: string; isContains: boolean }> = [];
  const seen = new Set<string>();
  const visit = (t: Term): void => {
    if (t.kind === "app") {
      const [p, q] = t.args;
      let found: { x: Term; lit: string; isContains: boolean } | undefined;
      if (t.op === "str.contains" && p && q && litValue(q) !== undefined) found = { x: p, lit: litValue(q) ?? "", isContains: true };
      else if ((t.op === "str.prefixof" || t.op === "str.suffixof") && p && q && litValue(p) !== undefined) found = { x: q, lit: litValue(p) ?? "", isContains: false };
      else if (t.op === "=" && p && q && p.sort === "String" && litValue(q) !== undefined && litValue(p) === undefined) found = { x: p, lit: litValue(q) ?? "", isContains: false };
      if (found) {
        const k = key(t);
        if (!seen.has(k)) {
          seen.add(k);
          atoms.push({ atom: t, ...found });
        }
      }
      for (const a of t.args) visit(a);
    } else if (t.kind === "forall") visit(t.body);
  };
  for (const t of terms) visit(t);
  const lemmas: Term[] = [];
  for (const a of atoms) {
    for (const c of atoms) {
      if (a === c || !c.isContains || key(a.x) !== key(c.x)) continue;
      if (a.lit.includes(c.lit)) lemmas.push(app("=>", "Bool", a.atom, c.atom));
    }
  }
  return lemmas;
}
