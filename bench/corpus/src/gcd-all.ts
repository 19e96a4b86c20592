function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

export function gcdAll(values: number[]): number {
  return values.reduce((acc, v) => gcd(acc, v), 0);
}
