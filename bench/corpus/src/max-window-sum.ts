export function maxWindowSum(xs: number[], k: number): number {
  let sum = 0;
  for (let i = 0; i < k; i++) sum += xs[i];
  let best = sum;
  for (let i = k; i < xs.length; i++) {
    sum += xs[i] - xs[i - k];
    if (sum > best) best = sum;
  }
  return best;
}
