import type { ExtractionMemo, MemoScope } from "./api.js";
import { DeferredWrites, LruMap } from "./deferred-writes.js";

/**
 * An extraction memo held in this process, in front of another (or none): what a long-lived
 * `anrf verify --watch` uses so that an edit reads no memo file at all.
 *
 * Values are kept as given (no copy): the pipeline never mutates what it memoises or reads back.
 * Writes to the inner memo are *deferred* until `drain()` — the watch calls it after printing a
 * report, so sealing and writing a large entry never delays the answer — and `flush()` waits
 * for all of them. Least recently used entries go first beyond `maxEntries`.
 */
export class MemoryExtractionMemo implements ExtractionMemo {
  private readonly entries: LruMap<unknown>;
  private readonly writes = new DeferredWrites();

  constructor(
    private readonly inner: ExtractionMemo | undefined,
    maxEntries = 20_000,
  ) {
    this.entries = new LruMap(maxEntries);
  }

  async get(contentHash: string, scope?: MemoScope): Promise<unknown | undefined> {
    if (this.entries.has(contentHash)) return this.entries.get(contentHash);
    const value = await this.inner?.get(contentHash, scope);
    if (value !== undefined) this.entries.set(contentHash, value);
    return value;
  }

  async put(contentHash: string, extracted: unknown, scope?: MemoScope): Promise<void> {
    this.entries.set(contentHash, extracted);
    const inner = this.inner;
    if (inner !== undefined) this.writes.defer(() => inner.put(contentHash, extracted, scope));
  }

  /** Start the deferred writes (in the background; failures only cost a later run a re-extraction). */
  drain(): void {
    this.writes.drain();
  }

  /** Start the deferred writes and wait for every write. */
  async flush(): Promise<void> {
    this.writes.drain();
    await this.writes.settle();
  }
}
