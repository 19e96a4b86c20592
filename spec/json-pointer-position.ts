/**
 * Where a JSON Pointer's value is written in a JSON text: character offsets [start, end) of the
 * value, so a reporter can send an editor (or a SARIF viewer) to the line a finding's `path`
 * names. Pure and iterative. The text is meant to be JSON (callers parse it first); a pointer
 * that does not resolve gives `undefined`, and so does a malformed text on the pointer's way —
 * what lies beyond the pointer's value is not checked. Never throws.
 */
import { parsePointer } from "./json-pointer.js";

export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

const isWs = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** Offset just past the string literal opening at `i` (a `"`), or -1 when it is unterminated. */
const endOfString = (text: string, i: number): number => {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x5c) j++;
    else if (c === 0x22) return j + 1;
  }
  return -1;
};

/** Offset just past the value starting at `i`, or -1 when it does not end. */
const endOfValue = (text: string, i: number): number => {
  const first = text[i];
  if (first === '"') return endOfString(text, i);
  if (first === "{" || first === "[") {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const c = text[j];
      if (c === '"') {
        j = endOfString(text, j);
        if (j < 0) return -1;
        j--;
      } else if (c === "{" || c === "[") depth++;
      else if (c === "}" || c === "]") {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return -1;
  }
  const scalar = /[^\s,\]}]*/y;
  scalar.lastIndex = i;
  scalar.exec(text);
  return scalar.lastIndex > i ? scalar.lastIndex : -1;
};

export const pointerSpan = (text: string, pointer: string): TextSpan | undefined => {
  const segments = parsePointer(pointer);
  if (segments === undefined) return undefined;
  let i = 0;
  const skipWs = (): void => {
    while (i < text.length && (isWs(text.charCodeAt(i)) || (i === 0 && text.charCodeAt(0) === 0xfeff))) i++;
  };
  skipWs();
  for (const segment of segments) {
    const open = text[i];
    if (open !== "{" && open !== "[") return undefined;
    const wanted = open === "[" ? (/^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : -1) : segment;
    if (wanted === -1) return undefined;
    i++;
    skipWs();
    let found = false;
    for (let index = 0; !found; index++) {
      if (open === "{") {
        if (text[i] !== '"') return undefined;
        const keyEnd = endOfString(text, i);
        if (keyEnd < 0) return undefined;
        let key: unknown;
        try {
          key = JSON.parse(text.slice(i, keyEnd));
        } catch {
          return undefined;
        }
        i = keyEnd;
        skipWs();
        if (text[i] !== ":") return undefined;
        i++;
        skipWs();
        found = key === wanted;
      } else found = index === wanted;
      if (found) break;
      const end = endOfValue(text, i);
      if (end < 0) return undefined;
      i = end;
      skipWs();
      if (text[i] !== ",") return undefined;
      i++;
      skipWs();
    }
  }
  const end = endOfValue(text, i);
  return end < 0 ? undefined : { start: i, end };
};
