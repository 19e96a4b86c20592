export function pascal(rows: number): number[][] {
  const tri: number[][] = [];
  for (let r = 0; r < rows; r++) {
    const row: number[] = Array(r + 1).fill(1);
    for (let k = 1; k < r; k++) row[k] = tri[r - 1][k - 1] + tri[r - 1][k];
    tri.push(row);
  }
  return tri;
}
