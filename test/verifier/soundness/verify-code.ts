/**
 * Verify one module text through the real pipeline (extraction, z3 through the solver pool,
 * verdict mapping): verdict per obligation id `<entity>/<kind>/<line>:<col>`.
 */
import { extractObligations } from "../../../verifier/extract/index.js";
import type { ObligationStatus } from "../../../verifier/obligation.js";
import { solveObligations } from "../../../verifier/pipeline/solve-obligations.js";
import { SolverPool } from "../../../verifier/solver/pool.js";

export interface Ent {
  readonly name: string;
  readonly pre?: readonly string[];
  readonly post?: readonly string[];
}

export class CodeVerifier {
  private pool: SolverPool | undefined;

  async verify(code: string, ents: readonly Ent[] = [{ name: "f" }]): Promise<Record<string, ObligationStatus>> {
    const { obligations } = extractObligations({
      documentFile: "doc.anrf.json",
      moduleFile: "mod.ts",
      moduleText: code,
      entities: ents.map((e) => ({ id: e.name, name: e.name, type: "Function" })),
      contracts: ents.map((e) => ({ id: `C-${e.name}`, preconditions: [...(e.pre ?? [])], postconditions: [...(e.post ?? [])], invariants: [], applies_to: [e.name] })),
      invariants: [],
      filesystem: "None",
      network: false,
      mounts: [],
    });
    const withSmt = obligations.filter((o): o is typeof o & { smt: string } => o.smt !== null);
    const { verdicts } = await solveObligations(withSmt, {
      limits: { timeoutMs: 20_000, rlimit: 0 },
      solverVersion: "test",
      encodingVersion: "test",
      pool: () => (this.pool ??= new SolverPool({ size: 1 })),
    });
    const out: Record<string, ObligationStatus> = {};
    for (const o of obligations) out[o.id] = o.smt === null ? "unsupported" : "unknown";
    withSmt.forEach((o, i) => {
      out[o.id] = verdicts[i]!.verdict.status;
    });
    return out;
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}

/** The status of the one obligation of `kind` on `line` (1-based) of entity `entity` (any when omitted). */
export function at(r: Record<string, ObligationStatus>, kind: string, line: number, entity?: string): ObligationStatus {
  const hits = Object.entries(r).filter(([id]) => {
    const [e, k, pos] = id.split("/");
    const [l] = (pos ?? "").split(/[:#]/);
    return k === kind && Number(l) === line && (entity === undefined || e === entity);
  });
  if (hits.length !== 1) throw new Error(`expected one ${kind} obligation on line ${line}, got ${JSON.stringify(r)}`);
  return hits[0]![1];
}
