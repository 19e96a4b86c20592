/**
 * The bench's own vacuity measure, from an obligation's SMT text alone (so it applies equally to
 * a baseline build that does not report vacuity): the query without its goal. The last assertion
 * of a canonical query is the negated goal: `(not G)`. For one path, the other assertions are the
 * path condition, so the path-condition query keeps them and drops the last one. For several paths
 * G is `(and (=> A1 g1) … (=> An gn))`; the query then asserts `(or A1 … An)` (one path reachable).
 * When a single path's goal happens to have that shape too, the measure can call a proof vacuous
 * whose path is reachable — it over-reports vacuity, never under-reports it.
 * Unsat answer to the returned text = vacuous proof.
 */
type SExpr = string | SExpr[];

function parseForms(text: string): Array<{ form: SExpr; start: number; end: number }> {
  const out: Array<{ form: SExpr; start: number; end: number }> = [];
  const stack: SExpr[][] = [];
  let start = 0;
  let i = 0;
  const atom = (s: string): void => {
    if (stack.length === 0) out.push({ form: s, start: i - s.length, end: i });
    else stack[stack.length - 1]!.push(s);
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ";") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (ch === "(") {
      if (stack.length === 0) start = i;
      stack.push([]);
      i++;
    } else if (ch === ")") {
      const done = stack.pop() ?? [];
      i++;
      if (stack.length === 0) out.push({ form: done, start, end: i });
      else stack[stack.length - 1]!.push(done);
    } else if (/\s/.test(ch)) i++;
    else if (ch === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= text.length) break;
        if (text[j] === '"') {
          if (text[j + 1] === '"') j += 2;
          else break;
        } else j++;
      }
      const s = text.slice(i, j + 1);
      i = j + 1;
      atom(s);
    } else if (ch === "|") {
      const j = text.indexOf("|", i + 1);
      const s = text.slice(i, j + 1);
      i = j + 1;
      atom(s);
    } else {
      let j = i;
      while (j < text.length && !/[\s()";]/.test(text[j]!)) j++;
      const s = text.slice(i, j);
      i = j;
      atom(s);
    }
  }
  return out;
}

function print(e: SExpr): string {
  return typeof e === "string" ? e : `(${e.map(print).join(" ")})`;
}

/** The path-condition query of a canonical obligation query, or undefined when its shape is not recognised. */
export function vacuityQuery(smt: string): string | undefined {
  const forms = parseForms(smt);
  const asserts = forms.filter((f) => Array.isArray(f.form) && f.form[0] === "assert");
  const last = asserts[asserts.length - 1];
  if (!last || !Array.isArray(last.form)) return undefined;
  const negated = last.form[1];
  if (!Array.isArray(negated) || negated[0] !== "not") return undefined;
  const goal = negated[1];
  let replacement = "";
  if (Array.isArray(goal) && goal[0] === "and" && goal.length > 2 && goal.slice(1).every((p) => Array.isArray(p) && p[0] === "=>")) {
    replacement = `(assert (or ${goal.slice(1).map((p) => print((p as SExpr[])[1]!)).join(" ")}))`;
  } else if (Array.isArray(goal) && goal[0] === "=>") {
    replacement = `(assert ${print(goal[1]!)})`;
  }
  return `${smt.slice(0, last.start)}${replacement}${smt.slice(last.end)}`;
}
