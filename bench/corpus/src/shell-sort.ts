export function shellSort(a: number[]): number[] {
  let gap = Math.floor(a.length / 2);
  while (gap > 0) {
    for (let i = gap; i < a.length; i++) {
      const t = a[i];
      let j = i;
      while (j >= gap && a[j - gap] > t) {
        a[j] = a[j - gap];
        j -= gap;
      }
      a[j] = t;
    }
    gap = Math.floor(gap / 2);
  }
  return a;
}
