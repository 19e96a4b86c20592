function binary(a: number[], lo: number, hi: number, x: number): number {
  while (lo <= hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (a[mid] === x) return mid;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export function exponentialSearch(a: number[], x: number): number {
  if (a.length === 0) return -1;
  if (a[0] === x) return 0;
  let i = 1;
  while (i < a.length && a[i] <= x) i *= 2;
  return binary(a, Math.floor(i / 2), Math.min(i, a.length - 1), x);
}
