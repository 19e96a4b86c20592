import type { ts } from "ts-morph";
import type { ParsedClause } from "../../spec/contract/index.js";
import type { FunctionLike, TypeShape } from "./program.js";
import { positionToken } from "./positions.js";
import type { Sink } from "./sink.js";
import type { InferenceState } from "./invariant-candidates.js";
import type { State } from "./state.js";

/** A Function entity as a callee: its contract, used modularly at call sites. */
export interface CalleeInfo {
  readonly entityId: string;
  readonly name: string;
  readonly fn: FunctionLike;
  readonly paramNames: readonly string[];
  readonly preconditions: readonly ParsedClause[];
  readonly postconditions: readonly ParsedClause[];
  readonly returnShape: TypeShape | undefined;
  /** Per parameter: the callee keeps an array argument plain (provenance.ts); absent = it may not. */
  readonly keepsPlain?: readonly boolean[] | undefined;
}

export type FacadeFunction =
  | "readFileSync"
  | "existsSync"
  | "readdirSync"
  | "statSync"
  | "writeFileSync"
  | "appendFileSync"
  | "mkdirSync"
  | "rmSync"
  | "readFile"
  | "readdir"
  | "stat"
  | "writeFile"
  | "appendFile"
  | "mkdir"
  | "rm";

export interface Capabilities {
  readonly filesystem: "None" | "ReadOnly" | "ReadWrite";
  readonly network: boolean;
  readonly mounts: ReadonlyArray<{ readonly mount: string; readonly path: string }>;
}

export interface ExecCtx {
  readonly checker: ts.TypeChecker;
  readonly sf: ts.SourceFile;
  readonly sink: Sink;
  readonly entityId: string;
  readonly fn: FunctionLike;
  /** Callee contracts by the function's declaration node. */
  readonly callees: ReadonlyMap<ts.Node, CalleeInfo>;
  /** Imported filesystem facade bindings (by symbol) and namespace imports. */
  readonly facadeBindings: ReadonlyMap<ts.Symbol, FacadeFunction>;
  readonly facadeNamespaces: ReadonlySet<ts.Symbol>;
  readonly caps: Capabilities;
  /** Postcondition clauses (contract postconditions and invariants) asserted at each return. */
  readonly returnClauses: ReadonlyArray<{ readonly clause: ParsedClause; readonly id?: string | undefined }>;
  /** Parameter names → entry values, for contract clauses. */
  readonly paramNames: readonly string[];
  entry: State | undefined;
  /** Loops enclosing the statement being executed (for abort bookkeeping). */
  readonly loopStack: ts.Node[];
  /** Document loop invariants for this entity (names resolved at the loop). */
  readonly documentLoopInvariants: ReadonlyArray<{ readonly id: string; readonly clause: ParsedClause }>;
  pathBudget: number;
  /** Loop-invariant inference (Houdini): absent = no candidates are proposed. */
  readonly inference?: InferenceState | undefined;
}

/**
 * A node's position for a human-readable text: a token that `finalize` prints as `line:column`
 * (positions.ts), so an entity's results can be moved without being extracted again.
 */
export function where(ctx: Pick<ExecCtx, "sf">, node: ts.Node): string {
  return positionToken(node.getStart(ctx.sf));
}
