export function bellmanFord(n: number, from: number[], to: number[], weight: number[], source: number): number[] {
  const dist = Array(n).fill(Infinity);
  dist[source] = 0;
  for (let round = 1; round < n; round++) {
    for (let e = 0; e < from.length; e++) {
      const u = from[e];
      const v = to[e];
      if (dist[u] + weight[e] < dist[v]) dist[v] = dist[u] + weight[e];
    }
  }
  return dist;
}
