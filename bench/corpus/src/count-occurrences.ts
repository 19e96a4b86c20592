export function countOccurrences(values: number[], target: number, from?: number): number {
  let count = 0;
  const start = from ?? 0;
  for (let i = start; i < values.length; i++) {
    if (values[i] === target) count++;
  }
  return count;
}
