/**
 * A second try for a query z3 left open because of quantified facts (issue 12): element facts
 * from preconditions (`forall(i, 0, len(a), …)`) are universally quantified, and z3 answers
 * `unknown (incomplete quantifiers)` or times out even where the goal does not need them.
 *
 * `dropAssumedQuantifiers` replaces every `(forall …)` that occurs with *positive* polarity in
 * an asserted formula by `true`. For a query "the assertions are unsat", replacing a positive
 * subformula by `true` only weakens the assertions (every model of the original is a model of
 * the result), so an unsat answer for the result is a proof for the original. A quantifier
 * with negative or mixed polarity (inside `not` an odd number of times, a consequent of a
 * negated implication, an `ite` condition, `=`/`xor`/`distinct` operands) is kept: replacing it
 * could make a false obligation look proved. Any sat/unknown answer of the weakened query says
 * nothing and is discarded by the caller.
 */

type SExpr = string | SExpr[];

/** The query with positively asserted quantifiers replaced by `true`, or undefined when there is none. */
export function dropAssumedQuantifiers(smt: string): string | undefined {
  if (!smt.includes("(forall")) return undefined;
  let exprs: SExpr[];
  try {
    exprs = parse(smt);
  } catch {
    return undefined;
  }
  let dropped = 0;
  const walk = (e: SExpr, polarity: 1 | -1 | 0): SExpr => {
    if (typeof e === "string" || e.length === 0) return e;
    const [head] = e;
    if (head === "forall") {
      if (polarity === 1) {
        dropped++;
        return "true";
      }
      return e;
    }
    if (typeof head !== "string") return e.map((x) => walk(x, 0));
    switch (head) {
      case "not":
        return [head, walk(e[1]!, flip(polarity))];
      case "and":
      case "or":
        return [head, ...e.slice(1).map((x) => walk(x, polarity))];
      case "=>": {
        const args = e.slice(1);
        return [head, ...args.map((x, i) => walk(x, i < args.length - 1 ? flip(polarity) : polarity))];
      }
      default:
        // ite, =, let, exists, applications: mixed or unknown polarity.
        return [head, ...e.slice(1).map((x) => walk(x, 0))];
    }
  };
  const out = exprs.map((e) => (Array.isArray(e) && e[0] === "assert" && e.length === 2 ? ["assert", walk(e[1]!, 1)] : e));
  return dropped === 0 ? undefined : out.map(print).join("\n") + "\n";
}

function flip(p: 1 | -1 | 0): 1 | -1 | 0 {
  return p === 0 ? 0 : p === 1 ? -1 : 1;
}

/** S-expressions of SMT-LIB text (comments dropped; `|…|` symbols and strings kept whole). */
function parse(text: string): SExpr[] {
  const stack: SExpr[][] = [[]];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ";") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "(") {
      stack.push([]);
      i++;
    } else if (c === ")") {
      const done = stack.pop();
      if (done === undefined || stack.length === 0) throw new Error("unbalanced");
      stack[stack.length - 1]!.push(done);
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else {
      let j = i;
      if (c === "|") {
        j = text.indexOf("|", i + 1) + 1;
        if (j === 0) throw new Error("unterminated symbol");
      } else if (c === '"') {
        j = i + 1;
        while (j < text.length && !(text[j] === '"' && text[j + 1] !== '"')) j += text[j] === '"' ? 2 : 1;
        j++;
      } else {
        while (j < text.length && !/[\s()]/.test(text[j]!)) j++;
      }
      stack[stack.length - 1]!.push(text.slice(i, j));
      i = j;
    }
  }
  if (stack.length !== 1) throw new Error("unbalanced");
  return stack[0]!;
}

function print(e: SExpr): string {
  return typeof e === "string" ? e : `(${e.map(print).join(" ")})`;
}
