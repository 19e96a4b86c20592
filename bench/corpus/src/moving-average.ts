export function movingAverage(xs: number[], window = 3): number[] {
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < xs.length; i++) {
    sum += xs[i];
    if (i >= window) sum -= xs[i - window];
    if (i >= window - 1) out.push(sum / window);
  }
  return out;
}
