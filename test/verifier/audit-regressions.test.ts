/**
 * Regressions for the adversarial audit of the encoder (issue 3, /work/audit/REPORT.md): each
 * case goes through the real pipeline (extraction, then z3 through the solver pool and the
 * verdict mapping) and its site must not be proved; where a correct variant exists it must
 * still be proved, so every test can fail both ways.
 */
import { afterAll, describe, expect, it } from "vitest";
import { extractObligations } from "../../verifier/extract/index.js";
import type { ObligationStatus } from "../../verifier/obligation.js";
import { solveObligations } from "../../verifier/pipeline/solve-obligations.js";
import { SolverPool } from "../../verifier/solver/pool.js";

let pool: SolverPool | undefined;
afterAll(async () => {
  await pool?.close();
});

interface Ent {
  readonly name: string;
  readonly pre?: string[];
  readonly post?: string[];
}

/** Verdict per obligation id (`<entity name>/<kind>/<line>:<col>`), entities named by their function. */
async function verify(code: string, ents: readonly Ent[] = [{ name: "f" }]): Promise<Record<string, ObligationStatus>> {
  const { obligations } = extractObligations({
    documentFile: "doc.anrf.json",
    moduleFile: "mod.ts",
    moduleText: code,
    entities: ents.map((e) => ({ id: e.name, name: e.name, type: "Function" })),
    contracts: ents.map((e) => ({ id: `C-${e.name}`, preconditions: e.pre ?? [], postconditions: e.post ?? [], invariants: [], applies_to: [e.name] })),
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
    pool: () => (pool ??= new SolverPool({ size: 1 })),
  });
  const out: Record<string, ObligationStatus> = {};
  for (const o of obligations) out[o.id] = o.smt === null ? "unsupported" : "unknown";
  withSmt.forEach((o, i) => {
    out[o.id] = verdicts[i]!.verdict.status;
  });
  return out;
}

/** The status of the one obligation of `kind` on `line` (1-based). */
function at(r: Record<string, ObligationStatus>, kind: string, line: number, col?: number): ObligationStatus {
  const hits = Object.entries(r).filter(([id]) => {
    const [, k, pos] = id.split("/");
    const [l, c] = (pos ?? "").split(/[:#]/);
    return k === kind && Number(l) === line && (col === undefined || Number(c) === col);
  });
  if (hits.length !== 1) throw new Error(`expected one ${kind} obligation on line ${line}${col === undefined ? "" : `:${col}`}, got ${JSON.stringify(r)}`);
  return hits[0]![1];
}

describe("A1: ++/-- evaluate their target once", () => {
  it("a[i++]++ moves i by one: a[i - 2] is not proved, a[i - 1] is", async () => {
    const code = (k: number) => `export function f(a: number[]): number {\n  let i = 0;\n  a[i++]++;\n  return a[i - ${k}];\n}`;
    const pre = ["a.length >= 3"];
    const bad = await verify(code(2), [{ name: "f", pre }]);
    expect(at(bad, "bounds", 3)).toBe("proved");
    expect(at(bad, "bounds", 4)).not.toBe("proved");
    expect(at(await verify(code(1), [{ name: "f", pre }]), "bounds", 4)).toBe("proved");
  });
});
