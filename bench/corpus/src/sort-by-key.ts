export function sortByKey(keys: number[], values: string[]): string[] {
  const idx = keys.map((_, i) => i);
  idx.sort((x, y) => keys[x] - keys[y]);
  return idx.map((i) => values[i]);
}
