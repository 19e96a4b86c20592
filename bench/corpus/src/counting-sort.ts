export function countingSort(arr: number[], max: number): number[] {
  const count = Array(max + 1).fill(0);
  for (const x of arr) count[x]++;
  const out: number[] = [];
  for (let v = 0; v <= max; v++) {
    for (let k = 0; k < count[v]; k++) out.push(v);
  }
  return out;
}
