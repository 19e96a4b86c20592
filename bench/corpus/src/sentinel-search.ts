export function sentinelSearch(a: number[], key: number): number {
  const n = a.length;
  if (n === 0) return -1;
  const last = a[n - 1];
  a[n - 1] = key;
  let i = 0;
  while (a[i] !== key) i++;
  a[n - 1] = last;
  if (i < n - 1 || a[n - 1] === key) return i;
  return -1;
}
