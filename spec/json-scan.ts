/**
 * Finds where JSON text stops being JSON. JSON.parse on Node 20 reports a position for most
 * errors but not all ("Unexpected token … is not valid JSON" has none), so when it throws we
 * scan the text ourselves to locate the first offending character. Iterative (an explicit
 * stack), so deeply nested input cannot overflow the call stack.
 */
export interface JsonScanError {
  readonly offset: number;
  readonly message: string;
}

/** A character as the user should see it: printable ones quoted, others by code point. */
const showChar = (code: number): string =>
  code < 0x20 || code === 0x7f ? `character U+${code.toString(16).toUpperCase().padStart(4, "0")}` : `'${String.fromCharCode(code)}'`;

const isWs = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/**
 * `duplicateKeys`: also report the second occurrence of a key within one object. JSON.parse
 * silently keeps the last value, other parsers the first — a document whose meaning depends on
 * the parser (`"override_status": true, …, "override_status": false`) is refused.
 */
export const scanJson = (text: string, options: { duplicateKeys?: boolean } = {}): JsonScanError | undefined => {
  let i = 0;
  const n = text.length;
  const skipWs = (): void => {
    while (i < n && isWs(text.charCodeAt(i))) i++;
  };
  const describe = (what: string): JsonScanError =>
    i >= n
      ? { offset: n, message: `unexpected end of input, expected ${what}` }
      : { offset: i, message: `unexpected ${showChar(text.charCodeAt(i))}, expected ${what}` };

  const scanString = (): JsonScanError | undefined => {
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c < 0x20) return { offset: i, message: "control character inside a string (escape it)" };
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === undefined) return { offset: n, message: "unexpected end of input inside a string" };
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return { offset: i, message: "invalid \\u escape" };
          i += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(e)) return { offset: i, message: `invalid escape \\${e}` };
        i += 2;
        continue;
      }
      i++;
    }
    return { offset: n, message: "unterminated string" };
  };

  const scanScalar = (): JsonScanError | undefined => {
    const c = text[i];
    if (c === '"') return scanString();
    for (const word of ["true", "false", "null"]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return undefined;
      }
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m && m[0] !== "" && m[0] !== "-") {
      i += m[0].length;
      return undefined;
    }
    return describe("a value");
  };

  // Stack of open containers: "[" or "{", and the keys seen so far in each open object.
  const stack: string[] = [];
  const keys: Array<Set<string> | undefined> = [];
  skipWs();
  // state: expecting a value
  for (;;) {
    skipWs();
    const c = text[i];
    if (c === "[" || c === "{") {
      stack.push(c);
      keys.push(c === "{" && options.duplicateKeys ? new Set() : undefined);
      i++;
      skipWs();
      if (c === "[" && text[i] === "]") {
        i++;
        stack.pop();
        keys.pop();
      } else if (c === "{") {
        if (text[i] === "}") {
          i++;
          stack.pop();
          keys.pop();
        } else {
          const keyError = scanKey();
          if (keyError) return keyError;
          continue;
        }
      } else {
        continue;
      }
    } else {
      const e = scanScalar();
      if (e) return e;
    }
    // after a value: close containers or move to the next element
    for (;;) {
      skipWs();
      const top = stack[stack.length - 1];
      if (top === undefined) {
        if (i < n) return describe("end of input");
        return undefined;
      }
      const d = text[i];
      if (d === ",") {
        i++;
        if (top === "{") {
          skipWs();
          const keyError = scanKey();
          if (keyError) return keyError;
        }
        break;
      }
      if ((top === "[" && d === "]") || (top === "{" && d === "}")) {
        i++;
        stack.pop();
        keys.pop();
        continue;
      }
      return describe(top === "[" ? "',' or ']'" : "',' or '}'");
    }
  }

  function scanKey(): JsonScanError | undefined {
    if (text[i] !== '"') return describe("a double-quoted property name");
    const start = i;
    const e = scanString();
    if (e) return e;
    const seen = keys[keys.length - 1];
    if (seen) {
      const key = JSON.parse(text.slice(start, i)) as string;
      if (seen.has(key)) return { offset: start, message: `duplicate key ${JSON.stringify(key)} (parsers disagree on which value counts)` };
      seen.add(key);
    }
    skipWs();
    if (text[i] !== ":") return describe("':'");
    i++;
    return undefined;
  }
};
