export function firstUniqueChar(s: string): number {
  const seen = new Map<string, number>();
  for (const ch of s) seen.set(ch, (seen.get(ch) || 0) + 1);
  for (let i = 0; i < s.length; i++) {
    if (seen.get(s[i]) === 1) return i;
  }
  return -1;
}
