import type { RawModel } from "./protocol.js";

/**
 * One z3 Context with ONE Solver, reused for every query through push/pop: a new Solver per
 * query is ~4× slower and leaks native memory until GC. Lives inside a solver worker; z3 is
 * imported dynamically so that loading this file costs nothing until the first query.
 *
 * Queries are parsed with Z3_parse_smtlib2_string (declarations are local to one parse)
 * rather than Solver.fromString, whose declarations outlive pop() and make the next query
 * with the same constant names fail with "already declared".
 */
export interface SessionAnswer {
  readonly answer: "sat" | "unsat" | "unknown";
  readonly reasonUnknown?: string | undefined;
  readonly model?: RawModel | undefined;
  readonly rlimitUsed?: number | undefined;
}

export interface Z3Session {
  solve(smt: string, timeoutMs: number, rlimit: number, jsIntegers?: readonly string[]): Promise<SessionAnswer>;
}

const TWO_53 = 9007199254740992n;

/** An Int numeral as z3 prints it (`5`, `(- 5)`) that lies beyond ±2^53. */
function beyondSafe(sexpr: string): boolean {
  const m = /^(?:\(- )?(\d+)\)?$/.exec(sexpr.trim());
  return m !== null && BigInt(m[1]!) > TWO_53;
}

/** Not a JavaScript state: the model needs integers no double holds exactly. */
export const UNREALIZABLE = "only counterexamples with integers beyond 2^53, which no JavaScript number holds exactly";

type Z3Module = typeof import("z3-solver");

export async function openZ3Session(): Promise<Z3Session> {
  const z3: Z3Module = await import("z3-solver");
  const { Context, Z3 } = await z3.init();
  const ctx = new Context("anrf");
  const solver = new ctx.Solver();
  let limits = { timeoutMs: -1, rlimit: -1 };

  const setLimits = (timeoutMs: number, rlimit: number): void => {
    if (limits.timeoutMs === timeoutMs && limits.rlimit === rlimit) return;
    solver.set("timeout", timeoutMs);
    solver.set("rlimit", rlimit);
    limits = { timeoutMs, rlimit };
  };

  const parse = (smt: string) => {
    const ptr = Z3.parse_smtlib2_string(ctx.ptr, smt, [], [], [], []);
    const code = Z3.get_error_code(ctx.ptr);
    if (code !== 0) throw new Error(`SMT-LIB parse error: ${Z3.get_error_msg(ctx.ptr, code).trim()}`);
    // The high-level AstVector constructor takes an existing pointer (and owns a reference to it);
    // its declared type hides that parameter.
    const AstVectorFromPtr = ctx.AstVector as unknown as new (ptr: unknown) => InstanceType<typeof ctx.AstVector>;
    return new AstVectorFromPtr(ptr);
  };

  // z3's "rlimit count" is cumulative over the solver's life; report the per-query delta.
  // (The `rlimit` parameter itself is relative: z3 sets the limit to count + rlimit per check.)
  let lastCount = 0;
  const rlimitUsed = (): number | undefined => {
    const count = rlimitCount();
    if (count === undefined) return undefined;
    const used = count - lastCount;
    lastCount = count;
    return used;
  };
  const rlimitCount = (): number | undefined => {
    try {
      for (const entry of solver.statistics().entries()) {
        if (entry.key === "rlimit count") return Number(entry.value);
      }
    } catch {
      // Statistics are informational only; a missing counter must not fail the query.
    }
    return undefined;
  };

  const readModel = (): RawModel => {
    const model = solver.model();
    const values: Record<string, string> = {};
    for (const decl of model.decls()) {
      if (decl.arity() !== 0) continue; // functions/arrays are not source-level values
      values[String(decl.name())] = (model.get(decl) as { sexpr(): string }).sexpr();
    }
    return values;
  };

  return {
    async solve(smt, timeoutMs, rlimit, jsIntegers = []) {
      setLimits(timeoutMs, rlimit);
      solver.push();
      try {
        solver.add(parse(smt) as Parameters<typeof solver.add>[0]);
        let answer = await solver.check();
        let model = answer === "sat" ? readModel() : undefined;
        const wild = model === undefined ? [] : jsIntegers.filter((name) => model![name] !== undefined && beyondSafe(model![name]!));
        if (wild.length > 0) {
          // Ask for a model every source integer of which a double holds exactly.
          const declarations = jsIntegers.map((n) => `(declare-const ${n} Int)`).join("");
          const bounds = jsIntegers.map((n) => `(assert (<= (- ${TWO_53}) ${n} ${TWO_53}))`).join("");
          solver.add(parse(declarations + bounds) as Parameters<typeof solver.add>[0]);
          answer = await solver.check();
          model = answer === "sat" ? readModel() : undefined;
          if (answer !== "sat") {
            const used = rlimitUsed();
            return { answer: "unknown", reasonUnknown: answer === "unsat" ? UNREALIZABLE : solver.reasonUnknown(), rlimitUsed: used };
          }
        }
        const used = rlimitUsed();
        if (answer === "sat") return { answer, model, rlimitUsed: used };
        if (answer === "unknown") return { answer, reasonUnknown: solver.reasonUnknown(), rlimitUsed: used };
        return { answer, rlimitUsed: used };
      } finally {
        solver.pop();
      }
    },
  };
}
