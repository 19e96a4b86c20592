/**
 * Writes held back until `drain()` starts them (in the background), and waited for by
 * `settle()`. The in-memory cache layers use it so that `--watch` prints a report before its
 * cache writes hit the disk. A failed write is dropped: a cache that misses only costs work.
 */
export class DeferredWrites {
  private queued: Array<() => Promise<void>> = [];
  private readonly running = new Set<Promise<void>>();

  defer(write: () => Promise<void>): void {
    this.queued.push(write);
  }

  drain(): void {
    for (const write of this.queued.splice(0)) {
      const running: Promise<void> = write()
        .catch(() => undefined)
        .finally(() => this.running.delete(running));
      this.running.add(running);
    }
  }

  /** Waits for the writes already started (not the ones still deferred). */
  async settle(): Promise<void> {
    await Promise.all([...this.running]);
  }
}

/** A Map that forgets its least recently used entries beyond `max`. */
export class LruMap<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly max: number) {}

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    this.set(key, value);
    return value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
  }

  clear(): void {
    this.entries.clear();
  }
}
