export function bfsOrder(adj: number[][], start: number): number[] {
  const visited = new Array(adj.length).fill(false);
  const order: number[] = [];
  const queue = [start];
  visited[start] = true;
  let head = 0;
  while (head < queue.length) {
    const u = queue[head++];
    order.push(u);
    for (const v of adj[u]) {
      if (!visited[v]) {
        visited[v] = true;
        queue.push(v);
      }
    }
  }
  return order;
}
