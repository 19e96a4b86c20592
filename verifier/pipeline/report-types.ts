import type { Finding } from "../../spec/finding.js";
import type { ObligationResult, ObligationStatus } from "../obligation.js";
import type { ExtractionStats } from "./extraction.js";

/** One document's verification: validation findings first, then verification findings. */
export interface DocumentVerification {
  /** The path as given. */
  readonly file: string;
  /** No finding of severity error (validation or verification, e.g. V7.4). */
  readonly valid: boolean;
  readonly findings: readonly Finding[];
  /** Every obligation with its verdict, in extraction order (the runtime instruments the non-proved ones). */
  readonly obligations: readonly ObligationResult[];
  /**
   * Ids of obligations this run did not solve because their cache key falls into another shard
   * (`--shard i/n`). They are reported `unknown` with reason "skipped: belongs to shard k/n" and
   * are never treated as failures, even under --strict.
   */
  readonly skippedByShard: readonly string[];
  /** Honoured overrides and what they cover (approvals/apply.ts); absent when the document requests none. */
  readonly overrides?: import("../../approvals/apply.js").DocumentOverrides | undefined;
}

export type StatusCounts = Readonly<Record<ObligationStatus, number>>;

export interface VerifySummary extends StatusCounts {
  readonly documents: number;
  readonly valid: number;
  readonly errors: number;
  readonly warnings: number;
  readonly skippedByShard: number;
  /** Proved obligations whose proof is vacuous (counted in `proved` too; ObligationResult.vacuous). */
  readonly vacuous: number;
}

export interface VerifyReport {
  readonly documents: readonly DocumentVerification[];
  readonly summary: VerifySummary;
  readonly run: RunFacts;
}

/** How the verdicts were obtained: for `--format json` consumers, benches and the cache tests. */
export interface RunFacts {
  readonly solverVersion: string;
  readonly encodingVersion: string;
  readonly limits: { readonly timeoutMs: number; readonly rlimit: number };
  /** Whether unknown/unsupported/informal obligations count as failures (VerifyOptions.strict). */
  readonly strict: boolean;
  /** Distinct SMT queries (by cache key) in the run, how many came from the cache, how many z3 solved. */
  readonly queries: number;
  readonly cacheHits: number;
  readonly solved: number;
  /** z3 initialisations in this run (0 on a full cache hit) and their times. */
  readonly solverInitMs: readonly number[];
  /** How obligations were obtained: memoised documents, reused (relocated) and re-extracted entities. */
  readonly extraction: Readonly<ExtractionStats>;
  readonly shard?: { readonly index: number; readonly count: number } | undefined;
  /** Cache warnings (remote down, corrupt entry rewritten, …). */
  readonly cacheWarnings: readonly string[];
}

export const emptyCounts = (): Record<ObligationStatus, number> => ({ proved: 0, refuted: 0, unknown: 0, unsupported: 0, informal: 0 });
