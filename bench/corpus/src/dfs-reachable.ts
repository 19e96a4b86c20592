function dfs(adj: number[][], u: number, seen: boolean[]): void {
  seen[u] = true;
  for (const v of adj[u]) {
    if (!seen[v]) dfs(adj, v, seen);
  }
}

export function countReachable(adj: number[][], source: number): number {
  const seen: boolean[] = Array(adj.length).fill(false);
  dfs(adj, source, seen);
  return seen.filter(Boolean).length;
}
