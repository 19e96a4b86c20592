export function digitHistogram(values: number[]): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const v of values) {
    let x = Math.abs(Math.trunc(v));
    do {
      counts[x % 10]++;
      x = Math.floor(x / 10);
    } while (x > 0);
  }
  return counts;
}
