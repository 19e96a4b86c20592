/**
 * Document text is untrusted: before it reaches a terminal, C0 and C1 control characters
 * (ESC included, so no ANSI sequence) and DEL are shown visibly as \xNN, and the line
 * separators U+2028/U+2029 as \uNNNN. (The containment room adds a shared escaper for every
 * reporter; this one is for the policy's lines until the two are merged.)
 */
export function escapeTerminal(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
