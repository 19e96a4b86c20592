function reverse(a: number[], i: number, j: number): void {
  while (i < j) {
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
    i++;
    j--;
  }
}

export function rotateRight(a: number[], k: number): number[] {
  const n = a.length;
  if (n === 0) return a;
  k %= n;
  reverse(a, 0, n - 1);
  reverse(a, 0, k - 1);
  reverse(a, k, n - 1);
  return a;
}
