export function stepLife(grid: number[][]): number[][] {
  const next = structuredClone(grid);
  const rows = grid.length;
  for (let r = 0; r < rows; r++) {
    const cols = grid[r].length;
    for (let c = 0; c < cols; c++) {
      let live = 0;
      for (let dr = -1; dr <= 1; dr++) {
        for (let dc = -1; dc <= 1; dc++) {
          if (dr === 0 && dc === 0) continue;
          const rr = r + dr;
          const cc = c + dc;
          if (rr >= 0 && rr < rows && cc >= 0 && cc < grid[rr].length) live += grid[rr][cc];
        }
      }
      next[r][c] = live === 3 || (live === 2 && grid[r][c] === 1) ? 1 : 0;
    }
  }
  return next;
}
