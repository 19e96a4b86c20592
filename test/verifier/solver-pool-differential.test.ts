/**
 * A small deterministic slice of the solver-pool differential stress (bench/solver-pool-differential.ts,
 * which runs the whole corpus in many orders): every answer of ONE pool, over a fixed subset of the
 * corpus in one seeded shuffled order with cancellations, is compared with a fresh z3 Context +
 * Solver per query. Bounded by counts; no verdict depends on the machine's speed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SolverPool } from "../../verifier/solver/pool.js";
import { buildCorpus, reference, runDifferential, type Answer, type Query, type Z3Api } from "../../bench/solver-pool-differential.js";

/**
 * Every query that is not an example's, except four of the six −0 snippets (same shape, ~1 s each;
 * 3 and 8 stay), plus every sixth example query.
 */
const slice = (corpus: readonly Query[]): Query[] =>
  corpus
    .filter((q, i) => (q.name.includes(".anrf.json:") ? i % 6 === 0 : !/^snippet[4-7]:/.test(q.name)))
    // z3 decides every one of these in seconds; a loaded machine must not turn sat into unknown
    // (the limit queries keep their small limits: they are meant to end unknown).
    .map((q) => (q.name.startsWith("hard-") ? q : { ...q, timeoutMs: 600_000 }));

describe("solver pool vs a fresh solver per query (differential slice)", () => {
  let full: Query[] = [];
  let corpus: Query[] = [];
  const refs: Answer[] = [];
  let api: Z3Api | undefined;
  const pool = new SolverPool({ size: 1 });
  afterAll(async () => {
    await pool.close();
  });

  beforeAll(async () => {
    full = await buildCorpus();
    corpus = slice(full);
    const z3 = await import("z3-solver");
    api = await z3.init();
    for (const [i, q] of corpus.entries()) refs.push(await reference(api, q, i));
  });

  it("the corpus has real sat and unsat queries, the j = x / 2 one among the sat ones", () => {
    expect(full.length).toBeGreaterThan(40);
    expect(corpus.length).toBeGreaterThan(20);
    expect(refs.filter((a) => a === "sat").length).toBeGreaterThan(5);
    expect(refs.filter((a) => a === "unsat").length).toBeGreaterThan(5);
    const xHalf = corpus.findIndex((q) => q.name.startsWith("snippet2:") && q.name.includes("/bounds/3"));
    expect(xHalf).not.toBe(-1);
    expect(refs[xHalf]).toBe("sat");
    expect(refs[corpus.findIndex((q) => q.name === "hard-timeout")]).toBe("unknown");
  });

  it("never answers unsat where a fresh solver answers sat, in a shuffled order with cancellations", async () => {
    const result = await runDifferential(pool, corpus, refs, { runs: 1, seed: 20261125 });
    expect(result.mismatches).toEqual([]);
    expect(result.compared).toBe(corpus.length);
    expect(result.cancelled).toBeGreaterThan(0);
  });
});
