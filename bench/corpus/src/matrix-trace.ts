export function trace(m: number[][]): number {
  let sum = 0;
  for (let i = 0; i < m.length; i++) sum += m[i][i];
  return sum;
}
