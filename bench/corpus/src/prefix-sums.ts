export function prefixSums(xs: number[]): number[] {
  const pre: number[] = [];
  pre[0] = 0;
  for (let i = 0; i < xs.length; i++) pre[i + 1] = pre[i] + xs[i];
  return pre;
}
