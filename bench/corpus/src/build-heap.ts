function siftDown(a: number[], i: number, n: number): void {
  while (2 * i + 1 < n) {
    let child = 2 * i + 1;
    if (child + 1 < n && a[child + 1] > a[child]) child++;
    if (a[i] >= a[child]) return;
    [a[i], a[child]] = [a[child], a[i]];
    i = child;
  }
}

export default function buildMaxHeap(a: number[]): number[] {
  for (let i = (a.length >> 1) - 1; i >= 0; i--) siftDown(a, i, a.length);
  return a;
}
