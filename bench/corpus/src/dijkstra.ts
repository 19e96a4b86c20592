export function dijkstra(weights: number[][], source: number): number[] {
  const n = weights.length;
  const dist = new Array(n).fill(Infinity);
  const done = new Array(n).fill(false);
  dist[source] = 0;
  for (let round = 0; round < n; round++) {
    let u = -1;
    for (let i = 0; i < n; i++) {
      if (!done[i] && (u === -1 || dist[i] < dist[u])) u = i;
    }
    if (u === -1 || dist[u] === Infinity) break;
    done[u] = true;
    for (let v = 0; v < n; v++) {
      const w = weights[u][v];
      if (w > 0 && dist[u] + w < dist[v]) dist[v] = dist[u] + w;
    }
  }
  return dist;
}
