import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openVerdictCache } from "../../proofs-cache/open.js";
import type { Obligation } from "../../verifier/obligation.js";
import { solveObligations, type SolveSettings } from "../../verifier/pipeline/solve-obligations.js";
import { SolverPool } from "../../verifier/solver/pool.js";

const scratch = mkdtempSync(join(tmpdir(), "anrf-solve-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const unsatBounds = "(declare-const p0 Int)(declare-const v0 Int)(assert (>= p0 1))(assert (<= 0 v0))(assert (< v0 p0))(assert (not (< (- p0 1 v0) p0)))(check-sat)";
const satBounds = "(declare-const p0 Int)(declare-const v0 Int)(assert (>= p0 0))(assert (<= 0 v0))(assert (not (< v0 p0)))(check-sat)";
const unsatOther = "(declare-const p0 Int)(assert (> p0 3))(assert (< p0 3))(check-sat)";

const obligation = (id: string, smt: string, symbols?: Record<string, string>): Obligation & { smt: string } => ({
  id,
  entity: id.split("/")[0]!,
  kind: "bounds",
  location: { file: "m.ts", line: 1, column: 1 },
  site: { start: 0, end: 1 },
  description: "test",
  smt,
  symbols,
});

const obligations = [
  obligation("A/bounds/1:1", unsatBounds),
  obligation("A/bounds/2:1", satBounds, { p0: "data.length", v0: "i" }),
  obligation("B/bounds/1:1", satBounds, { p0: "buf.length", v0: "k" }),
  obligation("B/bounds/2:1", unsatOther),
];

const limits = { timeoutMs: 10_000, rlimit: 0 };

function settings(overrides: Partial<SolveSettings> & { pools: SolverPool[] }): SolveSettings {
  return {
    limits,
    solverVersion: "z3-solver@test",
    encodingVersion: "enc-test",
    pool: () => {
      const pool = new SolverPool({ size: 2 });
      overrides.pools.push(pool);
      return pool;
    },
    ...overrides,
  };
}

describe("solveObligations: cache, dedup, shards", () => {
  it("solves each distinct query once, renames counterexamples per obligation, and a warm run never starts z3", async () => {
    const cache = (await openVerdictCache({ dir: join(scratch, "c1"), env: {} }))!;
    const pools: SolverPool[] = [];
    const cold = await solveObligations(obligations, settings({ cache, pools }));
    await Promise.all(pools.map((p) => p.close()));
    expect(pools).toHaveLength(1);
    expect(cold.stats).toEqual({ queries: 3, cacheHits: 0, solved: 3 });
    expect(cold.verdicts.map((v) => v.verdict.status)).toEqual(["proved", "refuted", "refuted", "proved"]);
    const a = cold.verdicts[1]!.verdict.counterexample!;
    const b = cold.verdicts[2]!.verdict.counterexample!;
    expect(Object.keys(a).sort()).toEqual(["data.length", "i"]);
    expect(Object.keys(b).sort()).toEqual(["buf.length", "k"]);
    expect(a["i"] as number).toBeGreaterThanOrEqual(a["data.length"] as number);
    expect(cold.verdicts[0]!.verdict).toMatchObject({ status: "proved", reason: "unsat", counterexample: null });

    const warmPools: SolverPool[] = [];
    const warm = await solveObligations(obligations, settings({ cache, pools: warmPools, pool: () => { throw new Error("z3 must not start on a full cache hit"); } }));
    expect(warm.stats).toEqual({ queries: 3, cacheHits: 3, solved: 0 });
    expect(warm.verdicts.map((v) => [v.verdict.status, v.source])).toEqual([
      ["proved", "cache-local"],
      ["refuted", "cache-local"],
      ["refuted", "cache-local"],
      ["proved", "cache-local"],
    ]);
    expect(warm.verdicts[2]!.verdict.counterexample).toEqual(b);
    await cache.close();
  });

  it("partitions the distinct queries between shards; together they fill the cache", async () => {
    const dir = join(scratch, "c2");
    const runs = [];
    for (const index of [1, 2]) {
      const cache = (await openVerdictCache({ dir, env: {} }))!;
      const pools: SolverPool[] = [];
      runs.push(await solveObligations(obligations, settings({ cache, pools, shard: { index, count: 2 } })));
      await Promise.all(pools.map((p) => p.close()));
      await cache.close();
    }
    const [first, second] = runs as [Awaited<ReturnType<typeof solveObligations>>, Awaited<ReturnType<typeof solveObligations>>];
    expect(first.stats.solved + second.stats.solved + second.stats.cacheHits).toBeGreaterThanOrEqual(3);
    const skipped = first.verdicts.filter((v) => v.otherShard !== undefined);
    expect(skipped.length).toBeGreaterThan(0);
    for (const v of skipped) expect(v.verdict).toMatchObject({ status: "unknown", reason: "skipped: belongs to shard 2/2" });
    const cache = (await openVerdictCache({ dir, env: {} }))!;
    const final = await solveObligations(obligations, settings({ cache, pools: [], pool: () => { throw new Error("no solving after both shards"); } }));
    expect(final.stats).toEqual({ queries: 3, cacheHits: 3, solved: 0 });
    await cache.close();
  });

  it("never stores failures (parse errors, cancellation): they are re-solved next time", async () => {
    const cache = (await openVerdictCache({ dir: join(scratch, "c3"), env: {} }))!;
    const broken = [obligation("C/bounds/1:1", "(declare-const x Int)(assert (foo x))(check-sat)")];
    for (let round = 0; round < 2; round++) {
      const pools: SolverPool[] = [];
      const run = await solveObligations(broken, settings({ cache, pools }));
      await Promise.all(pools.map((p) => p.close()));
      expect(pools).toHaveLength(1);
      expect(run.verdicts[0]!.verdict.status).toBe("unknown");
      expect(run.stats).toEqual({ queries: 1, cacheHits: 0, solved: 0 });
    }
    const aborted = new AbortController();
    aborted.abort();
    const cancelled = await solveObligations(obligations, settings({ cache, pools: [], signal: aborted.signal }));
    expect(cancelled.verdicts.every((v) => v.verdict.status === "unknown" && v.verdict.reason === "cancelled")).toBe(true);
    await cache.close();
  });
});

describe("solveObligations: candidates of abstraction-sat verdicts", () => {
  const abstracted = `${satBounds.replace("(check-sat)", "")}\n; anrf: counterexample depends on an abstraction\n(check-sat)`;
  it("keeps z3's model as a renamed candidate (unknown, no counterexample), stores it, and re-solves a stored verdict that lacks one", async () => {
    const cache = (await openVerdictCache({ dir: join(scratch, "c-candidate"), env: {} }))!;
    const pools: SolverPool[] = [];
    const target = [obligation("C/bounds/1:1", abstracted, { p0: "data.length", v0: "i (loop at 1:1)" })];
    const cold = await solveObligations(target, settings({ cache, pools }));
    expect(cold.verdicts[0]!.verdict).toMatchObject({ status: "unknown", counterexample: null });
    expect(Object.keys(cold.verdicts[0]!.verdict.candidate ?? {}).sort()).toEqual(["data.length", "i (loop at 1:1)"]);
    // A warm run reads the candidate from the cache.
    const warm = await solveObligations(target, settings({ cache, pools }));
    expect(warm.stats).toMatchObject({ cacheHits: 1, solved: 0 });
    expect(warm.verdicts[0]!.verdict.candidate).toEqual(cold.verdicts[0]!.verdict.candidate);
    // A verdict stored without a candidate (before candidates were kept) is solved again.
    const old = { lookup: async () => ({ verdict: { status: "unknown" as const, reason: "counterexample depends on a loop abstraction; not confirmed", counterexample: null }, source: "cache-local" as const }), store: async () => {} };
    const again = await solveObligations(target, settings({ cache: old as never, pools }));
    await Promise.all(pools.map((p) => p.close()));
    expect(again.stats).toMatchObject({ cacheHits: 0, solved: 1 });
    expect(again.verdicts[0]!.verdict.candidate).toBeDefined();
  });
});

describe("solveObligations: verdicts known in this run", () => {
  const abstracted = `${satBounds.replace("(check-sat)", "")}\n; anrf: counterexample depends on an abstraction\n(check-sat)`;
  const noZ3 = () => {
    throw new Error("z3 must not start: every verdict is known");
  };
  it("reuses a decisive verdict under any limits, an unknown one only under the limits it was decided with", async () => {
    const known: NonNullable<SolveSettings["known"]> = new Map();
    const pools: SolverPool[] = [];
    const first = await solveObligations(obligations, settings({ known, pools }));
    expect(first.stats).toEqual({ queries: 3, cacheHits: 0, solved: 3 });
    expect(known.size).toBe(3);
    // Proved and refuted hold whatever the limit: a shorter one reuses them, renamed per obligation.
    const shorter = await solveObligations(obligations, settings({ known, pools: [], pool: noZ3, limits: { timeoutMs: 2_000, rlimit: 0 } }));
    expect(shorter.stats).toEqual({ queries: 3, cacheHits: 3, solved: 0 });
    expect(shorter.verdicts.map((v) => v.verdict.status)).toEqual(first.verdicts.map((v) => v.verdict.status));
    expect(Object.keys(shorter.verdicts[2]!.verdict.counterexample!).sort()).toEqual(["buf.length", "k"]);

    // An unknown (here: a counterexample that depends on an abstraction) is reused only under the same limits.
    const target = [obligation("C/bounds/1:1", abstracted, { p0: "data.length", v0: "i" })];
    const undecided = await solveObligations(target, settings({ known, pools }));
    expect(undecided.verdicts[0]!.verdict.status).toBe("unknown");
    const same = await solveObligations(target, settings({ known, pools: [], pool: noZ3 }));
    expect(same.stats).toMatchObject({ cacheHits: 1, solved: 0 });
    const longer = await solveObligations(target, settings({ known, pools, limits: { timeoutMs: 20_000, rlimit: 0 } }));
    expect(longer.stats).toMatchObject({ cacheHits: 0, solved: 1 });
    await Promise.all(pools.map((p) => p.close()));
  });
});
