export function argMax(xs: number[]): number {
  let best = 0;
  xs.forEach((x, i) => {
    if (x > xs[best]) best = i;
  });
  return best;
}
