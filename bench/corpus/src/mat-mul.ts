export function matMul(a: number[][], b: number[][]): number[][] {
  const n = a.length;
  const m = b.length;
  const p = b[0].length;
  const c = Array.from({ length: n }, () => new Array<number>(p).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      let sum = 0;
      for (let k = 0; k < m; k++) sum += a[i][k] * b[k][j];
      c[i][j] = sum;
    }
  }
  return c;
}
