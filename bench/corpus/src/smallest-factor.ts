export function smallestFactors(n: number): Int32Array {
  const spf = new Int32Array(n + 1);
  for (let i = 2; i <= n; i++) {
    if (spf[i] !== 0) continue;
    for (let j = i; j <= n; j += i) {
      if (spf[j] === 0) spf[j] = i;
    }
  }
  return spf;
}
