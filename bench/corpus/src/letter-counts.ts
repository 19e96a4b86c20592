export function letterCounts(word: string): number[] {
  const counts: number[] = new Array(26).fill(0);
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i) - 97;
    if (c >= 0 && c < 26) counts[c]++;
  }
  return counts;
}
