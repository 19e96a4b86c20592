const WHITE = 0;
const GREY = 1;
const BLACK = 2;

function visit(adj: number[][], u: number, color: number[]): boolean {
  color[u] = GREY;
  for (const v of adj[u]) {
    if (color[v] === GREY) return true;
    if (color[v] === WHITE && visit(adj, v, color)) return true;
  }
  color[u] = BLACK;
  return false;
}

export function hasCycle(adj: number[][]): boolean {
  const color = new Array<number>(adj.length).fill(WHITE);
  for (let u = 0; u < adj.length; u++) {
    if (color[u] === WHITE && visit(adj, u, color)) return true;
  }
  return false;
}
