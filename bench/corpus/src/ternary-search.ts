export function ternarySearch(a: number[], x: number): number {
  let l = 0;
  let r = a.length - 1;
  while (l <= r) {
    const third = Math.floor((r - l) / 3);
    const m1 = l + third;
    const m2 = r - third;
    if (a[m1] === x) return m1;
    if (a[m2] === x) return m2;
    if (x < a[m1]) r = m1 - 1;
    else if (x > a[m2]) l = m2 + 1;
    else {
      l = m1 + 1;
      r = m2 - 1;
    }
  }
  return -1;
}
