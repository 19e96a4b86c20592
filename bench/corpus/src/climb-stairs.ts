export function climbStairs(n: number, maxStep = 2): number {
  const ways = new Array(n + 1).fill(0);
  ways[0] = 1;
  for (let i = 1; i <= n; i++) {
    for (let k = 1; k <= maxStep && k <= i; k++) ways[i] += ways[i - k];
  }
  return ways[n];
}
