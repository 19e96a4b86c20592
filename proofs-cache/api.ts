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
  /**
   * Wait for background uploads queued so far (write-back), so that warnings() also covers
   * them; call before building the report. Optional for other implementations.
   */
  flush?(): Promise<void>;
  close(): Promise<void>;
}

/** How the CLI and library ask for a cache; every field has a flag and an environment variable. */
export interface CacheOptions {
  /** Local store directory; default `<project>/.anrf/cache`, env ANRF_CACHE_DIR, flag --cache DIR. */
  readonly dir?: string | undefined;
  /** false with --no-cache. */
  readonly enabled?: boolean | undefined;
  /** Bazel-style HTTP cache base URL; env ANRF_REMOTE_CACHE, flag --remote-cache URL. */
  readonly remoteUrl?: string | undefined;
  /** Environment to read tokens and keys from (ANRF_REMOTE_CACHE_TOKEN, ANRF_SIGNING_KEY, ANRF_TRUSTED_KEYS, …). */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Project directory the default store `.anrf/cache` and relative `dir`s resolve against; default process.cwd(). */
  readonly cwd?: string | undefined;
}

/**
 * Memo of obligation extraction by content hash (document + module source + extractor
 * version), so a warm run neither loads ts-morph nor re-parses unchanged sources.
 */
export interface ExtractionMemo {
  get(contentHash: string, scope?: MemoScope): Promise<unknown | undefined>;
  put(contentHash: string, extracted: unknown, scope?: MemoScope): Promise<void>;
}

/**
 * "shared" (default): local store, then the remote (signed entries only). "local": this
 * machine's store only — for the many small per-function entries, where a round trip each would
 * cost more than extracting again.
 */
export type MemoScope = "shared" | "local";
