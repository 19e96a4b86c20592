/**
 * Deterministic sharding for `--shard i/n`, like vitest's: order the work by cache key (a
 * sha256, so the order is stable across machines and independent of file layout), then give
 * shard i the i-th contiguous slice of ceil(len/n) items. Every machine computes the same
 * order from the same inputs, so the shards are disjoint and together cover everything.
 * Items with equal keys (the same query at two sites) are kept adjacent and in input order.
 */
export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

/** Parses "i/n" (1 ≤ i ≤ n); returns an error message as data for the CLI to report as a usage error. */
export function parseShard(text: string): Shard | { readonly error: string } {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) return { error: `--shard needs i/n, e.g. 1/4 (got '${text}')` };
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || index < 1 || index > count) return { error: `--shard ${text}: need 1 <= i <= n` };
  return { index, count };
}

export function selectShard<T>(items: readonly T[], keyOf: (item: T) => string, shard: Shard): T[] {
  const { index, count } = shard;
  if (!Number.isInteger(count) || !Number.isInteger(index) || count < 1 || index < 1 || index > count) {
    throw new RangeError(`invalid shard ${index}/${count}`);
  }
  const ordered = items
    .map((item, position) => ({ item, key: keyOf(item), position }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.position - b.position));
  const size = Math.ceil(ordered.length / count);
  return ordered.slice(size * (index - 1), size * index).map((entry) => entry.item);
}
