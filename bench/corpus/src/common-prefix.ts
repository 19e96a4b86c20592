export function longestCommonPrefix(words: string[]): string {
  if (words.length === 0) return "";
  let prefix = words[0];
  for (let i = 1; i < words.length; i++) {
    let k = 0;
    while (k < prefix.length && k < words[i].length && prefix[k] === words[i][k]) k++;
    prefix = prefix.slice(0, k);
  }
  return prefix;
}
