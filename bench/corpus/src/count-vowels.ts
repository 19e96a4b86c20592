const VOWELS = ["a", "e", "i", "o", "u"];

export function countVowels(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    for (let k = 0; k < VOWELS.length; k++) {
      if (text[i] === VOWELS[k]) n++;
    }
  }
  return n;
}
