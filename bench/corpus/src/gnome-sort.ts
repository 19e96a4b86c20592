export function gnomeSort(a: number[]): number[] {
  let pos = 0;
  while (pos < a.length) {
    if (pos === 0 || a[pos] >= a[pos - 1]) {
      pos++;
    } else {
      const t = a[pos];
      a[pos] = a[pos - 1];
      a[pos - 1] = t;
      pos--;
    }
  }
  return a;
}
