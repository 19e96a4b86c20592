/**
 * Decide requests through the content-addressed cache: only misses go to Cedar (loaded on
 * the first miss), all of them in one batch.
 */
import type { CedarDecision, CedarRequest } from "./cedar.js";
import { decisionKey, type DecisionCache } from "./cache.js";
import type { PolicySource } from "./source.js";

export async function decideCached(source: PolicySource, cache: DecisionCache, requests: readonly CedarRequest[]): Promise<CedarDecision[]> {
  const keys = requests.map((r) => decisionKey(source.digest, r));
  const out: (CedarDecision | undefined)[] = keys.map((k) => cache.get(k));
  const missing = out.flatMap((d, i) => (d === undefined ? [i] : []));
  if (missing.length > 0) {
    const { authorize } = await import("./cedar.js");
    const decided = await authorize(source, missing.map((i) => requests[i]!));
    missing.forEach((i, j) => {
      out[i] = decided[j]!;
      cache.set(keys[i]!, decided[j]!);
    });
  }
  return out as CedarDecision[];
}
