function findRoot(parent: number[], x: number): number {
  while (parent[x] !== x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

export function union(parent: number[], rank: number[], a: number, b: number): boolean {
  const ra = findRoot(parent, a);
  const rb = findRoot(parent, b);
  if (ra === rb) return false;
  if (rank[ra] < rank[rb]) parent[ra] = rb;
  else if (rank[ra] > rank[rb]) parent[rb] = ra;
  else {
    parent[rb] = ra;
    rank[ra]++;
  }
  return true;
}
