import type { ExtractionMemo, MemoScope } from "./api.js";

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
  private readonly entries = new Map<string, unknown>();
  private queued: Array<() => Promise<void>> = [];
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly inner: ExtractionMemo | undefined,
    private readonly maxEntries = 20_000,
  ) {}

  async get(contentHash: string, scope?: MemoScope): Promise<unknown | undefined> {
    if (this.entries.has(contentHash)) {
      const value = this.entries.get(contentHash);
      this.remember(contentHash, value);
      return value;
    }
    const value = await this.inner?.get(contentHash, scope);
    if (value !== undefined) this.remember(contentHash, value);
    return value;
  }

  async put(contentHash: string, extracted: unknown, scope?: MemoScope): Promise<void> {
    this.remember(contentHash, extracted);
    const inner = this.inner;
    if (inner !== undefined) this.queued.push(() => inner.put(contentHash, extracted, scope));
  }

  /** Start the deferred writes (in the background; failures only cost a later run a re-extraction). */
  drain(): void {
    for (const write of this.queued.splice(0)) {
      const running: Promise<void> = write()
        .catch(() => undefined)
        .finally(() => this.running.delete(running));
      this.running.add(running);
    }
  }

  /** Start the deferred writes and wait for every write. */
  async flush(): Promise<void> {
    this.drain();
    await Promise.all([...this.running]);
  }

  private remember(key: string, value: unknown): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
}
