/**
 * The one type that flows through every stage (see shared/DESIGN.md): the verifier creates
 * an Obligation, the proof cache keys it by its canonical SMT text, the runtime instruments
 * every obligation that is not `proved`, and reporters print it.
 */

export type ObligationKind =
  | "bounds" // element read/write in bounds with an integral index
  | "precondition" // callee precondition at a call site
  | "argument" // a primitive-typed argument of a call to a Function entity has its type (typeof)
  | "postcondition" // postcondition / contract invariant at a return
  | "invariant" // loop invariant on entry and preservation
  | "type" // TypeScript strict diagnostics for type_safe entities
  | "capability" // filesystem path under a declared mount, network use
  | "informal" // a clause outside the contract language (prose)
  | "unverifiable"; // a code-level guarantee of a document without checkable code

export type ObligationStatus = "proved" | "refuted" | "unknown" | "unsupported" | "informal";

/** 1-based line and column, as editors show them. `file` is the document file (inline code) or the module file. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * Where in the module's source text the obligation lives: character offsets [start, end)
 * of the syntax node (without leading trivia) into the module source exactly as the document
 * carries it (`execution.code`, or the content of `execution.source`). The runtime finds the
 * site to instrument by these offsets, so they are part of the contract between stages.
 *
 * Site node per kind: bounds → the ElementAccessExpression / CallExpression (`s.charCodeAt(i)`);
 * precondition → the CallExpression; argument → the argument expression; postcondition → the ReturnStatement (or the function body's
 * closing brace for an implicit return, with start = end = offset of `}`); invariant → the loop
 * statement; capability → the CallExpression that hands the value to the capability;
 * type → the diagnostic's span; informal/unverifiable → the entity's function declaration, or
 * { start: 0, end: 0 } when there is no code.
 */
export interface SourceSite {
  readonly start: number;
  readonly end: number;
}

export interface Obligation {
  /**
   * Stable and human-typable: `<entityId>/<kind>/<line>:<column>[#<n>]` where `#n` (n ≥ 1)
   * disambiguates several obligations of one kind at one site (e.g. one per postcondition clause).
   */
  readonly id: string;
  /** The entity id (`semantics.entities[].id`). */
  readonly entity: string;
  readonly kind: ObligationKind;
  readonly location: SourceLocation;
  readonly site: SourceSite;
  /** One line for humans: what must hold, in source terms (e.g. "0 <= i < data.length at data[i]"). */
  readonly description: string;
  /** The contract clause or invariant id this came from, when it came from the document. */
  readonly clause?: string | undefined;
  /**
   * Canonical SMT-LIB 2 text (deterministic names; equal obligations give byte-equal text),
   * ending in (check-sat). Unsat means the obligation holds. `null` when the obligation cannot
   * be encoded soundly (then the verdict is `unsupported`) or is informal.
   */
  readonly smt: string | null;
  /** Why there is no SMT text (when `smt` is null), e.g. "call to unknown function 'f'". */
  readonly unsupportedReason?: string | undefined;
  /** Source-level names of the SMT constants, so a model can be turned back into source terms. */
  readonly symbols?: Readonly<Record<string, string>> | undefined;
  /**
   * Vacuity queries (SMT-LIB, unsat = unsatisfiable): `path` is the obligation's path
   * conditions without its goal (every path that reaches the site); `preconditions` the entity's
   * entry facts with its formal preconditions (present only when it has some). A proof whose
   * path query is unsat is `proved (vacuous)`: the site is unreachable (ObligationResult.vacuous).
   */
  readonly vacuity?: { readonly path: string; readonly preconditions?: string | undefined } | undefined;
  /**
   * A loop invariant the verifier inferred (not written by anyone): kept only because it was
   * proved together with the others inferred for the entity (verifier/pipeline/houdini.ts).
   */
  readonly inferred?: true | undefined;
  /**
   * A bounds obligation of a write that may append (`a[i] = v` with i == a.length on an array
   * the function built: verifier/extract/append.ts): 0 <= i <= length, and the run-time check
   * accepts i == length on a genuine Array as JavaScript does (runtime/guest/checks.ts `b`).
   */
  readonly append?: true | undefined;
  /**
   * `argument` obligations only: the primitive type the argument must have, tested at run time
   * with `typeof` exactly as the host tests an entry argument of that type
   * (runtime/guest/arg-shapes.ts).
   */
  readonly argumentShape?: ArgumentShape | undefined;
}

/** The primitive types an `argument` obligation is about. */
export type ArgumentShape = "number" | "string" | "boolean";

/** A counterexample in source terms: parameter values, array lengths, the failing index. */
export type Counterexample = Readonly<Record<string, string | number | boolean | null>>;

export interface Verdict {
  readonly status: ObligationStatus;
  /** Why: "unsat", "solver timeout after 2000 ms", "closure call not modelled", … */
  readonly reason: string;
  readonly counterexample: Counterexample | null;
  /**
   * `unknown` only: the model z3 found through an abstraction (it may describe no real run),
   * in the same terms as `counterexample`. Never evidence by itself; `anrf verify` confirms it
   * by execution (cli/report/confirm.ts) or leaves the obligation unknown.
   */
  readonly candidate?: Counterexample | undefined;
  /** Cost of the solve that produced this verdict (absent when nothing was solved). */
  readonly cost?: { readonly timeMs: number; readonly rlimit?: number | undefined } | undefined;
}

/** An obligation with its verdict: what `anrf verify --format json` prints per obligation. */
export interface ObligationResult {
  readonly id: string;
  readonly entity: string;
  readonly kind: ObligationKind;
  readonly status: ObligationStatus;
  readonly location: SourceLocation;
  readonly site: SourceSite;
  readonly description: string;
  readonly clause?: string | undefined;
  readonly reason: string;
  readonly counterexample: Counterexample | null;
  /** `unknown` through an abstraction: z3's model, unconfirmed (see Verdict.candidate). */
  readonly candidate?: Counterexample | undefined;
  /** Set when `candidate` was run in the sandbox: confirmed (status refuted) or why not (still unknown). */
  readonly confirmation?: ExecutionConfirmation | undefined;
  readonly smt: string | null;
  /** Where the verdict came from: solved now, or a cache hit (local/remote). */
  readonly source?: "solver" | "cache-local" | "cache-remote" | "static" | undefined;
  /**
   * Only on `proved`: the proof is vacuous — no input meeting the preconditions reaches the site
   * (the path condition is unsatisfiable), and this says why. Reporters print `proved (vacuous)`;
   * summaries count these apart (VerifySummary.vacuous).
   */
  readonly vacuous?: string | undefined;
  /** A loop invariant the verifier inferred itself (Obligation.inferred). */
  readonly inferred?: true | undefined;
  /** Obligation.append: the run-time check accepts an index equal to the length on a genuine Array (an append). */
  readonly append?: true | undefined;
  /** Obligation.argumentShape: what the run-time check of an `argument` obligation tests. */
  readonly argumentShape?: ArgumentShape | undefined;
}

/**
 * How an `unknown` obligation with a candidate model became `refuted`: the entity ran in the
 * sandbox (development mode, no grants, small limits) on arguments built from the candidate
 * and stopped with a violation of this very obligation id.
 */
export interface ExecutionConfirmation {
  readonly by: "execution";
  /** True: the run violated this obligation (status refuted). False: tried, not confirmed (still unknown). */
  readonly confirmed: boolean;
  /** The arguments built from the candidate, as `name = value` (empty when no run was possible). */
  readonly args: readonly string[];
  /** The runtime's violation message when confirmed; otherwise what happened instead. */
  readonly outcome: string;
  readonly values?: Readonly<Record<string, string>> | undefined;
}

/** Limits that affect a verdict; part of the proof-cache key. */
export interface SolverLimits {
  readonly timeoutMs: number;
  readonly rlimit: number;
}
