export function histogram(scores: number[], buckets = 10): number[] {
  const table: number[] = Array(buckets).fill(0);
  for (const s of scores) {
    const b = Math.min(buckets - 1, Math.floor(s * buckets));
    table[b]++;
  }
  return table;
}
