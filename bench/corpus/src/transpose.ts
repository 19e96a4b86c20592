export function transpose(m: number[][]): number[][] {
  const rows = m.length;
  const cols = rows === 0 ? 0 : m[0].length;
  const t: number[][] = Array.from({ length: cols }, () => Array(rows).fill(0));
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) t[j][i] = m[i][j];
  }
  return t;
}
