export function oddEvenSort(a: number[]): number[] {
  let sorted = false;
  while (!sorted) {
    sorted = true;
    for (let i = 1; i < a.length - 1; i += 2) {
      if (a[i] > a[i + 1]) {
        [a[i], a[i + 1]] = [a[i + 1], a[i]];
        sorted = false;
      }
    }
    for (let i = 0; i < a.length - 1; i += 2) {
      if (a[i] > a[i + 1]) {
        [a[i], a[i + 1]] = [a[i + 1], a[i]];
        sorted = false;
      }
    }
  }
  return a;
}
