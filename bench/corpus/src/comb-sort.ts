export function combSort(a: number[]): number[] {
  let gap = a.length;
  let sorted = false;
  while (!sorted) {
    gap = Math.floor(gap / 1.3);
    if (gap <= 1) {
      gap = 1;
      sorted = true;
    }
    for (let i = 0; i + gap < a.length; i++) {
      if (a[i] > a[i + gap]) {
        const t = a[i];
        a[i] = a[i + gap];
        a[i + gap] = t;
        sorted = false;
      }
    }
  }
  return a;
}
