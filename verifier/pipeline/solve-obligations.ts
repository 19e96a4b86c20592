import type { CacheQuery, VerdictCache } from "../../proofs-cache/api.js";
import { cacheKey, sha256Hex } from "../../proofs-cache/key.js";
import { selectShard, type Shard } from "../../proofs-cache/shard.js";
import type { Obligation, ObligationResult, SolverLimits, Verdict } from "../obligation.js";
import type { SolverPool } from "../solver/pool.js";
import { UNCONFIRMED_REASON, verdictFromOutcome } from "../solver/verdict.js";

const IN_FLIGHT = 64;

export interface SolveSettings {
  readonly limits: SolverLimits;
  readonly solverVersion: string;
  readonly encodingVersion: string;
  readonly cache?: VerdictCache | undefined;
  readonly shard?: Shard | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Called at most once, only when some query misses the cache in this shard: z3 stays unloaded otherwise. */
  readonly pool: () => SolverPool;
  /**
   * Verdicts already decided in this run (KnownVerdicts): read before the cache, and filled with
   * every verdict this call decides, so the same query is solved once per run even without a
   * cache — under other limits too when the verdict is decisive (proved or refuted hold under
   * any limit; an unknown only under the limits it was decided with).
   */
  readonly known?: KnownVerdicts | undefined;
  /** Called after each distinct query is decided (cache hit, answer or failure): `done` of `total`. For progress lines only. */
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
}

/** Verdicts of one run by query (SMT text and versions, not limits), with the limits each was decided under. */
export type KnownVerdicts = Map<string, { readonly solved: Solved; readonly limits: SolverLimits }>;

const knownKey = (q: CacheQuery): string => sha256Hex(JSON.stringify(["anrf-known-v1", q.smt, q.solverVersion, q.encodingVersion]));
const sameLimits = (a: SolverLimits, b: SolverLimits): boolean => a.timeoutMs === b.timeoutMs && a.rlimit === b.rlimit;

export interface Solved {
  readonly verdict: Verdict;
  readonly source: ObligationResult["source"];
  /** Set when the query belongs to another shard and was not solved here. */
  readonly otherShard?: number | undefined;
}

export interface SolveStats {
  readonly queries: number;
  readonly cacheHits: number;
  readonly solved: number;
}

/**
 * Verdicts for obligations that carry SMT text: distinct queries (by cache key) are looked up
 * in the cache, the misses of this shard go to the solver pool, and every z3 answer is stored
 * back. Failures that are not z3's answer (parse error, crash, cancellation) are reported
 * unknown and never stored, so a transient failure cannot poison the cache.
 */
export async function solveObligations(
  obligations: readonly (Obligation & { readonly smt: string })[],
  settings: SolveSettings,
): Promise<{ verdicts: Solved[]; stats: SolveStats }> {
  const queries = new Map<string, CacheQuery>();
  const jsIntegersOf = new Map<string, string[]>();
  const keys = obligations.map((o) => {
    const query: CacheQuery = { smt: o.smt, solverVersion: settings.solverVersion, encodingVersion: settings.encodingVersion, limits: settings.limits };
    const key = cacheKey(query);
    if (!queries.has(key)) {
      queries.set(key, query);
      jsIntegersOf.set(key, jsIntegers(o));
    }
    return key;
  });
  const distinct = [...queries.keys()];

  // Shard membership is computed over ALL distinct keys, independent of what the cache holds,
  // so n machines partition the same set whatever their caches contain.
  const shardOfKey = new Map<string, number>();
  if (settings.shard !== undefined) {
    for (let index = 1; index <= settings.shard.count; index++) {
      for (const key of selectShard(distinct, (k) => k, { index, count: settings.shard.count })) shardOfKey.set(key, index);
    }
  }

  let cacheHits = 0;
  let solved = 0;
  let pool: SolverPool | undefined;

  const resolveKey = async (key: string): Promise<Solved> => {
    const query = queries.get(key)!;
    const seen = settings.known?.get(knownKey(query));
    if (seen !== undefined && seen.solved.otherShard === undefined && (seen.solved.verdict.status !== "unknown" || sameLimits(seen.limits, settings.limits))) {
      cacheHits++;
      return seen.solved;
    }
    const hit = await settings.cache?.lookup(query);
    // An abstraction-sat verdict stored before candidates were kept has nothing to confirm by
    // execution: solve it again (and store it with its candidate) rather than hide a real bug.
    const stale = hit !== undefined && hit.verdict.status === "unknown" && hit.verdict.reason === UNCONFIRMED_REASON && hit.verdict.candidate === undefined;
    if (hit !== undefined && !stale) {
      cacheHits++;
      return { verdict: hit.verdict, source: hit.source };
    }
    const shard = shardOfKey.get(key);
    if (settings.shard !== undefined && shard !== settings.shard.index) {
      return {
        verdict: { status: "unknown", reason: `skipped: belongs to shard ${shard}/${settings.shard.count}`, counterexample: null },
        source: undefined,
        otherShard: shard,
      };
    }
    if (settings.signal?.aborted) return { verdict: { status: "unknown", reason: "cancelled", counterexample: null }, source: undefined };
    pool ??= settings.pool();
    const outcome = await pool.solve(
      { smt: query.smt, timeoutMs: settings.limits.timeoutMs, rlimit: settings.limits.rlimit, jsIntegers: jsIntegersOf.get(key) },
      settings.signal,
    );
    // The shared verdict keeps SMT constant names; each obligation renames them below.
    const verdict = verdictFromOutcome(outcome, { smt: query.smt }, settings.limits);
    if (outcome.kind === "answer") {
      solved++;
      await settings.cache?.store(query, verdict);
    }
    return { verdict, source: "solver" };
  };

  // A bounded number of keys in flight: enough to keep every solver worker busy, few enough
  // not to open thousands of cache files at once.
  const perKey = new Map<string, Solved>();
  let next = 0;
  const runner = async (): Promise<void> => {
    while (next < distinct.length) {
      const key = distinct[next++]!;
      const decided = await resolveKey(key);
      perKey.set(key, decided);
      if (decided.source !== undefined && decided.otherShard === undefined) settings.known?.set(knownKey(queries.get(key)!), { solved: decided, limits: settings.limits });
      settings.onProgress?.(perKey.size, distinct.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, distinct.length) }, runner));

  const verdicts = obligations.map((o, i) => inSourceTerms(perKey.get(keys[i]!)!, o));
  return { verdicts, stats: { queries: distinct.length, cacheHits, solved } };
}

/**
 * Verdicts are stored and shared with counterexamples keyed by SMT constant names (the
 * canonical text is the same for every obligation with this key); each obligation renames
 * them into its own source terms through its `symbols`.
 */
function inSourceTerms(solved: Solved, obligation: Obligation): Solved {
  const { counterexample, candidate } = solved.verdict;
  if (counterexample === null && candidate === undefined) return solved;
  const symbols = obligation.symbols;
  const rename = (raw: Readonly<Record<string, string | number | boolean | null>>) => {
    const renamed: Record<string, string | number | boolean | null> = {};
    for (const [name, value] of Object.entries(raw)) {
      if (symbols === undefined) renamed[name] = value;
      else if (symbols[name] !== undefined) renamed[symbols[name]] = value;
    }
    return renamed;
  };
  return {
    ...solved,
    verdict: { ...solved.verdict, counterexample: counterexample === null ? null : rename(counterexample), ...(candidate === undefined ? {} : { candidate: rename(candidate) }) },
  };
}

/**
 * The Int constants of a query that stand for JavaScript values (the ones with a source name):
 * their model values must be integers a double holds exactly for a counterexample to be real.
 * Canonical text gives equal names for equal queries, so this is a function of the query.
 */
function jsIntegers(o: Obligation & { readonly smt: string }): string[] {
  const named = new Set(Object.keys(o.symbols ?? {}));
  return [...o.smt.matchAll(/\(declare-const (\S+) Int\)/g)].map((m) => m[1]!).filter((name) => named.has(name));
}
