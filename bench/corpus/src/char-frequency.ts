export function charFrequency(text: string): Record<string, number> {
  const freq: Record<string, number> = {};
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    freq[ch] = (freq[ch] || 0) + 1;
  }
  return freq;
}
