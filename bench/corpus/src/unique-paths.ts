export function uniquePaths(m: number, n: number): number {
  const grid: number[][] = [];
  for (let i = 0; i < m; i++) {
    grid[i] = [];
    for (let j = 0; j < n; j++) {
      grid[i][j] = i === 0 || j === 0 ? 1 : grid[i - 1][j] + grid[i][j - 1];
    }
  }
  return grid[m - 1][n - 1];
}
