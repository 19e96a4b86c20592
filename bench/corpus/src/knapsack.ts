export function knapsack(weights: number[], values: number[], capacity: number): number {
  const n = weights.length;
  const dp = new Array(n + 1).fill(0).map(() => new Array(capacity + 1).fill(0));
  for (let i = 1; i <= n; i++) {
    const w = weights[i - 1];
    const v = values[i - 1];
    for (let c = 0; c <= capacity; c++) {
      dp[i][c] = dp[i - 1][c];
      if (w <= c) dp[i][c] = Math.max(dp[i][c], dp[i - 1][c - w] + v);
    }
  }
  return dp[n][capacity];
}
