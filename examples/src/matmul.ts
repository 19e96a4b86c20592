// Row-major matrix multiply over flat number arrays: a is n×m, b is m×p, the result n×p.

export function matmul(a: number[], b: number[], n: number, m: number, p: number): number[] {
  const out: number[] = [];
  // @anrf-invariant out.length == i * p
  for (let i = 0; i < n; i++) {
    // @anrf-invariant out.length == i * p + j
    for (let j = 0; j < p; j++) {
      let sum = 0;
      for (let k = 0; k < m; k++) {
        sum += a[i * m + k] * b[k * p + j];
      }
      out.push(sum);
    }
  }
  return out;
}

export function trace(a: number[], n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += a[i * n + i];
  }
  return sum;
}
