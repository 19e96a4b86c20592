import type { SolverLimits, Verdict } from "../verifier/obligation.js";

/**
 * What the verifier needs from the proof cache. The key is computed by the cache from the
 * canonical SMT text, the solver version, the encoding version and the limits; the verifier
 * never builds keys itself.
 */
export interface CacheQuery {
  readonly smt: string;
  readonly solverVersion: string;
  readonly encodingVersion: string;
  readonly limits: SolverLimits;
}

export interface CachedVerdict {
  readonly verdict: Verdict;
  readonly source: "cache-local" | "cache-remote";
}

export interface VerdictCache {
  /** A hit only when the entry is intact, trusted (remote `proved` needs a trusted signature) and reusable under `limits`. */
  lookup(query: CacheQuery): Promise<CachedVerdict | undefined>;
  store(query: CacheQuery, verdict: Verdict): Promise<void>;
  /** Warnings gathered along the way (remote down, corrupt entry rewritten, …) for the report. */
  warnings(): readonly string[];
  close(): Promise<void>;
}
