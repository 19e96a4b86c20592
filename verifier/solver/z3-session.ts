import { splitQuery } from "./components.js";
import { solveParts, type SolveWhole } from "./solve-parts.js";
import { EARLY_PROBES, earlyBudget, PROBE_SHARE, pinnedTo, pinnedValues, probeBudget, probeSchedule, probeTargets, worthProbing, type Pin } from "./probes.js";
import { ABSTRACTION_MARKER } from "./verdict.js";
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
  /** `probes: false` skips the probes after a query without an answer (tests compare with and without). */
  solve(smt: string, timeoutMs: number, rlimit: number, jsIntegers?: readonly string[], options?: { readonly probes?: boolean }): Promise<SessionAnswer>;
}

const TWO_53 = 9007199254740992n;

/** Queries one Solver answers before it is replaced (bounds any state it accumulates). */
const RENEW_EVERY = 500;

/** An Int numeral as z3 prints it (`5`, `(- 5)`) that lies beyond ±2^53. */
function beyondSafe(sexpr: string): boolean {
  const m = /^(?:\(- )?(\d+)\)?$/.exec(sexpr.trim());
  return m !== null && BigInt(m[1]!) > TWO_53;
}

/** Not a JavaScript state: the model needs integers no double holds exactly. */
export const UNREALIZABLE = "only counterexamples with integers beyond 2^53, which no JavaScript number holds exactly";

/** Why a query failed when the Solver's scopes were not as this session left them (never an answer). */
export const SOLVER_STATE_LOST = "z3 solver state check failed: the query's scope was not the only one open (not solved; the Solver was replaced)";

/** z3's unsigned parameters' range. */
const UINT_MAX = 4294967295;

/**
 * A time (ms) or resource limit as z3 takes it: a whole number >= 0. Anything else is refused
 * before it reaches z3 — a fractional or NaN `timeout` set on a Solver makes its next push
 * open no scope, so every later query would run on top of earlier assertions and could answer
 * `unsat` for a satisfiable query (a false proof). Larger values mean "no limit" to z3 anyway.
 */
export function checkedLimit(name: "timeout" | "rlimit", value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`invalid solver ${name} ${String(value)}: a whole number >= 0 expected (query not solved)`);
  return Math.min(value, UINT_MAX);
}

type Z3Module = typeof import("z3-solver");

export async function openZ3Session(): Promise<Z3Session> {
  const z3: Z3Module = await import("z3-solver");
  const { Context, Z3 } = await z3.init();
  const ctx = new Context("anrf");
  // z3 here is a single-thread build (no concurrent dec_ref) whose check runs on a pthread while
  // this thread awaits it, and z3-solver frees native objects from a FinalizationRegistry that
  // may fire during that await: a dec_ref on the shared ast_manager in the middle of a check
  // corrupts z3's heap (the differential stress test saw "memory access out of bounds" crashes;
  // a corruption that does not crash could change an answer). So the per-query path creates no
  // finalizable wrapper: parsing, asserting, models and statistics use the low-level API with
  // explicit, synchronous reference counting, and a replaced Solver is released explicitly.
  let solver = new ctx.Solver();
  let limits = { timeoutMs: -1, rlimit: -1, mbqi: true };
  let queriesOnSolver = 0;

  // Defence in depth: a query that ended in a timeout, rlimit, unknown or error (z3 stopped
  // mid-search, possibly mid-update) never shares a Solver with the next query, and no Solver
  // lives forever. A new Solver costs ~9 ms, paid only on those paths or once per RENEW_EVERY.
  const renewSolver = (): void => {
    solver.release();
    solver = new ctx.Solver();
    limits = { timeoutMs: -1, rlimit: -1, mbqi: true };
    // The counter is the Context's, not the Solver's: a new Solver starts where the old one
    // stopped (from 0, the next query's use would include every earlier query's).
    lastCount = rlimitCount() ?? 0;
    queriesOnSolver = 0;
  };

  const setLimits = (timeoutMs: number, rlimit: number, mbqi: boolean): void => {
    const time = checkedLimit("timeout", timeoutMs);
    const work = checkedLimit("rlimit", rlimit);
    if (limits.timeoutMs !== timeoutMs || limits.rlimit !== rlimit) {
      solver.set("timeout", time);
      solver.set("rlimit", work);
    }
    if (limits.mbqi !== mbqi) solver.set("smt.mbqi", mbqi);
    limits = { timeoutMs, rlimit, mbqi };
  };

  const scopes = (): number => Z3.solver_get_num_scopes(ctx.ptr, solver.ptr);
  const assertionCount = (): number => {
    const vector = Z3.solver_get_assertions(ctx.ptr, solver.ptr);
    Z3.ast_vector_inc_ref(ctx.ptr, vector);
    try {
      return Z3.ast_vector_size(ctx.ptr, vector);
    } finally {
      Z3.ast_vector_dec_ref(ctx.ptr, vector);
    }
  };
  /**
   * Every query runs in its own scope on an empty Solver: before the push nothing is asserted,
   * after it exactly one scope is open, and it is still open when z3 answers. Anything else
   * means a query would run on top of another's assertions (an `unsat` that is not this
   * query's): the Solver is replaced and the query fails (unknown), never answered.
   */
  const stateLost = (expectedScopes: number): boolean => scopes() !== expectedScopes || (expectedScopes === 0 && assertionCount() !== 0);

  /** Parses `smt` and asserts its formulas; the parse result is released before returning. */
  const parseAndAssert = (smt: string): void => {
    const vector = Z3.parse_smtlib2_string(ctx.ptr, smt, [], [], [], []);
    const code = Z3.get_error_code(ctx.ptr);
    if (code !== 0) throw new Error(`SMT-LIB parse error: ${Z3.get_error_msg(ctx.ptr, code).trim()}`);
    Z3.ast_vector_inc_ref(ctx.ptr, vector);
    try {
      const size = Z3.ast_vector_size(ctx.ptr, vector);
      for (let i = 0; i < size; i++) Z3.solver_assert(ctx.ptr, solver.ptr, Z3.ast_vector_get(ctx.ptr, vector, i));
    } finally {
      Z3.ast_vector_dec_ref(ctx.ptr, vector);
    }
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
      const stats = Z3.solver_get_statistics(ctx.ptr, solver.ptr);
      Z3.stats_inc_ref(ctx.ptr, stats);
      try {
        const size = Z3.stats_size(ctx.ptr, stats);
        for (let i = 0; i < size; i++) {
          if (Z3.stats_get_key(ctx.ptr, stats, i) !== "rlimit count") continue;
          return Z3.stats_is_uint(ctx.ptr, stats, i) ? Z3.stats_get_uint_value(ctx.ptr, stats, i) : Z3.stats_get_double_value(ctx.ptr, stats, i);
        }
      } finally {
        Z3.stats_dec_ref(ctx.ptr, stats);
      }
    } catch {
      // Statistics are informational only; a missing counter must not fail the query.
    }
    return undefined;
  };

  const readModel = (): RawModel => {
    const model = Z3.solver_get_model(ctx.ptr, solver.ptr);
    Z3.model_inc_ref(ctx.ptr, model);
    try {
      const values: Record<string, string> = {};
      const count = Z3.model_get_num_consts(ctx.ptr, model); // constants only: functions/arrays are not source-level values
      for (let i = 0; i < count; i++) {
        const decl = Z3.model_get_const_decl(ctx.ptr, model, i);
        const symbol = Z3.get_decl_name(ctx.ptr, decl);
        const name = Z3.get_symbol_kind(ctx.ptr, symbol) === 0 ? String(Z3.get_symbol_int(ctx.ptr, symbol)) : Z3.get_symbol_string(ctx.ptr, symbol);
        const value = Z3.model_get_const_interp(ctx.ptr, model, decl);
        if (value !== null) values[name] = Z3.ast_to_string(ctx.ptr, value);
      }
      return values;
    } finally {
      Z3.model_dec_ref(ctx.ptr, model);
    }
  };

  /** One query on the Solver, as z3 answers it (with the 2^53 re-check of models). */
  const solveWhole = async (smt: string, timeoutMs: number, rlimit: number, jsIntegers: readonly string[], mbqi = true): Promise<SessionAnswer> => {
    if (queriesOnSolver >= RENEW_EVERY || stateLost(0)) renewSolver();
    queriesOnSolver++;
    setLimits(timeoutMs, rlimit, mbqi);
    solver.push();
    let definite = false;
    try {
      if (stateLost(1)) throw new Error(SOLVER_STATE_LOST);
      parseAndAssert(smt);
      let answer = await solver.check();
      if (stateLost(1)) throw new Error(SOLVER_STATE_LOST);
      let model = answer === "sat" ? readModel() : undefined;
      const wild = model === undefined ? [] : jsIntegers.filter((name) => model![name] !== undefined && beyondSafe(model![name]!));
      if (wild.length > 0) {
        // Ask for a model every source integer of which a double holds exactly.
        const declarations = jsIntegers.map((n) => `(declare-const ${n} Int)`).join("");
        const bounds = jsIntegers.map((n) => `(assert (<= (- ${TWO_53}) ${n} ${TWO_53}))`).join("");
        parseAndAssert(declarations + bounds);
        answer = await solver.check();
        if (stateLost(1)) throw new Error(SOLVER_STATE_LOST);
        model = answer === "sat" ? readModel() : undefined;
        if (answer !== "sat") {
          const used = rlimitUsed();
          return { answer: "unknown", reasonUnknown: answer === "unsat" ? UNREALIZABLE : solver.reasonUnknown(), rlimitUsed: used };
        }
      }
      const used = rlimitUsed();
      if (answer === "sat") {
        definite = true;
        return { answer, model, rlimitUsed: used };
      }
      if (answer === "unknown") return { answer, reasonUnknown: solver.reasonUnknown(), rlimitUsed: used };
      definite = true;
      return { answer, rlimitUsed: used };
    } finally {
      // A Solver whose scopes are not as pushed is replaced, not popped (pop would fail or drop the wrong scope).
      if (!definite || stateLost(1)) renewSolver();
      else solver.pop();
    }
  };

  /**
   * E-matching first; when that is incomplete, model-based instantiation for a short share of
   * the time left (a quarter of the budget at most): a model found there is a candidate that
   * `anrf verify` may confirm by running the code, and a proof found there counts. Otherwise
   * the first answer (unknown, incomplete quantifiers) stands — not a time-out.
   */
  const withCandidate = async (smt: string, timeoutMs: number, rlimit: number, jsIntegers: readonly string[]): Promise<SessionAnswer> => {
    const started = performance.now();
    const first = await solveWhole(smt, timeoutMs, rlimit, jsIntegers, false);
    if (first.answer !== "unknown" || !(first.reasonUnknown ?? "").includes("incomplete quantifiers")) return first;
    const left = Math.floor(Math.min(timeoutMs - (performance.now() - started), timeoutMs / 4));
    const rlimitLeft = rlimit > 0 ? rlimit - (first.rlimitUsed ?? 0) : 0;
    if (left < 100 || (rlimit > 0 && rlimitLeft <= 0)) return first;
    const second = await solveWhole(smt, left, rlimitLeft, jsIntegers, true);
    const used = first.rlimitUsed !== undefined || second.rlimitUsed !== undefined ? (first.rlimitUsed ?? 0) + (second.rlimitUsed ?? 0) : undefined;
    return second.answer === "unknown" ? { ...first, rlimitUsed: used } : { ...second, rlimitUsed: used };
  };

  /**
   * After `first` ran out of budget or quantifier instantiation (probes.ts worthProbing): the
   * query with its doubles pinned (probes.ts probeSchedule, less the early probes z3 already
   * answered unsat), probe after probe, each within a share of the probes' own budget on top
   * of the query's. The first `sat` is the answer
   * (a model of a pinned query is one of the query); otherwise `first` stands. Probes use
   * model-based quantifier instantiation: E-matching alone never answers `sat` for a query with
   * a `forall` (it ends "incomplete quantifiers"), and a pinned query is small enough for MBQI
   * to build a model of the quantified facts (only `sat` is taken from a probe, so how it
   * searches cannot change what is proved).
   */
  const probe = async (smt: string, first: SessionAnswer, timeoutMs: number, rlimit: number, jsIntegers: readonly string[], schedule: readonly (readonly Pin[])[]): Promise<SessionAnswer> => {
    if (schedule.length === 0) return first;
    const budget = probeBudget(timeoutMs, rlimit);
    const found = await firstModel(smt, schedule, budget, jsIntegers);
    // The query's own answer and cost, so that its reason (time or rlimit) is told apart as before.
    return found.answer === undefined ? first : { ...found.answer, rlimitUsed: first.rlimitUsed === undefined && found.spent === 0 ? undefined : (first.rlimitUsed ?? 0) + found.spent };
  };

  /**
   * The probes of `schedule` in order, within `budget` (each at most 1/PROBE_SHARE of it and
   * what the earlier ones left): the first `sat`, with the pinned values put back into its
   * model; the rlimit spent; and the probes z3 answered unsat (a later round need not repeat them).
   */
  const firstModel = async (smt: string, schedule: readonly (readonly Pin[])[], budget: { readonly timeMs: number; readonly rlimit: number }, jsIntegers: readonly string[]): Promise<{ answer?: SessionAnswer; spent: number; refuted: Set<number> }> => {
    const deadline = performance.now() + budget.timeMs;
    let spent = 0;
    const refuted = new Set<number>();
    for (const [n, pins] of schedule.entries()) {
      const left = Math.floor(deadline - performance.now());
      const rlimitLeft = budget.rlimit > 0 ? budget.rlimit - spent : 0;
      if (left <= 0 || (budget.rlimit > 0 && rlimitLeft <= 0)) break;
      // No probe takes more than its share: one that z3 cannot decide leaves the later ones time.
      const time = Math.max(1, Math.min(left, Math.floor(budget.timeMs / PROBE_SHARE)));
      const work = budget.rlimit > 0 ? Math.max(1, Math.min(rlimitLeft, Math.floor(budget.rlimit / PROBE_SHARE))) : 0;
      const r = await solveWhole(pinnedTo(smt, pins), time, work, jsIntegers, true);
      spent += r.rlimitUsed ?? 0;
      // The pinned doubles are values, not constants, in the probe: the model gets them back.
      if (r.answer === "sat") return { answer: { ...r, model: { ...r.model, ...pinnedValues(pins) } }, spent, refuted };
      if (r.answer === "unsat") refuted.add(n);
    }
    return { spent, refuted };
  };

  return {
    async solve(smt, timeoutMs, rlimit, jsIntegers = [], options = {}) {
      // A `sat` of a query over an abstraction is reported unknown anyway (verdict.ts): there,
      // quantified facts (element clauses such as a sortedness precondition) are instantiated by
      // E-matching first — model-based instantiation alone searched for models that do not count
      // and timed out (issue 12) — and by MBQI only for a short share of the budget after
      // (withCandidate). Other queries keep MBQI, so a real counterexample is still found.
      const mbqi = !(smt.includes(ABSTRACTION_MARKER) && smt.includes("(forall "));
      const whole: SolveWhole = mbqi ? (text, t, r, js) => solveWhole(text, t, r, js, true) : (text, t, r, js) => withCandidate(text, t, r, js);
      const parts = splitQuery(smt);
      const own = (t: number, r: number): Promise<SessionAnswer> => (parts === undefined || parts.length < 2 ? whole(smt, t, r, jsIntegers) : solveParts(parts, t, r, jsIntegers, whole));
      let schedule: readonly (readonly Pin[])[] = options.probes === false ? [] : probeSchedule(probeTargets(smt));
      // Early (probes.ts earlyBudget): the query within a slice, then the first probes; only a
      // decided answer of the query or a probe's model ends here.
      let early = 0;
      if (schedule.length > 0) {
        const slice = earlyBudget(timeoutMs, rlimit);
        const quick = await own(slice.timeMs, slice.rlimit);
        early += quick.rlimitUsed ?? 0;
        if (quick.answer !== "unknown") return quick;
        const found = await firstModel(smt, schedule.slice(0, EARLY_PROBES), slice, jsIntegers);
        early += found.spent;
        if (found.answer !== undefined) return { ...found.answer, rlimitUsed: early };
        schedule = schedule.filter((_, n) => !found.refuted.has(n));
      }
      const whole1 = await own(timeoutMs, rlimit);
      const first = early === 0 ? whole1 : { ...whole1, rlimitUsed: (whole1.rlimitUsed ?? 0) + early };
      // With probes off the schedule is empty and `probe` returns `first`.
      if (first.answer !== "unknown" || !worthProbing(first.reasonUnknown)) return first;
      return probe(smt, first, timeoutMs, rlimit, jsIntegers, schedule);
    },
  };
}
