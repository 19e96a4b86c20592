/**
 * Splits a query into independent parts: assertions that share no constant, transitively, are
 * separate satisfiability problems. The conjunction is satisfiable iff every part is (their
 * models use disjoint constants, so they combine into one model), and unsatisfiable iff some
 * part is. So solving the parts one by one decides exactly what the whole query decides — no
 * fact is dropped, a `sat` stays a real model of the whole query — while z3 never has to search
 * a floating-point fact and an unrelated integer goal together (issue 12: such mixes time out
 * although each part alone is decided in milliseconds).
 *
 * Only the flat shape the extractor prints is split: `(set-logic …)`, `(declare-const name sort)`,
 * `(assert …)`, comments and one final `(check-sat)`, each on its own line. Anything else
 * (definitions, push/pop, options, several checks) returns undefined and is solved whole.
 */
export interface QueryPart {
  /** Complete SMT-LIB text of the part, ending in (check-sat). */
  readonly smt: string;
  /** The constants this part declares. */
  readonly constants: readonly string[];
}

export function splitQuery(smt: string): QueryPart[] | undefined {
  const lines = smt.split("\n").filter((l) => l.trim() !== "");
  let logic: string | undefined;
  const sorts = new Map<string, string>();
  const order: string[] = [];
  const asserts: string[] = [];
  let checks = 0;
  for (const raw of lines) {
    const line = raw.trim();
    if (line.startsWith(";")) continue;
    if (checks > 0) return undefined; // nothing may follow the check
    if (line === "(check-sat)") {
      checks++;
      continue;
    }
    const logicMatch = /^\(set-logic ([A-Za-z_]+)\)$/.exec(line);
    if (logicMatch) {
      if (logic !== undefined || asserts.length > 0 || sorts.size > 0) return undefined;
      logic = logicMatch[1];
      continue;
    }
    const decl = /^\(declare-const ([A-Za-z_][A-Za-z0-9_]*) (.+)\)$/.exec(line);
    if (decl) {
      const [, name, sort] = decl;
      if (sorts.has(name!) || !balanced(sort!)) return undefined;
      sorts.set(name!, sort!);
      order.push(name!);
      continue;
    }
    if (line.startsWith("(assert ") && line.endsWith(")") && balanced(line)) {
      asserts.push(line);
      continue;
    }
    return undefined;
  }
  if (checks !== 1 || asserts.length === 0) return undefined;
  const declared = new Set(sorts.keys());
  const usesOf = asserts.map((a) => {
    const used = symbolsOf(a);
    return used === undefined ? undefined : [...used].filter((s) => declared.has(s));
  });
  if (usesOf.some((u) => u === undefined)) return undefined;

  // Union-find over constants; every assertion joins the constants it uses.
  const parent = new Map<string, string>(order.map((n) => [n, n]));
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  for (const used of usesOf as string[][]) {
    for (let i = 1; i < used.length; i++) {
      const a = find(used[0]!);
      const b = find(used[i]!);
      if (a !== b) parent.set(a, b);
    }
  }
  // Parts in order of their first assertion; the last assertion's part (the negated goal) first.
  // Constant-free assertions go with the goal's part.
  const partOf = (i: number): string => {
    const used = usesOf[i]!;
    return used.length === 0 ? "#goal" : find(used[0]!);
  };
  const last = asserts.length - 1;
  const goalRoot = partOf(last);
  const keyOf = (i: number): string => {
    const k = partOf(i);
    return k === "#goal" ? goalRoot : k;
  };
  const groups = new Map<string, number[]>();
  groups.set(goalRoot, []);
  asserts.forEach((_, i) => {
    const k = keyOf(i);
    const g = groups.get(k) ?? [];
    g.push(i);
    groups.set(k, g);
  });
  // Constants no assertion uses belong to no part (they are unconstrained).
  const parts: QueryPart[] = [];
  for (const [root, indices] of groups) {
    const constants = order.filter((n) => find(n) === root && indices.some((i) => usesOf[i]!.includes(n)));
    const text = [
      ...(logic === undefined ? [] : [`(set-logic ${logic})`]),
      ...constants.map((n) => `(declare-const ${n} ${sorts.get(n)!})`),
      ...indices.map((i) => asserts[i]!),
      "(check-sat)",
    ].join("\n");
    parts.push({ smt: `${text}\n`, constants });
  }
  return parts;
}

/** Whether parentheses balance outside string literals and quoted symbols. */
function balanced(text: string): boolean {
  return symbolsOf(`(${text})`) !== undefined;
}

/**
 * The simple symbols of an s-expression (string literals and |quoted| symbols skipped, the
 * latter make the text unsplittable: undefined), or undefined when the parentheses do not
 * balance.
 */
function symbolsOf(text: string): Set<string> | undefined {
  const out = new Set<string>();
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      // SMT-LIB 2.6 strings: "" is an escaped quote.
      i++;
      for (;;) {
        if (i >= text.length) return undefined;
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            i += 2;
            continue;
          }
          i++;
          break;
        }
        i++;
      }
      continue;
    }
    if (ch === "|") return undefined;
    if (ch === "(") {
      depth++;
      i++;
      continue;
    }
    if (ch === ")") {
      depth--;
      if (depth < 0) return undefined;
      i++;
      continue;
    }
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    let j = i;
    while (j < text.length && !/[\s()"|]/.test(text[j]!)) j++;
    out.add(text.slice(i, j));
    i = j;
  }
  return depth === 0 ? out : undefined;
}
