/** Messages between the solver pool (host thread) and a solver worker: structured-clone data only. */

export interface SolveRequest {
  readonly type: "solve";
  readonly id: number;
  readonly smt: string;
  readonly timeoutMs: number;
  /** 0 = no resource limit. */
  readonly rlimit: number;
  /**
   * Int constants that stand for JavaScript numbers (source terms). A model giving one of them
   * an integer no double holds exactly (|n| > 2^53) is not a JavaScript state; the worker then
   * asks again with those constants bounded to ±2^53, and answers unknown if that is unsat.
   */
  readonly jsIntegers?: readonly string[] | undefined;
}

/** Raw model: SMT constant name → the value's SMT-LIB s-expression (decoded on the host side). */
export type RawModel = Readonly<Record<string, string>>;

export type SolveResponse =
  | {
      readonly type: "result";
      readonly id: number;
      readonly answer: "sat" | "unsat" | "unknown";
      /** z3's reason_unknown when answer = unknown. */
      readonly reasonUnknown?: string | undefined;
      readonly model?: RawModel | undefined;
      readonly timeMs: number;
      /** Resource units z3 spent on this query (delta of "rlimit count"), when z3 reports it. */
      readonly rlimitUsed?: number | undefined;
      /** Present on the first answer of a worker: time spent loading and initialising z3. */
      readonly initMs?: number | undefined;
    }
  | { readonly type: "error"; readonly id: number; readonly message: string; readonly initMs?: number | undefined };

/** What the pool hands back for one query. */
export type SolveOutcome =
  | {
      readonly kind: "answer";
      readonly answer: "sat" | "unsat" | "unknown";
      readonly reasonUnknown?: string | undefined;
      readonly model?: RawModel | undefined;
      readonly timeMs: number;
      readonly rlimitUsed?: number | undefined;
    }
  /** The query never got an answer: malformed SMT, crashed or stuck worker, cancellation. */
  | { readonly kind: "failed"; readonly reason: string; readonly timeMs: number };
