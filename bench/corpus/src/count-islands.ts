export function countIslands(grid: number[][]): number {
  const rows = grid.length;
  if (rows === 0) return 0;
  const cols = grid[0].length;
  const seen = grid.map((row) => row.map(() => false));
  let islands = 0;
  const sink = (r: number, c: number): void => {
    if (r < 0 || c < 0 || r >= rows || c >= cols || seen[r][c] || grid[r][c] === 0) return;
    seen[r][c] = true;
    sink(r + 1, c);
    sink(r - 1, c);
    sink(r, c + 1);
    sink(r, c - 1);
  };
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (grid[r][c] === 1 && !seen[r][c]) {
        islands++;
        sink(r, c);
      }
    }
  }
  return islands;
}
