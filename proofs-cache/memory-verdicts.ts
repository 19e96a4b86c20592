import type { CacheQuery, CachedVerdict, VerdictCache } from "./api.js";
import { DeferredWrites, LruMap } from "./deferred-writes.js";
import { cacheKey } from "./key.js";
import type { Verdict } from "../verifier/obligation.js";

/**
 * Verdicts remembered in this process, in front of another cache (or none): a long-lived
 * `anrf verify --watch` then answers an unchanged query without reading a file.
 *
 * Keyed by cacheKey (query text, solver, encoding version AND limits), so the reuse rule needs
 * no re-checking here: what the inner cache answered — or what was solved — for exactly these
 * limits is the answer for them again. Only what the inner cache would return is remembered:
 * a lookup's hit, or a stored z3 answer. Least recently used entries go first.
 *
 * Stores reach the inner cache when `drain()` starts them (the watch does so after printing a
 * report); `flush()` and `close()` wait for them.
 */
export class MemoryVerdictCache implements VerdictCache {
  private readonly entries: LruMap<CachedVerdict>;
  private readonly writes = new DeferredWrites();

  constructor(
    private readonly inner: VerdictCache | undefined,
    maxEntries = 100_000,
  ) {
    this.entries = new LruMap(maxEntries);
  }

  async lookup(query: CacheQuery): Promise<CachedVerdict | undefined> {
    const key = cacheKey(query);
    const known = this.entries.get(key);
    if (known !== undefined) return known;
    const hit = await this.inner?.lookup(query);
    if (hit !== undefined) this.entries.set(key, hit);
    return hit;
  }

  async store(query: CacheQuery, verdict: Verdict): Promise<void> {
    this.entries.set(cacheKey(query), { verdict, source: "cache-local" });
    const inner = this.inner;
    if (inner !== undefined) this.writes.defer(() => inner.store(query, verdict));
  }

  /** Start the deferred stores in the background (a failure becomes the inner cache's warning). */
  drain(): void {
    this.writes.drain();
  }

  warnings(): readonly string[] {
    return this.inner?.warnings() ?? [];
  }

  /** Waits for the stores already started (not the deferred ones: see drain) and the inner cache's uploads. */
  async flush(): Promise<void> {
    await this.writes.settle();
    await this.inner?.flush?.();
  }

  /** Starts and waits for every deferred store; the inner cache stays open (its owner closes it). */
  async close(): Promise<void> {
    this.writes.drain();
    await this.flush();
    this.entries.clear();
  }
}
