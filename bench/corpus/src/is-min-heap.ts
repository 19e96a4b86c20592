export function isMinHeap(a: number[]): boolean {
  for (let i = 0; 2 * i + 1 < a.length; i++) {
    if (a[i] > a[2 * i + 1]) return false;
    if (2 * i + 2 < a.length && a[i] > a[2 * i + 2]) return false;
  }
  return true;
}
