export function caesar(text: string, shift: number): string {
  const out: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 97 && code <= 122) out[i] = String.fromCharCode(((code - 97 + shift) % 26 + 26) % 26 + 97);
    else out[i] = text[i];
  }
  return out.join("");
}
