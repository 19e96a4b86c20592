import { createHash } from "node:crypto";
import type { CacheQuery } from "./api.js";

/**
 * The content address of a verdict: sha256 over everything a verdict depends on
 * (canonical SMT text, solver version, encoding version, limits), with unambiguous
 * framing so that no two different tuples can produce the same pre-image.
 */
export function cacheKey(query: CacheQuery): string {
  const framed = JSON.stringify([
    "anrf-proof-v1",
    query.smt,
    query.solverVersion,
    query.encodingVersion,
    query.limits.timeoutMs,
    query.limits.rlimit,
  ]);
  return createHash("sha256").update(framed, "utf8").digest("hex");
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * The storage address of a verdict: like cacheKey() but WITHOUT the limits. Proved and refuted
 * do not depend on limits (unsat is unsat, a model is a model), so they must be found whatever the
 * current limits are; an unknown records its limits in the stored value and is reused only when
 * they were at least the current ones (see reuse.ts). cacheKey() stays the full identity
 * (used for shard ordering and reports).
 */
export function entryKey(query: Pick<CacheQuery, "smt" | "solverVersion" | "encodingVersion">): string {
  const framed = JSON.stringify(["anrf-verdict-slot-v1", query.smt, query.solverVersion, query.encodingVersion]);
  return createHash("sha256").update(framed, "utf8").digest("hex");
}

/** True for a 64-digit lower-case hex string: the only keys the stores accept as file names / URL segments. */
export function isHexKey(key: string): boolean {
  return /^[0-9a-f]{64}$/.test(key);
}
