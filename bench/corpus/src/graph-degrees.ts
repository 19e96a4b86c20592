export function degrees(n: number, edges: Array<[number, number]>): number[] {
  const deg: number[] = Array(n).fill(0);
  edges.forEach(([a, b]) => {
    deg[a] += 1;
    deg[b] += 1;
  });
  return deg;
}
