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
