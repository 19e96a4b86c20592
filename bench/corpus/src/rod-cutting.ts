export function rodCutting(prices: number[], n: number): number {
  const best: number[] = Array(n + 1).fill(0);
  for (let len = 1; len <= n; len++) {
    let q = -Infinity;
    for (let cut = 1; cut <= len && cut <= prices.length; cut++) {
      q = Math.max(q, prices[cut - 1] + best[len - cut]);
    }
    best[len] = q;
  }
  return best[n];
}
