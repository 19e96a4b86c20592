export function minPathSum(grid: number[][]): number {
  const rows = grid.length;
  const cols = grid[0].length;
  const dp = grid.map((row) => row.slice());
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      if (i === 0 && j === 0) continue;
      const up = i > 0 ? dp[i - 1][j] : Infinity;
      const left = j > 0 ? dp[i][j - 1] : Infinity;
      dp[i][j] += Math.min(up, left);
    }
  }
  return dp[rows - 1][cols - 1];
}
