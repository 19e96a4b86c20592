/**
 * One z3 context for a test file: each query is parsed with Z3_parse_smtlib2_string (its
 * declarations are local to the parse, unlike Solver.fromString) and checked inside push/pop.
 */
import { init } from "z3-solver";

export interface Z3Check {
  check(smt: string): Promise<"sat" | "unsat" | "unknown">;
}

export async function openZ3(): Promise<Z3Check> {
  const { Context, Z3 } = await init();
  const ctx = new Context("extract-tests");
  const solver = new ctx.Solver();
  solver.set("timeout", 60_000);
  const AstVector = ctx.AstVector as unknown as new (ptr: unknown) => InstanceType<typeof ctx.AstVector>;
  return {
    async check(smt) {
      solver.push();
      try {
        const ptr = Z3.parse_smtlib2_string(ctx.ptr, smt, [], [], [], []);
        const code = Z3.get_error_code(ctx.ptr);
        if (code !== 0) throw new Error(`SMT-LIB parse error: ${Z3.get_error_msg(ctx.ptr, code)}\n${smt}`);
        solver.add(new AstVector(ptr) as Parameters<typeof solver.add>[0]);
        return await solver.check();
      } finally {
        solver.pop();
      }
    },
  };
}
