/** Small statistics shared by the benchmarks. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** "min–max" of values as multiples of `base`. */
export function spread(values: readonly number[], base: number): string {
  const ratios = values.map((v) => v / base);
  return `${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}`;
}
